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

  private static final byte VERSION = 1;
  private static final int MONITORED = 1;
  private static final int TRACKED = 2;
  private static final int SILENT = 4;

  /** Null until the entity's first sample (or the first sample naming it as a pool member). */
  Presence presence;
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

  byte[] toBytes() {
    byte[][] keys = new byte[signals.size()][];
    int[] sizes = new int[keys.length];
    int size = 1 + 1 + (presence == null ? 0 : 8 + 4 + 8) + 2;
    int i = 0;
    for (Map.Entry<String, Object> e : signals.entrySet()) {
      keys[i] = e.getKey().getBytes(StandardCharsets.UTF_8);
      sizes[i] = e.getValue() instanceof SignalState s ? s.encodedSize() : ((byte[]) e.getValue()).length;
      size += 2 + keys[i].length + 4 + sizes[i];
      i++;
    }
    ByteBuffer b = ByteBuffer.allocate(size).put(VERSION);
    if (presence == null) {
      b.put((byte) 0);
    } else {
      b.put((byte) (MONITORED | (presence.tracked ? TRACKED : 0) | (presence.silent ? SILENT : 0)))
          .putLong(presence.lastSeen).putInt(presence.intervalMs).putLong(presence.silenceOnset);
    }
    b.putShort((short) keys.length);
    i = 0;
    for (Object value : signals.values()) {
      b.putShort((short) keys[i].length).put(keys[i]).putInt(sizes[i]);
      // Decoded signals are written in place; the others are still their stored bytes.
      if (value instanceof SignalState s) {
        s.writeTo(b);
      } else {
        b.put((byte[]) value);
      }
      i++;
    }
    return b.array();
  }

  static EntityState fromBytes(byte[] data) {
    ByteBuffer b = ByteBuffer.wrap(data);
    byte version = b.get();
    if (version != VERSION) {
      throw new IllegalStateException("unknown detect-state version " + version);
    }
    EntityState s = new EntityState();
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
    ByteBuffer b = ByteBuffer.wrap(data);
    byte version = b.get();
    if (version != VERSION) {
      throw new IllegalStateException("unknown detect-state version " + version);
    }
    return presence(b);
  }

  private static Presence presence(ByteBuffer b) {
    int flags = b.get();
    if ((flags & MONITORED) == 0) {
      return null;
    }
    Presence p = new Presence();
    p.tracked = (flags & TRACKED) != 0;
    p.silent = (flags & SILENT) != 0;
    p.lastSeen = b.getLong();
    p.intervalMs = b.getInt();
    p.silenceOnset = b.getLong();
    return p;
  }
}
