package io.faultline.processor.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultlineMetricsTest {

  @Test
  void shouldCountEachKindSeparatelyWhenEventsArrive() {
    try (FaultlineMetrics m = FaultlineMetrics.inMemory()) {
      m.eventIn("dns");
      m.eventIn("dns");
      m.eventIn("app");
      m.symptomRaised("dns.timeout");
      m.symptomRaised("dns.timeout");
      m.symptomCleared("dns.timeout");
      m.incidentEmitted("OPENED");
      m.incidentEmitted("RESOLVED");
      m.candidatesEmitted(3);
      m.deadLetter("deserialization", "faultline.telemetry.dns");
      assertEquals(2, m.count(FaultlineMetrics.EVENTS_IN, "kind", "dns"));
      assertEquals(1, m.count(FaultlineMetrics.EVENTS_IN, "kind", "app"));
      assertEquals(2, m.count(FaultlineMetrics.SYMPTOMS, "transition", "raised"));
      assertEquals(1, m.count(FaultlineMetrics.SYMPTOMS, "transition", "cleared"));
      assertEquals(1, m.count(FaultlineMetrics.INCIDENTS, "state", "OPENED"));
      assertEquals(3, m.count(FaultlineMetrics.CANDIDATES, null, null));
      assertEquals(1, m.count(FaultlineMetrics.DEAD_LETTERS, "stage", "deserialization"));
      assertThrows(IllegalStateException.class, m::scrape, "an in-memory registry has nothing to scrape");
    }
  }

  @Test
  void shouldPublishTheDetectionDelayAsAHistogramWhenScraped() {
    try (FaultlineMetrics m = FaultlineMetrics.prometheus()) {
      m.detectionDelay(Duration.ofSeconds(20));
      m.detectionDelay(Duration.ofSeconds(40));
      m.detectionDelay(Duration.ofSeconds(-1));
      assertEquals(3, m.detectionDelayCount());
      assertEquals(40_000, m.detectionDelayMaxMs(), 1);
      String text = m.scrape();
      assertTrue(text.contains("faultline_detection_delay_seconds_bucket{le="), text);
      assertTrue(text.contains("faultline_detection_delay_seconds_count 3"), text);
    }
  }
}
