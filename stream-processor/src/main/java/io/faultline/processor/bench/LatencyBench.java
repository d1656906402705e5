package io.faultline.processor.bench;

import io.faultline.correlation.RootCauseCandidate;
import io.faultline.processor.ProcessorApp;
import io.faultline.processor.RunningProcessor;
import io.faultline.processor.TopicSetup;
import io.faultline.processor.analysis.AnalysisSettings;
import io.faultline.processor.correlate.CorrelationSettings;
import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import io.faultline.schemas.bench.BenchReport;
import io.faultline.schemas.config.LayeredConfig;
import io.faultline.schemas.scenario.ScenarioRecord;
import io.faultline.schemas.serde.AvroSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * {@code faultline bench latency [--rate N] [--faults N] [--entities N] [--bootstrap B --registry URL]
 * [--set key=value]...}: on a steady live load (event time = wall clock at production, as a probe
 * stamps it) at half the measured maximum throughput, DNS resolvers fail one after another; for each,
 * the wall-clock time until a {@code read_committed} consumer of {@code faultline.candidates} reads a
 * candidate ranking that resolver first (stream-processor/docs/benchmarks.md).
 */
public final class LatencyBench {
  static final String USAGE = "usage: faultline bench latency [--rate EVENTS_PER_S] [--faults N] [--entities N] "
      + "[--calibrate-events N] [--bootstrap HOST:PORT --registry URL] [--set key=value]...";
  static final long FAULT_TIMEOUT_MS = 60_000;
  /**
   * Load before the first fault. Baselines need 12 samples, but a cold processor (interpreted and
   * JIT-compiling code, first transactions) falls behind a 16,000 events/s load in its first
   * seconds: with 15 s the first fault was measured while that backlog drained (12.5 s from its
   * first sample against 7.9 s for the other 19). The target is the steady state.
   */
  static final long WARM_UP_MS = 45_000;

  /** Parsed arguments; {@code rate} 0 = measure the maximum first and use half. */
  record Options(long rate, int faults, int entities, long calibrateEvents, String bootstrap, String registry,
                 Map<String, String> flags) {}

  /** One fault's times (wall clock = event time, ms). */
  record FaultTimes(String root, long firstSample, long detectorConfirmed, long correlationConfirmed, long readable) {
    boolean seen() {
      return readable > 0;
    }
  }

  private LatencyBench() {}

  public static int run(String[] args) {
    return run(args, System.out, System.err);
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return BenchArgs.runCli("latency", USAGE, args, out, err, LatencyBench::parse,
        o -> ProcessorApp.streamsConfig(ProcessorApp.loadConfig(null, Map.of(), o.flags())), o -> {
          try (BenchCluster cluster = openCluster(o, err)) {
            return measure(o, cluster, err);
          }
        });
  }

  private static BenchCluster openCluster(Options o, PrintStream log) {
    if (o.bootstrap() == null) {
      log.println("faultline bench latency: starting an embedded Kafka broker and schema registry ...");
    }
    return BenchCluster.open(o.bootstrap(), o.registry());
  }

  static Options parse(String[] args) {
    long rate = 0;
    int faults = 30;
    int entities = 10_000;
    long calibrate = 1_000_000;
    String bootstrap = null;
    String registry = null;
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--rate" -> rate = BenchArgs.number(a, v, 100, 10_000_000);
        case "--faults" -> faults = (int) BenchArgs.number(a, v, 1, 1_000);
        case "--entities" -> entities = (int) BenchArgs.number(a, v, 20, 1_000_000);
        case "--calibrate-events" -> calibrate = BenchArgs.number(a, v, 1_000, 100_000_000);
        case "--bootstrap" -> bootstrap = BenchArgs.value(a, v);
        case "--registry" -> registry = BenchArgs.value(a, v);
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
    return new Options(rate, faults, entities, calibrate, bootstrap, registry, Map.copyOf(flags));
  }

  /**
   * The background interval that, with the DNS probes, makes {@code rate} events per second:
   * {@code background * 1000 / (rate - dnsRate)}, at least 100 ms (a faster probe is not realistic).
   */
  static int backgroundIntervalMs(long rate, int background, int dnsSeries) {
    double dnsRate = dnsSeries * 1000.0 / LiveEstate.DNS_INTERVAL_MS;
    double rest = rate - dnsRate;
    if (rest <= 0) {
      throw new IllegalArgumentException("--rate " + rate + " is below the DNS probes' own " + (long) dnsRate
          + " events/s");
    }
    return (int) Math.max(100, Math.round(background * 1000.0 / rest));
  }

  /**
   * Event time at which the correlator has seen the fault long enough to open an incident: the
   * detector confirms a (name, resolver) series on its third failed sample (3 of 5); the analyzer
   * infers the silent resolver once {@code needed} of its names are confirmed; the correlator applies
   * a symptom at the next tick. The diagnosis is pending from the tick of the FIRST confirmed name
   * (a name at rank 1 until the resolver is inferred: the same diagnosis, its symptoms overlap), and
   * opens {@code openAfter} later; if the resolver is inferred only after that, the incident opened
   * on the name and the candidates ranking the resolver first follow at the inference's tick.
   *
   * @return {detector confirmation (event time of the confirming sample), correlation confirmation (the opening tick)}
   */
  static long[] confirmation(List<Long> confirmedAt, int dependents, AnalysisSettings analysis,
                             CorrelationSettings correlation) {
    int needed = Math.max(analysis.minInferenceDependents(),
        (int) Math.ceil(analysis.minInferenceShare() * dependents));
    if (confirmedAt.size() < needed) {
      return null;
    }
    List<Long> sorted = new ArrayList<>(confirmedAt);
    sorted.sort(null);
    long detector = sorted.get(needed - 1);
    long firstSeen = correlation.tickAtOrAfter(sorted.get(0));
    long inferred = correlation.tickAtOrAfter(detector);
    return new long[] {detector, Math.max(firstSeen + correlation.openAfterMs(), inferred)};
  }

  static BenchReport measure(Options o, BenchCluster cluster, PrintStream log) throws IOException {
    long rate = o.rate();
    double measuredMax = Double.NaN;
    if (rate == 0) {
      log.printf("faultline bench latency: measuring the maximum throughput (%,d events) ...%n", o.calibrateEvents());
      // Warmed up by as many events as it measures: the maximum is the sustained one (ThroughputBench).
      ThroughputBench.Options t = new ThroughputBench.Options(o.calibrateEvents(), o.calibrateEvents(),
          Math.max(o.entities(), 1_000), 11,
          o.bootstrap(), o.registry(), o.flags(), 900);
      measuredMax = ThroughputBench.measure(t, cluster, log).endToEnd();
      rate = Math.max(100, Math.round(measuredMax / 2));
    }
    // One pair per fault: the partner of a failed resolver shares its names, and a fault of the partner while
    // the first incident is open would be absorbed by it (by design, README "Recovery tails"), not a new one.
    int pairs = o.faults();
    int dnsSeries = pairs * LiveEstate.NAMES_PER_PAIR * 2;
    int interval = backgroundIntervalMs(rate, o.entities(), dnsSeries);
    LiveEstate estate = new LiveEstate(pairs, o.entities(), interval, 42);
    double offered = dnsSeries * 1000.0 / LiveEstate.DNS_INTERVAL_MS
        + (estate.series.size() - dnsSeries) * 1000.0 / interval;
    log.printf("faultline bench latency: %,d series, %.0f events/s (background every %d ms), %d faults ...%n",
        estate.series.size(), offered, interval, o.faults());

    String app = "faultline-bench-latency-" + UUID.randomUUID();
    List<TopicPartition> sources = cluster.partitions(TopicSetup.processorInputs());
    cluster.startGroupAt(app, cluster.endOffsets(sources));
    Path state = Files.createTempDirectory("faultline-bench-state-");
    Map<String, String> flags = new LinkedHashMap<>(o.flags());
    flags.put(ProcessorApp.BOOTSTRAP_SERVERS, cluster.bootstrap());
    flags.put(ProcessorApp.REGISTRY_URL, cluster.registryUrl());
    flags.put(ProcessorApp.APPLICATION_ID, app);
    flags.put(ProcessorApp.STATE_DIR, state.toString());
    LayeredConfig config = ProcessorApp.loadConfig(null, Map.of(), flags);

    List<FaultTimes> results = new ArrayList<>();
    long produced;
    try (Load load = new Load(cluster, estate);
         CandidateWatch watch = new CandidateWatch(cluster);
         RunningProcessor p = ProcessorApp.start(config, cluster.registry(), new SimpleMeterRegistry())) {
      load.publishTopology();
      load.start();
      long deadline = System.currentTimeMillis() + 120_000;
      while (p.streams().state() != KafkaStreams.State.RUNNING) {
        check(p, load, deadline);
        ThroughputBench.sleep(50);
      }
      // Baselines learn from 12 samples; the load must also run steadily before the first fault.
      long warm = System.currentTimeMillis() + Math.max(WARM_UP_MS, 14L * interval);
      while (System.currentTimeMillis() < warm) {
        check(p, load, deadline + WARM_UP_MS);
        ThroughputBench.sleep(100);
      }
      List<String> order = faultOrder(estate.resolvers, o.faults());
      for (int f = 0; f < order.size(); f++) {
        String root = order.get(f);
        long start = load.fail(root);
        long until = start + FAULT_TIMEOUT_MS;
        Long seen = null;
        while (seen == null && System.currentTimeMillis() < until) {
          check(p, load, Long.MAX_VALUE);
          ThroughputBench.sleep(10);
          seen = watch.firstRankOne(root);
        }
        List<Long> confirmed = load.recover(root);
        long[] conf = confirmation(confirmed, LiveEstate.NAMES_PER_PAIR, p.settings().analysis(),
            p.settings().correlation());
        results.add(new FaultTimes(root, start, conf == null ? -1 : conf[0], conf == null ? -1 : conf[1],
            seen == null ? -1 : seen));
        log.printf("  fault %d/%d %s: %s%n", f + 1, order.size(), root,
            seen == null ? "no candidate within " + FAULT_TIMEOUT_MS / 1000 + " s"
                : "rank 1 readable " + (seen - start) + " ms after its first sample");
        // Its names clear after 6 good samples; the next fault hits other names meanwhile.
        long settle = System.currentTimeMillis() + 7L * LiveEstate.DNS_INTERVAL_MS;
        while (System.currentTimeMillis() < settle) {
          check(p, load, Long.MAX_VALUE);
          ThroughputBench.sleep(50);
        }
      }
      produced = load.sent.get();
      load.stop();
    } finally {
      cluster.deleteGroup(app);
      ThroughputBench.deleteTree(state);
    }
    return report(o, results, measuredMax, rate, offered, interval, estate.series.size(), produced);
  }

  private static BenchReport report(Options o, List<FaultTimes> results, double measuredMax, long rate,
                                    double offered, int interval, int series, long produced) {
    List<Double> fromFirst = new ArrayList<>();
    List<Double> fromDetector = new ArrayList<>();
    List<Double> beyond = new ArrayList<>();
    for (FaultTimes r : results) {
      if (!r.seen()) {
        continue;
      }
      fromFirst.add((double) (r.readable() - r.firstSample()));
      if (r.detectorConfirmed() > 0) {
        fromDetector.add((double) (r.readable() - r.detectorConfirmed()));
        beyond.add((double) (r.readable() - r.correlationConfirmed()));
      }
    }
    BenchReport report = new BenchReport("latency", "measured from", "p50 ms", "p99 ms", "max ms", "faults");
    report.parameter("rate", rate).parameter("maxThroughputMeasured", measuredMax).parameter("offeredRate", offered)
        .parameter("series", series).parameter("backgroundIntervalMs", interval)
        .parameter("dnsIntervalMs", LiveEstate.DNS_INTERVAL_MS).parameter("faults", o.faults())
        .parameter("eventsProduced", produced).parameter("cluster", o.bootstrap() == null ? "embedded" : o.bootstrap());
    o.flags().forEach((k, v) -> report.parameter("set " + k, v));
    report.row("end of confirmation (opening tick in event time)", Stats.percentile(beyond, 50),
        Stats.percentile(beyond, 99), Stats.percentile(beyond, 100), beyond.size());
    report.row("detector's confirming sample", Stats.percentile(fromDetector, 50), Stats.percentile(fromDetector, 99),
        Stats.percentile(fromDetector, 100), fromDetector.size());
    report.row("fault's first sample", Stats.percentile(fromFirst, 50), Stats.percentile(fromFirst, 99),
        Stats.percentile(fromFirst, 100), fromFirst.size());
    report.row("faults without a rank-1 candidate in " + FAULT_TIMEOUT_MS / 1000 + " s", null, null, null,
        results.stream().filter(r -> !r.seen()).count());
    report.note("wall clock until a read_committed consumer of faultline.candidates reads the failed resolver at rank 1");
    report.note("end of confirmation = the tick at which the correlator may first rank the resolver in an open "
        + "incident: the first confirmed name's tick plus correlate.open.after.ms, or the tick of the detector's "
        + "confirming sample (3rd failed probe of the k-th name needed to infer the resolver) if later; a sample "
        + "with that event time is produced at that wall-clock time");
    report.note("target: p99 <= 1000 ms beyond the confirmation");
    return report;
  }

  /** The first resolver of each pair, once each: every fault hits names no earlier fault touched. */
  static List<String> faultOrder(List<String> resolvers, int faults) {
    List<String> order = new ArrayList<>();
    for (int i = 0; i < resolvers.size() && order.size() < faults; i += 2) {
      order.add(resolvers.get(i));
    }
    return order;
  }

  private static void check(RunningProcessor p, Load load, long deadline) {
    KafkaStreams.State s = p.streams().state();
    if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING
        || s == KafkaStreams.State.PENDING_ERROR) {
      throw new IllegalStateException("the processor stopped (state " + s + ")");
    }
    if (load.failure.get() != null) {
      // A probe would spool; the bench must not: a load the broker does not take measures nothing.
      throw new IllegalStateException("the broker did not take the load (lower --rate): "
          + load.failure.get().getMessage());
    }
    if (System.currentTimeMillis() > deadline) {
      throw new IllegalStateException("the processor did not start within two minutes");
    }
  }

  /** The live load: every series sampled when due, stamped with the wall clock, sent as a probe sends. */
  private static final class Load implements AutoCloseable {
    private final BenchCluster cluster;
    private final LiveEstate estate;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Map<Topic<?>, AvroSerde<SpecificRecord>> serdes = new HashMap<>();
    private final Map<String, List<LiveEstate.Series>> byResolver = new HashMap<>();
    private final Map<String, Boolean> failed = new ConcurrentHashMap<>();
    final AtomicLong sent = new AtomicLong();
    final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    Load(BenchCluster cluster, LiveEstate estate) {
      this.cluster = cluster;
      this.estate = estate;
      this.producer = new KafkaProducer<>(BenchCluster.probeProducerConfig(cluster.bootstrap(), "faultline-bench-load"));
      for (LiveEstate.Series s : estate.series) {
        if (s.resolver != null) {
          byResolver.computeIfAbsent(s.resolver, r -> new ArrayList<>()).add(s);
        }
      }
      thread = new Thread(this::loop, "faultline-bench-load");
      thread.setDaemon(true);
    }

    void publishTopology() {
      for (ScenarioRecord r : estate.topology()) {
        producer.send(new ProducerRecord<>(r.topic().name(), null, System.currentTimeMillis(),
            r.key().getBytes(StandardCharsets.UTF_8), serde(r.topic()).serialize(r.topic().name(), r.value())));
      }
      producer.flush();
    }

    void start() {
      thread.start();
    }

    /** Makes every probe through {@code resolver} fail from now on; returns the wall clock of the switch. */
    synchronized long fail(String resolver) {
      for (LiveEstate.Series s : byResolver.get(resolver)) {
        s.failedSent = 0;
        s.confirmedAt = -1;
      }
      failed.put(resolver, true);
      return System.currentTimeMillis();
    }

    /** Ends the fault; returns the event times of the samples that confirmed each failing series. */
    synchronized List<Long> recover(String resolver) {
      failed.remove(resolver);
      List<Long> out = new ArrayList<>();
      for (LiveEstate.Series s : byResolver.get(resolver)) {
        if (s.confirmedAt > 0) {
          out.add(s.confirmedAt);
        }
      }
      return out;
    }

    private void loop() {
      PriorityQueue<LiveEstate.Series> due = new PriorityQueue<>((a, b) -> Long.compare(a.nextDue, b.nextDue));
      due.addAll(estate.series);
      try {
        while (running) {
          long now = System.currentTimeMillis();
          LiveEstate.Series s = due.peek();
          if (s.nextDue > now) {
            Thread.sleep(Math.min(5, s.nextDue - now));
            continue;
          }
          due.poll();
          synchronized (this) {
            boolean bad = s.resolver != null && failed.containsKey(s.resolver);
            long t = System.currentTimeMillis();
            SpecificRecord v = estate.sample(s, t, bad);
            if (bad && ++s.failedSent == 3) {
              s.confirmedAt = t;
            }
            producer.send(new ProducerRecord<>(s.topic.name(), null, t, s.entity.getBytes(StandardCharsets.UTF_8),
                serde(s.topic).serialize(s.topic.name(), v)), (md, e) -> {
                  if (e != null) {
                    failure.compareAndSet(null, e);
                  }
                });
          }
          sent.incrementAndGet();
          s.nextDue += s.intervalMs;
          due.add(s);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        failure.compareAndSet(null, e);
      }
    }

    @SuppressWarnings("unchecked")
    private AvroSerde<SpecificRecord> serde(Topic<?> topic) {
      return serdes.computeIfAbsent(topic,
          t -> (AvroSerde<SpecificRecord>) (AvroSerde<?>) t.valueSerde(cluster.registry()));
    }

    void stop() {
      running = false;
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() {
      stop();
      producer.close(Duration.ofSeconds(10));
    }
  }

  /** Reads faultline.candidates (read_committed) and remembers when each entity was first read at rank 1. */
  private static final class CandidateWatch implements AutoCloseable {
    private final Map<String, Long> firstRankOne = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    CandidateWatch(BenchCluster cluster) {
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
      p.put(ConsumerConfig.CLIENT_ID_CONFIG, "faultline-bench-candidates");
      p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      List<TopicPartition> partitions = cluster.partitions(List.of(Topics.CANDIDATES.name()));
      Map<TopicPartition, Long> end = cluster.endOffsets(partitions);
      KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
          AvroSerde.anySpecific(cluster.registry()).deserializer());
      consumer.assign(partitions);
      end.forEach(consumer::seek);
      thread = new Thread(() -> {
        try (consumer) {
          while (running) {
            for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(50))) {
              long now = System.currentTimeMillis();
              if (r.value() instanceof RootCauseCandidate c && c.getRank() == 1) {
                firstRankOne.putIfAbsent(c.getEntity(), now);
              }
            }
          }
        } catch (RuntimeException e) {
          failure.compareAndSet(null, e);
        }
      }, "faultline-bench-candidates");
      thread.setDaemon(true);
      thread.start();
    }

    Long firstRankOne(String entity) {
      if (failure.get() != null) {
        throw new IllegalStateException("reading candidates failed: " + failure.get().getMessage());
      }
      return firstRankOne.get(entity);
    }

    @Override
    public void close() {
      running = false;
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
