package io.faultline.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.faultline.correlation.Incident;
import io.faultline.processor.eval.ExpectedFault;
import io.faultline.processor.eval.Expectations;
import io.faultline.processor.sim.FaultKind;
import io.faultline.processor.sim.ScenarioGenerator;
import io.faultline.processor.sim.SimulationSpec;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hard cases the shared examples lack, generated and run through the whole engine: a silent
 * switch, a resolver versus one name, a redundant pool member, an application bug on healthy
 * infrastructure, and two unrelated faults at once. Each fault must end as exactly one incident
 * whose root cause is the fault's root, with no other incident (the scenarios carry the
 * simulator's noise: spikes, flapping, late, duplicated and out-of-order events).
 */
class SimulatedFaultEngineTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"switch-failure", "resolver-down", "record-missing", "vm-down-redundant", "app-bug",
      "resolver-down,array-write-errors"})
  void shouldNameEachFaultsRootInOneIncidentWhenReplayingGeneratedEstate(String kinds) throws IOException {
    List<FaultKind> faults = java.util.Arrays.stream(kinds.split(",")).map(FaultKind::parse).toList();
    SimulationSpec spec = SimulationSpec.of(7001).withEntities(60).withMinutes(25).withFaults(faults);
    Path scenario = dir.resolve("scenario.jsonl");
    Expectations expected;
    try (Writer out = Files.newBufferedWriter(scenario, StandardCharsets.UTF_8)) {
      expected = ScenarioGenerator.generate(spec, out);
    }

    List<Incident> incidents;
    try (EngineDriver engine = new EngineDriver(Map.of())) {
      engine.replay(scenario);
      incidents = engine.incidents();
    }
    Map<String, Incident> latest = new LinkedHashMap<>();
    incidents.forEach(i -> latest.put(i.getId(), i));
    Set<String> roots = latest.values().stream().map(Incident::getRootCause).collect(Collectors.toCollection(TreeSet::new));
    Set<String> expectedRoots = expected.faults().stream().map(ExpectedFault::root).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(expectedRoots, roots, () -> "final root causes of " + latest.size() + " incident(s): "
        + latest.values().stream().map(i -> i.getId() + "=" + i.getRootCause() + " " + i.getCandidates()).toList());
    assertEquals(expected.faults().size(), latest.size(), "one incident per fault");
  }
}
