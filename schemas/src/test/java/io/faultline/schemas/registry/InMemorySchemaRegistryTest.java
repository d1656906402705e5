package io.faultline.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryTest {

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

  private static final Schema V1 = SchemaBuilder.record("R").namespace("t").fields().requiredString("a").endRecord();
  private static final Schema V2_WITH_DEFAULT = SchemaBuilder.record("R").namespace("t").fields()
      .requiredString("a").name("b").type().intType().intDefault(1).endRecord();
  private static final Schema V2_REQUIRED = SchemaBuilder.record("R").namespace("t").fields()
      .requiredString("a").requiredInt("b").endRecord();

  @Test
  void shouldReturnSameIdWhenRegisteringTwice() {
    int id = registry.register("s", V1);
    assertEquals(id, registry.register("s", V1));
    assertEquals(id, registry.lookup("s", V1).orElseThrow());
    assertTrue(registry.lookup("other", V1).isEmpty());
  }

  @Test
  void shouldAcceptNewFieldWithDefaultAndRefuseRequiredOneWhenBackward() {
    registry.register("s", V1);
    assertTrue(registry.isCompatible("s", V2_WITH_DEFAULT));
    assertFalse(registry.isCompatible("s", V2_REQUIRED));
    assertThrows(IncompatibleSchemaException.class, () -> registry.register("s", V2_REQUIRED));
    assertNotEquals(registry.register("s", V1), registry.register("s", V2_WITH_DEFAULT));
  }

  @Test
  void shouldCheckTheOtherDirectionWhenForward() {
    registry.register("s", V2_WITH_DEFAULT);
    registry.setCompatibility("s", "FORWARD");
    // FORWARD: readers of the registered V2 must read V1 data; V1 lacks b, and b has a default.
    assertTrue(registry.isCompatible("s", V1));
    registry.setCompatibility("s", "NONE");
    assertTrue(registry.isCompatible("s", SchemaBuilder.record("R").namespace("t").fields().requiredLong("z").endRecord()));
  }

  @Test
  void shouldReportCompatibilityAndSubjects() {
    assertEquals(Optional.empty(), registry.compatibility("s"));
    registry.setCompatibility("s", "BACKWARD");
    assertEquals(Optional.of("BACKWARD"), registry.compatibility("s"));
    registry.register("b", V1);
    registry.register("a", V1);
    assertEquals(List.of("a", "b"), registry.subjects());
  }

  @Test
  void shouldRaiseSchemaNotFoundWhenIdIsUnknown() {
    assertThrows(SchemaNotFoundException.class, () -> registry.schemaById(99));
  }
}
