package io.faultline.stack.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.faultline.common.EntityKind;
import io.faultline.common.Severity;
import io.faultline.correlation.CandidateRef;
import io.faultline.correlation.Incident;
import io.faultline.correlation.IncidentState;
import io.faultline.schemas.registry.RestSchemaRegistryClient;
import io.faultline.schemas.registry.SchemaRegistries;
import io.faultline.schemas.serde.FaultlineAvroDeserializer;
import io.faultline.schemas.serde.FaultlineAvroSerializer;
import io.faultline.stack.LocalStack;
import io.faultline.stack.LocalStackExtension;
import io.faultline.telemetry.DnsRcode;
import io.faultline.telemetry.DnsSample;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with a client no one here wrote: Confluent's own Python client (Debian's
 * python3-confluent-kafka 1.7 with python3-avro) reads what our serde writes and writes what our
 * serde reads, through the same broker and registry. The Python side is
 * {@code src/test/resources/interop/confluent_avro_interop.py}; it prints JSON, and values are
 * compared as JSON trees (timestamps as epoch milliseconds, enums as symbols).
 */
@ExtendWith(LocalStackExtension.class)
class PythonInteropIT {

  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final String PACKAGES = "python3-confluent-kafka python3-avro python3-requests";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T = Instant.parse("2026-11-21T10:00:00.123Z");

  private static Path script;

  @TempDir
  Path tmp;

  @BeforeAll
  static void requirePythonClient(@TempDir Path dir) throws IOException, InterruptedException {
    if (!Files.isExecutable(PYTHON)) {
      fail(PYTHON + " not found: install python3 and " + PACKAGES + " (apt-get install " + PACKAGES + ")");
    }
    Result check = run(dir, Duration.ofSeconds(30), "check");
    if (check.exit != 0) {
      fail("the Confluent Python client is not usable (exit " + check.exit + "): " + check.stderr.strip()
          + " -- CI installs it with: apt-get install " + PACKAGES);
    }
  }

  @Test
  void shouldLetConfluentPythonClientReadRecordsWhenWrittenByFaultlineSerializer(LocalStack stack) throws Exception {
    String dnsTopic = "interop.dns." + UUID.randomUUID();
    String incidentTopic = "interop.incidents." + UUID.randomUUID();
    createTopics(stack, dnsTopic, incidentTopic);
    DnsSample dns = dns();
    Incident incident = incident();

    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, FaultlineAvroSerializer.class.getName());
    p.put("schema.registry.url", stack.registryUrl());
    try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(p)) {
      producer.send(new ProducerRecord<>(dnsTopic, dns.getEntity(), dns)).get(30, TimeUnit.SECONDS);
      producer.send(new ProducerRecord<>(incidentTopic, incident.getId(), incident)).get(30, TimeUnit.SECONDS);
    }

    Result r = run(tmp, Duration.ofSeconds(120), "consume", "--bootstrap", stack.bootstrapServers(),
        "--registry", stack.registryUrl(), "--group", "interop-" + UUID.randomUUID(),
        "--topics", dnsTopic + "," + incidentTopic, "--count", "2", "--timeout", "90");
    assertEquals(0, r.exit, "python consume failed: " + r.stderr);

    Map<String, JsonNode> byTopic = new HashMap<>();
    JSON.readTree(r.stdout).get("received").forEach(n -> byTopic.put(n.get("topic").asText(), n));
    try (RestSchemaRegistryClient registry = SchemaRegistries.fromConfig(Map.of("schema.registry.url", stack.registryUrl()))) {
      JsonNode gotDns = byTopic.get(dnsTopic);
      assertEquals(dns.getEntity(), gotDns.get("key").asText());
      assertEquals(registry.lookup(dnsTopic + "-value", DnsSample.getClassSchema()).orElseThrow(), gotDns.get("schemaId").asInt());
      assertEquals(plain(dns), gotDns.get("value"));

      JsonNode gotIncident = byTopic.get(incidentTopic);
      assertEquals(incident.getId(), gotIncident.get("key").asText());
      assertEquals(registry.lookup(incidentTopic + "-value", Incident.getClassSchema()).orElseThrow(),
          gotIncident.get("schemaId").asInt());
      assertEquals(plain(incident), gotIncident.get("value"));
    }
  }

  @Test
  void shouldReadRecordsWrittenByConfluentPythonClientWhenConsumingWithFaultlineDeserializer(LocalStack stack)
      throws Exception {
    String dnsTopic = "interop.dns." + UUID.randomUUID();
    String incidentTopic = "interop.incidents." + UUID.randomUUID();
    createTopics(stack, dnsTopic, incidentTopic);
    // What deployment does for the real topics; the Python producer writes with the latest Incident schema.
    try (RestSchemaRegistryClient registry = SchemaRegistries.fromConfig(Map.of("schema.registry.url", stack.registryUrl()))) {
      registry.setCompatibility(incidentTopic + "-value", "BACKWARD");
      registry.register(incidentTopic + "-value", Incident.getClassSchema());
    }

    Result r = run(tmp, Duration.ofSeconds(120), "produce", "--bootstrap", stack.bootstrapServers(),
        "--registry", stack.registryUrl(), "--dns-topic", dnsTopic, "--incident-topic", incidentTopic);
    assertEquals(0, r.exit, "python produce failed: " + r.stderr);
    Map<String, JsonNode> sent = new HashMap<>();
    JSON.readTree(r.stdout).get("sent").forEach(n -> sent.put(n.get("topic").asText(), n));

    Map<String, ConsumerRecord<String, SpecificRecord>> got = consume(stack, List.of(dnsTopic, incidentTopic));

    // The Python DnsSample uses its own older schema: our reader fills the fields it lacks with defaults.
    ConsumerRecord<String, SpecificRecord> dnsRecord = got.get(dnsTopic);
    DnsSample dns = (DnsSample) dnsRecord.value();
    assertEquals(sent.get(dnsTopic).get("key").asText(), dnsRecord.key());
    ObjectNode expectedDns = sent.get(dnsTopic).get("value").deepCopy();
    expectedDns.putNull("probe");
    expectedDns.put("intervalMs", 10_000);
    assertEquals(expectedDns, plain(dns));
    assertEquals(DnsRcode.NXDOMAIN, dns.getRcode());
    Schema pythonWriter = writerSchema(stack, sent.get(dnsTopic).get("schemaId").asInt());
    assertNotEquals(DnsSample.getClassSchema(), pythonWriter);
    assertNull(pythonWriter.getField("probe"), "the Python producer registered its own, older schema");

    ConsumerRecord<String, SpecificRecord> incidentRecord = got.get(incidentTopic);
    assertEquals(sent.get(incidentTopic).get("key").asText(), incidentRecord.key());
    assertTrue(incidentRecord.value() instanceof Incident, incidentRecord.value().getClass().getName());
    assertEquals(sent.get(incidentTopic).get("value"), plain(incidentRecord.value()));
  }

  // --- helpers ---------------------------------------------------------------------------------

  private static DnsSample dns() {
    return DnsSample.newBuilder().setEntity("dns-name:db.checkout.internal").setEventTime(T).setProbe("probe-7")
        .setIntervalMs(5000).setResolver("dns-resolver:10.0.0.53").setRcode(DnsRcode.TIMEOUT).setLatencyMs(2000.5).build();
  }

  private static Incident incident() {
    return Incident.newBuilder().setId("inc-java-1").setState(IncidentState.UPDATED).setVersion(3)
        .setRootCause("dns-resolver:10.0.0.53").setRootCauseKind(EntityKind.DNS_RESOLVER).setScore(0.93)
        .setSeverity(Severity.CRITICAL).setAffected(List.of("app:checkout", "app:search"))
        .setAffectedApplications(List.of("app:checkout")).setPredictedAffected(List.of("app:search"))
        .setCandidates(List.of(new CandidateRef(1, "dns-resolver:10.0.0.53", 0.93), new CandidateRef(2, "switch:tor-a", 0.4)))
        .setOpenedAt(T).setOnset(T.minusSeconds(60)).setUpdatedAt(T.plusSeconds(90)).setResolvedAt(T.plusSeconds(600))
        .setReopenCount(1).setSummary("checkout and search fail to resolve names since 10:00 UTC (é ✓)")
        .setLabels(Map.of("site", "par1", "team", "net")).build();
  }

  private static void createTopics(LocalStack stack, String... names) throws Exception {
    try (Admin admin = stack.admin()) {
      List<NewTopic> topics = new ArrayList<>();
      for (String n : names) {
        topics.add(new NewTopic(n, 1, (short) 1));
      }
      admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
    }
  }

  private static Map<String, ConsumerRecord<String, SpecificRecord>> consume(LocalStack stack, List<String> topics) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "interop-java-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, FaultlineAvroDeserializer.class.getName());
    p.put("schema.registry.url", stack.registryUrl());
    Map<String, ConsumerRecord<String, SpecificRecord>> got = new HashMap<>();
    try (KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(topics);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (got.size() < topics.size() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(rec -> got.put(rec.topic(), rec));
      }
    }
    assertEquals(topics.size(), got.size(), "records received: " + got.keySet());
    return got;
  }

  private static Schema writerSchema(LocalStack stack, int id) {
    try (RestSchemaRegistryClient registry = SchemaRegistries.fromConfig(Map.of("schema.registry.url", stack.registryUrl()))) {
      return registry.schemaById(id);
    }
  }

  /** A record as plain JSON: what the Python side prints for the same value. */
  static JsonNode plain(SpecificRecord record) {
    try {
      return JSON.readTree(JSON.writeValueAsString(toPlain(record)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object toPlain(Object v) {
    if (v instanceof SpecificRecord r) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (Schema.Field f : r.getSchema().getFields()) {
        m.put(f.name(), toPlain(r.get(f.pos())));
      }
      return m;
    }
    if (v instanceof Instant i) {
      return i.toEpochMilli();
    }
    if (v instanceof Enum<?> || v instanceof GenericEnumSymbol<?> || v instanceof CharSequence) {
      return v.toString();
    }
    if (v instanceof List<?> l) {
      return l.stream().map(PythonInteropIT::toPlain).toList();
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(k.toString(), toPlain(x)));
      return out;
    }
    return v;
  }

  record Result(int exit, String stdout, String stderr) {}

  private static Result run(Path dir, Duration timeout, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), script.toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "py", ".out");
    Path err = Files.createTempFile(dir, "py", ".err");
    Process process = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        fail("python " + args[0] + " did not finish within " + timeout + ": " + Files.readString(err));
      }
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  static {
    try {
      script = Path.of(PythonInteropIT.class.getResource("/interop/confluent_avro_interop.py").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
