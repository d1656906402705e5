package io.faultline.processor.replay;

import static io.faultline.processor.KafkaOffsets.caughtUp;
import static io.faultline.processor.KafkaOffsets.endOffsets;
import static io.faultline.processor.KafkaOffsets.get;
import static io.faultline.processor.KafkaOffsets.partitions;

import io.faultline.correlation.Incident;
import io.faultline.correlation.RootCauseCandidate;
import io.faultline.processor.ProcessorApp;
import io.faultline.processor.RunningProcessor;
import io.faultline.processor.TopicSetup;
import io.faultline.processor.eval.Expectations;
import io.faultline.processor.eval.ReplayLine;
import io.faultline.processor.eval.ScenarioFacts;
import io.faultline.processor.eval.Scorer;
import io.faultline.schemas.SchemaBootstrap;
import io.faultline.schemas.Topics;
import io.faultline.schemas.config.LayeredConfig;
import io.faultline.schemas.registry.RegistryClientConfig;
import io.faultline.schemas.registry.RestSchemaRegistryClient;
import io.faultline.schemas.scenario.ScenarioFormatException;
import io.faultline.schemas.scenario.ScenarioReader;
import io.faultline.schemas.serde.AvroSerde;
import io.faultline.stack.LocalStack;
import io.faultline.stack.StackException;
import io.faultline.stack.StackOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code faultline replay FILE.jsonl [--expect FILE.expect.json] [--skip-bad] [--bootstrap B --registry URL]
 * [--grace-ms N] [--quiet-ms N] [--timeout-s N]}: feeds a scenario through the real pipeline and prints
 * what it concluded (FORMAT.md, "Output of replay"), then, with {@code --expect}, the scores.
 *
 * <p>How a run goes (stream-processor/docs/simulate-replay-score.md, "Replay"): the file is validated first; an embedded
 * broker and registry start unless {@code --bootstrap/--registry} name a cluster; the whole scenario
 * is published before the processor starts (so the processor reads it at its own pace and never sees
 * a publishing pause as the end of input); the processor runs in this JVM under a fresh
 * application.id whose source offsets start where this run's records begin, with a reorder grace of
 * an hour by default so the shuffled file is fully reordered. The run is over when the application
 * has committed every offset of every partition it reads (input and internal topics) and no output
 * has arrived for the quiet time. Output lines are printed in one total order (event time, incident,
 * candidates by rank before the incident record, version): the same input prints the same lines.
 */
public final class ReplayCli {
  static final String USAGE = "usage: faultline replay FILE.jsonl [--expect FILE.expect.json] [--skip-bad] "
      + "[--bootstrap HOST:PORT --registry URL] [--grace-ms N] [--idle-flush-ms N] [--quiet-ms N] [--timeout-s N]";
  static final long DEFAULT_GRACE_MS = Duration.ofHours(1).toMillis();
  /**
   * Detection releases its reorder buffer after this much wall-clock time without input. A replay
   * has all its input in Kafka before the processor starts, so a pause is only a starved or
   * rebalancing thread: wait much longer than live operation (2 s) before calling it the end.
   */
  public static final long DEFAULT_IDLE_FLUSH_MS = 15_000;
  /** Output quiet time after the idle flush before the run counts as finished. */
  static final long QUIET_AFTER_FLUSH_MS = 5_000;
  static final long DEFAULT_TIMEOUT_S = 900;

  /** Parsed arguments. */
  public record Options(Path scenario, Path expect, boolean skipBad, String bootstrap, String registry, long graceMs,
                 long idleFlushMs, long quietMs, long timeoutS) {}

  private ReplayCli() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String[] args) {
    return run(args, System.out, System.err);
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    quietClients();
    Options o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("faultline replay: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    if (o == null) {
      out.println(USAGE);
      return 0;
    }
    Expectations expectations = null;
    try {
      if (o.expect() != null) {
        expectations = Expectations.read(o.expect());
      }
    } catch (IllegalArgumentException | UncheckedIOException e) {
      err.println("faultline replay: " + o.expect() + ": " + e.getMessage());
      return 1;
    }
    Path input = null;
    try {
      Validation v = validate(o.scenario(), o.skipBad());
      if (v.bad() > 0) {
        err.printf("faultline replay: skipped %d malformed line(s) (first: %s)%n", v.bad(), v.firstError());
      }
      input = v.publishable();
      List<OutputFormat.Line> lines = replay(o, input, err);
      for (OutputFormat.Line l : lines) {
        out.println(l.json());
      }
      if (expectations != null) {
        List<ReplayLine> parsed = new ArrayList<>();
        long n = 0;
        for (OutputFormat.Line l : lines) {
          parsed.add(ReplayLine.parse(l.json(), ++n));
        }
        out.print(Scorer.score(parsed, expectations, ScenarioFacts.read(input)).table());
      }
      out.flush();
      return 0;
    } catch (ScenarioFormatException e) {
      err.println("faultline replay: " + e.getMessage());
      return 1;
    } catch (StackException | ReplayException | UncheckedIOException | IllegalStateException
             | IllegalArgumentException e) {
      err.println("faultline replay: " + e.getMessage());
      return 1;
    } finally {
      if (input != null && !input.equals(o.scenario())) {
        try {
          Files.deleteIfExists(input);
        } catch (IOException ignored) {
          // a temporary copy left behind is harmless
        }
      }
    }
  }

  /** Defaults for replaying {@code scenario} against a running cluster (for benchmarks). */
  public static Options options(Path scenario, String bootstrap, String registry) {
    return parse(new String[] {scenario.toString(), "--bootstrap", bootstrap, "--registry", registry});
  }

  static Options parse(String[] args) {
    Path scenario = null;
    Path expect = null;
    boolean skipBad = false;
    String bootstrap = null;
    String registry = null;
    long grace = DEFAULT_GRACE_MS;
    long idleFlush = DEFAULT_IDLE_FLUSH_MS;
    long quiet = -1;
    long timeout = DEFAULT_TIMEOUT_S;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--expect" -> expect = Path.of(value(args, ++i, a));
        case "--skip-bad" -> skipBad = true;
        case "--bootstrap" -> bootstrap = value(args, ++i, a);
        case "--registry" -> registry = value(args, ++i, a);
        case "--grace-ms" -> grace = number(a, value(args, ++i, a), 0);
        case "--idle-flush-ms" -> idleFlush = number(a, value(args, ++i, a), 100);
        case "--quiet-ms" -> quiet = number(a, value(args, ++i, a), 100);
        case "--timeout-s" -> timeout = number(a, value(args, ++i, a), 1);
        case "-h", "--help" -> {
          return null;
        }
        default -> {
          if (a.startsWith("--") || scenario != null) {
            throw new IllegalArgumentException("unknown argument '" + a + "'");
          }
          scenario = Path.of(a);
        }
      }
    }
    if (scenario == null) {
      throw new IllegalArgumentException("no scenario file given");
    }
    if (!Files.isRegularFile(scenario)) {
      throw new IllegalArgumentException("scenario file " + scenario + " not found");
    }
    if (expect != null && !Files.isRegularFile(expect)) {
      throw new IllegalArgumentException("expectations file " + expect + " not found");
    }
    if ((bootstrap == null) != (registry == null)) {
      throw new IllegalArgumentException("--bootstrap and --registry go together");
    }
    if (quiet < 0) {
      quiet = idleFlush + QUIET_AFTER_FLUSH_MS;
    } else if (quiet <= idleFlush) {
      throw new IllegalArgumentException("--quiet-ms must exceed --idle-flush-ms (" + idleFlush + "), or the run "
          + "ends before detection releases its buffer");
    }
    return new Options(scenario, expect, skipBad, bootstrap, registry, grace, idleFlush, quiet, timeout);
  }

  /** The file to publish (the scenario, or a copy without its malformed lines) and what was dropped. */
  record Validation(Path publishable, long bad, String firstError) {}

  /**
   * Checks every line before anything is published. Without {@code skipBad} the first malformed
   * line stops the replay; with it, malformed lines are counted and left out of a temporary copy.
   */
  static Validation validate(Path scenario, boolean skipBad) {
    long bad = 0;
    String first = null;
    Path copy = null;
    try (BufferedReader in = Files.newBufferedReader(scenario, StandardCharsets.UTF_8)) {
      BufferedWriter w = null;
      if (skipBad) {
        copy = Files.createTempFile("faultline-replay-", ".jsonl");
        w = Files.newBufferedWriter(copy, StandardCharsets.UTF_8);
      }
      try {
        String line;
        long n = 0;
        while ((line = in.readLine()) != null) {
          n++;
          if (line.isBlank()) {
            continue;
          }
          try {
            ScenarioReader.parse(line, n);
            if (w != null) {
              w.write(line);
              w.newLine();
            }
          } catch (ScenarioFormatException e) {
            if (!skipBad) {
              throw e;
            }
            bad++;
            first = first == null ? e.getMessage() : first;
          }
        }
      } finally {
        if (w != null) {
          w.close();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + scenario + ": " + e.getMessage(), e);
    }
    if (copy != null && bad == 0) {
      try {
        Files.deleteIfExists(copy);
      } catch (IOException ignored) {
        // harmless
      }
      copy = null;
    }
    return new Validation(copy == null ? scenario : copy, bad, first);
  }

  /** A replay that could not complete. */
  static final class ReplayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ReplayException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Runs the pipeline over {@code input} and returns its output lines in print order. */
  public static List<OutputFormat.Line> replay(Options o, Path input, PrintStream log) {
    quietClients();
    long t0 = System.nanoTime();
    LocalStack stack = null;
    try {
      String bootstrap = o.bootstrap();
      String registryUrl = o.registry();
      if (bootstrap == null) {
        log.println("faultline replay: starting an embedded Kafka broker and schema registry ...");
        stack = LocalStack.start(StackOptions.defaults());
        bootstrap = stack.bootstrapServers();
        registryUrl = stack.registryUrl();
      }
      try (RestSchemaRegistryClient registry = new RestSchemaRegistryClient(
          RegistryClientConfig.builder(registryUrl).build());
          Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        TopicSetup.createMissing(admin, Topics.TELEMETRY_PARTITIONS, (short) 1);
        OptionalLong earliest = ScenarioPublisher.earliestTime(input);
        if (earliest.isPresent()) {
          RetentionCheck.problem(admin, Instant.ofEpochMilli(earliest.getAsLong()), Instant.now()).ifPresent(p -> {
            throw new ReplayException(p, null);
          });
        }
        SchemaBootstrap.run(registry);
        String applicationId = "faultline-replay-" + UUID.randomUUID();
        List<TopicPartition> sources = partitions(admin, TopicSetup.processorInputs());
        List<TopicPartition> outputs = partitions(admin, List.of(Topics.CANDIDATES.name(), Topics.INCIDENTS.name()));
        Map<TopicPartition, Long> sourceStart = endOffsets(admin, sources);
        Map<TopicPartition, Long> outputStart = endOffsets(admin, outputs);

        log.println("faultline replay: publishing " + o.scenario() + " ...");
        try (ScenarioPublisher publisher = new ScenarioPublisher(bootstrap, registry, Map.of())) {
          Map<String, Long> counts = publisher.publish(input);
          log.printf("  published %d records%n", counts.values().stream().mapToLong(Long::longValue).sum());
        }
        // This run's application starts at this run's first record, whatever the topics held before.
        Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
        sourceStart.forEach((tp, off) -> start.put(tp, new OffsetAndMetadata(off)));
        get(admin.alterConsumerGroupOffsets(applicationId, start).all(), "set the replay's start offsets");
        Map<TopicPartition, Long> sourceEnd = endOffsets(admin, sources);

        Path stateDir = Files.createTempDirectory("faultline-replay-state-");
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put(ProcessorApp.BOOTSTRAP_SERVERS, bootstrap);
        flags.put(ProcessorApp.REGISTRY_URL, registryUrl);
        flags.put(ProcessorApp.APPLICATION_ID, applicationId);
        flags.put(ProcessorApp.STATE_DIR, stateDir.toString());
        flags.put("detect.grace.ms", Long.toString(o.graceMs()));
        flags.put("detect.idle.flush.ms", Long.toString(o.idleFlushMs()));
        // A replay pushes a whole recording through at once, on whatever CPU there is: a starved
        // transaction must not be aborted by the coordinator (Streams' 10 s default).
        flags.put(ProcessorApp.STREAMS_PREFIX + "producer.transaction.timeout.ms", "120000");
        LayeredConfig config = ProcessorApp.loadConfig(null, System.getenv(), flags);
        log.println("faultline replay: running the processor (" + applicationId + ") ...");
        try (OutputReader reader = new OutputReader(bootstrap, registry, outputs, outputStart);
            RunningProcessor processor = ProcessorApp.start(config, registry, new SimpleMeterRegistry())) {
          awaitDone(o, admin, applicationId, sourceEnd, reader, processor);
          List<OutputFormat.Line> lines = new ArrayList<>(reader.lines());
          lines.sort(OutputFormat.Line.ORDER);
          log.printf("faultline replay: %d output record(s) in %.1f s%n", lines.size(), (System.nanoTime() - t0) / 1e9);
          return lines;
        } finally {
          deleteTree(stateDir);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (stack != null) {
        stack.close();
      }
    }
  }

  /**
   * Waits until the application has committed the end of every partition it reads (this run's
   * input and its internal topics) and then no output arrived for the quiet time.
   */
  private static void awaitDone(Options o, Admin admin, String group, Map<TopicPartition, Long> sourceEnd,
                                OutputReader reader, RunningProcessor processor) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.timeoutS());
    long caughtUpSince = -1;
    long nextCheck = 0;
    while (true) {
      boolean received = reader.poll(Duration.ofMillis(200));
      long now = System.nanoTime();
      if (!processor.isRunning() && processor.streams().state().hasCompletedShutdown()) {
        throw new ReplayException("the processor stopped (state " + processor.streams().state() + ")", null);
      }
      if (received) {
        caughtUpSince = -1;
      }
      if (now >= nextCheck) {
        nextCheck = now + TimeUnit.MILLISECONDS.toNanos(500);
        if (!caughtUp(admin, group, sourceEnd)) {
          caughtUpSince = -1;
        } else if (caughtUpSince < 0) {
          caughtUpSince = now;
        }
      }
      if (caughtUpSince >= 0 && now - caughtUpSince >= TimeUnit.MILLISECONDS.toNanos(o.quietMs())
          && now - reader.lastReceived() >= TimeUnit.MILLISECONDS.toNanos(o.quietMs())) {
        return;
      }
      if (now > deadline) {
        throw new ReplayException("the pipeline did not finish within " + o.timeoutS() + " s (raise --timeout-s)",
            null);
      }
    }
  }

  /** Reads candidates and incidents (committed transactions only) from where this run's output begins. */
  private static final class OutputReader implements AutoCloseable {
    private final KafkaConsumer<String, SpecificRecord> consumer;
    private final List<OutputFormat.Line> lines = new ArrayList<>();
    private long lastReceived = System.nanoTime();

    OutputReader(String bootstrap, RestSchemaRegistryClient registry, List<TopicPartition> partitions,
                 Map<TopicPartition, Long> from) {
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ConsumerConfig.CLIENT_ID_CONFIG, "faultline-replay-reader");
      p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      AvroSerde<SpecificRecord> values = AvroSerde.anySpecific(registry);
      consumer = new KafkaConsumer<>(p, new StringDeserializer(), values.deserializer());
      consumer.assign(partitions);
      from.forEach(consumer::seek);
    }

    boolean poll(Duration timeout) {
      boolean any = false;
      for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(timeout)) {
        if (r.value() instanceof RootCauseCandidate c) {
          lines.add(OutputFormat.line(c));
        } else if (r.value() instanceof Incident i) {
          lines.add(OutputFormat.line(i));
        } else {
          continue;
        }
        any = true;
      }
      if (any) {
        lastReceived = System.nanoTime();
      }
      return any;
    }

    long lastReceived() {
      return lastReceived;
    }

    List<OutputFormat.Line> lines() {
      return lines;
    }

    @Override
    public void close() {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  private static long number(String flag, String v, long min) {
    try {
      long n = Long.parseLong(v);
      if (n < min) {
        throw new IllegalArgumentException(flag + " must be at least " + min + ", got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a whole number, got '" + v + "'");
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory left behind is harmless
    }
  }

  /**
   * The clients log every connection step at INFO; replay prints its own progress on stderr. Must
   * run before the first logger of those packages is created.
   */
  public static void quietClients() {
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "warn");
    System.setProperty("org.slf4j.simpleLogger.log.io.faultline", "warn");
  }
}
