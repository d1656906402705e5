package io.faultline.processor.bench;

import java.util.Arrays;
import java.util.List;

/** The arithmetic of the benchmarks: rates and percentiles, kept apart so they are tested on their own. */
final class Stats {
  private Stats() {}

  /** Events per second for {@code count} events in {@code nanos}; NaN when no time passed. */
  static double rate(long count, long nanos) {
    return nanos <= 0 ? Double.NaN : count / (nanos / 1e9);
  }

  /**
   * The nearest-rank percentile ({@code p} in (0, 100]): the smallest value with at least p % of
   * the values at or below it. No interpolation, so every figure printed was actually measured.
   */
  static double percentile(List<Double> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  /** {@code a / b}, NaN when b is not a positive number. */
  static double ratio(double a, double b) {
    return b > 0 ? a / b : Double.NaN;
  }
}
