package io.faultline.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.schemas.registry.InMemorySchemaRegistry;
import io.faultline.schemas.registry.IncompatibleSchemaException;
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
}
