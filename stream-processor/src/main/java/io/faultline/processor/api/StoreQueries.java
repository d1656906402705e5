package io.faultline.processor.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.common.EntityKind;
import io.faultline.common.Severity;
import io.faultline.processor.analysis.Candidate;
import io.faultline.processor.analysis.DependencyGraph;
import io.faultline.processor.analysis.Diagnosis;
import io.faultline.processor.analysis.ObservedSymptom;
import io.faultline.processor.analysis.RootCauseAnalyzer;
import io.faultline.processor.api.CorrelatorRecords.EntityRecord;
import io.faultline.processor.api.CorrelatorRecords.IncidentRecord;
import io.faultline.processor.api.CorrelatorRecords.SymptomRecord;
import io.faultline.processor.api.CorrelatorRecords.TopologyRecord;
import io.faultline.processor.api.StateReader.StoreEntry;
import io.faultline.processor.correlate.CorrelationStage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Answers {@link FaultlineQueries} from the correlation task's stores: the topology, the active
 * symptoms, the monitored set and the incidents. Root cause and evidence are computed with the
 * same {@link RootCauseAnalyzer} the correlator runs, over the same stored state, so "why" here
 * agrees with what the pipeline concluded.
 *
 * <p>Every answer reads the stores afresh (the correlator's state is small: symptoms and
 * topology, not samples), so there is no cache to go stale across rebalances.
 */
public final class StoreQueries implements FaultlineQueries {

  /** Ids are {@code kind:name} (names may contain '/' and '.'); '|' separates symptom key parts. */
  private static final Pattern ID = Pattern.compile("[\\p{Alnum}._:/@+=~\\-]{1,256}");

  private final StateReader state;
  private final RootCauseAnalyzer analyzer;

  public StoreQueries(StateReader state, RootCauseAnalyzer analyzer) {
    this.state = state;
    this.analyzer = analyzer;
  }

  /** Throws a 400 naming the rule when {@code id} cannot be an entity or incident id. */
  public static String validId(String what, String id) {
    if (id == null || id.isEmpty()) {
      throw ApiException.badRequest(what + " id is missing");
    }
    if (!ID.matcher(id).matches()) {
      throw ApiException.badRequest(what + " id '" + printable(id) + "' is not valid: 1 to 256 of letters, digits"
          + " and . _ : / @ + = ~ -");
    }
    return id;
  }

  private static String printable(String s) {
    String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }

  @Override
  public List<Views.Incident> incidents(StateFilter filter) {
    return allIncidents().stream()
        .filter(r -> filter == StateFilter.ALL || (filter == StateFilter.OPEN) == r.isOpen())
        .sorted(Comparator.comparingLong(IncidentRecord::updatedAt).reversed().thenComparing(IncidentRecord::id))
        .map(Views.Incident::of)
        .toList();
  }

  @Override
  public Views.IncidentDetail incident(String id) {
    validId("incident", id);
    IncidentRecord inc = state.get(CorrelationStage.INCIDENT_STORE, id).map(n -> read(n, IncidentRecord.class))
        .orElseThrow(() -> ApiException.notFound("no incident '" + id + "'"));
    Snapshot now = snapshot();
    Candidate live = null;
    Diagnosis diagnosis = null;
    if (inc.isOpen()) {
      for (Diagnosis d : now.diagnoses()) {
        for (Candidate c : d.ranked()) {
          if (c.entity().equals(inc.rootCause())) {
            live = c;
            diagnosis = d;
            break;
          }
        }
        if (live != null) {
          break;
        }
      }
    }
    List<String> targets = !Views.list(inc.affectedApplications()).isEmpty()
        ? inc.affectedApplications() : Views.list(inc.affected());
    List<List<String>> paths = new ArrayList<>();
    for (String target : targets) {
      List<String> p = live != null ? live.paths().get(target) : null;
      if (p == null) {
        p = now.graphPath(target, inc.rootCause());
      }
      if (p != null && !p.isEmpty()) {
        paths.add(List.copyOf(p));
      }
    }
    if (diagnosis == null) {
      List<Views.RankedCandidate> published = new ArrayList<>();
      int rank = 1;
      for (CorrelatorRecords.Ranked r : Views.list(inc.candidates())) {
        published.add(new Views.RankedCandidate(rank++, r.entity(), now.graph().kind(r.entity()).name(), r.score(),
            List.of(), List.of(), List.of()));
      }
      return new Views.IncidentDetail(Views.Incident.of(inc), "published", published, List.of(), paths);
    }
    List<Views.Evidence> evidence = new ArrayList<>();
    for (ObservedSymptom o : diagnosis.symptoms()) {
      boolean explained = live.explains().contains(o.entity());
      List<String> path = explained ? live.paths().getOrDefault(o.entity(), List.of()) : List.of();
      evidence.add(new Views.Evidence(o.entity(), o.signal(), o.related(), sev(o.severity()), Views.iso(o.onset()),
          o.description(), explained, List.copyOf(path)));
    }
    evidence.sort(Comparator.comparing(Views.Evidence::onset).thenComparing(Views.Evidence::entity)
        .thenComparing(Views.Evidence::signal));
    return new Views.IncidentDetail(Views.Incident.of(inc), "live", ranked(diagnosis, now), evidence, paths);
  }

  @Override
  public Views.EntityHealth entity(String id) {
    validId("entity", id);
    DependencyGraph graph = graph();
    List<SymptomRecord> symptoms = activeSymptoms(id + "|");
    boolean monitored = state.get(CorrelationStage.MONITORED_STORE, id).isPresent();
    if (!graph.contains(id) && symptoms.isEmpty() && !monitored) {
      throw ApiException.notFound("no entity '" + id + "' in the topology, the symptoms or the monitored set");
    }
    List<String> openIncidents = new ArrayList<>();
    boolean root = false;
    boolean inBlastRadius = false;
    for (IncidentRecord inc : allIncidents()) {
      if (!inc.isOpen()) {
        continue;
      }
      boolean isRoot = id.equals(inc.rootCause());
      boolean touched = Views.list(inc.affected()).contains(id) || Views.list(inc.predictedAffected()).contains(id)
          || Views.list(inc.affectedApplications()).contains(id);
      if (isRoot || touched) {
        openIncidents.add(inc.id());
      }
      root |= isRoot;
      inBlastRadius |= touched;
    }
    String health = root ? "root-cause" : !symptoms.isEmpty() ? "symptomatic" : inBlastRadius ? "at-risk" : "healthy";
    List<Views.Symptom> active = symptoms.stream()
        .map(s -> new Views.Symptom(s.entity(), s.signal(), s.related(), s.severity(), Views.iso(s.onset()),
            Views.iso(s.eventTime()), s.description()))
        .toList();
    return new Views.EntityHealth(id, graph.kind(id).name(), graph.entityIds().contains(id), monitored, health,
        graph.labels(id), active, List.copyOf(graph.dependencies(id)), List.copyOf(graph.dependents(id)),
        openIncidents);
  }

  @Override
  public Views.RootCause rootCause(String id) {
    validId("entity", id);
    Snapshot now = snapshot();
    boolean symptomatic = now.active().stream().anyMatch(o -> o.entity().equals(id));
    if (!now.graph().contains(id) && !symptomatic) {
      throw ApiException.notFound("no entity '" + id + "' in the topology or the active symptoms");
    }
    for (Diagnosis d : now.diagnoses()) {
      List<Views.RankedCandidate> explaining = new ArrayList<>();
      Candidate best = null;
      for (Candidate c : d.ranked()) {
        if (c.entity().equals(id) || c.explains().contains(id)) {
          if (best == null) {
            best = c;
          }
          explaining.add(ranked(c, d.ranked().indexOf(c) + 1, now));
        }
      }
      if (best == null) {
        continue;
      }
      List<String> path = best.entity().equals(id) ? List.of(id)
          : List.copyOf(best.paths().getOrDefault(id, now.graphPath(id, best.entity())));
      String status = best.entity().equals(id) ? "root-cause" : "explained";
      return new Views.RootCause(id, status, best.entity(), now.graph().kind(best.entity()).name(), best.score(), path,
          List.copyOf(best.reasons()), openIncidentWithRoot(best.entity()),
          explaining.subList(1, explaining.size()));
    }
    for (Diagnosis d : now.diagnoses()) {
      for (Candidate c : d.ranked()) {
        if (c.predictedAffected().contains(id)) {
          return new Views.RootCause(id, "at-risk", c.entity(), now.graph().kind(c.entity()).name(), c.score(),
              now.graphPath(id, c.entity()), List.copyOf(c.reasons()), openIncidentWithRoot(c.entity()), List.of());
        }
      }
    }
    return new Views.RootCause(id, symptomatic ? "unexplained" : "healthy", null, null, null, List.of(), List.of(),
        null, List.of());
  }

  @Override
  public Views.Impact impact(String id) {
    validId("entity", id);
    DependencyGraph graph = graph();
    if (!graph.contains(id)) {
      throw ApiException.notFound("no entity '" + id + "' in the topology");
    }
    Set<String> affected = new TreeSet<>();
    for (SymptomRecord s : activeSymptoms("")) {
      affected.add(s.entity());
    }
    for (IncidentRecord inc : allIncidents()) {
      if (inc.isOpen()) {
        affected.addAll(Views.list(inc.affected()));
      }
    }
    // Breadth first over "what needs this": nearest dependents first, one shortest path each.
    Map<String, List<String>> paths = new LinkedHashMap<>();
    Deque<String> queue = new ArrayDeque<>();
    paths.put(id, List.of(id));
    queue.add(id);
    while (!queue.isEmpty()) {
      String at = queue.poll();
      for (String dependent : graph.dependents(at)) {
        if (!paths.containsKey(dependent)) {
          List<String> p = new ArrayList<>(paths.get(at));
          p.add(dependent);
          paths.put(dependent, List.copyOf(p));
          queue.add(dependent);
        }
      }
    }
    paths.remove(id);
    List<Views.ImpactEntry> transitive = new ArrayList<>();
    List<String> affectedNow = new ArrayList<>();
    paths.forEach((dependent, p) -> {
      boolean hit = affected.contains(dependent);
      transitive.add(new Views.ImpactEntry(dependent, graph.kind(dependent).name(), p.size() - 1, hit, p));
      if (hit) {
        affectedNow.add(dependent);
      }
    });
    return new Views.Impact(id, graph.kind(id).name(), List.copyOf(graph.dependents(id)), transitive, affectedNow);
  }

  // ---- reading the stores

  private List<IncidentRecord> allIncidents() {
    List<IncidentRecord> out = new ArrayList<>();
    for (StoreEntry e : state.scan(CorrelationStage.INCIDENT_STORE, "")) {
      out.add(read(e.value(), IncidentRecord.class));
    }
    return out;
  }

  private List<SymptomRecord> activeSymptoms(String prefix) {
    List<SymptomRecord> out = new ArrayList<>();
    for (StoreEntry e : state.scan(CorrelationStage.SYMPTOM_STORE, prefix)) {
      SymptomRecord s = read(e.value(), SymptomRecord.class);
      if (s.raised()) {
        out.add(s);
      }
    }
    return out;
  }

  private DependencyGraph graph() {
    DependencyGraph graph = new DependencyGraph();
    List<TopologyRecord> edges = new ArrayList<>();
    for (StoreEntry e : state.scan(CorrelationStage.TOPOLOGY_STORE, "")) {
      TopologyRecord t = read(e.value(), TopologyRecord.class);
      if (t.removed()) {
        continue;
      }
      if (t.entity() != null) {
        EntityRecord en = t.entity();
        graph.putEntity(en.id(), kind(en), en.minHealthy(), en.labels());
      } else if (t.from() != null && t.to() != null) {
        edges.add(t);
      }
    }
    edges.forEach(t -> graph.putDependency(t.from(), t.to()));
    return graph;
  }

  private static EntityKind kind(EntityRecord en) {
    if (en.kind() == null) {
      return io.faultline.schemas.EntityKinds.ofId(en.id());
    }
    try {
      return EntityKind.valueOf(en.kind().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException unknown) {
      return EntityKind.OTHER;
    }
  }

  private Snapshot snapshot() {
    DependencyGraph graph = graph();
    List<ObservedSymptom> active = new ArrayList<>();
    for (SymptomRecord s : activeSymptoms("")) {
      active.add(new ObservedSymptom(s.entity(), s.signal(), s.related(), severity(s.severity()), s.onset(),
          s.eventTime(), s.description()));
    }
    Set<String> monitored = new TreeSet<>();
    state.scan(CorrelationStage.MONITORED_STORE, "").forEach(e -> monitored.add(e.key()));
    List<Diagnosis> diagnoses = analyzer.analyze(graph, active, monitored, System.currentTimeMillis());
    return new Snapshot(graph, active, diagnoses);
  }

  private String openIncidentWithRoot(String root) {
    return allIncidents().stream().filter(i -> i.isOpen() && root.equals(i.rootCause()))
        .max(Comparator.comparingLong(IncidentRecord::updatedAt)).map(IncidentRecord::id).orElse(null);
  }

  private static List<Views.RankedCandidate> ranked(Diagnosis d, Snapshot now) {
    List<Views.RankedCandidate> out = new ArrayList<>();
    for (int i = 0; i < d.ranked().size(); i++) {
      out.add(ranked(d.ranked().get(i), i + 1, now));
    }
    return out;
  }

  private static Views.RankedCandidate ranked(Candidate c, int rank, Snapshot now) {
    return new Views.RankedCandidate(rank, c.entity(), now.graph().kind(c.entity()).name(), c.score(),
        List.copyOf(c.explains()), List.copyOf(c.predictedAffected()), List.copyOf(c.reasons()));
  }

  private static Severity severity(String s) {
    try {
      return s == null ? Severity.UNKNOWN : Severity.valueOf(s);
    } catch (IllegalArgumentException e) {
      return Severity.UNKNOWN;
    }
  }

  private static String sev(Severity s) {
    return s == null ? Severity.UNKNOWN.name() : s.name();
  }

  private static <T> T read(JsonNode node, Class<T> type) {
    try {
      return Json.MAPPER.treeToValue(node, type);
    } catch (JsonProcessingException e) {
      throw ApiException.internal("cannot read a " + type.getSimpleName() + " from the store: " + e.getMessage(), e);
    }
  }

  /** The state of the correlation task at one read, and the analysis of it. */
  private record Snapshot(DependencyGraph graph, List<ObservedSymptom> active, List<Diagnosis> diagnoses) {

    /** A shortest dependency path [to, ..., from] (cause first) from {@code from} down to {@code to}, or empty. */
    List<String> graphPath(String from, String to) {
      Map<String, String> parent = new HashMap<>();
      Deque<String> queue = new ArrayDeque<>();
      Set<String> seen = new LinkedHashSet<>();
      queue.add(from);
      seen.add(from);
      while (!queue.isEmpty()) {
        String at = queue.poll();
        if (at.equals(to)) {
          List<String> path = new ArrayList<>();
          for (String n = to; n != null; n = parent.get(n)) {
            path.add(n);
          }
          return List.copyOf(path);
        }
        for (String dep : graph.dependencies(at)) {
          if (seen.add(dep)) {
            parent.put(dep, at);
            queue.add(dep);
          }
        }
      }
      return List.of();
    }
  }
}
