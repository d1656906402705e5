package io.faultline.processor.bench;

import java.util.Map;

/** Flag parsing shared by the benchmarks: every problem is one line for {@code faultline bench KIND: <reason>}. */
final class BenchArgs {
  private BenchArgs() {}

  static String value(String flag, String v) {
    if (v == null) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return v;
  }

  static long number(String flag, String v, long min, long max) {
    String s = value(flag, v);
    long n;
    try {
      n = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a whole number, got '" + s + "'");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(flag + " must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }

  static void flag(String flag, String v, Map<String, String> into) {
    String s = value(flag, v);
    int eq = s.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(flag + " needs key=value, got '" + s + "'");
    }
    into.put(s.substring(0, eq), s.substring(eq + 1));
  }
}
