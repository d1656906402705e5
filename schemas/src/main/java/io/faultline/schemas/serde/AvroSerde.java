package io.faultline.schemas.serde;

import io.faultline.schemas.registry.SchemaNotFoundException;
import io.faultline.schemas.registry.SchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro values in the Confluent wire format: magic byte 0, the writer schema's 4-byte big-endian
 * registry id, then Avro binary. Subjects follow the topic-name strategy ({@code TOPIC-value},
 * {@code TOPIC-key}), so any Confluent-compatible client in any language reads what we write.
 *
 * <p>With a record class, records are read into that class through Avro schema resolution (an
 * older or newer writer schema is fine while compatible). Without one ({@link #anySpecific}), the
 * class is chosen by the writer schema's full name, which lets one source read several topics.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

  static final byte MAGIC_BYTE = 0;
  static final int HEADER_SIZE = 5;

  private final SchemaRegistry registry;
  private final Class<T> type;
  private final boolean autoRegister;
  private volatile boolean isKey;

  private final Map<String, Integer> idBySubject = new ConcurrentHashMap<>();
  private final Map<Schema, SpecificDatumWriter<T>> writerBySchema = new ConcurrentHashMap<>();
  private final Map<Integer, DatumReader<Object>> readerById = new ConcurrentHashMap<>();

  AvroSerde(SchemaRegistry registry, Class<T> type, boolean autoRegister) {
    this.registry = registry;
    this.type = type;
    this.autoRegister = autoRegister;
  }

  /** A value serde for one record class that registers its schema on first write. */
  public static <T extends SpecificRecord> AvroSerde<T> forClass(SchemaRegistry registry, Class<T> type) {
    return new AvroSerde<>(registry, type, true);
  }

  /**
   * A value serde for one record class that only looks its schema up: a producer that must not
   * change the registry (registration done by deployment).
   */
  public static <T extends SpecificRecord> AvroSerde<T> forClassNoRegister(SchemaRegistry registry, Class<T> type) {
    return new AvroSerde<>(registry, type, false);
  }

  /** A serde reading any generated record class, chosen by the writer schema's name. */
  public static AvroSerde<SpecificRecord> anySpecific(SchemaRegistry registry) {
    return new AvroSerde<>(registry, null, true);
  }

  /** The record class values are read into, or null when chosen by the writer schema's name. */
  public Class<T> type() {
    return type;
  }

  public boolean isKey() {
    return isKey;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.isKey = isKey;
  }

  @Override
  public Serializer<T> serializer() {
    return new Serializer<>() {
      @Override
      public void configure(Map<String, ?> configs, boolean key) {
        isKey = key;
      }

      @Override
      public byte[] serialize(String topic, T record) {
        return AvroSerde.this.serialize(topic, record);
      }
    };
  }

  @Override
  public Deserializer<T> deserializer() {
    return new Deserializer<>() {
      @Override
      public void configure(Map<String, ?> configs, boolean key) {
        isKey = key;
      }

      @Override
      public T deserialize(String topic, byte[] data) {
        return AvroSerde.this.deserialize(topic, data);
      }
    };
  }

  /** The registry subject a topic's records of this serde are registered under. */
  public String subject(String topic) {
    return topic + (isKey ? "-key" : "-value");
  }

  public byte[] serialize(String topic, T record) {
    if (record == null) {
      return null;
    }
    Schema schema = record.getSchema();
    String subject = subject(topic);
    // Outside computeIfAbsent: a registry round trip must not block other keys of the map.
    String key = subject + '\u0000' + schema.getFullName();
    Integer id = idBySubject.get(key);
    if (id == null) {
      id = schemaId(subject, schema);
      idBySubject.put(key, id);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    out.write(MAGIC_BYTE);
    out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      writerBySchema.computeIfAbsent(schema, SpecificDatumWriter::new).write(record, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new WireFormatException("cannot encode " + schema.getFullName() + " for " + topic + ": " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  private int schemaId(String subject, Schema schema) {
    if (autoRegister) {
      return registry.register(subject, schema);
    }
    return registry.lookup(subject, schema).orElseThrow(() -> new SchemaNotFoundException(
        "schema " + schema.getFullName() + " is not registered under subject " + subject));
  }

  @SuppressWarnings("unchecked")
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (data.length < HEADER_SIZE) {
      throw new WireFormatException("truncated record on " + topic + ": " + data.length
          + " bytes, the wire format needs at least " + HEADER_SIZE);
    }
    if (data[0] != MAGIC_BYTE) {
      throw new WireFormatException(String.format(
          "wrong magic byte 0x%02x on %s: not Confluent wire format (expected 0x00)", data[0] & 0xff, topic));
    }
    int id = ByteBuffer.wrap(data, 1, 4).getInt();
    DatumReader<Object> reader = readerById.get(id);
    if (reader == null) {
      reader = readerFor(id, topic);
      readerById.put(id, reader);
    }
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, HEADER_SIZE, data.length - HEADER_SIZE, null);
    Object value;
    try {
      value = reader.read(null, decoder);
    } catch (IOException | RuntimeException e) {
      String why = e instanceof java.io.EOFException ? "payload ends early"
          : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new WireFormatException("corrupt or truncated Avro payload on " + topic + " (schema id " + id + ", "
          + (data.length - HEADER_SIZE) + " payload bytes): " + why, e);
    }
    try {
      if (!decoder.isEnd()) {
        throw new WireFormatException("trailing bytes after the Avro payload on " + topic + " (schema id " + id
            + "): the record ends before byte " + (data.length - remaining(decoder)) + " of " + data.length);
      }
    } catch (IOException e) {
      throw new WireFormatException("cannot read payload on " + topic + ": " + e.getMessage(), e);
    }
    if (type != null && !type.isInstance(value)) {
      throw new WireFormatException("record on " + topic + " is " + value.getClass().getName() + ", expected " + type.getName());
    }
    return (T) value;
  }

  private static int remaining(BinaryDecoder decoder) {
    try {
      return decoder.inputStream().available();
    } catch (IOException e) {
      return 0;
    }
  }

  private DatumReader<Object> readerFor(int id, String topic) {
    Schema writer;
    try {
      writer = registry.schemaById(id);
    } catch (SchemaNotFoundException e) {
      throw new WireFormatException("unknown schema id " + id + " on " + topic + ": the registry has no such schema", e);
    }
    Schema readerSchema = type != null ? SpecificData.get().getSchema(type) : readerSchemaByName(writer, id);
    // Schema resolution fails lazily, on the first read; checking here gives the real reason
    // instead of an error that looks like a corrupt payload.
    SchemaCompatibility.SchemaPairCompatibility compat =
        SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
    if (compat.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      throw new WireFormatException("schema id " + id + " (" + writer.getFullName() + ") on " + topic
          + " cannot be read as " + readerSchema.getFullName() + ": " + describe(compat));
    }
    try {
      return new SpecificDatumReader<>(writer, readerSchema);
    } catch (AvroRuntimeException e) {
      throw new WireFormatException("schema id " + id + " cannot be read as " + readerSchema.getFullName() + ": " + e.getMessage(), e);
    }
  }

  private static String describe(SchemaCompatibility.SchemaPairCompatibility compat) {
    return String.join("; ", compat.getResult().getIncompatibilities().stream()
        .map(i -> i.getType() + " at " + i.getLocation() + (i.getMessage() == null ? "" : " (" + i.getMessage() + ")"))
        .toList());
  }

  private static Schema readerSchemaByName(Schema writer, int id) {
    Class<?> cls = SpecificData.get().getClass(writer);
    if (cls == null || !SpecificRecord.class.isAssignableFrom(cls)) {
      throw new WireFormatException("schema id " + id + " (" + writer.getFullName() + ") is no Faultline record type");
    }
    return SpecificData.get().getSchema(cls);
  }
}
