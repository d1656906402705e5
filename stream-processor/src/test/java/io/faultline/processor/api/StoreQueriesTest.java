package io.faultline.processor.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.correlation.Incident;
import io.faultline.processor.analysis.RootCauseAnalyzer;
import io.faultline.processor.api.FaultlineQueries.StateFilter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreQueriesTest {
  @TempDir Path stateDir;
  private CorrelatorFixture fx;
  private StoreQueries queries;

  @BeforeEach
  void setUp() {
    fx = new CorrelatorFixture(stateDir).dnsEstate();
    queries = new StoreQueries(fx.reader(), new RootCauseAnalyzer());
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  private Incident opened() {
    fx.resolverDown();
    Map<String, Incident> latest = fx.latest();
    assertEquals(1, latest.size(), "the fixture's fault opens exactly one incident: " + latest.keySet());
    return latest.values().iterator().next();
  }

  @Test
  void shouldListNothingWhenNoIncidentWasOpened() {
    assertEquals(List.of(), queries.incidents(StateFilter.ALL));
  }

  @Test
  void shouldListTheOpenIncidentAsPublishedWhenTheCorrelatorOpenedOne() {
    Incident published = opened();
    List<Views.Incident> open = queries.incidents(StateFilter.OPEN);
    assertEquals(1, open.size());
    Views.Incident v = open.get(0);
    assertEquals(Views.Incident.of(published), v, "the store answer equals the record on the incidents topic");
    assertTrue(v.open());
    assertEquals(List.of(), queries.incidents(StateFilter.RESOLVED));
    assertEquals(open, queries.incidents(StateFilter.ALL));
  }

  @Test
  void shouldExplainTheIncidentWithLiveEvidenceAndPathsFromTheRootWhenItIsOpen() {
    Incident published = opened();
    Views.IncidentDetail d = queries.incident(published.getId());
    assertEquals("live", d.evidenceSource());
    String root = published.getRootCause();
    assertEquals(root, d.candidates().get(0).entity(), "rank 1 of the live analysis is the published root cause");
    Set<String> symptomatic = Set.of("dns-name:mx", "dns-name:www", "dns-name:api", "app:mail", "app:web");
    assertEquals(symptomatic, d.evidence().stream().map(Views.Evidence::entity).collect(Collectors.toSet()));
    for (Views.Evidence e : d.evidence()) {
      assertTrue(e.explained(), e.entity() + " is explained by " + root);
      assertEquals(root, e.path().get(0));
      assertEquals(e.entity(), e.path().get(e.path().size() - 1));
    }
    List<String> targets = published.getAffectedApplications().isEmpty()
        ? published.getAffected() : published.getAffectedApplications();
    assertFalse(targets.isEmpty());
    assertEquals(Set.copyOf(targets), d.paths().stream().map(p -> p.get(p.size() - 1)).collect(Collectors.toSet()));
    d.paths().forEach(p -> assertEquals(root, p.get(0), "every path starts at the root cause: " + p));
  }

  @Test
  void shouldKeepThePublishedRankingWhenTheIncidentIsResolved() {
    Incident published = opened();
    fx.resolverBack();
    Incident last = fx.latest().get(published.getId());
    assertEquals("RESOLVED", last.getState().name());
    assertEquals(List.of(), queries.incidents(StateFilter.OPEN));
    assertEquals(List.of(Views.Incident.of(last)), queries.incidents(StateFilter.RESOLVED));
    Views.IncidentDetail d = queries.incident(published.getId());
    assertEquals("published", d.evidenceSource());
    assertEquals(last.getCandidates().get(0).getEntity(), d.candidates().get(0).entity());
    assertEquals(List.of(), d.evidence());
    d.paths().forEach(p -> assertEquals(published.getRootCause(), p.get(0)));
  }

  @Test
  void shouldReportHealthAndActiveSymptomsWhenAnEntityIsAsked() {
    Incident published = opened();
    Views.EntityHealth mail = queries.entity("app:mail");
    assertEquals("symptomatic", mail.health());
    assertEquals(List.of("app.ok"), mail.activeSymptoms().stream().map(Views.Symptom::signal).toList());
    assertEquals("APPLICATION", mail.kind());
    assertTrue(mail.monitored());
    assertEquals(List.of("dns-name:mx"), mail.dependencies());
    assertEquals(List.of(published.getId()), mail.openIncidents());

    Views.EntityHealth root = queries.entity(published.getRootCause());
    assertEquals("root-cause", root.health());

    Views.EntityHealth nic = queries.entity("nic:esx-01/vmnic0");
    assertEquals("healthy", nic.health());
    assertEquals(List.of(), nic.activeSymptoms());
    assertEquals(Map.of("site", "a"), nic.labels());
  }

  @Test
  void shouldNameTheRootCauseWithItsPathWhenAnAffectedApplicationIsAsked() {
    Incident published = opened();
    Views.RootCause rc = queries.rootCause("app:mail");
    assertEquals("explained", rc.status());
    assertEquals(published.getRootCause(), rc.rootCause());
    assertEquals(published.getRootCause(), rc.path().get(0));
    assertEquals("app:mail", rc.path().get(rc.path().size() - 1));
    assertTrue(rc.path().contains("dns-name:mx"), "the path goes through the name the application resolves: " + rc.path());
    assertEquals(published.getId(), rc.incident());
    assertTrue(rc.score() > 0 && rc.score() <= 1);

    Views.RootCause self = queries.rootCause(published.getRootCause());
    assertEquals("root-cause", self.status());
    assertEquals(List.of(published.getRootCause()), self.path());
  }

  @Test
  void shouldSayHealthyWhenNothingIsWrong() {
    Views.RootCause rc = queries.rootCause("app:mail");
    assertEquals("healthy", rc.status());
    assertNull(rc.rootCause());
    assertEquals(List.of(), rc.path());
  }

  @Test
  void shouldListDirectAndTransitiveDependentsAndWhichAreAffectedWhenImpactIsAsked() {
    opened();
    Views.Impact impact = queries.impact("dns-resolver:r1");
    assertEquals(List.of("dns-name:api", "dns-name:mx", "dns-name:www"), impact.direct());
    Map<String, Views.ImpactEntry> byId = impact.transitive().stream()
        .collect(Collectors.toMap(Views.ImpactEntry::id, e -> e));
    assertEquals(Set.of("dns-name:api", "dns-name:mx", "dns-name:www", "app:mail", "app:web", "app:other"),
        byId.keySet());
    assertEquals(2, byId.get("app:mail").depth());
    assertEquals(List.of("dns-resolver:r1", "dns-name:mx", "app:mail"), byId.get("app:mail").path());
    assertTrue(byId.get("app:mail").affected());
    assertFalse(byId.get("app:other").affected(), "app:other depends on the resolver but its checks pass");
    assertEquals(List.of("dns-name:api", "dns-name:mx", "dns-name:www", "app:mail", "app:web"),
        impact.affectedNow());
  }

  @Test
  void shouldAnswerNotFoundWhenTheIdIsUnknown() {
    opened();
    assertEquals(404, assertThrows(ApiException.class, () -> queries.incident("inc-nope")).status());
    assertEquals(404, assertThrows(ApiException.class, () -> queries.entity("app:nope")).status());
    assertEquals(404, assertThrows(ApiException.class, () -> queries.rootCause("app:nope")).status());
    assertEquals(404, assertThrows(ApiException.class, () -> queries.impact("app:nope")).status());
  }

  @Test
  void shouldRejectTheIdWhenItCannotBeOne() {
    ApiException e = assertThrows(ApiException.class, () -> queries.entity("app:a|b"));
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("not valid"), e.getMessage());
    assertEquals(400, assertThrows(ApiException.class, () -> queries.incident("x".repeat(300))).status());
    assertEquals(400, assertThrows(ApiException.class, () -> queries.impact("")).status());
  }
}
