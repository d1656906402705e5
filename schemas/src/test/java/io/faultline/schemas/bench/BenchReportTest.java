package io.faultline.schemas.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {

  @TempDir
  Path dir;

  @Test
  void shouldWriteJsonCsvAndLatestWhenWritten() throws Exception {
    BenchReport r = new BenchReport("throughput", "metric", "value", "unit")
        .parameter("events", 1_000_000)
        .row("end-to-end", 52_345.678, "events/s")
        .row("label, with comma", 0.5, "ratio")
        .note("exactly-once on");
    Path json = r.write(dir);

    JsonNode n = new ObjectMapper().readTree(json.toFile());
    assertEquals("throughput", n.get("benchmark").asText());
    assertEquals(1_000_000, n.get("parameters").get("events").asInt());
    assertEquals("52345.7", n.get("rows").get(0).get(1).asText());
    assertTrue(n.get("machine").get("cores").asInt() >= 1);
    assertTrue(Files.exists(dir.resolve("throughput-latest.json")));
    try (Stream<Path> files = Files.list(dir)) {
      Path csv = files.filter(p -> p.toString().endsWith(".csv")).findFirst().orElseThrow();
      List<String> lines = Files.readAllLines(csv);
      assertEquals(List.of("metric,value,unit", "end-to-end,52345.7,events/s", "\"label, with comma\",0.5,ratio"), lines);
    }
  }

  @Test
  void shouldAlignFiguresWhenPrinted() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new BenchReport("latency", "metric", "ms").row("p50", 12.0).row("p99", 345.25).print(new PrintStream(bytes, true,
        StandardCharsets.UTF_8));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals("== latency ==", lines.get(0));
    assertEquals("p50        12", lines.get(3));
    assertEquals("p99     345.3", lines.get(4));
    assertTrue(lines.get(lines.size() - 1).startsWith("machine: "));
  }

  @Test
  void shouldRefuseRowWhenColumnCountDiffers() {
    BenchReport r = new BenchReport("scale", "metric", "value");
    assertThrows(IllegalArgumentException.class, () -> r.row("only one"));
  }
}
