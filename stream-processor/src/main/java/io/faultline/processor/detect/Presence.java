package io.faultline.processor.detect;

import java.nio.ByteBuffer;

/**
 * What the detector knows about an entity being monitored (store {@code detect-monitored}):
 * when it last reported and whether it has gone silent. An entity only checked through a pool
 * ({@code tracked == false}) is monitored but has no reporting rhythm of its own.
 */
final class Presence {

  private static final byte VERSION = 1;

  boolean tracked;
  long lastSeen;
  int intervalMs;
  boolean silent;
  long silenceOnset;

  /** When the entity counts as silent if nothing arrives before. */
  long deadline(long silenceMinMs) {
    return lastSeen + Math.max(3L * intervalMs, silenceMinMs);
  }

  byte[] toBytes() {
    return ByteBuffer.allocate(1 + 1 + 8 + 4 + 1 + 8)
        .put(VERSION).put((byte) (tracked ? 1 : 0)).putLong(lastSeen).putInt(intervalMs)
        .put((byte) (silent ? 1 : 0)).putLong(silenceOnset).array();
  }

  static Presence fromBytes(byte[] data) {
    ByteBuffer b = ByteBuffer.wrap(data);
    byte version = b.get();
    if (version != VERSION) {
      throw new IllegalStateException("unknown detect-monitored version " + version);
    }
    Presence p = new Presence();
    p.tracked = b.get() == 1;
    p.lastSeen = b.getLong();
    p.intervalMs = b.getInt();
    p.silent = b.get() == 1;
    p.silenceOnset = b.getLong();
    return p;
  }
}
