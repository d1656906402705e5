package io.faultline.processor.demo;

import io.faultline.correlation.Incident;
import io.faultline.correlation.RootCauseCandidate;
import io.faultline.correlation.Symptom;
import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import io.faultline.schemas.registry.SchemaRegistry;
import io.faultline.schemas.serde.AvroSerde;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the pipeline's output topics (symptoms, candidates, incidents, dead letters) from the beginning, committed
 * transactions only, as any downstream consumer would, and hands each record to the {@link Story}.
 * Manual assignment: no consumer group, so nothing to rebalance and nothing left behind.
 */
final class StoryFeed implements Runnable, AutoCloseable {

  private static final List<Topic<?>> OUTPUTS = List.of(Topics.SYMPTOMS, Topics.CANDIDATES, Topics.INCIDENTS);

  private final KafkaConsumer<String, byte[]> consumer;
  private final Deserializer<SpecificRecord> values;
  private final Map<String, Long> counts = new ConcurrentHashMap<>();
  private final Story story;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean started;
  private volatile RuntimeException failure;
  private volatile long lastRecord = System.nanoTime();

  StoryFeed(String bootstrap, SchemaRegistry registry, Story story) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "faultline-demo-story");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // Bytes first: dead letters are whatever could not be used, not necessarily Avro.
    this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    this.values = AvroSerde.anySpecific(registry).deserializer();
    List<TopicPartition> partitions = new ArrayList<>();
    for (Topic<?> t : OUTPUTS) {
      for (int i = 0; i < t.partitions(); i++) {
        partitions.add(new TopicPartition(t.name(), i));
      }
    }
    for (int i = 0; i < Topics.DEAD_LETTER_PARTITIONS; i++) {
      partitions.add(new TopicPartition(Topics.DEAD_LETTER, i));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    this.story = story;
    this.thread = new Thread(this, "faultline-demo-story");
    thread.setDaemon(true);
  }

  void start() {
    started = true;
    thread.start();
  }

  @Override
  public void run() {
    try {
      while (running) {
        List<Decoded> batch = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          counts.merge(r.topic(), 1L, Long::sum);
          if (r.topic().equals(Topics.DEAD_LETTER)) {
            story.onDeadLetter(Instant.ofEpochMilli(r.timestamp()), header(r, Topics.DLQ_REASON), header(r, Topics.DLQ_TOPIC));
          } else {
            batch.add(new Decoded(values.deserialize(r.topic(), r.value())));
          }
          lastRecord = System.nanoTime();
        }
        // Several partitions arrive interleaved: tell them in event-time order.
        batch.sort(Comparator.comparing(d -> eventTime(d.value())));
        for (Decoded d : batch) {
          if (d.value() instanceof Symptom s) {
            story.onSymptom(s);
          } else if (d.value() instanceof Incident i) {
            story.onIncident(i);
          }
        }
        story.flushSymptoms();
      }
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      // close() during a poll
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /** Records read per topic so far. */
  Map<String, Long> counts() {
    return Map.copyOf(counts);
  }

  private record Decoded(SpecificRecord value) {}

  private static String header(ConsumerRecord<String, byte[]> r, String key) {
    Header h = r.headers().lastHeader(key);
    return h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** Wall-clock nanos of the last record read. */
  long lastRecord() {
    return lastRecord;
  }

  void throwIfFailed() {
    if (failure != null) {
      throw new IllegalStateException("reading the pipeline's output failed: " + failure.getMessage(), failure);
    }
  }

  private static Instant eventTime(SpecificRecord v) {
    if (v instanceof Symptom s) {
      return s.getEventTime();
    }
    if (v instanceof Incident i) {
      return i.getUpdatedAt();
    }
    if (v instanceof RootCauseCandidate c) {
      return c.getEventTime();
    }
    return Instant.EPOCH;
  }

  @Override
  public void close() {
    running = false;
    if (!started) {
      consumer.close(Duration.ofSeconds(2));
      return;
    }
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
