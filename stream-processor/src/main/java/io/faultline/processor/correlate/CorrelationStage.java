package io.faultline.processor.correlate;

import io.faultline.correlation.Incident;
import io.faultline.correlation.RootCauseCandidate;
import io.faultline.internal.CorrelationInput;
import io.faultline.internal.CorrelationInputKind;
import io.faultline.schemas.Topics;
import io.faultline.schemas.registry.SchemaRegistry;
import io.faultline.schemas.serde.AvroSerde;
import io.faultline.topology.TopologyEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Stage B: every detection task's output and the topology topic meet in ONE task, which owns the
 * whole graph and all active symptoms, so root causes are ranked over the complete picture.
 * That task is small work (symptom changes and watermarks, not raw samples), which is why one
 * partition is enough.
 */
public final class CorrelationStage {

  /** Key of every record on the single-partition correlation input. */
  public static final String CORRELATION_KEY = "correlation";

  public static final String KEY_NODE = "correlation-input-key";
  public static final String REPARTITION = "correlation-input";
  public static final String TOPOLOGY_SOURCE = "topology-source";
  public static final String TOPOLOGY_AS_INPUT = "topology-as-correlation-input";
  public static final String MERGE = "correlation-merge";
  public static final String CORRELATOR = "correlator";
  public static final String OUTPUT_SPLIT = "correlator-output-";
  public static final String INCIDENTS_BRANCH = "incidents";
  public static final String CANDIDATES_BRANCH = "candidates";
  public static final String INCIDENTS_SINK = "incidents-sink";
  public static final String CANDIDATES_SINK = "candidates-sink";

  public static final String TOPOLOGY_STORE = "correlator-topology";
  public static final String PENDING_STORE = "correlator-pending";
  public static final String SYMPTOM_STORE = "correlator-symptoms";
  public static final String MONITORED_STORE = "correlator-monitored";
  public static final String WATERMARK_STORE = "correlator-watermarks";
  public static final String INCIDENT_STORE = "correlator-incidents";
  public static final String PROGRESS_STORE = "correlator-progress";

  public static final Set<String> STORES = Set.of(TOPOLOGY_STORE, PENDING_STORE, SYMPTOM_STORE, MONITORED_STORE,
      WATERMARK_STORE, INCIDENT_STORE, PROGRESS_STORE);

  private CorrelationStage() {}

  /** Wires stage B onto {@code input} (the detection stage's output) and the topology topic. */
  public static void build(StreamsBuilder builder, KStream<String, CorrelationInput> input,
      CorrelationSettings settings, SchemaRegistry registry, Analyzer analyzer) {
    Serde<CorrelationInput> inputSerde = serde(registry, CorrelationInput.class);
    KStream<String, CorrelationInput> single = input
        .selectKey((k, v) -> CORRELATION_KEY, Named.as(KEY_NODE))
        .repartition(Repartitioned.<String, CorrelationInput>as(REPARTITION)
            .withKeySerde(Serdes.String())
            .withValueSerde(inputSerde)
            .withNumberOfPartitions(1));

    KStream<String, CorrelationInput> topology = builder
        .stream(Topics.TOPOLOGY.name(), Consumed.with(Topics.TOPOLOGY.keySerde(), Topics.TOPOLOGY.valueSerde(registry))
            .withName(TOPOLOGY_SOURCE))
        .filter((k, v) -> v != null, Named.as(TOPOLOGY_SOURCE + "-drop-tombstones"))
        .mapValues(CorrelationStage::asInput, Named.as(TOPOLOGY_AS_INPUT));

    KStream<String, SpecificRecord> out = single
        .merge(topology, Named.as(MERGE))
        .process(new CorrelatorSupplier(settings, analyzer), Named.as(CORRELATOR));

    out.split(Named.as(OUTPUT_SPLIT))
        .branch((k, v) -> v instanceof Incident, Branched.withConsumer(s -> s
            .mapValues(v -> (Incident) v, Named.as("as-incident"))
            .to(Topics.INCIDENTS.name(), Produced.with(Topics.INCIDENTS.keySerde(), Topics.INCIDENTS.valueSerde(registry))
                .withName(INCIDENTS_SINK)), INCIDENTS_BRANCH))
        .branch((k, v) -> v instanceof RootCauseCandidate, Branched.withConsumer(s -> s
            .mapValues(v -> (RootCauseCandidate) v, Named.as("as-candidate"))
            .to(Topics.CANDIDATES.name(), Produced.with(Topics.CANDIDATES.keySerde(),
                Topics.CANDIDATES.valueSerde(registry)).withName(CANDIDATES_SINK)), CANDIDATES_BRANCH))
        .noDefaultBranch();
  }

  /** A topology change as correlation input; the changes of one task carry upstream partition -1. */
  static CorrelationInput asInput(TopologyEvent event) {
    Instant time = event.getEventTime() != null ? event.getEventTime() : Instant.EPOCH;
    return CorrelationInput.newBuilder()
        .setUpstreamPartition(-1)
        .setKind(CorrelationInputKind.TOPOLOGY)
        .setTopology(event)
        .setTime(time)
        .build();
  }

  private static <T extends SpecificRecord> Serde<T> serde(SchemaRegistry registry, Class<T> type) {
    AvroSerde<T> serde = AvroSerde.forClass(registry, type);
    serde.configure(Map.of(), false);
    return serde;
  }

  private static final class CorrelatorSupplier
      implements ProcessorSupplier<String, CorrelationInput, String, SpecificRecord> {
    private final CorrelationSettings settings;
    private final Analyzer analyzer;

    CorrelatorSupplier(CorrelationSettings settings, Analyzer analyzer) {
      this.settings = settings;
      this.analyzer = analyzer;
    }

    @Override
    public Processor<String, CorrelationInput, String, SpecificRecord> get() {
      return new Correlator(settings, analyzer);
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
      return Set.of(
          store(TOPOLOGY_STORE, StateRecords.TopologyChange.class),
          store(PENDING_STORE, StateRecords.PendingChange.class),
          store(SYMPTOM_STORE, StateRecords.SymptomState.class),
          store(MONITORED_STORE, Long.class),
          store(WATERMARK_STORE, StateRecords.WatermarkState.class),
          store(INCIDENT_STORE, StateRecords.IncidentState.class),
          store(PROGRESS_STORE, StateRecords.Progress.class));
    }

    private static <V> StoreBuilder<?> store(String name, Class<V> type) {
      return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), new JsonSerde<>(type));
    }
  }
}
