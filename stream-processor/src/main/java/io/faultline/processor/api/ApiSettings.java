package io.faultline.processor.api;

import io.faultline.schemas.config.LayeredConfig;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Settings of the processor's HTTP side (see stream-processor/docs/http-api.md).
 *
 * @param bindHost address the server listens on
 * @param port port of the API, the web page, metrics and health; also the port peers forward to
 * @param advertisedHost how the other instances reach this one; with {@code port} it is the
 *     Kafka Streams {@code application.server}
 * @param token bearer token required on {@code /api} and {@code /internal}, or empty for none
 * @param retryAfterSeconds {@code Retry-After} of a 503 while state is moving between instances
 * @param maxStreamClients concurrent SSE clients; each holds one server thread
 * @param forwardTimeoutMs timeout of a query forwarded to another instance
 */
public record ApiSettings(
    String bindHost,
    int port,
    String advertisedHost,
    String token,
    int retryAfterSeconds,
    int maxStreamClients,
    long forwardTimeoutMs) {

  /** Whether the processor service serves HTTP at all (embedded runs such as replay never do). */
  public static final String ENABLED = "api.enabled";
  public static final String BIND_HOST = "api.bind.host";
  public static final String PORT = "api.port";
  public static final String ADVERTISED_HOST = "api.advertised.host";
  public static final String TOKEN = "api.token";
  public static final String RETRY_AFTER_SECONDS = "api.retry.after.seconds";
  public static final String MAX_STREAM_CLIENTS = "api.stream.max.clients";
  public static final String FORWARD_TIMEOUT_MS = "api.forward.timeout.ms";

  public static final int DEFAULT_PORT = 8080;

  public ApiSettings {
    // 0 picks a free port: for a single instance in tests, never with peers (they could not find it).
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("api port must be 0..65535, got " + port);
    }
    if (advertisedHost == null || advertisedHost.isBlank()) {
      throw new IllegalArgumentException("api advertised host must not be empty");
    }
    token = token == null ? "" : token.trim();
  }

  public static ApiSettings defaults() {
    return new ApiSettings("0.0.0.0", DEFAULT_PORT, "localhost", "", 2, 64, 5_000);
  }

  /** Default values of every key, for {@link LayeredConfig#load}. */
  public static Map<String, Object> configDefaults() {
    ApiSettings d = defaults();
    Map<String, Object> m = new TreeMap<>();
    m.put(ENABLED, true);
    m.put(BIND_HOST, d.bindHost());
    m.put(PORT, d.port());
    m.put(ADVERTISED_HOST, d.advertisedHost());
    m.put(TOKEN, d.token());
    m.put(RETRY_AFTER_SECONDS, d.retryAfterSeconds());
    m.put(MAX_STREAM_CLIENTS, d.maxStreamClients());
    m.put(FORWARD_TIMEOUT_MS, d.forwardTimeoutMs());
    return m;
  }

  public static ApiSettings from(LayeredConfig config) {
    ApiSettings d = defaults();
    return new ApiSettings(
        config.string(BIND_HOST, d.bindHost()),
        config.has(PORT) ? (int) config.number(PORT, 1, 65_535) : d.port(),
        config.string(ADVERTISED_HOST, d.advertisedHost()),
        config.string(TOKEN, d.token()),
        config.has(RETRY_AFTER_SECONDS) ? (int) config.number(RETRY_AFTER_SECONDS, 1, 3600) : d.retryAfterSeconds(),
        config.has(MAX_STREAM_CLIENTS) ? (int) config.number(MAX_STREAM_CLIENTS, 1, 10_000) : d.maxStreamClients(),
        config.has(FORWARD_TIMEOUT_MS) ? config.number(FORWARD_TIMEOUT_MS, 100, 600_000) : d.forwardTimeoutMs());
  }

  public boolean authRequired() {
    return !token.isEmpty();
  }

  public HostInfo self() {
    return new HostInfo(advertisedHost, port);
  }

  /** The value of Kafka Streams' {@code application.server} for this instance. */
  public String applicationServer() {
    return advertisedHost + ":" + port;
  }

  public ApiSettings withPort(int newPort) {
    return new ApiSettings(bindHost, newPort, advertisedHost, token, retryAfterSeconds, maxStreamClients, forwardTimeoutMs);
  }

  public ApiSettings withToken(String newToken) {
    return new ApiSettings(bindHost, port, advertisedHost, newToken, retryAfterSeconds, maxStreamClients, forwardTimeoutMs);
  }
}
