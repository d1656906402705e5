package io.faultline.schemas.registry;

import io.faultline.schemas.config.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link RestSchemaRegistryClient} reaches a registry. Built with {@link #builder} or from the
 * Confluent-style properties a Kafka client is configured with ({@link #fromMap}), so a producer
 * configured for Confluent's serializer works with ours unchanged. The keys are listed in
 * {@code schemas/README.md}.
 *
 * <p>{@link #toString()} never shows the password of the basic-auth user info or of a key store.
 */
public record RegistryClientConfig(
    List<URI> urls,
    String basicAuthUserInfo,
    Path truststoreLocation,
    String truststorePassword,
    String truststoreType,
    Path keystoreLocation,
    String keystorePassword,
    String keystoreType,
    String keyPassword,
    Duration connectTimeout,
    Duration requestTimeout,
    int maxRetries,
    Duration retryBackoff,
    Duration retryBackoffMax) {

  public static final String URL = "schema.registry.url";
  public static final String PREFIX = "schema.registry.";
  public static final String BASIC_AUTH_SOURCE = "basic.auth.credentials.source";
  public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
  public static final String SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
  public static final String SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
  public static final String SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
  public static final String SSL_KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
  public static final String SSL_KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
  public static final String SSL_KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
  public static final String SSL_KEY_PASSWORD = "schema.registry.ssl.key.password";
  public static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
  public static final String REQUEST_TIMEOUT_MS = "request.timeout.ms";
  public static final String MAX_RETRIES = "max.retries";
  public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
  public static final String RETRY_BACKOFF_MAX_MS = "retry.backoff.max.ms";

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_RETRIES = 3;
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(100);
  public static final Duration DEFAULT_RETRY_BACKOFF_MAX = Duration.ofSeconds(2);

  public RegistryClientConfig {
    Objects.requireNonNull(urls, "urls");
    if (urls.isEmpty()) {
      throw new ConfigException("'" + URL + "' must name at least one registry URL");
    }
    urls = List.copyOf(urls);
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(retryBackoff, "retryBackoff");
    Objects.requireNonNull(retryBackoffMax, "retryBackoffMax");
    if (maxRetries < 0) {
      throw new ConfigException("'" + MAX_RETRIES + "' must be >= 0, got " + maxRetries);
    }
    if (connectTimeout.isNegative() || connectTimeout.isZero() || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new ConfigException("registry timeouts must be positive");
    }
    if (retryBackoff.isNegative() || retryBackoffMax.compareTo(retryBackoff) < 0) {
      throw new ConfigException("'" + RETRY_BACKOFF_MAX_MS + "' (" + retryBackoffMax.toMillis()
          + ") must be >= '" + RETRY_BACKOFF_MS + "' (" + retryBackoff.toMillis() + ") and both >= 0");
    }
    if (basicAuthUserInfo != null && basicAuthUserInfo.indexOf(':') < 0) {
      throw new ConfigException("'" + BASIC_AUTH_USER_INFO + "' must be user:password");
    }
  }

  public static Builder builder(String urls) {
    return new Builder(parseUrls(urls));
  }

  /**
   * Reads Confluent-style keys. Every key except {@code schema.registry.url} and the
   * {@code schema.registry.ssl.*} ones may also be given with the {@code schema.registry.} prefix,
   * which then wins: the map is often a Kafka client's whole configuration, where
   * {@code retry.backoff.ms} also tunes the Kafka client, and the prefixed key tunes only the
   * registry client. The TLS keys exist only prefixed, so the broker's TLS settings never leak here.
   */
  public static RegistryClientConfig fromMap(Map<String, ?> configs) {
    Object url = configs.get(URL);
    if (url == null || String.valueOf(url).isBlank()) {
      throw new ConfigException("missing '" + URL + "': the schema registry URL(s), comma-separated");
    }
    Builder b = builder(String.valueOf(url));

    String source = string(configs, BASIC_AUTH_SOURCE);
    String userInfo = string(configs, BASIC_AUTH_USER_INFO);
    String src = source == null ? (userInfo != null ? "USER_INFO" : "URL") : source.trim().toUpperCase(Locale.ROOT);
    switch (src) {
      case "USER_INFO" -> {
        if (userInfo == null) {
          throw new ConfigException("'" + BASIC_AUTH_SOURCE + "=USER_INFO' needs '" + BASIC_AUTH_USER_INFO + "' (user:password)");
        }
        b.basicAuth(userInfo);
      }
      case "URL" -> b.basicAuth(userInfoOfUrls(String.valueOf(url)));
      default -> throw new ConfigException("'" + BASIC_AUTH_SOURCE + "' must be USER_INFO or URL, got '" + source + "'");
    }

    String trust = exact(configs, SSL_TRUSTSTORE_LOCATION);
    if (trust != null) {
      b.truststore(Path.of(trust), exact(configs, SSL_TRUSTSTORE_PASSWORD), exact(configs, SSL_TRUSTSTORE_TYPE));
    }
    String keys = exact(configs, SSL_KEYSTORE_LOCATION);
    if (keys != null) {
      b.keystore(Path.of(keys), exact(configs, SSL_KEYSTORE_PASSWORD), exact(configs, SSL_KEYSTORE_TYPE),
          exact(configs, SSL_KEY_PASSWORD));
    }
    Long connect = millis(configs, CONNECT_TIMEOUT_MS);
    if (connect != null) {
      b.connectTimeout(Duration.ofMillis(connect));
    }
    // Confluent's client calls the request timeout http.read.timeout.ms; accept both names.
    Long request = millis(configs, REQUEST_TIMEOUT_MS);
    if (request == null) {
      request = millis(configs, "http.read.timeout.ms");
    }
    if (request != null) {
      b.requestTimeout(Duration.ofMillis(request));
    }
    Long retries = millis(configs, MAX_RETRIES);
    if (retries != null) {
      b.maxRetries((int) Math.min(Integer.MAX_VALUE, retries));
    }
    Long backoff = millis(configs, RETRY_BACKOFF_MS);
    Long backoffMax = millis(configs, RETRY_BACKOFF_MAX_MS);
    if (backoff != null) {
      b.retryBackoff(Duration.ofMillis(backoff));
    }
    if (backoffMax != null) {
      b.retryBackoffMax(Duration.ofMillis(backoffMax));
    } else if (backoff != null && backoff > b.retryBackoffMax.toMillis()) {
      b.retryBackoffMax(Duration.ofMillis(backoff));
    }
    return b.build();
  }

  /** The URLs as shown in messages and logs: never with credentials. */
  public String describeUrls() {
    return String.join(", ", urls.stream().map(URI::toString).toList());
  }

  @Override
  public String toString() {
    return "RegistryClientConfig[urls=" + describeUrls()
        + ", basicAuth=" + (basicAuthUserInfo == null ? "none" : "user " + basicAuthUserInfo.substring(0, basicAuthUserInfo.indexOf(':')))
        + ", truststore=" + (truststoreLocation == null ? "default" : truststoreLocation)
        + ", keystore=" + (keystoreLocation == null ? "none" : keystoreLocation)
        + ", connectTimeout=" + connectTimeout.toMillis() + "ms, requestTimeout=" + requestTimeout.toMillis()
        + "ms, maxRetries=" + maxRetries + ", retryBackoff=" + retryBackoff.toMillis() + ".."
        + retryBackoffMax.toMillis() + "ms]";
  }

  private static String exact(Map<String, ?> configs, String key) {
    Object v = configs.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof org.apache.kafka.common.config.types.Password p) {
      return p.value();
    }
    String s = String.valueOf(v).trim();
    return s.isEmpty() ? null : s;
  }

  private static String string(Map<String, ?> configs, String key) {
    String prefixed = exact(configs, PREFIX + key);
    return prefixed != null ? prefixed : exact(configs, key);
  }

  private static Long millis(Map<String, ?> configs, String key) {
    String prefixedKey = PREFIX + key;
    String used = exact(configs, prefixedKey) != null ? prefixedKey : key;
    String v = exact(configs, used);
    if (v == null) {
      return null;
    }
    try {
      long n = Long.parseLong(v);
      if (n < 0) {
        throw new ConfigException("'" + used + "' must be >= 0, got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigException("'" + used + "' must be a whole number, got '" + v + "'");
    }
  }

  /** Parses a comma-separated URL list, dropping credentials and trailing slashes. */
  static List<URI> parseUrls(String urls) {
    List<URI> out = new ArrayList<>();
    for (String raw : urls.split(",")) {
      String s = raw.trim();
      if (s.isEmpty()) {
        continue;
      }
      URI u;
      try {
        u = new URI(s);
      } catch (URISyntaxException e) {
        throw new ConfigException("'" + URL + "': not a URL: " + stripUserInfo(s));
      }
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) {
        throw new ConfigException("'" + URL + "': expected http(s)://host[:port][/path], got " + stripUserInfo(s));
      }
      String path = u.getRawPath() == null ? "" : u.getRawPath().replaceAll("/+$", "");
      try {
        out.add(new URI(scheme + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "") + path));
      } catch (URISyntaxException e) {
        throw new ConfigException("'" + URL + "': not a URL: " + stripUserInfo(s));
      }
    }
    if (out.isEmpty()) {
      throw new ConfigException("'" + URL + "' must name at least one registry URL");
    }
    return out;
  }

  private static String userInfoOfUrls(String urls) {
    for (String raw : urls.split(",")) {
      try {
        String ui = new URI(raw.trim()).getRawUserInfo();
        if (ui != null) {
          return java.net.URLDecoder.decode(ui, java.nio.charset.StandardCharsets.UTF_8);
        }
      } catch (URISyntaxException e) {
        // parseUrls reports it
      }
    }
    return null;
  }

  private static String stripUserInfo(String s) {
    return s.replaceFirst("//[^/@]*@", "//");
  }

  /** Builder with the defaults of the README. */
  public static final class Builder {
    private final List<URI> urls;
    private String basicAuthUserInfo;
    private Path truststoreLocation;
    private String truststorePassword;
    private String truststoreType;
    private Path keystoreLocation;
    private String keystorePassword;
    private String keystoreType;
    private String keyPassword;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
    private Duration retryBackoffMax = DEFAULT_RETRY_BACKOFF_MAX;

    private Builder(List<URI> urls) {
      this.urls = urls;
    }

    /** {@code user:password}, sent as HTTP basic authentication; null for none. */
    public Builder basicAuth(String userInfo) {
      this.basicAuthUserInfo = userInfo;
      return this;
    }

    public Builder truststore(Path location, String password, String type) {
      this.truststoreLocation = location;
      this.truststorePassword = password;
      this.truststoreType = type;
      return this;
    }

    public Builder keystore(Path location, String password, String type, String keyPassword) {
      this.keystoreLocation = location;
      this.keystorePassword = password;
      this.keystoreType = type;
      this.keyPassword = keyPassword;
      return this;
    }

    public Builder connectTimeout(Duration d) {
      this.connectTimeout = d;
      return this;
    }

    public Builder requestTimeout(Duration d) {
      this.requestTimeout = d;
      return this;
    }

    public Builder maxRetries(int n) {
      this.maxRetries = n;
      return this;
    }

    public Builder retryBackoff(Duration d) {
      this.retryBackoff = d;
      return this;
    }

    public Builder retryBackoffMax(Duration d) {
      this.retryBackoffMax = d;
      return this;
    }

    public RegistryClientConfig build() {
      return new RegistryClientConfig(urls, basicAuthUserInfo, truststoreLocation, truststorePassword, truststoreType,
          keystoreLocation, keystorePassword, keystoreType, keyPassword, connectTimeout, requestTimeout, maxRetries,
          retryBackoff, retryBackoffMax);
    }
  }
}
