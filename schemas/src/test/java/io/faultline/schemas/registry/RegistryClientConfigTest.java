package io.faultline.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.schemas.config.ConfigException;
import io.faultline.schemas.config.LayeredConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

class RegistryClientConfigTest {

  @Test
  void shouldUseDefaultsWhenOnlyUrlIsGiven() {
    RegistryClientConfig c = RegistryClientConfig.fromMap(Map.of("schema.registry.url", "http://localhost:8080/apis/ccompat/v7/"));
    assertEquals(List.of(URI.create("http://localhost:8080/apis/ccompat/v7")), c.urls());
    assertNull(c.basicAuthUserInfo());
    assertEquals(RegistryClientConfig.DEFAULT_MAX_RETRIES, c.maxRetries());
    assertEquals(RegistryClientConfig.DEFAULT_REQUEST_TIMEOUT, c.requestTimeout());
    assertEquals(RegistryClientConfig.DEFAULT_RETRY_BACKOFF, c.retryBackoff());
    assertEquals(RegistryClientConfig.DEFAULT_RETRY_BACKOFF_MAX, c.retryBackoffMax());
  }

  @Test
  void shouldSplitCommaSeparatedUrlsWhenSeveralRegistriesAreGiven() {
    RegistryClientConfig c = RegistryClientConfig.fromMap(Map.of("schema.registry.url", " http://a:8081 ,https://b:8443/x//, "));
    assertEquals(List.of(URI.create("http://a:8081"), URI.create("https://b:8443/x")), c.urls());
    assertEquals("http://a:8081, https://b:8443/x", c.describeUrls());
  }

  @Test
  void shouldReadAllKeysWhenGivenConfluentStyleProperties() {
    RegistryClientConfig c = RegistryClientConfig.fromMap(Map.ofEntries(
        Map.entry("schema.registry.url", "https://reg:8443"),
        Map.entry("basic.auth.credentials.source", "USER_INFO"),
        Map.entry("basic.auth.user.info", "fred:s3cr:et"),
        Map.entry("schema.registry.ssl.truststore.location", "/etc/trust.p12"),
        Map.entry("schema.registry.ssl.truststore.password", new Password("tpass")),
        Map.entry("schema.registry.ssl.truststore.type", "PKCS12"),
        Map.entry("schema.registry.ssl.keystore.location", "/etc/keys.jks"),
        Map.entry("schema.registry.ssl.keystore.password", "kpass"),
        Map.entry("schema.registry.ssl.keystore.type", "JKS"),
        Map.entry("schema.registry.ssl.key.password", "keypass"),
        Map.entry("request.timeout.ms", 1500),
        Map.entry("http.connect.timeout.ms", "700"),
        Map.entry("max.retries", "7"),
        Map.entry("retry.backoff.ms", "50"),
        Map.entry("retry.backoff.max.ms", "900")));
    assertEquals("fred:s3cr:et", c.basicAuthUserInfo());
    assertEquals(Path.of("/etc/trust.p12"), c.truststoreLocation());
    assertEquals("tpass", c.truststorePassword());
    assertEquals("PKCS12", c.truststoreType());
    assertEquals(Path.of("/etc/keys.jks"), c.keystoreLocation());
    assertEquals("kpass", c.keystorePassword());
    assertEquals("JKS", c.keystoreType());
    assertEquals("keypass", c.keyPassword());
    assertEquals(Duration.ofMillis(1500), c.requestTimeout());
    assertEquals(Duration.ofMillis(700), c.connectTimeout());
    assertEquals(7, c.maxRetries());
    assertEquals(Duration.ofMillis(50), c.retryBackoff());
    assertEquals(Duration.ofMillis(900), c.retryBackoffMax());
  }

  @Test
  void shouldPreferPrefixedKeyWhenBothAreInAKafkaClientConfig() {
    RegistryClientConfig c = RegistryClientConfig.fromMap(Map.of("schema.registry.url", "http://r",
        "request.timeout.ms", "30000", "schema.registry.request.timeout.ms", "2000",
        "retry.backoff.ms", "100", "schema.registry.retry.backoff.ms", "10"));
    assertEquals(Duration.ofMillis(2000), c.requestTimeout());
    assertEquals(Duration.ofMillis(10), c.retryBackoff());
  }

  @Test
  void shouldIgnoreBrokerTlsSettingsWhenNotPrefixed() {
    RegistryClientConfig c = RegistryClientConfig.fromMap(Map.of("schema.registry.url", "https://r",
        "ssl.truststore.location", "/broker/trust.jks"));
    assertNull(c.truststoreLocation());
  }

  @Test
  void shouldTakeCredentialsFromUrlButNeverShowThem() {
    RegistryClientConfig c = RegistryClientConfig.fromMap(Map.of("schema.registry.url", "http://bob:hunter2@reg:8081"));
    assertEquals("bob:hunter2", c.basicAuthUserInfo());
    assertEquals(List.of(URI.create("http://reg:8081")), c.urls());
    assertFalse(c.toString().contains("hunter2"), c.toString());
    assertTrue(c.toString().contains("user bob"), c.toString());
  }

  @Test
  void shouldMaskPasswordsWhenPrinted() {
    RegistryClientConfig c = RegistryClientConfig.builder("http://r").basicAuth("u:topsecret")
        .truststore(Path.of("/t"), "trustsecret", null).keystore(Path.of("/k"), "keysecret", null, "keypwsecret").build();
    String s = c.toString();
    for (String secret : List.of("topsecret", "trustsecret", "keysecret", "keypwsecret")) {
      assertFalse(s.contains(secret), s);
    }
  }

  @Test
  void shouldExplainWhenConfigIsWrong() {
    assertEquals("missing 'schema.registry.url': the schema registry URL(s), comma-separated",
        fail(Map.of()));
    assertEquals("'schema.registry.url': expected http(s)://host[:port][/path], got ftp://r",
        fail(Map.of("schema.registry.url", "ftp://r")));
    assertEquals("'schema.registry.url': expected http(s)://host[:port][/path], got localhost:8081",
        fail(Map.of("schema.registry.url", "http://r:1,localhost:8081")));
    assertEquals("'basic.auth.credentials.source=USER_INFO' needs 'basic.auth.user.info' (user:password)",
        fail(Map.of("schema.registry.url", "http://r", "basic.auth.credentials.source", "USER_INFO")));
    assertEquals("'basic.auth.credentials.source' must be USER_INFO or URL, got 'SASL_INHERIT'",
        fail(Map.of("schema.registry.url", "http://r", "basic.auth.credentials.source", "SASL_INHERIT")));
    assertEquals("'basic.auth.user.info' must be user:password",
        fail(Map.of("schema.registry.url", "http://r", "basic.auth.user.info", "justauser")));
    assertEquals("'max.retries' must be a whole number, got 'three'",
        fail(Map.of("schema.registry.url", "http://r", "max.retries", "three")));
    assertEquals("'schema.registry.retry.backoff.ms' must be >= 0, got -5",
        fail(Map.of("schema.registry.url", "http://r", "schema.registry.retry.backoff.ms", "-5")));
    assertEquals("'retry.backoff.max.ms' (10) must be >= 'retry.backoff.ms' (100) and both >= 0",
        fail(Map.of("schema.registry.url", "http://r", "retry.backoff.max.ms", "10", "retry.backoff.ms", "100")));
  }

  @Test
  void shouldNotEchoCredentialsWhenUrlIsInvalid() {
    String msg = fail(Map.of("schema.registry.url", "ftp://bob:hunter2@r"));
    assertFalse(msg.contains("hunter2"), msg);
  }

  @Test
  void shouldMapRegistryKeysWhenBuiltFromLayeredConfig() {
    LayeredConfig layered = LayeredConfig.load(Map.of("registry.url", "http://default:8080/apis/ccompat/v7"), null,
        Map.of("FAULTLINE_REGISTRY_URL", "http://env:8080/apis/ccompat/v7",
            "FAULTLINE_REGISTRY_BASIC_AUTH_USER_INFO", "svc:pw"),
        Map.of("registry.max.retries", "1"));
    RegistryClientConfig c = RegistryClientConfig.fromMap(SchemaRegistries.confluentKeys(layered));
    assertEquals(List.of(URI.create("http://env:8080/apis/ccompat/v7")), c.urls());
    assertEquals("svc:pw", c.basicAuthUserInfo());
    assertEquals(1, c.maxRetries());
  }

  private static String fail(Map<String, ?> map) {
    return assertThrows(ConfigException.class, () -> RegistryClientConfig.fromMap(map)).getMessage();
  }
}
