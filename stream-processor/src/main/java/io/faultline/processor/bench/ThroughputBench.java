package io.faultline.processor.bench;

import io.faultline.processor.ProcessorApp;
import io.faultline.processor.RunningProcessor;
import io.faultline.processor.sim.FaultKind;
import io.faultline.processor.sim.ScenarioGenerator;
import io.faultline.processor.sim.SimulationSpec;
import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import io.faultline.schemas.bench.BenchReport;
import io.faultline.schemas.config.LayeredConfig;
import io.faultline.schemas.scenario.ScenarioReader;
import io.faultline.schemas.serde.AvroSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
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
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * {@code faultline bench throughput [--events N] [--warmup-events N] [--entities N] [--seed N]
 * [--bootstrap B --registry URL] [--set key=value]...}: sustained telemetry events per second through
 * the whole topology, next to the broker's raw produce and consume rates for the same records
 * (stream-processor/docs/benchmarks.md).
 *
 * <ol>
 *   <li>A simulated estate ({@link ScenarioGenerator}: all seven telemetry topics, noise, two faults)
 *       is serialized once, in memory, as Avro in the Confluent wire format: {@code --warmup-events}
 *       records, then the {@code --events} measured ones, in one continuous event time.
 *   <li>Raw produce: the warm-up records are sent with the probe agent's producer settings, then the
 *       measured ones, timed from the first send to the last acknowledgement.
 *   <li>Raw consume: one {@code read_committed} consumer reads the measured records back (no decoding).
 *   <li>End to end: the processor, with the product's configuration, starts under a fresh
 *       application id at this run's first record and works through the warm-up records; the
 *       measured time runs from the moment every telemetry partition has committed its warm-up
 *       records until every stage has committed its input: the telemetry partitions at the end this
 *       run produced, and the correlation-input repartition topic at its end offset read once the
 *       first condition held.
 * </ol>
 *
 * <p>The warm-up is there because both JVMs start cold: in a 1,000,000-event run from cold, the
 * C2 compiler threads of the processor and of the broker used about 40 % of all the CPU the two
 * spent, a cost a long-running service pays once. The warm-up's own rate is reported too.
 */
public final class ThroughputBench {
  static final String USAGE = "usage: faultline bench throughput [--events N] [--entities N] [--seed N] "
      + "[--warmup-events N] [--bootstrap HOST:PORT --registry URL] [--set key=value]... [--timeout-s N]";

  /** Parsed arguments; {@code flags} are processor configuration overrides ({@code --set}). */
  record Options(long events, long warmupEvents, int entities, long seed, String bootstrap, String registry,
                 Map<String, String> flags, long timeoutS) {}

  /** What the end-to-end run measured. */
  record EndToEnd(long startupNanos, long warmupNanos, long processNanos, long drainNanos, long correlationInput,
                  double processorCpuS, double processorJitS, double brokerCpuS, double brokerJitS,
                  long changelogOffsets, long detectChangelogOffsets) {}

  /** Sampling interval of the generated estate. */
  static final int SAMPLING_MS = 1_000;

  private ThroughputBench() {}

  public static int run(String[] args) {
    return run(args, System.out, System.err);
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return BenchArgs.runCli("throughput", USAGE, args, out, err, ThroughputBench::parse,
        o -> ProcessorApp.streamsConfig(ProcessorApp.loadConfig(null, Map.of(), o.flags())), o -> measure(o, err));
  }

  static Options parse(String[] args) {
    long events = 1_000_000;
    long warmup = 1_000_000;
    int entities = 15_000;
    long seed = 7;
    String bootstrap = null;
    String registry = null;
    long timeout = 900;
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--events" -> events = BenchArgs.number(a, v, 1_000, 100_000_000);
        case "--warmup-events" -> warmup = BenchArgs.number(a, v, 0, 100_000_000);
        case "--entities" -> entities = (int) BenchArgs.number(a, v, SimulationSpec.MIN_ENTITIES, 1_000_000);
        case "--seed" -> seed = BenchArgs.number(a, v, 0, Long.MAX_VALUE);
        case "--bootstrap" -> bootstrap = BenchArgs.value(a, v);
        case "--registry" -> registry = BenchArgs.value(a, v);
        case "--timeout-s" -> timeout = BenchArgs.number(a, v, 1, 86_400);
        case "--set" -> BenchArgs.flag(a, v, flags);
        case "-h", "--help" -> {
          return null;
        }
        default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
      }
      i++;
    }
    if ((bootstrap == null) != (registry == null)) {
      throw new IllegalArgumentException("--bootstrap and --registry go together");
    }
    return new Options(events, warmup, entities, seed, bootstrap, registry, Map.copyOf(flags), timeout);
  }

  /** The report and the end-to-end rate it found. */
  record Measured(BenchReport report, double endToEnd) {}

  static BenchReport measure(Options o, PrintStream log) throws IOException {
    if (o.bootstrap() == null) {
      log.println("faultline bench throughput: starting an embedded Kafka broker and schema registry ...");
    }
    try (BenchCluster cluster = BenchCluster.open(o.bootstrap(), o.registry())) {
      return measure(o, cluster, log).report();
    }
  }

  /** Generates the load, then measures raw produce, raw consume and end to end on {@code cluster}. */
  static Measured measure(Options o, BenchCluster cluster, PrintStream log) throws IOException {
    log.printf("faultline bench throughput: generating %,d + %,d (warm-up) events over %,d entities ...%n",
        o.events(), o.warmupEvents(), o.entities());
    Path scenario = Files.createTempFile("faultline-bench-throughput-", ".jsonl");
    try {
      int minutes = generate(o, scenario);
      Load load = Load.read(scenario, o.warmupEvents(), o.events(), cluster);
      Files.deleteIfExists(scenario);
      return measure(o, cluster, load, minutes, log);
    } finally {
      Files.deleteIfExists(scenario);
    }
  }

  /** Writes a scenario with at least warm-up + measured telemetry lines, ending a minute ago; returns its minutes. */
  private static int generate(Options o, Path file) throws IOException {
    // Sampled every second, not every 10 s: the correlator's work follows event time (one evaluation per
    // tick with changes), so the load's event time must not run much faster than a live estate of this rate's.
    // At least one series per entity (most have one, DNS names and pools more): enough minutes, cut at --events.
    long perMinute = o.entities() * (60_000L / SAMPLING_MS);
    long total = o.warmupEvents() + o.events();
    int minutes = (int) Math.max(2, (total + perMinute - 1) / perMinute + 1);
    Instant start = Instant.now().minus(Duration.ofMinutes(minutes + 1L)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    SimulationSpec spec = new SimulationSpec(o.seed(), o.entities(),
        List.of(FaultKind.RESOLVER_DOWN, FaultKind.ARRAY_WRITE_ERRORS), minutes, start, SAMPLING_MS, true);
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      ScenarioGenerator.run(spec, w);
    }
    return minutes;
  }

  /**
   * The run's records, serialized once: the topology, then the first {@code warmup + events} telemetry
   * records of the file in event-time order, split into the warm-up and the measured {@code telemetry}
   * ({@code perTopic} and {@code bytes} count the measured ones).
   */
  record Load(List<ProducerRecord<byte[], byte[]>> topology, List<ProducerRecord<byte[], byte[]>> warmup,
              List<ProducerRecord<byte[], byte[]>> telemetry, Map<String, Long> perTopic, long bytes) {

    /** Drops the records: a gigabyte at a few million events, in the processor's JVM. */
    void release() {
      telemetry.clear();
      warmup.clear();
      topology.clear();
    }

    static Load read(Path scenario, long warmupEvents, long events, BenchCluster cluster) {
      List<ProducerRecord<byte[], byte[]>> topology = new ArrayList<>();
      List<ProducerRecord<byte[], byte[]>> telemetry = new ArrayList<>();
      Map<Topic<?>, AvroSerde<SpecificRecord>> serdes = new HashMap<>();
      long[] first = {Long.MAX_VALUE};
      ScenarioReader.read(scenario, r -> {
        boolean isTelemetry = Topics.TELEMETRY.contains(r.topic());
        if (isTelemetry && telemetry.size() >= warmupEvents + events) {
          return;
        }
        @SuppressWarnings("unchecked")
        AvroSerde<SpecificRecord> serde = serdes.computeIfAbsent(r.topic(),
            t -> (AvroSerde<SpecificRecord>) (AvroSerde<?>) t.valueSerde(cluster.registry()));
        String topic = r.topic().name();
        byte[] value = serde.serialize(topic, r.value());
        byte[] key = r.key().getBytes(StandardCharsets.UTF_8);
        if (isTelemetry) {
          first[0] = Math.min(first[0], r.timestamp());
          telemetry.add(new ProducerRecord<>(topic, null, r.timestamp(), key, value));
        } else {
          topology.add(new ProducerRecord<>(topic, null, r.hasTime() ? r.timestamp() : null, key, value));
        }
      });
      // Delivered as live probes deliver: in the order measured. The simulator writes a recorded file, with
      // late and out-of-order deliveries (minutes, for replay's grace); under the live grace they would
      // mostly be dead-lettered as late, and the run would measure the dead-letter path.
      telemetry.sort(java.util.Comparator.comparingLong(ProducerRecord::timestamp));
      // Untimed topology lines sit at the scenario's start (as replay publishes them).
      List<ProducerRecord<byte[], byte[]>> timed = new ArrayList<>();
      topology.forEach(p -> timed.add(p.timestamp() != null ? p
          : new ProducerRecord<>(p.topic(), null, first[0], p.key(), p.value())));
      int split = (int) Math.min(warmupEvents, telemetry.size());
      // Copies, not views of one list, so release() can drop each.
      List<ProducerRecord<byte[], byte[]>> measured = new ArrayList<>(telemetry.subList(split, telemetry.size()));
      Map<String, Long> perTopic = new LinkedHashMap<>();
      long bytes = 0;
      for (ProducerRecord<byte[], byte[]> r : measured) {
        perTopic.merge(r.topic(), 1L, Long::sum);
        bytes += r.key().length + r.value().length;
      }
      return new Load(timed, new ArrayList<>(telemetry.subList(0, split)), measured, perTopic, bytes);
    }
  }

  private static Measured measure(Options o, BenchCluster cluster, Load load, int minutes, PrintStream log)
      throws IOException {
    List<String> telemetryTopics = Topics.TELEMETRY.stream().map(Topic::name).toList();
    List<String> sourceTopics = new ArrayList<>(telemetryTopics);
    sourceTopics.add(Topics.TOPOLOGY.name());
    List<TopicPartition> sources = cluster.partitions(sourceTopics);
    Map<TopicPartition, Long> sourceStart = cluster.endOffsets(sources);
    List<String> outputs = List.of(Topics.SYMPTOMS.name(), Topics.CANDIDATES.name(), Topics.INCIDENTS.name(),
        Topics.DEAD_LETTER);
    Map<String, Long> outputStart = new HashMap<>();
    outputs.forEach(t -> outputStart.put(t, cluster.endOffsetSum(List.of(t))));

    log.printf("faultline bench throughput: producing %,d topology, %,d warm-up and %,d telemetry records ...%n",
        load.topology().size(), load.warmup().size(), load.telemetry().size());
    send(cluster.bootstrap(), "faultline-bench-topology", load.topology());
    // The same producer settings warm up the broker's produce path first, so raw produce is measured as
    // warm as the end-to-end run it is compared with.
    send(cluster.bootstrap(), "faultline-bench-probe-warmup", load.warmup());
    Map<TopicPartition, Long> warmupEnd = cluster.endOffsets(sources);
    long produceNanos = send(cluster.bootstrap(), "faultline-bench-probe", load.telemetry());
    Map<TopicPartition, Long> sourceEnd = cluster.endOffsets(sources);
    long events = load.telemetry().size();
    long warmupEvents = load.warmup().size();
    // The records are on the broker now: free them, so the processor in this JVM runs with its own heap only.
    load.release();

    log.println("faultline bench throughput: consuming them back (read_committed) ...");
    List<TopicPartition> telemetryPartitions = sources.stream()
        .filter(tp -> !tp.topic().equals(Topics.TOPOLOGY.name())).toList();
    long[] consumed = {0};
    long consumeNanos = consume(cluster.bootstrap(), telemetryPartitions, warmupEnd, sourceEnd, consumed);
    log.printf("  raw produce %.0f events/s, raw consume %.0f events/s%n", Stats.rate(events, produceNanos),
        Stats.rate(consumed[0], consumeNanos));

    log.println("faultline bench throughput: running the processor over them ...");
    EndToEnd e2e = endToEnd(o, cluster, sourceStart, warmupEnd, sourceEnd, telemetryPartitions, log);
    Map<String, Long> produced = new LinkedHashMap<>();
    outputs.forEach(t -> produced.put(t, cluster.endOffsetSum(List.of(t)) - outputStart.get(t)));

    double rawProduce = Stats.rate(events, produceNanos);
    double rawConsume = Stats.rate(consumed[0], consumeNanos);
    double endToEnd = Stats.rate(events, e2e.processNanos());
    BenchReport report = new BenchReport("throughput", "metric", "value", "unit");
    report.parameter("events", events).parameter("warmupEvents", warmupEvents)
        .parameter("entities", o.entities()).parameter("seed", o.seed()).parameter("samplingMs", SAMPLING_MS).parameter("simulatedMinutes", minutes).parameter("cluster", o.bootstrap() == null ? "embedded" : o.bootstrap());
    o.flags().forEach((k, v) -> report.parameter("set " + k, v));
    report.row("raw produce (probe settings, acks=all, idempotent, lz4)", rawProduce, "events/s");
    report.row("raw consume (read_committed, no decoding)", rawConsume, "events/s");
    report.row("end to end (whole topology, exactly-once)", endToEnd, "events/s");
    report.row("end to end / raw produce", Stats.ratio(endToEnd, rawProduce), "ratio");
    report.row("warm-up from cold JVMs (RUNNING to its records committed)",
        warmupEvents == 0 ? Double.NaN : Stats.rate(warmupEvents, e2e.warmupNanos()), "events/s");
    report.row("processing time (warm-up committed to all stages committed)", e2e.processNanos() / 1e9, "s");
    report.row("until the idle flush reached the correlator (from the same start)", e2e.drainNanos() / 1e9, "s");
    report.row("processor start (start to RUNNING)", e2e.startupNanos() / 1e9, "s");
    report.row("processor CPU while processing (this JVM)", e2e.processorCpuS(), "cpu-s");
    report.row("  of which its JIT compiler threads (at least)", e2e.processorJitS(), "cpu-s");
    report.row("broker CPU while processing", e2e.brokerCpuS(), "cpu-s");
    report.row("  of which its JIT compiler threads (at least)", e2e.brokerJitS(), "cpu-s");
    report.row("events per CPU-second (processor + broker)",
        Stats.ratio(events, e2e.processorCpuS() + (Double.isNaN(e2e.brokerCpuS()) ? 0 : e2e.brokerCpuS())),
        "events/cpu-s");
    report.row("telemetry bytes (key + Avro value)", load.bytes() / (double) events, "bytes/event");
    report.row("correlation input records", e2e.correlationInput(), "records");
    // The changelogs hold the whole run's writes, warm-up included.
    long allEvents = events + warmupEvents;
    report.row("changelog offsets per event, all stores (records + commit markers)",
        e2e.changelogOffsets() / (double) allEvents, "per event");
    report.row("changelog offsets per event, detection stores", e2e.detectChangelogOffsets() / (double) allEvents,
        "per event");
    report.row("symptoms", produced.get(Topics.SYMPTOMS.name()), "records");
    report.row("candidates", produced.get(Topics.CANDIDATES.name()), "records");
    report.row("incidents", produced.get(Topics.INCIDENTS.name()), "records");
    report.row("dead letters", produced.get(Topics.DEAD_LETTER), "records");
    load.perTopic().forEach((t, n) -> report.row("events on " + t, n, "records"));
    report.note("end to end = events / (time from the warm-up's records committed until every telemetry and "
        + "topology partition and the correlation-input repartition topic are committed at their end); records "
        + "still inside the reorder grace are released by the idle flush, timed separately; CPU rows cover the "
        + "same time");
    report.note("target: >= 50,000 events/s end to end and >= 1/3 of raw produce (2 cores, broker beside it)");
    return new Measured(report, endToEnd);
  }

  private static long send(String bootstrap, String clientId, List<ProducerRecord<byte[], byte[]>> records) {
    AtomicReference<Exception> failure = new AtomicReference<>();
    long t0 = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer =
             new KafkaProducer<>(BenchCluster.probeProducerConfig(bootstrap, clientId))) {
      for (ProducerRecord<byte[], byte[]> r : records) {
        producer.send(r, (md, e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          }
        });
      }
      producer.flush();
      long nanos = System.nanoTime() - t0;
      if (failure.get() != null) {
        throw new IllegalStateException("cannot produce: " + failure.get().getMessage(), failure.get());
      }
      return nanos;
    }
  }

  private static long consume(String bootstrap, List<TopicPartition> partitions, Map<TopicPartition, Long> start,
                              Map<TopicPartition, Long> end, long[] count) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "faultline-bench-raw-consumer");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    long t0 = System.nanoTime();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      c.assign(partitions);
      partitions.forEach(tp -> c.seek(tp, start.get(tp)));
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        count[0] += c.poll(Duration.ofMillis(200)).count();
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the raw consumer did not reach the end within 10 minutes");
        }
      }
      return System.nanoTime() - t0;
    }
  }

  private static EndToEnd endToEnd(Options o, BenchCluster cluster, Map<TopicPartition, Long> sourceStart,
                                   Map<TopicPartition, Long> warmupEnd, Map<TopicPartition, Long> sourceEnd,
                                   List<TopicPartition> telemetry, PrintStream log)
      throws IOException {
    String app = "faultline-bench-" + UUID.randomUUID();
    cluster.startGroupAt(app, sourceStart);
    Path state = Files.createTempDirectory("faultline-bench-state-");
    Map<String, String> flags = new LinkedHashMap<>(o.flags());
    flags.put(ProcessorApp.BOOTSTRAP_SERVERS, cluster.bootstrap());
    flags.put(ProcessorApp.REGISTRY_URL, cluster.registryUrl());
    flags.put(ProcessorApp.APPLICATION_ID, app);
    flags.put(ProcessorApp.STATE_DIR, state.toString());
    LayeredConfig config = ProcessorApp.loadConfig(null, Map.of(), flags);
    long total = telemetry.stream().mapToLong(tp -> sourceEnd.get(tp) - sourceStart.get(tp)).sum();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.timeoutS());
    long t0 = System.nanoTime();
    try (RunningProcessor p = ProcessorApp.start(config, cluster.registry(), new SimpleMeterRegistry())) {
      while (p.streams().state() != KafkaStreams.State.RUNNING) {
        check(p, deadline);
        sleep(20);
      }
      long running = System.nanoTime();
      p.streams().metadataForLocalThreads().forEach(t -> log.printf("  %s: tasks %s%n",
          t.threadName().replaceAll(".*-(StreamThread-\\d+)$", "$1"),
          t.activeTasks().stream().map(a -> a.taskId().toString()).sorted().toList()));
      Map<TopicPartition, Long> warm = new HashMap<>();
      telemetry.forEach(tp -> warm.put(tp, warmupEnd.get(tp)));
      long warmed = -1;
      double cpu0 = 0;
      Map<String, Double> jit0 = Map.of();
      Map<String, Double> brokerJit0 = Map.of();
      double broker0 = 0;
      List<TopicPartition> repartition = null;
      Map<TopicPartition, Long> repartitionEnd = null;
      long done;
      double cpuDone;
      double jitDone;
      double brokerJitDone;
      double brokerDone;
      long nextLog = running + TimeUnit.SECONDS.toNanos(5);
      while (true) {
        check(p, deadline);
        long now = System.nanoTime();
        Map<TopicPartition, Long> committed = cluster.committed(app);
        long progress = telemetry.stream().mapToLong(tp -> committed.getOrDefault(tp, sourceStart.get(tp))
            - sourceStart.get(tp)).sum();
        if (now >= nextLog) {
          nextLog = now + TimeUnit.SECONDS.toNanos(5);
          log.printf("  %,d of %,d telemetry records committed after %.0f s%n", progress, total, (now - running) / 1e9);
        }
        if (warmed < 0 && atEnd(committed, warm)) {
          warmed = now;
          cpu0 = Cpu.thisProcess();
          jit0 = Cpu.compilerThreads(ProcessHandle.current().pid());
          brokerJit0 = cluster.brokerCompilerThreads();
          broker0 = cluster.brokerCpuSeconds();
        }
        if (warmed >= 0 && repartitionEnd == null && atEnd(committed, sourceEnd)) {
          repartition = cluster.partitions(List.of(app + "-correlation-input-repartition"));
          repartitionEnd = cluster.endOffsets(repartition);
        }
        if (repartitionEnd != null && atEnd(committed, repartitionEnd)) {
          done = now;
          cpuDone = Cpu.thisProcess() - cpu0;
          jitDone = Cpu.since(jit0, Cpu.compilerThreads(ProcessHandle.current().pid()));
          brokerJitDone = Cpu.since(brokerJit0, cluster.brokerCompilerThreads());
          brokerDone = cluster.brokerCpuSeconds() - broker0;
          break;
        }
        sleep(100);
      }
      // The tail inside the grace waits for the idle flush: time until its output reached the correlator too.
      long idle = p.settings().detection().idleFlush().toMillis();
      long lastChange = done;
      Map<TopicPartition, Long> lastEnd = repartitionEnd;
      long drained = done;
      while (System.nanoTime() - lastChange < TimeUnit.MILLISECONDS.toNanos(idle + 3_000)) {
        check(p, deadline);
        Map<TopicPartition, Long> end = cluster.endOffsets(repartition);
        long now = System.nanoTime();
        if (!end.equals(lastEnd)) {
          lastEnd = end;
          lastChange = now;
        }
        if (atEnd(cluster.committed(app), end) && drained < lastChange) {
          drained = now;
        }
        sleep(100);
      }
      long correlationInput = lastEnd.values().stream().mapToLong(Long::longValue).sum();
      // What the state stores wrote: every changelog record is produced inside the exactly-once transactions.
      List<String> changelogs = cluster.topics(app + "-", "-changelog");
      long changelogOffsets = changelogs.isEmpty() ? 0 : cluster.endOffsetSum(changelogs);
      List<String> detect = changelogs.stream().filter(t -> t.startsWith(app + "-detect-")).toList();
      long detectOffsets = detect.isEmpty() ? 0 : cluster.endOffsetSum(detect);
      return new EndToEnd(running - t0, warmed - running, done - warmed, drained - warmed, correlationInput,
          cpuDone, jitDone, brokerDone, brokerJitDone, changelogOffsets, detectOffsets);
    } finally {
      cluster.deleteGroup(app);
      deleteTree(state);
    }
  }

  static boolean atEnd(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      Long c = committed.get(e.getKey());
      if (e.getValue() > 0 && (c == null || c < e.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static void check(RunningProcessor p, long deadline) {
    KafkaStreams.State s = p.streams().state();
    if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING
        || s == KafkaStreams.State.PENDING_ERROR) {
      throw new IllegalStateException("the processor stopped (state " + s + ")");
    }
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException("the pipeline did not finish in time (raise --timeout-s)");
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory left behind is harmless
    }
  }
}
