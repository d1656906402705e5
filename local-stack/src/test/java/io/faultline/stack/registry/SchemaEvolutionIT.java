package io.faultline.stack.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.schemas.SchemaBootstrap;
import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import io.faultline.schemas.registry.IncompatibleSchemaException;
import io.faultline.schemas.registry.RestSchemaRegistryClient;
import io.faultline.schemas.registry.SchemaRegistries;
import io.faultline.schemas.serde.AvroSerde;
import io.faultline.stack.LocalStack;
import io.faultline.stack.LocalStackExtension;
import io.faultline.telemetry.DnsRcode;
import io.faultline.telemetry.DnsSample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Schema evolution as the real registry enforces it under the BACKWARD policy. */
@ExtendWith(LocalStackExtension.class)
class SchemaEvolutionIT {

  /** DnsSample as a first release had it: no probe, no interval, fewer rcodes. */
  static final Schema DNS_V1 = new Schema.Parser().parse("""
      {"type":"record","name":"DnsSample","namespace":"io.faultline.telemetry","fields":[
        {"name":"entity","type":"string"},
        {"name":"eventTime","type":{"type":"long","logicalType":"timestamp-millis"}},
        {"name":"resolver","type":"string"},
        {"name":"rcode","type":{"type":"enum","name":"DnsRcode","symbols":["NOERROR","NXDOMAIN","SERVFAIL","TIMEOUT"]}},
        {"name":"latencyMs","type":"double"}]}""");

  /** The current DnsSample plus a field old records cannot fill: no default. */
  static final Schema DNS_REQUIRED_FIELD = new Schema.Parser().parse(DnsSample.getClassSchema().toString()
      .replace("{\"name\":\"latencyMs\"", "{\"name\":\"ttlSeconds\",\"type\":\"int\"},{\"name\":\"latencyMs\""));

  /** The current DnsSample with latencyMs turned into a string: old doubles cannot be read. */
  static final Schema DNS_TYPE_CHANGE = new Schema.Parser().parse(DnsSample.getClassSchema().toString()
      .replace("{\"name\":\"latencyMs\",\"type\":\"double\"", "{\"name\":\"latencyMs\",\"type\":\"string\""));

  private static RestSchemaRegistryClient client(LocalStack stack) {
    return SchemaRegistries.fromConfig(Map.of("schema.registry.url", stack.registryUrl()));
  }

  @Test
  void shouldAcceptNewFieldWithDefaultAndRefuseBreakingChangesWhenBackward(LocalStack stack) {
    assertNotEquals(DnsSample.getClassSchema(), DNS_REQUIRED_FIELD);
    assertNotEquals(DnsSample.getClassSchema(), DNS_TYPE_CHANGE);
    String subject = "it-evolution-" + UUID.randomUUID() + "-value";
    try (RestSchemaRegistryClient c = client(stack)) {
      c.setCompatibility(subject, "BACKWARD");
      int v1 = c.register(subject, DNS_V1);

      int current = c.register(subject, DnsSample.getClassSchema());
      assertNotEquals(v1, current, "new fields with defaults and new enum symbols: accepted as a new version");

      IncompatibleSchemaException required = assertThrows(IncompatibleSchemaException.class,
          () -> c.register(subject, DNS_REQUIRED_FIELD));
      assertTrue(required.getMessage().startsWith("cannot register io.faultline.telemetry.DnsSample under subject "
          + subject + ": HTTP 409"), required.getMessage());
      assertThrows(IncompatibleSchemaException.class, () -> c.register(subject, DNS_TYPE_CHANGE));
      assertTrue(c.lookup(subject, DNS_REQUIRED_FIELD).isEmpty(), "the refused schema left no version behind");
      assertTrue(c.lookup(subject, DNS_TYPE_CHANGE).isEmpty(), "the refused schema left no version behind");
      assertEquals(current, c.lookup(subject, DnsSample.getClassSchema()).orElseThrow());
    }
  }

  @Test
  void shouldReadRecordsOfOldVersionIntoCurrentClassWhenRegistryServesTheWriterSchema(LocalStack stack) throws IOException {
    String topic = "it-evolution-" + UUID.randomUUID();
    try (RestSchemaRegistryClient c = client(stack)) {
      c.setCompatibility(topic + "-value", "BACKWARD");
      int v1 = c.register(topic + "-value", DNS_V1);
      c.register(topic + "-value", DnsSample.getClassSchema());
      GenericRecord old = new GenericData.Record(DNS_V1);
      old.put("entity", "dns-name:legacy");
      old.put("eventTime", 1_700_000_000_123L);
      old.put("resolver", "dns-resolver:10.0.0.53");
      old.put("rcode", new GenericData.EnumSymbol(DNS_V1.getField("rcode").schema(), "TIMEOUT"));
      old.put("latencyMs", 2000.0);

      // a fresh client, so the writer schema really comes from the registry by id
      try (RestSchemaRegistryClient reader = client(stack)) {
        DnsSample read = AvroSerde.forClass(reader, DnsSample.class).deserialize(topic, wire(v1, DNS_V1, old));
        assertEquals("dns-name:legacy", read.getEntity());
        assertEquals(Instant.ofEpochMilli(1_700_000_000_123L), read.getEventTime());
        assertEquals(DnsRcode.TIMEOUT, read.getRcode());
        assertNull(read.getProbe());
        assertEquals(10_000, read.getIntervalMs());
      }
    }
  }

  @Test
  void shouldLeaveEverySubjectBackwardAndRefuseBreakingChangeWhenBootstrapped(LocalStack stack) {
    try (RestSchemaRegistryClient c = client(stack)) {
      Map<String, Integer> first = SchemaBootstrap.run(c);
      try (RestSchemaRegistryClient again = client(stack)) {
        assertEquals(first, SchemaBootstrap.run(again), "idempotent: same ids on a second run");
      }
      for (Topic<?> t : Topics.ALL) {
        assertEquals(Optional.of("BACKWARD"), c.compatibility(t.valueSubject()), t.valueSubject());
        assertEquals(first.get(t.valueSubject()),
            c.lookup(t.valueSubject(), SpecificData.get().getSchema(t.valueType())).orElseThrow(), t.valueSubject());
      }
      // Apicurio's global default is NONE: only the bootstrap's subject policy refuses this.
      assertThrows(IncompatibleSchemaException.class, () -> c.register(Topics.DNS.valueSubject(), DNS_REQUIRED_FIELD));
    }
  }

  static byte[] wire(int id, Schema schema, GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, enc);
    enc.flush();
    return out.toByteArray();
  }
}
