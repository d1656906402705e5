package io.faultline.schemas.registry;

import java.io.Closeable;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API the serde needs. Implemented over REST for real
 * registries (Confluent, Apicurio's ccompat API, Redpanda ...) and in memory for
 * TopologyTestDriver unit tests, where no network is involved.
 */
public interface SchemaRegistry extends Closeable {

  /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
  int register(String subject, Schema schema);

  /** The id of {@code schema} if it is registered under {@code subject}. */
  OptionalInt lookup(String subject, Schema schema);

  /**
   * The schema with this global id.
   *
   * @throws SchemaNotFoundException if the registry has no such id
   */
  Schema schemaById(int id);

  /** Whether {@code schema} may be registered under {@code subject} given its compatibility level. */
  boolean isCompatible(String subject, Schema schema);

  /** Sets the compatibility level (e.g. {@code BACKWARD}) of a subject. */
  void setCompatibility(String subject, String level);

  /** The compatibility level set on the subject itself; empty when it follows the global default. */
  Optional<String> compatibility(String subject);

  /** Every subject with at least one version. */
  List<String> subjects();

  @Override
  default void close() {}
}
