package io.faultline.processor.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.processor.eval.Expectations;
import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import io.faultline.schemas.scenario.ScenarioFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {

  @TempDir
  Path dir;

  @Test
  void shouldExitWithUsageErrorWhenOptionUnknown() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int rc = run(err, "--colour");

    assertEquals(2, rc);
    assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("faultline demo: unknown option '--colour'"));
    assertEquals(1, err.toString(StandardCharsets.UTF_8).lines().count());
  }

  @Test
  void shouldExitWithUsageErrorWhenSpeedOrPortOrScenarioIsBad() {
    for (String[] args : new String[][] {{"--speed", "0"}, {"--speed", "fast"}, {"--speed", "500"}, {"--port", "0"},
        {"--port", "http"}, {"--scenario", dir.resolve("missing.jsonl").toString()}, {"--speed"}}) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      assertEquals(2, run(err, args), String.join(" ", args));
      assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("faultline demo: "), String.join(" ", args));
    }
  }

  @Test
  void shouldExitWithUsageErrorWhenTheGivenPortIsTaken() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();

      int rc = run(err, "--scenario", ScenarioFiles.shared("app-bug.jsonl").toString(), "--port",
          Integer.toString(taken.getLocalPort()));

      assertEquals(2, rc);
      assertTrue(err.toString(StandardCharsets.UTF_8).contains("port " + taken.getLocalPort() + " is in use"));
    }
  }

  @Test
  void shouldExitOneWithTheLineNumberWhenTheScenarioIsMalformed() throws IOException {
    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(bad, "{\"type\":\"entity\",\"id\":\"app:a\",\"kind\":\"application\"}\n{\"type\":\"dns\"\n");
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int rc = run(err, "--scenario", bad.toString());

    assertEquals(1, rc);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("line 2"), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void shouldDefaultToTheSharedResolverOutageAtThirtyTimesWhenNoOptionsGiven() {
    Demo.Options o = Demo.parse(new String[0]);

    assertEquals("dns-resolver-down.jsonl", o.scenario().getFileName().toString());
    assertEquals(30.0, o.speed());
    assertEquals(false, o.noWait());
  }

  @Test
  void shouldScaleTheGraceWithTheSpeedWhenFasterThanTen() {
    assertEquals(Duration.ofSeconds(5), Demo.graceFor(1));
    assertEquals(Duration.ofSeconds(15), Demo.graceFor(30));
    assertEquals(Duration.ofSeconds(100), Demo.graceFor(200));
  }

  @Test
  void shouldGoLiveAMinuteBeforeTheEarliestOnsetWhenExpectationsExist() {
    long first = Instant.parse("2026-11-21T09:00:00Z").toEpochMilli();
    Expectations two = Expectations.parse("{\"faults\":[{\"root\":\"a:b\",\"onset\":\"2026-11-21T09:20:00Z\",\"kind\":\"x\"},"
        + "{\"root\":\"c:d\",\"onset\":\"2026-11-21T09:17:10Z\",\"kind\":\"y\"}]}");

    assertEquals(Instant.parse("2026-11-21T09:16:10Z").toEpochMilli(), Demo.liveFrom(first, two));
    assertEquals(first, Demo.liveFrom(first, null));
    assertEquals(first, Demo.liveFrom(first, Expectations.none()));
    Expectations early = Expectations.parse("{\"faults\":[{\"root\":\"a:b\",\"onset\":\"2026-11-21T09:00:20Z\","
        + "\"kind\":\"x\"}]}");
    assertEquals(first, Demo.liveFrom(first, early));
  }

  @Test
  void shouldJudgeByTheExpectedRootWhenTheStoryEnds() {
    Story story = new Story(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    Expectations expect = Expectations.parse("{\"faults\":[{\"root\":\"dns-resolver:10.0.1.53\","
        + "\"onset\":\"2026-11-21T09:17:10Z\",\"kind\":\"resolver-down\"}]}");

    Demo.Outcome none = Demo.judge(expect, story, 10);

    assertEquals(false, none.ok());
    assertTrue(none.line().startsWith("expected root dns-resolver:10.0.1.53 was not ranked first in any incident"),
        none.line());
    assertEquals(true, Demo.judge(Expectations.none(), story, 10).ok());
  }

  @Test
  void shouldNameEveryTopicAndTheQueryUrlsWhenPrintingWhereToLookNext() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new NextSteps("127.0.0.1:9092", "http://127.0.0.1:8081/apis/ccompat/v7", "http://localhost:8080",
        "../shared/scenarios/x.jsonl", "../shared/scenarios/x.expect.json", "inc-1", "nic:esx-01/vmnic0",
        "app:checkout", Map.of(Topics.INCIDENTS.name(), 5L), true)
        .print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);

    for (Topic<?> t : Topics.ALL) {
      assertTrue(out.contains(t.name()), t.name());
    }
    assertTrue(out.contains(Topics.DEAD_LETTER));
    assertTrue(out.contains("./faultline tail faultline.incidents --bootstrap 127.0.0.1:9092 --registry "
        + "http://127.0.0.1:8081/apis/ccompat/v7"), out);
    assertTrue(out.contains("'http://localhost:8080/api/v1/incidents?state=all'"), out);
    assertTrue(out.contains("'http://localhost:8080/api/v1/incidents/inc-1'"), out);
    assertTrue(out.contains("'http://localhost:8080/api/v1/entities/app:checkout/root-cause'"), out);
    assertTrue(out.contains("'http://localhost:8080/api/v1/entities/nic:esx-01%2Fvmnic0'"), out);
    assertTrue(out.contains("'http://localhost:8080/api/v1/entities/nic:esx-01%2Fvmnic0/impact'"), out);
    assertTrue(out.contains("Web view: http://localhost:8080/"), out);
    assertTrue(out.contains("./faultline replay ../shared/scenarios/x.jsonl --expect ../shared/scenarios/x.expect.json"),
        out);
    assertTrue(out.contains("./faultline simulate "), out);
    assertTrue(out.contains("./faultline bench "), out);
  }

  @Test
  void shouldSpellDurationsInMinutesAndSecondsWhenPrinting() {
    assertEquals("30 s", Demo.span(30_000));
    assertEquals("16 min 10 s", Demo.span(970_000));
    assertEquals("4 min", Demo.span(240_000));
  }

  private static int run(ByteArrayOutputStream err, String... args) {
    return Demo.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]), false);
  }
}
