package io.faultline.processor.correlate;

import io.faultline.common.EntityKind;
import io.faultline.processor.analysis.GraphView;
import io.faultline.processor.correlate.StateRecords.EntityState;
import io.faultline.processor.correlate.StateRecords.TopologyChange;
import io.faultline.schemas.EntityKinds;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The dependency graph as of the current tick: an in-memory index the analysis reads through
 * {@link GraphView}. The persistent truth is the correlator's topology store; this index is
 * rebuilt from it when the task starts. Sorted collections keep every traversal deterministic.
 */
public final class TopologyGraph implements GraphView {

  private final Map<String, EntityState> entities = new TreeMap<>();
  private final Map<String, SortedSet<String>> dependencies = new TreeMap<>();
  private final Map<String, SortedSet<String>> dependents = new TreeMap<>();

  /** Applies one change; returns the store keys it deleted (edges of a removed entity) so they can be persisted. */
  Set<String> apply(TopologyChange change) {
    Set<String> removedKeys = new TreeSet<>();
    if (change.entity() != null) {
      String id = change.entity().id();
      if (change.removed()) {
        entities.remove(id);
        for (String to : Set.copyOf(dependencies.getOrDefault(id, Collections.emptySortedSet()))) {
          removeEdge(id, to);
          removedKeys.add(new TopologyChange(null, id, to, true).key());
        }
        for (String from : Set.copyOf(dependents.getOrDefault(id, Collections.emptySortedSet()))) {
          removeEdge(from, id);
          removedKeys.add(new TopologyChange(null, from, id, true).key());
        }
      } else {
        entities.put(id, change.entity());
      }
    } else if (change.removed()) {
      removeEdge(change.from(), change.to());
    } else {
      dependencies.computeIfAbsent(change.from(), k -> new TreeSet<>()).add(change.to());
      dependents.computeIfAbsent(change.to(), k -> new TreeSet<>()).add(change.from());
    }
    return removedKeys;
  }

  private void removeEdge(String from, String to) {
    SortedSet<String> out = dependencies.get(from);
    if (out != null && out.remove(to) && out.isEmpty()) {
      dependencies.remove(from);
    }
    SortedSet<String> in = dependents.get(to);
    if (in != null && in.remove(from) && in.isEmpty()) {
      dependents.remove(to);
    }
  }

  public Set<String> entities() {
    Set<String> all = new TreeSet<>(entities.keySet());
    all.addAll(dependencies.keySet());
    all.addAll(dependents.keySet());
    return all;
  }

  @Override
  public boolean contains(String id) {
    return entities.containsKey(id) || dependencies.containsKey(id) || dependents.containsKey(id);
  }

  @Override
  public EntityKind kind(String id) {
    EntityState e = entities.get(id);
    if (e != null && e.kind() != null) {
      try {
        return EntityKind.valueOf(e.kind());
      } catch (IllegalArgumentException unknown) {
        return EntityKind.OTHER;
      }
    }
    return EntityKinds.ofId(id);
  }

  @Override
  public Integer minHealthy(String id) {
    EntityState e = entities.get(id);
    return e == null ? null : e.minHealthy();
  }

  @Override
  public Map<String, String> labels(String id) {
    EntityState e = entities.get(id);
    return e == null || e.labels() == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(e.labels()));
  }

  @Override
  public Set<String> dependencies(String id) {
    return Collections.unmodifiableSet(dependencies.getOrDefault(id, Collections.emptySortedSet()));
  }

  @Override
  public Set<String> dependents(String id) {
    return Collections.unmodifiableSet(dependents.getOrDefault(id, Collections.emptySortedSet()));
  }
}
