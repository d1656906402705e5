package io.faultline.processor.detect;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything the detector remembers about one entity, the one value of store {@code detect-state}
 * under the entity's id: its {@link Presence} (null until it is monitored) and a
 * {@link SignalState} per (signal, related).
 *
 * <p>One value per entity, not one per signal: a sample touches several signals of its entity
 * (a network sample five, a memory sample four) and under exactly-once every store write is also
 * a changelog record the processor produces; per entity that is one write per sample. A signal's
 * state stays in its encoded form until the sample reads it, so a sample of one kind does not
 * decode (or re-encode) the signals of the entity's other kinds.
 */
final class EntityState {

  private static final byte VERSION = 2;
  private static final int MONITORED = 1;
  private static final int TRACKED = 2;
  private static final int SILENT = 4;

  /** Null until the entity's first sample (or the first sample naming it as a pool member). */
  Presence presence;
  /*
   * How this value stands to its copy in detect-state (never stored): when it was last written (event time),
   * whether it has changed since (quiet samples only), whether a change of a verdict must be written before
   * the sample is done, and whether it was read from the store and not yet seen by a sample of its own.
   */
  long writtenAt = Long.MIN_VALUE;
  /** The entity's id, set when it is read, and whether the current sample or watermark has read it. */
  String id;
  boolean touched;
  boolean dirty;
  boolean mustWrite;
  boolean loaded;
  /** Keyed by {@link #signalKey}: an encoded {@code byte[]} until read, then the {@link SignalState}. */
  private final Map<String, Object> signals = new LinkedHashMap<>();

  /** A missing related and an empty one are the same series (as they always were). */
  static String signalKey(String signal, String related) {
    return related == null || related.isEmpty() ? signal : signal + '\u0000' + related;
  }

  /** The signal's state, created empty on its first sample. */
  SignalState signal(String key) {
    Object s = signals.get(key);
    if (s instanceof SignalState state) {
      return state;
    }
    SignalState state = s == null ? new SignalState() : SignalState.fromBytes((byte[]) s);
    signals.put(key, state);
    return state;
  }

  int signalCount() {
    return signals.size();
  }

  /** Version 2 ({@link StateCodec}); a signal not read since it was loaded keeps its stored bytes. */
  byte[] toBytes() {
    StateCodec.Writer w = new StateCodec.Writer(64 + 96 * signals.size()).put(VERSION);
    if (presence == null) {
      w.put(0);
    } else {
      w.put(MONITORED | (presence.tracked ? TRACKED : 0) | (presence.silent ? SILENT : 0))
          .putZigzag(presence.lastSeen).putZigzag(presence.intervalMs).putZigzag(presence.silenceOnset);
    }
    w.putVarLong(signals.size());
    for (Map.Entry<String, Object> e : signals.entrySet()) {
      w.putString(e.getKey());
      int length = w.reserveLength();
      if (e.getValue() instanceof SignalState state) {
        state.writeTo(w);
      } else {
        w.putBytes((byte[]) e.getValue());
      }
      w.patchLength(length);
    }
    return w.toByteArray();
  }

  static EntityState fromBytes(byte[] data) {
    EntityState s = new EntityState();
    if (data.length > 0 && data[0] == VERSION) {
      StateCodec.Reader r = new StateCodec.Reader(data, 1);
      s.presence = presence(r);
      long n = r.getVarLong();
      for (long i = 0; i < n; i++) {
        String key = r.getString();
        s.signals.put(key, r.getBytes(r.getLength()));
      }
      return s;
    }
    ByteBuffer b = version1(data);
    s.presence = presence(b);
    int n = Short.toUnsignedInt(b.getShort());
    for (int i = 0; i < n; i++) {
      byte[] key = new byte[Short.toUnsignedInt(b.getShort())];
      b.get(key);
      byte[] value = new byte[b.getInt()];
      b.get(value);
      s.signals.put(new String(key, StandardCharsets.UTF_8), value);
    }
    return s;
  }

  /** The presence alone, without reading the signals (rebuilding the silence index reads every entity). */
  static Presence presenceOf(byte[] data) {
    if (data.length > 0 && data[0] == VERSION) {
      return presence(new StateCodec.Reader(data, 1));
    }
    return presence(version1(data));
  }

  private static Presence presence(StateCodec.Reader r) {
    int flags = r.get();
    // Arguments are read left to right, in the order they were written.
    return (flags & MONITORED) == 0 ? null : presence(flags, r.getZigzag(), (int) r.getZigzag(), r.getZigzag());
  }

  /** A value written before version 2 (fixed-width, signals as version-1 {@link SignalState} bytes), past its version. */
  private static ByteBuffer version1(byte[] data) {
    ByteBuffer b = ByteBuffer.wrap(data);
    byte version = b.get();
    if (version != 1) {
      throw new IllegalStateException("unknown detect-state version " + version);
    }
    return b;
  }

  private static Presence presence(ByteBuffer b) {
    int flags = b.get();
    return (flags & MONITORED) == 0 ? null : presence(flags, b.getLong(), b.getInt(), b.getLong());
  }

  /** The presence of a monitored entity, whichever version it was read from. */
  private static Presence presence(int flags, long lastSeen, int intervalMs, long silenceOnset) {
    Presence p = new Presence();
    p.tracked = (flags & TRACKED) != 0;
    p.silent = (flags & SILENT) != 0;
    p.lastSeen = lastSeen;
    p.intervalMs = intervalMs;
    p.silenceOnset = silenceOnset;
    return p;
  }
}
