package io.faultline.processor.eval;

import io.faultline.processor.EngineDriver;
import io.faultline.processor.replay.OutputFormat;
import io.faultline.processor.replay.ReplayCli;
import io.faultline.processor.sim.FaultKind;
import io.faultline.processor.sim.ScenarioGenerator;
import io.faultline.processor.sim.SimulationSpec;
import io.faultline.schemas.bench.BenchReport;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * {@code faultline bench accuracy}: scores the engine on a generated {@link AccuracySuite} side by
 * side with the two {@link Baselines}, and reports AC@1, AC@3, Avg@5, detection delay (median, p95;
 * event time) and false incidents per fault-free hour, for the whole suite and per case, through
 * {@link BenchReport}.
 *
 * <p>Scenarios run in-process through the engine's topology in TopologyTestDriver
 * ({@link EngineDriver}, the replay settings), several at once; {@code --broker} replays them instead
 * through the real pipeline on an embedded broker, as {@code faultline replay} does (20-60 s each,
 * so for a few scenarios). Both run the same topology.
 */
public final class AccuracyBench {
  static final String USAGE = "usage: faultline bench accuracy [--held-out|--tuning|--first-seed N] [--scenarios N] "
      + "[--minutes M] [--kinds KIND,...] [--threads N] [--set KEY=VALUE]... [--broker] [--out DIR] [--verbose]";
  static final List<String> METHODS = List.of("faultline", "earliest-anomaly", "parent-suppression");
  static final List<String> COLUMNS = List.of("method", "case", "scenarios", "faults", "AC@1", "AC@3", "Avg@5",
      "delay p50 s", "delay p95 s", "undetected", "false incidents", "fault-free h", "false/h");
  private static final int BROKER_SCENARIOS = 4;

  private AccuracyBench() {}

  /** One scenario's outcome for every method. */
  record Outcome(AccuracySuite.Case scenario, Map<String, Scorer.Result> results) {}

  /** Everything one method got over a set of scenarios. */
  static final class Tally {
    int scenarios;
    final List<Scorer.FaultScore> faults = new ArrayList<>();
    int falseIncidents;
    double faultFreeHours;

    void add(Scorer.Result r) {
      scenarios++;
      faults.addAll(r.faults());
      falseIncidents += r.falseIncidents().size();
      faultFreeHours += Double.isNaN(r.faultFreeHours()) ? 0 : r.faultFreeHours();
    }

    double ac(int k) {
      return faults.isEmpty() ? Double.NaN
          : faults.stream().filter(f -> f.rank() >= 1 && f.rank() <= k).count() / (double) faults.size();
    }

    double avg5() {
      double s = 0;
      for (int k = 1; k <= Scorer.MAX_K; k++) {
        s += ac(k);
      }
      return s / Scorer.MAX_K;
    }

    /** The q-quantile (nearest rank) of the detection delays in seconds; NaN when nothing was detected. */
    double delayQuantile(double q) {
      List<Duration> d = faults.stream().filter(Scorer.FaultScore::detected).map(Scorer.FaultScore::delay)
          .sorted().toList();
      if (d.isEmpty()) {
        return Double.NaN;
      }
      int i = (int) Math.ceil(q * d.size()) - 1;
      return d.get(Math.max(0, Math.min(d.size() - 1, i))).toMillis() / 1000.0;
    }

    long undetected() {
      return faults.stream().filter(f -> !f.detected()).count();
    }
  }

  public static int run(String[] args) {
    return run(args, System.out, System.err, BenchReport.defaultDirectory());
  }

  static int run(String[] args, PrintStream out, PrintStream err, Path resultDir) {
    ReplayCli.quietClients();
    // TopologyTestDriver warns about its temporary state directory once per scenario.
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka.streams", "error");
    long firstSeed = AccuracySuite.HELD_OUT;
    String set = "held-out";
    Integer scenarios = null;
    int minutes = AccuracySuite.DEFAULT_MINUTES;
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    boolean broker = false;
    boolean verbose = false;
    List<FaultKind> kinds = List.of(FaultKind.values());
    Path keep = null;
    Map<String, String> overrides = new LinkedHashMap<>();
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--held-out" -> {
            firstSeed = AccuracySuite.HELD_OUT;
            set = "held-out";
          }
          case "--tuning" -> {
            firstSeed = AccuracySuite.TUNING;
            set = "tuning";
          }
          case "--first-seed" -> {
            firstSeed = Long.parseLong(require(a, args, ++i));
            set = "custom";
          }
          case "--scenarios" -> scenarios = positive(a, require(a, args, ++i));
          case "--minutes" -> minutes = positive(a, require(a, args, ++i));
          case "--threads" -> threads = positive(a, require(a, args, ++i));
          case "--kinds" -> kinds = kinds(require(a, args, ++i));
          case "--out" -> keep = Path.of(require(a, args, ++i));
          case "--set" -> {
            String kv = require(a, args, ++i);
            int eq = kv.indexOf('=');
            if (eq < 1) {
              throw new IllegalArgumentException("--set needs KEY=VALUE, got '" + kv + "'");
            }
            overrides.put(kv.substring(0, eq), kv.substring(eq + 1));
          }
          case "--broker" -> broker = true;
          case "--verbose" -> verbose = true;
          case "-h", "--help" -> {
            out.println(USAGE);
            return 0;
          }
          default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
        }
      }
      if (broker && !overrides.isEmpty()) {
        throw new IllegalArgumentException("--set applies to the in-process engine only");
      }
      if (minutes < 4) {
        throw new IllegalArgumentException("--minutes must be at least 4 (faults start at 45% of the run)");
      }
    } catch (NumberFormatException e) {
      err.println("faultline bench accuracy: --first-seed must be a whole number");
      err.println(USAGE);
      return 2;
    } catch (IllegalArgumentException e) {
      err.println("faultline bench accuracy: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    int n = scenarios != null ? scenarios : broker ? BROKER_SCENARIOS : AccuracySuite.DEFAULT_SCENARIOS;
    AccuracySuite suite = new AccuracySuite(set, firstSeed, n, minutes, kinds);
    try {
      Path work = keep != null ? Files.createDirectories(keep) : Files.createTempDirectory("faultline-bench-");
      try {
        BenchReport report = bench(suite, broker, overrides, threads, work, keep != null, verbose, err);
        report.print(out);
        out.println("written: " + report.write(resultDir));
        if (keep != null) {
          out.println("scenarios in " + work);
        }
        return 0;
      } finally {
        if (keep == null) {
          deleteTree(work);
        }
      }
    } catch (IOException | UncheckedIOException | StackException | IllegalStateException e) {
      err.println("faultline bench accuracy: " + e.getMessage());
      return 1;
    }
  }

  static BenchReport bench(AccuracySuite suite, boolean broker, Map<String, String> overrides, int threads, Path work,
                           boolean keep, boolean verbose, PrintStream err) throws IOException {
    long t0 = System.nanoTime();
    List<AccuracySuite.Case> cases = suite.cases();
    List<Outcome> outcomes = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    if (broker) {
      err.println("faultline bench accuracy: starting an embedded Kafka broker and schema registry ...");
      try (LocalStack stack = LocalStack.start(StackOptions.defaults())) {
        for (AccuracySuite.Case c : cases) {
          outcomes.add(report(runOne(c, suite.kinds(), work, keep, jsonl -> brokerReplay(jsonl, stack)), verbose, err));
        }
      }
    } else {
      ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, "bench-accuracy");
        t.setDaemon(true);
        return t;
      });
      try {
        List<Future<Outcome>> futures = new ArrayList<>();
        for (AccuracySuite.Case c : cases) {
          futures.add(pool.submit(() -> runOne(c, suite.kinds(), work, keep, jsonl -> inProcess(jsonl, overrides))));
        }
        for (int i = 0; i < futures.size(); i++) {
          try {
            outcomes.add(report(futures.get(i).get(), verbose, err));
          } catch (ExecutionException e) {
            // One scenario that cannot run must not void an hour of others: it is listed and counted.
            Throwable cause = e.getCause();
            failed.add(cases.get(i).label() + ": " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
            err.println("  " + failed.get(failed.size() - 1));
          }
          int done = i + 1;
          if (done % 24 == 0 || done == cases.size()) {
            err.printf(Locale.ROOT, "  %d of %d scenarios, %.0f s%n", done, cases.size(), (System.nanoTime() - t0) / 1e9);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } finally {
        pool.shutdownNow();
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    BenchReport report = table(suite, outcomes, broker, threads, seconds);
    overrides.forEach((k, v) -> report.parameter(k, v));
    if (!failed.isEmpty()) {
      report.parameter("failed scenarios", failed.size());
      failed.forEach(f -> report.note("not run: " + f));
    }
    return report;
  }

  /** The suite's table: per method, the whole suite then each case. */
  static BenchReport table(AccuracySuite suite, List<Outcome> outcomes, boolean broker, int threads, double seconds) {
    BenchReport report = new BenchReport("accuracy", COLUMNS.toArray(String[]::new));
    report.parameter("seeds", suite.name() + " " + suite.firstSeed() + "-" + (suite.firstSeed() + suite.scenarios() - 1))
        .parameter("scenarios", suite.scenarios())
        .parameter("minutes", suite.minutes())
        .parameter("entities", "50/70/90")
        .parameter("sampling", "10 s")
        .parameter("path", broker ? "broker (replay)" : "in-process (TopologyTestDriver), " + threads + " thread(s)")
        .parameter("seconds", Math.round(seconds));
    List<String> caseNames = new ArrayList<>();
    outcomes.forEach(o -> {
      if (!caseNames.contains(o.scenario().name())) {
        caseNames.add(o.scenario().name());
      }
    });
    for (String method : METHODS) {
      Tally all = new Tally();
      Map<String, Tally> byCase = new LinkedHashMap<>();
      caseNames.forEach(c -> byCase.put(c, new Tally()));
      for (Outcome o : outcomes) {
        Scorer.Result r = o.results().get(method);
        all.add(r);
        byCase.get(o.scenario().name()).add(r);
      }
      row(report, method, "all", all);
      byCase.forEach((c, t) -> row(report, method, c, t));
    }
    report.note("AC@k: share of faults whose root is ranked <= k by the incident covering it; Avg@5 = mean AC@1..5");
    report.note("delay: event time from a fault's onset to the first candidate ranking its root first");
    report.note("false incidents: incidents whose top candidate is no fault's root; false/h over fault-free event "
        + "time (start to first onset, whole run without faults)");
    return report;
  }

  private static void row(BenchReport report, String method, String name, Tally t) {
    report.row(method, name, t.scenarios, t.faults.size(), t.ac(1), t.ac(3), t.faults.isEmpty() ? Double.NaN : t.avg5(),
        t.delayQuantile(0.5), t.delayQuantile(0.95), t.undetected(), t.falseIncidents,
        Math.round(t.faultFreeHours * 100) / 100.0,
        t.faultFreeHours > 0 ? t.falseIncidents / t.faultFreeHours : Double.NaN);
  }

  private static Outcome report(Outcome o, boolean verbose, PrintStream err) {
    Scorer.Result fl = o.results().get("faultline");
    String ranks = fl.faults().isEmpty() ? "-" : fl.faults().stream()
        .map(f -> f.rank() + (f.delay() == null ? "" : "@" + f.delay().toSeconds() + "s")).toList().toString();
    boolean bad = fl.falseIncidents().size() > 0 || fl.faults().stream().anyMatch(f -> f.rank() != 1);
    if (verbose || bad) {
      err.printf(Locale.ROOT, "  %-34s faultline rank %s, %d incident(s), %d false%s%n", o.scenario().label(), ranks,
          fl.incidents(), fl.falseIncidents().size(), bad ? "  <--" : "");
    }
    return o;
  }

  /** Generates, runs and scores one scenario with every method. */
  static Outcome runOne(AccuracySuite.Case c, List<FaultKind> suiteKinds, Path work, boolean keep,
                        Function<Path, List<OutputFormat.Line>> engine) throws IOException {
    Path jsonl = work.resolve(c.label() + ".jsonl");
    Expectations expected = generateSeveral(c.spec(), suiteKinds, jsonl);
    Files.writeString(work.resolve(c.label() + ".expect.json"), expected.toJson(), StandardCharsets.UTF_8);
    try {
      ScenarioFacts facts = ScenarioFacts.read(jsonl);
      List<ReplayLine> lines = parse(engine.apply(jsonl));
      Baselines.Anomalies anomalies = Baselines.detect(jsonl);
      Map<String, Scorer.Result> results = new LinkedHashMap<>();
      results.put("faultline", Scorer.score(lines, expected, facts));
      results.put("earliest-anomaly", Scorer.score(Baselines.earliestAnomalyFirst(anomalies), expected, facts));
      results.put("parent-suppression", Scorer.score(Baselines.parentSuppression(anomalies), expected, facts));
      return new Outcome(c, results);
    } finally {
      if (!keep) {
        Files.deleteIfExists(jsonl);
      }
    }
  }

  /**
   * A small estate may have no room for the drawn faults apart from each other (a site's resolver
   * reaches half of it): then the first pair that fits, trying the drawn kinds first, then the
   * suite's others in order, so the case still has several faults. Deterministic.
   */
  private static Expectations generateSeveral(SimulationSpec spec, List<FaultKind> suiteKinds, Path jsonl)
      throws IOException {
    List<FaultKind> drawn = spec.faults();
    try {
      return generate(spec, jsonl);
    } catch (IllegalArgumentException e) {
      if (drawn == null || drawn.size() < 2) {
        throw e;
      }
      List<FaultKind> order = new ArrayList<>(drawn);
      suiteKinds.stream().filter(k -> !order.contains(k)).forEach(order::add);
      for (int i = 0; i < order.size(); i++) {
        for (int j = i + 1; j < order.size(); j++) {
          try {
            return generate(spec.withFaults(List.of(order.get(i), order.get(j))), jsonl);
          } catch (IllegalArgumentException again) {
            // the next pair
          }
        }
      }
      throw e;
    }
  }

  private static Expectations generate(SimulationSpec spec, Path jsonl) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(jsonl, StandardCharsets.UTF_8)) {
      return ScenarioGenerator.generate(spec, w);
    }
  }

  /** The scenario through the engine's topology in TopologyTestDriver, with the replay settings. */
  public static List<OutputFormat.Line> inProcess(Path jsonl, Map<String, String> overrides) {
    try (EngineDriver engine = new EngineDriver(overrides)) {
      engine.replay(jsonl);
      return engine.lines();
    }
  }

  /** The scenario through the real pipeline on {@code stack}, as {@code replay --bootstrap} runs it. */
  public static List<OutputFormat.Line> brokerReplay(Path jsonl, LocalStack stack) {
    ReplayCli.Options o = ReplayCli.options(jsonl, stack.bootstrapServers(), stack.registryUrl());
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return ReplayCli.replay(o, jsonl, quiet);
  }

  static List<ReplayLine> parse(List<OutputFormat.Line> lines) {
    List<ReplayLine> out = new ArrayList<>(lines.size());
    long n = 0;
    for (OutputFormat.Line l : lines) {
      out.add(ReplayLine.parse(l.json(), ++n));
    }
    return out;
  }

  private static List<FaultKind> kinds(String v) {
    List<FaultKind> out = new ArrayList<>();
    for (String s : v.split(",")) {
      if (!s.isBlank()) {
        out.add(FaultKind.parse(s));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--kinds needs at least one kind");
    }
    return out;
  }

  private static String require(String flag, String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  private static int positive(String flag, String v) {
    try {
      int n = Integer.parseInt(v);
      if (n < 1) {
        throw new IllegalArgumentException(flag + " must be at least 1");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a whole number, got '" + v + "'");
    }
  }

  private static void deleteTree(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory left behind is harmless
    }
  }
}
