package io.faultline.processor.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScorerTest {
  private static final String RESOLVER = "dns-resolver:10.0.1.53";
  private static final String ARRAY = "disk-array:san-b";
  private static final Expectations ONE = Expectations.parse(
      "{\"faults\":[{\"root\":\"" + RESOLVER + "\",\"onset\":\"2026-11-21T10:01:00Z\",\"kind\":\"resolver-down\"}]}");
  private static final Expectations TWO = Expectations.parse("{\"faults\":["
      + "{\"root\":\"" + RESOLVER + "\",\"onset\":\"2026-11-21T10:01:00Z\",\"kind\":\"resolver-down\"},"
      + "{\"root\":\"" + ARRAY + "\",\"onset\":\"2026-11-21T10:05:00Z\",\"kind\":\"array-write-errors\"}]}");
  /** 09:30 to 10:30: 31 fault-free minutes before the first onset. */
  private static final ScenarioFacts FACTS = new ScenarioFacts(Instant.parse("2026-11-21T09:30:00Z"),
      Instant.parse("2026-11-21T10:30:00Z"), Map.of(
          RESOLVER, Set.of("dns-name:cache.internal"),
          "dns-name:cache.internal", Set.of("app:checkout"),
          ARRAY, Set.of("datastore:ds-b1")));

  private static String cand(String inc, int rank, String entity, String time, String... affected) {
    return "{\"type\":\"candidate\",\"incident\":\"" + inc + "\",\"rank\":" + rank + ",\"entity\":\"" + entity
        + "\",\"score\":" + (1.0 / rank) + ",\"eventTime\":\"2026-11-21T" + time + "Z\",\"affected\":"
        + json(affected) + "}";
  }

  private static String inc(String inc, String state, String root, String time, String... affected) {
    return "{\"type\":\"incident\",\"incident\":\"" + inc + "\",\"state\":\"" + state + "\",\"rootCause\":\"" + root
        + "\",\"eventTime\":\"2026-11-21T" + time + "Z\",\"affected\":" + json(affected) + ",\"summary\":\"x\"}";
  }

  private static String json(String... a) {
    StringBuilder sb = new StringBuilder("[");
    for (String s : a) {
      sb.append(sb.length() > 1 ? "," : "").append('"').append(s).append('"');
    }
    return sb.append(']').toString();
  }

  private static Scorer.Result score(Expectations e, ScenarioFacts facts, String... lines) {
    return Scorer.score(ReplayLine.parse(new StringReader(String.join("\n", lines))), e, facts);
  }

  @Test
  void shouldScoreZeroAndUndetectedWhenThereIsNoIncident() {
    Scorer.Result r = score(ONE, FACTS);
    for (int k = 1; k <= 5; k++) {
      assertEquals(0.0, r.ac(k));
    }
    assertEquals(0.0, r.avgAt5());
    assertNull(r.faults().get(0).incident());
    assertFalse(r.faults().get(0).detected());
    assertEquals(0, r.incidents());
    assertEquals(0.0, r.falseIncidentsPerHour());
  }

  @Test
  void shouldCountAc3ButNotAc1WhenTheRootIsRankedSecond() {
    Scorer.Result r = score(ONE, FACTS,
        cand("inc-1", 1, "dns-name:cache.internal", "10:01:40", "app:checkout"),
        cand("inc-1", 2, RESOLVER, "10:01:40", "app:checkout"),
        inc("inc-1", "OPENED", "dns-name:cache.internal", "10:01:40", "app:checkout"));
    assertEquals(0.0, r.ac(1));
    assertEquals(1.0, r.ac(2));
    assertEquals(1.0, r.ac(3));
    assertEquals(0.8, r.avgAt5(), 1e-9);
    assertEquals(2, r.faults().get(0).rank());
    assertFalse(r.faults().get(0).detected(), "never ranked first");
    assertEquals(List.of("inc-1"), r.falseIncidents(), "its top candidate is no fault's root");
  }

  @Test
  void shouldMeasureDelayToTheFirstRankOneAndRankByTheLatestSetWhenTheRankingChanges() {
    Scorer.Result r = score(ONE, FACTS,
        cand("inc-1", 1, "app:checkout", "10:01:20", "app:checkout"),
        cand("inc-1", 1, RESOLVER, "10:01:50", "app:checkout"),
        cand("inc-1", 2, "app:checkout", "10:01:50", "app:checkout"),
        cand("inc-1", 1, "dns-name:cache.internal", "10:03:00", "app:checkout"),
        cand("inc-1", 2, RESOLVER, "10:03:00", "app:checkout"));
    assertEquals(2, r.faults().get(0).rank(), "the latest ranking counts");
    assertEquals(Duration.ofSeconds(50), r.faults().get(0).delay());
  }

  @Test
  void shouldScoreEachFaultByItsOwnIncidentWhenThereAreTwoFaults() {
    Scorer.Result r = score(TWO, FACTS,
        cand("inc-a", 1, RESOLVER, "10:01:30", "dns-name:cache.internal"),
        inc("inc-a", "OPENED", RESOLVER, "10:01:30", "dns-name:cache.internal"),
        cand("inc-b", 1, "datastore:ds-b1", "10:05:40", "datastore:ds-b1"),
        cand("inc-b", 2, "vm:vm-3", "10:05:40", "datastore:ds-b1"),
        cand("inc-b", 3, ARRAY, "10:05:40", "datastore:ds-b1"));
    assertEquals("inc-a", r.faults().get(0).incident());
    assertEquals("inc-b", r.faults().get(1).incident());
    assertEquals(0.5, r.ac(1));
    assertEquals(0.5, r.ac(2));
    assertEquals(1.0, r.ac(3));
    assertEquals(Duration.ofSeconds(30), r.faults().get(0).delay());
    assertFalse(r.faults().get(1).detected());
    assertEquals(List.of("inc-b"), r.falseIncidents());
    assertEquals(2, r.incidents());
  }

  @Test
  void shouldCountAFalseIncidentPerFaultFreeHourWhenItsTopCandidateIsNoRoot() {
    Scorer.Result r = score(ONE, FACTS,
        inc("inc-0", "OPENED", "vm:vm-09", "09:40:00", "vm:vm-09"),
        inc("inc-0", "RESOLVED", "vm:vm-09", "09:45:00", "vm:vm-09"),
        cand("inc-1", 1, RESOLVER, "10:01:30", "app:checkout"));
    assertEquals(List.of("inc-0"), r.falseIncidents());
    assertEquals(31 / 60.0, r.faultFreeHours(), 1e-9);
    assertEquals(60 / 31.0, r.falseIncidentsPerHour(), 1e-9);
    assertEquals(1.0, r.ac(1));
    assertEquals("inc-1", r.faults().get(0).incident(), "an incident over before the onset covers nothing");
  }

  @Test
  void shouldTreatEveryIncidentAsFalseAndLeaveAccuracyUndefinedWhenTheScenarioIsHealthy() {
    Scorer.Result r = score(Expectations.none(), FACTS, cand("inc-1", 1, "app:search", "09:50:00", "app:search"));
    assertTrue(Double.isNaN(r.ac(1)));
    assertTrue(Double.isNaN(r.avgAt5()));
    assertEquals(1.0, r.falseIncidentsPerHour(), 1e-9);
    assertTrue(r.table().contains("AC@1 n/a"));
  }

  @Test
  void shouldPickTheIncidentRankingTheRootBestWhenSeveralCoverTheFault() {
    Scorer.Result r = score(ONE, FACTS,
        cand("inc-1", 1, "app:checkout", "10:01:20", "app:checkout"),
        cand("inc-2", 1, "dns-name:cache.internal", "10:01:30", "dns-name:cache.internal"),
        cand("inc-2", 2, RESOLVER, "10:01:30", "dns-name:cache.internal"));
    assertEquals("inc-2", r.faults().get(0).incident());
    assertEquals(2, r.faults().get(0).rank());
  }

  @Test
  void shouldCoverAFaultThroughItsBlastRadiusWhenTheRootIsNotACandidate() {
    String[] lines = {cand("inc-1", 1, "app:checkout", "10:02:00", "app:checkout")};
    Scorer.Result withTopology = score(ONE, FACTS, lines);
    assertEquals("inc-1", withTopology.faults().get(0).incident());
    assertEquals(0, withTopology.faults().get(0).rank());
    assertEquals(0.0, withTopology.ac(5));
    assertNull(score(ONE, null, lines).faults().get(0).incident(), "without topology only the root itself counts");
  }

  @Test
  void shouldPrintOneRowPerFaultAndTheTotalsWhenAskedForATable() {
    String table = score(TWO, FACTS, cand("inc-a", 1, RESOLVER, "10:01:30")).table();
    assertTrue(table.contains(RESOLVER) && table.contains(ARRAY), table);
    assertTrue(table.contains("AC@1 0.50  AC@3 0.50  AC@5 0.50  Avg@5 0.50"), table);
    assertTrue(table.contains("undetected 1 of 2"), table);
  }

  @Test
  void shouldRejectOutputLinesThatBreakTheFormat() {
    assertThrows(IllegalArgumentException.class, () -> ReplayLine.parse("{\"type\":\"candidate\"}", 1));
    assertThrows(IllegalArgumentException.class, () -> ReplayLine.parse("not json", 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReplayLine.parse(
        "{\"type\":\"alert\",\"incident\":\"i\",\"eventTime\":\"2026-11-21T10:00:00Z\"}", 3));
    assertEquals("output line 3: unknown type 'alert'", e.getMessage());
  }

  @Test
  void shouldReadExpectationsItWritesWhenRoundTripped() {
    assertEquals(TWO, Expectations.parse(TWO.toJson()));
    assertThrows(IllegalArgumentException.class, () -> Expectations.parse("{\"faults\":[{\"root\":\"x\"}]}"));
  }
}
