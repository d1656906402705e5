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
 * The tracked, not silent entities of a task, each registered under one deadline: the time it
 * becomes overdue unless a sample arrives first. In memory only: it is derived from the presences
 * in {@code detect-state} and rebuilt from them when the task starts, so it needs no changelog of
 * its own.
 *
 * <p>A registration may be earlier than the entity's real deadline, never later. A sample moves
 * the real deadline on but leaves the registration where it is; the detector re-registers an
 * entity when its registration comes due and it has reported since ({@code
 * SymptomDetectorProcessor#watermark}). So the index is touched about once per silence allowance
 * (30 s) per entity instead of twice per sample; only a deadline that moves earlier (a shorter
 * interval, a fresh sample after a restore) is re-registered at once.
 */
final class SilenceIndex {

  private static final long BUCKET_MS = 1_000;

  /** Due entities by deadline, then by the UTF-8 bytes of their id (the order the index always had). */
  static final Comparator<Due> ORDER = Comparator.comparingLong(Due::deadline)
      .thenComparing((a, b) -> Arrays.compareUnsigned(
          a.entity().getBytes(StandardCharsets.UTF_8), b.entity().getBytes(StandardCharsets.UTF_8)));

  /** An entity that is due: it became overdue at {@code deadline}. */
  record Due(long deadline, String entity) {}

  /** Second of the deadline -> entity -> deadline. */
  private final TreeMap<Long, Map<String, Long>> buckets = new TreeMap<>();
  /** Entity -> its registered deadline. */
  private final Map<String, Long> registered = new HashMap<>();

  /** Registers the entity under {@code deadline}, replacing its registration if it has one. */
  void put(long deadline, String entity) {
    Long old = registered.put(entity, deadline);
    if (old != null) {
      if (old == deadline) {
        return;
      }
      long bucket = Math.floorDiv(old, BUCKET_MS);
      Map<String, Long> b = buckets.get(bucket);
      b.remove(entity);
      if (b.isEmpty()) {
        buckets.remove(bucket);
      }
    }
    buckets.computeIfAbsent(Math.floorDiv(deadline, BUCKET_MS), b -> new HashMap<>()).put(entity, deadline);
  }

  /** The deadline the entity is registered under, null if it is not. */
  Long registered(String entity) {
    return registered.get(entity);
  }

  int size() {
    return registered.size();
  }

  void clear() {
    buckets.clear();
    registered.clear();
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
          registered.remove(e.getKey());
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
