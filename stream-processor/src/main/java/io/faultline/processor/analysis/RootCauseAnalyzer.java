package io.faultline.processor.analysis;

import io.faultline.common.EntityKind;
import io.faultline.common.Severity;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns the active symptoms and the dependency graph into diagnoses: groups of related symptoms,
 * each with ranked candidate root causes. Pure and deterministic (sorted walks, no clock, no
 * randomness), so the correlation task can call it at every event-time tick and replays agree.
 *
 * <p>The model, in the order the code applies it (see stream-processor/README.md for the why):
 *
 * <ol>
 *   <li><b>Failing</b> entities are those with an active symptom, plus entities without telemetry
 *       of their own (a switch, a DNS resolver) inferred to have failed because enough of their
 *       observable dependents fail — all three names on a resolver time out, every NIC on a switch
 *       shows errors — or, for a resolver, when every name observed through it gets no answer
 *       (even a single name: a timeout is the resolver's failure, NXDOMAIN an answer about the
 *       record). One name failing while its siblings on the same resolver resolve points at the
 *       name, not the resolver.
 *   <li><b>Impaired</b> entities are the failing ones and, upwards, everything that needs them —
 *       except that an any-of entity ({@code minHealthy}, a pool) is impaired only while fewer
 *       than {@code minHealthy} of its dependencies are unimpaired. One member of a redundant pool
 *       down explains nothing above the pool.
 *   <li>A candidate <b>explains</b> a symptomatic entity when a dependency path leads from the
 *       entity down to the candidate, passing any-of entities only where they are impaired or
 *       degraded: an impaired member still in rotation (no DOWN report from the pool, not silent)
 *       keeps serving its share of the requests, so a slow datastore under one member of a
 *       redundant pool does reach the pool's users; a member that left rotation does not.
 *   <li>A failing entity is a <b>root</b> unless a failing entity below it, that started no later
 *       (within a tolerance), explains it; each root's explained symptoms form a group.
 *   <li>In each group every candidate is scored in 0..1 from its own evidence (symptomatic,
 *       inferred, silent, or healthy), the share of the group it explains, whether it is itself a
 *       victim of something deeper, and temporal precedence.
 * </ol>
 */
public final class RootCauseAnalyzer {

  private static final long UNKNOWN = Long.MAX_VALUE;
  private static final String DNS_RCODE = "dns.rcode";
  private static final String NXDOMAIN = "NXDOMAIN";

  private final AnalysisSettings settings;

  public RootCauseAnalyzer(AnalysisSettings settings) {
    this.settings = settings;
  }

  public RootCauseAnalyzer() {
    this(AnalysisSettings.defaults());
  }

  /**
   * @param graph the topology as of {@code now}
   * @param active the symptoms raised and not cleared as of {@code now}
   * @param monitored entities that report telemetry of their own
   * @param now the event time of the analysis (unused by the model itself; kept for callers' logs)
   */
  public List<Diagnosis> analyze(GraphView graph, Collection<ObservedSymptom> active, Set<String> monitored, long now) {
    if (active.isEmpty()) {
      return List.of();
    }
    return new Run(graph, active, monitored).diagnose();
  }

  /** One analysis: the derived sets live here so the analyzer itself stays stateless. */
  private final class Run {
    final GraphView graph;
    final Set<String> monitored;
    final SortedMap<String, List<ObservedSymptom>> symptomsByEntity = new TreeMap<>();
    /** Dependencies implied by symptoms (a name resolved through a resolver the topology omits). */
    final Map<String, Set<String>> impliedDeps = new HashMap<>();
    final Map<String, Set<String>> impliedDependents = new HashMap<>();

    final Set<String> failing = new TreeSet<>();
    final Map<String, Long> onset = new HashMap<>();
    final Map<String, Double> inferenceShare = new HashMap<>();
    final Set<String> impaired = new HashSet<>();
    final Set<String> degradedAnyOf = new HashSet<>();
    /** candidate -> (explained symptomatic entity -> path [candidate..entity]). */
    final Map<String, SortedMap<String, List<String>>> explains = new TreeMap<>();

    Run(GraphView graph, Collection<ObservedSymptom> active, Set<String> monitored) {
      this.graph = graph;
      this.monitored = monitored;
      List<ObservedSymptom> sorted = new ArrayList<>(active);
      sorted.sort(Comparator.comparing(ObservedSymptom::entity).thenComparing(ObservedSymptom::signal)
          .thenComparing(s -> s.related() == null ? "" : s.related()).thenComparingLong(ObservedSymptom::onset));
      for (ObservedSymptom s : sorted) {
        symptomsByEntity.computeIfAbsent(s.entity(), k -> new ArrayList<>()).add(s);
        onset.merge(s.entity(), s.onset(), Math::min);
        if (s.related() != null && !s.related().equals(s.entity())) {
          if (s.signal().startsWith("dns")) {
            imply(s.entity(), s.related());
          } else if (s.signal().equals("pool.member")) {
            imply(s.related(), s.entity());
          }
        }
      }
    }

    private void imply(String from, String to) {
      if (!graph.dependencies(from).contains(to)) {
        impliedDeps.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
        impliedDependents.computeIfAbsent(to, k -> new TreeSet<>()).add(from);
      }
    }

    Set<String> deps(String id) {
      Set<String> extra = impliedDeps.get(id);
      if (extra == null) {
        return graph.dependencies(id);
      }
      Set<String> all = new TreeSet<>(graph.dependencies(id));
      all.addAll(extra);
      return all;
    }

    Set<String> dependents(String id) {
      Set<String> extra = impliedDependents.get(id);
      if (extra == null) {
        return graph.dependents(id);
      }
      Set<String> all = new TreeSet<>(graph.dependents(id));
      all.addAll(extra);
      return all;
    }

    boolean symptomatic(String id) {
      return symptomsByEntity.containsKey(id);
    }

    List<Diagnosis> diagnose() {
      Set<String> region = downClosureUngated(symptomsByEntity.keySet());
      failing.addAll(symptomsByEntity.keySet());
      inferSilentFailures(region);
      propagateImpairment();
      findDegradedAnyOf();
      for (String entity : symptomsByEntity.keySet()) {
        walkExplanations(entity);
      }
      Map<String, Boolean> victim = new TreeMap<>();
      for (String c : explains.keySet()) {
        victim.put(c, isVictim(c));
      }

      // Each root's explained symptoms form a group; roots explaining the same set are one group.
      Map<SortedSet<String>, SortedSet<String>> rootsByGroup = new LinkedHashMap<>();
      Set<String> covered = new HashSet<>();
      for (String c : explains.keySet()) {
        if (failing.contains(c) && !victim.get(c)) {
          SortedSet<String> group = new TreeSet<>(explains.get(c).keySet());
          rootsByGroup.computeIfAbsent(group, g -> new TreeSet<>()).add(c);
          covered.addAll(group);
        }
      }
      // A cycle of mutually explaining failures has no root: its members stand on their own.
      for (String entity : symptomsByEntity.keySet()) {
        if (!covered.contains(entity)) {
          rootsByGroup.computeIfAbsent(new TreeSet<>(Set.of(entity)), g -> new TreeSet<>()).add(entity);
        }
      }

      Map<String, Diagnosis> byTop = new TreeMap<>();
      for (Map.Entry<SortedSet<String>, SortedSet<String>> e : rootsByGroup.entrySet()) {
        Diagnosis d = rank(e.getKey(), e.getValue(), victim);
        Diagnosis same = byTop.get(d.top().entity());
        if (same != null) {
          // Two groups with one best explanation are one fault seen from two sides.
          SortedSet<String> union = new TreeSet<>(same.symptomatic());
          union.addAll(d.symptomatic());
          SortedSet<String> roots = new TreeSet<>(e.getValue());
          same.ranked().forEach(c -> roots.add(c.entity()));
          d = rank(union, roots, victim);
        }
        byTop.put(d.top().entity(), d);
      }
      List<Diagnosis> out = new ArrayList<>(byTop.values());
      out.sort(Comparator.comparingLong(Diagnosis::onset).thenComparing(d -> d.top().entity()));
      return out;
    }

    private Set<String> downClosureUngated(Set<String> from) {
      Set<String> seen = new TreeSet<>(from);
      Deque<String> queue = new ArrayDeque<>(from);
      while (!queue.isEmpty()) {
        for (String d : deps(queue.poll())) {
          if (seen.add(d)) {
            queue.add(d);
          }
        }
      }
      return seen;
    }

    /** Entities without telemetry fail when enough of their observable dependents fail. */
    private void inferSilentFailures(Set<String> region) {
      boolean changed = true;
      while (changed) {
        changed = false;
        for (String u : region) {
          if (failing.contains(u) || monitored.contains(u)) {
            continue;
          }
          int observable = 0;
          int failed = 0;
          int unanswered = 0;
          long firstOnset = UNKNOWN;
          for (String d : dependents(u)) {
            if (failing.contains(d)) {
              failed++;
              observable++;
              firstOnset = Math.min(firstOnset, onset.getOrDefault(d, UNKNOWN));
              if (unansweredThrough(d, u)) {
                unanswered++;
              }
            } else if (monitored.contains(d)) {
              observable++;
            }
          }
          double share = observable == 0 ? 0 : (double) failed / observable;
          inferenceShare.put(u, share);
          // A query that gets no answer through a resolver (timeout, SERVFAIL, REFUSED) is evidence
          // against the resolver itself, unlike NXDOMAIN, an answer about the record: when every
          // name observed through it gets none, the resolver has failed, even if it serves one name.
          boolean silentResolver = unanswered > 0 && unanswered == observable;
          if ((failed >= settings.minInferenceDependents() && share >= settings.minInferenceShare())
              || silentResolver) {
            failing.add(u);
            onset.put(u, firstOnset);
            changed = true;
          }
        }
      }
    }

    /**
     * Whether {@code name}'s DNS queries through {@code resolver} go unanswered: a raised
     * {@code dns.rcode} symptom measured through it whose failure is not NXDOMAIN (the detector
     * names the rcode in the description, "rcode TIMEOUT via ...").
     */
    private boolean unansweredThrough(String name, String resolver) {
      for (ObservedSymptom s : symptomsByEntity.getOrDefault(name, List.of())) {
        if (s.signal().equals(DNS_RCODE) && resolver.equals(s.related())
            && (s.description() == null || !s.description().contains(NXDOMAIN))) {
          return true;
        }
      }
      return false;
    }

    /**
     * Whether failures below {@code id} reach what needs it. An any-of entity (a pool) shields its
     * users from members that left rotation (reported DOWN by the pool, or silent), as long as
     * enough remain; a member that is impaired but still in rotation (slow datastore, paging host)
     * keeps taking its share of the requests, and the pool's users see that share fail or slow down.
     */
    private boolean gateOpen(String id) {
      return graph.minHealthy(id) == null || impaired.contains(id) || degradedAnyOf.contains(id);
    }

    /** Any-of entities with an impaired dependency that is still in rotation. */
    private void findDegradedAnyOf() {
      for (String x : impaired) {
        if (outOfRotation(x)) {
          continue;
        }
        for (String y : dependents(x)) {
          if (graph.minHealthy(y) != null && !impaired.contains(y)) {
            degradedAnyOf.add(y);
          }
        }
      }
    }

    private boolean outOfRotation(String member) {
      List<ObservedSymptom> own = symptomsByEntity.get(member);
      return own != null && own.stream().anyMatch(s -> s.signal().equals("pool.member") || s.signal().equals("silence"));
    }

    /** Failing entities and, upwards, what needs them; any-of entities only below their threshold. */
    private void propagateImpairment() {
      Deque<String> queue = new ArrayDeque<>(failing);
      impaired.addAll(failing);
      int visits = 0;
      while (!queue.isEmpty() && visits++ < settings.maxImpactWalk()) {
        String x = queue.poll();
        for (String y : dependents(x)) {
          if (impaired.contains(y)) {
            continue;
          }
          Integer min = graph.minHealthy(y);
          boolean hurt;
          if (min == null) {
            hurt = true;
          } else {
            Set<String> ds = deps(y);
            long down = ds.stream().filter(impaired::contains).count();
            hurt = ds.size() - down < min;
          }
          if (hurt) {
            impaired.add(y);
            queue.add(y);
          }
        }
      }
    }

    /** Walks down from a symptomatic entity, recording it as explained by everything it reaches. */
    private void walkExplanations(String entity) {
      Map<String, String> parent = new HashMap<>();
      Deque<String> queue = new ArrayDeque<>();
      queue.add(entity);
      parent.put(entity, null);
      while (!queue.isEmpty()) {
        String y = queue.poll();
        explains.computeIfAbsent(y, k -> new TreeMap<>()).put(entity, pathFrom(y, parent));
        if (!gateOpen(y)) {
          continue;
        }
        for (String d : deps(y)) {
          if (!parent.containsKey(d)) {
            parent.put(d, y);
            queue.add(d);
          }
        }
      }
    }

    /** [candidate, ..., entity]: each element is depended on by the next. */
    private List<String> pathFrom(String candidate, Map<String, String> parent) {
      List<String> path = new ArrayList<>();
      for (String at = candidate; at != null; at = parent.get(at)) {
        path.add(at);
      }
      return List.copyOf(path);
    }

    /** Whether a failing entity below {@code c}, that started no later, explains it. */
    private boolean isVictim(String c) {
      long own = onset.getOrDefault(c, UNKNOWN);
      Set<String> seen = new HashSet<>(Set.of(c));
      Deque<String> queue = new ArrayDeque<>();
      if (gateOpen(c)) {
        queue.addAll(deps(c));
        seen.addAll(queue);
      }
      while (!queue.isEmpty()) {
        String y = queue.poll();
        if (failing.contains(y)) {
          long theirs = onset.getOrDefault(y, UNKNOWN);
          if (own == UNKNOWN || theirs == UNKNOWN || theirs <= own + settings.precedenceToleranceMs()) {
            return true;
          }
        }
        if (gateOpen(y)) {
          for (String d : deps(y)) {
            if (seen.add(d)) {
              queue.add(d);
            }
          }
        }
      }
      return false;
    }

    /** Symptomatic entity -> the candidates explaining it; built on first use, once explains is complete. */
    private Map<String, SortedSet<String>> explainers;

    private SortedSet<String> explainersOf(Collection<String> group) {
      if (explainers == null) {
        explainers = new HashMap<>();
        explains.forEach((c, explained) -> explained.keySet().forEach(entity ->
            explainers.computeIfAbsent(entity, k -> new TreeSet<>()).add(c)));
      }
      SortedSet<String> out = new TreeSet<>();
      for (String entity : group) {
        out.addAll(explainers.getOrDefault(entity, Collections.emptySortedSet()));
      }
      return out;
    }

    private Diagnosis rank(SortedSet<String> group, SortedSet<String> roots, Map<String, Boolean> victim) {
      List<Candidate> scored = new ArrayList<>();
      // Only the candidates that explain something in the group: with thousands of unrelated
      // symptoms (a collector outage at 100,000 entities) a walk over every candidate per group
      // is quadratic and stalls the correlation task.
      for (String c : explainersOf(group)) {
        SortedMap<String, List<String>> explained = explains.get(c);
        SortedMap<String, List<String>> paths = new TreeMap<>();
        if (group.size() < explained.size()) {
          for (String entity : group) {
            List<String> path = explained.get(entity);
            if (path != null) {
              paths.put(entity, path);
            }
          }
        } else {
          explained.forEach((entity, path) -> {
            if (group.contains(entity)) {
              paths.put(entity, path);
            }
          });
        }
        if (paths.isEmpty()) {
          continue;
        }
        scored.add(score(c, group, paths, victim.getOrDefault(c, false), roots.contains(c)));
      }
      scored.sort(Comparator.comparingDouble(Candidate::score).reversed().thenComparing(Candidate::entity));
      List<Candidate> top = new ArrayList<>(scored.subList(0, Math.min(settings.maxCandidates(), scored.size())));
      // The blast-radius walk is the costly part of a candidate and plays no part in its score: only the ranked ones get it.
      top.replaceAll(k -> new Candidate(k.entity(), k.score(), k.explains(), k.paths(), predictedAffected(k.entity()),
          k.reasons()));

      List<ObservedSymptom> symptoms = new ArrayList<>();
      long first = UNKNOWN;
      Severity worst = Severity.WARNING;
      for (String entity : group) {
        for (ObservedSymptom s : symptomsByEntity.getOrDefault(entity, List.of())) {
          symptoms.add(s);
          first = Math.min(first, s.onset());
          if (s.severity() == Severity.CRITICAL) {
            worst = Severity.CRITICAL;
          }
        }
      }
      return new Diagnosis(List.copyOf(top), group, List.copyOf(symptoms), first, worst);
    }

    private Candidate score(String c, SortedSet<String> group, SortedMap<String, List<String>> paths, boolean isVictim, boolean isRoot) {
      List<String> reasons = new ArrayList<>();
      double own;
      if (symptomatic(c)) {
        boolean critical = symptomsByEntity.get(c).stream().anyMatch(s -> s.severity() == Severity.CRITICAL);
        own = critical ? 1.0 : 0.8;
        reasons.add(symptomsByEntity.get(c).size() + " active symptom(s) of its own"
            + (critical ? ", critical" : ""));
      } else if (failing.contains(c)) {
        double share = inferenceShare.getOrDefault(c, 0.0);
        own = 0.6 + 0.35 * share;
        reasons.add(String.format("no telemetry of its own; %d%% of its observable dependents fail",
            Math.round(share * 100)));
      } else if (!monitored.contains(c)) {
        double share = inferenceShare.getOrDefault(c, 0.0);
        own = 0.05 + 0.3 * share;
        reasons.add(String.format("no telemetry of its own; only %d%% of its observable dependents fail",
            Math.round(share * 100)));
      } else {
        own = 0.02;
        reasons.add("its own telemetry is healthy");
      }

      double coverage = (double) paths.size() / group.size();
      reasons.add(String.format("explains %d of %d symptomatic entities", paths.size(), group.size()));

      double victimFactor = 1.0;
      if (isVictim) {
        victimFactor = 0.3;
        reasons.add("something it depends on failed first");
      } else if (isRoot) {
        reasons.add("nothing it depends on has failed");
      }

      double temporal = 1.0;
      long own0 = onset.getOrDefault(c, UNKNOWN);
      long firstOther = paths.keySet().stream().filter(e -> !e.equals(c))
          .mapToLong(e -> onset.getOrDefault(e, UNKNOWN)).min().orElse(UNKNOWN);
      if (own0 != UNKNOWN && firstOther != UNKNOWN) {
        long gap = own0 - firstOther;
        if (gap > settings.precedenceToleranceMs()) {
          temporal = Math.max(0.5, 1.0 - (gap - settings.precedenceToleranceMs()) / 600_000.0);
          reasons.add(String.format("began %ds after the first symptom it would explain", gap / 1000));
        } else if (gap <= 0) {
          reasons.add("earliest onset among what it explains");
        }
      }

      double score = own * (0.4 + 0.6 * coverage) * victimFactor * temporal;
      score = Math.round(Math.min(1.0, Math.max(0.0, score)) * 10_000) / 10_000.0;
      return new Candidate(c, score, new TreeSet<>(paths.keySet()), Map.copyOf(paths), new TreeSet<>(),
          List.copyOf(reasons));
    }

    /** Applications and services that need {@code c} (through impaired paths) and still pass. */
    private SortedSet<String> predictedAffected(String c) {
      SortedSet<String> out = new TreeSet<>();
      Set<String> seen = new HashSet<>(Set.of(c));
      Deque<String> queue = new ArrayDeque<>(List.of(c));
      int visits = 0;
      while (!queue.isEmpty() && visits++ < settings.maxImpactWalk()) {
        String x = queue.poll();
        for (String y : dependents(x)) {
          if (!seen.add(y)) {
            continue;
          }
          if (graph.minHealthy(y) != null && !impaired.contains(y)) {
            continue;
          }
          EntityKind kind = graph.kind(y);
          if ((kind == EntityKind.APPLICATION || kind == EntityKind.SERVICE) && !symptomatic(y)) {
            out.add(y);
          }
          queue.add(y);
        }
      }
      return out;
    }
  }
}
