package io.faultline.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.schemas.SampleRecords;
import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import io.faultline.schemas.config.ConfigException;
import io.faultline.schemas.registry.InMemorySchemaRegistry;
import io.faultline.schemas.registry.SchemaNotFoundException;
import io.faultline.telemetry.DnsRcode;
import io.faultline.telemetry.DnsSample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeTest {

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

  static Stream<SpecificRecord> everyRecordType() {
    return SampleRecords.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyRecordType")
  @SuppressWarnings({"unchecked", "rawtypes"})
  void shouldRoundTripEveryRecordTypeWhenReadIntoItsClass(SpecificRecord record) {
    AvroSerde serde = AvroSerde.forClass(registry, record.getClass());
    byte[] bytes = serde.serialize("t", record);

    assertEquals(0, bytes[0], "magic byte");
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    assertEquals(record.getSchema(), registry.schemaById(id));
    assertEquals(record, serde.deserialize("t", bytes));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyRecordType")
  void shouldRoundTripEveryRecordTypeWhenClassChosenByWriterSchemaName(SpecificRecord record) {
    AvroSerde<SpecificRecord> serde = AvroSerde.anySpecific(registry);
    SpecificRecord back = serde.deserialize("t", serde.serialize("t", record));
    assertEquals(record.getClass(), back.getClass());
    assertEquals(record, back);
  }

  @Test
  void shouldCoverEveryTopicValueTypeWhenRoundTripping() {
    Set<Class<?>> sampled = new HashSet<>();
    SampleRecords.all().forEach(r -> sampled.add(r.getClass()));
    for (Topic<?> topic : Topics.ALL) {
      assertTrue(sampled.contains(topic.valueType()), "no sample of " + topic.valueType().getSimpleName());
    }
  }

  @Test
  void shouldRegisterUnderTopicValueSubjectWhenUsingTopicSerde() {
    byte[] bytes = Topics.DNS.valueSerde(registry).serialize(Topics.DNS.name(), SampleRecords.dns());
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    assertEquals(id, registry.lookup("faultline.telemetry.dns-value", DnsSample.getClassSchema()).orElseThrow());
    assertEquals(List.of("faultline.telemetry.dns-value"), registry.subjects());
  }

  @Test
  void shouldUseKeySubjectWhenConfiguredAsKey() {
    AvroSerde<DnsSample> serde = AvroSerde.forClass(registry, DnsSample.class);
    serde.configure(Map.of(), true);
    serde.serialize("topic", SampleRecords.dns());
    assertEquals(List.of("topic-key"), registry.subjects());
  }

  @Test
  void shouldPassNullThroughWhenRecordIsNull() {
    AvroSerde<DnsSample> serde = AvroSerde.forClass(registry, DnsSample.class);
    assertNull(serde.serialize("t", null));
    assertNull(serde.deserialize("t", null));
  }

  @Test
  void shouldRefuseToWriteWhenSchemaNotRegisteredAndAutoRegisterOff() {
    AvroSerde<DnsSample> serde = AvroSerde.forClassNoRegister(registry, DnsSample.class);
    SchemaNotFoundException e = assertThrows(SchemaNotFoundException.class, () -> serde.serialize("t", SampleRecords.dns()));
    assertTrue(e.getMessage().contains("not registered under subject t-value"), e.getMessage());

    registry.register("t-value", DnsSample.getClassSchema());
    assertEquals(SampleRecords.dns(), serde.deserialize("t", serde.serialize("t", SampleRecords.dns())));
  }

  // --- bad bytes -------------------------------------------------------------------------------

  private byte[] goodBytes() {
    return AvroSerde.forClass(registry, DnsSample.class).serialize("t", SampleRecords.dns());
  }

  private WireFormatException badBytes(byte[] data) {
    AvroSerde<DnsSample> serde = AvroSerde.forClass(registry, DnsSample.class);
    return assertThrows(WireFormatException.class, () -> serde.deserialize("faultline.telemetry.dns", data));
  }

  @Test
  void shouldSayWrongMagicByteWhenFirstByteIsNotZero() {
    byte[] data = goodBytes();
    data[0] = 0x7b; // '{': a JSON producer on the topic
    WireFormatException e = badBytes(data);
    assertEquals("wrong magic byte 0x7b on faultline.telemetry.dns: not Confluent wire format (expected 0x00)", e.getMessage());
  }

  @Test
  void shouldSayUnknownSchemaIdWhenRegistryHasNoSuchId() {
    byte[] data = goodBytes();
    ByteBuffer.wrap(data, 1, 4).putInt(4242);
    WireFormatException e = badBytes(data);
    assertTrue(e.getMessage().startsWith("unknown schema id 4242 on faultline.telemetry.dns"), e.getMessage());
  }

  @Test
  void shouldSayTruncatedWhenShorterThanHeader() {
    WireFormatException e = badBytes(new byte[] {0, 0, 1});
    assertEquals("truncated record on faultline.telemetry.dns: 3 bytes, the wire format needs at least 5", e.getMessage());
    assertTrue(badBytes(new byte[0]).getMessage().contains("0 bytes"));
  }

  @Test
  void shouldSayTruncatedPayloadWhenBytesAreMissing() {
    byte[] good = goodBytes();
    WireFormatException e = badBytes(Arrays.copyOf(good, good.length - 3));
    assertTrue(e.getMessage().startsWith("corrupt or truncated Avro payload on faultline.telemetry.dns"), e.getMessage());
    assertTrue(e.getMessage().contains("payload ends early"), e.getMessage());
  }

  @Test
  void shouldSayCorruptWhenALengthIsAbsurd() {
    byte[] good = goodBytes();
    byte[] data = Arrays.copyOf(good, 12);
    // the first field is a string: its zig-zag varint length becomes about 2^34 bytes
    byte[] hugeLength = {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f};
    System.arraycopy(hugeLength, 0, data, 5, hugeLength.length);
    WireFormatException e = badBytes(data);
    assertTrue(e.getMessage().startsWith("corrupt or truncated Avro payload on faultline.telemetry.dns (schema id "),
        e.getMessage());
  }

  @Test
  void shouldSayTrailingBytesWhenPayloadHasExtraBytes() {
    byte[] good = goodBytes();
    byte[] data = Arrays.copyOf(good, good.length + 2);
    WireFormatException e = badBytes(data);
    assertTrue(e.getMessage().startsWith("trailing bytes after the Avro payload on faultline.telemetry.dns"), e.getMessage());
    assertTrue(e.getMessage().endsWith("before byte " + good.length + " of " + data.length), e.getMessage());
  }

  @Test
  void shouldSayWhichTypeWhenWriterSchemaIsNoFaultlineRecord() {
    Schema foreign = SchemaBuilder.record("Thing").namespace("com.example").fields().requiredString("x").endRecord();
    byte[] data = wire(registry.register("t-value", foreign), foreign, new GenericRecordBuilder(foreign).set("x", "y").build());
    WireFormatException e = assertThrows(WireFormatException.class, () -> AvroSerde.anySpecific(registry).deserialize("t", data));
    assertTrue(e.getMessage().contains("(com.example.Thing) is no Faultline record type"), e.getMessage());
  }

  // --- schema resolution -------------------------------------------------------------------------

  /** DnsSample as a first version might have had it: no probe, no interval, fewer rcodes. */
  private static final Schema DNS_V1 = new Schema.Parser().parse("""
      {"type":"record","name":"DnsSample","namespace":"io.faultline.telemetry","fields":[
        {"name":"entity","type":"string"},
        {"name":"eventTime","type":{"type":"long","logicalType":"timestamp-millis"}},
        {"name":"resolver","type":"string"},
        {"name":"rcode","type":{"type":"enum","name":"DnsRcode","symbols":["NOERROR","NXDOMAIN","SERVFAIL","TIMEOUT"]}},
        {"name":"latencyMs","type":"double"}]}""");

  @Test
  void shouldReadOlderWriterSchemaIntoCurrentClassWithDefaults() {
    GenericRecord old = new GenericRecordBuilder(DNS_V1).set("entity", "dns-name:a").set("eventTime", SampleRecords.T.toEpochMilli())
        .set("resolver", "dns-resolver:10.0.0.53").set("rcode", new GenericData.EnumSymbol(DNS_V1.getField("rcode").schema(), "SERVFAIL"))
        .set("latencyMs", 12.5).build();
    byte[] data = wire(registry.register("t-value", DNS_V1), DNS_V1, old);

    DnsSample read = AvroSerde.forClass(registry, DnsSample.class).deserialize("t", data);

    assertEquals(DnsSample.newBuilder().setEntity("dns-name:a").setEventTime(SampleRecords.T.truncatedTo(java.time.temporal.ChronoUnit.MILLIS))
        .setProbe(null).setIntervalMs(10000).setResolver("dns-resolver:10.0.0.53").setRcode(DnsRcode.SERVFAIL)
        .setLatencyMs(12.5).build(), read);
  }

  @Test
  void shouldReadUnknownEnumSymbolOfNewerWriterAsDefault() {
    Schema v3 = new Schema.Parser().parse(DnsSample.getClassSchema().toString()
        .replace("\"OTHER\"]", "\"OTHER\",\"BADVERS\"]")
        .replace("{\"name\":\"latencyMs\"", "{\"name\":\"edns\",\"type\":\"boolean\",\"default\":false},{\"name\":\"latencyMs\""));
    GenericRecord newer = new GenericRecordBuilder(v3).set("entity", "dns-name:a").set("eventTime", 1L).set("probe", null)
        .set("intervalMs", 10000).set("resolver", "dns-resolver:r").set("rcode", new GenericData.EnumSymbol(v3.getField("rcode").schema(), "BADVERS"))
        .set("edns", true).set("latencyMs", 1.0).build();
    DnsSample read = AvroSerde.forClass(registry, DnsSample.class).deserialize("t", wire(registry.register("v3", v3), v3, newer));
    assertEquals(DnsRcode.OTHER, read.getRcode());
    assertEquals(1.0, read.getLatencyMs());
  }

  @Test
  void shouldExplainWhenWriterSchemaCannotBeResolved() {
    Schema bad = new Schema.Parser().parse(DNS_V1.toString().replace("\"name\":\"latencyMs\",\"type\":\"double\"",
        "\"name\":\"latencyMs\",\"type\":\"string\""));
    byte[] data = wire(registry.register("other", bad), bad, new GenericRecordBuilder(bad).set("entity", "e").set("eventTime", 1L)
        .set("resolver", "r").set("rcode", new GenericData.EnumSymbol(bad.getField("rcode").schema(), "TIMEOUT"))
        .set("latencyMs", "slow").build());
    WireFormatException e = assertThrows(WireFormatException.class,
        () -> AvroSerde.forClass(registry, DnsSample.class).deserialize("t", data));
    assertTrue(e.getMessage().contains("cannot be read as io.faultline.telemetry.DnsSample"), e.getMessage());
    assertTrue(e.getMessage().contains("/fields/"), e.getMessage());
  }

  // --- Kafka Serializer / Deserializer ---------------------------------------------------------

  @Test
  void shouldRoundTripThroughKafkaSerializerClassesWhenConfiguredWithValueType() {
    try (FaultlineAvroSerializer ser = new FaultlineAvroSerializer(registry);
        FaultlineAvroDeserializer des = new FaultlineAvroDeserializer(registry)) {
      ser.configure(Map.of(), false);
      des.configure(Map.of(FaultlineAvroDeserializer.VALUE_TYPE, DnsSample.class.getName()), false);
      byte[] bytes = ser.serialize("faultline.telemetry.dns", SampleRecords.dns());
      assertEquals(SampleRecords.dns(), des.deserialize("faultline.telemetry.dns", bytes));
      assertEquals(List.of("faultline.telemetry.dns-value"), registry.subjects());
      // one code path: the same bytes as AvroSerde
      assertArrayEquals(bytes, Topics.DNS.valueSerde(registry).serialize("faultline.telemetry.dns", SampleRecords.dns()));
    }
  }

  @Test
  void shouldNotRegisterWhenAutoRegisterIsFalse() {
    try (FaultlineAvroSerializer ser = new FaultlineAvroSerializer(registry)) {
      ser.configure(Map.of(FaultlineAvroSerializer.AUTO_REGISTER, "false"), false);
      assertThrows(SchemaNotFoundException.class, () -> ser.serialize("t", SampleRecords.dns()));
      assertEquals(List.of(), registry.subjects());
    }
  }

  @Test
  void shouldRefuseConfigWhenValueTypeIsNoRecordClass() {
    try (FaultlineAvroDeserializer des = new FaultlineAvroDeserializer(registry)) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> des.configure(Map.of(FaultlineAvroDeserializer.VALUE_TYPE, "java.lang.String"), false));
      assertEquals("'faultline.avro.value.type': java.lang.String is not a generated Avro record class", e.getMessage());
      e = assertThrows(ConfigException.class,
          () -> des.configure(Map.of(FaultlineAvroDeserializer.VALUE_TYPE, "io.faultline.Nope"), false));
      assertEquals("'faultline.avro.value.type': no class io.faultline.Nope", e.getMessage());
    }
  }

  @Test
  void shouldRequireRegistryUrlWhenConfiguredByProperties() {
    try (FaultlineAvroSerializer ser = new FaultlineAvroSerializer()) {
      ConfigException e = assertThrows(ConfigException.class, () -> ser.configure(Map.of("bootstrap.servers", "x:9092"), false));
      assertTrue(e.getMessage().startsWith("missing 'schema.registry.url'"), e.getMessage());
    }
  }

  /** Confluent wire format written by hand (not by AvroSerde), so the reader is tested against the spec. */
  static byte[] wire(int id, Schema schema, GenericRecord record) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(0);
      out.write(ByteBuffer.allocate(4).putInt(id).array());
      BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
      new GenericDatumWriter<GenericRecord>(schema).write(record, enc);
      enc.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Avro's GenericRecordBuilder, named to keep the test readable. */
  static final class GenericRecordBuilder {
    private final GenericData.Record record;

    GenericRecordBuilder(Schema schema) {
      record = new GenericData.Record(schema);
    }

    GenericRecordBuilder set(String field, Object value) {
      record.put(field, value);
      return this;
    }

    GenericRecord build() {
      return record;
    }
  }
}
