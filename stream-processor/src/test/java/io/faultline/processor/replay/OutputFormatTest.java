package io.faultline.processor.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.faultline.common.EntityKind;
import io.faultline.common.Severity;
import io.faultline.correlation.CandidateRef;
import io.faultline.correlation.Evidence;
import io.faultline.correlation.Incident;
import io.faultline.correlation.IncidentState;
import io.faultline.correlation.RootCauseCandidate;
import io.faultline.processor.eval.ReplayLine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputFormatTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T = Instant.parse("2026-11-21T10:01:40Z");

  static RootCauseCandidate candidate(String incident, int rank, String entity, Instant t) {
    return RootCauseCandidate.newBuilder()
        .setIncidentId(incident).setRank(rank).setCandidateCount(2).setScore(0.9312345)
        .setEntity(entity).setEntityKind(EntityKind.DNS_RESOLVER)
        .setAffected(List.of("app:checkout", "app:search"))
        .setPredictedAffected(List.of("app:storefront"))
        .setEvidence(List.of(Evidence.newBuilder().setEntity("dns-name:cache.internal").setSignal("dns.rcode")
            .setSeverity(Severity.CRITICAL).setOnset(T.minusSeconds(40)).setDescription("rcode TIMEOUT")
            .setPath(List.of(entity, "dns-name:cache.internal")).setExplained(true).build()))
        .setReasons(List.of("all 3 names on this resolver fail"))
        .setLabels(Map.of("site", "dc1", "team", "net"))
        .setEventTime(t)
        .build();
  }

  static Incident incident(String id, IncidentState state, long version, Instant t) {
    return Incident.newBuilder()
        .setId(id).setState(state).setVersion(version).setRootCause("dns-resolver:10.0.0.53")
        .setRootCauseKind(EntityKind.DNS_RESOLVER).setScore(0.93).setSeverity(Severity.CRITICAL)
        .setAffected(List.of("app:checkout", "app:search"))
        .setAffectedApplications(List.of("app:checkout", "app:search"))
        .setPredictedAffected(List.of())
        .setCandidates(List.of(new CandidateRef(1, "dns-resolver:10.0.0.53", 0.93)))
        .setOpenedAt(T).setOnset(T.minusSeconds(40)).setUpdatedAt(t)
        .setSummary("checkout and search fail since 10:01 \"DNS\"")
        .build();
  }

  @Test
  void shouldWriteTheFormatFieldsOfACandidateWhenConverted() throws Exception {
    String line = OutputFormat.candidate(candidate("inc-42", 1, "dns-resolver:10.0.0.53", T));
    JsonNode n = JSON.readTree(line);
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    assertEquals(List.of("type", "incident", "rank", "entity", "score", "eventTime", "affected"), names.subList(0, 7));
    assertEquals("2026-11-21T10:01:40Z", n.get("eventTime").asText());
    assertEquals(0.9312, n.get("score").asDouble());
    assertEquals(2, n.get("candidateCount").asInt());
    assertEquals("dns-resolver", n.get("entityKind").asText());
    assertEquals("dc1", n.get("labels").get("site").asText());
    ReplayLine.Candidate parsed = (ReplayLine.Candidate) ReplayLine.parse(line, 1);
    assertEquals(new ReplayLine.Candidate("inc-42", 1, "dns-resolver:10.0.0.53", 0.9312, T,
        List.of("app:checkout", "app:search")), parsed);
    assertFalse(line.contains("\n"));
  }

  @Test
  void shouldWriteTheFormatFieldsOfAnIncidentWhenConverted() throws Exception {
    Instant later = T.plusMillis(250);
    String line = OutputFormat.incident(incident("inc-42", IncidentState.UPDATED, 2, later));
    JsonNode n = JSON.readTree(line);
    assertEquals("incident", n.get("type").asText());
    assertEquals("UPDATED", n.get("state").asText());
    assertEquals("2026-11-21T10:01:40.250Z", n.get("eventTime").asText());
    assertEquals("checkout and search fail since 10:01 \"DNS\"", n.get("summary").asText());
    assertEquals(1, n.get("candidates").size());
    assertFalse(n.has("resolvedAt"));
    assertEquals(new ReplayLine.IncidentRecord("inc-42", "UPDATED", "dns-resolver:10.0.0.53", later,
        List.of("app:checkout", "app:search")), ReplayLine.parse(line, 1));
  }

  @Test
  void shouldOrderLinesByEventTimeIncidentRankAndVersionWhenSorted() {
    List<OutputFormat.Line> lines = new ArrayList<>(List.of(
        OutputFormat.line(incident("inc-b", IncidentState.OPENED, 1, T)),
        OutputFormat.line(candidate("inc-b", 2, "vm:vm-01", T)),
        OutputFormat.line(candidate("inc-a", 1, "host:esx-01", T.plusSeconds(10))),
        OutputFormat.line(candidate("inc-b", 1, "host:esx-01", T)),
        OutputFormat.line(incident("inc-a", IncidentState.OPENED, 1, T))));
    lines.sort(OutputFormat.Line.ORDER);
    List<String> keys = lines.stream().map(l -> l.incident() + "/" + l.typeOrder() + "/" + l.order()).toList();
    assertEquals(List.of("inc-a/1/1", "inc-b/0/1", "inc-b/0/2", "inc-b/1/1", "inc-a/0/1"), keys);
    assertTrue(lines.get(4).eventTime().isAfter(lines.get(3).eventTime()));
  }
}
