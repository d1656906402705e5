package io.faultline.processor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.faultline.stack.LocalStack;
import io.faultline.stack.LocalStackExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Each benchmark with a tiny load on the real broker: the figures are produced (no thresholds: benchmarks are not tests). */
@ExtendWith(LocalStackExtension.class)
class BenchIT {
  @TempDir
  Path root;
  private String savedRoot;

  @BeforeEach
  void writeReportsToTheTemporaryDirectory() {
    savedRoot = System.getProperty("faultline.root");
    System.setProperty("faultline.root", root.toString());
  }

  @AfterEach
  void restoreRoot() {
    if (savedRoot == null) {
      System.clearProperty("faultline.root");
    } else {
      System.setProperty("faultline.root", savedRoot);
    }
  }

  private static Map<String, JsonNode> rows(Path json) throws Exception {
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    Map<String, JsonNode> rows = new HashMap<>();
    report.get("rows").forEach(r -> rows.put(r.get(0).asText(), r));
    return rows;
  }

  private static double number(JsonNode row, int column) {
    return Double.parseDouble(row.get(column).asText());
  }

  @Test
  void shouldReportRatesAndTheirRatioWhenThroughputRunsOnTheBroker(LocalStack stack) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ThroughputBench.run(new String[] {"--events", "3000", "--warmup-events", "2000", "--entities", "100",
        "--bootstrap", stack.bootstrapServers(), "--registry", stack.registryUrl()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));

    Path json = root.resolve("bench-results").resolve("throughput-latest.json");
    assertTrue(Files.isRegularFile(json), out.toString(StandardCharsets.UTF_8));
    Map<String, JsonNode> rows = rows(json);
    double produce = number(rows.get("raw produce (probe settings, acks=all, idempotent, lz4)"), 1);
    double consume = number(rows.get("raw consume (read_committed, no decoding)"), 1);
    double endToEnd = number(rows.get("end to end (whole topology, exactly-once)"), 1);
    assertTrue(produce > 0 && consume > 0 && endToEnd > 0, rows.toString());
    assertEquals(endToEnd / produce, number(rows.get("end to end / raw produce"), 1), 0.01);
    assertTrue(number(rows.get("correlation input records"), 1) > 0, "the correlator's input was reached");
  }

  @Test
  void shouldReportPercentilesOfEachFaultWhenLatencyRunsOnTheBroker(LocalStack stack) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = LatencyBench.run(new String[] {"--rate", "1000", "--faults", "1", "--entities", "200", "--bootstrap",
        stack.bootstrapServers(), "--registry", stack.registryUrl()}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));

    Map<String, JsonNode> rows = rows(root.resolve("bench-results").resolve("latency-latest.json"));
    JsonNode first = rows.get("fault's first sample");
    assertEquals("1", first.get(4).asText(), "the one fault was seen at rank 1: " + rows);
    assertTrue(number(first, 1) > 0, rows.toString());
    JsonNode beyond = rows.get("end of confirmation (opening tick in event time)");
    assertTrue(number(beyond, 1) < number(first, 1), "confirmation ends after the first sample: " + rows);
  }
}
