package io.faultline.processor.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.correlation.Symptom;
import io.faultline.correlation.SymptomState;
import io.faultline.schemas.Topics;
import io.faultline.schemas.scenario.ScenarioReader;
import io.faultline.schemas.scenario.ScenarioRecord;
import io.faultline.topology.TopologyEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shared scenario through the detection stage, in file order (shuffled, duplicated, late):
 * the faulty entity (for a resolver without telemetry: the names resolved through it) raises
 * symptoms near the expected onset, and no entity unrelated to the fault raises anything.
 */
class SharedScenarioDetectionTest {

  /** How early before the expected onset a symptom's onset may lie (samples straddle it). */
  private static final Duration EARLY = Duration.ofSeconds(20);
  /** How late after the expected onset the first symptom's onset may lie. */
  private static final Duration LATE = Duration.ofSeconds(60);

  static Stream<Path> scenarios() {
    return SharedScenarios.all().stream();
  }

  /** The symptoms of a scenario's telemetry, piped in the given order. */
  private static List<Symptom> detect(List<ScenarioRecord> telemetry) {
    try (DetectionDriver d = new DetectionDriver(DetectionSettings.forReplay())) {
      telemetry.forEach(r -> d.pipe(r.value()));
      d.idle();
      return d.symptoms();
    }
  }

  @Test
  void shouldDetectTheSameSymptomsWhenTheSameScenarioArrivesInAnotherOrder() {
    Path scenario = SharedScenarios.directory().resolve("disk-array-write-errors.jsonl");
    List<ScenarioRecord> fileOrder = new ArrayList<>();
    ScenarioReader.read(scenario, r -> {
      if (r.topic() != Topics.TOPOLOGY) {
        fileOrder.add(r);
      }
    });
    List<ScenarioRecord> reversedWithinMinutes = new ArrayList<>(fileOrder);
    // Event-time order, but each 10-minute block reversed: every record arrives in another place.
    reversedWithinMinutes.sort(Comparator.comparingLong((ScenarioRecord r) -> r.timestamp() / 600_000)
        .thenComparing(Comparator.comparingLong(ScenarioRecord::timestamp).reversed()));

    List<Symptom> expected = detect(fileOrder);
    assertFalse(expected.isEmpty());
    assertEquals(expected, detect(reversedWithinMinutes));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void shouldRaiseSymptomsOnlyOnFaultyEntitiesWhenReplayingSharedScenario(Path scenario) {
    JsonNode expect = SharedScenarios.expectation(scenario);
    List<Symptom> symptoms = new ArrayList<>();
    Set<String> dependsOn = new HashSet<>();
    List<String[]> edges = new ArrayList<>();
    try (DetectionDriver d = new DetectionDriver(DetectionSettings.forReplay())) {
      ScenarioReader.read(scenario, r -> {
        if (r.topic() == Topics.TOPOLOGY) {
          TopologyEvent e = (TopologyEvent) r.value();
          if (e.getDependency() != null && !e.getRemoved()) {
            edges.add(new String[] {e.getDependency().getFrom(), e.getDependency().getTo()});
          }
        } else {
          d.pipe(r.value());
        }
      });
      d.idle();
      symptoms.addAll(d.symptoms());
      assertTrue(d.deadLetters().isEmpty(), "no record of a shared scenario is later than the replay grace");
    }
    System.out.println("== " + scenario.getFileName());
    symptoms.forEach(s -> System.out.println("  " + s.getState() + " " + s.getSeverity() + " " + s.getEntity() + " "
        + s.getSignal() + (s.getRelated() == null ? "" : "[" + s.getRelated() + "]") + " onset=" + s.getOnset()
        + " at=" + s.getEventTime() + " : " + s.getDescription()));

    List<Symptom> raised = symptoms.stream().filter(s -> s.getState() == SymptomState.RAISED).toList();
    if (expect.get("faults").isEmpty()) {
      assertEquals(List.of(), raised, "a healthy estate raises no symptom");
      return;
    }
    for (JsonNode fault : expect.get("faults")) {
      String root = fault.get("root").asText();
      Instant onset = Instant.parse(fault.get("onset").asText());
      // Entities that show the fault themselves: the root, or (for an entity without telemetry) what depends on it.
      Set<String> observers = new HashSet<>(Set.of(root));
      edges.stream().filter(e -> e[1].equals(root)).forEach(e -> observers.add(e[0]));
      List<Symptom> onRoot = raised.stream().filter(s -> observers.contains(s.getEntity())).toList();
      assertFalse(onRoot.isEmpty(), "a symptom on " + observers);
      Instant first = onRoot.stream().map(Symptom::getOnset).min(Instant::compareTo).orElseThrow();
      assertTrue(!first.isBefore(onset.minus(EARLY)) && !first.isAfter(onset.plus(LATE)),
          "first onset " + first + " near the expected " + onset);
      // Nothing may be raised before the fault began: until then the estate is healthy.
      raised.stream().filter(s -> s.getOnset().isBefore(onset.minus(EARLY))).findFirst().ifPresent(s -> {
        throw new AssertionError("symptom before the fault: " + s);
      });
    }
  }
}
