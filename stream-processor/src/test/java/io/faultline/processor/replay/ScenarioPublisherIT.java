package io.faultline.processor.replay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import io.faultline.schemas.registry.RegistryClientConfig;
import io.faultline.schemas.registry.RestSchemaRegistryClient;
import io.faultline.schemas.scenario.ScenarioFormatException;
import io.faultline.schemas.scenario.ScenarioReader;
import io.faultline.schemas.serde.AvroSerde;
import io.faultline.stack.LocalStack;
import io.faultline.stack.LocalStackExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishes a shared scenario to the real broker and reads it back through the real registry.
 * The broker is shared with other tests of this JVM, so only the offsets this publish adds are read.
 */
@ExtendWith(LocalStackExtension.class)
class ScenarioPublisherIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldWriteEveryLineToItsTopicInFileOrderWhenScenarioPublished(LocalStack stack) throws Exception {
    Path scenario = SharedScenarios.file("dns-resolver-down.jsonl");
    Expected expected = expectedFrom(scenario);

    try (RestSchemaRegistryClient registry = registry(stack)) {
      Map<TopicPartition, Long> before = endOffsets(stack);
      Map<String, Long> published;
      try (ScenarioPublisher publisher = new ScenarioPublisher(stack.bootstrapServers(), registry, Map.of())) {
        published = publisher.publish(scenario);
      }
      assertEquals(expected.countByTopic, new TreeMap<>(published));

      List<ConsumerRecord<String, SpecificRecord>> read = readAfter(stack, registry, before, expected.total());

      Map<String, Long> readByTopic = new TreeMap<>();
      Map<String, List<Long>> timesByTopicAndKey = new HashMap<>();
      for (ConsumerRecord<String, SpecificRecord> r : read) {
        readByTopic.merge(r.topic(), 1L, Long::sum);
        timesByTopicAndKey.computeIfAbsent(r.topic() + "|" + r.key(), k -> new ArrayList<>()).add(r.timestamp());
        Object eventTime = r.value().get(r.value().getSchema().getField("eventTime").pos());
        long expectedTimestamp = eventTime == null ? expected.earliest : ((Instant) eventTime).toEpochMilli();
        assertEquals(expectedTimestamp, r.timestamp(), "timestamp of " + r.topic() + " " + r.key());
      }
      assertEquals(expected.countByTopic, readByTopic);
      // One key lives in one partition: its records must come back in file order.
      assertEquals(expected.timesByTopicAndKey, timesByTopicAndKey);
    }
  }

  @Test
  void shouldPublishNothingWhenALineIsBad(LocalStack stack, @TempDir Path dir) throws Exception {
    Path scenario = dir.resolve("bad.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(SharedScenarios.file("healthy.jsonl")).subList(0, 200));
    lines.add("{\"type\":\"disk\",\"entity\":\"disk:x\"}");
    Files.write(scenario, lines, StandardCharsets.UTF_8);

    try (RestSchemaRegistryClient registry = registry(stack);
        ScenarioPublisher publisher = new ScenarioPublisher(stack.bootstrapServers(), registry, Map.of())) {
      Map<TopicPartition, Long> before = endOffsets(stack);
      ScenarioFormatException e = assertThrows(ScenarioFormatException.class, () -> publisher.publish(scenario));
      assertEquals(true, e.getMessage().contains("201"), e.getMessage());
      assertEquals(before, endOffsets(stack));
    }
  }

  /** Counts and per-key times straight from the JSON, independent of the reader's mapping. */
  private static Expected expectedFrom(Path scenario) throws Exception {
    Expected e = new Expected();
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : Files.readAllLines(scenario, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        nodes.add(JSON.readTree(line));
      }
    }
    e.earliest = nodes.stream().filter(n -> n.has("t")).mapToLong(n -> ScenarioReader.parseTime(n.get("t")))
        .min().orElseThrow();
    for (JsonNode n : nodes) {
      String type = n.get("type").asText();
      boolean topology = type.equals("entity") || type.equals("depends");
      String topic = topology ? "faultline.topology" : "faultline.telemetry." + type;
      String key = switch (type) {
        case "entity" -> n.get("id").asText();
        case "depends" -> n.get("from").asText() + " -> " + n.get("to").asText();
        default -> n.get("entity").asText();
      };
      long t = n.has("t") ? ScenarioReader.parseTime(n.get("t")) : e.earliest;
      e.countByTopic.merge(topic, 1L, Long::sum);
      e.timesByTopicAndKey.computeIfAbsent(topic + "|" + key, k -> new ArrayList<>()).add(t);
    }
    return e;
  }

  private static final class Expected {
    final Map<String, Long> countByTopic = new TreeMap<>();
    final Map<String, List<Long>> timesByTopicAndKey = new HashMap<>();
    long earliest;

    long total() {
      return countByTopic.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private static RestSchemaRegistryClient registry(LocalStack stack) {
    return new RestSchemaRegistryClient(RegistryClientConfig.builder(stack.registryUrl()).build());
  }

  private static List<TopicPartition> partitions() {
    List<TopicPartition> all = new ArrayList<>();
    for (Topic<?> t : Topics.ALL) {
      for (int p = 0; p < t.partitions(); p++) {
        all.add(new TopicPartition(t.name(), p));
      }
    }
    return all;
  }

  private static KafkaConsumer<String, SpecificRecord> consumer(LocalStack stack, RestSchemaRegistryClient registry) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return new KafkaConsumer<>(p, new StringDeserializer(), AvroSerde.anySpecific(registry).deserializer());
  }

  private static Map<TopicPartition, Long> endOffsets(LocalStack stack) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    Map<TopicPartition, Long> offsets = new HashMap<>();
    try (Admin admin = stack.admin()) {
      admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> offsets.put(tp, info.offset()));
    }
    return offsets;
  }

  private static List<ConsumerRecord<String, SpecificRecord>> readAfter(LocalStack stack,
      RestSchemaRegistryClient registry, Map<TopicPartition, Long> from, long expected) {
    List<ConsumerRecord<String, SpecificRecord>> read = new ArrayList<>();
    try (KafkaConsumer<String, SpecificRecord> c = consumer(stack, registry)) {
      c.assign(from.keySet());
      from.forEach(c::seek);
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        c.poll(Duration.ofMillis(200)).forEach(read::add);
        return read.size() >= expected;
      });
      // Anything beyond the expected count would be a duplicate: give it a chance to show up.
      c.poll(Duration.ofMillis(500)).forEach(read::add);
    }
    return read;
  }
}
