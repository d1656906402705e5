package io.faultline.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.faultline.telemetry.DnsSample;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Client behaviour that needs no registry: connection failures, retries, failover, and how HTTP
 * answers map to exceptions. The answers come from a scripted local HTTP server that replays the
 * replies the Confluent protocol defines; the conversation with a real registry is proven by the
 * ITs in local-stack.
 */
class RestSchemaRegistryClientTest {

  private HttpServer server;
  private final Deque<Reply> replies = new ArrayDeque<>();
  private final List<String> seen = new ArrayList<>();

  record Reply(int status, String body) {}

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private String startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      synchronized (seen) {
        seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + (auth == null ? "" : " " + auth));
      }
      exchange.getRequestBody().readAllBytes();
      Reply r;
      synchronized (replies) {
        r = replies.isEmpty() ? new Reply(500, "{\"error_code\":50001,\"message\":\"script exhausted\"}") : replies.poll();
      }
      byte[] body = r.body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
      exchange.sendResponseHeaders(r.status, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        exchange.getResponseBody().write(body);
      }
      exchange.close();
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7";
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static RestSchemaRegistryClient client(String urls, int retries) {
    return new RestSchemaRegistryClient(RegistryClientConfig.builder(urls).maxRetries(retries)
        .retryBackoff(Duration.ofMillis(1)).retryBackoffMax(Duration.ofMillis(4)).build());
  }

  @Test
  void shouldNameUrlAttemptsAndCauseWhenRegistryIsUnreachable() throws IOException {
    String url = "http://127.0.0.1:" + closedPort() + "/apis/ccompat/v7";
    RestSchemaRegistryClient client = client(url, 3);

    RegistryException e = assertThrows(RegistryException.class, () -> client.schemaById(1));

    assertEquals("schema registry at " + url + " unreachable after 4 attempts: Connection refused", e.getMessage());
    assertEquals(4, client.requestCount());
  }

  @Test
  void shouldTryEveryUrlInEveryAttemptWhenAllAreDown() throws IOException {
    String a = "http://127.0.0.1:" + closedPort();
    String b = "http://127.0.0.1:" + closedPort();
    RestSchemaRegistryClient client = client(a + "," + b, 1);

    RegistryException e = assertThrows(RegistryException.class, () -> client.subjects());

    assertEquals("schema registry at " + a + ", " + b + " unreachable after 2 attempts: "
        + a + ": Connection refused; " + b + ": Connection refused", e.getMessage());
    assertEquals(4, client.requestCount());
  }

  @Test
  void shouldFailOverToNextUrlAndStickToItWhenFirstIsDown() throws IOException {
    String dead = "http://127.0.0.1:" + closedPort();
    String live = startServer();
    replies.add(new Reply(200, "[\"a-value\"]"));
    replies.add(new Reply(200, "[\"a-value\",\"b-value\"]"));
    RestSchemaRegistryClient client = client(dead + "," + live, 0);

    assertEquals(List.of("a-value"), client.subjects());
    assertEquals(List.of("a-value", "b-value"), client.subjects());
    assertEquals(3, client.requestCount(), "the second call goes straight to the URL that answered");
  }

  @Test
  void shouldRetryServerErrorsAndTooManyRequestsButNotClientErrors() throws IOException {
    String url = startServer();
    replies.add(new Reply(503, "{\"error_code\":50003,\"message\":\"store unavailable\"}"));
    replies.add(new Reply(429, ""));
    replies.add(new Reply(200, "{\"schema\":\"\\\"string\\\"\"}"));
    RestSchemaRegistryClient client = client(url, 3);

    assertEquals(Schema.create(Schema.Type.STRING), client.schemaById(7));
    assertEquals(3, client.requestCount());

    replies.add(new Reply(422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}"));
    RegistryException e = assertThrows(RegistryException.class, () -> client.register("s", DnsSample.getClassSchema()));
    assertEquals(4, client.requestCount(), "4xx is final");
    assertTrue(e.getMessage().contains("Invalid schema"), e.getMessage());
  }

  @Test
  void shouldSayFailingWithLastStatusWhenServerErrorsPersist() throws IOException {
    String url = startServer();
    for (int i = 0; i < 3; i++) {
      replies.add(new Reply(500, "{\"error_code\":50001,\"message\":\"Error in the backend data store\"}"));
    }
    RegistryException e = assertThrows(RegistryException.class, () -> client(url, 2).subjects());
    assertEquals("schema registry at " + url + " failing after 3 attempts: HTTP 500 (Error in the backend data store)",
        e.getMessage());
  }

  @Test
  void shouldRaiseSchemaNotFoundWhenErrorCodeIs40403() throws IOException {
    String url = startServer();
    replies.add(new Reply(404, "{\"error_code\":40403,\"message\":\"Schema 99 not found\"}"));
    SchemaNotFoundException e = assertThrows(SchemaNotFoundException.class, () -> client(url, 3).schemaById(99));
    assertEquals("cannot fetch schema id 99: HTTP 404 error 40403 (Schema 99 not found)", e.getMessage());
    assertEquals(List.of("GET /apis/ccompat/v7/schemas/ids/99"), seen);
  }

  @Test
  void shouldPointAtTheUrlWhenA404HasNoRegistryErrorCode() throws IOException {
    String url = startServer();
    replies.add(new Reply(404, "<html>Not Found</html>"));
    RegistryException e = assertThrows(RegistryException.class, () -> client(url, 0).schemaById(1));
    assertFalse(e instanceof SchemaNotFoundException);
    assertTrue(e.getMessage().contains("no Confluent-compatible schema registry API at " + url), e.getMessage());
  }

  @Test
  void shouldRaiseIncompatibleSchemaWhenRegistryAnswers409() throws IOException {
    String url = startServer();
    replies.add(new Reply(409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible\"}"));
    replies.add(new Reply(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}"));
    IncompatibleSchemaException e = assertThrows(IncompatibleSchemaException.class,
        () -> client(url, 3).register("faultline.telemetry.dns-value", DnsSample.getClassSchema()));
    assertEquals("cannot register io.faultline.telemetry.DnsSample under subject faultline.telemetry.dns-value: "
        + "HTTP 409 error 409 (Schema being registered is incompatible)", e.getMessage());
  }

  @Test
  void shouldAnswerTheExistingIdWhenAConcurrentRegistrationCreatedTheSubjectFirst() throws IOException {
    String url = startServer();
    replies.add(new Reply(409, "{\"error_code\":409,\"message\":\"An artifact with ID 'x-value' already exists.\"}"));
    replies.add(new Reply(200, "{\"id\":7,\"version\":1,\"subject\":\"x-value\"}"));
    assertEquals(7, client(url, 0).register("x-value", DnsSample.getClassSchema()));
  }

  @Test
  void shouldCacheIdsAndSchemasBothWaysWhenRegistered() throws IOException {
    String url = startServer();
    replies.add(new Reply(200, "{\"id\":12}"));
    RestSchemaRegistryClient client = client(url, 0);

    assertEquals(12, client.register("faultline.telemetry.dns-value", DnsSample.getClassSchema()));
    assertEquals(12, client.register("faultline.telemetry.dns-value", DnsSample.getClassSchema()));
    assertEquals(12, client.lookup("faultline.telemetry.dns-value", DnsSample.getClassSchema()).orElseThrow());
    assertEquals(DnsSample.getClassSchema(), client.schemaById(12));
    assertEquals(1, client.requestCount());
    assertEquals(List.of("POST /apis/ccompat/v7/subjects/faultline.telemetry.dns-value/versions"), seen);
  }

  @Test
  void shouldAnswerEmptyWhenLookupFindsNothing() throws IOException {
    String url = startServer();
    replies.add(new Reply(404, "{\"error_code\":40401,\"message\":\"Subject not found\"}"));
    replies.add(new Reply(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}"));
    RestSchemaRegistryClient client = client(url, 0);
    assertTrue(client.lookup("nope", DnsSample.getClassSchema()).isEmpty());
    assertTrue(client.lookup("nope", DnsSample.getClassSchema()).isEmpty(), "a miss is not cached");
    assertEquals(2, client.requestCount());
  }

  @Test
  void shouldReadCompatibilityAnswersWhenCheckingAndConfiguring() throws IOException {
    String url = startServer();
    replies.add(new Reply(200, "{\"is_compatible\":false}"));
    replies.add(new Reply(404, "{\"error_code\":40401,\"message\":\"Subject 'x' not found.\"}"));
    replies.add(new Reply(200, "{\"compatibility\":\"BACKWARD\"}"));
    replies.add(new Reply(200, "{\"compatibilityLevel\":\"BACKWARD\"}"));
    RestSchemaRegistryClient client = client(url, 0);

    assertFalse(client.isCompatible("a b", DnsSample.getClassSchema()));
    assertTrue(client.isCompatible("x", DnsSample.getClassSchema()), "nothing registered: anything is compatible");
    client.setCompatibility("x", "BACKWARD");
    assertEquals(Optional.of("BACKWARD"), client.compatibility("x"));
    assertEquals(List.of("POST /apis/ccompat/v7/compatibility/subjects/a%20b/versions/latest",
        "POST /apis/ccompat/v7/compatibility/subjects/x/versions/latest", "PUT /apis/ccompat/v7/config/x",
        "GET /apis/ccompat/v7/config/x"), seen);
  }

  @Test
  void shouldAcceptRuleAlreadyExistsWhenAnotherClientSetTheSameLevelFirst() throws IOException {
    String url = startServer();
    String exists = "{\"error_code\":409,\"message\":\"A rule named 'COMPATIBILITY' already exists.\"}";
    replies.add(new Reply(409, exists));
    replies.add(new Reply(200, "{\"compatibilityLevel\":\"BACKWARD\"}"));
    replies.add(new Reply(409, exists));
    replies.add(new Reply(200, "{\"compatibilityLevel\":\"FORWARD\"}"));
    replies.add(new Reply(200, "{\"compatibility\":\"BACKWARD\"}"));
    RestSchemaRegistryClient client = client(url, 0);

    client.setCompatibility("x", "BACKWARD");
    client.setCompatibility("y", "BACKWARD");
    assertEquals(List.of("PUT /apis/ccompat/v7/config/x", "GET /apis/ccompat/v7/config/x",
        "PUT /apis/ccompat/v7/config/y", "GET /apis/ccompat/v7/config/y", "PUT /apis/ccompat/v7/config/y"), seen,
        "a rule with another level is overwritten once more");
  }

  @Test
  void shouldSendBasicAuthAndKeepItOutOfMessagesWhenCredentialsAreRefused() throws IOException {
    String url = startServer();
    replies.add(new Reply(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}"));
    RestSchemaRegistryClient client = new RestSchemaRegistryClient(RegistryClientConfig.builder(url)
        .basicAuth("fred:s3cret").maxRetries(0).build());

    RegistryException e = assertThrows(RegistryException.class, client::subjects);

    assertEquals(List.of("GET /apis/ccompat/v7/subjects Basic ZnJlZDpzM2NyZXQ="), seen);
    assertTrue(e.getMessage().contains("refused the credentials"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cret") || e.getMessage().contains("ZnJlZDpzM2NyZXQ"), e.getMessage());
  }

  @Test
  void shouldBackOffExponentiallyWithJitterWithinBounds() {
    RestSchemaRegistryClient client = new RestSchemaRegistryClient(RegistryClientConfig.builder("http://r")
        .retryBackoff(Duration.ofMillis(100)).retryBackoffMax(Duration.ofMillis(1000)).build());
    for (int i = 0; i < 200; i++) {
      long first = client.backoffMillis(1);
      long third = client.backoffMillis(3);
      long tenth = client.backoffMillis(10);
      assertTrue(first >= 50 && first <= 100, "retry 1: " + first);
      assertTrue(third >= 200 && third <= 400, "retry 3: " + third);
      assertTrue(tenth >= 500 && tenth <= 1000, "retry 10 is capped: " + tenth);
    }
  }
}
