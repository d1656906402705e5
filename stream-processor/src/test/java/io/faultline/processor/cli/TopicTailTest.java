package io.faultline.processor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TopicTailTest {

  @Test
  void shouldExitWithUsageErrorWhenTheTopicIsNotFaultlines() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int rc = TopicTail.run(new String[] {"orders"}, System.out, new PrintStream(err, true, StandardCharsets.UTF_8));

    assertEquals(2, rc);
    String line = err.toString(StandardCharsets.UTF_8);
    assertTrue(line.startsWith("faultline tail: 'orders' is not a Faultline topic (one of faultline.telemetry.disk"),
        line);
    assertEquals(1, line.lines().count());
  }

  @Test
  void shouldExitWithUsageErrorWhenArgumentsAreMissingOrUnknown() {
    for (String[] args : new String[][] {{}, {"faultline.incidents", "--max", "0"}, {"faultline.incidents", "--max"},
        {"faultline.incidents", "--colour"}, {"faultline.incidents", "faultline.symptoms"}}) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      assertEquals(2, TopicTail.run(args, System.out, new PrintStream(err, true, StandardCharsets.UTF_8)),
          String.join(" ", args));
      assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("faultline tail: "), String.join(" ", args));
    }
  }
}
