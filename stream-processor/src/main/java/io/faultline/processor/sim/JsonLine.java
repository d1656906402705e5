package io.faultline.processor.sim;

/**
 * Builds one scenario line. Hand-written rather than through a JSON library because the
 * simulator writes millions of lines and must produce the same bytes for the same seed on every
 * machine: numbers are rounded and printed without locale or float-to-string quirks.
 */
final class JsonLine {
  private static final long[] POW10 = {1, 10, 100, 1000, 10_000, 100_000, 1_000_000};
  private static final long DAY_MS = 86_400_000L;

  private final StringBuilder sb = new StringBuilder(320);
  private long cachedDay = Long.MIN_VALUE;
  private String cachedDayPrefix;

  JsonLine begin(String type) {
    sb.setLength(0);
    sb.append("{\"type\":\"").append(type).append('"');
    return this;
  }

  JsonLine str(String key, String value) {
    key(key);
    sb.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
    return this;
  }

  JsonLine integer(String key, long value) {
    key(key);
    sb.append(value);
    return this;
  }

  JsonLine bool(String key, boolean value) {
    key(key);
    sb.append(value);
    return this;
  }

  /** A number rounded half-up to {@code decimals} places, printed with at least one decimal. */
  JsonLine num(String key, double value, int decimals) {
    key(key);
    appendDecimal(sb, value, decimals);
    return this;
  }

  /** Event time as ISO-8601 UTC with milliseconds. */
  JsonLine time(String key, long epochMs) {
    key(key);
    sb.append('"');
    appendInstant(epochMs);
    sb.append('"');
    return this;
  }

  JsonLine raw(String key, String json) {
    key(key);
    sb.append(json);
    return this;
  }

  String end() {
    sb.append('}');
    return sb.toString();
  }

  private void key(String key) {
    sb.append(",\"").append(key).append("\":");
  }

  static void appendDecimal(StringBuilder sb, double value, int decimals) {
    long p = POW10[decimals];
    long scaled = Math.round(Math.abs(value) * p);
    if (value < 0 && scaled != 0) {
      sb.append('-');
    }
    sb.append(scaled / p).append('.');
    long frac = decimals == 0 ? 0 : scaled % p;
    if (frac == 0) {
      sb.append('0');
      return;
    }
    // Trailing zeros dropped ("20.4"), leading ones kept ("1.05").
    int digits = decimals;
    while (frac % 10 == 0) {
      frac /= 10;
      digits--;
    }
    for (long l = POW10[digits - 1]; l > frac; l /= 10) {
      sb.append('0');
    }
    sb.append(frac);
  }

  private void appendInstant(long ms) {
    long day = Math.floorDiv(ms, DAY_MS);
    if (day != cachedDay) {
      cachedDay = day;
      cachedDayPrefix = java.time.LocalDate.ofEpochDay(day) + "T";
    }
    int msOfDay = (int) Math.floorMod(ms, DAY_MS);
    int h = msOfDay / 3_600_000;
    int m = (msOfDay / 60_000) % 60;
    int s = (msOfDay / 1000) % 60;
    int milli = msOfDay % 1000;
    sb.append(cachedDayPrefix);
    two(h);
    sb.append(':');
    two(m);
    sb.append(':');
    two(s);
    sb.append('.');
    if (milli < 100) {
      sb.append('0');
    }
    if (milli < 10) {
      sb.append('0');
    }
    sb.append(milli).append('Z');
  }

  private void two(int v) {
    if (v < 10) {
      sb.append('0');
    }
    sb.append(v);
  }

  /** ISO-8601 UTC text of an instant, as the simulator writes it. */
  static String iso(long epochMs) {
    JsonLine l = new JsonLine();
    l.appendInstant(epochMs);
    return l.sb.toString();
  }
}
