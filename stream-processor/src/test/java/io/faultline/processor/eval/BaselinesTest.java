package io.faultline.processor.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselinesTest {
  private static final long T0 = Instant.parse("2026-11-21T09:00:00Z").toEpochMilli();
  private static final long ONSET = T0 + 10 * 60_000L;

  @TempDir
  Path dir;

  private static String t(long ms) {
    return "\"" + Instant.ofEpochMilli(ms) + "\"";
  }

  /**
   * A silent resolver with two names; an app uses one of them; a VM stops at the onset; the names
   * fail from the onset, the app 20 s later; the healthy name of another resolver has one spike.
   */
  private Path scenario() throws Exception {
    List<String> lines = new ArrayList<>(List.of(
        "{\"type\":\"entity\",\"id\":\"dns-resolver:r1\",\"kind\":\"dns-resolver\"}",
        "{\"type\":\"entity\",\"id\":\"dns-resolver:r2\",\"kind\":\"dns-resolver\"}",
        "{\"type\":\"entity\",\"id\":\"dns-name:a\",\"kind\":\"dns-name\"}",
        "{\"type\":\"entity\",\"id\":\"dns-name:b\",\"kind\":\"dns-name\"}",
        "{\"type\":\"entity\",\"id\":\"dns-name:c\",\"kind\":\"dns-name\"}",
        "{\"type\":\"entity\",\"id\":\"app:x\",\"kind\":\"application\"}",
        "{\"type\":\"entity\",\"id\":\"vm:v\",\"kind\":\"vm\"}",
        "{\"type\":\"depends\",\"from\":\"dns-name:a\",\"to\":\"dns-resolver:r1\"}",
        "{\"type\":\"depends\",\"from\":\"dns-name:b\",\"to\":\"dns-resolver:r1\"}",
        "{\"type\":\"depends\",\"from\":\"dns-name:c\",\"to\":\"dns-resolver:r2\"}",
        "{\"type\":\"depends\",\"from\":\"app:x\",\"to\":\"dns-name:a\"}"));
    List<String> telemetry = new ArrayList<>();
    for (long ms = T0; ms < T0 + 20 * 60_000L; ms += 10_000) {
      boolean failing = ms >= ONSET;
      for (String name : List.of("a", "b")) {
        telemetry.add("{\"type\":\"dns\",\"t\":" + t(ms + (name.equals("b") ? 1000 : 0)) + ",\"entity\":\"dns-name:"
            + name + "\",\"resolver\":\"dns-resolver:r1\",\"rcode\":\"" + (failing ? "TIMEOUT" : "NOERROR")
            + "\",\"latencyMs\":" + (failing ? 5000 : 2) + "}");
      }
      boolean spike = ms == T0 + 7 * 60_000L;
      telemetry.add("{\"type\":\"dns\",\"t\":" + t(ms) + ",\"entity\":\"dns-name:c\",\"resolver\":\"dns-resolver:r2\","
          + "\"rcode\":\"" + (spike ? "TIMEOUT" : "NOERROR") + "\",\"latencyMs\":" + (spike ? 5000 : 2) + "}");
      boolean appFails = ms >= ONSET + 20_000;
      telemetry.add("{\"type\":\"app\",\"t\":" + t(ms + 2000) + ",\"entity\":\"app:x\",\"check\":\"c\",\"ok\":"
          + !appFails + ",\"latencyMs\":" + (appFails ? 900 : 100) + ",\"status\":" + (appFails ? 503 : 200) + "}");
      if (ms < ONSET) {
        telemetry.add("{\"type\":\"memory\",\"t\":" + t(ms + 3000) + ",\"entity\":\"vm:v\",\"pageInPerSec\":10,"
            + "\"pageOutPerSec\":8,\"swapInPerSec\":0,\"swapOutPerSec\":0,\"usedRatio\":0.5}");
      }
    }
    Collections.shuffle(telemetry, new java.util.Random(3)); // delivery order must not matter
    lines.addAll(telemetry);
    Path f = dir.resolve("s.jsonl");
    Files.write(f, lines, StandardCharsets.UTF_8);
    return f;
  }

  @Test
  void shouldFindSustainedAnomaliesAndSilenceButNotOneSampleSpikesWhenDetecting() throws Exception {
    Baselines.Anomalies a = Baselines.detect(scenario());
    assertEquals(ONSET, a.onsets().get("dns-name:a"));
    assertEquals(ONSET + 1000, a.onsets().get("dns-name:b"));
    assertEquals(ONSET + 22_000, a.onsets().get("app:x"));
    assertTrue(a.onsets().containsKey("vm:v"), "a VM that stops reporting is anomalous");
    assertFalse(a.onsets().containsKey("dns-name:c"), "a one-sample spike is not an anomaly");
    assertFalse(a.onsets().containsKey("dns-resolver:r1"), "a silent entity shows nothing by itself");
  }

  @Test
  void shouldRankByOnsetAndMissASilentRootWhenEarliestAnomalyFirst() throws Exception {
    Path f = scenario();
    List<ReplayLine> lines = Baselines.earliestAnomalyFirst(Baselines.detect(f));
    Expectations e = Expectations.parse("{\"faults\":[{\"root\":\"dns-name:a\",\"onset\":\"2026-11-21T09:10:00Z\","
        + "\"kind\":\"record-missing\"}]}");
    Scorer.Result r = Scorer.score(lines, e, ScenarioFacts.read(f));
    assertTrue(r.faults().get(0).rank() >= 1 && r.faults().get(0).rank() <= 2, "rank " + r.faults().get(0).rank());
    Expectations resolver = Expectations.parse("{\"faults\":[{\"root\":\"dns-resolver:r1\","
        + "\"onset\":\"2026-11-21T09:10:00Z\",\"kind\":\"resolver-down\"}]}");
    assertEquals(0.0, Scorer.score(lines, resolver, ScenarioFacts.read(f)).ac(5));
  }

  @Test
  void shouldSuppressSymptomsWhoseDependencyIsSymptomaticWhenParentSuppression() throws Exception {
    List<ReplayLine> lines = Baselines.parentSuppression(Baselines.detect(scenario()));
    List<String> lastSet = lines.stream().map(l -> ((ReplayLine.Candidate) l))
        .filter(c -> c.eventTime().equals(lines.get(lines.size() - 1).eventTime()))
        .map(ReplayLine.Candidate::entity).toList();
    assertFalse(lastSet.contains("app:x"), "the app is suppressed: the name it depends on is failing");
    assertTrue(lastSet.containsAll(List.of("dns-name:a", "dns-name:b")), lastSet.toString());
  }
}
