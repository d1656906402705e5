package io.faultline.schemas;

import io.faultline.schemas.registry.IncompatibleSchemaException;
import io.faultline.schemas.registry.SchemaNotFoundException;
import io.faultline.schemas.registry.SchemaRegistry;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts every topic's value subject under the BACKWARD policy and registers the current value
 * schema: what deployment, {@code stack up} and the processor run at start. Idempotent: a second
 * run changes nothing, and a run with an evolved (compatible) schema adds a version.
 *
 * <p>BACKWARD (the Confluent default) means consumers with the new schema read everything already
 * on the topic: consumers are upgraded first, then producers. Compacted topics keep old records
 * forever, so the new schema must read them; FULL would also forbid adding a field a new consumer
 * needs to default, which we do want to allow.
 */
public final class SchemaBootstrap {

  public static final String COMPATIBILITY = "BACKWARD";
  private static final Logger LOG = LoggerFactory.getLogger(SchemaBootstrap.class);

  private SchemaBootstrap() {}

  /** Bootstraps every topic of {@link Topics#ALL}; returns the schema id of each value subject. */
  public static Map<String, Integer> run(SchemaRegistry registry) {
    return run(registry, Topics.ALL);
  }

  /**
   * Bootstraps the given topics.
   *
   * @throws IncompatibleSchemaException naming the subject when the current schema breaks BACKWARD
   */
  public static Map<String, Integer> run(SchemaRegistry registry, Collection<Topic<?>> topics) {
    Map<String, Integer> ids = new LinkedHashMap<>();
    for (Topic<?> topic : topics) {
      String subject = topic.valueSubject();
      Schema schema = SpecificData.get().getSchema(topic.valueType());
      boolean policySet = setPolicy(registry, subject);
      int id;
      try {
        id = registry.register(subject, schema);
      } catch (IncompatibleSchemaException e) {
        throw new IncompatibleSchemaException("subject " + subject + ": the current " + schema.getFullName()
            + " is not " + COMPATIBILITY + " compatible with the registered versions, so consumers of " + topic.name()
            + " could not read what is on the topic (" + e.getMessage() + ")");
      }
      if (!policySet) {
        // Some registries (Apicurio) keep per-subject config only once the subject exists.
        registry.setCompatibility(subject, COMPATIBILITY);
      }
      ids.put(subject, id);
      LOG.info("schema {} registered under {} with id {} ({} compatibility)", schema.getFullName(), subject, id, COMPATIBILITY);
    }
    return ids;
  }

  private static boolean setPolicy(SchemaRegistry registry, String subject) {
    try {
      registry.setCompatibility(subject, COMPATIBILITY);
      return true;
    } catch (SchemaNotFoundException e) {
      return false;
    }
  }
}
