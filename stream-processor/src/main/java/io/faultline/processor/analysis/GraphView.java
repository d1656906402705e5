package io.faultline.processor.analysis;

import io.faultline.common.EntityKind;
import java.util.Map;
import java.util.Set;

/** The dependency topology as of one instant, as the analysis sees it. */
public interface GraphView {

  boolean contains(String id);

  /** The declared kind, or the kind the id's prefix implies for an undeclared entity. */
  EntityKind kind(String id);

  /** Any-of threshold of the entity (pools), or null when it needs all of its dependencies. */
  Integer minHealthy(String id);

  Map<String, String> labels(String id);

  /** What {@code id} needs ({@code depends from=id to=...}). */
  Set<String> dependencies(String id);

  /** What needs {@code id}. */
  Set<String> dependents(String id);
}
