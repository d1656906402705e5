package io.faultline.processor.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.processor.replay.SharedScenarios;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoIT {

  @Test
  void shouldReadBackEveryPublishedRecordWhenDemoRuns() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int rc = Demo.run(new String[] {"--scenario", SharedScenarios.file("app-bug.jsonl").toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, rc, printed + err.toString(StandardCharsets.UTF_8));
    assertTrue(printed.contains("every record read back through the registry"), printed);
    assertTrue(printed.matches("(?s).*faultline\\.topology\\s+(\\d+)\\s+\\1\\s.*"), printed);
  }

  @Test
  void shouldExitWithUsageErrorWhenOptionUnknown() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int rc = Demo.run(new String[] {"--colour"}, System.out, new PrintStream(err, true, StandardCharsets.UTF_8));

    assertEquals(2, rc);
    assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("faultline demo: unknown option '--colour'"));
  }
}
