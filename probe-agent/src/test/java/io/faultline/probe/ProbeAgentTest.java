package io.faultline.probe;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.probe.bench.TestTargets;
import io.faultline.probe.config.ProbeConfig;
import io.faultline.schemas.Topics;
import io.faultline.telemetry.AppCheckSample;
import io.faultline.topology.TopologyEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeAgentTest {

  @TempDir
  Path dir;
  TestTargets web;

  @BeforeEach
  void start() throws Exception {
    web = new TestTargets();
    web.route("/hang", 200, "late", 5_000);
  }

  @AfterEach
  void stop() {
    web.close();
  }

  private ProbeConfig config() throws Exception {
    Path f = dir.resolve("probe.yaml");
    Files.writeString(f, """
        agent: {host: t1, intervalMs: 1000}
        probes:
          disk: {enabled: false}
          memory: {enabled: false}
          network: {enabled: false}
          apps:
            - {name: slow, url: "%s", timeoutMs: 800}
            - {name: fast, url: "%s", intervalMs: 500, timeoutMs: 450, dns: [fast.internal], pool: "pool:web"}
          pools:
            - {name: web, members: [{id: "vm:web-1", url: "%s"}]}
        """.formatted(web.url("/hang"), web.url("/health"), web.url("/health")));
    return ProbeConfig.load(f, Map.of(), Map.of());
  }

  @Test
  void shouldKeepTheFastCheckOnScheduleWhenAnotherTargetHangs() throws Exception {
    List<Sample> got = new CopyOnWriteArrayList<>();
    try (ProbeAgent agent = new ProbeAgent(config(), got::addAll)) {
      agent.start();
      await().atMost(Duration.ofSeconds(15)).until(() -> apps(got, "slow").size() >= 3 && apps(got, "fast").size() >= 8);
      assertEquals(0, agent.errors(), "a failing target is a measurement, not an error");
    }
    List<AppCheckSample> slow = apps(got, "slow");
    assertTrue(slow.stream().noneMatch(AppCheckSample::getOk));
    assertTrue(slow.stream().allMatch(s -> s.getStatus() == 0));
    List<AppCheckSample> fast = apps(got, "fast");
    assertTrue(fast.stream().allMatch(AppCheckSample::getOk), fast.toString());
    for (int i = 1; i < fast.size(); i++) {
      long gap = fast.get(i).getEventTime().toEpochMilli() - fast.get(i - 1).getEventTime().toEpochMilli();
      assertTrue(gap < 650, "fast check delayed: " + gap + " ms between samples " + (i - 1) + " and " + i);
    }
  }

  @Test
  void shouldAnnounceTheHostAndTheAppsDependenciesWhenStarted() throws Exception {
    List<Sample> got = new CopyOnWriteArrayList<>();
    try (ProbeAgent agent = new ProbeAgent(config(), got::addAll)) {
      agent.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> got.stream().anyMatch(s -> s.topic() == Topics.TOPOLOGY));
    }
    List<String> keys = got.stream().filter(s -> s.topic() == Topics.TOPOLOGY).map(Sample::key).toList();
    assertTrue(keys.containsAll(List.of("host:t1", "app:fast -> dns-name:fast.internal", "app:fast -> pool:web",
        "pool:web -> vm:web-1")), keys.toString());
    assertTrue(got.stream().filter(s -> s.topic() == Topics.TOPOLOGY)
        .allMatch(s -> "probe@t1".equals(((TopologyEvent) s.value()).getSource())));
  }

  private static List<AppCheckSample> apps(List<Sample> samples, String check) {
    return samples.stream().filter(s -> s.topic() == Topics.APP).map(s -> (AppCheckSample) s.value())
        .filter(a -> a.getCheck().equals(check)).toList();
  }
}
