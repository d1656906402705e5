package io.faultline.processor.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.faultline.processor.api.FaultlineQueries.StateFilter;
import io.faultline.processor.api.StateReader.StoreEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processor's HTTP side on the JDK's built-in server: the read-only JSON API, the SSE stream
 * of incident changes, the web page, Prometheus metrics, health and readiness, and the internal
 * endpoint peers forward store reads to. Routing is a handful of fixed paths, so no framework.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  public static final String API = "/api/v1";
  public static final String INCIDENTS = API + "/incidents";
  public static final String INCIDENT_STREAM = INCIDENTS + "/stream";
  public static final String ENTITIES = API + "/entities";
  public static final String INTERNAL_STORES = "/internal/v1/stores/";
  public static final String METRICS = "/metrics";
  public static final String LIVE = "/health/live";
  public static final String READY = "/health/ready";

  private static final Map<String, String> WEB = Map.of(
      "/", "index.html", "/index.html", "index.html", "/app.js", "app.js", "/style.css", "style.css");
  private static final long KEEP_ALIVE_MS = 15_000;

  /** What the server answers from. {@code localStores} and {@code metrics} may be null where absent. */
  public record Backend(
      FaultlineQueries queries,
      IncidentBroadcaster incidents,
      Supplier<KafkaStreams.State> streamsState,
      LocalStoresEndpoint localStores,
      FaultlineMetrics metrics) {}

  /** Serves one partition of a local store to a peer. */
  @FunctionalInterface
  public interface LocalStoresEndpoint {
    List<StoreEntry> read(String store, int partition, String key, String prefix);
  }

  private final ApiSettings settings;
  private final Backend backend;
  private final HttpServer server;
  private final ExecutorService executor;
  private final Semaphore streamSlots;
  private volatile boolean running = true;

  private ApiServer(ApiSettings settings, Backend backend) throws IOException {
    this.settings = settings;
    this.backend = backend;
    this.streamSlots = new Semaphore(settings.maxStreamClients());
    this.server = HttpServer.create(new InetSocketAddress(settings.bindHost(), settings.port()), 128);
    // SSE clients each hold a thread; they are capped by streamSlots, so 16 threads stay free for requests.
    int threads = settings.maxStreamClients() + 16;
    AtomicInteger n = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1024),
        r -> {
          Thread t = new Thread(r, "faultline-api-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    ((ThreadPoolExecutor) executor).allowCoreThreadTimeOut(true);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  public static ApiServer start(ApiSettings settings, Backend backend) {
    try {
      ApiServer s = new ApiServer(settings, backend);
      s.server.start();
      LOG.info("HTTP API on {}:{} (advertised as {}){}", settings.bindHost(), s.port(), settings.applicationServer(),
          settings.authRequired() ? ", bearer token required" : "");
      return s;
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on " + settings.bindHost() + ":" + settings.port() + ": "
          + e.getMessage(), e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) {
    // Not try-with-resources: its catch blocks would run after the exchange is closed.
    try {
      String path = ex.getRequestURI().getRawPath();
      if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        throw ApiException.methodNotAllowed(ex.getRequestMethod() + " is not supported: the API is read-only");
      }
      Map<String, String> query = query(ex);
      if (path.startsWith(API + "/") || path.startsWith("/internal/")) {
        authorize(ex, query, path.equals(INCIDENT_STREAM));
      }
      route(ex, path, query);
    } catch (ApiException e) {
      error(ex, e);
    } catch (IOException e) {
      LOG.debug("client went away: {}", e.toString());
    } catch (RuntimeException e) {
      LOG.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
      error(ex, ApiException.internal("internal error: " + e, e));
    } finally {
      ex.close();
    }
  }

  private void route(HttpExchange ex, String path, Map<String, String> query) throws IOException {
    if (WEB.containsKey(path)) {
      allowOnly(query, Set.of("token"));
      web(ex, WEB.get(path));
    } else if (path.equals(LIVE) || path.equals(READY)) {
      health(ex, path.equals(READY));
    } else if (path.equals(METRICS)) {
      if (backend.metrics() == null || !backend.metrics().scrapable()) {
        throw ApiException.notFound("metrics are not enabled");
      }
      send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", backend.metrics().scrape().getBytes(StandardCharsets.UTF_8));
    } else if (path.equals(INCIDENTS) || path.equals(INCIDENTS + "/")) {
      allowOnly(query, Set.of("state"));
      json(ex, 200, backend.queries().incidents(stateFilter(query.get("state"))));
    } else if (path.equals(INCIDENT_STREAM)) {
      allowOnly(query, Set.of("access_token"));
      stream(ex);
    } else if (path.startsWith(INCIDENTS + "/")) {
      allowOnly(query, Set.of());
      json(ex, 200, backend.queries().incident(segment(path.substring(INCIDENTS.length() + 1))));
    } else if (path.startsWith(ENTITIES + "/")) {
      allowOnly(query, Set.of());
      entity(ex, path.substring(ENTITIES.length() + 1));
    } else if (path.startsWith(INTERNAL_STORES)) {
      internalStore(ex, segment(path.substring(INTERNAL_STORES.length())), query);
    } else {
      throw ApiException.notFound("no such path: " + path);
    }
  }

  /** Entity ids may contain '/', so the sub-resource is recognised by its suffix on the raw path. */
  private void entity(HttpExchange ex, String rawRest) throws IOException {
    if (rawRest.endsWith("/root-cause")) {
      String id = decode(rawRest.substring(0, rawRest.length() - "/root-cause".length()));
      json(ex, 200, backend.queries().rootCause(id));
    } else if (rawRest.endsWith("/impact")) {
      String id = decode(rawRest.substring(0, rawRest.length() - "/impact".length()));
      json(ex, 200, backend.queries().impact(id));
    } else {
      json(ex, 200, backend.queries().entity(decode(rawRest)));
    }
  }

  private static StateFilter stateFilter(String value) {
    if (value == null) {
      return StateFilter.ALL;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "open" -> StateFilter.OPEN;
      case "resolved" -> StateFilter.RESOLVED;
      case "all" -> StateFilter.ALL;
      default -> throw ApiException.badRequest("state must be open, resolved or all, got '" + value + "'");
    };
  }

  private void internalStore(HttpExchange ex, String store, Map<String, String> query) throws IOException {
    if (backend.localStores() == null) {
      throw ApiException.notFound("this server hosts no stores");
    }
    allowOnly(query, Set.of("partition", "key", "prefix"));
    String p = query.get("partition");
    int partition;
    try {
      partition = Integer.parseInt(p == null ? "" : p);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("partition must be a whole number, got '" + p + "'");
    }
    if (query.containsKey("key") == query.containsKey("prefix")) {
      throw ApiException.badRequest("give exactly one of key and prefix");
    }
    List<StoreEntry> entries = backend.localStores().read(store, partition, query.get("key"), query.get("prefix"));
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("store", store).put("partition", partition);
    body.set("entries", Json.MAPPER.valueToTree(entries));
    json(ex, 200, body);
  }

  private void health(HttpExchange ex, boolean readiness) throws IOException {
    KafkaStreams.State state = backend.streamsState().get();
    boolean ok = readiness
        ? state == KafkaStreams.State.RUNNING
        : state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR
            && state != KafkaStreams.State.NOT_RUNNING;
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", ok ? "UP" : "DOWN");
    body.put("streams", state.name());
    json(ex, ok ? 200 : 503, body);
  }

  // ---- server-sent events

  private void stream(HttpExchange ex) throws IOException {
    if (!streamSlots.tryAcquire()) {
      throw ApiException.unavailable("too many stream clients (" + settings.maxStreamClients() + ")",
          settings.retryAfterSeconds());
    }
    try (IncidentBroadcaster.Subscription sub = backend.incidents().subscribe()) {
      Headers h = ex.getResponseHeaders();
      h.set("Content-Type", "text/event-stream; charset=utf-8");
      h.set("Cache-Control", "no-cache");
      h.set("X-Accel-Buffering", "no");
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      write(out, "retry: " + settings.retryAfterSeconds() * 1000 + "\n\n");
      // Subscribed before the snapshot is read, so nothing falls between the two; clients keep the
      // highest version of each incident, which makes the overlap harmless.
      try {
        List<Views.Incident> open = backend.queries().incidents(StateFilter.OPEN);
        for (Views.Incident i : open) {
          event(out, "incident", i);
        }
        event(out, "snapshot", Map.of("open", open.size()));
      } catch (ApiException e) {
        // No complete snapshot right now: say so and end; the browser reconnects after "retry".
        event(out, "unavailable", Map.of("message", e.getMessage(), "retryAfterSeconds", e.retryAfterSeconds()));
        return;
      }
      long lastWrite = System.currentTimeMillis();
      while (running && !sub.overflowed()) {
        Views.Incident next = sub.next(1_000);
        if (next != null) {
          event(out, "incident", next);
          lastWrite = System.currentTimeMillis();
        } else if (System.currentTimeMillis() - lastWrite >= KEEP_ALIVE_MS) {
          write(out, ": keep-alive\n\n");
          lastWrite = System.currentTimeMillis();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      streamSlots.release();
    }
  }

  private static void event(OutputStream out, String name, Object data) throws IOException {
    write(out, "event: " + name + "\ndata: " + Json.MAPPER.writeValueAsString(data) + "\n\n");
  }

  private static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  // ---- helpers

  private void authorize(HttpExchange ex, Map<String, String> query, boolean queryTokenAllowed) {
    if (!settings.authRequired()) {
      return;
    }
    String header = ex.getRequestHeaders().getFirst("Authorization");
    String given = null;
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      given = header.substring(7).trim();
    } else if (queryTokenAllowed) {
      // EventSource cannot set headers, so the stream alone also takes the token as a parameter.
      given = query.get("access_token");
    }
    if (given == null) {
      ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"faultline\"");
      throw ApiException.unauthorized("a bearer token is required (Authorization: Bearer <token>)");
    }
    if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), settings.token().getBytes(StandardCharsets.UTF_8))) {
      ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"faultline\", error=\"invalid_token\"");
      throw ApiException.unauthorized("the bearer token is not valid");
    }
  }

  private static Map<String, String> query(HttpExchange ex) {
    Map<String, String> out = new LinkedHashMap<>();
    String raw = ex.getRequestURI().getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = decode(eq < 0 ? pair : pair.substring(0, eq));
      String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (out.put(k, v) != null) {
        throw ApiException.badRequest("parameter '" + k + "' is given more than once");
      }
    }
    return out;
  }

  private static void allowOnly(Map<String, String> query, Set<String> allowed) {
    for (String k : query.keySet()) {
      if (!allowed.contains(k)) {
        throw ApiException.badRequest("unknown parameter '" + k + "'"
            + (allowed.isEmpty() ? " (this path takes none)" : " (allowed: " + String.join(", ", allowed) + ")"));
      }
    }
  }

  /** One path segment: it must not contain a raw '/'. */
  private static String segment(String raw) {
    if (raw.isEmpty() || raw.contains("/")) {
      throw ApiException.notFound("no such path (encode '/' in ids as %2F)");
    }
    return decode(raw);
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("malformed percent-encoding in '" + s + "'");
    }
  }

  private void web(HttpExchange ex, String name) throws IOException {
    try (InputStream in = ApiServer.class.getResourceAsStream("/web/" + name)) {
      if (in == null) {
        throw ApiException.notFound("web resource " + name + " is missing from the build");
      }
      String type = name.endsWith(".html") ? "text/html; charset=utf-8"
          : name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
      ex.getResponseHeaders().set("Cache-Control", "no-cache");
      ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      send(ex, 200, type, in.readAllBytes());
    }
  }

  private static void json(HttpExchange ex, int status, Object body) throws IOException {
    send(ex, status, "application/json", Json.MAPPER.writeValueAsBytes(body));
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static void error(HttpExchange ex, ApiException e) {
    if (e.status() >= 500) {
      LOG.warn("{} {} -> {}: {}", ex.getRequestMethod(), ex.getRequestURI(), e.status(), e.getMessage());
    }
    if (e.retryAfterSeconds() > 0) {
      ex.getResponseHeaders().set("Retry-After", String.valueOf(e.retryAfterSeconds()));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", e.status());
    body.put("error", reason(e.status()));
    body.put("message", e.getMessage());
    try {
      json(ex, e.status(), body);
    } catch (IOException | IllegalStateException ignored) {
      // headers already sent (a stream broke half-way) or the client left: nothing more to say
    }
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 503 -> "Service Unavailable";
      default -> "Internal Server Error";
    };
  }

  @Override
  public void close() {
    running = false;
    // SSE loops notice "running" within a second; give them that long to end their responses.
    server.stop(2);
    executor.shutdownNow();
  }
}
