package io.faultline.processor;

import io.faultline.schemas.scenario.ScenarioFiles;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.correlation.Incident;
import io.faultline.processor.replay.ScenarioPublisher;
import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import io.faultline.schemas.config.LayeredConfig;
import io.faultline.schemas.registry.RegistryClientConfig;
import io.faultline.schemas.registry.RestSchemaRegistryClient;
import io.faultline.schemas.registry.SchemaRegistries;
import io.faultline.stack.LocalStack;
import io.faultline.stack.LocalStackExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor on the real broker and registry: a shared scenario published as the probes would
 * publish it ends as an incident with the expected root cause, and a poison telemetry record ends
 * on the dead-letter topic with its origin in the headers while the stream goes on. The broker is
 * shared with other tests of this JVM, so the processor starts from the current end of its input
 * topics and only what this test adds is read.
 */
@ExtendWith(LocalStackExtension.class)
class ProcessorIT {

  private static final String ROOT = "dns-resolver:10.0.1.53";

  @Test
  void shouldPublishTheExpectedRootCauseAndDeadLetterPoisonWhenAScenarioIsReplayed(LocalStack stack,
      @TempDir Path stateDir) throws Exception {
    Path scenario = scenarios().resolve("dns-resolver-down.jsonl");
    String appId = "processor-it-" + System.nanoTime();
    Map<String, String> flags = new HashMap<>();
    flags.put(ProcessorApp.BOOTSTRAP_SERVERS, stack.bootstrapServers());
    flags.put(ProcessorApp.REGISTRY_URL, stack.registryUrl());
    flags.put(ProcessorApp.APPLICATION_ID, appId);
    flags.put(ProcessorApp.STATE_DIR, stateDir.toString());
    flags.put("detect.grace.ms", "3600000");
    LayeredConfig config = ProcessorApp.loadConfig(null, Map.of(), flags);

    List<String> inputs = new ArrayList<>(Topics.TELEMETRY.stream().map(Topic::name).toList());
    inputs.add(Topics.TOPOLOGY.name());
    try (Admin admin = stack.admin();
        RestSchemaRegistryClient registry = SchemaRegistries.fromConfig(
            Map.of(RegistryClientConfig.URL, stack.registryUrl()))) {
      // Start after what other tests left on the shared topics.
      admin.alterConsumerGroupOffsets(appId, endOffsets(admin, inputs).entrySet().stream().collect(
          java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue()))))
          .all().get(30, TimeUnit.SECONDS);
      Map<TopicPartition, Long> incidentsFrom = endOffsets(admin, List.of(Topics.INCIDENTS.name()));
      Map<TopicPartition, Long> deadFrom = endOffsets(admin, List.of(Topics.DEAD_LETTER));

      try (RunningProcessor processor = ProcessorApp.start(config)) {
        await().atMost(Duration.ofSeconds(60)).until(processor::isRunning);

        RecordMetadata poison;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
            new StringSerializer(), new ByteArraySerializer())) {
          poison = producer.send(new ProducerRecord<>(Topics.APP.name(), "app:checkout",
              "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        }
        try (ScenarioPublisher publisher = new ScenarioPublisher(stack.bootstrapServers(), registry, Map.of())) {
          publisher.publish(scenario);
        }

        List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
        List<Incident> incidents = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> dlq = consumer(stack, new ByteArrayDeserializer());
            KafkaConsumer<byte[], Incident> out = consumer(stack, Topics.INCIDENTS.valueSerde(registry).deserializer())) {
          seek(dlq, deadFrom);
          seek(out, incidentsFrom);
          await().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofMillis(200)).until(() -> {
            dlq.poll(Duration.ofMillis(100)).forEach(dead::add);
            out.poll(Duration.ofMillis(100)).forEach(r -> incidents.add(r.value()));
            return dead.stream().anyMatch(d -> isFrom(d, poison))
                && incidents.stream().anyMatch(i -> i.getRootCause().equals(ROOT));
          });
        }

        dead.forEach(d -> System.out.println("dead letter from " + header(d, Topics.DLQ_TOPIC) + "-"
            + header(d, Topics.DLQ_PARTITION) + "@" + header(d, Topics.DLQ_OFFSET) + ": " + header(d, Topics.DLQ_REASON)));
        incidents.forEach(i -> System.out.println("incident " + i.getId() + " " + i.getState() + " " + i.getRootCause()
            + " at " + i.getUpdatedAt() + " affected " + i.getAffected()));
        ConsumerRecord<byte[], byte[]> letter = dead.stream().filter(d -> isFrom(d, poison)).findFirst().orElseThrow();
        assertTrue(letter.headers().lastHeader(Topics.DLQ_REASON) != null);
        assertEquals("{\"not\":\"avro\"}", new String(letter.value(), StandardCharsets.UTF_8));

        Incident first = incidents.stream().filter(i -> i.getRootCause().equals(ROOT)).findFirst().orElseThrow();
        assertTrue(first.getAffected().size() >= 3, "the resolver's names and applications: " + first.getAffected());
        assertEquals(KafkaStreams.State.RUNNING, processor.streams().state(), "the poison record stopped nothing");
        // Begun by the first RUNNING state, after the restore.
        await().atMost(Duration.ofMinutes(2)).until(() -> processor.warmup().analysesDone() > 0);
      }
    }
  }

  private static boolean isFrom(ConsumerRecord<?, ?> letter, RecordMetadata source) {
    return source.topic().equals(header(letter, Topics.DLQ_TOPIC))
        && Integer.toString(source.partition()).equals(header(letter, Topics.DLQ_PARTITION))
        && Long.toString(source.offset()).equals(header(letter, Topics.DLQ_OFFSET));
  }

  private static String header(ConsumerRecord<?, ?> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private static Map<TopicPartition, Long> endOffsets(Admin admin, List<String> topics) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, d) ->
        d.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
    Map<TopicPartition, Long> out = new HashMap<>();
    admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }

  private static <V> KafkaConsumer<byte[], V> consumer(LocalStack stack, org.apache.kafka.common.serialization.Deserializer<V> values) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), values);
  }

  private static void seek(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> from) {
    consumer.assign(from.keySet());
    from.forEach(consumer::seek);
  }

  static Path scenarios() {
    return ScenarioFiles.sharedDirectory();
  }

}
