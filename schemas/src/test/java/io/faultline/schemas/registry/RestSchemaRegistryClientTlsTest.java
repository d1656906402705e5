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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS to the registry: trust store, a certificate the client does not trust, bad store settings. */
class RestSchemaRegistryClientTlsTest {

  private static final String PASSWORD = "changeit-9f2";

  @TempDir
  Path dir;

  private HttpsServer server;
  private Path serverKeys;
  private Path trust;
  private String url;

  @BeforeEach
  void start() throws Exception {
    serverKeys = dir.resolve("server.p12");
    trust = dir.resolve("trust.p12");
    Path cert = dir.resolve("server.crt");
    keytool("-genkeypair", "-alias", "registry", "-keyalg", "EC", "-dname", "CN=localhost",
        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", serverKeys.toString(),
        "-storetype", "PKCS12", "-storepass", PASSWORD);
    keytool("-exportcert", "-alias", "registry", "-keystore", serverKeys.toString(), "-storepass", PASSWORD,
        "-file", cert.toString());
    keytool("-importcert", "-noprompt", "-alias", "registry", "-file", cert.toString(), "-keystore", trust.toString(),
        "-storetype", "PKCS12", "-storepass", PASSWORD);

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

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
    }
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
