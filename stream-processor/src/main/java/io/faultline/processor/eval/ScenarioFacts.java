package io.faultline.processor.eval;

import io.faultline.schemas.scenario.ScenarioReader;
import io.faultline.topology.TopologyEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the scorer needs from the scenario itself: its event-time span (for false incidents per
 * fault-free hour) and its dependencies (a fault's blast radius: the root and everything that
 * depends on it, directly or not).
 */
public record ScenarioFacts(Instant start, Instant end, Map<String, Set<String>> dependents) {

  public ScenarioFacts {
    dependents = Map.copyOf(dependents);
  }

  /** Reads a scenario file; only its topology and time span are kept. */
  public static ScenarioFacts read(Path jsonl) {
    long[] span = {Long.MAX_VALUE, Long.MIN_VALUE};
    Map<String, Set<String>> dependents = new HashMap<>();
    ScenarioReader.read(jsonl, r -> {
      if (r.hasTime() && !(r.value() instanceof TopologyEvent)) {
        span[0] = Math.min(span[0], r.timestamp());
        span[1] = Math.max(span[1], r.timestamp());
      }
      if (r.value() instanceof TopologyEvent t && t.getDependency() != null) {
        String from = t.getDependency().getFrom();
        String to = t.getDependency().getTo();
        if (t.getRemoved()) {
          Set<String> s = dependents.get(to);
          if (s != null) {
            s.remove(from);
          }
        } else {
          dependents.computeIfAbsent(to, k -> new LinkedHashSet<>()).add(from);
        }
      }
    });
    if (span[0] == Long.MAX_VALUE) {
      throw new IllegalArgumentException(jsonl + " has no timed lines");
    }
    return new ScenarioFacts(Instant.ofEpochMilli(span[0]), Instant.ofEpochMilli(span[1]), dependents);
  }

  /** The root and everything that depends on it, directly or not. */
  public Set<String> blastRadius(String root) {
    Set<String> out = new LinkedHashSet<>(List.of(root));
    List<String> todo = new ArrayList<>(List.of(root));
    while (!todo.isEmpty()) {
      for (String d : dependents.getOrDefault(todo.remove(todo.size() - 1), Set.of())) {
        if (out.add(d)) {
          todo.add(d);
        }
      }
    }
    return out;
  }
}
