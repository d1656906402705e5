package io.faultline.schemas.registry;

/** The registry answered, and it has no schema with the requested id or subject. */
public class SchemaNotFoundException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public SchemaNotFoundException(String message) {
    super(message);
  }
}
