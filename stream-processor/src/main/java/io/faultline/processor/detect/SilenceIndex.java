package io.faultline.processor.detect;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The tracked, not silent entities of a task by the time each becomes overdue. In memory only: it
 * is derived from the presences in {@code detect-state} and rebuilt from them when the task starts,
 * so it needs no changelog of its own (it moved with every sample: a delete and a put per sample).
 */
final class SilenceIndex {

  /** Within one deadline, entities in the order of their UTF-8 bytes (the order the index always had). */
  private static final Comparator<String> UTF8_ORDER =
      (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  /** An entity that is due: it became overdue at {@code deadline}. */
  record Due(long deadline, String entity) {}

  private final TreeMap<Long, Set<String>> byDeadline = new TreeMap<>();

  void add(long deadline, String entity) {
    byDeadline.computeIfAbsent(deadline, d -> new HashSet<>(2)).add(entity);
  }

  void remove(long deadline, String entity) {
    Set<String> s = byDeadline.get(deadline);
    if (s != null && s.remove(entity) && s.isEmpty()) {
      byDeadline.remove(deadline);
    }
  }

  void clear() {
    byDeadline.clear();
  }

  /** Removes and returns the entries with {@code from <= deadline <= to}, by deadline, then entity. */
  List<Due> takeDue(long from, long to) {
    if (from > to) {
      return List.of();
    }
    NavigableMap<Long, Set<String>> range = byDeadline.subMap(from, true, to, true);
    List<Due> due = new ArrayList<>();
    for (Map.Entry<Long, Set<String>> e : range.entrySet()) {
      List<String> entities = new ArrayList<>(e.getValue());
      entities.sort(UTF8_ORDER);
      for (String entity : entities) {
        due.add(new Due(e.getKey(), entity));
      }
    }
    range.clear();
    return due;
  }
}
