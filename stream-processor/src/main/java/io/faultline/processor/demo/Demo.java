package io.faultline.processor.demo;

import io.faultline.processor.replay.ScenarioPublisher;
import io.faultline.schemas.SchemaBootstrap;
import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import io.faultline.schemas.registry.RegistryClientConfig;
import io.faultline.schemas.registry.RestSchemaRegistryClient;
import io.faultline.schemas.scenario.ScenarioFormatException;
import io.faultline.schemas.serde.AvroSerde;
import io.faultline.stack.LocalStack;
import io.faultline.stack.StackException;
import io.faultline.stack.StackOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code ./faultline demo [--scenario FILE]}: the stage-2 end-to-end check on real parts. Starts a
 * throw-away local stack (broker + registry), creates the topics and registers the schemas,
 * publishes a scenario as the probes would, reads every topic back through the registry while the
 * records flow, and stops everything. Exit 0 when every published record was read back.
 */
public final class Demo {

  static final String DEFAULT_SCENARIO = "dns-resolver-down.jsonl";
  private static final Duration READ_BACK_TIMEOUT = Duration.ofSeconds(60);
  private static final String USAGE = "usage: demo [--scenario FILE.jsonl]";

  private Demo() {}

  public static int run(String[] args) {
    return run(args, System.out, System.err);
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    Path scenario = defaultScenario();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--scenario" -> {
          if (i + 1 >= args.length) {
            return usage(err, "--scenario needs a file");
          }
          scenario = Path.of(args[++i]);
        }
        case "-h", "--help" -> {
          out.println(USAGE);
          return 0;
        }
        default -> {
          return usage(err, "unknown option '" + args[i] + "' (" + USAGE + ")");
        }
      }
    }
    if (!Files.isRegularFile(scenario)) {
      return usage(err, "scenario file " + scenario + " not found (" + USAGE + ")");
    }
    quietClients();
    try {
      return demo(scenario, out);
    } catch (StackException | ScenarioFormatException e) {
      err.println("faultline demo: " + e.getMessage());
      return 1;
    }
  }

  private static int demo(Path scenario, PrintStream out) {
    long t0 = System.nanoTime();
    out.println("faultline demo: starting a local Kafka broker and schema registry ...");
    try (LocalStack stack = LocalStack.start(StackOptions.defaults());
        RestSchemaRegistryClient registry = new RestSchemaRegistryClient(
            RegistryClientConfig.builder(stack.registryUrl()).build())) {
      out.printf("  broker %s, registry %s (%.1f s)%n", stack.bootstrapServers(), stack.registryUrl(), secondsSince(t0));
      stack.createFaultlineTopics();
      SchemaBootstrap.run(registry);
      out.printf("  %d topics created, %d value schemas registered%n", Topics.ALL.size() + 1, Topics.ALL.size());

      ReadBack reader = new ReadBack(stack.bootstrapServers(), registry, out);
      Thread readerThread = new Thread(reader, "faultline-demo-reader");
      readerThread.start();
      Map<String, Long> published;
      try {
        out.println("faultline demo: publishing " + scenario + " ...");
        long p0 = System.nanoTime();
        try (ScenarioPublisher publisher = new ScenarioPublisher(stack.bootstrapServers(), registry, Map.of())) {
          published = publisher.publish(scenario);
        }
        long total = published.values().stream().mapToLong(Long::longValue).sum();
        out.printf("  published %d records in %.1f s%n", total, secondsSince(p0));
        reader.awaitCounts(published, READ_BACK_TIMEOUT);
      } finally {
        reader.stop();
        joinQuietly(readerThread);
      }
      boolean complete = printTable(out, published, reader.counts());
      out.printf("faultline demo: %s; stopping the stack (%.1f s in all)%n",
          complete ? "every record read back through the registry" : "RECORDS MISSING", secondsSince(t0));
      return complete ? 0 : 1;
    }
  }

  private static boolean printTable(PrintStream out, Map<String, Long> published, Map<String, Long> consumed) {
    out.printf("%n  %-30s %10s %10s%n", "topic", "published", "read back");
    boolean complete = true;
    for (var e : new TreeMap<>(published).entrySet()) {
      long read = consumed.getOrDefault(e.getKey(), 0L);
      complete &= read == e.getValue();
      out.printf("  %-30s %10d %10d%n", e.getKey(), e.getValue(), read);
    }
    out.println();
    return complete;
  }

  /** Reads every Faultline topic from the beginning, deserializing each value through the registry. */
  static final class ReadBack implements Runnable {
    private final KafkaConsumer<String, SpecificRecord> consumer;
    private final PrintStream out;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile RuntimeException failure;

    ReadBack(String bootstrap, RestSchemaRegistryClient registry, PrintStream out) {
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ConsumerConfig.CLIENT_ID_CONFIG, "faultline-demo-reader");
      p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      AvroSerde<SpecificRecord> values = AvroSerde.anySpecific(registry);
      this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), values.deserializer());
      this.out = out;
      List<TopicPartition> partitions = new ArrayList<>();
      for (Topic<?> t : Topics.ALL) {
        for (int i = 0; i < t.partitions(); i++) {
          partitions.add(new TopicPartition(t.name(), i));
        }
      }
      // Manual assignment: no consumer group, so no rebalance to wait for.
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    }

    @Override
    public void run() {
      long lastPrint = System.nanoTime();
      try {
        while (running.get()) {
          for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(200))) {
            counts.computeIfAbsent(r.topic(), t -> new AtomicLong()).incrementAndGet();
          }
          if (System.nanoTime() - lastPrint > 1_000_000_000L) {
            lastPrint = System.nanoTime();
            if (!counts.isEmpty()) {
              out.println(progress());
            }
          }
        }
      } catch (RuntimeException e) {
        failure = e;
      } finally {
        consumer.close(Duration.ofSeconds(5));
      }
    }

    /** Records read so far per topic name. */
    Map<String, Long> counts() {
      Map<String, Long> snapshot = new TreeMap<>();
      counts.forEach((t, n) -> snapshot.put(t, n.get()));
      return snapshot;
    }

    private String progress() {
      StringBuilder line = new StringBuilder("  read so far:");
      counts().forEach((t, n) -> line.append(' ').append(t.replace("faultline.", "")).append('=').append(n));
      return line.toString();
    }

    void awaitCounts(Map<String, Long> expected, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline && failure == null) {
        boolean done = expected.entrySet().stream()
            .allMatch(e -> counts.getOrDefault(e.getKey(), new AtomicLong()).get() >= e.getValue());
        if (done) {
          return;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      if (failure != null) {
        throw new StackException("reading back failed: " + failure.getMessage(), failure);
      }
    }

    void stop() {
      running.set(false);
    }
  }

  /**
   * The shared scenarios sit beside the repository ({@code ../shared/scenarios} from its root);
   * the nearest such directory above the root is used, so a git worktree nested deeper finds it too.
   */
  static Path defaultScenario() {
    Path root = Path.of(System.getProperty("faultline.root", ".")).toAbsolutePath().normalize();
    for (Path dir = root.getParent(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("scenarios").resolve(DEFAULT_SCENARIO);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    return root.resolve("..").resolve("shared").resolve("scenarios").resolve(DEFAULT_SCENARIO).normalize();
  }

  private static int usage(PrintStream err, String reason) {
    err.println("faultline demo: " + reason);
    return 2;
  }

  /** The clients log every connection step at INFO; the demo prints its own story. */
  private static void quietClients() {
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "warn");
    System.setProperty("org.slf4j.simpleLogger.log.io.faultline", "warn");
  }

  private static double secondsSince(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static void joinQuietly(Thread t) {
    try {
      t.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
