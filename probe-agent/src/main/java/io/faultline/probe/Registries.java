package io.faultline.probe;

import io.faultline.schemas.registry.SchemaRegistry;
import java.util.Map;

/** The agent's one way to a schema registry client. */
final class Registries {

  private Registries() {}

  /** A REST client for {@code url}; {@code registryProps} are the other {@code registry.*} settings (auth, TLS). */
  static SchemaRegistry connect(String url, Map<String, String> registryProps) {
    throw new UnsupportedOperationException("REST registry client not merged yet");
  }
}
