package io.faultline.probe.proc;

/**
 * Deltas of kernel counters that only grow but may wrap. The kernel prints some counters as
 * 32-bit (time fields of {@code /proc/diskstats}, everything on 32-bit kernels) and others as
 * 64-bit, and the file does not say which, so the width is inferred from the previous value.
 */
public final class Counters {

  /** Returned when the counter went backwards in a way no wrap explains: the source was reset. */
  public static final long RESET = -1;

  private static final long TWO_POW_32 = 1L << 32;

  private Counters() {}

  /**
   * The increase from {@code prev} to {@code cur}, both read as unsigned 64-bit.
   *
   * <ul>
   *   <li>{@code cur >= prev}: the plain difference;
   *   <li>{@code prev} fits in 32 bits: a 32-bit wrap;
   *   <li>{@code prev} is in the upper half of the 64-bit range: a 64-bit wrap;
   *   <li>otherwise the counter restarted (device re-attached, driver reloaded): {@link #RESET},
   *       and the caller takes {@code cur} as a new baseline instead of reporting a huge rate.
   * </ul>
   */
  public static long delta(long prev, long cur) {
    if (Long.compareUnsigned(cur, prev) >= 0) {
      return cur - prev;
    }
    if (Long.compareUnsigned(prev, TWO_POW_32) < 0) {
      return TWO_POW_32 - prev + cur;
    }
    if (prev < 0) { // unsigned >= 2^63: close enough to 2^64 for a wrap
      return cur - prev; // two's complement gives the unsigned distance across the wrap
    }
    return RESET;
  }

  /** Parses a decimal counter that may exceed {@link Long#MAX_VALUE} (unsigned 64-bit). */
  public static long parse(String s) {
    return Long.parseUnsignedLong(s);
  }
}
