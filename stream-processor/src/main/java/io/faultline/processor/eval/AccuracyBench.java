package io.faultline.processor.eval;

import io.faultline.processor.replay.OutputFormat;
import io.faultline.processor.replay.ReplayCli;
import io.faultline.processor.sim.FaultKind;
import io.faultline.processor.sim.ScenarioGenerator;
import io.faultline.processor.sim.SimulationSpec;
import io.faultline.stack.LocalStack;
import io.faultline.stack.StackException;
import io.faultline.stack.StackOptions;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code faultline bench accuracy [--seeds N] [--entities N] [--minutes M] [--kinds K,...] [--out DIR]}:
 * generates one scenario per fault kind and seed plus a fault-free one per seed, replays each through
 * the real pipeline (one embedded stack for the suite, a fresh application per scenario) and scores
 * it side by side with the two {@link Baselines}. Prints one table of figures.
 */
public final class AccuracyBench {
  static final String USAGE = "usage: faultline bench accuracy [--seeds N] [--entities N] [--minutes M] "
      + "[--kinds KIND,...] [--out DIR]";
  private static final String[] METHODS = {"faultline", "earliest-anomaly", "parent-suppression"};

  private AccuracyBench() {}

  /** Everything one method got over the suite. */
  private static final class Tally {
    final List<Scorer.FaultScore> faults = new ArrayList<>();
    int falseIncidents;
    double faultFreeHours;

    void add(Scorer.Result r) {
      faults.addAll(r.faults());
      falseIncidents += r.falseIncidents().size();
      faultFreeHours += Double.isNaN(r.faultFreeHours()) ? 0 : r.faultFreeHours();
    }

    double ac(int k) {
      return faults.isEmpty() ? Double.NaN
          : faults.stream().filter(f -> f.rank() >= 1 && f.rank() <= k).count() / (double) faults.size();
    }

    String meanDelay() {
      List<Duration> d = faults.stream().filter(Scorer.FaultScore::detected).map(Scorer.FaultScore::delay).toList();
      return d.isEmpty() ? "-" : d.stream().reduce(Duration.ZERO, Duration::plus).dividedBy(d.size()).toSeconds() + "s";
    }
  }

  public static int run(String[] args) {
    return run(args, System.out, System.err);
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    int seeds = 1;
    int entities = 80;
    int minutes = 20;
    List<FaultKind> kinds = List.of(FaultKind.values());
    Path dir = null;
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        String v = i + 1 < args.length ? args[i + 1] : null;
        switch (a) {
          case "--seeds" -> seeds = positive(a, v);
          case "--entities" -> entities = positive(a, v);
          case "--minutes" -> minutes = positive(a, v);
          case "--kinds" -> kinds = kinds(v);
          case "--out" -> dir = Path.of(require(a, v));
          case "-h", "--help" -> {
            out.println(USAGE);
            return 0;
          }
          default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
        }
        i++;
      }
    } catch (IllegalArgumentException e) {
      err.println("faultline bench accuracy: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    try {
      Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("faultline-bench-");
      return bench(seeds, entities, minutes, kinds, work, out, err);
    } catch (IOException e) {
      err.println("faultline bench accuracy: " + e.getMessage());
      return 1;
    } catch (StackException | IllegalStateException | UncheckedIOException e) {
      err.println("faultline bench accuracy: " + e.getMessage());
      return 1;
    }
  }

  private static int bench(int seeds, int entities, int minutes, List<FaultKind> kinds, Path work, PrintStream out,
                           PrintStream err) throws IOException {
    Map<String, Tally> tallies = new LinkedHashMap<>();
    for (String m : METHODS) {
      tallies.put(m, new Tally());
    }
    Map<String, Tally> byKind = new LinkedHashMap<>();
    long t0 = System.nanoTime();
    err.println("faultline bench accuracy: starting an embedded Kafka broker and schema registry ...");
    try (LocalStack stack = LocalStack.start(StackOptions.defaults())) {
      for (int seed = 1; seed <= seeds; seed++) {
        List<List<FaultKind>> cases = new ArrayList<>();
        kinds.forEach(k -> cases.add(List.of(k)));
        cases.add(List.of());
        for (List<FaultKind> faults : cases) {
          String name = (faults.isEmpty() ? "healthy" : faults.get(0).cliName()) + "-s" + seed;
          Path jsonl = work.resolve(name + ".jsonl");
          SimulationSpec spec = SimulationSpec.of(seed).withEntities(entities).withMinutes(minutes).withFaults(faults);
          Expectations expected;
          try (BufferedWriter w = Files.newBufferedWriter(jsonl, StandardCharsets.UTF_8)) {
            expected = ScenarioGenerator.generate(spec, w);
          }
          Files.writeString(work.resolve(name + ".expect.json"), expected.toJson(), StandardCharsets.UTF_8);
          ScenarioFacts facts = ScenarioFacts.read(jsonl);
          err.printf("  %-28s replaying ...%n", name);
          List<ReplayLine> pipeline = replay(jsonl, stack);
          Baselines.Anomalies anomalies = Baselines.detect(jsonl);
          Scorer.Result fl = Scorer.score(pipeline, expected, facts);
          tallies.get("faultline").add(fl);
          tallies.get("earliest-anomaly").add(Scorer.score(Baselines.earliestAnomalyFirst(anomalies), expected, facts));
          tallies.get("parent-suppression").add(Scorer.score(Baselines.parentSuppression(anomalies), expected, facts));
          if (!faults.isEmpty()) {
            byKind.computeIfAbsent(faults.get(0).cliName(), k -> new Tally()).add(fl);
          }
          err.printf("  %-28s faultline rank %s, %d incident(s), %d false%n", name,
              fl.faults().isEmpty() ? "-" : String.valueOf(fl.faults().get(0).rank()), fl.incidents(),
              fl.falseIncidents().size());
        }
      }
    }
    out.printf(Locale.ROOT, "bench accuracy: %d seed(s) x %d fault kinds + fault-free, %d entities, %d minutes, "
        + "%.0f s%n%n", seeds, kinds.size(), entities, minutes, (System.nanoTime() - t0) / 1e9);
    out.printf(Locale.ROOT, "%-20s %6s %6s %6s %6s %10s %14s%n", "method", "AC@1", "AC@3", "AC@5", "Avg@5",
        "delay", "false/hour");
    tallies.forEach((m, t) -> out.printf(Locale.ROOT, "%-20s %6.2f %6.2f %6.2f %6.2f %10s %14s%n", m, t.ac(1),
        t.ac(3), t.ac(5), (t.ac(1) + t.ac(2) + t.ac(3) + t.ac(4) + t.ac(5)) / 5, t.meanDelay(),
        t.faultFreeHours > 0 ? String.format(Locale.ROOT, "%.1f (%d)", t.falseIncidents / t.faultFreeHours,
            t.falseIncidents) : "-"));
    out.printf(Locale.ROOT, "%nfaultline by fault kind:%n");
    byKind.forEach((k, t) -> out.printf(Locale.ROOT, "  %-20s AC@1 %.2f  AC@3 %.2f  delay %s%n", k, t.ac(1), t.ac(3),
        t.meanDelay()));
    out.println("scenarios in " + work);
    return 0;
  }

  private static List<ReplayLine> replay(Path jsonl, LocalStack stack) {
    ReplayCli.Options o = ReplayCli.options(jsonl, stack.bootstrapServers(), stack.registryUrl());
    List<ReplayLine> lines = new ArrayList<>();
    long n = 0;
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    for (OutputFormat.Line l : ReplayCli.replay(o, jsonl, quiet)) {
      lines.add(ReplayLine.parse(l.json(), ++n));
    }
    return lines;
  }

  private static List<FaultKind> kinds(String v) {
    List<FaultKind> out = new ArrayList<>();
    for (String s : require("--kinds", v).split(",")) {
      if (!s.isBlank()) {
        out.add(FaultKind.parse(s));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--kinds needs at least one kind");
    }
    return out;
  }

  private static String require(String flag, String v) {
    if (v == null) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return v;
  }

  private static int positive(String flag, String v) {
    try {
      int n = Integer.parseInt(require(flag, v));
      if (n < 1) {
        throw new IllegalArgumentException(flag + " must be at least 1");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a whole number, got '" + v + "'");
    }
  }
}
