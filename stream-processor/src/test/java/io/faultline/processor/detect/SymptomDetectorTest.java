package io.faultline.processor.detect;

import static io.faultline.processor.detect.Samples.app;
import static io.faultline.processor.detect.Samples.at;
import static io.faultline.processor.detect.Samples.disk;
import static io.faultline.processor.detect.Samples.dns;
import static io.faultline.processor.detect.Samples.memory;
import static io.faultline.processor.detect.Samples.pool;
import static io.faultline.processor.detect.Samples.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.common.Severity;
import io.faultline.correlation.Symptom;
import io.faultline.correlation.SymptomState;
import io.faultline.internal.CorrelationInput;
import io.faultline.internal.CorrelationInputKind;
import io.faultline.telemetry.DnsRcode;
import io.faultline.telemetry.MemberState;
import io.faultline.telemetry.ServiceState;
import java.time.Duration;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The detectors, fed in order (no grace), so each sample is judged as it arrives. */
class SymptomDetectorTest {

  private final DetectionDriver d = new DetectionDriver(DetectionSettings.defaults().withGrace(Duration.ZERO));

  @AfterEach
  void close() {
    d.close();
  }

  private void diskErrors(int samples, IntPredicate failing) {
    for (int i = 0; i < samples; i++) {
      d.pipe(disk("disk:sda", i * 10, 2.5, failing.test(i) ? 7 : 0));
    }
  }

  private void pageIn(int from, int to, IntPredicate high) {
    for (int i = from; i < to; i++) {
      // steady 14..16 pages/s with a little noise; 100 when high
      d.pipe(memory("vm:vm-01", i * 10, high.test(i) ? 100 : 14 + (i % 3)));
    }
  }

  private List<String> transitions() {
    return d.symptoms().stream().map(s -> s.getState() + " " + s.getEntity() + " " + s.getSignal()
        + (s.getRelated() == null ? "" : " " + s.getRelated()) + " @" + Duration.between(Samples.T0, s.getEventTime()).toSeconds())
        .toList();
  }

  @Test
  void shouldRaiseIoErrorsWhenTwoOfThreeSamplesFail() {
    // I/O errors are the device's own report, not a probe's outcome: two of three samples confirm.
    diskErrors(10, i -> i == 5 || i == 7 || i == 8);
    List<Symptom> symptoms = d.symptoms();
    assertEquals(1, symptoms.size());
    Symptom s = symptoms.get(0);
    assertEquals(SymptomState.RAISED, s.getState());
    assertEquals(Severity.CRITICAL, s.getSeverity());
    assertEquals(at(50), s.getOnset());
    assertEquals(at(70), s.getEventTime());
    assertEquals(7.0, s.getObserved());
    assertEquals(2, s.getAbnormalSamples());
    assertEquals("7 I/O errors per interval in 2 of 3 samples", s.getDescription());
  }

  @Test
  void shouldRaiseNothingWhenASingleSampleSpikes() {
    for (int i = 0; i < 40; i++) {
      d.pipe(disk("disk:sda", i * 10, 2.5, i == 5 || i == 12 ? 9 : 0));
      d.pipe(memory("vm:vm-01", i * 10 + 1, i == 20 || i == 30 ? 300 : 15));
    }
    assertEquals(List.of(), transitions());
  }

  @Test
  void shouldJudgeNothingDuringWarmupWhenBaselineIsStillLearning() {
    pageIn(0, 11, i -> i >= 6); // abnormal-looking values while the baseline learns: no verdict yet
    assertEquals(List.of(), transitions());
  }

  @Test
  void shouldRaiseCriticalWhenBaselineIsExceededFarBeyondNormal() {
    pageIn(0, 20, i -> false);
    for (int i = 20; i < 24; i++) {
      d.pipe(memory("vm:vm-01", i * 10, 1000));
    }
    assertEquals(List.of(Severity.CRITICAL), d.symptoms().stream().map(Symptom::getSeverity).toList());
  }

  @Test
  void shouldRaiseBaselineSymptomWhenThreeOfFourSamplesExceedTheLearnedNormal() {
    pageIn(0, 25, i -> i == 20 || i == 21 || i == 23);
    List<Symptom> symptoms = d.symptoms();
    assertEquals(1, symptoms.size(), symptoms.toString());
    Symptom s = symptoms.get(0);
    assertEquals("memory.pageInPerSec", s.getSignal());
    assertEquals(Severity.WARNING, s.getSeverity());
    assertEquals(at(200), s.getOnset());
    assertEquals(at(230), s.getEventTime());
    assertEquals(100.0, s.getObserved());
    assertNotNull(s.getBaseline());
    assertTrue(s.getBaseline() > 13 && s.getBaseline() < 17, "baseline " + s.getBaseline());
    assertEquals(s.getBaseline() + Metric.MEMORY_PAGE_IN.floor(), s.getThreshold(), 1e-9);
  }

  @Test
  void shouldClearOnlyAfterConsecutiveNormalSamplesWhenBaselineRecovers() {
    pageIn(0, 20, i -> false);
    for (int i = 20; i < 25; i++) {
      d.pipe(memory("vm:vm-01", i * 10, 100));
    }
    // Under the raise threshold (15 + 50) but above the clear threshold (15 + 25): hysteresis keeps it raised.
    for (int i = 25; i < 35; i++) {
      d.pipe(memory("vm:vm-01", i * 10, 50));
    }
    assertEquals(List.of("RAISED vm:vm-01 memory.pageInPerSec @220"), transitions());
    pageIn(35, 40, i -> false);
    assertEquals(List.of("CLEARED vm:vm-01 memory.pageInPerSec @390"), transitions());
  }

  @Test
  void shouldRaiseOnceAndStayRaisedWhenMetricFlaps() {
    diskErrors(60, i -> i >= 10 && i % 2 == 0);
    assertEquals(List.of("RAISED disk:sda disk.ioErrors @120"), transitions());
  }

  @Test
  void shouldHoldTheSecondEpisodeUntilStableWhenSignalRaisesRepeatedly() {
    // Three failures, 7 good samples, three failures ...: episodes a little longer apart than clearing takes.
    diskErrors(40, i -> i % 10 < 3);
    assertEquals(List.of("RAISED disk:sda disk.ioErrors @10", "CLEARED disk:sda disk.ioErrors @80",
        "RAISED disk:sda disk.ioErrors @110"), transitions());
  }

  @Test
  void shouldTrackEachResolverWhenANameFailsOnOneOfThem() {
    for (int i = 0; i < 10; i++) {
      d.pipe(dns("dns-name:db.internal", "dns-resolver:10.0.0.53", i * 10, DnsRcode.NOERROR));
      d.pipe(dns("dns-name:db.internal", "dns-resolver:10.0.1.53", i * 10 + 1, i >= 5 ? DnsRcode.TIMEOUT : DnsRcode.NOERROR));
    }
    List<Symptom> symptoms = d.symptoms();
    assertEquals(1, symptoms.size());
    Symptom s = symptoms.get(0);
    assertEquals("dns.rcode", s.getSignal());
    assertEquals("dns-resolver:10.0.1.53", s.getRelated());
    assertEquals(at(51), s.getOnset());
    assertEquals("rcode TIMEOUT via dns-resolver:10.0.1.53 in 3 of 5 samples", s.getDescription());
  }

  @Test
  void shouldWaitForThreeOfFiveWhenDnsQueriesGoUnansweredButConfirmNxdomainOnTwoOfThree() {
    // Two timeouts in a row happen on healthy estates; NXDOMAIN is the resolver's answer about the record.
    for (int i = 0; i < 10; i++) {
      d.pipe(dns("dns-name:db.internal", "dns-resolver:10.0.1.53", i * 10, i == 3 || i == 4 ? DnsRcode.TIMEOUT
          : DnsRcode.NOERROR));
      d.pipe(dns("dns-name:cache.internal", "dns-resolver:10.0.1.53", i * 10 + 1, i == 3 || i == 4 ? DnsRcode.NXDOMAIN
          : DnsRcode.NOERROR));
    }
    assertEquals(List.of("RAISED dns-name:cache.internal dns.rcode dns-resolver:10.0.1.53 @41"), transitions());
  }

  @Test
  void shouldWaitForThreeOfFiveWhenSyntheticChecksFailTwice() {
    for (int i = 0; i < 10; i++) {
      d.pipe(app("app:payments", i * 10, i != 3 && i != 4));
    }
    assertEquals(List.of(), transitions());
  }

  @Test
  void shouldRaiseNothingWhenTwoBaselineSamplesInARowSpikeFarBeyondNormal() {
    // Measurements are heavy-tailed (two 5x latency spikes in a row happen on healthy estates):
    // however far beyond normal, a baseline signal needs 3 of 4 abnormal samples.
    pageIn(0, 20, i -> false);
    d.pipe(memory("vm:vm-01", 200, 1000));
    d.pipe(memory("vm:vm-01", 210, 1000));
    pageIn(22, 30, i -> false);
    assertEquals(List.of(), transitions());
  }

  @Test
  void shouldRaiseOnTheMemberWhenPoolReportsItDown() {
    for (int i = 0; i < 10; i++) {
      d.pipe(pool("pool:web", "vm:vm-07", i * 10, i >= 4 ? MemberState.DOWN : MemberState.UP));
      d.pipe(pool("pool:web", "vm:vm-08", i * 10 + 1, i >= 4 ? MemberState.DRAINING : MemberState.UP));
    }
    assertEquals(List.of("RAISED vm:vm-07 pool.member pool:web @50"), transitions());
    List<String> monitored = d.correlationInputs().stream().filter(c -> c.getKind() == CorrelationInputKind.MONITORED)
        .map(CorrelationInput::getEntity).toList();
    assertEquals(List.of("pool:web", "vm:vm-07", "vm:vm-08"), monitored);
  }

  @Test
  void shouldRaiseCriticalWhenServiceIsDownAndWarningWhenDegraded() {
    for (int i = 0; i < 5; i++) {
      d.pipe(service("service:ldap", i * 10, i >= 2 ? ServiceState.DEGRADED : ServiceState.UP));
      d.pipe(service("service:ntp", i * 10 + 1, i >= 2 ? ServiceState.DOWN : ServiceState.UP));
    }
    // DOWN is the registry's verdict and confirms on 2 of 3 samples; DEGRADED (WARNING) on 3 of 5.
    List<String> got = d.symptoms().stream().map(s -> s.getEntity() + " " + s.getSeverity() + " @"
        + Duration.between(Samples.T0, s.getEventTime()).toSeconds()).toList();
    assertEquals(List.of("service:ntp CRITICAL @31", "service:ldap WARNING @40"), got);
  }

  @Test
  void shouldRaiseFailedCheckRelatedToTheCheckWhenApplicationFails() {
    for (int i = 0; i < 6; i++) {
      d.pipe(app("app:payments", i * 10, i < 3));
    }
    Symptom s = d.symptoms().get(0);
    assertEquals("app.ok", s.getSignal());
    assertEquals("purchase", s.getRelated());
    assertEquals("check purchase failed (status 500, step pay) in 3 of 5 samples", s.getDescription());
  }

  @Test
  void shouldRaiseSilenceWhenAVmStopsWhileItsPeersReport() {
    for (int i = 0; i < 30; i++) {
      d.pipe(memory("vm:vm-01", i * 10, 15));
      if (i < 10) {
        d.pipe(memory("vm:vm-02", i * 10 + 2, 15));
      }
    }
    List<Symptom> symptoms = d.symptoms();
    assertEquals(1, symptoms.size(), symptoms.toString());
    Symptom s = symptoms.get(0);
    assertEquals("vm:vm-02", s.getEntity());
    assertEquals("silence", s.getSignal());
    assertEquals(Severity.CRITICAL, s.getSeverity());
    assertEquals(at(102), s.getOnset());
    assertEquals(at(122), s.getEventTime());

    d.pipe(memory("vm:vm-02", 302, 15));
    assertEquals(List.of("CLEARED vm:vm-02 silence @302"), transitions());
  }

  @Test
  void shouldRaiseNoSilenceWhenEverythingStops() {
    for (int i = 0; i < 10; i++) {
      d.pipe(memory("vm:vm-01", i * 10, 15));
      d.pipe(memory("vm:vm-02", i * 10 + 2, 15));
    }
    d.idle();
    d.driver.advanceWallClockTime(Duration.ofMinutes(10));
    assertEquals(List.of(), transitions());
  }
}
