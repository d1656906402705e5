package io.faultline.processor.detect;

/**
 * What the detector knows about an entity being monitored (part of its {@link EntityState}):
 * when it last reported and whether it has gone silent. An entity only checked through a pool
 * ({@code tracked == false}) is monitored but has no reporting rhythm of its own.
 */
final class Presence {

  boolean tracked;
  long lastSeen;
  int intervalMs;
  boolean silent;
  long silenceOnset;

  /** When the entity counts as silent if nothing arrives before. */
  long deadline(long silenceMinMs) {
    return lastSeen + Math.max(3L * intervalMs, silenceMinMs);
  }
}
