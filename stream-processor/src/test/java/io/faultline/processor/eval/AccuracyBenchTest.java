package io.faultline.processor.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small accuracy suite, in-process, as CI runs it: the figures are produced for every method and
 * case and written to the results directory. The full suite is the command `faultline bench accuracy`.
 */
class AccuracyBenchTest {

  @TempDir Path dir;

  private int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
    return AccuracyBench.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), dir.resolve("results"));
  }

  @Test
  void shouldWriteEveryMethodsFiguresWhenRunningASmallSuiteInProcess() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    // Two kinds: nic-errors alone, app-bug alone, both at once, fault-free = 4 scenarios, 4 faults.
    int code = run(out, err, "--first-seed", "9700", "--scenarios", "4", "--minutes", "8",
        "--kinds", "nic-errors,app-bug", "--threads", "2");

    assertEquals(0, code, err::toString);
    Path results = dir.resolve("results");
    JsonNode report = new ObjectMapper().readTree(results.resolve("accuracy-latest.json").toFile());
    assertEquals("accuracy", report.get("benchmark").asText());
    List<String> columns = new ArrayList<>();
    report.get("columns").forEach(c -> columns.add(c.asText()));
    assertEquals(AccuracyBench.COLUMNS, columns);

    JsonNode rows = report.get("rows");
    List<String> cases = List.of("all", "nic-errors", "app-bug", AccuracySuite.SEVERAL, AccuracySuite.FAULT_FREE);
    assertEquals(AccuracyBench.METHODS.size() * cases.size(), rows.size(), "a row per method and case");
    for (int m = 0; m < AccuracyBench.METHODS.size(); m++) {
      for (int c = 0; c < cases.size(); c++) {
        JsonNode row = rows.get(m * cases.size() + c);
        assertEquals(AccuracyBench.METHODS.get(m), row.get(0).asText());
        assertEquals(cases.get(c), row.get(1).asText());
      }
      JsonNode all = rows.get(m * cases.size());
      assertEquals("4", all.get(columns.indexOf("scenarios")).asText());
      assertEquals("4", all.get(columns.indexOf("faults")).asText(), "AC@1 over every injected fault");
      double ac1 = Double.parseDouble(all.get(columns.indexOf("AC@1")).asText());
      assertTrue(ac1 >= 0 && ac1 <= 1, "AC@1 is a share: " + ac1);
      assertTrue(Double.parseDouble(all.get(columns.indexOf("fault-free h")).asText()) > 0,
          "fault-free time is counted");
    }
    JsonNode faultFree = rows.get(cases.indexOf(AccuracySuite.FAULT_FREE));
    assertEquals("0", faultFree.get(columns.indexOf("faults")).asText());
    assertEquals("-", faultFree.get(columns.indexOf("AC@1")).asText(), "no AC without faults");

    try (Stream<Path> files = Files.list(results)) {
      assertEquals(1, files.filter(p -> p.getFileName().toString().matches("accuracy-\\d{8}-\\d{6}\\.csv")).count(),
          "the table is written as CSV too");
    }
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("faultline"), "the table is printed");
  }

  @Test
  void shouldExitWithUsageWhenAnArgumentIsUnknown() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(2, run(new ByteArrayOutputStream(), err, "--bogus"));
    assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("faultline bench accuracy: unknown argument"));
  }
}
