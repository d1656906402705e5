package io.faultline.processor.correlate;

import io.faultline.common.EntityKind;
import io.faultline.common.Severity;
import io.faultline.correlation.Incident;
import io.faultline.correlation.RootCauseCandidate;
import io.faultline.correlation.Symptom;
import io.faultline.correlation.SymptomState;
import io.faultline.internal.CorrelationInput;
import io.faultline.internal.CorrelationInputKind;
import io.faultline.schemas.Topics;
import io.faultline.schemas.registry.InMemorySchemaRegistry;
import io.faultline.schemas.serde.AvroSerde;
import io.faultline.topology.Dependency;
import io.faultline.topology.Entity;
import io.faultline.topology.TopologyEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;

/** Drives the correlation stage alone in a TopologyTestDriver with hand-made CorrelationInput records. */
final class CorrelationHarness implements AutoCloseable {
  static final String INPUT = "test.correlation-input";
  static final long T0 = Instant.parse("2026-11-21T10:00:00Z").toEpochMilli();

  final TopologyTestDriver driver;
  final CorrelationSettings settings;
  private final TestInputTopic<String, CorrelationInput> input;
  private final TestInputTopic<String, TopologyEvent> topology;
  private final TestOutputTopic<String, Incident> incidents;
  private final TestOutputTopic<String, RootCauseCandidate> candidates;
  final List<Incident> incidentLog = new ArrayList<>();
  final List<RootCauseCandidate> candidateLog = new ArrayList<>();

  CorrelationHarness(CorrelationSettings settings, Path stateDir) {
    this(settings, stateDir, new Properties());
  }

  /** {@code extra} overrides the streams config (error handlers, ...). */
  CorrelationHarness(CorrelationSettings settings, Path stateDir, Properties extra) {
    this(settings, stateDir, extra, new ReachabilityAnalyzer());
  }

  CorrelationHarness(CorrelationSettings settings, Path stateDir, Properties extra, Analyzer analyzer) {
    this.settings = settings;
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    AvroSerde<CorrelationInput> inputSerde = AvroSerde.forClass(registry, CorrelationInput.class);
    StreamsBuilder builder = new StreamsBuilder();
    CorrelationStage.build(builder,
        builder.stream(INPUT, Consumed.with(Serdes.String(), inputSerde).withName("test-input")),
        settings, registry, analyzer);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "correlation-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.putAll(extra);
    driver = new TopologyTestDriver(builder.build(props), props);
    input = driver.createInputTopic(INPUT, Serdes.String().serializer(), inputSerde.serializer());
    topology = driver.createInputTopic(Topics.TOPOLOGY.name(), Serdes.String().serializer(),
        Topics.TOPOLOGY.valueSerde(registry).serializer());
    incidents = driver.createOutputTopic(Topics.INCIDENTS.name(), Serdes.String().deserializer(),
        Topics.INCIDENTS.valueSerde(registry).deserializer());
    candidates = driver.createOutputTopic(Topics.CANDIDATES.name(), Serdes.String().deserializer(),
        Topics.CANDIDATES.valueSerde(registry).deserializer());
  }

  static Path tempDir() {
    try {
      return Files.createTempDirectory("correlation-test");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  CorrelationHarness entity(String id, EntityKind kind) {
    topology.pipeInput(id, TopologyEvent.newBuilder()
        .setEntity(Entity.newBuilder().setId(id).setKind(kind).setLabels(Map.of("site", "a")).build()).build());
    return this;
  }

  CorrelationHarness depends(String from, String to) {
    return depends(from, to, null, false);
  }

  CorrelationHarness depends(String from, String to, Long at, boolean removed) {
    topology.pipeInput(from + " -> " + to, TopologyEvent.newBuilder()
        .setEventTime(at == null ? null : Instant.ofEpochMilli(at))
        .setDependency(new Dependency(from, to)).setRemoved(removed).build());
    return this;
  }

  CorrelationHarness raise(int partition, String entity, String signal, long at) {
    return symptom(partition, entity, signal, SymptomState.RAISED, Severity.CRITICAL, at);
  }

  CorrelationHarness clear(int partition, String entity, String signal, long at) {
    return symptom(partition, entity, signal, SymptomState.CLEARED, Severity.CRITICAL, at);
  }

  CorrelationHarness symptom(int partition, String entity, String signal, SymptomState state, Severity severity,
      long at) {
    Symptom s = Symptom.newBuilder().setEntity(entity).setSignal(signal).setState(state).setSeverity(severity)
        .setOnset(Instant.ofEpochMilli(at)).setEventTime(Instant.ofEpochMilli(at))
        .setDescription(signal + " abnormal").build();
    return send(CorrelationInput.newBuilder().setUpstreamPartition(partition).setKind(CorrelationInputKind.SYMPTOM)
        .setSymptom(s).setTime(Instant.ofEpochMilli(at)).build());
  }

  CorrelationHarness monitored(int partition, String entity, long at) {
    return send(CorrelationInput.newBuilder().setUpstreamPartition(partition).setKind(CorrelationInputKind.MONITORED)
        .setEntity(entity).setTime(Instant.ofEpochMilli(at)).build());
  }

  CorrelationHarness watermark(int partition, long at) {
    return send(CorrelationInput.newBuilder().setUpstreamPartition(partition).setKind(CorrelationInputKind.WATERMARK)
        .setTime(Instant.ofEpochMilli(at)).build());
  }

  /** A watermark from every upstream partition. */
  CorrelationHarness watermarkAll(long at) {
    for (int p = 0; p < settings.upstreamPartitions(); p++) {
      watermark(p, at);
    }
    return this;
  }

  CorrelationHarness idle(int partition, long at) {
    return send(CorrelationInput.newBuilder().setUpstreamPartition(partition).setKind(CorrelationInputKind.IDLE)
        .setTime(Instant.ofEpochMilli(at)).build());
  }

  /** Raw bytes on the correlation input, as a broken or foreign producer would write them. */
  CorrelationHarness sendRaw(byte[] value, long timestamp) {
    driver.createInputTopic(INPUT, Serdes.String().serializer(), Serdes.ByteArray().serializer())
        .pipeInput("raw", value, timestamp);
    return this;
  }

  CorrelationHarness send(CorrelationInput in) {
    input.pipeInput("p" + in.getUpstreamPartition(), in, in.getTime().toEpochMilli());
    return this;
  }

  /** Everything published so far, appended to the logs; returns the new incident records. */
  List<Incident> drainIncidents() {
    List<Incident> fresh = incidents.readValuesToList();
    incidentLog.addAll(fresh);
    candidateLog.addAll(candidates.readValuesToList());
    return fresh;
  }

  List<RootCauseCandidate> drainCandidates() {
    drainIncidents();
    return candidateLog;
  }

  @Override
  public void close() {
    driver.close();
  }
}
