package io.faultline.processor.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.processor.analysis.RootCauseAnalyzer;
import org.junit.jupiter.api.Test;

class AnalysisWarmupTest {
  private static final CorrelationSettings SETTINGS = CorrelationSettings.defaults();

  @Test
  void shouldRunTheAnalysisAndBuildIncidentRecordsWhenStarted() throws InterruptedException {
    try (AnalysisWarmup w = AnalysisWarmup.start(SETTINGS, new RootCauseAnalyzer()::analyze, 200)) {
      assertTrue(w.await(120_000), "the warm-up ends by itself");
      assertEquals(200, w.analysesDone());
      // Incidents opened (their records) and ranked candidates: the lifecycle ran, not only the analysis.
      assertTrue(w.recordsBuilt() > 10, "records built: " + w.recordsBuilt());
    }
  }

  @Test
  void shouldRunNothingUntilBegunAndRunOnceWhenBegunTwice() throws InterruptedException {
    try (AnalysisWarmup w = AnalysisWarmup.create(SETTINGS, new RootCauseAnalyzer()::analyze, 50)) {
      assertTrue(w.await(0));
      assertEquals(0, w.analysesDone());

      w.begin();
      w.begin();

      assertTrue(w.await(120_000), "the warm-up ends by itself");
      assertEquals(50, w.analysesDone());
    }
  }

  @Test
  void shouldNeverStartWhenClosedBeforeBegun() throws InterruptedException {
    AnalysisWarmup w = AnalysisWarmup.create(SETTINGS, new RootCauseAnalyzer()::analyze, 50);
    w.close();
    w.begin();
    assertTrue(w.await(0));
    assertEquals(0, w.analysesDone());
  }

  @Test
  void shouldStopEarlyWhenClosed() throws InterruptedException {
    AnalysisWarmup w = AnalysisWarmup.start(SETTINGS, new RootCauseAnalyzer()::analyze, 1_000_000);
    w.close();
    assertTrue(w.await(0), "no thread left behind");
    assertTrue(w.analysesDone() < 1_000_000);
  }

  @Test
  void shouldStartNothingWhenTurnedOff() throws InterruptedException {
    try (AnalysisWarmup w = AnalysisWarmup.start(SETTINGS, new RootCauseAnalyzer()::analyze, 0)) {
      assertTrue(w.await(0));
      assertEquals(0, w.analysesDone());
    }
  }
}
