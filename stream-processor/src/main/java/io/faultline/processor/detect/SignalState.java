package io.faultline.processor.detect;

import io.faultline.common.Severity;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What the detector remembers about one signal of one entity (store {@code detect-state}).
 * Stored in a small versioned binary form ({@link #toBytes()}): it is internal, read only by this
 * class, and written once per sample, so Avro's schema machinery would buy nothing here.
 */
final class SignalState {

  static final int MAX_RAISES = 8;
  private static final byte VERSION = 1;

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
    ByteBuffer b = ByteBuffer.allocate(encodedSize());
    writeTo(b);
    return b.array();
  }

  /**
   * Bytes of {@link #writeTo}. The layout is that of a {@link java.io.DataOutputStream} (big-endian,
   * the note as {@code writeUTF}), written straight into the entity's buffer: every sample encodes
   * its signals, and the stream's byte-at-a-time writes showed in the stream thread's profile.
   */
  int encodedSize() {
    return 1 + 8 + 4 + 4 + 1 + 1 + 1 + 8 + 1 + 8 * abnormalTimes.length + 4 + 4 + 1 + 8 * raiseTimes.length
        + 4 + 8 + 8 + 1 + 8 * warmup.length + 8 + 2 + utfLength(note);
  }

  void writeTo(ByteBuffer b) {
    b.put(VERSION).putLong(lastTime).putInt(recent).putInt(recentCritical).put((byte) recentCount)
        .put((byte) (raised ? 1 : 0)).put((byte) severity.ordinal()).putLong(onset).put((byte) abnormalTimes.length);
    for (long t : abnormalTimes) {
      b.putLong(t);
    }
    b.putInt(abnormalSamples).putInt(normalRun).put((byte) raiseTimes.length);
    for (long t : raiseTimes) {
      b.putLong(t);
    }
    b.putInt(samples).putDouble(mean).putDouble(dev).put((byte) warmup.length);
    for (double v : warmup) {
      b.putDouble(v);
    }
    b.putDouble(lastObserved).putShort((short) utfLength(note));
    for (int i = 0; i < note.length(); i++) {
      char c = note.charAt(i);
      if (c >= 0x0001 && c <= 0x007F) {
        b.put((byte) c);
      } else if (c <= 0x07FF) {
        b.put((byte) (0xC0 | (c >> 6) & 0x1F)).put((byte) (0x80 | c & 0x3F));
      } else {
        b.put((byte) (0xE0 | (c >> 12) & 0x0F)).put((byte) (0x80 | (c >> 6) & 0x3F)).put((byte) (0x80 | c & 0x3F));
      }
    }
  }

  /** Length of {@code s} in the modified UTF-8 of {@link java.io.DataOutput#writeUTF}. */
  private static int utfLength(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      n += c >= 0x0001 && c <= 0x007F ? 1 : c <= 0x07FF ? 2 : 3;
    }
    if (n > 0xFFFF) {
      throw new IllegalStateException("signal note too long: " + n + " bytes");
    }
    return n;
  }

  static SignalState fromBytes(byte[] data) {
    SignalState s = new SignalState();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      byte version = in.readByte();
      if (version != VERSION) {
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
