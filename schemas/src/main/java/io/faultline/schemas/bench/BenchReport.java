package io.faultline.schemas.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one benchmark run: a table (rows of named columns), printed for a person and
 * written to {@code bench-results/} as JSON and CSV so runs can be compared. Every benchmark
 * ({@code faultline bench accuracy|throughput|latency|scale|probe}) reports through this class, so
 * all results have one shape and carry the machine they were measured on.
 *
 * <p>Files: {@code <dir>/<benchmark>-<UTC yyyyMMdd-HHmmss>.json|.csv} and a copy named
 * {@code <benchmark>-latest.json}. The directory is {@code FAULTLINE_BENCH_DIR}, else
 * {@code <repo>/bench-results} when started by the launcher, else {@code ./bench-results}.
 */
public final class BenchReport {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final String benchmark;
  private final Instant started = Instant.now();
  private final List<String> columns;
  private final List<List<String>> rows = new ArrayList<>();
  private final Map<String, Object> parameters = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();

  /**
   * @param benchmark short name, used in file names ({@code throughput})
   * @param columns the table's column names; the first usually names the row ({@code metric})
   */
  public BenchReport(String benchmark, String... columns) {
    if (benchmark == null || !benchmark.matches("[a-z][a-z0-9-]*")) {
      throw new IllegalArgumentException("benchmark name must be lower-case letters, digits, '-': " + benchmark);
    }
    if (columns.length == 0) {
      throw new IllegalArgumentException("a report needs at least one column");
    }
    this.benchmark = benchmark;
    this.columns = List.of(columns);
  }

  /** A setting the run used (estate size, rate, seeds ...), kept with the figures. */
  public BenchReport parameter(String name, Object value) {
    parameters.put(name, value);
    return this;
  }

  /** One line of the table; values are formatted with {@link #format(Object)}. */
  public BenchReport row(Object... values) {
    if (values.length != columns.size()) {
      throw new IllegalArgumentException("row has " + values.length + " values, table has " + columns.size()
          + " columns " + columns);
    }
    List<String> r = new ArrayList<>(values.length);
    for (Object v : values) {
      r.add(format(v));
    }
    rows.add(List.copyOf(r));
    return this;
  }

  /** A sentence printed under the table and kept in the JSON (how to read a figure, a caveat). */
  public BenchReport note(String text) {
    notes.add(text);
    return this;
  }

  public String benchmark() {
    return benchmark;
  }

  public List<String> columns() {
    return columns;
  }

  public List<List<String>> rows() {
    return List.copyOf(rows);
  }

  /** Numbers with up to 3 significant decimals, no exponent; null as "-". */
  public static String format(Object v) {
    if (v == null) {
      return "-";
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        return "-";
      }
      if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        return Long.toString((long) d);
      }
      String s = Math.abs(d) >= 100 ? String.format(Locale.ROOT, "%.1f", d) : String.format(Locale.ROOT, "%.3f", d);
      return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
    return v.toString();
  }

  /** The table, aligned, with the parameters above and the notes below. */
  public void print(PrintStream out) {
    out.println("== " + benchmark + " ==");
    if (!parameters.isEmpty()) {
      StringBuilder p = new StringBuilder();
      parameters.forEach((k, v) -> p.append(p.isEmpty() ? "" : ", ").append(k).append('=').append(format(v)));
      out.println(p);
    }
    int[] width = new int[columns.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = columns.get(i).length();
      for (List<String> r : rows) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    }
    out.println(line(columns, width));
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < width.length; i++) {
      rule.append(i == 0 ? "" : "  ").append("-".repeat(width[i]));
    }
    out.println(rule);
    rows.forEach(r -> out.println(line(r, width)));
    notes.forEach(n -> out.println("  * " + n));
    out.println("machine: " + machineLine());
  }

  private static String line(List<String> cells, int[] width) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      if (i > 0) {
        b.append("  ");
      }
      // Names left, figures right, so columns of numbers line up.
      boolean numeric = i > 0 && c.matches("-?[0-9.,]+[a-zA-Z%/]*");
      b.append(numeric ? " ".repeat(width[i] - c.length()) + c : c + " ".repeat(width[i] - c.length()));
    }
    return b.toString().stripTrailing();
  }

  /** Writes JSON and CSV under {@code dir} and returns the JSON file. */
  public Path write(Path dir) throws IOException {
    Files.createDirectories(dir);
    String stamp = STAMP.format(started);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", benchmark);
    json.put("startedAt", started.toString());
    json.put("machine", machine());
    json.put("parameters", parameters);
    json.put("columns", columns);
    json.put("rows", rows);
    json.put("notes", notes);
    byte[] bytes = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(json);
    Path file = dir.resolve(benchmark + "-" + stamp + ".json");
    Files.write(file, bytes);
    Files.write(dir.resolve(benchmark + "-latest.json"), bytes);
    StringBuilder csv = new StringBuilder(csvLine(columns));
    rows.forEach(r -> csv.append(csvLine(r)));
    Files.writeString(dir.resolve(benchmark + "-" + stamp + ".csv"), csv, StandardCharsets.UTF_8);
    return file;
  }

  /** Prints the table and writes the files to {@link #defaultDirectory()}, saying where. */
  public Path printAndWrite(PrintStream out) throws IOException {
    print(out);
    Path file = write(defaultDirectory());
    out.println("written: " + file);
    return file;
  }

  private static String csvLine(List<String> cells) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      b.append(i == 0 ? "" : ",");
      b.append(c.matches("[^,\"\\n\\r]*") ? c : '"' + c.replace("\"", "\"\"") + '"');
    }
    return b.append('\n').toString();
  }

  /** {@code FAULTLINE_BENCH_DIR}, else the launcher's repository root + bench-results, else ./bench-results. */
  public static Path defaultDirectory() {
    String env = System.getenv("FAULTLINE_BENCH_DIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    String root = System.getProperty("faultline.root");
    return root != null && !root.isBlank() ? Path.of(root, "bench-results") : Path.of("bench-results");
  }

  /** What the figures were measured on: they mean little without it. */
  public static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("host", hostName());
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("memoryGiB", memoryGiB());
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("cpu", cpuModel());
    m.put("loadAverageAtStart", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    return m;
  }

  static String machineLine() {
    Map<String, Object> m = machine();
    return m.get("cores") + " cores, " + format(m.get("memoryGiB")) + " GiB, " + m.get("cpu") + ", " + m.get("java")
        + ", load " + format(m.get("loadAverageAtStart"));
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static Object memoryGiB() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (l.startsWith("MemTotal:")) {
          long kib = Long.parseLong(l.replaceAll("[^0-9]", ""));
          return Math.round(kib / 1024.0 / 1024.0 * 10) / 10.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: the JVM's view is the best there is.
    }
    return Math.round(Runtime.getRuntime().maxMemory() / 1024.0 / 1024.0 / 1024.0 * 10) / 10.0;
  }

  private static String cpuModel() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (l.startsWith("model name")) {
          return l.substring(l.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux.
    }
    return System.getProperty("os.arch");
  }
}
