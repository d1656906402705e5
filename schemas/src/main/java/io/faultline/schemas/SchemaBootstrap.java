package io.faultline.schemas;

import io.faultline.schemas.config.ConfigException;
import io.faultline.schemas.config.LayeredConfig;
import io.faultline.schemas.registry.IncompatibleSchemaException;
import io.faultline.schemas.registry.RegistryException;
import io.faultline.schemas.registry.SchemaNotFoundException;
import io.faultline.schemas.registry.SchemaRegistries;
import io.faultline.schemas.registry.SchemaRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
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
 *
 * <p>Also a command for deployment jobs: {@code java -cp ... io.faultline.schemas.SchemaBootstrap
 * [--config FILE] [--registry-url URL]}, registry settings as in {@code schemas/README.md}
 * ({@code registry.*} keys, {@code FAULTLINE_REGISTRY_*} variables). Exit 0 done, 1 the registry
 * failed or refused a schema, 2 bad usage.
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

  /** Where {@link #main} looks for the registry when nothing else is configured: the local stack. */
  public static final String DEFAULT_REGISTRY_URL = "http://127.0.0.1:8081/apis/ccompat/v7";

  public static void main(String[] args) {
    System.exit(main(args, System.getenv(), System.out, System.err));
  }

  static int main(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    Path file = null;
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if ((a.equals("--config") || a.equals("--registry-url")) && i + 1 < args.length) {
        if (a.equals("--config")) {
          file = Path.of(args[++i]);
        } else {
          flags.put("registry.url", args[++i]);
        }
      } else {
        err.println("faultline schemas: unexpected argument '" + a + "' (usage: [--config FILE] [--registry-url URL])");
        return 2;
      }
    }
    try {
      LayeredConfig config = LayeredConfig.load(Map.of("registry.url", DEFAULT_REGISTRY_URL), file, env, flags);
      try (SchemaRegistry registry = SchemaRegistries.fromLayeredConfig(config)) {
        Map<String, Integer> ids = run(registry);
        out.println("registered " + ids.size() + " value subjects with " + COMPATIBILITY + " compatibility at "
            + registry);
        return 0;
      }
    } catch (ConfigException e) {
      err.println("faultline schemas: " + e.getMessage());
      return 2;
    } catch (RegistryException e) {
      err.println("faultline schemas: " + e.getMessage());
      return 1;
    }
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
