package io.faultline.processor.analysis;

import io.faultline.common.EntityKind;
import io.faultline.schemas.EntityKinds;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The dependency topology in memory, indexed both ways. The correlation task keeps one, applying
 * topology changes as their event time passes; the analysis reads it through {@link GraphView}.
 * Sorted sets keep every walk over it in a stable order, which keeps results deterministic.
 */
public final class DependencyGraph implements GraphView {

  private record Info(EntityKind kind, Integer minHealthy, Map<String, String> labels) {}

  private final Map<String, Info> entities = new HashMap<>();
  private final Map<String, Set<String>> dependencies = new HashMap<>();
  private final Map<String, Set<String>> dependents = new HashMap<>();
  /** Edges, counted as they change: a gauge reads it from another thread, so no walk over the maps. */
  private volatile int dependencyCount;
  private volatile int entityCount;

  public void putEntity(String id, EntityKind kind, Integer minHealthy, Map<String, String> labels) {
    entities.put(id, new Info(kind, minHealthy, labels == null ? Map.of() : Map.copyOf(labels)));
    entityCount = entities.size();
  }

  /** Removes the entity and every edge touching it. */
  public void removeEntity(String id) {
    entities.remove(id);
    entityCount = entities.size();
    int removed = 0;
    for (String to : dependencies.getOrDefault(id, Set.of())) {
      dependents.getOrDefault(to, new TreeSet<>()).remove(id);
      removed++;
    }
    for (String from : dependents.getOrDefault(id, Set.of())) {
      if (!from.equals(id) && dependencies.getOrDefault(from, new TreeSet<>()).remove(id)) {
        removed++;
      }
    }
    dependencyCount -= removed;
    dependencies.remove(id);
    dependents.remove(id);
  }

  public void putDependency(String from, String to) {
    if (dependencies.computeIfAbsent(from, k -> new TreeSet<>()).add(to)) {
      dependencyCount++;
    }
    dependents.computeIfAbsent(to, k -> new TreeSet<>()).add(from);
  }

  public void removeDependency(String from, String to) {
    Set<String> out = dependencies.get(from);
    if (out != null && out.remove(to)) {
      dependencyCount--;
    }
    Set<String> in = dependents.get(to);
    if (in != null) {
      in.remove(from);
    }
  }

  public int entityCount() {
    return entityCount;
  }

  /** Dependency edges (from -> to) in the graph. */
  public int dependencyCount() {
    return dependencyCount;
  }

  public Set<String> entityIds() {
    return Collections.unmodifiableSet(entities.keySet());
  }

  @Override
  public boolean contains(String id) {
    return entities.containsKey(id) || dependencies.containsKey(id) || dependents.containsKey(id);
  }

  @Override
  public EntityKind kind(String id) {
    Info info = entities.get(id);
    return info != null ? info.kind() : EntityKinds.ofId(id);
  }

  @Override
  public Integer minHealthy(String id) {
    Info info = entities.get(id);
    return info == null ? null : info.minHealthy();
  }

  @Override
  public Map<String, String> labels(String id) {
    Info info = entities.get(id);
    return info == null ? Map.of() : info.labels();
  }

  @Override
  public Set<String> dependencies(String id) {
    Set<String> s = dependencies.get(id);
    return s == null ? Set.of() : Collections.unmodifiableSet(s);
  }

  @Override
  public Set<String> dependents(String id) {
    Set<String> s = dependents.get(id);
    return s == null ? Set.of() : Collections.unmodifiableSet(s);
  }
}
