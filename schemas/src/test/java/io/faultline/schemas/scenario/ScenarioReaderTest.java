package io.faultline.schemas.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.faultline.common.EntityKind;
import io.faultline.schemas.Topics;
import io.faultline.telemetry.DnsRcode;
import io.faultline.telemetry.DnsSample;
import io.faultline.topology.TopologyEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScenarioReaderTest {

  /**
   * The shared scenarios: {@code ../shared/scenarios} from the repository root (CI clones shared/
   * beside the repository); {@code -Dfaultline.scenarios.dir=...} points elsewhere.
   */
  static final Path SCENARIOS = Path.of(System.getProperty("faultline.scenarios.dir", "../../shared/scenarios"));

  @Test
  void shouldParseEveryLineOfEverySharedScenario() throws IOException {
    assumeTrue(Files.isDirectory(SCENARIOS),
        "shared scenarios not found at " + SCENARIOS.toAbsolutePath().normalize() + " (clone shared/ beside the repository)");
    List<Path> files;
    try (Stream<Path> s = Files.list(SCENARIOS)) {
      files = s.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
    }
    assertFalse(files.isEmpty(), "no *.jsonl in " + SCENARIOS);
    for (Path file : files) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      List<ScenarioRecord> records = new ArrayList<>();
      long read = ScenarioReader.read(file, records::add);

      assertEquals(lines.size(), read, file.toString());
      assertEquals(lines.stream().filter(l -> !l.isBlank()).count(), records.size(), file.toString());
      for (ScenarioRecord r : records) {
        String type = lines.get((int) r.lineNumber() - 1).replaceAll(".*\"type\"\\s*:\\s*\"([a-z]+)\".*", "$1");
        String where = file.getFileName() + " line " + r.lineNumber();
        if (type.equals("entity") || type.equals("depends")) {
          assertEquals(Topics.TOPOLOGY, r.topic(), where);
          assertTrue(r.value() instanceof TopologyEvent, where);
        } else {
          assertEquals(Topics.telemetryTopicForType(type), r.topic(), where);
          assertTrue(r.hasTime(), where);
          assertEquals(r.topic().valueType(), r.value().getClass(), where);
          assertEquals(r.key(), r.value().get(r.value().getSchema().getField("entity").pos()), where);
        }
      }
    }
  }

  @Test
  void shouldMapTelemetryAndTopologyLinesToTheirRecords() {
    ScenarioRecord dns = ScenarioReader.parse("{\"type\":\"dns\",\"t\":\"2026-11-21T10:00:00.250Z\",\"entity\":\"dns-name:a\","
        + "\"resolver\":\"dns-resolver:10.0.0.53\",\"rcode\":\"timeout\",\"latencyMs\":2000}", 1);
    assertEquals(Topics.DNS, dns.topic());
    assertEquals("dns-name:a", dns.key());
    assertEquals(Instant.parse("2026-11-21T10:00:00.250Z").toEpochMilli(), dns.timestamp());
    DnsSample v = (DnsSample) dns.value();
    assertEquals(DnsRcode.TIMEOUT, v.getRcode());
    assertEquals(10_000, v.getIntervalMs());

    ScenarioRecord pool = ScenarioReader.parse("{\"type\":\"entity\",\"id\":\"pool:web\",\"kind\":\"pool\",\"minHealthy\":2}", 2);
    assertFalse(pool.hasTime());
    TopologyEvent e = (TopologyEvent) pool.value();
    assertEquals(EntityKind.POOL, e.getEntity().getKind());
    assertEquals(2, e.getEntity().getMinHealthy());

    ScenarioRecord edge = ScenarioReader.parse("{\"type\":\"depends\",\"from\":\"app:a\",\"to\":\"pool:web\",\"removed\":true,\"t\":1000}", 3);
    assertEquals("app:a -> pool:web", edge.key());
    assertTrue(((TopologyEvent) edge.value()).getRemoved());
    assertEquals(1000, edge.timestamp());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      missing field  | {"type":"dns","t":1,"entity":"dns-name:a","rcode":"NOERROR","latencyMs":1}           | line 3: missing field 'resolver' in a 'dns' line
      wrong type     | {"type":"disk","t":1,"entity":"d","readIops":"many","writeIops":1,"readLatencyMs":1,"writeLatencyMs":1,"utilization":0.1} | line 3: field 'readIops' must be a number, got "many"
      whole number   | {"type":"network","t":1,"entity":"n","rxPacketsPerSec":1,"txPacketsPerSec":1,"rxErrors":1.5,"txErrors":0,"rxDropped":0,"txDropped":0,"retransPerSec":0} | line 3: field 'rxErrors' must be a whole number, got 1.5
      bad time       | {"type":"service","t":"yesterday","entity":"svc:db","state":"UP"}                        | line 3: field 't' is not ISO-8601 UTC or epoch milliseconds: "yesterday"
      unknown type   | {"type":"cpu","t":1,"entity":"host:a"}                                                   | line 3: unknown type 'cpu'
      unknown enum   | {"type":"pool","t":1,"entity":"pool:web","member":"vm:a","state":"SLEEPING"}            | line 3: field 'state' has unknown value 'SLEEPING'
      unknown kind   | {"type":"entity","id":"x:1","kind":"toaster"}                                            | line 3: unknown entity kind 'toaster'
      self edge      | {"type":"depends","from":"a","to":"a"}                                                   | line 3: an entity cannot depend on itself: a
      not an object  | [1,2]                                                                                    | line 3: a line must be one JSON object
      """)
  void shouldNameLineAndReasonWhenLineIsBad(String what, String line, String message, @TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.jsonl");
    Files.writeString(file, "{\"type\":\"entity\",\"id\":\"app:a\",\"kind\":\"application\"}\n\n" + line + "\n");
    List<ScenarioRecord> before = new ArrayList<>();
    ScenarioFormatException e = assertThrows(ScenarioFormatException.class, () -> ScenarioReader.read(file, before::add));
    assertEquals(message, e.getMessage());
    assertEquals(3, e.lineNumber());
    assertEquals(1, before.size(), "lines before the bad one were delivered");
  }

  @Test
  void shouldNameLineWhenJsonIsBroken() {
    ScenarioFormatException e = assertThrows(ScenarioFormatException.class,
        () -> ScenarioReader.parse("{\"type\":\"dns\",\"t\":1", 17));
    assertTrue(e.getMessage().startsWith("line 17: not valid JSON: "), e.getMessage());
  }
}
