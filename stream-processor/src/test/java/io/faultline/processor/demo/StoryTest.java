package io.faultline.processor.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.common.EntityKind;
import io.faultline.common.Severity;
import io.faultline.correlation.CandidateRef;
import io.faultline.correlation.Incident;
import io.faultline.correlation.IncidentState;
import io.faultline.correlation.Symptom;
import io.faultline.correlation.SymptomState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StoryTest {

  private static final Instant T = Instant.parse("2026-11-21T09:17:40Z");
  private static final String ROOT = "dns-resolver:10.0.1.53";

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final Story story = new Story(new PrintStream(bytes, true, StandardCharsets.UTF_8));

  @Test
  void shouldPrintOneCountLinePerLayerChangeWhenSymptomsArriveInABurst() {
    story.onSymptom(symptom("dns-name:queue.internal", SymptomState.RAISED, T));
    story.onSymptom(symptom("dns-name:cache.internal", SymptomState.RAISED, T.plusSeconds(10)));
    story.onSymptom(symptom("app:storefront", SymptomState.RAISED, T.plusSeconds(10)));
    story.flushSymptoms();
    story.flushSymptoms();

    List<String> lines = printed().lines().toList();
    assertEquals(2, lines.size(), printed());
    assertTrue(lines.get(0).contains("09:17:40") && lines.get(0).contains("first symptom: dns-name:queue.internal"
        + " dns.rcode (rcode TIMEOUT via " + ROOT + " in 3 of 5 samples)"), lines.get(0));
    assertTrue(lines.get(1).contains("09:17:50") && lines.get(1).contains("symptoms   1 application, 2 DNS names"
        + "   new: dns-name:queue.internal, dns-name:cache.internal, app:storefront"), lines.get(1));
  }

  @Test
  void shouldReportClearedEntitiesWhenTheirLastSymptomEnds() {
    story.onSymptom(symptom("dns-name:queue.internal", SymptomState.RAISED, T));
    story.flushSymptoms();
    story.onSymptom(symptom("dns-name:queue.internal", SymptomState.CLEARED, T.plusSeconds(60)));
    story.flushSymptoms();

    assertTrue(printed().contains("09:18:40") && printed().contains("symptoms   none active   cleared: "
        + "dns-name:queue.internal"), printed());
  }

  @Test
  void shouldPrintRootScoreApplicationsTopThreeAndSummaryWhenAnIncidentOpens() {
    story.onIncident(incident(IncidentState.OPENED, 1));

    String out = printed();
    String flat = out.replaceAll("\\s+", " ");
    assertTrue(out.contains("INCIDENT OPENED  inc-1  (critical, version 1)"), out);
    assertTrue(out.contains("root cause   " + ROOT + " (dns-resolver), score 0.95"), out);
    assertTrue(flat.contains("applications app:storefront failing; at risk (depend on it, checks still pass): "
        + "app:checkout"), out);
    assertTrue(out.contains("candidates   1. " + ROOT + " 0.95   2. dns-name:queue.internal 0.21"), out);
    assertTrue(out.lines().anyMatch(l -> l.strip().equals("3. app:storefront 0.17")
        || l.strip().endsWith("   3. app:storefront 0.17")), "a candidate is never split: " + out);
    assertFalse(out.contains("dns-name:cache.internal 0.10"), "only the top 3: " + out);
    assertTrue(out.contains("summary      Since 09:17:30 the resolver"), out);
    assertTrue(out.lines().allMatch(l -> l.length() <= Story.WIDTH), out);
    assertEquals(Set.of(ROOT), story.rankedFirst());
    assertEquals("app:storefront", story.firstApplication());
  }

  @Test
  void shouldCountTheStoryCompleteOnlyWhenEveryIncidentResolvedWithTheExpectedRootFirst() {
    assertFalse(story.complete(List.of(ROOT)), "no incident yet");
    story.onIncident(incident(IncidentState.OPENED, 1));
    assertFalse(story.complete(List.of(ROOT)));
    story.onIncident(incident(IncidentState.RESOLVED, 2));
    assertTrue(story.complete(List.of(ROOT)));
    assertFalse(story.complete(List.of("switch:tor-a")));
    assertTrue(printed().contains("applications app:storefront were affected"), printed());
  }

  @Test
  void shouldNameTheFirstIncidentsLatestRootWhenAnUpdateChangedIt() {
    Incident opened = incident(IncidentState.OPENED, 1);
    opened.setRootCause("dns-name:queue.internal");
    story.onIncident(opened);
    assertEquals("dns-name:queue.internal", story.firstIncidentRoot());

    story.onIncident(incident(IncidentState.UPDATED, 2));

    assertEquals(ROOT, story.firstIncidentRoot());
  }

  @Test
  void shouldWrapWithinTheWidthWhenTextIsLong() {
    List<String> lines = Story.wrap("a ".repeat(60) + "x".repeat(30), 20);

    assertTrue(lines.stream().allMatch(l -> l.length() <= 30), lines.toString());
    assertEquals("x".repeat(30), lines.get(lines.size() - 1));
  }

  private static Symptom symptom(String entity, SymptomState state, Instant t) {
    return Symptom.newBuilder().setEntity(entity).setSignal(entity.startsWith("app") ? "app.ok" : "dns.rcode")
        .setRelated(entity.startsWith("app") ? "login" : ROOT).setState(state).setSeverity(Severity.CRITICAL)
        .setOnset(t.minusSeconds(20)).setEventTime(t)
        .setDescription("rcode TIMEOUT via " + ROOT + " in 3 of 5 samples").build();
  }

  private static Incident incident(IncidentState state, long version) {
    return Incident.newBuilder()
        .setId("inc-1").setState(state).setVersion(version).setRootCause(ROOT)
        .setRootCauseKind(EntityKind.DNS_RESOLVER).setScore(0.95).setSeverity(Severity.CRITICAL)
        .setAffected(List.of("app:storefront", "dns-name:queue.internal"))
        .setAffectedApplications(List.of("app:storefront"))
        .setPredictedAffected(List.of("app:checkout"))
        .setCandidates(List.of(new CandidateRef(1, ROOT, 0.95), new CandidateRef(2, "dns-name:queue.internal", 0.21),
            new CandidateRef(3, "app:storefront", 0.165), new CandidateRef(4, "dns-name:cache.internal", 0.10)))
        .setOpenedAt(T).setOnset(T.minusSeconds(10)).setUpdatedAt(T.plusSeconds(20))
        .setSummary("Since 09:17:30 the resolver " + "fails and takes its names with it; ".repeat(8))
        .build();
  }

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
