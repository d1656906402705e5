package io.faultline.processor.analysis;

import io.faultline.common.Severity;
import java.util.List;
import java.util.SortedSet;

/**
 * One group of related symptoms and its ranked candidate root causes: one future incident.
 *
 * @param ranked candidates, best first (rank 1 = index 0), scores in 0..1
 * @param symptomatic every symptomatic entity in the group
 * @param symptoms the active symptoms of the group
 * @param onset earliest onset in the group
 */
public record Diagnosis(
    List<Candidate> ranked, SortedSet<String> symptomatic, List<ObservedSymptom> symptoms, long onset, Severity severity) {

  public Candidate top() {
    return ranked.get(0);
  }
}
