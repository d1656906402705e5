package io.faultline.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.processor.correlate.CorrelationStage;
import io.faultline.processor.detect.DetectionStage;
import io.faultline.schemas.Topics;
import io.faultline.schemas.registry.InMemorySchemaRegistry;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyDescription.Node;
import org.apache.kafka.streams.TopologyDescription.Processor;
import org.apache.kafka.streams.TopologyDescription.Sink;
import org.apache.kafka.streams.TopologyDescription.Source;
import org.junit.jupiter.api.Test;

class FaultlineTopologyTest {

  private static TopologyDescription describe() {
    return FaultlineTopology.buildTopology(ProcessorSettings.defaults(), new InMemorySchemaRegistry()).describe();
  }

  @Test
  void shouldNameEveryNodeStoreAndInternalTopicWhenBuilt() {
    TopologyDescription d = describe();
    Set<String> nodes = new HashSet<>();
    Set<String> stores = new HashSet<>();
    Set<String> sourceTopics = new HashSet<>();
    Set<String> sinkTopics = new HashSet<>();
    for (TopologyDescription.Subtopology s : d.subtopologies()) {
      for (Node n : s.nodes()) {
        nodes.add(n.name());
        if (n instanceof Processor p) {
          stores.addAll(p.stores());
        } else if (n instanceof Source src) {
          sourceTopics.addAll(src.topicSet());
        } else if (n instanceof Sink sink) {
          sinkTopics.add(sink.topic());
        }
      }
    }
    assertFalse(nodes.stream().anyMatch(n -> n.startsWith("KSTREAM-") || n.startsWith("KTABLE-")),
        "no generated node name: " + nodes);
    assertTrue(nodes.containsAll(Set.of(DetectionStage.SOURCE, DetectionStage.REORDER, DetectionStage.DETECTOR,
        CorrelationStage.KEY_NODE, CorrelationStage.TOPOLOGY_SOURCE, CorrelationStage.MERGE, CorrelationStage.CORRELATOR,
        CorrelationStage.INCIDENTS_SINK, CorrelationStage.CANDIDATES_SINK)), nodes.toString());
    assertTrue(stores.containsAll(CorrelationStage.STORES), stores.toString());
    assertTrue(stores.containsAll(Set.of(DetectionStage.REORDER_BUFFER_STORE, DetectionStage.STATE_STORE)));
    assertTrue(sinkTopics.containsAll(Set.of(Topics.INCIDENTS.name(), Topics.CANDIDATES.name(),
        Topics.SYMPTOMS.name(), Topics.DEAD_LETTER, CorrelationStage.REPARTITION + "-repartition")), sinkTopics.toString());
    assertTrue(sourceTopics.contains(CorrelationStage.REPARTITION + "-repartition"));
    assertTrue(sourceTopics.contains(Topics.TOPOLOGY.name()));
  }

  @Test
  void shouldRunTheCorrelatorWithTheTopologyTopicInOneSubtopologyWhenBuilt() {
    TopologyDescription.Subtopology correlation = describe().subtopologies().stream()
        .filter(s -> s.nodes().stream().anyMatch(n -> n.name().equals(CorrelationStage.CORRELATOR)))
        .findFirst().orElseThrow();
    Set<String> sources = new HashSet<>();
    correlation.nodes().stream().filter(n -> n instanceof Source)
        .forEach(n -> sources.addAll(((Source) n).topicSet()));
    assertEquals(Set.of(Topics.TOPOLOGY.name(), CorrelationStage.REPARTITION + "-repartition"), sources);
  }

  @Test
  void shouldConfigureExactlyOnceDeadLettersAndBoundedRocksDbWhenBuildingStreamsConfig() {
    var config = ProcessorApp.loadConfig(null, Map.of("FAULTLINE_KAFKA_BOOTSTRAP_SERVERS", "broker:9093"),
        Map.of("rocksdb.cache.bytes", "33554432", "streams.max.task.idle.ms", "50"));
    Properties p = ProcessorApp.streamsConfig(config);
    assertEquals("broker:9093", p.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
    assertEquals(StreamsConfig.EXACTLY_ONCE_V2, p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    assertEquals("true", p.get(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG));
    assertEquals("faultline-processor", p.get(StreamsConfig.APPLICATION_ID_CONFIG));
    assertEquals(BoundedMemoryRocksDbConfig.class.getName(), p.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG));
    assertEquals("33554432", p.get(BoundedMemoryRocksDbConfig.CACHE_BYTES));
    assertEquals("50", p.get("max.task.idle.ms"));
    assertTrue(p.containsKey(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG));
    assertTrue(p.containsKey(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG));
    assertTrue(p.containsKey(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG));
    // Every key validates as a Kafka Streams config.
    new StreamsConfig(p);
  }

  @Test
  void shouldBatchTheStreamProducersBy128KiBUnlessConfiguredOtherwise() {
    Properties byDefault = ProcessorApp.streamsConfig(ProcessorApp.loadConfig(null, Map.of(), Map.of()));
    assertEquals("131072", String.valueOf(byDefault.get(StreamsConfig.producerPrefix("batch.size"))));
    Properties fromEnv = ProcessorApp.streamsConfig(ProcessorApp.loadConfig(null,
        Map.of("FAULTLINE_KAFKA_PRODUCER_BATCH_SIZE", "65536"), Map.of()));
    assertEquals("65536", String.valueOf(fromEnv.get(StreamsConfig.producerPrefix("batch.size"))));
    new StreamsConfig(fromEnv);
  }

  @Test
  void shouldExitWithUsageErrorWhenArgumentsOrSettingsAreBad() {
    assertEquals(2, ProcessorApp.run(new String[] {"--bogus"}));
    assertEquals(2, ProcessorApp.run(new String[] {"--config"}));
    assertEquals(2, ProcessorApp.run(new String[] {"--set", "correlate.tick.ms=soon"}));
    assertEquals(2, ProcessorApp.run(new String[] {"--config", "/nonexistent/processor.yaml"}));
  }

  @Test
  void shouldLoadEveryKeyOfTheSampleConfigWhenItIsRead() {
    var config = ProcessorApp.loadConfig(java.nio.file.Path.of("config/processor-sample.yaml"), Map.of(),
        Map.of("correlate.tick.ms", "2000"));
    ProcessorSettings settings = ProcessorSettings.from(config);
    assertEquals(2000, settings.correlation().tickMs(), "a flag overrides the file");
    assertEquals(120_000, settings.correlation().resolveAfterMs());
    assertEquals("localhost:9092", ProcessorApp.streamsConfig(config).get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
    for (String key : config.asMap().keySet()) {
      assertTrue(ProcessorApp.configDefaults().containsKey(key), "the sample only uses known keys: " + key);
    }
  }
}
