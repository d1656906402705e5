package io.faultline.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.faultline.schemas.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS to the registry: trust store, a certificate the client does not trust, bad store settings. */
class RestSchemaRegistryClientTlsTest {

  private static final String PASSWORD = "changeit-9f2";

  @TempDir
  static Path dir;

  private static HttpsServer server;
  private static Path serverKeys;
  private static Path trust;
  private static String url;

  /** Test stores from src/test/resources/tls (see the README there), copied to a plain path. */
  @BeforeAll
  static void start() throws Exception {
    serverKeys = copy("server.p12");
    trust = copy("trust.p12");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(serverKeys)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD.toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ctx));
    server.createContext("/", exchange -> {
      byte[] body = "[\"over-tls-value\"]".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    url = "https://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static Path copy(String name) throws IOException {
    Path target = dir.resolve(name);
    try (InputStream in = RestSchemaRegistryClientTlsTest.class.getResourceAsStream("/tls/" + name)) {
      Files.copy(in, target);
    }
    return target;
  }

  @Test
  void shouldTalkTlsWhenTruststoreTrustsTheRegistry() {
    RestSchemaRegistryClient client = new RestSchemaRegistryClient(RegistryClientConfig.fromMap(java.util.Map.of(
        "schema.registry.url", url,
        "schema.registry.ssl.truststore.location", trust.toString(),
        "schema.registry.ssl.truststore.password", PASSWORD,
        "schema.registry.ssl.truststore.type", "PKCS12")));
    assertEquals(List.of("over-tls-value"), client.subjects());
  }

  @Test
  void shouldFailAtOnceNamingTheTruststoreWhenCertificateIsNotTrusted() {
    RestSchemaRegistryClient client = new RestSchemaRegistryClient(RegistryClientConfig.builder(url).maxRetries(3).build());
    RegistryException e = assertThrows(RegistryException.class, client::subjects);
    assertTrue(e.getMessage().startsWith("TLS handshake with the schema registry at " + url + " failed: "), e.getMessage());
    assertTrue(e.getMessage().endsWith("(check schema.registry.ssl.truststore.location)"), e.getMessage());
    assertEquals(1, client.requestCount(), "an untrusted certificate is not retried");
  }

  @Test
  void shouldNameTheStoreButNotThePasswordWhenStoreCannotBeOpened() {
    ConfigException wrong = assertThrows(ConfigException.class, () -> new RestSchemaRegistryClient(
        RegistryClientConfig.builder(url).truststore(trust, "not-the-password", "PKCS12").build()));
    assertTrue(wrong.getMessage().startsWith("schema registry truststore " + trust + " (PKCS12): "), wrong.getMessage());
    assertFalse(wrong.getMessage().contains("not-the-password"), wrong.getMessage());

    Path missing = dir.resolve("missing.p12");
    ConfigException absent = assertThrows(ConfigException.class, () -> new RestSchemaRegistryClient(
        RegistryClientConfig.builder(url).keystore(missing, PASSWORD, null, null).build()));
    assertTrue(absent.getMessage().startsWith("schema registry keystore " + missing), absent.getMessage());
  }
}
