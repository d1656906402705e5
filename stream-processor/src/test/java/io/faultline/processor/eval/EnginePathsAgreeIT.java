package io.faultline.processor.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.faultline.processor.replay.OutputFormat;
import io.faultline.processor.sim.FaultKind;
import io.faultline.processor.sim.ScenarioGenerator;
import io.faultline.processor.sim.SimulationSpec;
import io.faultline.stack.LocalStack;
import io.faultline.stack.StackOptions;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `bench accuracy` runs its suite in-process (the engine's topology in TopologyTestDriver) and,
 * with {@code --broker}, through the real replay path (embedded broker, six telemetry partitions,
 * exactly-once). Both must conclude the same: the same candidate and incident lines for a
 * generated scenario with noise and two faults.
 */
class EnginePathsAgreeIT {

  @TempDir Path dir;

  @Test
  void shouldPrintTheSameLinesWhenTheSameScenarioRunsInProcessAndThroughTheBroker() throws IOException {
    Path scenario = dir.resolve("two-faults.jsonl");
    SimulationSpec spec = SimulationSpec.of(9601).withEntities(50).withMinutes(12)
        .withFaults(List.of(FaultKind.RESOLVER_DOWN, FaultKind.DATASTORE_LATENCY));
    try (Writer w = Files.newBufferedWriter(scenario, StandardCharsets.UTF_8)) {
      ScenarioGenerator.generate(spec, w);
    }

    List<String> inProcess = AccuracyBench.inProcess(scenario, Map.of()).stream().map(OutputFormat.Line::json).toList();
    List<String> broker;
    try (LocalStack stack = LocalStack.start(StackOptions.defaults())) {
      broker = AccuracyBench.brokerReplay(scenario, stack).stream().map(OutputFormat.Line::json).toList();
    }

    assertFalse(inProcess.isEmpty(), "the engine concluded something");
    assertEquals(String.join("\n", inProcess), String.join("\n", broker),
        "both paths run the same topology and print the same lines");
  }
}
