package io.faultline.processor.correlate;

import io.faultline.common.EntityKind;
import io.faultline.common.Severity;
import io.faultline.processor.analysis.Candidate;
import io.faultline.processor.analysis.Diagnosis;
import io.faultline.processor.analysis.GraphView;
import io.faultline.processor.analysis.ObservedSymptom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A small, predictable analysis for the lifecycle tests, so they test the correlator and not the
 * ranking: candidates are symptomatic or silent entities; a candidate explains the symptomatic
 * entities that (transitively) depend on it; rank by how many it explains, then by how far
 * upstream it is. Symptomatic entities sharing a candidate form one diagnosis.
 */
final class ReachabilityAnalyzer implements Analyzer {

  @Override
  public List<Diagnosis> analyze(GraphView graph, Collection<ObservedSymptom> active, Set<String> monitored, long now) {
    SortedSet<String> symptomatic = new TreeSet<>();
    active.forEach(o -> symptomatic.add(o.entity()));
    Map<String, SortedSet<String>> explains = new TreeMap<>();
    Map<String, Map<String, List<String>>> paths = new TreeMap<>();
    Set<String> candidates = new TreeSet<>(symptomatic);
    for (String s : symptomatic) {
      candidates.addAll(ancestors(graph, s));
    }
    candidates.removeIf(c -> !symptomatic.contains(c) && monitored.contains(c));
    for (String c : candidates) {
      Map<String, List<String>> p = pathsFrom(graph, c);
      p.keySet().retainAll(symptomatic);
      if (!p.isEmpty()) {
        explains.put(c, new TreeSet<>(p.keySet()));
        paths.put(c, p);
      }
    }
    // Union symptomatic entities explained by a common candidate.
    Map<String, String> parent = new TreeMap<>();
    symptomatic.forEach(s -> parent.put(s, s));
    for (SortedSet<String> e : explains.values()) {
      String first = e.first();
      for (String s : e) {
        parent.put(find(parent, s), find(parent, first));
      }
    }
    Map<String, SortedSet<String>> groups = new TreeMap<>();
    for (String s : symptomatic) {
      groups.computeIfAbsent(find(parent, s), k -> new TreeSet<>()).add(s);
    }
    List<Diagnosis> out = new ArrayList<>();
    for (SortedSet<String> group : groups.values()) {
      List<String> ranked = explains.keySet().stream()
          .filter(c -> group.containsAll(explains.get(c)) && !explains.get(c).isEmpty())
          .sorted(Comparator.<String>comparingInt(c -> -explains.get(c).size())
              .thenComparingInt(c -> -descendants(graph, c))
              .thenComparing(c -> c))
          .limit(5)
          .toList();
      List<Candidate> cands = new ArrayList<>();
      for (String c : ranked) {
        SortedSet<String> predicted = new TreeSet<>();
        for (String d : pathsFrom(graph, c).keySet()) {
          EntityKind k = graph.kind(d);
          if ((k == EntityKind.APPLICATION || k == EntityKind.SERVICE) && !symptomatic.contains(d)) {
            predicted.add(d);
          }
        }
        cands.add(new Candidate(c, (double) explains.get(c).size() / group.size(), explains.get(c), paths.get(c),
            predicted, List.of("explains " + explains.get(c).size() + " of " + group.size())));
      }
      List<ObservedSymptom> symptoms = active.stream().filter(o -> group.contains(o.entity())).toList();
      long onset = symptoms.stream().mapToLong(ObservedSymptom::onset).min().orElse(now);
      Severity severity = symptoms.stream().map(ObservedSymptom::severity)
          .max(Comparator.naturalOrder()).orElse(Severity.UNKNOWN);
      out.add(new Diagnosis(cands, group, symptoms, onset, severity));
    }
    return out;
  }

  private static String find(Map<String, String> parent, String s) {
    String p = parent.get(s);
    return p.equals(s) ? s : find(parent, p);
  }

  private static Set<String> ancestors(GraphView graph, String start) {
    Set<String> seen = new TreeSet<>();
    Deque<String> todo = new ArrayDeque<>(graph.dependencies(start));
    while (!todo.isEmpty()) {
      String n = todo.pop();
      if (seen.add(n)) {
        todo.addAll(graph.dependencies(n));
      }
    }
    return seen;
  }

  private static int descendants(GraphView graph, String c) {
    return pathsFrom(graph, c).size();
  }

  /** Paths [c, ..., d] to every d that transitively depends on c (c itself included). */
  private static Map<String, List<String>> pathsFrom(GraphView graph, String c) {
    Map<String, List<String>> paths = new LinkedHashMap<>();
    paths.put(c, List.of(c));
    Deque<String> todo = new ArrayDeque<>(List.of(c));
    while (!todo.isEmpty()) {
      String n = todo.removeFirst();
      for (String d : graph.dependents(n)) {
        if (!paths.containsKey(d)) {
          List<String> p = new ArrayList<>(paths.get(n));
          p.add(d);
          paths.put(d, p);
          todo.addLast(d);
        }
      }
    }
    return new TreeMap<>(paths);
  }
}
