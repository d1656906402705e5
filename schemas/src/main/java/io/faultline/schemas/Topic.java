package io.faultline.schemas;

import io.faultline.schemas.registry.SchemaRegistry;
import io.faultline.schemas.serde.AvroSerde;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One topic of the pipeline with everything a client needs to use it: name, key and value
 * types, partitions and cleanup policy. Keys are always UTF-8 strings (an entity or incident id)
 * so consumers in any language can read them without a registry; values are Avro in the
 * Confluent wire format, registered under {@code NAME-value}.
 */
public record Topic<V extends SpecificRecord>(
    String name, Class<V> valueType, int partitions, boolean compacted, String description) {

  public Serde<String> keySerde() {
    return Serdes.String();
  }

  public AvroSerde<V> valueSerde(SchemaRegistry registry) {
    AvroSerde<V> serde = AvroSerde.forClass(registry, valueType);
    serde.configure(Map.of(), false);
    return serde;
  }

  /** The registry subject of the value schema. */
  public String valueSubject() {
    return name + "-value";
  }

  /** Topic-level configs to create it with. */
  public Map<String, String> configs() {
    return compacted
        ? Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "60000")
        : Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
  }
}
