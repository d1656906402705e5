package io.faultline.processor.sim;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What to simulate.
 *
 * @param seed        everything random derives from it: same spec, same bytes
 * @param entities    target estate size; every layer scales with it (the result is within a few percent)
 * @param faults      faults to inject, in different parts of the estate; empty for a fault-free run;
 *                    {@code null} picks one kind from the seed
 * @param minutes     event-time length of the telemetry
 * @param start       event time of the first sample
 * @param intervalMs  sampling interval of every probe
 * @param noise       spikes, flapping, missing samples, late, duplicated and out-of-order delivery
 */
public record SimulationSpec(long seed, int entities, List<FaultKind> faults, int minutes, Instant start,
                             int intervalMs, boolean noise) {

  public static final int DEFAULT_ENTITIES = 60;
  public static final int DEFAULT_MINUTES = 30;
  public static final Instant DEFAULT_START = Instant.parse("2026-11-21T09:00:00Z");
  public static final int MIN_ENTITIES = 20;
  public static final int MAX_ENTITIES = 2_000_000;

  public SimulationSpec {
    Objects.requireNonNull(start, "start");
    if (entities < MIN_ENTITIES || entities > MAX_ENTITIES) {
      throw new IllegalArgumentException("entities must be between " + MIN_ENTITIES + " and " + MAX_ENTITIES
          + ", got " + entities);
    }
    if (minutes < 2) {
      throw new IllegalArgumentException("minutes must be at least 2, got " + minutes);
    }
    if (intervalMs < 1000) {
      throw new IllegalArgumentException("intervalMs must be at least 1000, got " + intervalMs);
    }
    faults = faults == null ? null : List.copyOf(faults);
  }

  /** The defaults with this seed: a small estate, one fault of a kind chosen by the seed, 30 minutes, noise on. */
  public static SimulationSpec of(long seed) {
    return new SimulationSpec(seed, DEFAULT_ENTITIES, null, DEFAULT_MINUTES, DEFAULT_START, 10_000, true);
  }

  public SimulationSpec withEntities(int n) {
    return new SimulationSpec(seed, n, faults, minutes, start, intervalMs, noise);
  }

  public SimulationSpec withFaults(List<FaultKind> f) {
    return new SimulationSpec(seed, entities, f, minutes, start, intervalMs, noise);
  }

  public SimulationSpec withMinutes(int m) {
    return new SimulationSpec(seed, entities, faults, m, start, intervalMs, noise);
  }

  public SimulationSpec withNoise(boolean n) {
    return new SimulationSpec(seed, entities, faults, minutes, start, intervalMs, n);
  }

  public SimulationSpec withStart(Instant s) {
    return new SimulationSpec(seed, entities, faults, minutes, s, intervalMs, noise);
  }
}
