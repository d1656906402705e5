package io.faultline.processor.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.faultline.processor.eval.Expectations;
import io.faultline.processor.eval.ReplayLine;
import io.faultline.processor.eval.ScenarioFacts;
import io.faultline.processor.eval.Scorer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A shared scenario through the real pipeline (embedded broker and registry, the processor in this
 * JVM), twice: the same lines both times, and the expected root ranked first.
 */
class ReplayIT {

  private static List<String> replay(Path scenario) {
    ReplayCli.Options o = ReplayCli.parse(new String[] {scenario.toString()});
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<String> lines = new ArrayList<>();
    for (OutputFormat.Line l : ReplayCli.replay(o, scenario, new PrintStream(log, true, StandardCharsets.UTF_8))) {
      lines.add(l.json());
    }
    return lines;
  }

  @Test
  void shouldPrintTheSameLinesAndRankTheRootFirstWhenReplayingASharedScenarioTwice() {
    Path scenario = SharedScenarios.file("dns-resolver-down.jsonl");
    Expectations expected = Expectations.read(SharedScenarios.file("dns-resolver-down.expect.json"));

    List<String> first = replay(scenario);
    List<String> second = replay(scenario);

    assertFalse(first.isEmpty(), "the pipeline concluded something");
    assertEquals(first, second, "replaying the same file gives the same lines");
    List<ReplayLine> parsed = new ArrayList<>();
    for (int i = 0; i < first.size(); i++) {
      parsed.add(ReplayLine.parse(first.get(i), i + 1));
    }
    Scorer.Result score = Scorer.score(parsed, expected, ScenarioFacts.read(scenario));
    System.out.print(score.table());
    assertEquals(1.0, score.ac(1), "the expected root is ranked first by the incident covering it");
  }
}
