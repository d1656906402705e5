package io.faultline.processor.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.processor.eval.Expectations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulateCliTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return SimulateCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void shouldWriteScenarioAndExpectationsWhenArgumentsAreValid() throws Exception {
    String prefix = dir.resolve("sub/case").toString();
    assertEquals(0, run("--seed", "4", "--entities", "50", "--minutes", "3", "--faults", "nic-errors", "--out", prefix));
    Path jsonl = Path.of(prefix + ".jsonl");
    assertTrue(Files.size(jsonl) > 0);
    Expectations e = Expectations.read(Path.of(prefix + ".expect.json"));
    assertEquals(1, e.faults().size());
    assertEquals("nic-errors", e.faults().get(0).kind());
    assertTrue(e.faults().get(0).root().startsWith("nic:"));
  }

  @Test
  void shouldWriteNoFaultsWhenFaultsAreNone() {
    String prefix = dir.resolve("healthy").toString();
    assertEquals(0, run("--seed", "4", "--minutes", "2", "--faults", "none", "--out", prefix));
    assertTrue(Expectations.read(Path.of(prefix + ".expect.json")).faults().isEmpty());
  }

  @Test
  void shouldExitWithUsageWhenAnArgumentIsWrong() {
    assertEquals(2, run("--seed", "x", "--out", "p"));
    assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("faultline simulate: --seed must be a whole number"));
    err.reset();
    assertEquals(2, run("--seed", "1", "--faults", "disk-on-fire", "--out", "p"));
    assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("faultline simulate: unknown fault kind 'disk-on-fire'"));
    err.reset();
    assertEquals(2, run("--seed", "1"));
    assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("faultline simulate: --out is required"));
  }
}
