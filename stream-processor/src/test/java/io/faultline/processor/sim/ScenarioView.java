package io.faultline.processor.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.faultline.processor.eval.Expectations;
import io.faultline.processor.eval.ExpectedFault;
import io.faultline.schemas.scenario.ScenarioReader;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** A generated scenario parsed back, with the queries the simulator tests ask of it. */
final class ScenarioView {
  private static final ObjectMapper JSON = new ObjectMapper();

  final String text;
  final Expectations expectations;
  final List<JsonNode> lines = new ArrayList<>();
  final Map<String, String> kinds = new LinkedHashMap<>();
  final Map<String, Integer> minHealthy = new HashMap<>();
  final Map<String, Set<String>> deps = new HashMap<>();
  final Map<String, Set<String>> dependents = new HashMap<>();
  final Map<String, List<JsonNode>> telemetry = new HashMap<>();

  ScenarioView(String text, Expectations expectations) {
    this.text = text;
    this.expectations = expectations;
    for (String l : text.split("\n")) {
      JsonNode n;
      try {
        n = JSON.readTree(l);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      lines.add(n);
      switch (n.get("type").asText()) {
        case "entity" -> {
          kinds.put(n.get("id").asText(), n.get("kind").asText());
          if (n.has("minHealthy")) {
            minHealthy.put(n.get("id").asText(), n.get("minHealthy").asInt());
          }
        }
        case "depends" -> {
          deps.computeIfAbsent(n.get("from").asText(), k -> new LinkedHashSet<>()).add(n.get("to").asText());
          dependents.computeIfAbsent(n.get("to").asText(), k -> new LinkedHashSet<>()).add(n.get("from").asText());
        }
        default -> telemetry.computeIfAbsent(n.get("entity").asText(), k -> new ArrayList<>()).add(n);
      }
    }
  }

  static ScenarioView generate(SimulationSpec spec) {
    StringWriter w = new StringWriter();
    try {
      Expectations e = ScenarioGenerator.generate(spec, w);
      return new ScenarioView(w.toString(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ExpectedFault fault() {
    return expectations.faults().get(0);
  }

  long onset() {
    return fault().onset().toEpochMilli();
  }

  static long time(JsonNode n) {
    return ScenarioReader.parseTime(n.get("t"));
  }

  List<String> ofKind(String kind) {
    return kinds.entrySet().stream().filter(e -> e.getValue().equals(kind)).map(Map.Entry::getKey).toList();
  }

  Set<String> depsOf(String id) {
    return deps.getOrDefault(id, Set.of());
  }

  Set<String> dependentsOf(String id) {
    return dependents.getOrDefault(id, Set.of());
  }

  /** Samples of {@code entity} with event time in [from, to). */
  List<JsonNode> samples(String entity, long from, long to) {
    return telemetry.getOrDefault(entity, List.of()).stream()
        .filter(n -> time(n) >= from && time(n) < to).toList();
  }

  /** Share of the samples of {@code entity} in [from, to) matching {@code test}; NaN if none. */
  double share(String entity, long from, long to, Predicate<JsonNode> test) {
    List<JsonNode> s = samples(entity, from, to);
    return s.isEmpty() ? Double.NaN : s.stream().filter(test).count() / (double) s.size();
  }

  double median(String entity, String field, long from, long to) {
    double[] v = samples(entity, from, to).stream().mapToDouble(n -> n.get(field).asDouble()).sorted().toArray();
    return v.length == 0 ? Double.NaN : v[v.length / 2];
  }

  /** Every entity that depends on {@code root}, directly or not. */
  Set<String> upstreamOf(String root) {
    Set<String> out = new LinkedHashSet<>();
    List<String> todo = new ArrayList<>(List.of(root));
    while (!todo.isEmpty()) {
      for (String d : dependentsOf(todo.remove(todo.size() - 1))) {
        if (out.add(d)) {
          todo.add(d);
        }
      }
    }
    return out;
  }

  long end() {
    return lines.stream().filter(n -> n.has("t")).mapToLong(ScenarioView::time).max().orElseThrow();
  }

  long start() {
    return lines.stream().filter(n -> n.has("t")).mapToLong(ScenarioView::time).min().orElseThrow();
  }

  static boolean appFailed(JsonNode n) {
    return !n.get("ok").asBoolean();
  }

  /** Share of failed checks of an application or service in [from, to); NaN if it has none. */
  double failureRate(String entity, long from, long to) {
    List<JsonNode> checks = samples(entity, from, to).stream().filter(n -> n.get("type").asText().equals("app")).toList();
    return checks.isEmpty() ? Double.NaN : checks.stream().filter(ScenarioView::appFailed).count() / (double) checks.size();
  }
}
