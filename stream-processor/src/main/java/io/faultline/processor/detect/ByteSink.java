package io.faultline.processor.detect;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte array to encode into, without {@link java.io.ByteArrayOutputStream}'s lock per
 * write: a {@link java.io.DataOutputStream} writes most fields byte by byte, and every sample
 * encodes its entity's signal states (it showed as a tenth of the stream thread in a profile).
 */
final class ByteSink extends OutputStream {

  private byte[] buf;
  private int count;

  ByteSink(int capacity) {
    buf = new byte[capacity];
  }

  @Override
  public void write(int b) {
    if (count == buf.length) {
      buf = Arrays.copyOf(buf, buf.length * 2);
    }
    buf[count++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    if (count + len > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + len));
    }
    System.arraycopy(b, off, buf, count, len);
    count += len;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, count);
  }
}
