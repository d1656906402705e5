package io.faultline.processor.detect;

import io.faultline.common.Severity;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * What the detector remembers about one signal of one entity (store {@code detect-state}).
 * Stored in a small versioned binary form ({@link #toBytes()}, {@link StateCodec}): it is internal,
 * read only by this class, and written once per sample, so Avro's schema machinery would buy nothing
 * here.
 */
final class SignalState {

  static final int MAX_RAISES = 8;
  private static final byte VERSION = 2;

  /** Event time of the last sample, to drop duplicates. */
  long lastTime = Long.MIN_VALUE;
  /** Last samples, newest in bit 0: abnormal, and far beyond normal. */
  int recent;
  int recentCritical;
  int recentCount;
  boolean raised;
  Severity severity = Severity.UNKNOWN;
  /** First abnormal sample of the current episode, or -1 while none is raised. */
  long onset = -1;
  /** Event times of the latest abnormal samples (one per set bit of {@code recent}), oldest first. */
  long[] abnormalTimes = new long[0];
  int abnormalSamples;
  int normalRun;
  /** Times of the latest raises, oldest first, for flap damping. */
  long[] raiseTimes = new long[0];
  /** Learned baseline (baseline signals only). */
  int samples;
  double mean;
  double dev;
  double[] warmup = new double[0];
  /** Last abnormal value and what it was, for the description. */
  double lastObserved = Double.NaN;
  String note = "";

  int abnormalIn(int window) {
    return Integer.bitCount(recent & ((1 << window) - 1));
  }

  int criticalIn(int window) {
    return Integer.bitCount(recentCritical & ((1 << window) - 1));
  }

  void push(long time, boolean abnormal, boolean critical) {
    recent = (recent << 1) | (abnormal ? 1 : 0);
    recentCritical = (recentCritical << 1) | (critical ? 1 : 0);
    recentCount = Math.min(recentCount + 1, Integer.SIZE);
    if (abnormal) {
      long[] a = Arrays.copyOf(abnormalTimes, Math.min(abnormalTimes.length + 1, Integer.SIZE));
      if (a.length == abnormalTimes.length) {
        System.arraycopy(abnormalTimes, 1, a, 0, a.length - 1);
      }
      a[a.length - 1] = time;
      abnormalTimes = a;
    }
  }

  /**
   * Walks back from the newest sample through the abnormal ones until {@code gap} consecutive
   * normal samples: the earliest abnormal sample reached is where the episode began.
   *
   * @return {onset, abnormal samples in the episode}
   */
  long[] episodeStart(int gap) {
    long start = -1;
    int abnormal = 0;
    int normalRun = 0;
    for (int i = 0; i < recentCount; i++) {
      if ((recent >>> i & 1) == 1) {
        start = abnormalTimes[abnormalTimes.length - 1 - abnormal];
        abnormal++;
        normalRun = 0;
      } else if (++normalRun >= gap) {
        break;
      }
    }
    return new long[] {start, abnormal};
  }

  void resetWindow() {
    recent = 0;
    recentCritical = 0;
    recentCount = 0;
    abnormalTimes = new long[0];
  }

  void recordRaise(long time) {
    long[] r = Arrays.copyOf(raiseTimes, Math.min(raiseTimes.length + 1, MAX_RAISES));
    if (r.length == raiseTimes.length) {
      System.arraycopy(raiseTimes, 1, r, 0, r.length - 1);
    }
    r[r.length - 1] = time;
    raiseTimes = r;
  }

  int raisesSince(long since) {
    int n = 0;
    for (long t : raiseTimes) {
      if (t >= since) {
        n++;
      }
    }
    return n;
  }

  byte[] toBytes() {
    StateCodec.Writer w = new StateCodec.Writer(64);
    writeTo(w);
    return w.toByteArray();
  }

  private static final int RAISED = 1;
  private static final int ONSET = 2;
  private static final int BASELINE = 4;
  private static final int OBSERVED = 8;
  private static final int NOTE = 16;

  /**
   * Version 2 ({@link StateCodec}): times as differences from {@link #lastTime}, small integers in a
   * byte or two, and what is unset (no onset, no baseline, no observed value, no note) left out.
   */
  void writeTo(StateCodec.Writer w) {
    boolean baseline = samples != 0 || mean != 0 || dev != 0;
    int flags = (raised ? RAISED : 0) | (onset >= 0 ? ONSET : 0) | (baseline ? BASELINE : 0)
        | (Double.isNaN(lastObserved) ? 0 : OBSERVED) | (note.isEmpty() ? 0 : NOTE);
    w.put(VERSION).put(flags).putZigzag(lastTime).putVarLong(recent & 0xFFFFFFFFL)
        .putVarLong(recentCritical & 0xFFFFFFFFL).put(recentCount).put(severity.ordinal());
    if (onset >= 0) {
      w.putZigzag(lastTime - onset);
    }
    w.putVarLong(abnormalTimes.length);
    for (long t : abnormalTimes) {
      w.putZigzag(lastTime - t);
    }
    w.putZigzag(abnormalSamples).putZigzag(normalRun).putVarLong(raiseTimes.length);
    for (long t : raiseTimes) {
      w.putZigzag(lastTime - t);
    }
    if (baseline) {
      w.putZigzag(samples).putDouble(mean).putDouble(dev);
    }
    w.putVarLong(warmup.length);
    for (double v : warmup) {
      w.putDouble(v);
    }
    if (!Double.isNaN(lastObserved)) {
      w.putDouble(lastObserved);
    }
    if (!note.isEmpty()) {
      w.putString(note);
    }
  }

  static SignalState fromBytes(byte[] data) {
    if (data.length > 0 && data[0] == VERSION) {
      return fromCompact(data);
    }
    return fromVersion1(data);
  }

  private static SignalState fromCompact(byte[] data) {
    SignalState s = new SignalState();
    StateCodec.Reader r = new StateCodec.Reader(data, 1);
    int flags = r.get();
    s.lastTime = r.getZigzag();
    s.recent = (int) r.getVarLong();
    s.recentCritical = (int) r.getVarLong();
    s.recentCount = r.get();
    s.raised = (flags & RAISED) != 0;
    s.severity = Severity.values()[r.get()];
    s.onset = (flags & ONSET) != 0 ? s.lastTime - r.getZigzag() : -1;
    s.abnormalTimes = new long[r.getVarInt()];
    for (int i = 0; i < s.abnormalTimes.length; i++) {
      s.abnormalTimes[i] = s.lastTime - r.getZigzag();
    }
    s.abnormalSamples = (int) r.getZigzag();
    s.normalRun = (int) r.getZigzag();
    s.raiseTimes = new long[r.getVarInt()];
    for (int i = 0; i < s.raiseTimes.length; i++) {
      s.raiseTimes[i] = s.lastTime - r.getZigzag();
    }
    if ((flags & BASELINE) != 0) {
      s.samples = (int) r.getZigzag();
      s.mean = r.getDouble();
      s.dev = r.getDouble();
    }
    s.warmup = new double[r.getVarInt()];
    for (int i = 0; i < s.warmup.length; i++) {
      s.warmup[i] = r.getDouble();
    }
    s.lastObserved = (flags & OBSERVED) != 0 ? r.getDouble() : Double.NaN;
    s.note = (flags & NOTE) != 0 ? r.getString() : "";
    return s;
  }

  /** The fixed-width form written before version 2 ({@code DataOutputStream}, big-endian). */
  private static SignalState fromVersion1(byte[] data) {
    SignalState s = new SignalState();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      byte version = in.readByte();
      if (version != 1) {
        throw new IllegalStateException("unknown detect-state version " + version);
      }
      s.lastTime = in.readLong();
      s.recent = in.readInt();
      s.recentCritical = in.readInt();
      s.recentCount = in.readByte();
      s.raised = in.readBoolean();
      s.severity = Severity.values()[in.readByte()];
      s.onset = in.readLong();
      s.abnormalTimes = new long[in.readByte()];
      for (int i = 0; i < s.abnormalTimes.length; i++) {
        s.abnormalTimes[i] = in.readLong();
      }
      s.abnormalSamples = in.readInt();
      s.normalRun = in.readInt();
      s.raiseTimes = new long[in.readByte()];
      for (int i = 0; i < s.raiseTimes.length; i++) {
        s.raiseTimes[i] = in.readLong();
      }
      s.samples = in.readInt();
      s.mean = in.readDouble();
      s.dev = in.readDouble();
      s.warmup = new double[in.readByte()];
      for (int i = 0; i < s.warmup.length; i++) {
        s.warmup[i] = in.readDouble();
      }
      s.lastObserved = in.readDouble();
      s.note = in.readUTF();
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt detect-state entry", e);
    }
    return s;
  }
}
