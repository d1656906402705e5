package io.faultline.processor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.processor.cli.ProcessorCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScaleBenchTest {

  private static String usageError(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ScaleBench.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, code);
    return err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
  }

  @Test
  void shouldExitWithUsageWhenArgumentsAreBad() {
    assertEquals("faultline bench scale: --entities must be a whole number, got 'many'",
        usageError("--entities", "many"));
    assertEquals("faultline bench scale: --entities must be between 20 and 2000000, got 5", usageError("--entities", "5"));
    assertEquals("faultline bench scale: --bootstrap and --registry go together", usageError("--bootstrap", "b:9092"));
    assertEquals("faultline bench scale: --heap must be a JVM size such as 1g or 768m, got 'lots'",
        usageError("--heap", "lots"));
    assertEquals("faultline bench scale: unknown argument '--fast'", usageError("--fast"));
    assertEquals("faultline bench scale: --rounds needs a value", usageError("--rounds"));
  }

  @Test
  void shouldDispatchScaleWhenBenchIsAskedForIt() {
    assertEquals(2, ProcessorCli.run(new String[] {"bench", "scale", "--rounds", "0"}));
  }

  @Test
  void shouldDefaultToAHundredThousandEntitiesWhenNoSizeIsGiven() {
    ScaleBench.Options o = ScaleBench.parse(new String[0]);
    assertEquals(100_000, o.entities());
    assertEquals(3, o.rounds());
  }

  @Test
  void shouldSplitTopologyFromTheFirstRoundsOfTelemetryWhenGenerating(@TempDir Path dir) throws Exception {
    ScaleBench.Options o = ScaleBench.parse(new String[] {"--entities", "200", "--rounds", "2"});
    ScaleBench.Estate e = ScaleBench.generate(o, dir);
    assertEquals(e.entities() + e.dependencies(), e.topologyRecords());
    assertEquals(e.topologyRecords(), Files.readAllLines(e.topology()).size());
    assertEquals(2, e.rounds().size());
    // No noise: every series sampled once per round, each round in its own 10 s of event time.
    assertEquals(e.series(), Files.readAllLines(e.rounds().get(0)).size());
    assertEquals(e.series(), Files.readAllLines(e.rounds().get(1)).size());
    assertEquals(2L * e.series(), e.telemetryRecords());
    assertTrue(Files.readAllLines(e.rounds().get(0)).stream().allMatch(l -> l.contains("\"t\":\"2026-11-21T09:00:0")));
    assertTrue(Files.readAllLines(e.rounds().get(1)).stream().allMatch(l -> l.contains("\"t\":\"2026-11-21T09:00:1")));
  }

  @Test
  void shouldAddUpSamplesByNameAndLabelWhenReadingAScrape() {
    PromScrape s = PromScrape.parse("""
        # HELP jvm_memory_used_bytes The amount of used memory
        # TYPE jvm_memory_used_bytes gauge
        jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.0E7
        jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 3.0E7
        jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 5.0E7
        faultline_store_entries{store="detect-state"} 12.0
        faultline_store_entries{store="detect-state"} 3.0
        faultline_store_entries{store="correlator-topology"} NaN
        faultline_topology_entities 99972.0
        """);
    assertEquals(4.0e7, s.sum("jvm_memory_used_bytes", "area", "heap"));
    assertEquals(99972.0, s.sum("faultline_topology_entities"));
    assertEquals(Map.of("detect-state", 15.0), s.sumBy("faultline_store_entries", "store"));
    assertTrue(Double.isNaN(s.sum("missing")));
  }

  @Test
  void shouldSumFilesPerStoreOverTasksWhenMeasuringTheStateDir(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("0_0/rocksdb/detect-state"));
    Files.createDirectories(dir.resolve("0_1/rocksdb/detect-state"));
    Files.createDirectories(dir.resolve("1_0/rocksdb/correlator-topology"));
    Files.write(dir.resolve("0_0/rocksdb/detect-state/000001.sst"), new byte[100]);
    Files.write(dir.resolve("0_1/rocksdb/detect-state/000002.sst"), new byte[50]);
    Files.write(dir.resolve("1_0/rocksdb/correlator-topology/000003.sst"), new byte[7]);
    Files.write(dir.resolve("0_0/.checkpoint"), new byte[9]);
    assertEquals(Map.of("detect-state", 150L, "correlator-topology", 7L), ScaleBench.storeSizes(dir));
  }
}
