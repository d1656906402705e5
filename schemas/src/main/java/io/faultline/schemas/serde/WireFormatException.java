package io.faultline.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Bytes that are not a valid Confluent-wire-format Avro record: wrong magic byte, an id the
 * registry does not know, a truncated or corrupt payload. The message says which. Stream
 * processors route such records to the dead-letter topic; a registry that cannot be reached is
 * a {@link io.faultline.schemas.registry.RegistryException} instead, because the record may be fine.
 */
public class WireFormatException extends SerializationException {
  private static final long serialVersionUID = 1L;

  public WireFormatException(String message) {
    super(message);
  }

  public WireFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
