package io.faultline.schemas.serde;

import io.faultline.schemas.config.ConfigException;
import io.faultline.schemas.registry.SchemaRegistries;
import io.faultline.schemas.registry.SchemaRegistry;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A Kafka {@link Deserializer} of Confluent-wire-format Avro into generated Faultline records,
 * configured by properties ({@code schema.registry.url} ...). By default the class is chosen by
 * the writer schema's full name; {@code faultline.avro.value.type} (or {@code faultline.avro.key.type}
 * for keys) names one class to read every record into, through Avro schema resolution, so older
 * and newer writers are read the way the consumer expects. Bad bytes raise
 * {@link WireFormatException}. The wire format is {@link AvroSerde}'s.
 */
public class FaultlineAvroDeserializer implements Deserializer<SpecificRecord> {

  public static final String VALUE_TYPE = "faultline.avro.value.type";
  public static final String KEY_TYPE = "faultline.avro.key.type";

  private SchemaRegistry registry;
  private final boolean ownsRegistry;
  private AvroSerde<? extends SpecificRecord> serde;

  /** For Kafka clients configured by class name: the registry comes from {@link #configure}. */
  public FaultlineAvroDeserializer() {
    this.ownsRegistry = true;
  }

  /** With a registry the caller owns (and closes). */
  public FaultlineAvroDeserializer(SchemaRegistry registry) {
    this.registry = registry;
    this.ownsRegistry = false;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    String typeKey = isKey ? KEY_TYPE : VALUE_TYPE;
    Class<? extends SpecificRecord> type = recordClass(typeKey, configs.get(typeKey));
    if (registry == null) {
      registry = SchemaRegistries.fromConfig(configs);
    }
    serde = type == null ? new AvroSerde<>(registry, null, false) : AvroSerde.forClassNoRegister(registry, type);
    serde.configure(configs, isKey);
  }

  private static Class<? extends SpecificRecord> recordClass(String key, Object value) {
    if (value == null || String.valueOf(value).isBlank()) {
      return null;
    }
    Class<?> cls;
    if (value instanceof Class<?> c) {
      cls = c;
    } else {
      try {
        cls = Class.forName(String.valueOf(value).trim(), true, Thread.currentThread().getContextClassLoader() != null
            ? Thread.currentThread().getContextClassLoader() : FaultlineAvroDeserializer.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new ConfigException("'" + key + "': no class " + value);
      }
    }
    if (!SpecificRecord.class.isAssignableFrom(cls)) {
      throw new ConfigException("'" + key + "': " + cls.getName() + " is not a generated Avro record class");
    }
    return cls.asSubclass(SpecificRecord.class);
  }

  @Override
  public SpecificRecord deserialize(String topic, byte[] data) {
    if (serde == null) {
      throw new IllegalStateException("FaultlineAvroDeserializer used before configure()");
    }
    return serde.deserialize(topic, data);
  }

  @Override
  public void close() {
    if (ownsRegistry && registry != null) {
      registry.close();
    }
  }
}
