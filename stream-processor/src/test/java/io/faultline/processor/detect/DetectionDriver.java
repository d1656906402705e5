package io.faultline.processor.detect;

import io.faultline.correlation.Symptom;
import io.faultline.internal.CorrelationInput;
import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import io.faultline.schemas.registry.InMemorySchemaRegistry;
import io.faultline.schemas.serde.AvroSerde;
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
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;

/** The detection stage alone in a TopologyTestDriver, with its CorrelationInput stream written to a test topic. */
final class DetectionDriver implements AutoCloseable {

  static final String CORRELATION_TOPIC = "test.correlation-input";
  static final Instant WALL_CLOCK = Instant.parse("2026-11-21T12:00:00Z");

  final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  final Topology topology;
  final TopologyTestDriver driver;
  private final AvroSerde<SpecificRecord> values = AvroSerde.anySpecific(registry);
  private final Map<String, org.apache.kafka.streams.TestInputTopic<String, byte[]>> inputs = new HashMap<>();
  private final org.apache.kafka.streams.TestOutputTopic<String, CorrelationInput> correlation;
  private final org.apache.kafka.streams.TestOutputTopic<String, Symptom> symptoms;
  private final org.apache.kafka.streams.TestOutputTopic<byte[], byte[]> deadLetters;
  private final Path stateDir;

  DetectionDriver(DetectionSettings settings) {
    StreamsBuilder builder = new StreamsBuilder();
    DetectionStage.build(builder, settings, registry)
        .to(CORRELATION_TOPIC, Produced.with(Serdes.String(), AvroSerde.forClass(registry, CorrelationInput.class))
            .withName("test-correlation-sink"));
    topology = builder.build();
    try {
      stateDir = Files.createTempDirectory("detect-test");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "faultline-detect-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, "true");
    driver = new TopologyTestDriver(topology, props, WALL_CLOCK);
    for (Topic<?> t : Topics.TELEMETRY) {
      inputs.put(t.name(), driver.createInputTopic(t.name(), new StringSerializer(), new ByteArraySerializer()));
    }
    correlation = driver.createOutputTopic(CORRELATION_TOPIC, new StringDeserializer(),
        AvroSerde.forClass(registry, CorrelationInput.class).deserializer());
    symptoms = driver.createOutputTopic(Topics.SYMPTOMS.name(), new StringDeserializer(),
        Topics.SYMPTOMS.valueSerde(registry).deserializer());
    deadLetters = driver.createOutputTopic(Topics.DEAD_LETTER, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Publishes a sample to its telemetry topic, its event time as record timestamp. */
  void pipe(SpecificRecord sample) {
    Telemetry t = Telemetry.of(sample);
    String topic = topicOf(sample).name();
    pipeBytes(topic, t.entity(), values.serialize(topic, sample), t.eventTime());
  }

  void pipeBytes(String topic, String key, byte[] value, long timestamp) {
    inputs.get(topic).pipeInput(new TestRecord<>(key, value, (Headers) null, timestamp));
  }

  byte[] encode(SpecificRecord sample) {
    return values.serialize(topicOf(sample).name(), sample);
  }

  static Topic<?> topicOf(SpecificRecord sample) {
    return Topics.TELEMETRY.stream().filter(t -> t.valueType().isInstance(sample)).findFirst().orElseThrow();
  }

  /** Lets wall-clock time pass without input: the idle flush releases everything buffered. */
  void idle() {
    driver.advanceWallClockTime(Duration.ofSeconds(5));
  }

  List<CorrelationInput> correlationInputs() {
    return correlation.readValuesToList();
  }

  List<Symptom> symptoms() {
    return symptoms.readValuesToList();
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
