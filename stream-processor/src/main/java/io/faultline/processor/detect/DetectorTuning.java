package io.faultline.processor.detect;

import java.time.Duration;

/**
 * How the symptom detectors decide; tuned on the shared scenarios (docs/detection.md).
 *
 * @param staticConfirm / staticWindow a static signal (errors, failed checks, members down)
 *     raises when at least {@code staticConfirm} of the last {@code staticWindow} samples fail
 * @param definitiveConfirm / definitiveWindow a static signal also raises when at least
 *     {@code definitiveConfirm} of its last {@code definitiveWindow} samples are definitive failures
 *     (a verdict, not a probe's outcome: I/O errors, a member or service DOWN, NXDOMAIN; see
 *     {@link SignalDetector#observeStatic})
 * @param staticClear consecutive good samples that clear a static signal
 * @param staticOnsetGap consecutive good samples that separate an earlier failure from the episode
 *     (for its onset)
 * @param baselineConfirm / baselineWindow same for learned baselines
 * @param baselineClear consecutive samples under the clear threshold that clear a baseline signal
 * @param baselineOnsetGap same as staticOnsetGap for baselines
 * @param warmup samples a baseline learns from before it judges anything
 * @param deviations how many mean absolute deviations above the mean count as abnormal
 * @param alpha weight of a new normal sample in the moving mean and deviation
 * @param criticalFactor a baseline sample beyond {@code mean + criticalFactor * (threshold - mean)}
 *     is far beyond normal: a symptom whose confirming samples are mostly that far is CRITICAL
 * @param flapRaises / flapWindow a signal that raised this often within the window is flapping
 * @param flapClear consecutive good samples that clear a flapping signal (it stays raised until stable)
 */
public record DetectorTuning(
    int staticConfirm, int staticWindow, int definitiveConfirm, int definitiveWindow, int staticClear,
    int staticOnsetGap,
    int baselineConfirm, int baselineWindow, int baselineClear, int baselineOnsetGap,
    int warmup, double deviations, double alpha, double criticalFactor,
    int flapRaises, Duration flapWindow, int flapClear) {

  public DetectorTuning {
    if (staticConfirm < 1 || staticConfirm > staticWindow || staticWindow > 16
        || definitiveConfirm < 1 || definitiveConfirm > definitiveWindow || definitiveWindow > 16
        || staticOnsetGap < 1 || baselineOnsetGap < 1
        || baselineConfirm < 1 || baselineConfirm > baselineWindow || baselineWindow > 16
        || staticClear < 1 || baselineClear < 1 || flapClear < 1 || warmup < 2 || warmup > 64
        || alpha <= 0 || alpha > 1 || deviations <= 0 || criticalFactor <= 1
        || flapRaises < 2 || flapRaises > SignalState.MAX_RAISES) {
      throw new IllegalArgumentException("inconsistent detector tuning: " + this);
    }
  }

  public static DetectorTuning defaults() {
    return new DetectorTuning(3, 5, 2, 3, 6, 4, 3, 4, 5, 3, 12, 6.0, 0.05, 4.0, 2, Duration.ofMinutes(15), 30);
  }
}
