package io.faultline.processor;

import io.faultline.processor.analysis.RootCauseAnalyzer;
import io.faultline.processor.correlate.AnalysisWarmup;
import io.faultline.processor.api.ApiSettings;
import io.faultline.processor.api.FaultlineMetrics;
import io.faultline.processor.api.ProcessorApi;
import io.faultline.processor.errors.DeadLetterDeserializationHandler;
import io.faultline.processor.errors.DeadLetterProcessingHandler;
import io.faultline.processor.errors.DeadLetterProductionHandler;
import io.faultline.processor.errors.DeadLetters;
import io.faultline.schemas.SchemaBootstrap;
import io.faultline.schemas.config.ConfigException;
import io.faultline.schemas.config.LayeredConfig;
import io.faultline.schemas.registry.SchemaRegistries;
import io.faultline.schemas.registry.SchemaRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream processor: configuration ({@link #streamsConfig}), topology ({@link #buildTopology})
 * and process entry point ({@link #main}), plus {@link #start} for code that runs the processor
 * inside its own JVM (replay, bench, demo, integration tests). Every key is documented in
 * stream-processor/README.md.
 */
public final class ProcessorApp {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessorApp.class);

  public static final String BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
  public static final String REGISTRY_URL = "registry.url";
  public static final String APPLICATION_ID = "application.id";
  public static final String STATE_DIR = "state.dir";
  public static final String STREAM_THREADS = "num.stream.threads";
  public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";
  public static final String TOPICS_CREATE = "topics.create";
  public static final String TOPICS_REPLICATION = "topics.replication.factor";
  public static final String SHUTDOWN_TIMEOUT_MS = "shutdown.timeout.ms";
  public static final String ROCKSDB_CACHE_BYTES = "rocksdb.cache.bytes";
  public static final String ROCKSDB_WRITE_BUFFER_BYTES = "rocksdb.write.buffer.bytes";
  /** Extra Kafka Streams properties, passed through verbatim: {@code streams.max.task.idle.ms=...}. */
  public static final String STREAMS_PREFIX = "streams.";
  /** Extra Kafka client properties (security, ...): {@code kafka.security.protocol=SSL}. */
  public static final String KAFKA_PREFIX = "kafka.";
  /** The stream threads' producers' batch size (a {@code kafka.*} key with a product default). */
  public static final String PRODUCER_BATCH_SIZE = KAFKA_PREFIX + "producer.batch.size";

  private ProcessorApp() {}

  /** Built-in defaults of every key (the first configuration layer). */
  public static Map<String, Object> configDefaults() {
    Map<String, Object> d = new TreeMap<>(ProcessorSettings.configDefaults());
    d.put(BOOTSTRAP_SERVERS, "localhost:9092");
    d.put(REGISTRY_URL, "http://localhost:8081/apis/ccompat/v7");
    d.put(APPLICATION_ID, "faultline-processor");
    String home = System.getenv().getOrDefault("FAULTLINE_HOME",
        Path.of(System.getProperty("java.io.tmpdir"), "faultline").toString());
    d.put(STATE_DIR, Path.of(home, "state").toString());
    // Three on 2 cores: a thread waits at every exactly-once commit, so one thread per core left cores idle
    // (two gave 45 % more than one); and Streams spreads tasks by count, so with two the single correlation
    // task shared a thread with half of the six detection tasks, fell behind them at a fault and finished
    // alone. With three it shares with a third (docs/benchmarks.md).
    d.put(STREAM_THREADS, 3);
    d.put(COMMIT_INTERVAL_MS, 100);
    // The store changelogs carry about one entity state (a few hundred bytes) per sample: in the client's 16 KiB
    // batches that was many small produce requests, and the broker's and the producer's per-request work was
    // about a quarter of all the CPU; 128 KiB batches gave 40 % more events per second (docs/benchmarks.md).
    d.put(PRODUCER_BATCH_SIZE, 131_072);
    d.put(AnalysisWarmup.ANALYSES, AnalysisWarmup.DEFAULT_ANALYSES);
    d.put(TOPICS_CREATE, true);
    d.put(TOPICS_REPLICATION, 1);
    d.put(SHUTDOWN_TIMEOUT_MS, 30_000);
    d.put(ROCKSDB_CACHE_BYTES, BoundedMemoryRocksDbConfig.DEFAULT_CACHE_BYTES);
    d.put(ROCKSDB_WRITE_BUFFER_BYTES, BoundedMemoryRocksDbConfig.DEFAULT_WRITE_BUFFER_BYTES);
    d.putAll(ApiSettings.configDefaults());
    return d;
  }

  /** Defaults, then {@code file} (may be null), then FAULTLINE_* environment, then {@code flags}. */
  public static LayeredConfig loadConfig(Path file, Map<String, String> env, Map<String, String> flags) {
    return LayeredConfig.load(configDefaults(), file, env, flags);
  }

  /** The Kafka Streams properties: exactly-once, dead-letter handlers, bounded RocksDB, explicit names. */
  public static Properties streamsConfig(LayeredConfig config) {
    Properties p = new Properties();
    // Client passthrough first, so the settings below cannot be overridden by accident.
    config.withPrefix(KAFKA_PREFIX).forEach(p::put);
    p.remove("bootstrap.servers");
    config.withPrefix(STREAMS_PREFIX).forEach(p::put);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.string(BOOTSTRAP_SERVERS));
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.string(APPLICATION_ID));
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.string(STATE_DIR));
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString((int) config.number(STREAM_THREADS, 1, 64)));
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(config.number(COMMIT_INTERVAL_MS, 1, 3_600_000)));
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, "true");
    p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class.getName());
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class.getName());
    p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProductionHandler.class.getName());
    p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedMemoryRocksDbConfig.class.getName());
    p.put(BoundedMemoryRocksDbConfig.CACHE_BYTES, Long.toString(config.number(ROCKSDB_CACHE_BYTES, 1 << 20, Long.MAX_VALUE)));
    p.put(BoundedMemoryRocksDbConfig.WRITE_BUFFER_BYTES,
        Long.toString(config.number(ROCKSDB_WRITE_BUFFER_BYTES, 1 << 20, Long.MAX_VALUE)));
    // Where the other instances forward interactive queries for keys this one owns.
    p.putAll(ProcessorApi.streamsProperties(ApiSettings.from(config)));
    return p;
  }

  public static Topology buildTopology(ProcessorSettings settings, SchemaRegistry registry) {
    return FaultlineTopology.buildTopology(settings, registry);
  }

  /** Starts against the registry named by {@code registry.*}; the processor closes it on close. */
  public static RunningProcessor start(LayeredConfig config) {
    SchemaRegistry registry = SchemaRegistries.fromLayeredConfig(config);
    try {
      return start(config, registry, FaultlineMetrics.prometheus().registry(), true, config.bool(ApiSettings.ENABLED));
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
  }

  /**
   * Creates missing topics (unless {@code topics.create=false}), registers the schemas, builds
   * the topology for the actual number of telemetry partitions, and starts Kafka Streams.
   */
  public static RunningProcessor start(LayeredConfig config, SchemaRegistry registry, MeterRegistry meters) {
    return start(config, registry, meters, false, false);
  }

  /** As the processor service runs: with the HTTP API, web view, metrics and health on {@code api.port}. */
  public static RunningProcessor startWithApi(LayeredConfig config, SchemaRegistry registry) {
    return start(config, registry, FaultlineMetrics.prometheus().registry(), false, true);
  }

  private static RunningProcessor start(LayeredConfig config, SchemaRegistry registry, MeterRegistry meters,
      boolean ownsRegistry, boolean withApi) {
    ProcessorSettings settings = ProcessorSettings.from(config);
    Properties props = streamsConfig(config);
    Map<String, Object> adminProps = new LinkedHashMap<>();
    config.withPrefix(KAFKA_PREFIX).forEach(adminProps::put);
    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.string(BOOTSTRAP_SERVERS));
    try (Admin admin = Admin.create(adminProps)) {
      if (config.bool(TOPICS_CREATE)) {
        TopicSetup.createMissing(admin, settings.correlation().upstreamPartitions(),
            (short) config.number(TOPICS_REPLICATION, 1, Short.MAX_VALUE));
      }
      int tasks = TopicSetup.telemetryTasks(admin);
      if (tasks != settings.correlation().upstreamPartitions()) {
        LOG.info("telemetry topics have {} partitions (configured {}): the correlator waits for {} detection tasks",
            tasks, settings.correlation().upstreamPartitions(), tasks);
        settings = settings.withCorrelation(settings.correlation().withUpstreamPartitions(tasks));
      }
    }
    SchemaBootstrap.run(registry);

    Topology topology = buildTopology(settings, registry);
    LOG.info("processor topology:\n{}", topology.describe());
    props.put(DeadLetters.METER_REGISTRY_CONFIG, meters);
    KafkaStreams streams = new KafkaStreams(topology, props);
    streams.setUncaughtExceptionHandler(e -> {
      // Bad records never get here (dead-letter handlers); this is infrastructure trouble, retried in a fresh thread.
      LOG.error("stream thread failed, replacing it", e);
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    streams.setGlobalStateRestoreListener(new RestoreProgress(meters));
    KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(streams);
    metrics.bindTo(meters);
    BoundedMemoryRocksDbConfig.bindTo(meters);
    ProcessorApi api;
    try {
      api = withApi ? ProcessorApi.start(ApiSettings.from(config), streams, topology, adminProps, registry,
          new FaultlineMetrics(meters), new RootCauseAnalyzer(settings.analysis())) : null;
    } catch (RuntimeException e) {
      // A port in use must not leave a constructed (never started) Kafka Streams holding its resources.
      streams.close();
      throw e;
    }
    AnalysisWarmup warmup = AnalysisWarmup.create(settings.correlation(),
        new RootCauseAnalyzer(settings.analysis())::analyze, (int) config.number(AnalysisWarmup.ANALYSES, 0, 1_000_000));
    // Once every task is restored: on two cores a warm-up beside the restore made a fresh instance's
    // restore take twice as long (bench scale), and Linux does not apply Java's thread priorities.
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) {
        warmup.begin();
      }
    });
    streams.start();
    LOG.info("processor {} started: kafka {}, state {}, {} detection task(s), tick {} ms",
        config.string(APPLICATION_ID), config.string(BOOTSTRAP_SERVERS), config.string(STATE_DIR),
        settings.correlation().upstreamPartitions(), settings.correlation().tickMs());
    return new RunningProcessor(streams, topology, settings, meters, ownsRegistry ? registry : null,
        Duration.ofMillis(config.number(SHUTDOWN_TIMEOUT_MS, 1, 3_600_000)), api, warmup);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * {@code processor [--config FILE] [--set key=value]...}: runs until SIGTERM/SIGINT, then
   * closes Kafka Streams within {@code shutdown.timeout.ms} and exits 0. Returns 2 for a usage or
   * configuration error, 1 when the processor cannot start or fails.
   */
  public static int run(String[] args) {
    Path file = null;
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--config" -> {
          if (++i >= args.length) {
            return usage("--config needs a file");
          }
          file = Path.of(args[i]);
        }
        case "--set" -> {
          if (++i >= args.length || !args[i].contains("=")) {
            return usage("--set needs key=value");
          }
          int eq = args[i].indexOf('=');
          flags.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        case "-h", "--help" -> {
          System.out.println("Usage: faultline processor [--config FILE] [--set key=value]...");
          System.out.println("Runs the stream processor until SIGTERM. Keys: stream-processor/README.md");
          return 0;
        }
        default -> {
          return usage("unknown argument '" + a + "'");
        }
      }
    }
    LayeredConfig config;
    try {
      config = loadConfig(file, System.getenv(), flags);
      ProcessorSettings.from(config);
      streamsConfig(config);
    } catch (ConfigException | IllegalArgumentException e) {
      return usage(e.getMessage());
    }
    RunningProcessor processor;
    try {
      processor = start(config);
    } catch (RuntimeException e) {
      System.err.println("faultline processor: cannot start: " + e.getMessage());
      return 1;
    }
    // start() has started the streams already, so a state listener can no longer be set: poll.
    CountDownLatch stopped = new CountDownLatch(1);
    Thread watch = new Thread(() -> {
      try {
        while (processor.streams().state() != KafkaStreams.State.ERROR
            && processor.streams().state() != KafkaStreams.State.NOT_RUNNING) {
          Thread.sleep(500);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      stopped.countDown();
    }, "faultline-processor-watch");
    watch.setDaemon(true);
    watch.start();
    Thread hook = new Thread(() -> {
      LOG.info("stopping the processor");
      boolean clean = processor.stop();
      LOG.info("processor stopped{}", clean ? "" : " (timed out)");
      // The JVM would report the signal (143); a requested, completed shutdown is a success.
      Runtime.getRuntime().halt(clean ? 0 : 1);
    }, "faultline-processor-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Reached when Kafka Streams stopped on its own: that is a failure.
    System.err.println("faultline processor: stream processing stopped (state " + processor.streams().state() + ")");
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      return 0;
    }
    processor.close();
    return 1;
  }

  private static int usage(String reason) {
    System.err.println("faultline processor: " + reason);
    return 2;
  }
}
