package io.faultline.schemas.registry;

import io.faultline.schemas.config.LayeredConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/** Creates the registry client from configuration; the one place that knows the key names. */
public final class SchemaRegistries {

  /** LayeredConfig keys of the registry client: {@code registry.url}, {@code registry.basic.auth.user.info} ... */
  public static final String LAYERED_PREFIX = "registry.";

  private SchemaRegistries() {}

  /**
   * A REST client configured by Confluent-style keys ({@code schema.registry.url},
   * {@code basic.auth.user.info} ...), e.g. a Kafka client's properties.
   */
  public static RestSchemaRegistryClient fromConfig(Map<String, ?> configs) {
    return new RestSchemaRegistryClient(RegistryClientConfig.fromMap(configs));
  }

  /**
   * A REST client configured by the {@code registry.*} keys of a {@link LayeredConfig}, read as
   * {@code schema.registry.*}: {@code registry.url} (env {@code FAULTLINE_REGISTRY_URL}),
   * {@code registry.basic.auth.user.info}, {@code registry.ssl.truststore.location} ...
   */
  public static RestSchemaRegistryClient fromLayeredConfig(LayeredConfig config) {
    return fromConfig(confluentKeys(config));
  }

  /** The {@code registry.*} settings as Confluent keys, e.g. to hand to a Kafka client's serde. */
  public static Map<String, String> confluentKeys(LayeredConfig config) {
    Map<String, String> out = new LinkedHashMap<>();
    config.withPrefix(LAYERED_PREFIX).forEach((k, v) -> out.put(RegistryClientConfig.PREFIX + k, v));
    return out;
  }
}
