package io.faultline.processor.correlate;

import static io.faultline.processor.correlate.CorrelationHarness.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.common.EntityKind;
import io.faultline.common.Severity;
import io.faultline.correlation.Evidence;
import io.faultline.correlation.Incident;
import io.faultline.correlation.IncidentState;
import io.faultline.correlation.RootCauseCandidate;
import io.faultline.correlation.SymptomState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorrelatorTest {
  private static final long S = 1000;
  private static final CorrelationSettings SETTINGS =
      new CorrelationSettings(2, 1000, 10 * S, 30 * S, 60 * S, 300 * S, 5, 0.5);

  @TempDir Path stateDir;
  private CorrelationHarness h;

  private CorrelationHarness harness() {
    h = new CorrelationHarness(SETTINGS, stateDir);
    // Two applications on two VMs of one silent host, and an unrelated mail app behind DNS.
    h.entity("app:shop", EntityKind.APPLICATION).entity("app:search", EntityKind.APPLICATION)
        .entity("vm:1", EntityKind.VM).entity("vm:2", EntityKind.VM).entity("host:1", EntityKind.HOST)
        .entity("app:mail", EntityKind.APPLICATION).entity("dns-name:mx", EntityKind.DNS_NAME)
        .entity("dns-resolver:r1", EntityKind.DNS_RESOLVER)
        .depends("app:shop", "vm:1").depends("vm:1", "host:1")
        .depends("app:search", "vm:2").depends("vm:2", "host:1")
        .depends("app:mail", "dns-name:mx").depends("dns-name:mx", "dns-resolver:r1");
    return h;
  }

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  private static Instant at(long ms) {
    return Instant.ofEpochMilli(ms);
  }

  @Test
  void shouldEvaluateNothingWhenOneUpstreamPartitionHasNotPassedTheTick() {
    harness().raise(0, "app:shop", "app.ok", T0).raise(1, "app:search", "app.ok", T0 + S)
        .watermark(0, T0 + 60 * S);
    assertTrue(h.drainIncidents().isEmpty(), "partition 1 has sent no watermark yet");
    h.watermark(1, T0 + 9 * S);
    assertTrue(h.drainIncidents().isEmpty(), "not yet confirmed at T0+9s");
    h.watermark(1, T0 + 60 * S);
    List<Incident> incidents = h.drainIncidents();
    assertEquals(1, incidents.size());
    Incident inc = incidents.get(0);
    assertEquals(IncidentState.OPENED, inc.getState());
    assertEquals("host:1", inc.getRootCause());
    assertEquals(at(T0 + 10 * S), inc.getOpenedAt(), "opened at the first tick with openAfter of evidence");
    assertEquals(at(T0), inc.getOnset());
    assertEquals(List.of("app:search", "app:shop"), inc.getAffected());
  }

  @Test
  void shouldNotWaitForIdleUpstreamPartitionsWhenEvaluating() {
    harness().idle(1, T0).raise(0, "app:shop", "app.ok", T0).watermark(0, T0 + 20 * S);
    List<Incident> incidents = h.drainIncidents();
    assertEquals(1, incidents.size(), "an idle partition must not hold the watermark back");
    // Once it sends a watermark again it gates evaluation again.
    h.watermark(1, T0 + 20 * S).raise(0, "app:mail", "app.ok", T0 + 30 * S).watermark(0, T0 + 90 * S);
    assertTrue(h.drainIncidents().isEmpty());
    h.watermark(1, T0 + 90 * S);
    assertEquals(List.of("dns-resolver:r1"),
        h.drainIncidents().stream().map(Incident::getRootCause).toList());
  }

  @Test
  void shouldPublishIdenticalOutputWhenUpstreamPartitionsInterleaveDifferently() {
    List<Consumer<CorrelationHarness>> p0 = List.of(
        x -> x.monitored(0, "app:shop", T0 - 5 * S),
        x -> x.raise(0, "app:shop", "app.ok", T0),
        x -> x.watermark(0, T0 + 5 * S),
        x -> x.raise(0, "vm:1", "memory.pageInPerSec", T0 + 7 * S),
        x -> x.watermark(0, T0 + 40 * S),
        x -> x.clear(0, "app:shop", "app.ok", T0 + 50 * S),
        x -> x.clear(0, "vm:1", "memory.pageInPerSec", T0 + 50 * S),
        x -> x.watermark(0, T0 + 400 * S));
    List<Consumer<CorrelationHarness>> p1 = List.of(
        x -> x.raise(1, "app:search", "app.ok", T0 + 2 * S),
        x -> x.raise(1, "app:mail", "app.ok", T0 + 3 * S),
        x -> x.raise(1, "dns-name:mx", "dns.rcode", T0 + 3 * S),
        x -> x.watermark(1, T0 + 30 * S),
        x -> x.clear(1, "app:search", "app.ok", T0 + 45 * S),
        x -> x.watermark(1, T0 + 400 * S));
    List<Object> sequential = run(p0, p1, true);
    List<Object> interleaved = run(p0, p1, false);
    assertFalse(sequential.isEmpty());
    assertEquals(sequential, interleaved);
    assertTrue(sequential.stream().anyMatch(r -> r instanceof Incident i && i.getState() == IncidentState.RESOLVED));
  }

  private List<Object> run(List<Consumer<CorrelationHarness>> p0, List<Consumer<CorrelationHarness>> p1,
      boolean sequential) {
    try (CorrelationHarness x = new CorrelationHarness(SETTINGS, CorrelationHarness.tempDir())) {
      x.entity("app:shop", EntityKind.APPLICATION).entity("app:search", EntityKind.APPLICATION)
          .depends("app:shop", "vm:1").depends("vm:1", "host:1")
          .depends("app:search", "vm:2").depends("vm:2", "host:1")
          .depends("app:mail", "dns-name:mx").depends("dns-name:mx", "dns-resolver:r1");
      if (sequential) {
        p0.forEach(c -> c.accept(x));
        p1.forEach(c -> c.accept(x));
      } else {
        for (int i = 0; i < Math.max(p0.size(), p1.size()); i++) {
          if (i < p1.size()) {
            p1.get(i).accept(x);
          }
          if (i < p0.size()) {
            p0.get(i).accept(x);
          }
        }
      }
      x.drainIncidents();
      List<Object> all = new java.util.ArrayList<>(x.incidentLog);
      all.addAll(x.candidateLog);
      return all;
    }
  }

  @Test
  void shouldOpenOneIncidentWithRankedCandidatesWhenManySymptomsShareOneRoot() {
    harness().raise(0, "app:shop", "app.ok", T0).raise(0, "vm:1", "memory.pageInPerSec", T0)
        .raise(1, "app:search", "app.ok", T0 + S).raise(1, "vm:2", "memory.pageInPerSec", T0 + 2 * S)
        .watermarkAll(T0 + 30 * S);
    List<Incident> incidents = h.drainIncidents();
    assertEquals(1, incidents.size());
    Incident inc = incidents.get(0);
    assertEquals("host:1", inc.getRootCause());
    assertEquals(EntityKind.HOST, inc.getRootCauseKind());
    assertEquals(1, inc.getVersion());
    assertEquals(List.of("app:search", "app:shop", "vm:1", "vm:2"), inc.getAffected());
    assertEquals(List.of("app:search", "app:shop"), inc.getAffectedApplications());
    assertEquals("a", inc.getLabels().get("site"));
    assertTrue(inc.getId().startsWith("inc-20261121T100010-"), inc.getId());
    assertTrue(inc.getSummary().contains("host:1"), inc.getSummary());
    assertTrue(inc.getSummary().contains("no telemetry from host:1 itself"), inc.getSummary());

    List<RootCauseCandidate> candidates = h.candidateLog;
    assertFalse(candidates.isEmpty());
    RootCauseCandidate first = candidates.get(0);
    assertEquals(1, first.getRank());
    assertEquals("host:1", first.getEntity());
    assertEquals(inc.getId(), first.getIncidentId());
    assertEquals(candidates.size(), first.getCandidateCount());
    assertEquals(at(T0 + 10 * S), first.getEventTime());
    Evidence toShop = first.getEvidence().stream().filter(e -> e.getEntity().equals("app:shop")).findFirst().orElseThrow();
    assertEquals(List.of("host:1", "vm:1", "app:shop"), toShop.getPath());
    assertTrue(toShop.getExplained());
    for (int i = 0; i < candidates.size(); i++) {
      assertEquals(i + 1, candidates.get(i).getRank());
    }
  }

  @Test
  void shouldNotOpenAnIncidentWhenADiagnosisVanishesBeforeConfirmation() {
    harness().raise(0, "app:shop", "app.ok", T0).clear(0, "app:shop", "app.ok", T0 + 5 * S)
        .symptom(1, "app:mail", "app.latencyMs", SymptomState.RAISED, Severity.WARNING, T0)
        .watermarkAll(T0 + 25 * S);
    assertTrue(h.drainIncidents().isEmpty(), "transient critical and young warning evidence open nothing");
    h.watermarkAll(T0 + 30 * S);
    assertEquals(List.of("dns-resolver:r1"), h.drainIncidents().stream().map(Incident::getRootCause).toList(),
        "warning-only evidence opens after openAfterWarningMs");
  }

  @Test
  void shouldUpdateTheSameIncidentWhenTheRootMovesDeeper() {
    harness().monitored(0, "vm:1", T0 - 10 * S).monitored(0, "host:1", T0 - 10 * S)
        .raise(0, "app:shop", "app.ok", T0).watermarkAll(T0 + 12 * S);
    List<Incident> first = h.drainIncidents();
    assertEquals(List.of("app:shop"), first.stream().map(Incident::getRootCause).toList());
    h.raise(0, "vm:1", "memory.pageInPerSec", T0 + 15 * S).watermarkAll(T0 + 18 * S)
        .raise(0, "host:1", "memory.pageInPerSec", T0 + 20 * S).watermarkAll(T0 + 25 * S);
    List<Incident> later = h.drainIncidents();
    assertEquals(List.of("vm:1", "host:1"), later.stream().map(Incident::getRootCause).toList());
    assertEquals(Set.of(first.get(0).getId()), later.stream().map(Incident::getId).collect(Collectors.toSet()));
    assertEquals(List.of(IncidentState.UPDATED, IncidentState.UPDATED), later.stream().map(Incident::getState).toList());
    assertEquals(List.of(2L, 3L), later.stream().map(Incident::getVersion).toList());
    assertEquals(at(T0 + 20 * S), later.get(1).getUpdatedAt());
  }

  @Test
  void shouldPublishNoUpdateWhenNothingAnOperatorSeesChanged() {
    harness().raise(0, "app:shop", "app.ok", T0).watermarkAll(T0 + 12 * S);
    assertEquals(1, h.drainIncidents().size());
    // A new symptom key on an already affected entity changes neither root, ranking nor affected set.
    h.raise(0, "app:shop", "app.latencyMs", T0 + 13 * S).watermarkAll(T0 + 30 * S);
    assertTrue(h.drainIncidents().isEmpty());
  }

  @Test
  void shouldResolveAfterTheDiagnosisIsAbsentForResolveAfterMs() {
    harness().raise(0, "app:shop", "app.ok", T0).watermarkAll(T0 + 12 * S);
    Incident opened = h.drainIncidents().get(0);
    h.clear(0, "app:shop", "app.ok", T0 + 40 * S).watermarkAll(T0 + 99 * S);
    assertTrue(h.drainIncidents().isEmpty(), "absent for 59 s only");
    h.watermarkAll(T0 + 100 * S);
    List<Incident> resolved = h.drainIncidents();
    assertEquals(1, resolved.size());
    assertEquals(opened.getId(), resolved.get(0).getId());
    assertEquals(IncidentState.RESOLVED, resolved.get(0).getState());
    assertEquals(at(T0 + 100 * S), resolved.get(0).getResolvedAt());
    assertEquals(2, resolved.get(0).getVersion());
  }

  @Test
  void shouldKeepTheIncidentOpenWhenTheFaultFlapsWithinResolveAfter() {
    harness().raise(0, "app:shop", "app.ok", T0).watermarkAll(T0 + 12 * S)
        .clear(0, "app:shop", "app.ok", T0 + 20 * S).raise(0, "app:shop", "app.ok", T0 + 50 * S)
        .watermarkAll(T0 + 200 * S);
    List<Incident> all = h.drainIncidents();
    assertEquals(List.of(IncidentState.OPENED), all.stream().map(Incident::getState).toList());
  }

  @Test
  void shouldReopenTheSameIncidentWhenTheRootFailsAgainWithinTheReopenWindow() {
    harness().raise(0, "app:shop", "app.ok", T0).watermarkAll(T0 + 12 * S)
        .clear(0, "app:shop", "app.ok", T0 + 20 * S).watermarkAll(T0 + 100 * S);
    List<Incident> first = h.drainIncidents();
    assertEquals(List.of(IncidentState.OPENED, IncidentState.RESOLVED), first.stream().map(Incident::getState).toList());
    String id = first.get(0).getId();

    h.raise(1, "app:search", "app.ok", T0 + 200 * S).watermarkAll(T0 + 220 * S);
    List<Incident> again = h.drainIncidents();
    assertEquals(1, again.size());
    Incident reopened = again.get(0);
    assertEquals(id, reopened.getId());
    assertEquals(IncidentState.UPDATED, reopened.getState());
    assertEquals(1, reopened.getReopenCount());
    assertEquals(3, reopened.getVersion());
    assertNull(reopened.getResolvedAt());
    assertEquals(at(T0 + 210 * S), reopened.getOpenedAt());

    // Beyond the reopen window the same root is a new incident.
    h.clear(1, "app:search", "app.ok", T0 + 230 * S).watermarkAll(T0 + 300 * S)
        .raise(0, "app:shop", "app.ok", T0 + 1000 * S).watermarkAll(T0 + 1020 * S);
    List<Incident> later = h.drainIncidents();
    assertEquals(List.of(IncidentState.RESOLVED, IncidentState.OPENED), later.stream().map(Incident::getState).toList());
    assertFalse(later.get(1).getId().equals(id));
  }

  @Test
  void shouldOpenTwoIncidentsWhenTwoUnrelatedFaultsOverlap() {
    harness().raise(0, "app:shop", "app.ok", T0).raise(0, "app:search", "app.ok", T0)
        .raise(1, "app:mail", "app.ok", T0 + 2 * S).raise(1, "dns-name:mx", "dns.rcode", T0 + 2 * S)
        .watermarkAll(T0 + 30 * S);
    List<Incident> incidents = h.drainIncidents();
    assertEquals(List.of("host:1", "dns-resolver:r1"), incidents.stream().map(Incident::getRootCause).toList());
    assertEquals(2, incidents.stream().map(Incident::getId).distinct().count());
    assertEquals(List.of("app:mail", "dns-name:mx"), incidents.get(1).getAffected());
  }

  @Test
  void shouldApplyTopologyChangesFromTheirEventTime() {
    h = new CorrelationHarness(SETTINGS, stateDir);
    h.monitored(0, "app:web", T0 - 10 * S).monitored(0, "vm:9", T0 - 10 * S)
        // The edge is declared up front but only exists from T0+30s on.
        .depends("app:web", "vm:9", T0 + 30 * S, false)
        .raise(0, "app:web", "app.ok", T0).raise(0, "vm:9", "memory.pageInPerSec", T0)
        .watermarkAll(T0 + 29 * S);
    List<Incident> before = h.drainIncidents();
    assertEquals(Set.of("app:web", "vm:9"), before.stream().map(Incident::getRootCause).collect(Collectors.toSet()),
        "without the edge the two are unrelated");
    h.watermarkAll(T0 + 31 * S);
    List<Incident> after = h.drainIncidents();
    assertEquals(List.of(IncidentState.UPDATED, IncidentState.RESOLVED), after.stream().map(Incident::getState).toList());
    assertEquals("vm:9", after.get(0).getRootCause());
    assertEquals(at(T0 + 30 * S), after.get(0).getUpdatedAt());
    assertEquals(List.of("app:web", "vm:9"), after.get(0).getAffected());
    // The application's own incident is now explained by the VM: merged into the VM's, not left open.
    assertEquals("vm:9", after.get(1).getRootCause());
    assertTrue(after.get(1).getSummary().startsWith("Merged into " + after.get(0).getId()), after.get(1).getSummary());
  }

  @Test
  void shouldKeepRootAndOpenNothingNewWhenVictimsClearAfterTheRoot() {
    harness().monitored(0, "vm:1", T0 - 10 * S).monitored(0, "vm:2", T0 - 10 * S).monitored(0, "host:1", T0 - 10 * S)
        .raise(0, "host:1", "memory.pageInPerSec", T0)
        .raise(0, "app:shop", "app.ok", T0).raise(1, "app:search", "app.ok", T0)
        .watermarkAll(T0 + 12 * S);
    List<Incident> opened = h.drainIncidents();
    assertEquals(List.of("host:1"), opened.stream().map(Incident::getRootCause).toList());
    // The host recovers first; the applications' checks still fail for a while (each alone is
    // then its own best explanation), then recover too.
    h.clear(0, "host:1", "memory.pageInPerSec", T0 + 60 * S)
        .clear(0, "app:shop", "app.ok", T0 + 80 * S).clear(1, "app:search", "app.ok", T0 + 90 * S)
        .watermarkAll(T0 + 300 * S);
    List<Incident> after = h.drainIncidents();
    assertEquals(List.of(IncidentState.RESOLVED), after.stream().map(Incident::getState).toList(),
        "the tail neither moves the root to a victim nor opens incidents for them");
    assertEquals("host:1", after.get(0).getRootCause());
    assertEquals(at(T0 + 150 * S), after.get(0).getResolvedAt(), "resolved resolveAfter after the last symptom cleared");
  }

  @Test
  void shouldStoreProgressOnceWhenATopologyLoadArrivesBetweenTicks() {
    h = new CorrelationHarness(SETTINGS, stateDir);
    var progressLog = h.driver.createOutputTopic("correlation-test-" + CorrelationStage.PROGRESS_STORE + "-changelog",
        org.apache.kafka.common.serialization.Serdes.String().deserializer(),
        org.apache.kafka.common.serialization.Serdes.ByteArray().deserializer());
    for (int i = 0; i < 500; i++) {
      h.entity("vm:" + i, EntityKind.VM).depends("vm:" + i, "host:" + (i % 7));
    }
    // A large estate arrives as one record per entity and edge: one progress write, not 1,000.
    assertEquals(1, progressLog.readRecordsToList().size());
    h.monitored(0, "vm:1", T0).watermarkAll(T0);
    assertEquals(1, progressLog.readRecordsToList().size(), "the tick at T0 stores its progress");
    // The watermark is at the last tick: more changes wait for the next one, stored as dirty once.
    for (int i = 500; i < 600; i++) {
      h.entity("vm:" + i, EntityKind.VM);
    }
    assertEquals(1, progressLog.readRecordsToList().size(), "dirty again after the tick: stored once more");
  }

  @Test
  void shouldReportTheGraphSizeAsGaugesWhileTheTaskRuns() {
    var meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    var props = new java.util.Properties();
    props.put(io.faultline.processor.errors.DeadLetters.METER_REGISTRY_CONFIG, meters);
    h = new CorrelationHarness(SETTINGS, stateDir, props);
    h.entity("app:web", EntityKind.APPLICATION).entity("vm:1", EntityKind.VM).entity("host:1", EntityKind.HOST)
        .depends("app:web", "vm:1").depends("vm:1", "host:1").depends("vm:1", "host:1");
    String entities = io.faultline.processor.api.FaultlineMetrics.TOPOLOGY_ENTITIES;
    String edges = io.faultline.processor.api.FaultlineMetrics.TOPOLOGY_DEPENDENCIES;
    assertEquals(3, meters.get(entities).gauge().value());
    assertEquals(2, meters.get(edges).gauge().value(), "a repeated edge is one edge");
    h.depends("app:web", "vm:1", null, true);
    assertEquals(1, meters.get(edges).gauge().value());
    h.close();
    h = null;
    assertNull(meters.find(entities).gauge(), "a closed task leaves no gauge reading its graph");
    assertNull(meters.find(edges).gauge());
  }
}
