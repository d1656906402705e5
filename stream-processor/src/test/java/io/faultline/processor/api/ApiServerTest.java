package io.faultline.processor.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.correlation.Incident;
import io.faultline.processor.analysis.RootCauseAnalyzer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP surface over the real correlator's stores: routing, validation, auth, SSE, health, metrics. */
class ApiServerTest {
  @TempDir Path stateDir;
  private CorrelatorFixture fx;
  private ApiServer server;
  private IncidentBroadcaster broadcaster;
  private FaultlineMetrics metrics;
  private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.RUNNING);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void setUp() {
    fx = new CorrelatorFixture(stateDir).dnsEstate();
    broadcaster = new IncidentBroadcaster(16);
    metrics = FaultlineMetrics.prometheus();
  }

  private void start(String token) {
    ApiSettings settings = ApiSettings.defaults().withPort(0).withToken(token);
    server = ApiServer.start(settings, new ApiServer.Backend(
        new StoreQueries(fx.reader(), new RootCauseAnalyzer()), broadcaster, state::get, null, metrics));
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    metrics.close();
    fx.close();
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
        .timeout(Duration.ofSeconds(30));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
    return Json.MAPPER.readTree(r.body());
  }

  @Test
  void shouldServeIncidentsEntitiesRootCauseAndImpactWhenTheCorrelatorHasAnIncident() throws Exception {
    start("");
    fx.resolverDown();
    Incident published = fx.latest().values().iterator().next();

    JsonNode open = json(get("/api/v1/incidents?state=open"));
    assertEquals(1, open.size());
    assertEquals(published.getId(), open.get(0).get("id").asText());
    assertEquals(published.getRootCause(), open.get(0).get("rootCause").asText());
    assertEquals(0, json(get("/api/v1/incidents?state=resolved")).size());
    assertEquals(1, json(get("/api/v1/incidents")).size(), "no filter means all");

    JsonNode detail = json(get("/api/v1/incidents/" + published.getId()));
    assertEquals(published.getId(), detail.get("incident").get("id").asText());
    assertTrue(detail.get("evidence").size() > 0);
    assertTrue(detail.get("paths").size() > 0);

    JsonNode entity = json(get("/api/v1/entities/app:mail"));
    assertEquals("symptomatic", entity.get("health").asText());
    JsonNode rc = json(get("/api/v1/entities/app:mail/root-cause"));
    assertEquals(published.getRootCause(), rc.get("rootCause").asText());
    JsonNode impact = json(get("/api/v1/entities/dns-resolver:r1/impact"));
    assertEquals(6, impact.get("transitive").size());
  }

  @Test
  void shouldFindEntitiesWhoseIdHasASlashEncodedOrNot() throws Exception {
    start("");
    assertEquals("nic:esx-01/vmnic0", json(get("/api/v1/entities/nic:esx-01%2Fvmnic0")).get("id").asText());
    assertEquals("nic:esx-01/vmnic0", json(get("/api/v1/entities/nic:esx-01/vmnic0")).get("id").asText());
    assertEquals("nic:esx-01/vmnic0", json(get("/api/v1/entities/nic:esx-01%2Fvmnic0/impact")).get("entity").asText());
    assertEquals("healthy", json(get("/api/v1/entities/nic:esx-01/vmnic0/root-cause")).get("status").asText());
  }

  @Test
  void shouldAnswerClearErrorsWhenTheRequestIsWrong() throws Exception {
    start("");
    HttpResponse<String> badState = get("/api/v1/incidents?state=closed");
    assertEquals(400, badState.statusCode());
    assertEquals("state must be open, resolved or all, got 'closed'", json(badState).get("message").asText());

    HttpResponse<String> unknownParam = get("/api/v1/incidents?stat=open");
    assertEquals(400, unknownParam.statusCode());
    assertTrue(json(unknownParam).get("message").asText().contains("unknown parameter 'stat'"));

    assertEquals(400, get("/api/v1/entities/app:a%7Cb").statusCode());
    assertEquals(400, get("/api/v1/entities/app:x%20y").statusCode());
    HttpResponse<String> missing = get("/api/v1/incidents/inc-missing");
    assertEquals(404, missing.statusCode());
    assertEquals("no incident 'inc-missing'", json(missing).get("message").asText());
    assertEquals(404, get("/api/v1/entities/app:ghost").statusCode());
    assertEquals(404, get("/api/v2/incidents").statusCode());

    HttpResponse<String> post = http.send(HttpRequest.newBuilder(
            URI.create("http://localhost:" + server.port() + "/api/v1/incidents"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
    assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
  }

  @Test
  void shouldRequireTheBearerTokenOnTheApiButNotOnHealthWhenATokenIsSet() throws Exception {
    start("s3cret");
    HttpResponse<String> none = get("/api/v1/incidents");
    assertEquals(401, none.statusCode());
    assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
    assertEquals(401, get("/api/v1/incidents", "Authorization", "Bearer wrong").statusCode());
    assertEquals(401, get("/api/v1/incidents?access_token=s3cret").statusCode(),
        "the token as a parameter is only for the event stream");
    assertEquals(200, get("/api/v1/incidents", "Authorization", "Bearer s3cret").statusCode());
    assertEquals(401, get("/internal/v1/stores/x?partition=0&key=k").statusCode());
    assertEquals(200, get("/health/live").statusCode());
    assertEquals(200, get("/").statusCode());
  }

  @Test
  void shouldReportReadyOnlyWhenStreamsRunAndLiveUnlessFailed() throws Exception {
    start("");
    assertEquals(200, get("/health/ready").statusCode());
    state.set(KafkaStreams.State.REBALANCING);
    HttpResponse<String> rebalancing = get("/health/ready");
    assertEquals(503, rebalancing.statusCode());
    assertEquals("REBALANCING", json(rebalancing).get("streams").asText());
    assertEquals(200, get("/health/live").statusCode());
    state.set(KafkaStreams.State.ERROR);
    assertEquals(503, get("/health/live").statusCode());
  }

  @Test
  void shouldExposeOurMetricsInPrometheusFormatWhenScraped() throws Exception {
    start("");
    metrics.eventIn("dns");
    metrics.deadLetter("deserialization", "faultline.telemetry.dns");
    HttpResponse<String> r = get("/metrics");
    assertEquals(200, r.statusCode());
    assertTrue(r.body().contains("faultline_events_in_total{kind=\"dns\"} 1.0"), r.body());
    assertTrue(r.body().contains("faultline_dead_letter_records_total{stage=\"deserialization\",topic=\"faultline.telemetry.dns\"} 1.0"), r.body());
    assertTrue(r.body().contains("jvm_memory_used_bytes"));
  }

  @Test
  void shouldServeTheWebPageAndItsScript() throws Exception {
    start("");
    HttpResponse<String> page = get("/");
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertTrue(page.body().contains("<script src=\"app.js\"></script>"));
    HttpResponse<String> js = get("/app.js");
    assertEquals(200, js.statusCode());
    assertTrue(js.body().contains("EventSource"));
    assertEquals(404, get("/../pom.xml").statusCode());
  }

  @Test
  void shouldStreamTheOpenIncidentsThenEachChangeWhenAClientSubscribes() throws Exception {
    start("");
    fx.resolverDown();
    Incident published = fx.latest().values().iterator().next();
    HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(
            URI.create("http://localhost:" + server.port() + "/api/v1/incidents/stream")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      List<String[]> events = new ArrayList<>();
      events.add(readEvent(in));
      events.add(readEvent(in));
      assertEquals("incident", events.get(0)[0]);
      assertEquals(published.getId(), Json.MAPPER.readTree(events.get(0)[1]).get("id").asText());
      assertEquals("snapshot", events.get(1)[0]);
      assertEquals(1, Json.MAPPER.readTree(events.get(1)[1]).get("open").asInt());

      // A later change reaches the connected client as it is published.
      fx.resolverBack();
      Incident resolved = fx.latest().get(published.getId());
      broadcaster.publish(Views.Incident.of(resolved));
      String[] change = readEvent(in);
      assertEquals("incident", change[0]);
      JsonNode body = Json.MAPPER.readTree(change[1]);
      assertEquals("RESOLVED", body.get("state").asText());
      assertEquals(false, body.get("open").asBoolean());
    }
  }

  /** The next named event: {name, data}; skips the retry line and comments. */
  private static String[] readEvent(BufferedReader in) throws Exception {
    String name = null;
    StringBuilder data = new StringBuilder();
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.isEmpty()) {
        if (name != null) {
          return new String[] {name, data.toString()};
        }
      } else if (line.startsWith("event: ")) {
        name = line.substring(7);
      } else if (line.startsWith("data: ")) {
        data.append(line.substring(6));
      }
    }
    throw new AssertionError("stream ended");
  }
}
