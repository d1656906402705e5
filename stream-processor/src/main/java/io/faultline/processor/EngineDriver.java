package io.faultline.processor;

import io.faultline.correlation.Incident;
import io.faultline.correlation.RootCauseCandidate;
import io.faultline.processor.detect.DetectionSettings;
import io.faultline.processor.replay.OutputFormat;
import io.faultline.processor.replay.ReplayCli;
import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import io.faultline.schemas.config.LayeredConfig;
import io.faultline.schemas.registry.InMemorySchemaRegistry;
import io.faultline.schemas.scenario.ScenarioReader;
import io.faultline.schemas.scenario.ScenarioRecord;
import io.faultline.schemas.serde.AvroSerde;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
 * The whole engine in-process: the topology {@link ProcessorApp#buildTopology} builds, with the app's
 * streams config and the settings {@code faultline replay} uses (reorder across an hour, the replay's
 * idle flush), driven by Kafka's TopologyTestDriver. Records go in with their event time as
 * timestamp, in file order, as the publisher sends them; wall-clock time only passes when
 * {@link #finish()} lets it, so the idle flush happens exactly once, at the end of the input, never
 * because a loaded machine starved a thread.
 *
 * <p>Used by the engine tests and by {@code bench accuracy} (hundreds of scenarios in minutes instead
 * of a broker round trip each). TopologyTestDriver runs one task per sub-topology: one detection
 * task, i.e. one telemetry partition; the broker path ({@code bench accuracy --broker}) runs the same
 * topology over the real topics.
 */
public final class EngineDriver implements AutoCloseable {
  public static final Instant WALL_CLOCK = Instant.parse("2026-11-21T12:00:00Z");

  public final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  public final Topology topology;
  public final TopologyTestDriver driver;
  private final AvroSerde<SpecificRecord> values = AvroSerde.anySpecific(registry);
  private final Map<String, TestInputTopic<String, byte[]>> inputs = new HashMap<>();
  private final TestOutputTopic<String, Incident> incidents;
  private final TestOutputTopic<String, RootCauseCandidate> candidates;
  private final TestOutputTopic<byte[], byte[]> deadLetters;
  private static final int DRAIN_EVERY = 2_000;
  private static final java.util.Set<String> KEPT =
      java.util.Set.of(Topics.INCIDENTS.name(), Topics.CANDIDATES.name(), Topics.DEAD_LETTER);
  private final Map<String, TestOutputTopic<byte[], byte[]>> drains = new HashMap<>();
  private final Path stateDir;
  private final Duration idleFlush;
  private long piped;

  public EngineDriver(Map<String, String> overrides) {
    this(overrides, null);
  }

  /** With {@code meters}, the engine records its metrics there, as {@code ProcessorApp} wires it. */
  public EngineDriver(Map<String, String> overrides, MeterRegistry meters) {
    try {
      stateDir = Files.createTempDirectory("faultline-engine-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> flags = new HashMap<>(overrides);
    flags.putIfAbsent(ProcessorApp.STATE_DIR, stateDir.toString());
    flags.putIfAbsent("telemetry.partitions", "1");
    // As `replay` runs it: the shuffled file is fully reordered, the buffer released when input stops.
    flags.putIfAbsent("detect.grace.ms", Long.toString(DetectionSettings.forReplay().grace().toMillis()));
    flags.putIfAbsent("detect.idle.flush.ms", Long.toString(ReplayCli.DEFAULT_IDLE_FLUSH_MS));
    LayeredConfig config = ProcessorApp.loadConfig(null, Map.of(), flags);
    ProcessorSettings settings = ProcessorSettings.from(config);
    idleFlush = settings.detection().idleFlush();
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

  /** Pipes a scenario in file order (record timestamps = event time; topology without time: 0), then {@link #finish()}. */
  public void replay(Path scenario) {
    ScenarioReader.read(scenario, this::pipe);
    finish();
  }

  /**
   * The end of the input: the idle-flush time passes on the wall clock, then detection releases its
   * buffer batch after batch, one batch per punctuation (the driver fires a punctuator once per
   * advance), and declares itself idle.
   */
  public void finish() {
    driver.advanceWallClockTime(idleFlush.plusSeconds(1));
    // At least one record per batch is released per punctuation; a margin for the idle marker.
    long steps = piped / 500 + 50;
    for (long i = 0; i < steps; i++) {
      driver.advanceWallClockTime(Duration.ofMillis(100));
      if (i % 20 == 0) {
        drainUnread();
      }
    }
  }

  public void pipe(ScenarioRecord r) {
    String topic = r.topic().name();
    long ts = r.hasTime() ? r.timestamp() : 0;
    pipeBytes(topic, r.key(), values.serialize(topic, (SpecificRecord) r.value()), ts);
  }

  public void pipeBytes(String topic, String key, byte[] value, long timestamp) {
    inputs.get(topic).pipeInput(new TestRecord<>(key, value, (Headers) null, timestamp));
    if (++piped % DRAIN_EVERY == 0) {
      drainUnread();
    }
  }

  /**
   * TopologyTestDriver keeps every record written to any topic, changelogs included, until it is
   * read: a scenario of 10,000 samples leaves a few hundred thousand. Nobody reads the changelogs
   * and symptoms here, so they are dropped as the run goes.
   */
  private void drainUnread() {
    for (String topic : driver.producedTopicNames()) {
      if (!KEPT.contains(topic)) {
        drains.computeIfAbsent(topic, t -> driver.createOutputTopic(t, new ByteArrayDeserializer(),
            new ByteArrayDeserializer())).readRecordsToList();
      }
    }
  }

  /** Incident records written since the last read. */
  public List<Incident> incidents() {
    return incidents.readValuesToList();
  }

  /** Candidate records written since the last read. */
  public List<RootCauseCandidate> candidates() {
    return candidates.readValuesToList();
  }

  /** Candidates and incidents written since the last read, as `replay` prints them and in its order. */
  public List<OutputFormat.Line> lines() {
    List<OutputFormat.Line> out = new ArrayList<>();
    candidates().forEach(c -> out.add(OutputFormat.line(c)));
    incidents().forEach(i -> out.add(OutputFormat.line(i)));
    out.sort(OutputFormat.Line.ORDER);
    return out;
  }

  public List<TestRecord<byte[], byte[]>> deadLetters() {
    return deadLetters.readRecordsToList();
  }

  @Override
  public void close() {
    driver.close();
    try (var files = Files.walk(stateDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory left behind is harmless
    }
  }
}
