package io.faultline.processor.detect;

import io.faultline.internal.CorrelationInput;
import io.faultline.internal.CorrelationInputKind;
import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import io.faultline.schemas.registry.SchemaRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Stage A of the engine: symptom detection, one task per telemetry partition.
 *
 * <pre>
 * 7 telemetry topics (bytes) -> detect-reorder -> detect-dead-letter-bytes -> faultline.dead-letter
 *                                              -> detect-symptom-detector
 *   detect-symptom-detector -> detect-symptoms-only -> faultline.symptoms
 *                           -> (returned) CorrelationInput stream for the correlation stage
 * </pre>
 *
 * The source reads raw bytes and the reorder processor decodes them, so a record that cannot be
 * decoded reaches the dead-letter topic with its original key, value and headers and the stream
 * goes on (no deserialization exception handler is involved for telemetry).
 */
public final class DetectionStage {

  public static final String SOURCE = "detect-telemetry-source";
  public static final String REORDER = "detect-reorder";
  public static final String DETECTOR = "detect-symptom-detector";
  public static final String DEAD_LETTER_BYTES = "detect-dead-letter-bytes";
  public static final String DEAD_LETTER_SINK = "detect-dead-letter-sink";
  public static final String SYMPTOMS_SINK = "detect-symptoms-sink";

  public static final String REORDER_BUFFER_STORE = "detect-reorder-buffer";
  public static final String REORDER_META_STORE = "detect-reorder-meta";
  public static final String STATE_STORE = "detect-state";

  /** Up to this grace the reorder buffer is an in-memory store (changelogged); above it, RocksDB. */
  public static final Duration IN_MEMORY_BUFFER_MAX_GRACE = Duration.ofMinutes(1);

  /** Metric group of the stage's own metrics ({@code dead-letter-total{task-id,reason}}). */
  public static final String METRICS_GROUP = "faultline-detect-metrics";

  private DetectionStage() {}

  /** Adds the detection stage; returns the stream of CorrelationInput (key: entity or "") for the correlation stage. */
  public static KStream<String, CorrelationInput> build(StreamsBuilder builder, DetectionSettings settings,
                                                        SchemaRegistry registry) {
    // The buffer holds about grace x input rate records. Live (grace of a second or so) that is a few
    // thousand: they are held in memory and logged in segments (SegmentedReorderBuffer), a few changelog
    // records per thousand samples. A replay's hour of grace can hold a whole recording: one RocksDB entry
    // per record (StoreReorderBuffer). Either way it is changelogged, so a moved task resumes with its buffer.
    KeyValueBytesStoreSupplier buffer = inMemoryBuffer(settings)
        ? Stores.inMemoryKeyValueStore(REORDER_BUFFER_STORE) : Stores.persistentKeyValueStore(REORDER_BUFFER_STORE);
    // Under PreCommitStore: the reorder processor writes its open segment and its watermarks once per commit.
    builder.addStateStore(PreCommitStore.builder(persistent(REORDER_BUFFER_STORE, Stores.keyValueStoreBuilder(
        buffer, Serdes.Bytes(), Serdes.ByteArray()))));
    builder.addStateStore(PreCommitStore.builder(persistent(REORDER_META_STORE, Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(REORDER_META_STORE), Serdes.String(), Serdes.Long()))));
    // One value per entity (EntityState), written once per sample. Not cached: an entity reports about
    // once a second and a commit comes every 100 ms, so a cache would merge almost no writes and only
    // add its own lookups and flushes; the silence index is derived from these values, in memory.
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(STATE_STORE), Serdes.String(), Serdes.ByteArray())
        .withLoggingEnabled(Map.of()).withCachingDisabled());

    List<String> topics = Topics.TELEMETRY.stream().map(Topic::name).toList();
    KStream<byte[], byte[]> telemetry = builder.stream(topics,
        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(SOURCE));

    // The reorder processor forwards each event to the child it is for, by name (DEAD_LETTER_BYTES or
    // DETECTOR): a split() would add a node and a predicate to the path of every sample.
    KStream<String, DetectionEvent> reordered = telemetry
        .process(() -> new ReorderBufferProcessor(settings, registry), Named.as(REORDER),
            REORDER_BUFFER_STORE, REORDER_META_STORE);

    reordered
        .map((k, v) -> {
          DetectionEvent.DeadLetter d = (DetectionEvent.DeadLetter) v;
          return KeyValue.pair(d.key(), d.value());
        }, Named.as(DEAD_LETTER_BYTES))
        .to(Topics.DEAD_LETTER, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(DEAD_LETTER_SINK));

    KStream<String, CorrelationInput> toCorrelation = reordered
        .process(() -> new SymptomDetectorProcessor(settings), Named.as(DETECTOR),
            STATE_STORE);

    toCorrelation
        .filter((k, v) -> v.getKind() == CorrelationInputKind.SYMPTOM, Named.as("detect-symptoms-only"))
        .mapValues(CorrelationInput::getSymptom, Named.as("detect-symptom-value"))
        .to(Topics.SYMPTOMS.name(), Produced.with(Topics.SYMPTOMS.keySerde(), Topics.SYMPTOMS.valueSerde(registry))
            .withName(SYMPTOMS_SINK));
    return toCorrelation;
  }

  /** Whether the grace is short enough for {@link SegmentedReorderBuffer} (else {@link StoreReorderBuffer}). */
  static boolean inMemoryBuffer(DetectionSettings settings) {
    return settings.grace().compareTo(IN_MEMORY_BUFFER_MAX_GRACE) <= 0;
  }

  private static <K, V> StoreBuilder<KeyValueStore<K, V>> persistent(String name, StoreBuilder<KeyValueStore<K, V>> b) {
    // Changelogged so a task restored elsewhere resumes with its buffer. Cached: a segment written when it
    // closes and deleted soon after, and replay's per-record buffer entries, reach the changelog once per
    // commit at most (or never, if deleted before it).
    return b.withLoggingEnabled(Map.of()).withCachingEnabled();
  }
}
