package io.faultline.processor.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.faultline.common.EntityKind;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DependencyGraphTest {

  @Test
  void shouldCountEntitiesAndEdgesWhenTheyAreAddedAndRemoved() {
    DependencyGraph g = new DependencyGraph();
    g.putEntity("app:a", EntityKind.APPLICATION, null, Map.of());
    g.putEntity("vm:1", EntityKind.VM, null, Map.of());
    g.putEntity("vm:1", EntityKind.VM, null, Map.of("site", "b"));
    g.putDependency("app:a", "vm:1");
    g.putDependency("app:a", "vm:1");
    g.putDependency("vm:1", "host:1");
    g.putDependency("app:b", "vm:1");
    assertEquals(2, g.entityCount());
    assertEquals(3, g.dependencyCount());

    g.removeDependency("app:a", "vm:1");
    g.removeDependency("app:a", "vm:1");
    assertEquals(2, g.dependencyCount(), "removing a missing edge changes nothing");

    // vm:1 -> host:1 and app:b -> vm:1 go with it.
    g.removeEntity("vm:1");
    assertEquals(1, g.entityCount());
    assertEquals(0, g.dependencyCount());
  }

  @Test
  void shouldCountASelfLoopOnceWhenItsEntityIsRemoved() {
    DependencyGraph g = new DependencyGraph();
    g.putEntity("vm:1", EntityKind.VM, null, Map.of());
    g.putDependency("vm:1", "vm:1");
    g.putDependency("vm:1", "host:1");
    assertEquals(2, g.dependencyCount());
    g.removeEntity("vm:1");
    assertEquals(0, g.dependencyCount());
  }
}
