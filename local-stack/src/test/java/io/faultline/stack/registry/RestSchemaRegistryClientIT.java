package io.faultline.stack.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.correlation.Incident;
import io.faultline.schemas.registry.RegistryException;
import io.faultline.schemas.registry.RestSchemaRegistryClient;
import io.faultline.schemas.registry.SchemaNotFoundException;
import io.faultline.schemas.registry.SchemaRegistries;
import io.faultline.stack.LocalStack;
import io.faultline.stack.LocalStackExtension;
import io.faultline.telemetry.DnsSample;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The REST client against a real registry (Apicurio's Confluent API in the local stack). */
@ExtendWith(LocalStackExtension.class)
class RestSchemaRegistryClientIT {

  private static RestSchemaRegistryClient client(LocalStack stack) {
    return SchemaRegistries.fromConfig(Map.of("schema.registry.url", stack.registryUrl()));
  }

  private static String subject() {
    return "it-client-" + UUID.randomUUID() + "-value";
  }

  @Test
  void shouldRegisterLookUpAndFetchByIdWhenRegistryIsReal(LocalStack stack) {
    String subject = subject();
    int id;
    try (RestSchemaRegistryClient writer = client(stack)) {
      id = writer.register(subject, DnsSample.getClassSchema());
      assertEquals(id, writer.register(subject, DnsSample.getClassSchema()));
    }
    // a fresh client has no cache: every answer comes from the registry
    try (RestSchemaRegistryClient reader = client(stack)) {
      assertEquals(id, reader.lookup(subject, DnsSample.getClassSchema()).orElseThrow());
      assertEquals(DnsSample.getClassSchema(), reader.schemaById(id));
      assertTrue(reader.lookup(subject, Incident.getClassSchema()).isEmpty(), "not registered under this subject");
      assertTrue(reader.lookup(subject(), DnsSample.getClassSchema()).isEmpty(), "no such subject");
      List<String> subjects = reader.subjects();
      assertTrue(subjects.contains(subject), subjects.toString());
      assertEquals(4, reader.requestCount());
    }
  }

  @Test
  void shouldGiveEveryClientTheSameIdWhenTheyRegisterANewSubjectAtOnce(LocalStack stack) throws Exception {
    // As two stream threads do with their first record to a new repartition topic: Apicurio answers all but
    // one of the racing registrations "already exists" (409), and none of them may fail.
    int clients = 8;
    for (int round = 0; round < 5; round++) {
      String subject = subject();
      CyclicBarrier start = new CyclicBarrier(clients);
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      try {
        List<Future<Integer>> ids = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
          ids.add(pool.submit(() -> {
            try (RestSchemaRegistryClient c = client(stack)) {
              start.await();
              return c.register(subject, DnsSample.getClassSchema());
            }
          }));
        }
        Set<Integer> distinct = new HashSet<>();
        for (Future<Integer> id : ids) {
          distinct.add(id.get(60, TimeUnit.SECONDS));
        }
        assertEquals(1, distinct.size(), "one schema, one id: " + distinct);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void shouldAnswerFromCacheWhenIdOrSchemaIsKnown(LocalStack stack) {
    String subject = subject();
    try (RestSchemaRegistryClient c = client(stack)) {
      int id = c.register(subject, Incident.getClassSchema());
      assertEquals(1, c.requestCount());

      assertEquals(id, c.register(subject, Incident.getClassSchema()));
      assertEquals(id, c.lookup(subject, Incident.getClassSchema()).orElseThrow());
      assertEquals(Incident.getClassSchema(), c.schemaById(id));
      assertEquals(1, c.requestCount(), "register, lookup and fetch of a known schema make no request");
    }
    try (RestSchemaRegistryClient c = client(stack)) {
      int id = c.lookup(subject, Incident.getClassSchema()).orElseThrow();
      assertEquals(Incident.getClassSchema(), c.schemaById(id));
      assertEquals(1, c.requestCount(), "a lookup caches the id and the schema");
    }
    try (RestSchemaRegistryClient c = client(stack)) {
      int id = c.lookup(subject, Incident.getClassSchema()).orElseThrow();
      try (RestSchemaRegistryClient fetcher = client(stack)) {
        Schema fetched = fetcher.schemaById(id);
        assertEquals(fetched, fetcher.schemaById(id));
        assertEquals(1, fetcher.requestCount(), "a fetched schema is served from the cache");
      }
    }
  }

  @Test
  void shouldAnswerCompatibilityChecksBothWaysWhenBackwardIsSet(LocalStack stack) {
    Schema v1 = SchemaBuilder.record("Probe").namespace("it").fields().requiredString("a").endRecord();
    Schema withDefault = SchemaBuilder.record("Probe").namespace("it").fields().requiredString("a")
        .name("b").type().intType().intDefault(7).endRecord();
    Schema required = SchemaBuilder.record("Probe").namespace("it").fields().requiredString("a").requiredInt("b").endRecord();
    String subject = subject();
    try (RestSchemaRegistryClient c = client(stack)) {
      assertTrue(c.isCompatible(subject, required), "a subject without versions accepts anything");
      c.setCompatibility(subject, "BACKWARD");
      c.register(subject, v1);

      assertTrue(c.isCompatible(subject, withDefault));
      assertFalse(c.isCompatible(subject, required));
      long before = c.requestCount();
      c.isCompatible(subject, withDefault);
      assertEquals(before + 1, c.requestCount(), "compatibility answers are not cached");
    }
  }

  @Test
  void shouldRaiseSchemaNotFoundWhenIdIsUnknown(LocalStack stack) {
    try (RestSchemaRegistryClient c = client(stack)) {
      SchemaNotFoundException e = assertThrows(SchemaNotFoundException.class, () -> c.schemaById(987_654_321));
      assertTrue(e.getMessage().startsWith("cannot fetch schema id 987654321: HTTP 404 error 40403"), e.getMessage());
    }
  }

  @Test
  void shouldPointAtTheUrlWhenCcompatPathIsMissing(LocalStack stack) {
    String root = stack.registryUrl().replace("/apis/ccompat/v7", "");
    assertNotEquals(root, stack.registryUrl());
    try (RestSchemaRegistryClient c = SchemaRegistries.fromConfig(Map.of("schema.registry.url", root))) {
      RegistryException e = assertThrows(RegistryException.class, c::subjects);
      assertFalse(e instanceof SchemaNotFoundException);
      assertTrue(e.getMessage().contains("no Confluent-compatible schema registry API at " + root), e.getMessage());
    }
  }
}
