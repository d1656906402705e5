package io.faultline.processor.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.correlation.Incident;
import io.faultline.processor.detect.DetectionSettings;
import io.faultline.processor.replay.ScenarioPublisher;
import io.faultline.schemas.scenario.ScenarioFiles;
import io.faultline.schemas.Topics;
import io.faultline.schemas.registry.RegistryClientConfig;
import io.faultline.schemas.registry.RestSchemaRegistryClient;
import io.faultline.schemas.serde.AvroSerde;
import io.faultline.stack.LocalStack;
import io.faultline.stack.StackOptions;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Two processor instances (separate JVMs, one application id, standby replicas) on a real KRaft
 * broker and Apicurio registry, fed the shared {@code dns-resolver-down} scenario. In order: the
 * web view in a real headless Chromium shows the incident live with its path; both instances
 * give the same answers although the correlator's state lives on one of them (the other
 * forwards); the owner is killed with SIGKILL and the other takes over, answering only complete
 * results or 503 with Retry-After meanwhile, carrying the same incident on through the rest of the
 * scenario, with nothing lost or duplicated on the incidents topic.
 *
 * <p>This class starts its own stack rather than sharing the JVM-wide one: it reads every topic
 * from the beginning, and other ITs' records there would change what it must conclude.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProcessorClusterIT {
  private static final String SCENARIO = "dns-resolver-down";
  /** Part one ends while the resolver is still down (09:17:10 to 09:26:30), so the incident is open. */
  private static final Instant CUT = Instant.parse("2026-11-21T09:24:00Z");
  private static final Pattern T = Pattern.compile("\"t\"\\s*:\\s*\"([^\"]+)\"");
  private static final Path OUT = Path.of("target", "cluster-it").toAbsolutePath();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private LocalStack stack;
  private RestSchemaRegistryClient registry;
  private final List<ProcessorProcess> instances = new ArrayList<>();
  private String expectedRoot;
  private Path part1;
  private Path part2;
  private String incidentId;
  private ProcessorProcess owner;
  private ProcessorProcess other;

  @BeforeAll
  void startPipeline() throws Exception {
    Path scenario = ScenarioFiles.shared(SCENARIO + ".jsonl");
    expectedRoot = Json.MAPPER.readTree(ScenarioFiles.shared(SCENARIO + ".expect.json").toFile())
        .get("faults").get(0).get("root").asText();
    Files.createDirectories(OUT);
    part1 = OUT.resolve(SCENARIO + ".part1.jsonl");
    part2 = OUT.resolve(SCENARIO + ".part2.jsonl");
    split(scenario, part1, part2);

    stack = LocalStack.start(StackOptions.defaults());
    stack.createFaultlineTopics();
    registry = new RestSchemaRegistryClient(RegistryClientConfig.builder(stack.registryUrl()).build());
    String appId = "cluster-it-" + System.nanoTime();
    for (String name : List.of("a", "b")) {
      Map<String, String> s = new LinkedHashMap<>();
      s.put("kafka.bootstrap.servers", stack.bootstrapServers());
      s.put("registry.url", stack.registryUrl());
      s.put("application.id", appId);
      s.put("state.dir", OUT.resolve("state-" + name).toString());
      s.put("topics.create", "false");
      s.put(ApiSettings.PORT, String.valueOf(ProcessorProcess.freePort()));
      s.put(ApiSettings.ADVERTISED_HOST, "localhost");
      s.put(ApiSettings.BIND_HOST, "127.0.0.1");
      s.put("shutdown.timeout.ms", "20000");
      // A recorded scenario (shuffled by minutes) is replayed with the replay grace, not the live grace.
      s.put("detect.grace.ms", Long.toString(DetectionSettings.forReplay().grace().toMillis()));
      s.put("streams.num.standby.replicas", "1");
      // Detect the killed instance in seconds rather than the 45 s default.
      s.put("streams.session.timeout.ms", "8000");
      s.put("streams.heartbeat.interval.ms", "1000");
      ProcessorProcess p = new ProcessorProcess(name, OUT.resolve("processor-" + name + ".log"), s);
      instances.add(p);
      // One after the other: two instances registering the schemas at the same moment race in the
      // registry (Apicurio answers 409 to the second "set compatibility"; reported, not ours to fix).
      await("instance " + p + " ready (log " + p.log + ")").atMost(Duration.ofSeconds(180))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> {
            assertTrue(p.alive(), p + " exited; see " + p.log);
            return status(p.url(ApiServer.READY)) == 200;
          });
    }
    for (ProcessorProcess p : instances) {
      await("instance " + p + " ready after the group settled").atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500)).until(() -> status(p.url(ApiServer.READY)) == 200);
    }
  }

  @AfterAll
  void stopPipeline() throws Exception {
    for (ProcessorProcess p : instances) {
      p.close();
    }
    if (registry != null) {
      registry.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  /** Topology lines and samples before {@link #CUT} to part one, later samples to part two. */
  private static void split(Path scenario, Path first, Path second) throws IOException {
    try (BufferedWriter a = Files.newBufferedWriter(first, StandardCharsets.UTF_8);
        BufferedWriter b = Files.newBufferedWriter(second, StandardCharsets.UTF_8)) {
      for (String line : Files.readAllLines(scenario, StandardCharsets.UTF_8)) {
        Matcher m = T.matcher(line);
        BufferedWriter to = m.find() && !Instant.parse(m.group(1)).isBefore(CUT) ? b : a;
        to.write(line);
        to.newLine();
      }
    }
  }

  private void publish(Path part) {
    try (ScenarioPublisher publisher = new ScenarioPublisher(stack.bootstrapServers(), registry, Map.of())) {
      Map<String, Long> counts = publisher.publish(part);
      assertFalse(counts.isEmpty());
    }
  }

  private int status(String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String body(String url) {
    try {
      return get(url).body();
    } catch (Exception e) {
      return e.toString();
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 1500 ? s.substring(0, 1500) + "..." : s;
  }

  private JsonNode ok(String url) throws Exception {
    HttpResponse<String> r = get(url);
    assertEquals(200, r.statusCode(), url + " -> " + r.body());
    return Json.MAPPER.readTree(r.body());
  }

  // ---- 1. the web view in a real browser

  private static void requireChromium() {
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(Path.of("/usr/bin/chromium"))) {
      missing.add("chromium");
    }
    if (!Files.isExecutable(Path.of("/usr/bin/chromedriver"))) {
      missing.add("chromium-driver");
    }
    if (!missing.isEmpty()) {
      fail("the web view test needs a real headless browser: apt-get install -y " + String.join(" ", missing)
          + " (Debian packages chromium and chromium-driver)");
    }
  }

  private static WebDriver browser(Path profile) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
        .usingAnyFreePort()
        .build();
    return new ChromeDriver(service, options);
  }

  @Test
  @Order(1)
  void shouldShowTheIncidentWithItsPathLiveInABrowserWhenTheScenarioIsReplayed() throws Exception {
    requireChromium();
    ProcessorProcess a = instances.get(0);
    Path profile = Files.createTempDirectory(OUT, "chromium-profile-");
    WebDriver driver = browser(profile);
    try {
      driver.manage().window().setSize(new Dimension(1500, 1100));
      driver.get(a.url("/"));
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(250));
      wait.ignoring(StaleElementReferenceException.class);
      wait.until(d -> "live".equals(d.findElement(By.id("connection")).getAttribute("data-state")));
      assertTrue(driver.findElements(By.cssSelector(".incident")).isEmpty(), "nothing is open before the replay");

      // The page is already open: the incident can only reach it through the event stream.
      publish(part1);
      WebDriverWait slow = new WebDriverWait(driver, Duration.ofSeconds(240), Duration.ofMillis(500));
      // Cards are redrawn whenever a new version of the incident arrives.
      slow.ignoring(StaleElementReferenceException.class);
      // The first incident reaches the page through the stream (the page was open before the replay).
      slow.until(d -> !d.findElements(By.cssSelector(".incident")).isEmpty());
      // The pipeline goes on refining while part one is processed: wait until it is quiet, then
      // take the incident the scenario is about (other, weaker incidents may be open as well).
      JsonNode open = settled(a.url("/api/v1/incidents?state=open"));
      JsonNode ours = null;
      for (JsonNode i : open) {
        if (expectedRoot.equals(i.get("rootCause").asText())) {
          ours = i;
        }
      }
      assertNotNull(ours, "an open incident names " + expectedRoot + " as root cause: " + open);
      incidentId = ours.get("id").asText();
      JsonNode[] detail = {ok(a.url("/api/v1/incidents/" + incidentId))};
      JsonNode incident = detail[0].get("incident");
      assertEquals(expectedRoot, incident.get("rootCause").asText());
      assertTrue(incident.get("open").asBoolean());
      String version = incident.get("version").asText();
      By card = By.cssSelector(".incident[data-incident-id='" + incidentId + "'][data-version='" + version + "']");
      By svg = By.cssSelector(".incident[data-incident-id='" + incidentId + "'] svg.path-graph");
      slow.until(d -> !d.findElements(card).isEmpty() && !d.findElements(svg).isEmpty());

      // The picture: the root cause node, every affected application as a target, edges between.
      WebElement picture = driver.findElement(svg);
      assertEquals(1, picture.findElements(By.cssSelector("g.node.root[data-entity='" + expectedRoot + "']")).size());
      Set<String> targets = new HashSet<>();
      picture.findElements(By.cssSelector("g.node.target")).forEach(n -> targets.add(n.getAttribute("data-entity")));
      Set<String> apps = new HashSet<>();
      JsonNode appList = incident.get("affectedApplications").isEmpty()
          ? incident.get("affected") : incident.get("affectedApplications");
      appList.forEach(n -> apps.add(n.asText()));
      assertFalse(apps.isEmpty());
      assertEquals(apps, targets, "every affected application is drawn at the end of a path");
      assertTrue(picture.findElements(By.cssSelector("path.edge")).size() >= targets.size());
      for (JsonNode path : detail[0].get("paths")) {
        String last = path.get(path.size() - 1).asText();
        assertTrue(apps.contains(last));
        for (JsonNode step : path) {
          assertEquals(1, picture.findElements(By.cssSelector("g.node[data-entity='" + step.asText() + "']")).size(),
              step + " of " + path + " is drawn once");
        }
      }
      WebElement shown = driver.findElement(card);
      assertFalse(shown.findElement(By.cssSelector(".summary")).getText().isBlank());
      assertTrue(shown.findElement(By.cssSelector(".score")).getText().matches("score \\d+%"));

      // Search: open the root cause's health and impact.
      WebElement box = driver.findElement(By.id("entity-id"));
      box.clear();
      box.sendKeys(expectedRoot);
      driver.findElement(By.cssSelector("#search button")).click();
      WebElement health = slow.until(d -> {
        List<WebElement> h = d.findElements(By.cssSelector("#entity-panel .health"));
        return h.isEmpty() ? null : h.get(0);
      });
      assertEquals("root-cause", health.getAttribute("data-health"));
      List<WebElement> affectedRows = driver.findElements(By.cssSelector("#entity-panel table.impact tr[data-entity]"));
      assertFalse(affectedRows.isEmpty(), "the impact of the root cause is listed");
      assertTrue(driver.findElement(By.cssSelector("#entity-panel")).getText().contains("affected now"));

      Path shot = Path.of("target", "web-view-" + SCENARIO + ".png").toAbsolutePath();
      Files.copy(((ChromeDriver) driver).getScreenshotAs(OutputType.FILE).toPath(), shot,
          StandardCopyOption.REPLACE_EXISTING);
      assertTrue(Files.size(shot) > 10_000, "screenshot written to " + shot);
    } finally {
      driver.quit();
    }
  }

  /** The answer at {@code url} once two reads five seconds apart agree (the pipeline is quiet). */
  private JsonNode settled(String url) {
    JsonNode[] last = {null};
    await("the pipeline settles").atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1))
        .until(() -> {
          JsonNode before = ok(url);
          Thread.sleep(5_000);
          last[0] = ok(url);
          return before.equals(last[0]);
        });
    return last[0];
  }

  // ---- 2. the key lives on the other instance

  private static double counter(String metrics, String name, String store, String served) {
    Pattern p = Pattern.compile("^" + name + "\\{[^}]*served=\"" + served + "\"[^}]*store=\"" + store
        + "\"[^}]*} (\\S+)$", Pattern.MULTILINE);
    Matcher m = p.matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  @Order(2)
  void shouldAnswerTheSameOnBothInstancesWhenTheStateLivesOnOnlyOne() throws Exception {
    assertNotNull(incidentId, "the first test found the incident");
    ProcessorProcess a = instances.get(0);
    ProcessorProcess b = instances.get(1);
    for (String path : List.of("/api/v1/incidents?state=all", "/api/v1/incidents/" + incidentId,
        "/api/v1/entities/" + expectedRoot, "/api/v1/entities/" + expectedRoot + "/impact")) {
      // Equal once the pipeline has settled on part one (late samples may still be moving the state).
      await(path + " answered alike by both instances").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> ok(a.url(path)).equals(ok(b.url(path))));
    }
    String store = "correlator-incidents";
    String metricsA = get(a.url(ApiServer.METRICS)).body();
    String metricsB = get(b.url(ApiServer.METRICS)).body();
    String reads = "faultline_api_store_reads_total";
    double localA = counter(metricsA, reads, store, "local");
    double localB = counter(metricsB, reads, store, "local");
    double forwardedA = counter(metricsA, reads, store, "forwarded");
    double forwardedB = counter(metricsB, reads, store, "forwarded");
    assertTrue((localA > 0 && forwardedA == 0 && forwardedB > 0 && localB == 0)
            || (localB > 0 && forwardedB == 0 && forwardedA > 0 && localA == 0),
        "exactly one instance owns the correlator's stores and the other forwarded to it: a local=" + localA
            + " forwarded=" + forwardedA + ", b local=" + localB + " forwarded=" + forwardedB);
    owner = localA > 0 ? a : b;
    other = owner == a ? b : a;
    // Kafka Streams' own metrics and the store gauges are bound too.
    String ownerMetrics = owner == a ? metricsA : metricsB;
    assertTrue(ownerMetrics.contains("kafka_stream_"), "Kafka Streams metrics are exported");
    assertTrue(Pattern.compile("^faultline_store_entries\\{store=\"correlator-incidents\"} [1-9]", Pattern.MULTILINE)
        .matcher(ownerMetrics).find(), "the owner reports the incidents it holds");
  }

  // ---- 3. failover

  @Test
  @Order(3)
  void shouldTakeOverAndLoseNothingWhenTheOwningInstanceIsKilled() throws Exception {
    assertNotNull(owner, "the second test found the owner");
    owner.kill();
    String url = other.url("/api/v1/incidents?state=all");
    int[] unavailable = {0};
    long t0 = System.nanoTime();
    await("the surviving instance answers for the incident again").atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> {
          HttpResponse<String> r = get(url);
          if (r.statusCode() == 503) {
            assertTrue(r.headers().firstValue("Retry-After").isPresent(), "a 503 says when to retry");
            unavailable[0]++;
            return false;
          }
          assertEquals(200, r.statusCode(), r.body());
          List<String> ids = new ArrayList<>();
          Json.MAPPER.readTree(r.body()).forEach(i -> ids.add(i.get("id").asText()));
          assertTrue(ids.contains(incidentId), "a 200 is complete, never missing the incident: " + ids);
          return true;
        });
    System.out.printf("failover: the survivor answered again after %.1f s (%d answers were 503 + Retry-After)%n",
        (System.nanoTime() - t0) / 1e9, unavailable[0]);

    // The survivor carries on with the state it took over: part two (all of it after CUT) moves the
    // same incident on, rather than a fresh start opening a new one for the same fault.
    publish(part2);
    await("the survivor processes part two into the same incident").atMost(Duration.ofSeconds(240))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(() -> {
          HttpResponse<String> r = get(other.url("/api/v1/incidents/" + incidentId));
          assertEquals(200, r.statusCode(), r.body());
          Instant updated = Instant.parse(Json.MAPPER.readTree(r.body()).get("incident").get("updatedAt").asText());
          assertFalse(updated.isBefore(CUT), () -> "survivor " + other + " (log " + other.log + ") holds "
              + abbreviate(r.body()));
        });
    JsonNode open = settled(other.url("/api/v1/incidents?state=all"));
    long sameRoot = 0;
    for (JsonNode i : open) {
      if (i.get("open").asBoolean() && expectedRoot.equals(i.get("rootCause").asText())) {
        sameRoot++;
      }
    }
    assertTrue(sameRoot <= 1, "one fault, one open incident: " + open);

    List<Incident> published = readIncidentsTopic();
    Set<String> seen = new HashSet<>();
    Map<String, List<Incident>> byId = new HashMap<>();
    for (Incident i : published) {
      assertTrue(seen.add(i.getId() + "@" + i.getVersion()), "duplicate on the incidents topic: " + i.getId()
          + " version " + i.getVersion());
      byId.computeIfAbsent(i.getId(), k -> new ArrayList<>()).add(i);
    }
    List<Incident> ours = byId.get(incidentId);
    assertNotNull(ours, "the incident is on the topic");
    assertEquals("OPENED", ours.get(0).getState().name());
    assertEquals(1, ours.stream().filter(i -> i.getState().name().equals("OPENED")).count());
    for (int i = 1; i < ours.size(); i++) {
      assertEquals(ours.get(i - 1).getVersion() + 1, ours.get(i).getVersion(), "no version lost or repeated");
    }
    // Once quiet, every incident the survivor holds is on the topic in the same version; incidents
    // only on the topic were resolved and then dropped from the store after the reopen window.
    await("store and topic agree").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2))
        .untilAsserted(() -> {
          Map<String, Incident> latest = new HashMap<>();
          readIncidentsTopic().forEach(i -> latest.put(i.getId(), i));
          JsonNode all = ok(other.url("/api/v1/incidents?state=all"));
          Set<String> stored = new HashSet<>();
          for (JsonNode i : all) {
            String id = i.get("id").asText();
            stored.add(id);
            assertNotNull(latest.get(id), id + " is held but was never published");
            assertEquals(i.get("version").asLong(), latest.get(id).getVersion(), id + " version");
          }
          latest.forEach((id, i) -> assertTrue(stored.contains(id) || i.getState().name().equals("RESOLVED"),
              id + " vanished from the store while still " + i.getState()));
        });
    assertEquals(0, other.stop(), "the survivor shuts down cleanly");
  }

  private List<Incident> readIncidentsTopic() {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    AvroSerde<Incident> serde = Topics.INCIDENTS.valueSerde(registry);
    List<Incident> out = new ArrayList<>();
    try (KafkaConsumer<String, Incident> consumer = new KafkaConsumer<>(p, new StringDeserializer(), serde.deserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 0; i < Topics.INCIDENTS.partitions(); i++) {
        tps.add(new TopicPartition(Topics.INCIDENTS.name(), i));
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps);
      await("the incidents topic read to its end").atMost(Duration.ofSeconds(60)).until(() -> {
        for (ConsumerRecord<String, Incident> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(r.value());
        }
        return tps.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
      });
    }
    // Per incident, in publication order (one incident id always goes to one partition).
    return out;
  }
}
