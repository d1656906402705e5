package io.faultline.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.correlation.Incident;
import io.faultline.correlation.RootCauseCandidate;
import io.faultline.processor.api.FaultlineMetrics;
import io.faultline.schemas.scenario.ScenarioFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine's own meters (scraped at /metrics) count what it actually took in and published. */
class EngineMetricsTest {

  @Test
  void shouldCountEventsSymptomsCandidatesAndIncidentsWhenReplayingScenario() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    List<Incident> incidents;
    List<RootCauseCandidate> candidates;
    try (EngineDriver engine = new EngineDriver(Map.of(), meters)) {
      engine.replay(ScenarioFiles.shared("dns-record-missing.jsonl"));
      incidents = engine.incidents();
      candidates = engine.candidates();
    }
    for (String kind : List.of("disk", "memory", "network", "dns", "app", "pool")) {
      assertTrue(meters.get(FaultlineMetrics.EVENTS_IN).tag("kind", kind).counter().count() > 100,
          "events in of kind " + kind);
    }
    double raised = meters.get(FaultlineMetrics.SYMPTOMS).tag("transition", "raised").counters().stream()
        .mapToDouble(c -> c.count()).sum();
    assertTrue(raised > 0, "symptoms raised");
    assertEquals(raised, meters.get(FaultlineMetrics.DETECTION_DELAY).timer().count(), "one delay per raised symptom");
    assertEquals(candidates.size(), meters.get(FaultlineMetrics.CANDIDATES).counter().count());
    assertEquals(incidents.stream().filter(i -> i.getState().name().equals("OPENED")).count(),
        meters.get(FaultlineMetrics.INCIDENTS).tag("state", "OPENED").counter().count());
  }
}
