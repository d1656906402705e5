package io.faultline.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.schemas.registry.InMemorySchemaRegistry;
import io.faultline.schemas.registry.IncompatibleSchemaException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class SchemaBootstrapTest {

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

  @Test
  void shouldSetBackwardAndRegisterEveryTopicValueSchemaIdempotently() {
    Map<String, Integer> first = SchemaBootstrap.run(registry);
    Map<String, Integer> second = SchemaBootstrap.run(registry);

    assertEquals(first, second);
    assertEquals(Topics.ALL.stream().map(Topic::valueSubject).sorted().toList(), registry.subjects());
    for (Topic<?> t : Topics.ALL) {
      assertEquals(Optional.of("BACKWARD"), registry.compatibility(t.valueSubject()), t.name());
      Schema registered = registry.schemaById(first.get(t.valueSubject()));
      assertEquals(t.valueType().getName(), registered.getFullName());
    }
  }

  @Test
  void shouldNameSubjectWhenCurrentSchemaBreaksBackward() {
    // Data on the topic written without eventTime: the current DnsSample requires it and has no default.
    Schema older = SchemaBuilder.record("DnsSample").namespace("io.faultline.telemetry").fields()
        .requiredString("entity").endRecord();
    registry.register(Topics.DNS.valueSubject(), older);

    IncompatibleSchemaException e = assertThrows(IncompatibleSchemaException.class,
        () -> SchemaBootstrap.run(registry, List.of(Topics.DNS)));
    assertTrue(e.getMessage().startsWith("subject faultline.telemetry.dns-value: the current io.faultline.telemetry.DnsSample"
        + " is not BACKWARD compatible"), e.getMessage());
  }

  @Test
  void shouldExitOneNamingTheRegistryWhenItIsUnreachable() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = SchemaBootstrap.main(new String[0],
        Map.of("FAULTLINE_REGISTRY_URL", "http://127.0.0.1:" + port, "FAULTLINE_REGISTRY_MAX_RETRIES", "0"),
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(1, code);
    assertEquals("faultline schemas: schema registry at http://127.0.0.1:" + port
        + " unreachable after 1 attempt: Connection refused\n", err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void shouldExitTwoWhenUsageIsWrong() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(new ByteArrayOutputStream());
    assertEquals(2, SchemaBootstrap.main(new String[] {"--frobnicate"}, Map.of(), out, new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("faultline schemas: unexpected argument '--frobnicate'"));
    err.reset();
    assertEquals(2, SchemaBootstrap.main(new String[] {"--registry-url", "ftp://x"}, Map.of(), out,
        new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("faultline schemas: 'schema.registry.url': expected"), err.toString());
  }
}
