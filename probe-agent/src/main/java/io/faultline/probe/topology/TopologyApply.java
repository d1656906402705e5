package io.faultline.probe.topology;

import io.faultline.schemas.Topics;
import io.faultline.schemas.registry.SchemaRegistry;
import io.faultline.schemas.serde.AvroSerde;
import io.faultline.topology.TopologyEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code topology apply FILE}: makes the compacted topology topic say what the inventory says.
 *
 * <p>What was there before is read back from the topic itself (from the beginning to the current
 * end, latest event per key), keeping the keys whose latest event is a declaration by this
 * inventory's {@code source}. No local state file is needed, so applying from another machine, or
 * after the file was edited by hand, still removes exactly what this inventory had declared and
 * nothing another source (a probe agent, another inventory) owns. Unchanged declarations are not
 * republished, so re-applying the same file publishes nothing.
 */
public final class TopologyApply {

  /** What an apply published. */
  public record Result(int declared, int unchanged, int removed) {}

  private final Map<String, Object> kafka;
  private final SchemaRegistry registry;

  public TopologyApply(Map<String, String> kafkaProperties, SchemaRegistry registry) {
    this.kafka = new HashMap<>(kafkaProperties);
    this.registry = registry;
  }

  public Result apply(Inventory inventory, Instant time) {
    Map<String, TopologyEvent> before = current(inventory.source());
    List<ProducerRecord<String, TopologyEvent>> out = new ArrayList<>();
    int unchanged = 0;
    for (var e : inventory.events().entrySet()) {
      TopologyEvent old = before.get(e.getKey());
      if (old != null && sameDeclaration(old, e.getValue())) {
        unchanged++;
      } else {
        out.add(new ProducerRecord<>(Topics.TOPOLOGY.name(), null, time.toEpochMilli(), e.getKey(), e.getValue()));
      }
    }
    int declared = out.size();
    for (var e : before.entrySet()) {
      if (!inventory.events().containsKey(e.getKey())) {
        TopologyEvent removal = TopologyEvent.newBuilder(e.getValue()).setEventTime(time).setRemoved(true).build();
        out.add(new ProducerRecord<>(Topics.TOPOLOGY.name(), null, time.toEpochMilli(), e.getKey(), removal));
      }
    }
    publish(out);
    return new Result(declared, unchanged, out.size() - declared);
  }

  private static boolean sameDeclaration(TopologyEvent a, TopologyEvent b) {
    return !a.getRemoved() && !b.getRemoved()
        && Objects.equals(a.getEntity(), b.getEntity()) && Objects.equals(a.getDependency(), b.getDependency());
  }

  /** The declarations of {@code source} that are in force now: latest event per key, not removed. */
  public Map<String, TopologyEvent> current(String source) {
    Map<String, Object> c = new HashMap<>(kafka);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    AvroSerde<TopologyEvent> serde = Topics.TOPOLOGY.valueSerde(registry);
    Map<String, TopologyEvent> latest = new LinkedHashMap<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c)) {
      List<PartitionInfo> infos = consumer.partitionsFor(Topics.TOPOLOGY.name(), Duration.ofSeconds(30));
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("topic " + Topics.TOPOLOGY.name() + " does not exist");
      }
      List<TopicPartition> parts = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (parts.stream().anyMatch(p -> consumer.position(p, Duration.ofSeconds(30)) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("reading " + Topics.TOPOLOGY.name() + " back took longer than 120 s");
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.key() == null) {
            continue;
          }
          if (r.value() == null) {
            latest.remove(r.key()); // tombstone
          } else {
            latest.put(r.key(), serde.deserialize(r.topic(), r.value()));
          }
        }
      }
    }
    latest.values().removeIf(e -> e.getRemoved() || !source.equals(e.getSource()));
    return latest;
  }

  private void publish(List<ProducerRecord<String, TopologyEvent>> records) {
    Map<String, Object> p = new HashMap<>(kafka);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    AvroSerde<TopologyEvent> serde = Topics.TOPOLOGY.valueSerde(registry);
    try (KafkaProducer<String, TopologyEvent> producer =
             new KafkaProducer<>(p, new StringSerializer(), serde.serializer())) {
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      for (var r : records) {
        acks.add(producer.send(r));
      }
      producer.flush();
      for (Future<RecordMetadata> f : acks) {
        f.get(60, TimeUnit.SECONDS);
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("publishing to " + Topics.TOPOLOGY.name() + " failed: " + e.getCause().getMessage(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("publishing to " + Topics.TOPOLOGY.name() + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing", e);
    }
  }
}
