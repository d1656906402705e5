package io.faultline.processor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.schemas.bench.BenchReport;
import io.faultline.stack.LocalStack;
import io.faultline.stack.LocalStackExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench scale} at a small size on the real broker: every figure is produced and they agree. */
@ExtendWith(LocalStackExtension.class)
class ScaleBenchIT {

  @TempDir Path work;

  @Test
  void shouldLoadRestoreAndMeasureAnEstateWhenRunSmall(LocalStack stack) throws Exception {
    ScaleBench.Options o = ScaleBench.parse(new String[] {"--entities", "2000", "--rounds", "3", "--heap", "384m",
        "--work", work.toString(), "--timeout-s", "600",
        "--bootstrap", stack.bootstrapServers(), "--registry", stack.registryUrl()});
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    BenchReport report = ScaleBench.bench(o, new PrintStream(log, true, StandardCharsets.UTF_8));
    Map<String, String> v = values(report);

    long entities = Long.parseLong(v.get("estate entities"));
    long edges = Long.parseLong(v.get("estate dependencies"));
    assertTrue(Math.abs(entities - 2000) <= 100, "entities " + entities);
    // Fully loaded: the processor's graph holds every entity and edge that was published.
    assertEquals(entities, Long.parseLong(v.get("graph entities")));
    assertEquals(edges, Long.parseLong(v.get("graph dependencies")));
    assertTrue(Double.parseDouble(v.get("topology load")) > 0);

    // Telemetry went through detection into the correlator's state.
    assertTrue(Long.parseLong(v.get("entries correlator-monitored")) > entities / 2, v.toString());
    assertTrue(Long.parseLong(v.get("entries detect-state")) > 0, v.toString());

    // Memory of a JVM of its own.
    double live = Double.parseDouble(v.get("heap live"));
    double committed = Double.parseDouble(v.get("heap committed"));
    double rss = Double.parseDouble(v.get("process RSS"));
    assertTrue(live > 0 && live <= Double.parseDouble(v.get("heap max")), v.toString());
    assertTrue(Double.parseDouble(v.get("rocksdb cache")) > 0, v.toString());
    assertTrue(rss > live, "RSS " + rss + " MiB, live heap " + live + " MiB");
    assertTrue(committed > 0);

    // State on disk and in the changelogs, and a fresh instance restored all of the topology.
    assertTrue(Double.parseDouble(v.get("state dir total")) > 0);
    assertTrue(Double.parseDouble(v.get("changelogs total")) > 0);
    long restored = Long.parseLong(v.get("restored records"));
    assertTrue(restored >= entities + edges, "restored " + restored);
    assertEquals(entities + edges, Long.parseLong(v.get("restored correlator-topology")));
    assertTrue(Double.parseDouble(v.get("restore")) > 0);

    // Both processor JVMs are gone.
    List<ProcessHandle> left = ProcessHandle.current().descendants()
        .filter(p -> p.info().commandLine().orElse("").contains("ProcessorCli")).toList();
    assertEquals(List.of(), left, "processor JVMs left behind");
  }

  private static Map<String, String> values(BenchReport report) {
    Map<String, String> out = new HashMap<>();
    for (List<String> row : report.rows()) {
      out.put(row.get(0), row.get(1));
    }
    return out;
  }
}
