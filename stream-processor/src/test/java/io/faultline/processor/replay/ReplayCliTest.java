package io.faultline.processor.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.schemas.scenario.ScenarioFormatException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What replay decides before any broker is involved: arguments and validation of the file. */
class ReplayCliTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return ReplayCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String errText() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private Path scenario(String... lines) throws Exception {
    Path f = dir.resolve("s.jsonl");
    Files.write(f, List.of(lines), StandardCharsets.UTF_8);
    return f;
  }

  private static final String ENTITY = "{\"type\":\"entity\",\"id\":\"app:a\",\"kind\":\"application\"}";
  private static final String SAMPLE = "{\"type\":\"app\",\"t\":\"2026-11-21T10:00:00Z\",\"entity\":\"app:a\","
      + "\"check\":\"synthetic\",\"ok\":true,\"latencyMs\":12.5,\"status\":200}";
  private static final String BAD = "{\"type\":\"app\",\"t\":\"yesterday\",\"entity\":\"app:a\"}";

  @Test
  void shouldStopAtTheFirstMalformedLineBeforeStartingAnythingWhenNotSkipping() throws Exception {
    Path f = scenario(ENTITY, SAMPLE, BAD, SAMPLE);
    assertEquals(1, run(f.toString()));
    assertEquals("faultline replay: line 3: field 't' is not ISO-8601 UTC or epoch milliseconds: \"yesterday\"",
        errText().strip());
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void shouldCountAndLeaveOutMalformedLinesWhenSkipping() throws Exception {
    Path f = scenario(ENTITY, BAD, SAMPLE, "not json", SAMPLE);
    ReplayCli.Validation v = ReplayCli.validate(f, true);
    assertEquals(2, v.bad());
    assertTrue(v.firstError().startsWith("line 2: "), v.firstError());
    assertNotEquals(f, v.publishable());
    assertEquals(List.of(ENTITY, SAMPLE, SAMPLE), Files.readAllLines(v.publishable()));
    Files.delete(v.publishable());
  }

  @Test
  void shouldPublishTheFileItselfWhenEveryLineIsValid() throws Exception {
    Path f = scenario(ENTITY, SAMPLE);
    assertEquals(f, ReplayCli.validate(f, true).publishable());
    assertEquals(0, ReplayCli.validate(f, false).bad());
    Path bad = scenario(ENTITY, BAD);
    assertThrows(ScenarioFormatException.class, () -> ReplayCli.validate(bad, false));
  }

  @Test
  void shouldExitWithUsageWhenArgumentsAreWrong() throws Exception {
    assertEquals(2, run());
    assertTrue(errText().startsWith("faultline replay: no scenario file given"), errText());
    err.reset();
    assertEquals(2, run(dir.resolve("missing.jsonl").toString()));
    assertTrue(errText().contains("not found"), errText());
    err.reset();
    Path f = scenario(ENTITY, SAMPLE);
    assertEquals(2, run(f.toString(), "--bootstrap", "localhost:9092"));
    assertTrue(errText().startsWith("faultline replay: --bootstrap and --registry go together"), errText());
    err.reset();
    assertEquals(2, run(f.toString(), "--grace-ms", "soon"));
    assertTrue(errText().startsWith("faultline replay: --grace-ms must be a whole number"), errText());
    err.reset();
    assertEquals(2, run(f.toString(), "--idle-flush-ms", "10000", "--quiet-ms", "5000"));
    assertTrue(errText().startsWith("faultline replay: --quiet-ms must exceed --idle-flush-ms"), errText());
  }

  @Test
  void shouldWaitPastTheIdleFlushWhenNoQuietTimeIsGiven() throws Exception {
    Path f = scenario(ENTITY, SAMPLE);
    ReplayCli.Options o = ReplayCli.parse(new String[] {f.toString(), "--idle-flush-ms", "3000"});
    assertEquals(3000, o.idleFlushMs());
    assertTrue(o.quietMs() > o.idleFlushMs());
    assertEquals(ReplayCli.DEFAULT_GRACE_MS, o.graceMs());
  }
}
