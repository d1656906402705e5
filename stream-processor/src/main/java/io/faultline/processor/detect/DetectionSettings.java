package io.faultline.processor.detect;

import io.faultline.schemas.config.LayeredConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of the detection stage (see stream-processor/docs/detection.md).
 *
 * @param grace how long a record may arrive after the newest event time the task has seen and
 *     still be processed in order; later records are dead-lettered as {@code late}
 * @param maxFutureSkew how far a record may be ahead of the task's stream time; further ahead is
 *     dead-lettered as {@code future}
 * @param idleFlush wall-clock time without input after which the task releases everything it
 *     buffered (end of a replay); a live feed never pauses that long
 * @param watermarkInterval event time the released watermark must advance before the next
 *     WATERMARK is sent to the correlation stage
 * @param silenceMin least gap before an entity that stopped reporting is declared silent
 * @param stateCheckpoint event time after which an entity's quiet state (learning baselines,
 *     last seen) is written to {@code detect-state} again; any change of a verdict is written at
 *     once. Zero writes every sample (see stream-processor/docs/detection.md, "Checkpointed state")
 * @param detector thresholds of the symptom detectors
 */
public record DetectionSettings(
    Duration grace,
    Duration maxFutureSkew,
    Duration idleFlush,
    Duration watermarkInterval,
    Duration silenceMin,
    Duration stateCheckpoint,
    DetectorTuning detector) {

  public static final String PREFIX = "detect.";

  public DetectionSettings {
    requirePositive("grace", grace, true);
    requirePositive("maxFutureSkew", maxFutureSkew, false);
    requirePositive("idleFlush", idleFlush, false);
    requirePositive("watermarkInterval", watermarkInterval, false);
    requirePositive("silenceMin", silenceMin, false);
    requirePositive("stateCheckpoint", stateCheckpoint, true);
    if (detector == null) {
      throw new IllegalArgumentException("detector tuning is required");
    }
  }

  /**
   * Live operation: 250 ms of reordering. Probes stamp a sample when its measurement completes and
   * send it within their linger (50 ms), so samples of one partition arrive at most a linger and a
   * network round trip or two out of event-time order; every ms of grace is a ms of detection latency (see
   * stream-processor/docs/detection.md, "Live grace").
   */
  public static DetectionSettings defaults() {
    return new DetectionSettings(Duration.ofMillis(250), Duration.ofHours(1), Duration.ofSeconds(2),
        Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(1), DetectorTuning.defaults());
  }

  /** Replay of a recorded scenario: reorder across an hour, anything later is a dead letter. */
  public static DetectionSettings forReplay() {
    return defaults().withGrace(Duration.ofHours(1));
  }

  public DetectionSettings withGrace(Duration g) {
    return new DetectionSettings(g, maxFutureSkew, idleFlush, watermarkInterval, silenceMin, stateCheckpoint, detector);
  }

  public DetectionSettings withIdleFlush(Duration d) {
    return new DetectionSettings(grace, maxFutureSkew, d, watermarkInterval, silenceMin, stateCheckpoint, detector);
  }

  public DetectionSettings withStateCheckpoint(Duration d) {
    return new DetectionSettings(grace, maxFutureSkew, idleFlush, watermarkInterval, silenceMin, d, detector);
  }

  /** Config keys (milliseconds) and their defaults, to merge into the application's defaults. */
  public static Map<String, Object> configDefaults() {
    DetectionSettings d = defaults();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(PREFIX + "grace.ms", d.grace.toMillis());
    m.put(PREFIX + "max.future.skew.ms", d.maxFutureSkew.toMillis());
    m.put(PREFIX + "idle.flush.ms", d.idleFlush.toMillis());
    m.put(PREFIX + "watermark.interval.ms", d.watermarkInterval.toMillis());
    m.put(PREFIX + "silence.min.ms", d.silenceMin.toMillis());
    m.put(PREFIX + "state.checkpoint.ms", d.stateCheckpoint.toMillis());
    return m;
  }

  /** Reads the {@code detect.*} keys of {@link #configDefaults()}. */
  public static DetectionSettings fromConfig(LayeredConfig config) {
    long day = Duration.ofDays(7).toMillis();
    return new DetectionSettings(
        Duration.ofMillis(config.number(PREFIX + "grace.ms", 0, day)),
        Duration.ofMillis(config.number(PREFIX + "max.future.skew.ms", 1, day)),
        Duration.ofMillis(config.number(PREFIX + "idle.flush.ms", 1, day)),
        Duration.ofMillis(config.number(PREFIX + "watermark.interval.ms", 1, day)),
        Duration.ofMillis(config.number(PREFIX + "silence.min.ms", 1, day)),
        Duration.ofMillis(config.number(PREFIX + "state.checkpoint.ms", 0, day)),
        DetectorTuning.defaults());
  }

  private static void requirePositive(String name, Duration d, boolean zeroOk) {
    if (d == null || d.isNegative() || (!zeroOk && d.isZero())) {
      throw new IllegalArgumentException(name + " must be " + (zeroOk ? ">= 0" : "> 0") + ", got " + d);
    }
  }
}
