package io.faultline.processor.detect;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The compact form of {@code detect-state} values (version 2): variable-length integers, zigzag for
 * signed ones, times as differences from a nearby time. Every sample writes its entity's value to a
 * changelog under exactly-once, so its size is paid in the producer, the broker and the restore:
 * the fixed-width form (version 1, still read) was about 400 bytes per entity, five times the
 * sample that caused the write.
 */
final class StateCodec {

  private StateCodec() {}

  /** Appends to a growable array. */
  static final class Writer {
    private byte[] buf;
    private int pos;

    Writer(int capacity) {
      buf = new byte[capacity];
    }

    private void ensure(int n) {
      if (pos + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
      }
    }

    Writer put(int b) {
      ensure(1);
      buf[pos++] = (byte) b;
      return this;
    }

    Writer putVarLong(long v) {
      ensure(10);
      while ((v & ~0x7FL) != 0) {
        buf[pos++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[pos++] = (byte) v;
      return this;
    }

    Writer putZigzag(long v) {
      return putVarLong((v << 1) ^ (v >> 63));
    }

    Writer putDouble(double v) {
      ensure(8);
      long bits = Double.doubleToRawLongBits(v);
      for (int i = 56; i >= 0; i -= 8) {
        buf[pos++] = (byte) (bits >>> i);
      }
      return this;
    }

    Writer putBytes(byte[] b) {
      ensure(b.length);
      System.arraycopy(b, 0, buf, pos, b.length);
      pos += b.length;
      return this;
    }

    Writer putString(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      return putVarLong(b.length).putBytes(b);
    }

    /** Reserves two bytes for a length written later with {@link #patchLength}. */
    int reserveLength() {
      ensure(2);
      pos += 2;
      return pos - 2;
    }

    void patchLength(int at) {
      int length = pos - at - 2;
      if (length > 0xFFFF) {
        throw new IllegalStateException("detect-state part too long: " + length + " bytes");
      }
      buf[at] = (byte) (length >>> 8);
      buf[at + 1] = (byte) length;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, pos);
    }
  }

  /** Reads what {@link Writer} wrote. */
  static final class Reader {
    private final byte[] buf;
    private int pos;

    Reader(byte[] buf, int pos) {
      this.buf = buf;
      this.pos = pos;
    }

    int get() {
      return buf[pos++] & 0xFF;
    }

    long getVarLong() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = get();
        v |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
      }
      throw new IllegalStateException("corrupt detect-state entry: variable-length integer too long");
    }

    int getVarInt() {
      return Math.toIntExact(getVarLong());
    }

    long getZigzag() {
      long v = getVarLong();
      return (v >>> 1) ^ -(v & 1);
    }

    double getDouble() {
      long bits = 0;
      for (int i = 0; i < 8; i++) {
        bits = (bits << 8) | get();
      }
      return Double.longBitsToDouble(bits);
    }

    byte[] getBytes(int n) {
      byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
      pos += n;
      return b;
    }

    String getString() {
      return new String(getBytes(getVarInt()), StandardCharsets.UTF_8);
    }

    int getLength() {
      return (get() << 8) | get();
    }

    boolean hasRemaining() {
      return pos < buf.length;
    }
  }
}
