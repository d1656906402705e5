package io.faultline.processor.correlate;

import io.faultline.schemas.Topics;
import io.faultline.schemas.config.LayeredConfig;
import java.util.Map;
import java.util.TreeMap;

/**
 * Knobs of the correlation stage, all in event time (see stream-processor/README.md).
 *
 * @param upstreamPartitions detection tasks whose watermarks gate evaluation
 * @param tickMs evaluation grid
 * @param openAfterMs how long a diagnosis with CRITICAL evidence must persist before it opens an incident
 * @param openAfterWarningMs the same for a diagnosis with WARNING evidence only (baseline noise is common)
 * @param resolveAfterMs how long an incident's diagnosis must be absent before it is resolved
 * @param reopenWindowMs how long after resolution the same root reopens the same incident
 * @param maxCandidates ranked candidates published per incident
 * @param mergeMinScore score at which a new diagnosis's candidate that is an open incident's root
 *     makes the diagnosis part of that incident instead of a new one (above 1: never)
 */
public record CorrelationSettings(
    int upstreamPartitions,
    long tickMs,
    long openAfterMs,
    long openAfterWarningMs,
    long resolveAfterMs,
    long reopenWindowMs,
    int maxCandidates,
    double mergeMinScore) {

  public static final String UPSTREAM_PARTITIONS = "telemetry.partitions";
  public static final String TICK_MS = "correlate.tick.ms";
  public static final String OPEN_AFTER_MS = "correlate.open.after.ms";
  public static final String OPEN_AFTER_WARNING_MS = "correlate.open.after.warning.ms";
  public static final String RESOLVE_AFTER_MS = "correlate.resolve.after.ms";
  public static final String REOPEN_WINDOW_MS = "correlate.reopen.window.ms";
  public static final String MAX_CANDIDATES = "correlate.max.candidates";
  public static final String MERGE_MIN_SCORE = "correlate.merge.min.score";

  public CorrelationSettings {
    if (upstreamPartitions < 1) {
      throw new IllegalArgumentException("upstream partitions must be >= 1, got " + upstreamPartitions);
    }
    if (tickMs < 1) {
      throw new IllegalArgumentException("tick must be >= 1 ms, got " + tickMs);
    }
    if (openAfterMs < 0 || openAfterWarningMs < 0 || resolveAfterMs < 0 || reopenWindowMs < 0) {
      throw new IllegalArgumentException("correlation durations must be >= 0");
    }
    if (!(mergeMinScore >= 0)) {
      throw new IllegalArgumentException("merge min score must be >= 0, got " + mergeMinScore);
    }
    if (maxCandidates < 1) {
      throw new IllegalArgumentException("max candidates must be >= 1, got " + maxCandidates);
    }
  }

  public static CorrelationSettings defaults() {
    return new CorrelationSettings(Topics.TELEMETRY_PARTITIONS, 1_000, 5_000, 60_000, 120_000, 900_000, 10, 0.5);
  }

  /** Default values of every key, for {@link LayeredConfig#load}. */
  public static Map<String, Object> configDefaults() {
    CorrelationSettings d = defaults();
    Map<String, Object> m = new TreeMap<>();
    m.put(UPSTREAM_PARTITIONS, d.upstreamPartitions());
    m.put(TICK_MS, d.tickMs());
    m.put(OPEN_AFTER_MS, d.openAfterMs());
    m.put(OPEN_AFTER_WARNING_MS, d.openAfterWarningMs());
    m.put(RESOLVE_AFTER_MS, d.resolveAfterMs());
    m.put(REOPEN_WINDOW_MS, d.reopenWindowMs());
    m.put(MAX_CANDIDATES, d.maxCandidates());
    m.put(MERGE_MIN_SCORE, d.mergeMinScore());
    return m;
  }

  public static CorrelationSettings from(LayeredConfig config) {
    CorrelationSettings d = defaults();
    return new CorrelationSettings(
        config.has(UPSTREAM_PARTITIONS) ? (int) config.number(UPSTREAM_PARTITIONS, 1, 10_000) : d.upstreamPartitions(),
        config.has(TICK_MS) ? config.number(TICK_MS, 1, 3_600_000) : d.tickMs(),
        config.has(OPEN_AFTER_MS) ? config.number(OPEN_AFTER_MS, 0, Long.MAX_VALUE / 4) : d.openAfterMs(),
        config.has(OPEN_AFTER_WARNING_MS) ? config.number(OPEN_AFTER_WARNING_MS, 0, Long.MAX_VALUE / 4) : d.openAfterWarningMs(),
        config.has(RESOLVE_AFTER_MS) ? config.number(RESOLVE_AFTER_MS, 0, Long.MAX_VALUE / 4) : d.resolveAfterMs(),
        config.has(REOPEN_WINDOW_MS) ? config.number(REOPEN_WINDOW_MS, 0, Long.MAX_VALUE / 4) : d.reopenWindowMs(),
        config.has(MAX_CANDIDATES) ? (int) config.number(MAX_CANDIDATES, 1, 1000) : d.maxCandidates(),
        config.has(MERGE_MIN_SCORE) ? config.decimal(MERGE_MIN_SCORE) : d.mergeMinScore());
  }

  public CorrelationSettings withUpstreamPartitions(int n) {
    return new CorrelationSettings(n, tickMs, openAfterMs, openAfterWarningMs, resolveAfterMs, reopenWindowMs,
        maxCandidates, mergeMinScore);
  }

  /** The first tick at or after {@code t}: an event at t is applied at this tick. */
  public long tickAtOrAfter(long t) {
    return Math.floorDiv(t + tickMs - 1, tickMs) * tickMs;
  }

  /** The last tick at or before {@code t}. */
  public long tickAtOrBefore(long t) {
    return Math.floorDiv(t, tickMs) * tickMs;
  }
}
