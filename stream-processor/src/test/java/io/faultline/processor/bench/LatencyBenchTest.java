package io.faultline.processor.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.faultline.processor.analysis.AnalysisSettings;
import io.faultline.processor.correlate.CorrelationSettings;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class LatencyBenchTest {

  @Test
  void shouldEndConfirmationAtTheOpeningTickWhenEnoughNamesAreConfirmed() {
    AnalysisSettings analysis = AnalysisSettings.defaults();
    CorrelationSettings correlation = CorrelationSettings.defaults();
    // 6 names: the analysis needs max(2, ceil(0.5 * 6)) = 3 of them; the third confirmation names the
    // resolver, and the diagnosis has been pending since the first one's tick (10 s).
    long[] conf = LatencyBench.confirmation(List.of(10_400L, 9_100L, 12_050L, 11_700L), 6, analysis, correlation);
    assertArrayEquals(new long[] {11_700L, Math.max(10_000L + correlation.openAfterMs(), 12_000L)}, conf);
  }

  @Test
  void shouldEndConfirmationAtTheInferenceWhenTheResolverIsNamedAfterTheIncidentOpened() {
    CorrelationSettings correlation = CorrelationSettings.defaults();
    long late = 1_000L + correlation.openAfterMs() + 2_500L;
    long[] conf = LatencyBench.confirmation(List.of(1_000L, 1_200L, late), 6, AnalysisSettings.defaults(), correlation);
    assertArrayEquals(new long[] {late, correlation.tickAtOrAfter(late)}, conf);
  }

  @Test
  void shouldHaveNoConfirmationWhenTooFewNamesWereConfirmed() {
    assertNull(LatencyBench.confirmation(List.of(1_000L, 2_000L), 6, AnalysisSettings.defaults(),
        CorrelationSettings.defaults()));
  }

  @Test
  void shouldSplitTheRateBetweenDnsProbesAndBackgroundWhenSettingTheInterval() {
    // 120 DNS series at 1 s = 120 events/s; 10,000 background series share the remaining 19,880.
    assertEquals(503, LatencyBench.backgroundIntervalMs(20_000, 10_000, 120));
    assertEquals(100, LatencyBench.backgroundIntervalMs(10_000_000, 10_000, 120), "no probe faster than 100 ms");
    assertThrows(IllegalArgumentException.class, () -> LatencyBench.backgroundIntervalMs(100, 10_000, 120));
  }

  @Test
  void shouldFailOneResolverOfEachPairWhenOrderingFaults() {
    List<String> resolvers = List.of("a0", "b0", "a1", "b1", "a2", "b2");
    assertEquals(List.of("a0", "a1"), LatencyBench.faultOrder(resolvers, 2));
    assertEquals(List.of("a0", "a1", "a2"), LatencyBench.faultOrder(resolvers, 5), "never a partner");
  }

  @Test
  void shouldCountAPartitionAsDoneOnlyWhenCommittedAtItsEnd() {
    TopicPartition a = new TopicPartition("t", 0);
    TopicPartition b = new TopicPartition("t", 1);
    assertEquals(false, ThroughputBench.atEnd(Map.of(a, 10L), Map.of(a, 10L, b, 3L)));
    assertEquals(true, ThroughputBench.atEnd(Map.of(a, 10L, b, 3L), Map.of(a, 10L, b, 3L)));
    assertEquals(true, ThroughputBench.atEnd(Map.of(a, 10L), Map.of(a, 10L, b, 0L)), "an empty partition is done");
  }
}
