package io.faultline.processor;

import io.faultline.correlation.Incident;
import io.faultline.correlation.RootCauseCandidate;
import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import io.faultline.schemas.config.LayeredConfig;
import io.faultline.schemas.registry.InMemorySchemaRegistry;
import io.faultline.schemas.scenario.ScenarioReader;
import io.faultline.schemas.scenario.ScenarioRecord;
import io.faultline.schemas.serde.AvroSerde;
import io.faultline.processor.detect.DetectionSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The whole engine (detection + correlation, as {@link ProcessorApp} builds it, with the app's
 * streams config) in a TopologyTestDriver. TopologyTestDriver runs one task per sub-topology, so
 * there is one detection task: one upstream partition.
 */
final class EngineDriver implements AutoCloseable {
  static final Instant WALL_CLOCK = Instant.parse("2026-11-21T12:00:00Z");

  final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  final Topology topology;
  final TopologyTestDriver driver;
  private final AvroSerde<SpecificRecord> values = AvroSerde.anySpecific(registry);
  private final Map<String, TestInputTopic<String, byte[]>> inputs = new HashMap<>();
  private final TestOutputTopic<String, Incident> incidents;
  private final TestOutputTopic<String, RootCauseCandidate> candidates;
  private final TestOutputTopic<byte[], byte[]> deadLetters;
  private final Path stateDir;

  EngineDriver(Map<String, String> overrides) {
    this(overrides, null);
  }

  /** With {@code meters}, the engine records its metrics there, as {@code ProcessorApp} wires it. */
  EngineDriver(Map<String, String> overrides, io.micrometer.core.instrument.MeterRegistry meters) {
    try {
      stateDir = Files.createTempDirectory("engine-test");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Map<String, String> flags = new HashMap<>(overrides);
    flags.putIfAbsent(ProcessorApp.STATE_DIR, stateDir.toString());
    flags.putIfAbsent("telemetry.partitions", "1");
    // A replay: reorder across an hour, as `replay` runs it.
    flags.putIfAbsent("detect.grace.ms", Long.toString(DetectionSettings.forReplay().grace().toMillis()));
    LayeredConfig config = ProcessorApp.loadConfig(null, Map.of(), flags);
    ProcessorSettings settings = ProcessorSettings.from(config);
    topology = ProcessorApp.buildTopology(settings, registry);
    Properties props = ProcessorApp.streamsConfig(config);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    if (meters != null) {
      props.put(io.faultline.processor.errors.DeadLetters.METER_REGISTRY_CONFIG, meters);
    }
    driver = new TopologyTestDriver(topology, props, WALL_CLOCK);
    for (Topic<?> t : Topics.TELEMETRY) {
      inputs.put(t.name(), driver.createInputTopic(t.name(), new StringSerializer(), new ByteArraySerializer()));
    }
    inputs.put(Topics.TOPOLOGY.name(),
        driver.createInputTopic(Topics.TOPOLOGY.name(), new StringSerializer(), new ByteArraySerializer()));
    incidents = driver.createOutputTopic(Topics.INCIDENTS.name(), new StringDeserializer(),
        Topics.INCIDENTS.valueSerde(registry).deserializer());
    candidates = driver.createOutputTopic(Topics.CANDIDATES.name(), new StringDeserializer(),
        Topics.CANDIDATES.valueSerde(registry).deserializer());
    deadLetters = driver.createOutputTopic(Topics.DEAD_LETTER, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Pipes a scenario in file order, record timestamps = event time (topology without time: 0). */
  void replay(Path scenario) {
    ScenarioReader.read(scenario, this::pipe);
    // The end of the input: wall-clock time passes, detection flushes (in batches, one per
    // punctuation: the driver fires a punctuator once per advance) and declares itself idle.
    driver.advanceWallClockTime(Duration.ofSeconds(5));
    for (int i = 0; i < 100; i++) {
      driver.advanceWallClockTime(Duration.ofMillis(100));
    }
  }

  void pipe(ScenarioRecord r) {
    String topic = r.topic().name();
    long ts = r.hasTime() ? r.timestamp() : 0;
    pipeBytes(topic, r.key(), values.serialize(topic, (SpecificRecord) r.value()), ts);
  }

  void pipeBytes(String topic, String key, byte[] value, long timestamp) {
    inputs.get(topic).pipeInput(new TestRecord<>(key, value, (Headers) null, timestamp));
  }

  List<Incident> incidents() {
    return incidents.readValuesToList();
  }

  List<RootCauseCandidate> candidates() {
    return candidates.readValuesToList();
  }

  List<TestRecord<byte[], byte[]>> deadLetters() {
    return deadLetters.readRecordsToList();
  }

  @Override
  public void close() {
    driver.close();
    try (var files = Files.walk(stateDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException ignored) {
      // a temp directory left behind is harmless
    }
  }
}
