package io.faultline.schemas.registry;

/** The registry could not answer (unreachable, refused, or an unexpected reply). */
public class RegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RegistryException(String message) {
    super(message);
  }

  public RegistryException(String message, Throwable cause) {
    super(message, cause);
  }
}
