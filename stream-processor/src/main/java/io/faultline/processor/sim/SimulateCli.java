package io.faultline.processor.sim;

import io.faultline.processor.eval.Expectations;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code faultline simulate --seed N [--entities N] [--faults KIND,...|none] [--minutes M]
 * [--start ISO] [--no-noise] --out PREFIX}: writes PREFIX.jsonl and PREFIX.expect.json.
 */
public final class SimulateCli {
  static final String USAGE = "usage: faultline simulate --seed N [--entities N] [--faults KIND,...|none] "
      + "[--minutes M] [--start ISO-8601] [--no-noise] --out PREFIX\n  fault kinds: " + FaultKind.names();

  private SimulateCli() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String[] args) {
    return run(args, System.out, System.err);
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    SimulationSpec spec;
    Path prefix;
    try {
      Long seed = null;
      int entities = SimulationSpec.DEFAULT_ENTITIES;
      List<FaultKind> faults = null;
      int minutes = SimulationSpec.DEFAULT_MINUTES;
      Instant start = SimulationSpec.DEFAULT_START;
      boolean noise = true;
      String outPrefix = null;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--seed" -> seed = parseLong(a, value(args, ++i, a));
          case "--entities" -> entities = (int) parseLong(a, value(args, ++i, a));
          case "--minutes" -> minutes = (int) parseLong(a, value(args, ++i, a));
          case "--faults" -> faults = parseFaults(value(args, ++i, a));
          case "--start" -> {
            String v = value(args, ++i, a);
            try {
              start = Instant.parse(v);
            } catch (DateTimeParseException e) {
              throw new IllegalArgumentException("--start must be ISO-8601 UTC, got '" + v + "'");
            }
          }
          case "--no-noise" -> noise = false;
          case "--out" -> outPrefix = value(args, ++i, a);
          case "-h", "--help" -> {
            out.println(USAGE);
            return 0;
          }
          default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
        }
      }
      if (seed == null) {
        throw new IllegalArgumentException("--seed is required");
      }
      if (outPrefix == null) {
        throw new IllegalArgumentException("--out is required");
      }
      spec = new SimulationSpec(seed, entities, faults, minutes, start, 10_000, noise);
      prefix = Path.of(outPrefix);
    } catch (IllegalArgumentException e) {
      err.println("faultline simulate: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    Path jsonl = Path.of(prefix + ".jsonl");
    Path expect = Path.of(prefix + ".expect.json");
    long began = System.nanoTime();
    try {
      Path dir = jsonl.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      ScenarioGenerator.Summary summary;
      try (Writer w = new BufferedWriter(
          new OutputStreamWriter(Files.newOutputStream(jsonl), StandardCharsets.UTF_8), 1 << 20)) {
        summary = ScenarioGenerator.run(spec, w);
      }
      Expectations expectations = summary.expectations();
      Files.writeString(expect, expectations.toJson(), StandardCharsets.UTF_8);
      double seconds = (System.nanoTime() - began) / 1e9;
      out.printf(Locale.ROOT, "faultline simulate: %s (%d entities, %d dependencies, %d series, %d lines, %d duplicates, at most %d lines held)"
              + " and %s (%d fault(s)%s) in %.1f s%n",
          jsonl, summary.entities(), summary.dependencies(), summary.series(), summary.lines(), summary.duplicates(), summary.maxHeldLines(),
          expect, expectations.faults().size(), describe(expectations), seconds);
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("faultline simulate: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("faultline simulate: cannot write " + jsonl + ": " + e.getMessage());
      return 1;
    }
  }

  private static String describe(Expectations e) {
    StringBuilder sb = new StringBuilder();
    e.faults().forEach(f -> sb.append(sb.length() == 0 ? ": " : ", ").append(f.kind()).append(" at ")
        .append(f.root()).append(" from ").append(f.onset()));
    return sb.toString();
  }

  static List<FaultKind> parseFaults(String v) {
    List<FaultKind> out = new ArrayList<>();
    if (v.equalsIgnoreCase("none")) {
      return out;
    }
    for (String part : v.split(",")) {
      if (!part.isBlank()) {
        out.add(FaultKind.parse(part));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--faults needs at least one kind or 'none'");
    }
    return out;
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  private static long parseLong(String flag, String v) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a whole number, got '" + v + "'");
    }
  }
}
