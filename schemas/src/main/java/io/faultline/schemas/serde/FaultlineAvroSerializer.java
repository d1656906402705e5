package io.faultline.schemas.serde;

import io.faultline.schemas.registry.SchemaRegistries;
import io.faultline.schemas.registry.SchemaRegistry;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serializer} for any generated Faultline record, configured by properties like
 * Confluent's {@code KafkaAvroSerializer}: {@code value.serializer=io.faultline.schemas.serde.FaultlineAvroSerializer}
 * plus {@code schema.registry.url} (and the other keys of {@code schemas/README.md}).
 * {@code auto.register.schemas=false} makes it only look schemas up (registration is then left
 * to {@link io.faultline.schemas.SchemaBootstrap}). The wire format is {@link AvroSerde}'s.
 */
public class FaultlineAvroSerializer implements Serializer<SpecificRecord> {

  public static final String AUTO_REGISTER = "auto.register.schemas";

  private SchemaRegistry registry;
  private final boolean ownsRegistry;
  private AvroSerde<SpecificRecord> serde;

  /** For Kafka clients configured by class name: the registry comes from {@link #configure}. */
  public FaultlineAvroSerializer() {
    this.ownsRegistry = true;
  }

  /** With a registry the caller owns (and closes). */
  public FaultlineAvroSerializer(SchemaRegistry registry) {
    this.registry = registry;
    this.ownsRegistry = false;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (registry == null) {
      registry = SchemaRegistries.fromConfig(configs);
    }
    Object auto = configs.get(AUTO_REGISTER);
    boolean autoRegister = auto == null || Boolean.parseBoolean(String.valueOf(auto).trim());
    serde = new AvroSerde<>(registry, null, autoRegister);
    serde.configure(configs, isKey);
  }

  @Override
  public byte[] serialize(String topic, SpecificRecord data) {
    if (serde == null) {
      throw new IllegalStateException("FaultlineAvroSerializer used before configure()");
    }
    return serde.serialize(topic, data);
  }

  @Override
  public void close() {
    if (ownsRegistry && registry != null) {
      registry.close();
    }
  }
}
