package io.faultline.processor.analysis;

import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * One ranked root-cause candidate of a diagnosis.
 *
 * @param explains symptomatic entities this candidate explains
 * @param paths for each explained entity, the dependency path [candidate, ..., entity]
 * @param predictedAffected applications/services depending on the candidate whose checks still pass
 * @param reasons short human-readable reasons behind the score
 */
public record Candidate(
    String entity,
    double score,
    SortedSet<String> explains,
    Map<String, List<String>> paths,
    SortedSet<String> predictedAffected,
    List<String> reasons) {}
