package io.faultline.probe.spool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.probe.ProbeAgent;
import io.faultline.probe.Sample;
import io.faultline.probe.bench.TestTargets;
import io.faultline.probe.config.ProbeConfig;
import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import io.faultline.schemas.registry.SchemaRegistries;
import io.faultline.schemas.registry.SchemaRegistry;
import io.faultline.schemas.serde.AvroSerde;
import io.faultline.stack.LocalStack;
import io.faultline.stack.LocalStackExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent against the real broker and registry: the broker is stopped mid-run, the agent keeps
 * measuring into its spool and is itself restarted during the outage; once the broker is back,
 * every sample taken must be in Kafka exactly once, in the order taken, per entity.
 */
@ExtendWith(LocalStackExtension.class)
class SpoolDeliveryIT {

  @TempDir
  Path dir;

  /** What the agent appended to the spool, in order. */
  private record Taken(String topic, String key, long timestamp, SpecificRecord value) {}

  private static final class RecordingSink implements SampleSink {
    final List<Taken> taken = new CopyOnWriteArrayList<>();
    volatile SpoolSink spool;

    @Override
    public synchronized void accept(List<Sample> samples) {
      spool.accept(samples);
      samples.forEach(s -> taken.add(new Taken(s.topic().name(), s.key(), s.timestamp(), s.value())));
    }
  }

  @Test
  void shouldDeliverEverySampleExactlyOnceAndInOrderWhenTheBrokerStopsAndTheAgentRestarts(LocalStack stack) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String probeId = "probe-it-" + run;
    try (TestTargets web = new TestTargets();
         SchemaRegistry registry = SchemaRegistries.fromConfig(Map.of("schema.registry.url", stack.registryUrl()))) {
      Path file = dir.resolve("probe.yaml");
      Files.writeString(file, """
          agent: {host: "it-%s", id: "%s", intervalMs: 300}
          kafka: {bootstrap.servers: "%s"}
          registry: {url: "%s"}
          spool: {dir: "%s"}
          probes:
            network: {exclude: "x^"}
            apps:
              - {name: health, url: "%s"}
              - name: purchase
                steps:
                  - {name: browse, url: "%s"}
                  - {name: add-to-cart, method: POST, url: "%s"}
            services:
              - {name: web, tcp: "127.0.0.1:%d"}
          """.formatted(run, probeId, stack.bootstrapServers(), stack.registryUrl(), dir.resolve("spool"),
          web.url("/health"), web.url("/shop"), web.url("/shop/cart"), web.port()));
      ProbeConfig config = ProbeConfig.load(file, Map.of(), Map.of());
      RecordingSink sink = new RecordingSink();

      Spool spool = open(config);
      SpoolSender sender = sender(config, spool, registry);
      ProbeAgent agent = start(config, spool, sender, sink);
      await().atMost(Duration.ofSeconds(60)).until(() -> sender.delivered() >= 30);

      stack.stopBroker();
      int takenAtStop = sink.taken.size();
      await().atMost(Duration.ofSeconds(60)).until(() -> sink.taken.size() >= takenAtStop + 60);
      assertTrue(spool.pending() > 0, "samples pile up in the spool while the broker is down");

      // restart the agent during the outage: what is spooled must survive it
      agent.close();
      sender.close(Duration.ofSeconds(1));
      spool.close();
      Spool reopened = open(config);
      assertTrue(reopened.pending() > 0, "the restarted agent finds the undelivered samples");
      SpoolSender sender2 = sender(config, reopened, registry);
      ProbeAgent agent2 = start(config, reopened, sender2, sink);
      int takenAtRestart = sink.taken.size();
      await().atMost(Duration.ofSeconds(60)).until(() -> sink.taken.size() >= takenAtRestart + 30);

      long spooledDuringOutage = reopened.endOffset();
      stack.startBroker();
      // the agent keeps producing, so wait for the backlog, not for an empty spool
      await().atMost(Duration.ofSeconds(120)).until(() -> reopened.committed() >= spooledDuringOutage);
      agent2.close();
      await().atMost(Duration.ofSeconds(60)).until(() -> reopened.pending() == 0);
      sender2.close(Duration.ofSeconds(10));
      reopened.close();
      assertEquals(0, reopened.dropped());
      assertEquals(0, sender2.skipped());

      Map<String, List<Taken>> expected = byKey(sink.taken);
      Map<String, List<Taken>> actual = byKey(consume(stack, registry, probeId));
      assertEquals(expected.keySet(), actual.keySet());
      for (String key : expected.keySet()) {
        List<Taken> e = expected.get(key);
        List<Taken> a = actual.get(key);
        assertEquals(e.size(), a.size(), key + ": every sample exactly once");
        assertEquals(e, a, key + ": same samples in the same order");
      }
      assertTrue(sink.taken.size() >= 150, "a meaningful run: " + sink.taken.size() + " samples");
    }
  }

  @Test
  void shouldNotResendWhatAnEarlierRunDeliveredWhenItsCommitWasLost(LocalStack stack) throws Exception {
    String probeId = "probe-it-lost-commit-" + UUID.randomUUID().toString().substring(0, 8);
    Path live = dir.resolve("live");
    Path snapshot = dir.resolve("snapshot");
    List<Taken> taken = new ArrayList<>();
    try (Spool spool = new Spool(live, 4L << 20, 1L << 20, ProbeConfig.OverflowPolicy.DROP_OLDEST)) {
      SpoolSink sink = new SpoolSink(spool);
      for (int i = 0; i < 50; i++) {
        java.time.Instant t = java.time.Instant.ofEpochMilli(System.currentTimeMillis() + i);
        var v = io.faultline.telemetry.ServiceStatusSample.newBuilder().setEntity("svc:" + probeId).setEventTime(t)
            .setProbe(probeId).setIntervalMs(10_000).setState(io.faultline.telemetry.ServiceState.values()[i % 3]).build();
        Sample s = Sample.telemetry(Topics.SERVICE, v.getEntity(), v, t);
        sink.accept(List.of(s));
        taken.add(new Taken(Topics.SERVICE.name(), s.key(), s.timestamp(), v));
      }
    }
    // the state a crash right after the broker's ack, before the commit file was written, leaves
    Files.createDirectories(snapshot);
    try (var files = Files.list(live)) {
      for (Path f : files.toList()) {
        Files.copy(f, snapshot.resolve(f.getFileName()));
      }
    }
    try (SchemaRegistry registry = SchemaRegistries.fromConfig(Map.of("schema.registry.url", stack.registryUrl()))) {
      Map<String, String> kafka = Map.of("bootstrap.servers", stack.bootstrapServers());
      try (Spool spool = new Spool(live, 4L << 20, 1L << 20, ProbeConfig.OverflowPolicy.DROP_OLDEST)) {
        SpoolSender first = SpoolSender.forKafka(spool, registry, probeId, kafka);
        first.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> spool.pending() == 0);
        first.close();
        assertEquals(50, first.delivered());
      }
      try (Spool restored = new Spool(snapshot, 4L << 20, 1L << 20, ProbeConfig.OverflowPolicy.DROP_OLDEST)) {
        assertEquals(50, restored.pending(), "the restored spool does not know they were delivered");
        SpoolSender second = SpoolSender.forKafka(restored, registry, probeId, kafka);
        second.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> restored.pending() == 0);
        second.close();
        assertEquals(0, second.delivered(), "the restart check found all 50 in Kafka");
      }
      assertEquals(byKey(taken), byKey(consume(stack, registry, probeId)));
    }
  }

  private static Spool open(ProbeConfig c) {
    return new Spool(c.spoolDir(), c.spoolMaxBytes(), c.spoolSegmentBytes(), c.overflow());
  }

  private static SpoolSender sender(ProbeConfig c, Spool spool, SchemaRegistry registry) {
    return SpoolSender.forKafka(spool, registry, c.probeId(), c.kafka());
  }

  private static ProbeAgent start(ProbeConfig c, Spool spool, SpoolSender sender, RecordingSink sink) {
    sink.spool = new SpoolSink(spool);
    sender.start();
    ProbeAgent agent = new ProbeAgent(c, sink);
    agent.start();
    return agent;
  }

  private static Map<String, List<Taken>> byKey(List<Taken> all) {
    Map<String, List<Taken>> out = new LinkedHashMap<>();
    for (Taken t : all) {
      out.computeIfAbsent(t.topic() + "|" + t.key(), k -> new ArrayList<>()).add(t);
    }
    return out;
  }

  /** Everything this probe wrote, read back from the beginning of every topic it writes to. */
  private static List<Taken> consume(LocalStack stack, SchemaRegistry registry, String probeId) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    AvroSerde<SpecificRecord> serde = AvroSerde.anySpecific(registry);
    List<Taken> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c)) {
      List<TopicPartition> parts = new ArrayList<>();
      List<Topic<?>> topics = new ArrayList<>(Topics.TELEMETRY);
      topics.add(Topics.TOPOLOGY);
      for (Topic<?> t : topics) {
        consumer.partitionsFor(t.name()).forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          Header h = r.headers().lastHeader(SpoolSender.HEADER_PROBE);
          if (h != null && new String(h.value(), StandardCharsets.UTF_8).equals(probeId)) {
            out.add(new Taken(r.topic(), r.key(), r.timestamp(), serde.deserialize(r.topic(), r.value())));
          }
        }
        return parts.stream().allMatch(p -> consumer.position(p) >= end.get(p));
      });
    }
    return out;
  }
}
