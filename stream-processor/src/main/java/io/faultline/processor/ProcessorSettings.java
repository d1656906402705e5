package io.faultline.processor;

import io.faultline.processor.analysis.AnalysisSettings;
import io.faultline.processor.correlate.CorrelationSettings;
import io.faultline.processor.detect.DetectionSettings;
import io.faultline.schemas.config.LayeredConfig;
import java.util.Map;
import java.util.TreeMap;

/** Settings of the three parts of the engine: detection, correlation, analysis. */
public record ProcessorSettings(
    DetectionSettings detection, CorrelationSettings correlation, AnalysisSettings analysis) {

  public static final String ANALYSIS_PRECEDENCE_TOLERANCE_MS = "analysis.precedence.tolerance.ms";
  public static final String ANALYSIS_MIN_INFERENCE_DEPENDENTS = "analysis.min.inference.dependents";
  public static final String ANALYSIS_MIN_INFERENCE_SHARE = "analysis.min.inference.share";
  public static final String ANALYSIS_MAX_CANDIDATES = "analysis.max.candidates";
  public static final String ANALYSIS_MAX_IMPACT_WALK = "analysis.max.impact.walk";

  public static ProcessorSettings defaults() {
    return new ProcessorSettings(DetectionSettings.defaults(), CorrelationSettings.defaults(),
        AnalysisSettings.defaults());
  }

  /** Defaults of every engine key, to merge into the application's defaults. */
  public static Map<String, Object> configDefaults() {
    Map<String, Object> m = new TreeMap<>();
    m.putAll(DetectionSettings.configDefaults());
    m.putAll(CorrelationSettings.configDefaults());
    AnalysisSettings a = AnalysisSettings.defaults();
    m.put(ANALYSIS_PRECEDENCE_TOLERANCE_MS, a.precedenceToleranceMs());
    m.put(ANALYSIS_MIN_INFERENCE_DEPENDENTS, a.minInferenceDependents());
    m.put(ANALYSIS_MIN_INFERENCE_SHARE, a.minInferenceShare());
    m.put(ANALYSIS_MAX_CANDIDATES, a.maxCandidates());
    m.put(ANALYSIS_MAX_IMPACT_WALK, a.maxImpactWalk());
    return m;
  }

  public static ProcessorSettings from(LayeredConfig config) {
    AnalysisSettings d = AnalysisSettings.defaults();
    AnalysisSettings analysis = new AnalysisSettings(
        config.has(ANALYSIS_PRECEDENCE_TOLERANCE_MS)
            ? config.number(ANALYSIS_PRECEDENCE_TOLERANCE_MS, 0, 86_400_000) : d.precedenceToleranceMs(),
        config.has(ANALYSIS_MIN_INFERENCE_DEPENDENTS)
            ? (int) config.number(ANALYSIS_MIN_INFERENCE_DEPENDENTS, 1, 1000) : d.minInferenceDependents(),
        config.has(ANALYSIS_MIN_INFERENCE_SHARE) ? share(config) : d.minInferenceShare(),
        config.has(ANALYSIS_MAX_CANDIDATES) ? (int) config.number(ANALYSIS_MAX_CANDIDATES, 1, 1000) : d.maxCandidates(),
        config.has(ANALYSIS_MAX_IMPACT_WALK)
            ? (int) config.number(ANALYSIS_MAX_IMPACT_WALK, 1, 10_000_000) : d.maxImpactWalk());
    return new ProcessorSettings(DetectionSettings.fromConfig(config), CorrelationSettings.from(config), analysis);
  }

  private static double share(LayeredConfig config) {
    double v = config.decimal(ANALYSIS_MIN_INFERENCE_SHARE);
    if (!(v > 0 && v <= 1)) {
      throw new io.faultline.schemas.config.ConfigException(config.where(ANALYSIS_MIN_INFERENCE_SHARE) + ": '"
          + ANALYSIS_MIN_INFERENCE_SHARE + "' must be in (0, 1], got " + v);
    }
    return v;
  }

  public ProcessorSettings withCorrelation(CorrelationSettings c) {
    return new ProcessorSettings(detection, c, analysis);
  }

  public ProcessorSettings withDetection(DetectionSettings d) {
    return new ProcessorSettings(d, correlation, analysis);
  }
}
