package io.faultline.probe.topology;

import io.faultline.common.EntityKind;
import io.faultline.schemas.EntityKinds;
import io.faultline.schemas.scenario.ScenarioReader;
import io.faultline.topology.Dependency;
import io.faultline.topology.Entity;
import io.faultline.topology.TopologyEvent;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * An operator's inventory file: the entities and dependencies probes cannot discover, in the
 * scenario format's vocabulary.
 *
 * <pre>
 * source: inventory:site-a        # optional; default inventory:FILE-NAME
 * entities:
 *   - {id: pool:web, kind: pool, minHealthy: 2, labels: {site: a}}
 * depends:
 *   - {from: app:checkout, to: pool:web}
 * </pre>
 *
 * <p>Parsed into the topology events it declares, keyed as on the topology topic; a bad file
 * raises {@link InventoryException} naming the file, the item and the reason.
 */
public final class Inventory {

  private final String source;
  private final Map<String, TopologyEvent> events;

  private Inventory(String source, Map<String, TopologyEvent> events) {
    this.source = source;
    this.events = events;
  }

  /** The {@code source} every event of this inventory carries; removals are computed per source. */
  public String source() {
    return source;
  }

  /** Declared events by topology key (entity id or {@code FROM -> TO}), in file order. */
  public Map<String, TopologyEvent> events() {
    return events;
  }

  public static Inventory load(Path file, String sourceOverride, Instant time) {
    Object doc;
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
    } catch (IOException e) {
      throw new InventoryException(file + ": cannot read: " + e.getMessage());
    } catch (YAMLException e) {
      throw new InventoryException(file + ": not valid YAML: " + e.getMessage().replace('\n', ' '));
    }
    if (!(doc instanceof Map<?, ?> top)) {
      throw new InventoryException(file + ": the top level must be a map with 'entities' and/or 'depends'");
    }
    for (Object k : top.keySet()) {
      if (!Set.of("source", "entities", "depends").contains(String.valueOf(k))) {
        throw new InventoryException(file + ": unknown section '" + k + "' (allowed: source, entities, depends)");
      }
    }
    String source = sourceOverride != null ? sourceOverride
        : top.get("source") != null ? String.valueOf(top.get("source")) : "inventory:" + file.getFileName();
    Map<String, TopologyEvent> events = new LinkedHashMap<>();
    List<?> entities = list(file, top, "entities");
    for (int i = 0; i < entities.size(); i++) {
      String where = file + ": entities[" + i + "]";
      Map<?, ?> m = map(where, entities.get(i), Set.of("id", "kind", "minHealthy", "labels"));
      String id = text(where, m, "id");
      if (id.indexOf(':') <= 0 || id.endsWith(":")) {
        throw new InventoryException(where + ".id: '" + id + "' is not an entity id (kind-prefix:name)");
      }
      EntityKind kind;
      try {
        kind = EntityKinds.parse(text(where, m, "kind"));
      } catch (IllegalArgumentException e) {
        throw new InventoryException(where + ".kind: " + e.getMessage());
      }
      EntityKind implied = EntityKinds.ofId(id);
      if (implied != EntityKind.OTHER && implied != kind) {
        throw new InventoryException(where + ": id '" + id + "' names a " + EntityKinds.name(implied)
            + " but kind is " + EntityKinds.name(kind));
      }
      Entity.Builder e = Entity.newBuilder().setId(id).setKind(kind).setLabels(labels(where, m));
      if (m.get("minHealthy") != null) {
        Object v = m.get("minHealthy");
        if (!(v instanceof Integer n) || n < 0) {
          throw new InventoryException(where + ".minHealthy: must be a whole number >= 0, got " + v);
        }
        e.setMinHealthy(n);
      }
      if (events.containsKey(id)) {
        throw new InventoryException(where + ": entity '" + id + "' is declared twice");
      }
      events.put(id, TopologyEvent.newBuilder().setEventTime(time).setEntity(e.build()).setRemoved(false)
          .setSource(source).build());
    }
    List<?> depends = list(file, top, "depends");
    for (int i = 0; i < depends.size(); i++) {
      String where = file + ": depends[" + i + "]";
      Map<?, ?> m = map(where, depends.get(i), Set.of("from", "to"));
      String from = text(where, m, "from");
      String to = text(where, m, "to");
      if (from.equals(to)) {
        throw new InventoryException(where + ": an entity cannot depend on itself: " + from);
      }
      String key = ScenarioReader.edgeKey(from, to);
      if (events.containsKey(key)) {
        throw new InventoryException(where + ": dependency '" + key + "' is declared twice");
      }
      events.put(key, TopologyEvent.newBuilder().setEventTime(time).setDependency(new Dependency(from, to))
          .setRemoved(false).setSource(source).build());
    }
    return new Inventory(source, events);
  }

  private static List<?> list(Path file, Map<?, ?> top, String section) {
    Object v = top.get(section);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> l)) {
      throw new InventoryException(file + ": '" + section + "' must be a list");
    }
    return l;
  }

  private static Map<?, ?> map(String where, Object v, Set<String> allowed) {
    if (!(v instanceof Map<?, ?> m)) {
      throw new InventoryException(where + ": must be a map, got " + v);
    }
    for (Object k : m.keySet()) {
      if (!allowed.contains(String.valueOf(k))) {
        throw new InventoryException(where + ": unknown field '" + k + "' (allowed: " + String.join(", ", allowed) + ")");
      }
    }
    return m;
  }

  private static String text(String where, Map<?, ?> m, String field) {
    Object v = m.get(field);
    if (!(v instanceof String s) || s.isBlank()) {
      throw new InventoryException(where + "." + field + ": must be a non-empty string, got " + v);
    }
    return s.trim();
  }

  private static Map<String, String> labels(String where, Map<?, ?> m) {
    Object v = m.get("labels");
    Map<String, String> out = new LinkedHashMap<>();
    if (v == null) {
      return out;
    }
    if (!(v instanceof Map<?, ?> l)) {
      throw new InventoryException(where + ".labels: must be a map of strings");
    }
    l.forEach((k, val) -> out.put(String.valueOf(k), String.valueOf(val)));
    return out;
  }
}
