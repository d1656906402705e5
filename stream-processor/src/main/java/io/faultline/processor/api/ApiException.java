package io.faultline.processor.api;

/**
 * A request that cannot be answered, with the HTTP status that says why. Thrown anywhere in the
 * query path and turned into a JSON error body by the server.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final int retryAfterSeconds;

  private ApiException(int status, String message, int retryAfterSeconds, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, message, 0, null);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(401, message, 0, null);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, message, 0, null);
  }

  public static ApiException methodNotAllowed(String message) {
    return new ApiException(405, message, 0, null);
  }

  /** State is moving between instances (or not restored yet): the client should retry shortly. */
  public static ApiException unavailable(String message, int retryAfterSeconds) {
    return new ApiException(503, message, Math.max(1, retryAfterSeconds), null);
  }

  public static ApiException unavailable(String message, int retryAfterSeconds, Throwable cause) {
    return new ApiException(503, message, Math.max(1, retryAfterSeconds), cause);
  }

  public static ApiException internal(String message, Throwable cause) {
    return new ApiException(500, message, 0, cause);
  }

  public int status() {
    return status;
  }

  /** Seconds for {@code Retry-After}, or 0 when the header does not apply. */
  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
