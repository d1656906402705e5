package io.faultline.processor.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.common.EntityKind;
import io.faultline.common.Severity;
import io.faultline.correlation.Incident;
import io.faultline.correlation.Symptom;
import io.faultline.correlation.SymptomState;
import io.faultline.internal.CorrelationInput;
import io.faultline.internal.CorrelationInputKind;
import io.faultline.processor.analysis.RootCauseAnalyzer;
import io.faultline.processor.correlate.CorrelationSettings;
import io.faultline.processor.correlate.CorrelationStage;
import io.faultline.schemas.Topics;
import io.faultline.schemas.registry.InMemorySchemaRegistry;
import io.faultline.schemas.serde.AvroSerde;
import io.faultline.topology.Dependency;
import io.faultline.topology.Entity;
import io.faultline.topology.TopologyEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The real correlation stage (the engine's {@link CorrelationStage} with the real
 * {@link RootCauseAnalyzer}) on a TopologyTestDriver, fed correlation input directly, so the API
 * is tested against stores the correlator itself filled. {@link #reader()} reads those stores
 * the way {@link LocalStores} does (values turned into JSON by the API's mapper).
 */
final class CorrelatorFixture implements AutoCloseable {
  static final String INPUT = "test.correlation-input";
  static final long T0 = Instant.parse("2026-11-21T10:00:00Z").toEpochMilli();
  static final long S = 1_000;
  static final CorrelationSettings SETTINGS = new CorrelationSettings(2, 1_000, 10 * S, 30 * S, 60 * S, 300 * S, 5, 0.5);

  final TopologyTestDriver driver;
  private final TestInputTopic<String, CorrelationInput> input;
  private final TestInputTopic<String, TopologyEvent> topology;
  private final TestOutputTopic<String, Incident> incidents;
  final List<Incident> published = new ArrayList<>();

  CorrelatorFixture(Path stateDir) {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    AvroSerde<CorrelationInput> inputSerde = AvroSerde.forClass(registry, CorrelationInput.class);
    StreamsBuilder builder = new StreamsBuilder();
    RootCauseAnalyzer analyzer = new RootCauseAnalyzer();
    CorrelationStage.build(builder,
        builder.stream(INPUT, Consumed.with(Serdes.String(), inputSerde).withName("test-input")),
        SETTINGS, registry, analyzer::analyze);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "api-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(builder.build(props), props);
    input = driver.createInputTopic(INPUT, Serdes.String().serializer(), inputSerde.serializer());
    topology = driver.createInputTopic(Topics.TOPOLOGY.name(), Serdes.String().serializer(),
        Topics.TOPOLOGY.valueSerde(registry).serializer());
    incidents = driver.createOutputTopic(Topics.INCIDENTS.name(), Serdes.String().deserializer(),
        Topics.INCIDENTS.valueSerde(registry).deserializer());
  }

  /**
   * Two mail/web applications resolving names through one resolver, a third application on a
   * healthy name, and a NIC whose id has a '/' in it.
   */
  CorrelatorFixture dnsEstate() {
    entity("app:mail", EntityKind.APPLICATION).entity("app:web", EntityKind.APPLICATION)
        .entity("app:other", EntityKind.APPLICATION)
        .entity("dns-name:mx", EntityKind.DNS_NAME).entity("dns-name:www", EntityKind.DNS_NAME)
        .entity("dns-name:api", EntityKind.DNS_NAME)
        .entity("dns-resolver:r1", EntityKind.DNS_RESOLVER).entity("nic:esx-01/vmnic0", EntityKind.NIC)
        .depends("app:mail", "dns-name:mx").depends("app:web", "dns-name:www").depends("app:other", "dns-name:api")
        .depends("dns-name:mx", "dns-resolver:r1").depends("dns-name:www", "dns-resolver:r1")
        .depends("dns-name:api", "dns-resolver:r1");
    for (String m : List.of("app:mail", "app:web", "app:other", "dns-name:mx", "dns-name:www", "dns-name:api")) {
      monitored(0, m, T0 - 60 * S);
    }
    return this;
  }

  /** The resolver stops answering: every name on it times out, the applications on two of them fail. */
  CorrelatorFixture resolverDown() {
    raise(0, "dns-name:mx", "dns.timeout", "dns-resolver:r1", T0);
    raise(1, "dns-name:www", "dns.timeout", "dns-resolver:r1", T0 + S);
    raise(0, "dns-name:api", "dns.timeout", "dns-resolver:r1", T0 + S);
    raise(0, "app:mail", "app.ok", null, T0 + 2 * S);
    raise(1, "app:web", "app.ok", null, T0 + 3 * S);
    return watermarkAll(T0 + 60 * S);
  }

  CorrelatorFixture resolverBack() {
    clear(0, "dns-name:mx", "dns.timeout", "dns-resolver:r1", T0 + 100 * S);
    clear(1, "dns-name:www", "dns.timeout", "dns-resolver:r1", T0 + 100 * S);
    clear(0, "dns-name:api", "dns.timeout", "dns-resolver:r1", T0 + 100 * S);
    clear(0, "app:mail", "app.ok", null, T0 + 100 * S);
    clear(1, "app:web", "app.ok", null, T0 + 100 * S);
    return watermarkAll(T0 + 400 * S);
  }

  CorrelatorFixture entity(String id, EntityKind kind) {
    topology.pipeInput(id, TopologyEvent.newBuilder()
        .setEntity(Entity.newBuilder().setId(id).setKind(kind).setLabels(Map.of("site", "a")).build()).build());
    return this;
  }

  CorrelatorFixture depends(String from, String to) {
    topology.pipeInput(from + " -> " + to,
        TopologyEvent.newBuilder().setDependency(new Dependency(from, to)).build());
    return this;
  }

  CorrelatorFixture raise(int partition, String entity, String signal, String related, long at) {
    return symptom(partition, entity, signal, related, SymptomState.RAISED, at);
  }

  CorrelatorFixture clear(int partition, String entity, String signal, String related, long at) {
    return symptom(partition, entity, signal, related, SymptomState.CLEARED, at);
  }

  private CorrelatorFixture symptom(int partition, String entity, String signal, String related, SymptomState state,
      long at) {
    Symptom s = Symptom.newBuilder().setEntity(entity).setSignal(signal).setRelated(related).setState(state)
        .setSeverity(Severity.CRITICAL).setOnset(Instant.ofEpochMilli(at)).setEventTime(Instant.ofEpochMilli(at))
        .setDescription(signal + " abnormal").build();
    return send(CorrelationInput.newBuilder().setUpstreamPartition(partition).setKind(CorrelationInputKind.SYMPTOM)
        .setSymptom(s).setTime(Instant.ofEpochMilli(at)).build());
  }

  CorrelatorFixture monitored(int partition, String entity, long at) {
    return send(CorrelationInput.newBuilder().setUpstreamPartition(partition).setKind(CorrelationInputKind.MONITORED)
        .setEntity(entity).setTime(Instant.ofEpochMilli(at)).build());
  }

  CorrelatorFixture watermarkAll(long at) {
    for (int p = 0; p < SETTINGS.upstreamPartitions(); p++) {
      send(CorrelationInput.newBuilder().setUpstreamPartition(p).setKind(CorrelationInputKind.WATERMARK)
          .setTime(Instant.ofEpochMilli(at)).build());
    }
    return this;
  }

  private CorrelatorFixture send(CorrelationInput in) {
    input.pipeInput("p" + in.getUpstreamPartition(), in, in.getTime().toEpochMilli());
    return this;
  }

  /** Every incident record published so far. */
  List<Incident> incidents() {
    published.addAll(incidents.readValuesToList());
    return published;
  }

  /** The latest published record of each incident, by id. */
  Map<String, Incident> latest() {
    Map<String, Incident> out = new java.util.TreeMap<>();
    incidents().forEach(i -> out.put(i.getId(), i));
    return out;
  }

  /** The correlator's stores, read as the API reads its local stores. */
  StateReader reader() {
    return new StateReader() {
      @Override
      public Optional<JsonNode> get(String store, String key) {
        Object v = kv(store).get(key);
        return v == null ? Optional.empty() : Optional.of(Json.MAPPER.valueToTree(v));
      }

      @Override
      public List<StoreEntry> scan(String store, String prefix) {
        List<StoreEntry> out = new ArrayList<>();
        try (KeyValueIterator<String, Object> it = kv(store).all()) {
          while (it.hasNext()) {
            KeyValue<String, Object> e = it.next();
            if (e.key.startsWith(prefix)) {
              out.add(new StoreEntry(e.key, Json.MAPPER.valueToTree(e.value)));
            }
          }
        }
        return out;
      }

      private KeyValueStore<String, Object> kv(String store) {
        return driver.getKeyValueStore(store);
      }
    };
  }

  @Override
  public void close() {
    driver.close();
  }
}
