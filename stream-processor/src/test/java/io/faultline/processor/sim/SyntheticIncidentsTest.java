package io.faultline.processor.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.processor.analysis.Diagnosis;
import io.faultline.processor.analysis.ObservedSymptom;
import io.faultline.processor.analysis.RootCauseAnalyzer;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The warm-up's simulated incidents look like what the correlator holds in real ones. */
class SyntheticIncidentsTest {
  private static final SyntheticIncidents LOAD = SyntheticIncidents.generate(800, 3, 1_000, 30);

  @Test
  void shouldHaveOneEpisodePerFaultKindEndingWithEverythingClearedWhenGenerated() {
    Set<String> kinds = Arrays.stream(FaultKind.values()).map(FaultKind::cliName).collect(Collectors.toSet());
    assertEquals(kinds, LOAD.episodes().stream().map(SyntheticIncidents.Episode::fault).collect(Collectors.toSet()));
    for (SyntheticIncidents.Episode e : LOAD.episodes()) {
      List<SyntheticIncidents.Step> steps = e.steps();
      assertEquals(32 + 1, steps.size(), e.fault());
      assertTrue(steps.get(steps.size() - 1).active().isEmpty(), e.fault() + " ends cleared");
      for (int i = 1; i < steps.size(); i++) {
        assertEquals(1_000, steps.get(i).time() - steps.get(i - 1).time(), "one tick apart");
      }
      for (SyntheticIncidents.Step s : steps) {
        for (ObservedSymptom o : s.active()) {
          assertTrue(LOAD.graph().contains(o.entity()), o.entity() + " is in the topology");
          assertTrue(LOAD.monitored().contains(o.entity()), o.entity() + " reports telemetry");
          assertTrue(o.onset() <= s.time(), "no symptom before its onset");
        }
      }
    }
  }

  @Test
  void shouldNameSignalsAsTheDetectorDoesWhenFaultsNeedThem() {
    List<ObservedSymptom> all = LOAD.episodes().stream().flatMap(e -> e.steps().stream())
        .flatMap(s -> s.active().stream()).toList();
    assertTrue(all.stream().anyMatch(o -> o.signal().equals("dns.rcode") && o.related() != null
        && o.description().contains("NXDOMAIN")), "a missing record answers NXDOMAIN through its resolver");
    assertTrue(all.stream().anyMatch(o -> o.signal().equals("dns.rcode") && o.description().contains("TIMEOUT")));
    assertTrue(all.stream().anyMatch(o -> o.signal().equals("pool.member") && LOAD.graph().minHealthy(o.related())
        != null), "a member out of rotation is reported by its pool");
    assertTrue(all.stream().anyMatch(o -> o.signal().equals("silence")), "a VM down goes silent");
    assertTrue(all.stream().anyMatch(o -> o.signal().equals("disk.ioErrors")));
  }

  /** The warm-up is only worth its CPU if the analysis takes the paths a real incident takes. */
  @Test
  void shouldLetTheAnalysisFindThePlannedRootWhenTheFaultHasUnfolded() {
    RootCauseAnalyzer analyzer = new RootCauseAnalyzer();
    int found = 0;
    for (SyntheticIncidents.Episode e : LOAD.episodes()) {
      List<SyntheticIncidents.Step> steps = e.steps();
      SyntheticIncidents.Step unfolded = steps.get(steps.size() - 2);
      List<Diagnosis> diagnoses = analyzer.analyze(LOAD.graph(), unfolded.active(), LOAD.monitored(), unfolded.time());
      if (diagnoses.stream().anyMatch(d -> d.ranked().stream().limit(3).anyMatch(c -> c.entity().equals(e.root())))) {
        found++;
      }
    }
    assertTrue(found >= LOAD.episodes().size() - 2, found + " of " + LOAD.episodes().size() + " roots in the top 3");
  }
}
