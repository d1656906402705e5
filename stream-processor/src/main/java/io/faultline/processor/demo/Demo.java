package io.faultline.processor.demo;

import io.faultline.processor.KafkaOffsets;
import io.faultline.processor.ProcessorApp;
import io.faultline.processor.RunningProcessor;
import io.faultline.processor.api.ApiSettings;
import io.faultline.processor.eval.Expectations;
import io.faultline.processor.eval.ExpectedFault;
import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import io.faultline.schemas.config.LayeredConfig;
import io.faultline.schemas.registry.RegistryClientConfig;
import io.faultline.schemas.registry.RestSchemaRegistryClient;
import io.faultline.schemas.scenario.ScenarioFiles;
import io.faultline.schemas.scenario.ScenarioFormatException;
import io.faultline.stack.LocalStack;
import io.faultline.stack.StackOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code ./faultline demo [--scenario FILE.jsonl] [--speed X] [--port N] [--no-wait]}: the whole story on
 * real parts. Starts a throw-away local stack (broker + registry), publishes the scenario's healthy
 * run-up, starts the processor in this JVM with its query API and web view, then replays the rest as
 * live probes would deliver it (event-time order on a clock running {@code --speed} times real time), and prints
 * what the pipeline publishes as it happens: symptoms per layer, every incident change with its root
 * cause, score, applications, top candidates and summary. Then where to look next. In a terminal it
 * keeps everything up until Enter or Ctrl-C; otherwise (or with {@code --no-wait}) it stops at once.
 *
 * <p>Exit 0 when every expected root (the scenario's {@code .expect.json}) was ranked first in an
 * incident (for a fault-free scenario: when no incident opened), 1 otherwise or on failure, 2 for bad
 * usage. Decisions (pace, fast-forward, detection settings): stream-processor/docs/demo.md.
 */
public final class Demo {

  static final String DEFAULT_SCENARIO = "dns-resolver-down.jsonl";
  static final double DEFAULT_SPEED = 30;
  static final int PREFERRED_PORT = ApiSettings.DEFAULT_PORT;
  /** Event time replayed live before the earliest expected onset: the healthy estate, then the fault. */
  static final Duration LEAD = Duration.ofSeconds(60);
  /**
   * Wall-clock delay between a probe's send and the record being read by its detection task
   * (producer linger, fetch, the previous task commit): the reorder grace must cover it in event time.
   */
  static final Duration DELIVERY_JITTER = Duration.ofMillis(500);
  static final Duration MIN_GRACE = Duration.ofSeconds(5);
  /** Wall clock without input after which detection flushes its buffer: the end of the replay. */
  static final Duration IDLE_FLUSH = Duration.ofSeconds(2);
  /** Output quiet time, after the input is consumed, that ends a story without resolution. */
  static final Duration QUIET = Duration.ofSeconds(4);
  static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(120);
  static final String APPLICATION_ID = "faultline-demo";
  static final String USAGE = "usage: faultline demo [--scenario FILE.jsonl] [--speed X (1-200, default 30)] "
      + "[--port N] [--no-wait]";
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  /** Parsed command line; {@code port} 0 = 8080 if free, else any free port. */
  record Options(Path scenario, double speed, int port, boolean noWait) {}

  private Demo() {}

  public static int run(String[] args) {
    return run(args, System.out, System.err, System.in, System.console() != null);
  }

  /**
   * @param in where Enter is read while waiting
   * @param terminal whether to wait for Enter after the story (stdin and stdout are a terminal)
   */
  static int run(String[] args, PrintStream out, PrintStream err, InputStream in, boolean terminal) {
    Options o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("faultline demo: " + e.getMessage());
      return 2;
    }
    if (o == null) {
      out.println(USAGE);
      return 0;
    }
    quietLogs();
    Path expectFile = ScenarioFiles.expectationOf(o.scenario());
    Expectations expect = null;
    PacedPublisher scenario;
    try {
      if (Files.isRegularFile(expectFile)) {
        expect = Expectations.read(expectFile);
      }
      scenario = new PacedPublisher(o.scenario());
    } catch (ScenarioFormatException | IllegalArgumentException | UncheckedIOException e) {
      err.println("faultline demo: " + e.getMessage());
      return 1;
    }
    if (o.port() > 0 && !free(o.port())) {
      err.println("faultline demo: port " + o.port() + " is in use (choose another with --port)");
      return 2;
    }
    Session session = new Session(scenario, out);
    Thread hook = new Thread(() -> session.interrupted(), "faultline-demo-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      Outcome outcome = session.tell(o, expect, expectFile);
      if (outcome.ok()) {
        out.println("faultline demo: " + outcome.line());
      } else {
        err.println("faultline demo: " + outcome.line());
      }
      session.whereNext(o, expect, expectFile, terminal && !o.noWait());
      if (terminal && !o.noWait()) {
        out.println();
        out.println("Press Enter (or Ctrl-C) to stop the processor and the stack.");
        out.flush();
        waitForEnter(in);
      }
      return outcome.ok() ? 0 : 1;
    } catch (RuntimeException e) {
      out.flush();
      if (!session.isClosed()) {
        // After Ctrl-C the hook is tearing everything down: what fails meanwhile is no news.
        err.println("faultline demo: " + e.getMessage());
      }
      return 1;
    } finally {
      session.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it stops the same session
      }
    }
  }

  /** Returns null for {@code --help}. */
  static Options parse(String[] args) {
    Path scenario = null;
    double speed = DEFAULT_SPEED;
    int port = 0;
    boolean noWait = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--scenario" -> scenario = Path.of(value(args, ++i, a));
        case "--speed" -> {
          String v = value(args, ++i, a);
          try {
            speed = Double.parseDouble(v.endsWith("x") ? v.substring(0, v.length() - 1) : v);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--speed must be a number, got '" + v + "' (" + USAGE + ")");
          }
          if (!(speed >= 1 && speed <= 200)) {
            throw new IllegalArgumentException("--speed must be between 1 and 200, got " + v + " (" + USAGE + ")");
          }
        }
        case "--port" -> {
          String v = value(args, ++i, a);
          try {
            port = Integer.parseInt(v);
          } catch (NumberFormatException e) {
            port = -1;
          }
          if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("--port must be 1-65535, got '" + v + "' (" + USAGE + ")");
          }
        }
        case "--no-wait" -> noWait = true;
        case "-h", "--help" -> {
          return null;
        }
        default -> throw new IllegalArgumentException("unknown option '" + a + "' (" + USAGE + ")");
      }
    }
    if (scenario == null) {
      scenario = defaultScenario();
    }
    if (!Files.isRegularFile(scenario)) {
      throw new IllegalArgumentException("scenario file " + scenario + " not found (" + USAGE + ")");
    }
    return new Options(scenario, speed, port, noWait);
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value (" + USAGE + ")");
    }
    return args[i];
  }

  /**
   * The API port: the one asked for (must be free), 0 = 8080 when free, else (and for -1) any free
   * port.
   */
  static int choosePort(int requested) {
    if (requested > 0) {
      if (!free(requested)) {
        throw new IllegalStateException("port " + requested + " is in use (choose another with --port)");
      }
      return requested;
    }
    if (requested == 0 && free(PREFERRED_PORT)) {
      return PREFERRED_PORT;
    }
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port for the query API: " + e.getMessage(), e);
    }
  }

  static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The reorder grace the demo's pace needs, in event time: the delivery jitter at {@code speed}
   * times real time, at least {@link #MIN_GRACE}. The demo publishes in event-time order, so the
   * grace only covers interleaving between partitions and topics, not shuffled files.
   */
  static Duration graceFor(double speed) {
    Duration g = Duration.ofMillis((long) Math.ceil(DELIVERY_JITTER.toMillis() * speed));
    return g.compareTo(MIN_GRACE) < 0 ? MIN_GRACE : g;
  }

  /** Where live pacing starts: {@link #LEAD} before the earliest expected onset, else at the start. */
  static long liveFrom(long firstTime, Expectations expect) {
    if (expect == null || expect.faults().isEmpty()) {
      return firstTime;
    }
    long onset = expect.faults().stream().map(ExpectedFault::onset).min(Comparator.naturalOrder()).orElseThrow()
        .toEpochMilli();
    return Math.max(firstTime, onset - LEAD.toMillis());
  }

  /** The verdict and its one-line reason. */
  record Outcome(boolean ok, String line) {}

  static Outcome judge(Expectations expect, Story story, double seconds) {
    String took = String.format(Locale.ROOT, " (story told in %.0f s)", seconds);
    if (expect == null) {
      return new Outcome(true, story.incidentCount() + " incident(s); no expectations file beside the scenario, "
          + "nothing to check" + took);
    }
    if (expect.faults().isEmpty()) {
      return story.incidentCount() == 0
          ? new Outcome(true, "no incident for a fault-free estate, as expected" + took)
          : new Outcome(false, story.incidentCount() + " incident(s) for a fault-free estate: " + story.incidentIds());
    }
    List<String> missed = new ArrayList<>();
    for (ExpectedFault f : expect.faults()) {
      if (!story.rankedFirst().contains(f.root())) {
        missed.add(f.root());
      }
    }
    if (missed.isEmpty()) {
      List<String> roots = expect.faults().stream().map(ExpectedFault::root).toList();
      return new Outcome(true, "root cause found: " + String.join(", ", roots) + " ranked first, as expected"
          + took);
    }
    return new Outcome(false, "expected root " + String.join(", ", missed) + " was not ranked first in any incident"
        + " (ranked first: " + (story.rankedFirst().isEmpty() ? "nothing" : String.join(", ", story.rankedFirst()))
        + ")");
  }

  /** Everything one run starts, stopped once by whichever comes first: the end, an error, or Ctrl-C. */
  static final class Session {
    private final PacedPublisher probes;
    private final PrintStream out;
    private final Story story;
    private LocalStack stack;
    private RestSchemaRegistryClient registry;
    private RunningProcessor processor;
    private StoryFeed feed;
    private Path stateDir;
    private String apiBase;
    private boolean closed;

    Session(PacedPublisher probes, PrintStream out) {
      this.probes = probes;
      this.out = out;
      this.story = new Story(out);
    }

    Outcome tell(Options o, Expectations expect, Path expectFile) {
      long t0 = System.nanoTime();
      long liveFrom = liveFrom(probes.firstTime(), expect);
      out.printf("faultline demo: %s, %,d records, %s to %s UTC of event time%n", o.scenario().getFileName(),
          probes.size(), CLOCK.format(Instant.ofEpochMilli(probes.firstTime())),
          CLOCK.format(Instant.ofEpochMilli(probes.lastTime())));
      if (expect != null) {
        for (ExpectedFault f : expect.faults()) {
          out.printf("  the fault to find: %s (%s) from %s UTC; the demo does not tell the pipeline%n", f.root(),
              f.kind(), CLOCK.format(f.onset()));
        }
      }
      out.println("starting a local Kafka broker and schema registry ...");
      LocalStack started = LocalStack.start(StackOptions.defaults());
      synchronized (this) {
        stack = started;
        if (closed) {
          throw new IllegalStateException("interrupted");
        }
      }
      out.printf("  broker %s, registry %s (%.1f s)%n", stack.bootstrapServers(), stack.registryUrl(),
          seconds(t0));
      stack.createFaultlineTopics();
      registry = new RestSchemaRegistryClient(RegistryClientConfig.builder(stack.registryUrl()).build());
      // The recorded run-up goes in before the processor starts, so it finds a complete backlog and
      // merges its partitions in event-time order; published while it runs, a burst would interleave
      // by fetch order and a short grace would dead-letter much of it (docs/demo.md).
      probes.connect(stack.bootstrapServers(), registry);
      long history;
      if (liveFrom > probes.firstTime()) {
        out.printf("publishing the topology and the first %s of telemetry (%s to %s, normal operation) at once ...%n",
            span(liveFrom - probes.firstTime()), CLOCK.format(Instant.ofEpochMilli(probes.firstTime())),
            CLOCK.format(Instant.ofEpochMilli(liveFrom)));
      } else {
        out.println("publishing the topology ...");
      }
      history = probes.publishHistory(liveFrom);
      out.printf("  %,d records (%.1f s)%n", history, seconds(t0));
      feed = new StoryFeed(stack.bootstrapServers(), registry, story);
      feed.start();
      int port = startProcessor(o);
      awaitRunning();
      apiBase = "http://localhost:" + port;
      out.printf("  processor %s running, exactly-once (%.1f s); reorder grace %d s of event time%n", APPLICATION_ID,
          seconds(t0), graceFor(o.speed()).toSeconds());
      out.println("  query API and live web view: " + apiBase + "/");
      try (Admin admin = stack.admin()) {
        awaitCaughtUp(admin);
        out.printf("  caught up with the run-up: baselines learned (%.1f s)%n", seconds(t0));
        story.flushSymptoms();

        out.printf("%nlive from %s UTC at %sx (a second here is %s of event time); each line: event time (UTC), "
            + "seconds since going live%n", CLOCK.format(Instant.ofEpochMilli(liveFrom)), trim(o.speed()),
            span((long) (1000 * o.speed())));
        long live0 = System.nanoTime();
        story.liveFrom(live0);
        probes.startLive(liveFrom, o.speed());
        List<String> roots = expect == null ? List.of() : expect.faults().stream().map(ExpectedFault::root).toList();
        long budget = (long) ((probes.lastTime() - liveFrom) / o.speed()) + CATCH_UP_TIMEOUT.toMillis();
        long deadline = live0 + TimeUnit.MILLISECONDS.toNanos(budget);
        while (true) {
          sleep(100);
          feed.throwIfFailed();
          probes.throwIfFailed();
          if (!processor.isRunning()) {
            throw new IllegalStateException("the processor stopped (state " + processor.streams().state() + ")");
          }
          if (story.complete(roots)) {
            probes.stop();
            long rest = probes.lastTime() - probes.clock();
            out.printf("%nthe story is complete: every incident resolved%s%n", rest > 0
                ? " (the last " + span(rest) + " of the scenario are not replayed)" : "");
            break;
          }
          if (probes.finished() && System.nanoTime() - feed.lastRecord() > QUIET.toNanos()
              && KafkaOffsets.caughtUp(admin, APPLICATION_ID, published(admin))) {
            out.printf("%nthe scenario has been replayed to its end%n");
            break;
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the pipeline did not finish the story within " + budget / 1000 + " s");
          }
        }
        story.flushSymptoms();
        if (!story.deadLetters().isEmpty()) {
          out.println("  dead letters (records the pipeline could not use): " + story.deadLetters());
        }
        return judge(expect, story, seconds(live0));
      }
    }

    void whereNext(Options o, Expectations expect, Path expectFile, boolean liveAfter) {
      // The fault's root when the pipeline named it (an incident may open on a symptom's entity and name
      // the root an update later), else what the first incident names now.
      String expected = expect == null || expect.faults().isEmpty() ? null : expect.faults().get(0).root();
      String root = expected != null && story.rankedFirst().contains(expected) ? expected
          : Optional.ofNullable(story.firstIncidentRoot()).orElse(expected);
      String incident = story.incidentIds().isEmpty() ? null : story.incidentIds().get(0);
      String app = story.firstApplication();
      Map<String, Long> counts = new HashMap<>(probes.sentPerTopic());
      counts.putAll(feed.counts());
      Topics.TELEMETRY.forEach(t -> counts.putIfAbsent(t.name(), 0L));
      counts.putIfAbsent(Topics.DEAD_LETTER, 0L);
      new NextSteps(stack.bootstrapServers(), stack.registryUrl(), apiBase, display(o.scenario()),
          expect == null ? null : display(expectFile), incident, root, app, counts, liveAfter).print(out);
    }

    /** Starts the processor with its API; returns the API's port. */
    private int startProcessor(Options o) {
      try {
        stateDir = Files.createTempDirectory("faultline-demo-state-");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a state directory: " + e.getMessage(), e);
      }
      int port = choosePort(o.port());
      RunningProcessor p;
      try {
        p = ProcessorApp.startWithApi(processorConfig(o, port), registry);
      } catch (IllegalStateException e) {
        if (o.port() > 0 || !e.getMessage().startsWith("cannot listen")) {
          throw e;
        }
        // Our pick was taken meanwhile (other services on a shared machine): any free port will do.
        port = choosePort(-1);
        p = ProcessorApp.startWithApi(processorConfig(o, port), registry);
      }
      synchronized (this) {
        processor = p;
        if (closed) {
          throw new IllegalStateException("interrupted");
        }
      }
      return port;
    }

    private LayeredConfig processorConfig(Options o, int port) {
      Map<String, String> flags = new LinkedHashMap<>();
      flags.put(ProcessorApp.BOOTSTRAP_SERVERS, stack.bootstrapServers());
      flags.put(ProcessorApp.REGISTRY_URL, stack.registryUrl());
      flags.put(ProcessorApp.APPLICATION_ID, APPLICATION_ID);
      flags.put(ProcessorApp.STATE_DIR, stateDir.toString());
      flags.put(ProcessorApp.SHUTDOWN_TIMEOUT_MS, "10000");
      // The demo's pace, set here rather than inherited from live defaults (docs/demo.md).
      flags.put("detect.grace.ms", Long.toString(graceFor(o.speed()).toMillis()));
      flags.put("detect.idle.flush.ms", Long.toString(IDLE_FLUSH.toMillis()));
      // The run-up runs on whatever CPU there is: a starved transaction must not be fenced.
      flags.put(ProcessorApp.STREAMS_PREFIX + "producer.transaction.timeout.ms", "60000");
      flags.put(ApiSettings.PORT, Integer.toString(port));
      flags.put(ApiSettings.BIND_HOST, "127.0.0.1");
      flags.put(ApiSettings.ADVERTISED_HOST, "localhost");
      return ProcessorApp.loadConfig(null, Map.of(), flags);
    }

    /** Waits until Kafka Streams has joined its group and opened its tasks. */
    private void awaitRunning() {
      long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
      while (processor.streams().state() != org.apache.kafka.streams.KafkaStreams.State.RUNNING) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the processor did not start within " + CATCH_UP_TIMEOUT.toSeconds()
              + " s (state " + processor.streams().state() + ")");
        }
        if (processor.streams().state().hasCompletedShutdown()) {
          throw new IllegalStateException("the processor stopped (state " + processor.streams().state() + ")");
        }
        sleep(100);
      }
    }

    /** Waits until the processor has committed everything published so far. */
    private void awaitCaughtUp(Admin admin) {
      long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
      Map<TopicPartition, Long> end = published(admin);
      while (!KafkaOffsets.caughtUp(admin, APPLICATION_ID, end)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the processor did not catch up with the history within "
              + CATCH_UP_TIMEOUT.toSeconds() + " s");
        }
        if (!processor.isRunning()) {
          throw new IllegalStateException("the processor stopped (state " + processor.streams().state() + ")");
        }
        sleep(200);
      }
    }

    synchronized boolean isClosed() {
      return closed;
    }

    /** Ctrl-C: say so, then stop everything (the JVM exits after the hooks). */
    void interrupted() {
      synchronized (this) {
        if (closed) {
          return;
        }
      }
      out.println();
      out.println("faultline demo: interrupted, stopping the processor and the stack ...");
      close(Duration.ofSeconds(5));
    }

    void close() {
      close(Duration.ofSeconds(10));
    }

    synchronized void close(Duration processorTimeout) {
      if (closed) {
        return;
      }
      closed = true;
      probes.close();
      if (feed != null) {
        feed.close();
      }
      if (processor != null) {
        processor.close(processorTimeout);
      }
      if (registry != null) {
        registry.close();
      }
      if (stack != null) {
        stack.close();
      }
      if (stateDir != null) {
        deleteTree(stateDir);
      }
    }
  }

  private static List<TopicPartition> sources() {
    List<Topic<?>> topics = new ArrayList<>(Topics.TELEMETRY);
    topics.add(Topics.TOPOLOGY);
    List<TopicPartition> out = new ArrayList<>();
    for (Topic<?> t : topics) {
      for (int i = 0; i < t.partitions(); i++) {
        out.add(new TopicPartition(t.name(), i));
      }
    }
    return out;
  }

  /** End offsets of the source partitions that hold records (an empty one never gets a committed offset). */
  private static Map<TopicPartition, Long> published(Admin admin) {
    Map<TopicPartition, Long> end = endOffsets(admin, sources());
    end.values().removeIf(n -> n == 0);
    return end;
  }

  private static Map<TopicPartition, Long> endOffsets(Admin admin, List<TopicPartition> partitions) {
    Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
    partitions.forEach(tp -> spec.put(tp, OffsetSpec.latest()));
    Map<TopicPartition, Long> out = new HashMap<>();
    try {
      admin.listOffsets(spec).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp, info.offset()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot read end offsets: " + e.getMessage(), e);
    }
    return out;
  }

  /** Blocks until a line (or end of input) arrives on {@code in}. */
  private static void waitForEnter(InputStream in) {
    try {
      int c;
      do {
        c = in.read();
      } while (c != -1 && c != '\n');
    } catch (IOException e) {
      // stdin gone: same as Enter
    }
  }

  /** The default scenario, from the shared scenarios beside the repository. */
  static Path defaultScenario() {
    Path root = Path.of(System.getProperty("faultline.root", "."));
    return ScenarioFiles.sharedDirectory(root).resolve(DEFAULT_SCENARIO);
  }

  /** A path as the user would type it from the repository root. */
  private static String display(Path p) {
    Path root = Path.of(System.getProperty("faultline.root", ".")).toAbsolutePath().normalize();
    Path abs = p.toAbsolutePath().normalize();
    try {
      return root.relativize(abs).toString();
    } catch (IllegalArgumentException e) {
      return abs.toString();
    }
  }

  /**
   * The demo prints its own story: client and engine logs stay below WARN/ERROR. Must run before the
   * first logger of those packages is created.
   */
  private static void quietLogs() {
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
    System.setProperty("org.slf4j.simpleLogger.log.io.faultline", "warn");
  }

  static String span(long millis) {
    long s = Math.round(millis / 1000.0);
    if (s < 60) {
      return s + " s";
    }
    return s % 60 == 0 ? (s / 60) + " min" : (s / 60) + " min " + (s % 60) + " s";
  }

  private static String trim(double speed) {
    return speed == Math.rint(speed) ? Long.toString((long) speed) : Double.toString(speed);
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory left behind is harmless
    }
  }
}
