package io.faultline.processor.analysis;

import io.faultline.common.Severity;
import java.util.ArrayList;
import java.util.Collections;
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

  /**
   * Always one list class, whatever the size ({@code List.copyOf} picks a class by size): code compiled
   * while only large incidents had been seen (the start's warm-up) was thrown away at the first one- or
   * two-symptom incident, and C2 spent seconds compiling the summary again.
   */
  public Diagnosis {
    ranked = Collections.unmodifiableList(new ArrayList<>(ranked));
    symptoms = Collections.unmodifiableList(new ArrayList<>(symptoms));
  }

  public Candidate top() {
    return ranked.get(0);
  }
}
