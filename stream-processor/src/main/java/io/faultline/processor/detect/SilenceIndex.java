package io.faultline.processor.detect;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tracked, not silent entities of a task by the time each becomes overdue. In memory only: it
 * is derived from the presences in {@code detect-state} and rebuilt from them when the task starts,
 * so it needs no changelog of its own (it moved with every sample: a delete and a put per sample).
 *
 * <p>Every sample moves its entity's deadline, so the index is grouped by the second of the
 * deadline: a move is a lookup among the few dozen seconds of deadlines ahead and two hash
 * operations, not a search among every entity of the task.
 */
final class SilenceIndex {

  private static final long BUCKET_MS = 1_000;

  /** Due entities by deadline, then by the UTF-8 bytes of their id (the order the index always had). */
  private static final Comparator<Due> ORDER = Comparator.comparingLong(Due::deadline)
      .thenComparing((a, b) -> Arrays.compareUnsigned(
          a.entity().getBytes(StandardCharsets.UTF_8), b.entity().getBytes(StandardCharsets.UTF_8)));

  /** An entity that is due: it became overdue at {@code deadline}. */
  record Due(long deadline, String entity) {}

  /** Second of the deadline -> entity -> deadline. */
  private final TreeMap<Long, Map<String, Long>> buckets = new TreeMap<>();

  void add(long deadline, String entity) {
    buckets.computeIfAbsent(Math.floorDiv(deadline, BUCKET_MS), b -> new HashMap<>()).put(entity, deadline);
  }

  void remove(long deadline, String entity) {
    long bucket = Math.floorDiv(deadline, BUCKET_MS);
    Map<String, Long> b = buckets.get(bucket);
    if (b != null) {
      Long d = b.get(entity);
      if (d != null && d == deadline) {
        b.remove(entity);
        if (b.isEmpty()) {
          buckets.remove(bucket);
        }
      }
    }
  }

  void clear() {
    buckets.clear();
  }

  /** Removes and returns the entries with {@code from <= deadline <= to}, by deadline, then entity. */
  List<Due> takeDue(long from, long to) {
    if (from > to) {
      return List.of();
    }
    List<Due> due = new ArrayList<>();
    Iterator<Map.Entry<Long, Map<String, Long>>> it =
        buckets.subMap(Math.floorDiv(from, BUCKET_MS), true, Math.floorDiv(to, BUCKET_MS), true).entrySet().iterator();
    while (it.hasNext()) {
      Map<String, Long> bucket = it.next().getValue();
      Iterator<Map.Entry<String, Long>> entries = bucket.entrySet().iterator();
      while (entries.hasNext()) {
        Map.Entry<String, Long> e = entries.next();
        if (e.getValue() >= from && e.getValue() <= to) {
          due.add(new Due(e.getValue(), e.getKey()));
          entries.remove();
        }
      }
      if (bucket.isEmpty()) {
        it.remove();
      }
    }
    due.sort(ORDER);
    return due;
  }
}
