package io.faultline.processor.bench;

import static io.faultline.processor.KafkaOffsets.caughtUp;
import static io.faultline.processor.KafkaOffsets.committedAtLeast;
import static io.faultline.processor.KafkaOffsets.endOffsets;
import static io.faultline.processor.KafkaOffsets.get;
import static io.faultline.processor.KafkaOffsets.partitions;

import io.faultline.processor.BoundedMemoryRocksDbConfig;
import io.faultline.processor.ProcessorApp;
import io.faultline.processor.RestoreProgress;
import io.faultline.processor.TopicSetup;
import io.faultline.processor.api.FaultlineMetrics;
import io.faultline.processor.replay.ScenarioPublisher;
import io.faultline.processor.sim.ScenarioGenerator;
import io.faultline.processor.sim.SimulationSpec;
import io.faultline.schemas.SchemaBootstrap;
import io.faultline.schemas.Topics;
import io.faultline.schemas.bench.BenchReport;
import io.faultline.schemas.registry.RegistryClientConfig;
import io.faultline.schemas.registry.RestSchemaRegistryClient;
import io.faultline.stack.LocalStack;
import io.faultline.stack.StackOptions;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code faultline bench scale [--entities N] [--rounds N] [--seed N] [--heap SIZE] [--work DIR]
 * [--bootstrap HOST:PORT --registry URL]}: a generated estate (100,000 entities by default) on the
 * real broker, with the processor in a JVM of its own. Measures how long the topology takes to be
 * published and materialised, the processor's memory (heap, RocksDB, RSS) once several sampling
 * rounds of telemetry for the whole estate went through, the state on disk and in the changelogs,
 * and how long a fresh instance takes to restore it. How to read the figures:
 * stream-processor/docs/benchmarks-scale.md.
 */
public final class ScaleBench {
  static final String USAGE = "usage: faultline bench scale [--entities N] [--rounds N] [--seed N] [--heap SIZE] "
      + "[--work DIR] [--timeout-s N] [--bootstrap HOST:PORT --registry URL]";
  static final int DEFAULT_ENTITIES = 100_000;
  static final int DEFAULT_ROUNDS = 3;
  static final String DEFAULT_HEAP = "1g";
  private static final long POLL_MS = 250;
  /** Longer than the detection's idle flush (detect.idle.flush.ms, 2 s) plus a commit. */
  private static final long QUIET_MS = 5_000;

  /** Parsed arguments. */
  record Options(int entities, int rounds, long seed, String heap, Path work, long timeoutS, String bootstrap,
                 String registry) {}

  private ScaleBench() {}

  public static int run(String[] args) {
    return run(args, System.out, System.err);
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return BenchArgs.runCli("scale", USAGE, args, out, err, ScaleBench::parse, o -> { }, o -> bench(o, err));
  }

  static Options parse(String[] args) {
    int entities = DEFAULT_ENTITIES;
    int rounds = DEFAULT_ROUNDS;
    long seed = 1;
    String heap = DEFAULT_HEAP;
    Path work = null;
    long timeout = 1200;
    String bootstrap = null;
    String registry = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--entities" -> entities = (int) number(a, value(args, ++i, a), SimulationSpec.MIN_ENTITIES,
            SimulationSpec.MAX_ENTITIES);
        case "--rounds" -> rounds = (int) number(a, value(args, ++i, a), 1, 360);
        case "--seed" -> seed = number(a, value(args, ++i, a), Long.MIN_VALUE, Long.MAX_VALUE);
        case "--heap" -> {
          heap = value(args, ++i, a);
          if (!heap.matches("[0-9]+[kKmMgG]?")) {
            throw new IllegalArgumentException("--heap must be a JVM size such as 1g or 768m, got '" + heap + "'");
          }
        }
        case "--work" -> work = Path.of(value(args, ++i, a));
        case "--timeout-s" -> timeout = number(a, value(args, ++i, a), 10, 86_400);
        case "--bootstrap" -> bootstrap = value(args, ++i, a);
        case "--registry" -> registry = value(args, ++i, a);
        case "-h", "--help" -> {
          return null;
        }
        default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
      }
    }
    if ((bootstrap == null) != (registry == null)) {
      throw new IllegalArgumentException("--bootstrap and --registry go together");
    }
    return new Options(entities, rounds, seed, heap, work, timeout, bootstrap, registry);
  }

  /** A run that could not measure what it set out to. */
  static final class BenchFailure extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    BenchFailure(String message) {
      super(message);
    }
  }

  /** What was generated: topology and telemetry in two files. */
  record Estate(Path topology, List<Path> rounds, int entities, int dependencies, int series, long topologyRecords,
                long telemetryRecords) {}

  static BenchReport bench(Options o, PrintStream log) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.timeoutS());
    Path work = o.work() != null ? Files.createDirectories(o.work()) : Files.createTempDirectory("faultline-scale-");
    BenchReport report = new BenchReport("scale", "metric", "value", "unit", "note");
    report.parameter("entities", o.entities()).parameter("rounds", o.rounds()).parameter("intervalMs", 10_000)
        .parameter("seed", o.seed()).parameter("processorHeap", o.heap());
    LocalStack stack = null;
    try {
      log.printf("faultline bench scale: generating a %,d-entity estate, %d sampling round(s) ...%n", o.entities(),
          o.rounds());
      long g0 = System.nanoTime();
      Estate estate = generate(o, work);
      report.row("estate entities", estate.entities(), "", "generated (ScenarioGenerator, no faults, no noise)");
      report.row("estate dependencies", estate.dependencies(), "", "");
      report.row("telemetry series", estate.series(), "", "entities that are not silent by nature, per signal");
      report.row("generate", secs(System.nanoTime() - g0), "s", "");

      String bootstrap = o.bootstrap();
      String registryUrl = o.registry();
      if (bootstrap == null) {
        log.println("faultline bench scale: starting an embedded Kafka broker and schema registry ...");
        stack = LocalStack.start(StackOptions.defaults());
        bootstrap = stack.bootstrapServers();
        registryUrl = stack.registryUrl();
      }
      report.parameter("broker", stack != null ? "embedded LocalStack" : bootstrap);
      try (RestSchemaRegistryClient registry = new RestSchemaRegistryClient(
          RegistryClientConfig.builder(registryUrl).build());
          Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        TopicSetup.createMissing(admin, Topics.TELEMETRY_PARTITIONS, (short) 1);
        SchemaBootstrap.run(registry);
        run(o, estate, bootstrap, registryUrl, registry, admin, work, report, log, deadline);
      }
      return report;
    } finally {
      if (stack != null) {
        stack.close();
      }
      if (o.work() == null) {
        deleteTree(work);
      }
    }
  }

  private static void run(Options o, Estate estate, String bootstrap, String registryUrl,
                          RestSchemaRegistryClient registry, Admin admin, Path work, BenchReport report,
                          PrintStream log, long deadline) throws IOException {
    String appId = "faultline-bench-scale-" + UUID.randomUUID();
    List<TopicPartition> topologyPartitions = partitions(admin, List.of(Topics.TOPOLOGY.name()));
    List<TopicPartition> sources = partitions(admin, TopicSetup.processorInputs());
    // This run's application starts at this run's first record, whatever the topics held before.
    Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
    endOffsets(admin, sources).forEach((tp, off) -> start.put(tp, new OffsetAndMetadata(off)));
    get(admin.alterConsumerGroupOffsets(appId, start).all(), "set the start offsets");

    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(ProcessorApp.BOOTSTRAP_SERVERS, bootstrap);
    settings.put(ProcessorApp.REGISTRY_URL, registryUrl);
    settings.put(ProcessorApp.APPLICATION_ID, appId);
    // On a loaded machine a transaction holding a large batch must not be aborted by the coordinator.
    settings.put(ProcessorApp.STREAMS_PREFIX + "producer.transaction.timeout.ms", "120000");
    Path stateA = Files.createDirectories(work.resolve("state-a"));
    Path stateB = Files.createDirectories(work.resolve("state-b"));

    // ---- instance A: topology, telemetry, memory
    Map<String, String> a = new LinkedHashMap<>(settings);
    a.put(ProcessorApp.STATE_DIR, stateA.toString());
    log.println("faultline bench scale: starting the processor (" + appId + ") ...");
    long a0 = System.nanoTime();
    try (ProcessorJvm p = ProcessorJvm.start(o.heap(), a, work.resolve("processor-a.log"))) {
      await(p, "the processor to be RUNNING", p::ready, deadline);
      report.row("processor start to RUNNING", secs(System.nanoTime() - a0), "s", "empty state, new JVM");

      log.printf("faultline bench scale: publishing the topology (%,d records) ...%n", estate.topologyRecords());
      long t0 = System.nanoTime();
      try (ScenarioPublisher publisher = new ScenarioPublisher(bootstrap, registry, Map.of())) {
        publisher.publish(estate.topology());
      }
      long published = System.nanoTime() - t0;
      Map<TopicPartition, Long> topologyEnd = endOffsets(admin, topologyPartitions);
      await(p, "the topology to be materialised", () -> {
        PromScrape s = p.scrape();
        return s != null && s.sum(prom(FaultlineMetrics.TOPOLOGY_ENTITIES)) >= estate.entities()
            && s.sum(prom(FaultlineMetrics.TOPOLOGY_DEPENDENCIES)) >= estate.dependencies();
      }, deadline);
      long loaded = System.nanoTime() - t0;
      await(p, "the topology offsets to be committed", () -> committedAtLeast(admin, appId, topologyEnd), deadline);
      long committed = System.nanoTime() - t0;
      PromScrape afterTopology = p.scrape();
      report.row("topology publish", secs(published), "s", estate.topologyRecords() + " records acknowledged");
      report.row("topology load", secs(loaded), "s",
          "publish start to graph gauges = " + estate.entities() + " entities, " + estate.dependencies() + " edges");
      report.row("topology load rate", Math.round(estate.topologyRecords() / (loaded / 1e9)), "records/s", "");
      report.row("topology committed", secs(committed), "s", "publish start to topology offsets committed");
      report.row("graph entities", (long) afterTopology.sum(prom(FaultlineMetrics.TOPOLOGY_ENTITIES)), "",
          "faultline_topology_entities");
      report.row("graph dependencies", (long) afterTopology.sum(prom(FaultlineMetrics.TOPOLOGY_DEPENDENCIES)), "",
          "faultline_topology_dependencies");

      log.printf("faultline bench scale: publishing %d round(s) of telemetry (%,d records) ...%n", o.rounds(),
          estate.telemetryRecords());
      long f0 = System.nanoTime();
      Map<TopicPartition, Long> sourceEnd = Map.of();
      // Round by round, as probes deliver: a whole minute of event time published at once would
      // let one topic's partition run far ahead of another's in the same task, and the detection
      // would see the lagging entities as silent.
      try (ScenarioPublisher publisher = new ScenarioPublisher(bootstrap, registry, Map.of())) {
        for (Path round : estate.rounds()) {
          publisher.publish(round);
          Map<TopicPartition, Long> end = endOffsets(admin, sources);
          await(p, "the telemetry to be processed", () -> caughtUp(admin, appId, end), deadline);
          sourceEnd = end;
        }
      }
      long fed = System.nanoTime() - f0;
      // Detection holds the newest samples in its reorder buffer until the idle flush releases them:
      // wait until that output has gone through too, so every store holds what a live estate holds.
      settle(p, admin, appId, Map.copyOf(sourceEnd), deadline);
      report.row("telemetry settled", secs(System.nanoTime() - f0), "s",
          "plus the detection's idle flush and its output through the correlator");
      report.row("telemetry processed", secs(fed), "s", estate.telemetryRecords() + " records in "
          + estate.rounds().size() + " rounds, each published once the one before was processed and committed");
      report.row("telemetry rate", Math.round(estate.telemetryRecords() / (fed / 1e9)), "records/s",
          "not the throughput benchmark: one round at a time");
      PromScrape fedScrape = p.scrape();
      if (fedScrape != null) {
        report.row("symptoms raised", Math.round(orZero(fedScrape.sum(prom(FaultlineMetrics.SYMPTOMS) + "_total",
            "transition", "raised"))), "", "a fault-free estate: should be few");
      }

      memory(p, "", report);
      PromScrape s = p.scrape();
      if (s != null) {
        s.sumBy(prom(FaultlineMetrics.STORE_ENTRIES), "store").forEach((store, n) ->
            report.row("entries " + store, Math.round(n), "", "approximate (RocksDB estimate)"));
      }
      int code = p.stop();
      if (code != 0) {
        throw new BenchFailure("the processor did not stop cleanly (exit " + code + "); log " + p.log);
      }
    }
    // Kafka Streams does not leave the group on close (a restarting instance gets its tasks back):
    // remove the stopped member as an operator replacing it would, or the fresh instance below
    // would first wait out its session timeout.
    get(admin.removeMembersFromConsumerGroup(appId, new RemoveMembersFromConsumerGroupOptions()).all(),
        "remove the stopped instance from the group");

    // ---- state on disk and in the changelogs
    Map<String, Long> onDisk = storeSizes(stateA.resolve(appId));
    long diskTotal = onDisk.values().stream().mapToLong(Long::longValue).sum();
    report.row("state dir total", mib(diskTotal), "MiB", "RocksDB files of every store after a clean stop");
    onDisk.forEach((store, bytes) -> report.row("state dir " + store, mib(bytes), "MiB", ""));
    Map<String, Long> changelogs = changelogSizes(admin, appId);
    report.row("changelogs total", mib(changelogs.values().stream().mapToLong(Long::longValue).sum()), "MiB",
        "log segments on the broker, before compaction");
    changelogs.forEach((topic, bytes) -> report.row("changelog " + topic.substring(appId.length() + 1), mib(bytes),
        "MiB", ""));

    // ---- instance B: a fresh instance restores everything
    Map<String, String> b = new LinkedHashMap<>(settings);
    b.put(ProcessorApp.STATE_DIR, stateB.toString());
    log.println("faultline bench scale: restoring a fresh instance from the changelogs ...");
    long r0 = System.nanoTime();
    try (ProcessorJvm p = ProcessorJvm.start(o.heap(), b, work.resolve("processor-b.log"))) {
      await(p, "the fresh instance to restore", () -> {
        if (!p.ready()) {
          return false;
        }
        PromScrape s = p.scrape();
        return s != null && s.sum(prom(RestoreProgress.COMPLETED) + "_total") >= 1
            && s.sum(prom(RestoreProgress.ACTIVE)) == 0
            && s.sum(prom(FaultlineMetrics.TOPOLOGY_ENTITIES)) >= estate.entities()
            && s.sum(prom(FaultlineMetrics.TOPOLOGY_DEPENDENCIES)) >= estate.dependencies();
      }, deadline);
      long restored = System.nanoTime() - r0;
      PromScrape s = p.scrape();
      Map<String, Double> records = s.sumBy(prom(RestoreProgress.RECORDS) + "_total", "store");
      long total = Math.round(records.values().stream().mapToDouble(Double::doubleValue).sum());
      report.row("restore", secs(restored), "s",
          "JVM launch (empty state dir, same application.id) to RUNNING, all stores restored, graph rebuilt");
      report.row("restored records", total, "", "faultline_restore_records_total");
      records.forEach((store, n) -> report.row("restored " + store, Math.round(n), "", ""));
      Map<String, Double> durations = s.sumBy(prom(RestoreProgress.DURATION) + "_seconds_sum", "store");
      durations.forEach((store, sec) -> report.row("restore time " + store, sec, "s",
          "summed over its partitions, which restore side by side: adds up to more than the wall time"));
      report.row("restore rate", Math.round(total / (restored / 1e9)), "records/s", "over the whole restore");
      memory(p, " after restore", report);
      p.stop();
    }
    report.row("load average at end", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        .getSystemLoadAverage(), "", "1 min; the machine line has it at the start");
    report.note("topology load = from the first topology record published until the correlator's in-memory graph "
        + "(gauges faultline_topology_entities/_dependencies on /metrics) holds every entity and edge");
    report.note("heap live = heap used after a full GC (jcmd GC.run); RocksDB = the one shared block cache "
        + "(memtables and index/filter blocks are charged to it), faultline_rocksdb_cache_usage_bytes");
    report.note("RSS = the processor JVM's resident set (/proc/PID/status VmRSS): heap committed + RocksDB + "
        + "metaspace, threads, code and buffers");
  }

  /** Heap used / committed, live heap after a full GC, RocksDB and RSS, as rows. */
  private static void memory(ProcessorJvm p, String suffix, BenchReport report) {
    PromScrape before = p.scrape();
    if (before == null) {
      throw new BenchFailure("the processor's /metrics did not answer");
    }
    report.row("heap used" + suffix, mib(before.sum("jvm_memory_used_bytes", "area", "heap")), "MiB", "as found");
    report.row("heap committed" + suffix, mib(before.sum("jvm_memory_committed_bytes", "area", "heap")), "MiB", "");
    report.row("heap max" + suffix, mib(before.sum("jvm_memory_max_bytes", "area", "heap")), "MiB", "-Xmx");
    if (p.fullGc()) {
      PromScrape after = p.scrape();
      report.row("heap live" + suffix, mib(after.sum("jvm_memory_used_bytes", "area", "heap")), "MiB",
          "used after a full GC");
    }
    PromScrape s = p.scrape();
    report.row("non-heap used" + suffix, mib(s.sum("jvm_memory_used_bytes", "area", "nonheap")), "MiB",
        "metaspace, code cache");
    report.row("rocksdb cache" + suffix, mib(s.sum(prom(BoundedMemoryRocksDbConfig.CACHE_USAGE) + "_bytes")), "MiB",
        "shared block cache incl. memtables");
    report.row("rocksdb pinned" + suffix, mib(s.sum(prom(BoundedMemoryRocksDbConfig.CACHE_PINNED) + "_bytes")),
        "MiB", "");
    report.row("rocksdb memtables" + suffix, mib(s.sum("kafka_stream_state_cur_size_all_mem_tables")), "MiB",
        "Kafka Streams metric, summed over stores");
    report.row("rocksdb table readers" + suffix, mib(s.sum("kafka_stream_state_estimate_table_readers_mem")), "MiB",
        "Kafka Streams metric, summed over stores");
    report.row("process RSS" + suffix, mib(p.rssBytes()), "MiB", "pid " + p.pid());
  }

  private static double orZero(double v) {
    return Double.isNaN(v) ? 0 : v;
  }

  private static String prom(String micrometerName) {
    return micrometerName.replace('.', '_');
  }

  /** Writes the estate's topology and its first {@code rounds} sampling rounds to two files. */
  static Estate generate(Options o, Path work) throws IOException {
    int intervalMs = 10_000;
    int minutes = Math.max(2, (int) Math.ceil(o.rounds() * (double) intervalMs / 60_000));
    SimulationSpec spec = SimulationSpec.of(o.seed()).withEntities(o.entities()).withMinutes(minutes)
        .withFaults(List.of()).withNoise(false);
    Path topology = work.resolve("topology.jsonl");
    List<Path> rounds = new ArrayList<>();
    List<Writer> writers = new ArrayList<>();
    try (BufferedWriter t = Files.newBufferedWriter(topology, StandardCharsets.UTF_8)) {
      for (int k = 0; k < o.rounds(); k++) {
        Path round = work.resolve("telemetry-" + (k + 1) + ".jsonl");
        rounds.add(round);
        writers.add(Files.newBufferedWriter(round, StandardCharsets.UTF_8));
      }
      SplitWriter split = new SplitWriter(t, writers, spec.start().toEpochMilli(), intervalMs);
      ScenarioGenerator.Summary summary = ScenarioGenerator.run(spec, split);
      split.close();
      return new Estate(topology, List.copyOf(rounds), summary.entities(), summary.dependencies(), summary.series(),
          split.topologyLines, split.telemetryLines);
    } finally {
      for (Writer w : writers) {
        w.close();
      }
    }
  }

  /** Sends topology lines to one writer and each sampling round's telemetry to its own; drops later rounds. */
  private static final class SplitWriter extends Writer {
    private final Writer topology;
    private final List<Writer> rounds;
    private final long start;
    private final long intervalMs;
    private final StringBuilder line = new StringBuilder();
    long topologyLines;
    long telemetryLines;

    SplitWriter(Writer topology, List<Writer> rounds, long start, long intervalMs) {
      this.topology = topology;
      this.rounds = rounds;
      this.start = start;
      this.intervalMs = intervalMs;
    }

    @Override
    public void write(char[] buf, int off, int len) throws IOException {
      for (int i = off; i < off + len; i++) {
        if (buf[i] == '\n') {
          route(line.toString());
          line.setLength(0);
        } else {
          line.append(buf[i]);
        }
      }
    }

    private void route(String l) throws IOException {
      if (l.startsWith("{\"type\":\"entity\"") || l.startsWith("{\"type\":\"depends\"")) {
        topology.write(l);
        topology.write('\n');
        topologyLines++;
        return;
      }
      int at = l.indexOf("\"t\":\"");
      if (at < 0) {
        return;
      }
      int end = l.indexOf('"', at + 5);
      long round = (Instant.parse(l.substring(at + 5, end)).toEpochMilli() - start) / intervalMs;
      if (round >= 0 && round < rounds.size()) {
        rounds.get((int) round).write(l);
        rounds.get((int) round).write('\n');
        telemetryLines++;
      }
    }

    @Override
    public void flush() throws IOException {
      topology.flush();
      for (Writer w : rounds) {
        w.flush();
      }
    }

    @Override
    public void close() throws IOException {
      if (!line.isEmpty()) {
        route(line.toString());
        line.setLength(0);
      }
      flush();
    }
  }

  /** Caught up, then nothing new on any partition the application reads for {@link #QUIET_MS}. */
  private static void settle(ProcessorJvm p, Admin admin, String appId, Map<TopicPartition, Long> sourceEnd,
                             long deadline) {
    Map<TopicPartition, Long> last = Map.of();
    long quietSince = System.nanoTime();
    while (true) {
      await(p, "the detection output to be processed", () -> caughtUp(admin, appId, sourceEnd), deadline);
      List<TopicPartition> read = new ArrayList<>(get(admin.listConsumerGroupOffsets(appId)
          .partitionsToOffsetAndMetadata(), "read the offsets").keySet());
      Map<TopicPartition, Long> ends = endOffsets(admin, read);
      long now = System.nanoTime();
      if (!ends.equals(last)) {
        last = ends;
        quietSince = now;
      } else if (now - quietSince >= TimeUnit.MILLISECONDS.toNanos(QUIET_MS)) {
        return;
      }
      await(p, "a moment", () -> System.nanoTime() - now >= TimeUnit.MILLISECONDS.toNanos(500), deadline);
    }
  }

  private static void await(ProcessorJvm p, String what, BooleanSupplier done, long deadline) {
    while (!done.getAsBoolean()) {
      p.requireAlive();
      if (System.nanoTime() > deadline) {
        throw new BenchFailure("timed out waiting for " + what + " (raise --timeout-s); processor log " + p.log);
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BenchFailure("interrupted waiting for " + what);
      }
    }
  }

  /** Bytes per store under {@code <state.dir>/<application.id>/<task>/rocksdb/<store>}, over all tasks. */
  static Map<String, Long> storeSizes(Path appDir) throws IOException {
    Map<String, Long> out = new TreeMap<>();
    if (!Files.isDirectory(appDir)) {
      return out;
    }
    try (Stream<Path> files = Files.walk(appDir)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        Path rel = appDir.relativize(f);
        if (rel.getNameCount() >= 4 && rel.getName(1).toString().equals("rocksdb")) {
          out.merge(rel.getName(2).toString(), Files.size(f), Long::sum);
        }
      }
    }
    return out;
  }

  /** Bytes of each of the application's changelog topics on the brokers (all partitions, leaders' and replicas' logs). */
  private static Map<String, Long> changelogSizes(Admin admin, String appId) {
    List<Integer> brokers = get(admin.describeCluster().nodes(), "describe the cluster").stream().map(Node::id)
        .toList();
    Map<String, Long> out = new TreeMap<>();
    Map<Integer, Map<String, LogDirDescription>> dirs = get(admin.describeLogDirs(brokers).allDescriptions(),
        "describe the log dirs");
    dirs.values().forEach(byDir -> byDir.values().forEach(d -> {
      for (Map.Entry<TopicPartition, ReplicaInfo> e : d.replicaInfos().entrySet()) {
        String topic = e.getKey().topic();
        if (topic.startsWith(appId + "-") && topic.endsWith("-changelog")) {
          out.merge(topic, e.getValue().size(), Long::sum);
        }
      }
    }));
    return out;
  }

  private static double secs(long nanos) {
    return Math.round(nanos / 1e7) / 100.0;
  }

  private static double mib(double bytes) {
    return bytes < 0 || Double.isNaN(bytes) ? Double.NaN : Math.round(bytes / 1024.0 / 1024.0 * 10) / 10.0;
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  private static long number(String flag, String v, long min, long max) {
    try {
      long n = Long.parseLong(v);
      if (n < min || n > max) {
        throw new IllegalArgumentException(flag + " must be between " + min + " and " + max + ", got " + n);
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
}
