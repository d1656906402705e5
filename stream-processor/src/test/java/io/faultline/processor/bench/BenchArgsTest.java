package io.faultline.processor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.probe.spool.SpoolSender;
import io.faultline.processor.cli.ProcessorCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class BenchArgsTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private PrintStream ps(ByteArrayOutputStream b) {
    return new PrintStream(b, true, StandardCharsets.UTF_8);
  }

  @Test
  void shouldUseTheDocumentedDefaultsWhenNoFlagIsGiven() {
    ThroughputBench.Options t = ThroughputBench.parse(new String[0]);
    assertEquals(1_000_000, t.events());
    assertEquals(1_000_000, t.warmupEvents());
    assertEquals(15_000, t.entities());
    assertNull(t.bootstrap());
    LatencyBench.Options l = LatencyBench.parse(new String[0]);
    assertEquals(0, l.rate(), "no --rate: measure the maximum and take half");
    assertEquals(30, l.faults());
  }

  @Test
  void shouldReadEveryFlagWhenGiven() {
    ThroughputBench.Options t = ThroughputBench.parse(new String[] {"--events", "5000", "--entities", "300",
        "--seed", "3", "--warmup-events", "0", "--bootstrap", "b:9092", "--registry", "http://r",
        "--set", "commit.interval.ms=200"});
    assertEquals(5000, t.events());
    assertEquals(300, t.entities());
    assertEquals(3, t.seed());
    assertEquals(0, t.warmupEvents());
    assertEquals("b:9092", t.bootstrap());
    assertEquals(Map.of("commit.interval.ms", "200"), t.flags());
    LatencyBench.Options l = LatencyBench.parse(new String[] {"--rate", "20000", "--faults", "4"});
    assertEquals(20_000, l.rate());
    assertEquals(4, l.faults());
  }

  @Test
  void shouldExitTwoWithOneLineWhenUsageIsWrong() {
    assertEquals(2, ThroughputBench.run(new String[] {"--events", "many"}, ps(out), ps(err)));
    assertEquals("faultline bench throughput: --events must be a whole number, got 'many'\n", err());
    err.reset();
    assertEquals(2, LatencyBench.run(new String[] {"--bootstrap", "b:9092"}, ps(out), ps(err)));
    assertEquals("faultline bench latency: --bootstrap and --registry go together\n", err());
    err.reset();
    assertEquals(2, LatencyBench.run(new String[] {"--set", "commit.interval.ms=0"}, ps(out), ps(err)));
    assertTrue(err().startsWith("faultline bench latency: ") && err().lines().count() == 1, err());
  }

  @Test
  void shouldRefuseFlagsWithoutValuesOrOutOfRangeWhenParsing() {
    assertThrows(IllegalArgumentException.class, () -> ThroughputBench.parse(new String[] {"--entities"}));
    assertThrows(IllegalArgumentException.class, () -> ThroughputBench.parse(new String[] {"--events", "10"}));
    assertThrows(IllegalArgumentException.class, () -> LatencyBench.parse(new String[] {"--set", "novalue"}));
    assertThrows(IllegalArgumentException.class, () -> LatencyBench.parse(new String[] {"--what"}));
  }

  @Test
  void shouldExitTwoWhenTheBenchmarkIsUnknown() {
    PrintStream saved = System.err;
    System.setErr(ps(err));
    try {
      assertEquals(2, ProcessorCli.run(new String[] {"bench", "speed"}));
    } finally {
      System.setErr(saved);
    }
    assertTrue(err().startsWith("faultline bench: unknown benchmark 'speed'"), err());
  }

  @Test
  void shouldProduceWithTheProbeAgentsSettingsWhenMeasuringRawProduce() {
    Map<String, Object> probe = new HashMap<>(SpoolSender.producerConfig("p", Map.of()));
    Map<String, Object> bench = new HashMap<>(BenchCluster.probeProducerConfig("b:9092", "p"));
    assertEquals("b:9092", bench.remove(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
    assertEquals(probe, bench);
    assertEquals(50, bench.get(ProducerConfig.LINGER_MS_CONFIG), "the probe's linger, which the live grace covers");
  }
}
