package io.faultline.processor.cli;

import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import io.faultline.schemas.registry.RegistryClientConfig;
import io.faultline.schemas.registry.RestSchemaRegistryClient;
import io.faultline.schemas.serde.AvroSerde;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code faultline tail TOPIC [--bootstrap HOST:PORT] [--registry URL] [--follow] [--max N]}: prints a
 * Faultline topic from its beginning, one record per line: time, partition@offset, key and the Avro
 * value as JSON (decoded through the registry). Dead letters print their reason and source headers
 * and the size of the original bytes. Committed transactions only. Without {@code --follow} it stops
 * at the end offsets it found at start.
 */
public final class TopicTail {
  static final String USAGE = "usage: faultline tail TOPIC [--bootstrap HOST:PORT] [--registry URL] [--follow] "
      + "[--max N]   (TOPIC: a name from Topics, e.g. faultline.incidents)";
  static final String DEFAULT_BOOTSTRAP = "localhost:9092";
  static final String DEFAULT_REGISTRY = "http://localhost:8081/apis/ccompat/v7";

  private TopicTail() {}

  public static int run(String[] args) {
    return run(args, System.out, System.err);
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    String topic = null;
    String bootstrap = DEFAULT_BOOTSTRAP;
    String registryUrl = DEFAULT_REGISTRY;
    boolean follow = false;
    long max = Long.MAX_VALUE;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--bootstrap" -> bootstrap = value(args, ++i, "--bootstrap");
          case "--registry" -> registryUrl = value(args, ++i, "--registry");
          case "--follow" -> follow = true;
          case "--max" -> max = positive(value(args, ++i, "--max"));
          case "-h", "--help" -> {
            out.println(USAGE);
            return 0;
          }
          default -> {
            if (args[i].startsWith("--") || topic != null) {
              throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
            topic = args[i];
          }
        }
      }
      if (topic == null) {
        throw new IllegalArgumentException("no topic given");
      }
      if (!known(topic)) {
        throw new IllegalArgumentException("'" + topic + "' is not a Faultline topic (one of " + names() + ")");
      }
    } catch (IllegalArgumentException e) {
      err.println("faultline tail: " + e.getMessage() + " (" + USAGE + ")");
      return 2;
    }
    try {
      tail(topic, bootstrap, registryUrl, follow, max, out);
      return 0;
    } catch (RuntimeException e) {
      err.println("faultline tail: " + e.getMessage());
      return 1;
    }
  }

  private static void tail(String topic, String bootstrap, String registryUrl, boolean follow, long max,
      PrintStream out) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "faultline-tail");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    try (RestSchemaRegistryClient registry = new RestSchemaRegistryClient(
        RegistryClientConfig.builder(registryUrl).build());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(15))) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
      if (partitions.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist on " + bootstrap);
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
      Deserializer<SpecificRecord> values = AvroSerde.anySpecific(registry).deserializer();
      boolean deadLetters = topic.equals(Topics.DEAD_LETTER);
      long printed = 0;
      while (printed < max) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          String value = deadLetters ? deadLetter(r) : String.valueOf(values.deserialize(topic, r.value()));
          out.println(Instant.ofEpochMilli(r.timestamp()) + " " + r.partition() + "@" + r.offset() + " " + r.key()
              + " " + value);
          if (++printed >= max) {
            break;
          }
        }
        if (!follow && reachedEnd(consumer, end)) {
          break;
        }
      }
      out.flush();
    }
  }

  private static boolean reachedEnd(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
    // Transaction markers occupy offsets too, so compare positions, not counts.
    return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }

  private static String deadLetter(ConsumerRecord<String, byte[]> r) {
    StringBuilder b = new StringBuilder("{");
    for (Header h : r.headers()) {
      if (h.key().startsWith("faultline.dlq.") && !h.key().equals(Topics.DLQ_EXCEPTION)) {
        b.append('"').append(h.key().substring("faultline.dlq.".length())).append("\": \"")
            .append(new String(h.value(), StandardCharsets.UTF_8).replace("\"", "\\\"")).append("\", ");
      }
    }
    return b.append("\"bytes\": ").append(r.value() == null ? 0 : r.value().length).append('}').toString();
  }

  private static boolean known(String topic) {
    return topic.equals(Topics.DEAD_LETTER) || Topics.ALL.stream().anyMatch(t -> t.name().equals(topic));
  }

  private static String names() {
    List<String> n = new ArrayList<>(Topics.ALL.stream().map(Topic::name).toList());
    n.add(Topics.DEAD_LETTER);
    return String.join(", ", n);
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  private static long positive(String v) {
    try {
      long n = Long.parseLong(v);
      if (n < 1) {
        throw new IllegalArgumentException("--max must be at least 1, got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--max must be a whole number, got '" + v + "'");
    }
  }
}
