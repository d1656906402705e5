package io.faultline.processor.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.faultline.correlation.Symptom;
import io.faultline.correlation.SymptomState;
import io.faultline.processor.sim.ScenarioGenerator;
import io.faultline.processor.sim.SimulationSpec;
import io.faultline.schemas.Topics;
import io.faultline.schemas.scenario.ScenarioReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Larger healthy estates from the simulator, with its noise: one-sample spikes, the odd pair of
 * failed checks or DNS timeouts, metrics that flap between their normal level and 2-3 times it
 * from the start. None of that may raise a symptom. (Seeds 21, 22 and 26 each raised one under
 * earlier tunings: two DNS timeouts within four samples, a latency flapping from the start, two
 * failed checks in a row.)
 */
class SimulatedEstateDetectionTest {

  @TempDir
  Path dir;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {21, 22, 26})
  void shouldRaiseNothingWhenSimulatedEstateIsHealthy(long seed) throws IOException {
    Path scenario = dir.resolve("healthy-" + seed + ".jsonl");
    try (Writer w = Files.newBufferedWriter(scenario)) {
      ScenarioGenerator.generate(SimulationSpec.of(seed).withFaults(List.of()).withEntities(150).withMinutes(40), w);
    }
    try (DetectionDriver d = new DetectionDriver(DetectionSettings.forReplay())) {
      ScenarioReader.read(scenario, r -> {
        if (r.topic() != Topics.TOPOLOGY) {
          d.pipe(r.value());
        }
      });
      d.idle();
      List<Symptom> raised = d.symptoms().stream().filter(s -> s.getState() == SymptomState.RAISED).toList();
      assertEquals(List.of(), raised);
    }
  }
}
