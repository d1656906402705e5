package io.faultline.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.faultline.schemas.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thin client of the Confluent Schema Registry REST API, enough for the Avro serde and for
 * deployment: register, look up, fetch by id, check and set compatibility, list subjects. Works
 * with any registry speaking that API (Confluent, Apicurio's {@code /apis/ccompat/v7}, Karapace,
 * Redpanda).
 *
 * <p>Schema ids are immutable in the protocol, so ids and schemas are cached in both directions
 * for the life of the client: once a serde has seen a schema, producing and consuming need no
 * registry at all. Compatibility answers and subject lists are not cached: they change.
 *
 * <p>Connection errors, timeouts, 5xx and 429 are retried with exponential backoff and jitter,
 * failing over between the configured URLs; 4xx answers are final. Credentials never appear in a
 * message or a log line.
 */
public final class RestSchemaRegistryClient implements SchemaRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final String ACCEPT =
      "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegistryClientConfig config;
  private final HttpClient http;
  private final String authorization;
  private final AtomicInteger preferredUrl = new AtomicInteger();
  private final AtomicLong requests = new AtomicLong();

  private final Map<String, Integer> idBySubjectAndSchema = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemaById = new ConcurrentHashMap<>();

  public RestSchemaRegistryClient(RegistryClientConfig config) {
    this.config = config;
    this.http = httpClient(config);
    this.authorization = config.basicAuthUserInfo() == null ? null
        : "Basic " + Base64.getEncoder().encodeToString(config.basicAuthUserInfo().getBytes(StandardCharsets.UTF_8));
  }

  public RegistryClientConfig config() {
    return config;
  }

  /** HTTP requests sent so far, retries included: what the caches save is visible here. */
  public long requestCount() {
    return requests.get();
  }

  @Override
  public int register(String subject, Schema schema) {
    String key = cacheKey(subject, schema);
    Integer cached = idBySubjectAndSchema.get(key);
    if (cached != null) {
      return cached;
    }
    Response r = call("POST", "/subjects/" + segment(subject) + "/versions", Map.of("schema", schema.toString()));
    if (r.status == 409) {
      // Two clients registering the same new subject at once (two stream threads sending their first record
      // to a new repartition topic): Apicurio answers the second "artifact already exists". If the schema is
      // now there, that is the answer; an incompatible schema is not, and stays an error.
      OptionalInt existing = lookup(subject, schema);
      if (existing.isPresent()) {
        return existing.getAsInt();
      }
    }
    if (r.status != 200) {
      throw r.error("cannot register " + schema.getFullName() + " under subject " + subject);
    }
    int id = r.intField("id");
    remember(key, id, schema);
    return id;
  }

  @Override
  public OptionalInt lookup(String subject, Schema schema) {
    String key = cacheKey(subject, schema);
    Integer cached = idBySubjectAndSchema.get(key);
    if (cached != null) {
      return OptionalInt.of(cached);
    }
    Response r = call("POST", "/subjects/" + segment(subject), Map.of("schema", schema.toString()));
    if (r.status == 404 && r.errorCode() / 100 == 404) {
      return OptionalInt.empty();
    }
    if (r.status != 200) {
      throw r.error("cannot look up " + schema.getFullName() + " under subject " + subject);
    }
    int id = r.intField("id");
    remember(key, id, schema);
    return OptionalInt.of(id);
  }

  @Override
  public Schema schemaById(int id) {
    Schema cached = schemaById.get(id);
    if (cached != null) {
      return cached;
    }
    Response r = call("GET", "/schemas/ids/" + id, null);
    if (r.status != 200) {
      throw r.error("cannot fetch schema id " + id);
    }
    String type = r.json().path("schemaType").asText("AVRO");
    if (!"AVRO".equalsIgnoreCase(type)) {
      throw new RegistryException("schema id " + id + " is a " + type + " schema, not Avro");
    }
    Schema schema;
    try {
      schema = new Schema.Parser().parse(r.textField("schema"));
    } catch (SchemaParseException e) {
      throw new RegistryException("schema id " + id + " from " + r.base + " is not a valid Avro schema: " + e.getMessage(), e);
    }
    Schema raced = schemaById.putIfAbsent(id, schema);
    return raced != null ? raced : schema;
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    Response r = call("POST", "/compatibility/subjects/" + segment(subject) + "/versions/latest",
        Map.of("schema", schema.toString()));
    if (r.status == 404 && (r.errorCode() == 40401 || r.errorCode() == 40402)) {
      return true; // no version yet: anything may be registered
    }
    if (r.status != 200) {
      throw r.error("cannot check " + schema.getFullName() + " against subject " + subject);
    }
    JsonNode v = r.json().get("is_compatible");
    if (v == null || !v.isBoolean()) {
      throw new RegistryException("unexpected reply from " + r.base + " to a compatibility check: no is_compatible");
    }
    return v.asBoolean();
  }

  @Override
  public void setCompatibility(String subject, String level) {
    Response r = call("PUT", "/config/" + segment(subject), Map.of("compatibility", level));
    if (r.status == 409) {
      // Apicurio answers 409 "rule already exists" when another client created the subject's rule
      // between our read and write (two processors starting together): the rule is there, so the
      // outcome stands if it has our level, and one more PUT updates it if it has another.
      if (compatibility(subject).map(level::equalsIgnoreCase).orElse(false)) {
        return;
      }
      r = call("PUT", "/config/" + segment(subject), Map.of("compatibility", level));
    }
    if (r.status != 200) {
      throw r.error("cannot set compatibility " + level + " on subject " + subject);
    }
  }

  @Override
  public Optional<String> compatibility(String subject) {
    Response r = call("GET", "/config/" + segment(subject), null);
    if (r.status == 404) {
      return Optional.empty();
    }
    if (r.status != 200) {
      throw r.error("cannot read the compatibility of subject " + subject);
    }
    JsonNode json = r.json();
    // Confluent answers compatibilityLevel on GET (compatibility on PUT); accept either.
    String level = json.path("compatibilityLevel").asText(json.path("compatibility").asText(null));
    return Optional.ofNullable(level);
  }

  @Override
  public List<String> subjects() {
    Response r = call("GET", "/subjects", null);
    if (r.status != 200) {
      throw r.error("cannot list subjects");
    }
    List<String> out = new ArrayList<>();
    r.json().forEach(n -> out.add(n.asText()));
    return out;
  }

  @Override
  public String toString() {
    return "RestSchemaRegistryClient[" + config.describeUrls() + "]";
  }

  private void remember(String key, int id, Schema schema) {
    idBySubjectAndSchema.put(key, id);
    schemaById.putIfAbsent(id, schema);
  }

  private static String cacheKey(String subject, Schema schema) {
    return subject + '\u0000' + schema;
  }

  private static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Sends one request, retrying what may succeed later. One attempt tries each URL in turn,
   * starting with the one that answered last, so a dead registry node costs one connect error.
   */
  private Response call(String method, String path, Object body) {
    byte[] bytes;
    try {
      bytes = body == null ? null : JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new RegistryException("cannot encode a registry request: " + e.getMessage(), e);
    }
    List<URI> urls = config.urls();
    int attempts = config.maxRetries() + 1;
    Map<URI, String> failures = new LinkedHashMap<>();
    Throwable lastCause = null;
    boolean onlyTransport = true;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) {
        long delay = backoffMillis(attempt - 1);
        LOG.warn("schema registry {} {} failed ({}); retry {}/{} in {} ms",
            method, path, String.join("; ", failures.values()), attempt - 1, config.maxRetries(), delay);
        sleep(delay, method, path);
      }
      failures.clear();
      int start = preferredUrl.get();
      for (int i = 0; i < urls.size(); i++) {
        int idx = (start + i) % urls.size();
        URI base = urls.get(idx);
        HttpRequest request = request(base, method, path, bytes);
        requests.incrementAndGet();
        try {
          HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
          int status = response.statusCode();
          LOG.debug("{} {}{} -> HTTP {}", method, base, path, status);
          if (status >= 500 || status == 429) {
            Response r = new Response(base, path, status, response.body());
            failures.put(base, "HTTP " + status + r.errorSuffix());
            onlyTransport = false;
            lastCause = null;
            continue;
          }
          preferredUrl.set(idx);
          return new Response(base, path, status, response.body());
        } catch (javax.net.ssl.SSLHandshakeException e) {
          // A certificate the client does not trust will not become trusted by retrying.
          throw new RegistryException("TLS handshake with the schema registry at " + base + " failed: " + describe(e)
              + " (check " + RegistryClientConfig.SSL_TRUSTSTORE_LOCATION + ")", e);
        } catch (IOException e) {
          failures.put(base, describe(e));
          lastCause = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new RegistryException("interrupted while calling the schema registry at " + base, e);
        }
      }
    }
    String why = urls.size() == 1 ? failures.values().iterator().next()
        : String.join("; ", failures.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList());
    throw new RegistryException("schema registry at " + config.describeUrls() + (onlyTransport ? " unreachable" : " failing")
        + " after " + attempts + (attempts == 1 ? " attempt: " : " attempts: ") + why, lastCause);
  }

  private HttpRequest request(URI base, String method, String path, byte[] body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(config.requestTimeout())
        .header("Accept", ACCEPT);
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    if (body != null) {
      b.header("Content-Type", CONTENT_TYPE);
      b.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return b.build();
  }

  /** Exponential backoff with jitter: a random delay in the upper half of min(max, base * 2^(n-1)). */
  long backoffMillis(int retry) {
    long base = config.retryBackoff().toMillis();
    long max = config.retryBackoffMax().toMillis();
    long cap = base <= 0 ? 0 : Math.min(max, base << Math.min(retry - 1, 30));
    if (cap <= 1) {
      return cap;
    }
    return cap / 2 + ThreadLocalRandom.current().nextLong(cap - cap / 2 + 1);
  }

  private static void sleep(long millis, String method, String path) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted while waiting to retry schema registry " + method + " " + path, e);
    }
  }

  /** The most specific message in a transport error's cause chain (HttpClient often wraps one without). */
  static String describe(Throwable e) {
    if (e instanceof java.net.ConnectException && (e.getMessage() == null || e.getMessage().isBlank())) {
      // The JDK HttpClient drops the socket's "Connection refused" and throws a bare ConnectException.
      return "Connection refused";
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return t.getMessage();
      }
    }
    return e.getClass().getSimpleName();
  }

  private static HttpClient httpClient(RegistryClientConfig config) {
    HttpClient.Builder b = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(config.connectTimeout());
    if (config.truststoreLocation() != null || config.keystoreLocation() != null) {
      b.sslContext(sslContext(config));
    }
    return b.build();
  }

  private static SSLContext sslContext(RegistryClientConfig c) {
    try {
      TrustManagerFactory tmf = null;
      if (c.truststoreLocation() != null) {
        KeyStore trust = load(c.truststoreLocation(), c.truststorePassword(), c.truststoreType(), "truststore");
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
      }
      KeyManagerFactory kmf = null;
      if (c.keystoreLocation() != null) {
        KeyStore keys = load(c.keystoreLocation(), c.keystorePassword(), c.keystoreType(), "keystore");
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        String keyPassword = c.keyPassword() != null ? c.keyPassword() : c.keystorePassword();
        kmf.init(keys, keyPassword == null ? null : keyPassword.toCharArray());
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new ConfigException("schema registry TLS setup failed: " + e.getMessage(), e);
    }
  }

  private static KeyStore load(java.nio.file.Path file, String password, String type, String what) {
    String t = type == null ? KeyStore.getDefaultType() : type;
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore ks = KeyStore.getInstance(t);
      ks.load(in, password == null ? null : password.toCharArray());
      return ks;
    } catch (IOException | GeneralSecurityException e) {
      // The message of a wrong password is "keystore password was incorrect": no secret in it.
      throw new ConfigException("schema registry " + what + " " + file + " (" + t + "): " + describe(e), e);
    }
  }

  /** A registry answer that is not a retryable failure. */
  private static final class Response {
    final URI base;
    final String path;
    final int status;
    final byte[] body;
    private JsonNode json;

    Response(URI base, String path, int status, byte[] body) {
      this.base = base;
      this.path = path;
      this.status = status;
      this.body = body == null ? new byte[0] : body;
    }

    JsonNode json() {
      if (json == null) {
        try {
          json = JSON.readTree(body);
        } catch (IOException e) {
          throw new RegistryException("unexpected reply from " + base + path + " (HTTP " + status + "): not JSON");
        }
        if (json == null || json.isMissingNode()) {
          throw new RegistryException("unexpected reply from " + base + path + " (HTTP " + status + "): empty body");
        }
      }
      return json;
    }

    private JsonNode jsonOrNull() {
      try {
        return json();
      } catch (RegistryException e) {
        return null;
      }
    }

    /** The Confluent error code ({@code error_code}), or -1 when the body has none. */
    int errorCode() {
      JsonNode j = jsonOrNull();
      return j != null && j.path("error_code").canConvertToInt() ? j.path("error_code").asInt() : -1;
    }

    String errorSuffix() {
      JsonNode j = jsonOrNull();
      String msg = j == null ? null : j.path("message").asText(null);
      return msg == null ? "" : " (" + msg + ")";
    }

    int intField(String name) {
      JsonNode v = json().get(name);
      if (v == null || !v.canConvertToInt()) {
        throw new RegistryException("unexpected reply from " + base + path + ": no '" + name + "'");
      }
      return v.asInt();
    }

    String textField(String name) {
      JsonNode v = json().get(name);
      if (v == null || !v.isTextual()) {
        throw new RegistryException("unexpected reply from " + base + path + ": no '" + name + "'");
      }
      return v.asText();
    }

    RegistryException error(String what) {
      int code = errorCode();
      String detail = "HTTP " + status + (code > 0 ? " error " + code : "") + errorSuffix();
      if (status == 404 && code / 100 == 404) {
        return new SchemaNotFoundException(what + ": " + detail);
      }
      if (status == 404) {
        return new RegistryException(what + ": no Confluent-compatible schema registry API at " + base
            + " (HTTP 404 for " + path + "); check " + RegistryClientConfig.URL
            + " (Apicurio: http://HOST:PORT/apis/ccompat/v7)");
      }
      if (status == 409) {
        return new IncompatibleSchemaException(what + ": " + detail);
      }
      if (status == 401 || status == 403) {
        return new RegistryException(what + ": the schema registry at " + base + " refused the credentials (" + detail
            + "); check " + RegistryClientConfig.BASIC_AUTH_USER_INFO);
      }
      if (status == 422) {
        return new RegistryException(what + ": the registry calls the request invalid: " + detail);
      }
      return new RegistryException(what + ": " + detail + " from " + base);
    }
  }
}
