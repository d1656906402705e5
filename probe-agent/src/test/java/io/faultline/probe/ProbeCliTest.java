package io.faultline.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.faultline.schemas.config.ConfigException;
import io.faultline.schemas.scenario.ScenarioReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeCliTest {

  @TempDir
  Path dir;

  @Test
  void shouldRequireAConfigWhenProbing() {
    var e = assertThrows(ProbeCli.UsageException.class, () -> ProbeCli.run(new String[] {"probe"}, System.out, Map.of()));
    assertTrue(e.getMessage().contains("--config FILE is required"));
  }

  @Test
  void shouldFailWithUsageWhenAnOptionIsUnknown() {
    var e = assertThrows(ProbeCli.UsageException.class,
        () -> ProbeCli.run(new String[] {"probe", "--config", "x.yaml", "--verbose"}, System.out, Map.of()));
    assertEquals("unknown option --verbose", e.getMessage());
  }

  @Test
  void shouldFailWithTheFileAndFieldWhenTheConfigIsBad() throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, "spool:\n  maxBytes: ten\n");
    var e = assertThrows(ConfigException.class,
        () -> ProbeCli.run(new String[] {"probe", "--config", f.toString(), "--once"}, System.out, Map.of()));
    assertEquals(f + ": 'spool.maxBytes' must be a whole number, got 'ten'", e.getMessage());
  }

  @Test
  void shouldPrintOneRoundOfScenarioLinesWhenRunOnce() throws Exception {
    Path f = dir.resolve("once.yaml");
    Files.writeString(f, "agent: {host: once-host}\n");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int code = ProbeCli.run(new String[] {"probe", "--config", f.toString(), "--once"},
        new PrintStream(buf, true, StandardCharsets.UTF_8), Map.of());
    assertEquals(0, code);
    List<String> lines = buf.toString(StandardCharsets.UTF_8).lines().toList();
    ObjectMapper json = new ObjectMapper();
    List<String> types = lines.stream().map(l -> {
      ScenarioReader.parse(l, 1); // every line is a valid scenario line
      try {
        return json.readTree(l).get("type").asText();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }).toList();
    assertTrue(types.contains("memory") && types.contains("disk") && types.contains("network") && types.contains("entity"),
        types.toString());
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"entity\":\"host:once-host\"")));
  }
}
