package io.faultline.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.faultline.correlation.Incident;
import io.faultline.correlation.RootCauseCandidate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shared scenario through the whole engine, in file order (late, duplicated, out of order
 * as recorded): one incident per expected fault whose rank-1 candidate is the fault's root, and
 * no other incident; the healthy estate opens none. Prints the published records per scenario.
 */
class SharedScenarioEngineTest {

  static Path directory() {
    String configured = System.getProperty("faultline.scenarios");
    if (configured != null) {
      return Path.of(configured);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared").resolve("scenarios");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("shared/scenarios not found above " + Path.of("").toAbsolutePath());
  }

  static Stream<Path> scenarios() throws IOException {
    try (Stream<Path> files = Files.list(directory())) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).sorted().toList().stream();
    }
  }

  static JsonNode expectation(Path scenario) {
    Path expect = scenario.resolveSibling(scenario.getFileName().toString().replace(".jsonl", ".expect.json"));
    try {
      return new ObjectMapper().readTree(expect.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void shouldRankTheExpectedRootFirstInOneIncidentWhenReplayingSharedScenario(Path scenario) {
    JsonNode expect = expectation(scenario);
    List<Incident> incidents;
    List<RootCauseCandidate> candidates;
    try (EngineDriver engine = new EngineDriver(Map.of())) {
      engine.replay(scenario);
      incidents = engine.incidents();
      candidates = engine.candidates();
      assertTrue(engine.deadLetters().isEmpty(), "a shared scenario has no poison record");
    }
    System.out.println("== " + scenario.getFileName());
    incidents.forEach(i -> System.out.println("  incident " + i.getId() + " " + i.getState() + " v" + i.getVersion()
        + " root=" + i.getRootCause() + " score=" + String.format("%.2f", i.getScore()) + " at=" + i.getUpdatedAt()
        + " affected=" + i.getAffected() + " candidates=" + i.getCandidates().stream()
            .map(c -> c.getEntity() + ":" + String.format("%.2f", c.getScore())).toList()
        + "\n    " + i.getSummary()));

    Set<String> ids = incidents.stream().map(Incident::getId).collect(Collectors.toSet());
    if (expect.get("faults").isEmpty()) {
      assertEquals(List.of(), incidents, "a healthy estate opens no incident");
      return;
    }
    assertEquals(expect.get("faults").size(), ids.size(), "one incident per fault, no other: " + ids);
    for (JsonNode fault : expect.get("faults")) {
      String root = fault.get("root").asText();
      Instant onset = Instant.parse(fault.get("onset").asText());
      List<Incident> forRoot = incidents.stream().filter(i -> i.getRootCause().equals(root)).toList();
      assertFalse(forRoot.isEmpty(), "an incident with root " + root);
      String id = forRoot.get(0).getId();
      List<Incident> history = incidents.stream().filter(i -> i.getId().equals(id)).toList();
      Incident last = history.get(history.size() - 1);
      assertEquals(root, last.getRootCause(), "the incident's final root cause");
      RootCauseCandidate firstRight = candidates.stream()
          .filter(c -> c.getIncidentId().equals(id) && c.getRank() == 1 && c.getEntity().equals(root))
          .findFirst().orElseThrow();
      System.out.println("  detection delay for " + root + ": "
          + Duration.between(onset, firstRight.getEventTime()).toSeconds() + " s");
    }
  }
}
