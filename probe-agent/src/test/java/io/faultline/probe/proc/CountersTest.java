package io.faultline.probe.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CountersTest {

  @Test
  void shouldGiveThePlainDifferenceWhenTheCounterGrew() {
    assertEquals(250, Counters.delta(1000, 1250));
    assertEquals(0, Counters.delta(7, 7));
  }

  @Test
  void shouldCountAcrossA32BitWrapWhenThePreviousValueFitIn32Bits() {
    assertEquals(396, Counters.delta(4_294_967_000L, 100));
  }

  @Test
  void shouldCountAcrossA64BitWrapWhenThePreviousValueWasNearTheTop() {
    long nearTop = Counters.parse("18446744073709551516"); // 2^64 - 100
    assertEquals(200, Counters.delta(nearTop, 100));
  }

  @Test
  void shouldReportAResetWhenA64BitCounterWentBackwardsFarFromTheTop() {
    assertEquals(Counters.RESET, Counters.delta(10_000_000_000L, 5));
  }
}
