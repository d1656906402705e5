package io.faultline.processor.analysis;

/**
 * Tuning of the root-cause analysis. The defaults are what the accuracy benchmark was tuned
 * with; every value is documented in stream-processor/README.md.
 *
 * @param precedenceToleranceMs how much later than an effect a cause's first abnormal sample may
 *     be and still count as preceding it (detection of a cause can lag its effects by a sample)
 * @param minInferenceDependents how many failing dependents an entity without telemetry needs
 *     before it is inferred to have failed itself (one failing dependent is better explained by
 *     that dependent's own evidence)
 * @param minInferenceShare the share of its observable dependents that must fail for that inference
 * @param maxCandidates how many ranked candidates a diagnosis carries
 * @param maxImpactWalk bound on the entities visited when predicting the blast radius
 */
public record AnalysisSettings(
    long precedenceToleranceMs,
    int minInferenceDependents,
    double minInferenceShare,
    int maxCandidates,
    int maxImpactWalk) {

  public static AnalysisSettings defaults() {
    return new AnalysisSettings(60_000, 2, 0.5, 5, 20_000);
  }
}
