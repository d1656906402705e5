package io.faultline.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.SchemaValidationException;
import org.apache.avro.SchemaValidator;
import org.apache.avro.SchemaValidatorBuilder;

/**
 * A registry in this JVM, for TopologyTestDriver unit tests only: integration tests and every
 * running service talk to a real registry over REST. It enforces BACKWARD compatibility the way
 * Avro defines it, so a unit test still notices a schema change that a real registry would refuse.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {

  private final Map<Integer, Schema> byId = new HashMap<>();
  private final Map<String, Integer> idByCanonical = new HashMap<>();
  private final Map<String, List<Integer>> versions = new HashMap<>();
  private final Map<String, String> compatibility = new HashMap<>();

  @Override
  public synchronized int register(String subject, Schema schema) {
    OptionalInt existing = lookup(subject, schema);
    if (existing.isPresent()) {
      return existing.getAsInt();
    }
    if (!isCompatible(subject, schema)) {
      throw new IncompatibleSchemaException(
          "schema for subject " + subject + " is not " + level(subject) + " compatible");
    }
    String canonical = schema.toString();
    int id = idByCanonical.computeIfAbsent(canonical, c -> byId.size() + 1);
    byId.put(id, schema);
    versions.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
    return id;
  }

  @Override
  public synchronized OptionalInt lookup(String subject, Schema schema) {
    Integer id = idByCanonical.get(schema.toString());
    if (id != null && versions.getOrDefault(subject, List.of()).contains(id)) {
      return OptionalInt.of(id);
    }
    return OptionalInt.empty();
  }

  @Override
  public synchronized Schema schemaById(int id) {
    Schema schema = byId.get(id);
    if (schema == null) {
      throw new SchemaNotFoundException("no schema with id " + id);
    }
    return schema;
  }

  @Override
  public synchronized boolean isCompatible(String subject, Schema schema) {
    List<Integer> ids = versions.getOrDefault(subject, List.of());
    String level = level(subject);
    if (ids.isEmpty() || "NONE".equals(level)) {
      return true;
    }
    SchemaValidatorBuilder builder = new SchemaValidatorBuilder();
    builder = switch (level.replace("_TRANSITIVE", "")) {
      case "BACKWARD" -> builder.canReadStrategy();
      case "FORWARD" -> builder.canBeReadStrategy();
      case "FULL" -> builder.mutualReadStrategy();
      default -> throw new RegistryException("unknown compatibility level " + level + " on subject " + subject);
    };
    SchemaValidator validator = level.endsWith("_TRANSITIVE") ? builder.validateAll() : builder.validateLatest();
    List<Schema> existing = new ArrayList<>();
    // validateLatest checks the first schema of the list, validateAll every one: newest first.
    for (int i = ids.size() - 1; i >= 0; i--) {
      existing.add(byId.get(ids.get(i)));
    }
    try {
      validator.validate(schema, existing);
      return true;
    } catch (SchemaValidationException e) {
      return false;
    }
  }

  @Override
  public synchronized void setCompatibility(String subject, String level) {
    compatibility.put(subject, level);
  }

  @Override
  public synchronized Optional<String> compatibility(String subject) {
    return Optional.ofNullable(compatibility.get(subject));
  }

  @Override
  public synchronized List<String> subjects() {
    return List.copyOf(new TreeSet<>(versions.keySet()));
  }

  private String level(String subject) {
    return compatibility.getOrDefault(subject, "BACKWARD");
  }
}
