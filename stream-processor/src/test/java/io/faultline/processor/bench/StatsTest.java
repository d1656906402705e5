package io.faultline.processor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void shouldTakeTheNearestRankWhenAskedForAPercentile() {
    List<Double> values = new ArrayList<>();
    for (int i = 100; i >= 1; i--) {
      values.add((double) i);
    }
    assertEquals(50.0, Stats.percentile(values, 50));
    assertEquals(99.0, Stats.percentile(values, 99));
    assertEquals(100.0, Stats.percentile(values, 100));
    assertEquals(1.0, Stats.percentile(values, 0.5));
  }

  @Test
  void shouldReportTheWorstOfFewValuesWhenP99IsAskedOfThirty() {
    List<Double> values = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      values.add(i * 10.0);
    }
    // ceil(0.99 * 30) = 30: with 30 faults the p99 is the slowest one, never an interpolation below it.
    assertEquals(300.0, Stats.percentile(values, 99));
    assertEquals(150.0, Stats.percentile(values, 50));
  }

  @Test
  void shouldGiveNaNWhenThereIsNothingToMeasure() {
    assertTrue(Double.isNaN(Stats.percentile(List.of(), 50)));
    assertTrue(Double.isNaN(Stats.rate(10, 0)));
    assertTrue(Double.isNaN(Stats.ratio(1, 0)));
  }

  @Test
  void shouldRefuseAPercentileOutsideTheRangeWhenAsked() {
    assertThrows(IllegalArgumentException.class, () -> Stats.percentile(List.of(1.0), 0));
    assertThrows(IllegalArgumentException.class, () -> Stats.percentile(List.of(1.0), 101));
  }

  @Test
  void shouldCountEventsPerSecondWhenGivenNanoseconds() {
    assertEquals(50_000.0, Stats.rate(100_000, 2_000_000_000L), 1e-9);
    assertEquals(0.5, Stats.ratio(25_000, 50_000), 1e-12);
  }

  @Test
  void shouldAddUserAndSystemTimeWhenTheCommandHasSpaces() {
    String stat = "4242 (java main (x)) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 566 0 0 20 0 40 0 100 0 0";
    assertEquals(18.0, Cpu.parseStat(stat), 1e-9);
  }

  @Test
  void shouldCountANewThreadWholeAndMissAnEndedOneWhenCompilerThreadsComeAndGo() {
    // Thread 11 ran on (2.0 -> 3.5), 12 ended in between (its time is missed), 13 is new (counted whole).
    double used = Cpu.since(Map.of("11", 2.0, "12", 4.0), Map.of("11", 3.5, "13", 0.25));
    assertEquals(1.75, used, 1e-9);
    assertTrue(Double.isNaN(Cpu.since(Map.of("11", 2.0), Map.of())));
  }

  @Test
  void shouldFindThisJvmsCompilerThreadsWhenThereIsAProcFileSystem() {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "no /proc here");
    Map<String, Double> threads = Cpu.compilerThreads(ProcessHandle.current().pid());
    assertFalse(threads.isEmpty(), "a running JVM has at least one JIT compiler thread");
    threads.values().forEach(cpu -> assertTrue(cpu >= 0));
  }
}
