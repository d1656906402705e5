package io.faultline.processor.correlate;

import io.faultline.processor.analysis.Diagnosis;
import io.faultline.processor.analysis.GraphView;
import io.faultline.processor.analysis.ObservedSymptom;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What the correlator needs from root-cause analysis: the signature of
 * {@code RootCauseAnalyzer.analyze}. Kept as an interface so the incident lifecycle can be tested
 * with a small, predictable analysis and the real ranking can change without touching it.
 */
@FunctionalInterface
public interface Analyzer {
  List<Diagnosis> analyze(GraphView graph, Collection<ObservedSymptom> active, Set<String> monitored, long now);
}
