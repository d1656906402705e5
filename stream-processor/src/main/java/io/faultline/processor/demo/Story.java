package io.faultline.processor.demo;

import io.faultline.correlation.CandidateRef;
import io.faultline.correlation.Incident;
import io.faultline.correlation.IncidentState;
import io.faultline.correlation.Symptom;
import io.faultline.correlation.SymptomState;
import io.faultline.schemas.Topics;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns what the pipeline publishes into the demo's readable lines: symptoms as a compact count of
 * symptomatic entities per layer (with what is new or cleared), every incident change with its root
 * cause, score, applications, top candidates and summary. It also remembers what an outcome check
 * needs: which entities were ranked first in an incident, and whether every incident has resolved.
 *
 * <p>Feed it records in roughly event-time order from one thread; {@link #flushSymptoms()} prints a
 * symptom line only when the per-layer counts changed since the last one, so a burst of changes is
 * one line.
 */
final class Story {

  static final int WIDTH = 100;
  private static final String INDENT = " ".repeat(19);
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
  /** Layers top-down, by entity id prefix (FORMAT.md: {@code kind-prefix:name}). */
  private static final Map<String, String> LAYERS = new LinkedHashMap<>();

  static {
    LAYERS.put("app", "applications");
    LAYERS.put("svc", "services");
    LAYERS.put("service", "services");
    LAYERS.put("pool", "pools");
    LAYERS.put("dns-name", "DNS names");
    LAYERS.put("dns-resolver", "DNS resolvers");
    LAYERS.put("vm", "VMs");
    LAYERS.put("host", "hosts");
    LAYERS.put("nic", "NICs");
    LAYERS.put("switch", "switches");
    LAYERS.put("datastore", "datastores");
    LAYERS.put("disk-array", "disk arrays");
    LAYERS.put("disk", "disks");
  }

  private final PrintStream out;
  /** Active symptoms per entity: signal + related. */
  private final Map<String, Set<String>> active = new HashMap<>();
  private final Set<String> raisedSinceLine = new LinkedHashSet<>();
  private final Set<String> clearedSinceLine = new LinkedHashSet<>();
  private Map<String, Integer> printedCounts = Map.of();
  private Instant symptomClock;
  private boolean firstSymptomShown;
  private final Map<String, Incident> incidents = new LinkedHashMap<>();
  private final Set<String> rankedFirst = new LinkedHashSet<>();
  private final Set<String> applications = new LinkedHashSet<>();
  private final Map<String, Long> deadLetters = new TreeMap<>();
  private volatile long liveSince = -1;

  Story(PrintStream out) {
    this.out = out;
  }

  /** From now on lines show wall-clock seconds since this moment (the live replay's start). */
  synchronized void liveFrom(long nanoTime) {
    liveSince = nanoTime;
  }

  synchronized void onSymptom(Symptom s) {
    String key = s.getSignal() + (s.getRelated() == null ? "" : "@" + s.getRelated());
    Set<String> signals = active.computeIfAbsent(s.getEntity(), e -> new HashSet<>());
    boolean wasSymptomatic = !signals.isEmpty();
    if (s.getState() == SymptomState.RAISED) {
      signals.add(key);
      if (!wasSymptomatic) {
        clearedSinceLine.remove(s.getEntity());
        raisedSinceLine.add(s.getEntity());
      }
      if (!firstSymptomShown) {
        firstSymptomShown = true;
        line(s.getEventTime(), "first symptom: " + s.getEntity() + " " + s.getSignal() + " (" + s.getDescription() + ")");
      }
    } else {
      signals.remove(key);
      if (signals.isEmpty()) {
        active.remove(s.getEntity());
        if (wasSymptomatic && !raisedSinceLine.remove(s.getEntity())) {
          clearedSinceLine.add(s.getEntity());
        }
      }
    }
    symptomClock = s.getEventTime();
  }

  /** Prints one symptom line if the count of symptomatic entities per layer changed. */
  synchronized void flushSymptoms() {
    Map<String, Integer> counts = layerCounts(active.keySet());
    if (counts.equals(printedCounts) && raisedSinceLine.isEmpty() && clearedSinceLine.isEmpty()) {
      return;
    }
    StringBuilder b = new StringBuilder("symptoms   ");
    if (counts.isEmpty()) {
      b.append("none active");
    } else {
      List<String> parts = new ArrayList<>();
      counts.forEach((layer, n) -> parts.add(n + " " + (n == 1 ? singular(layer) : layer)));
      b.append(String.join(", ", parts));
    }
    if (!raisedSinceLine.isEmpty()) {
      b.append("   new: ").append(list(raisedSinceLine, 4));
    }
    if (!clearedSinceLine.isEmpty()) {
      b.append("   cleared: ").append(list(clearedSinceLine, 4));
    }
    line(symptomClock, b.toString());
    printedCounts = counts;
    raisedSinceLine.clear();
    clearedSinceLine.clear();
  }

  synchronized void onIncident(Incident i) {
    flushSymptoms();
    incidents.put(i.getId(), i);
    if (i.getState() != IncidentState.RESOLVED) {
      rankedFirst.add(i.getRootCause());
    }
    applications.addAll(i.getAffectedApplications());
    String kind = i.getRootCauseKind().name().toLowerCase(Locale.ROOT).replace('_', '-');
    line(i.getUpdatedAt(), "INCIDENT " + i.getState() + "  " + i.getId() + "  (" + i.getSeverity().name()
        .toLowerCase(Locale.ROOT) + ", version " + i.getVersion() + ")");
    field("root cause", i.getRootCause() + " (" + kind + "), score " + score(i.getScore()));
    boolean resolved = i.getState() == IncidentState.RESOLVED;
    String apps = i.getAffectedApplications().isEmpty() ? (resolved ? "none failed" : "none failing yet")
        : String.join(", ", i.getAffectedApplications()) + (resolved ? " were affected" : " failing");
    if (!resolved && !i.getPredictedAffected().isEmpty()) {
      apps += "; at risk (depend on it, checks still pass): " + String.join(", ", i.getPredictedAffected());
    }
    field("applications", apps);
    List<String> top = new ArrayList<>();
    for (CandidateRef c : i.getCandidates()) {
      if (top.size() == 3) {
        break;
      }
      // No-break spaces keep one candidate on one line when wrapped.
      top.add(c.getRank() + ".\u00a0" + c.getEntity() + "\u00a0" + score(c.getScore()));
    }
    field("candidates", top.isEmpty() ? "(none published)" : String.join("\u00a0\u00a0 ", top));
    field("summary", i.getSummary());
  }

  /** A record the pipeline could not use: worth a line, it is data the story is missing. */
  synchronized void onDeadLetter(Instant time, String reason, String sourceTopic) {
    deadLetters.merge(reason, 1L, Long::sum);
    if (deadLetters.values().stream().mapToLong(Long::longValue).sum() <= 3) {
      line(time, "dead letter: a record of " + sourceTopic + " (" + reason + ") went to " + Topics.DEAD_LETTER);
    }
  }

  /** Dead letters per reason. */
  synchronized Map<String, Long> deadLetters() {
    return Map.copyOf(deadLetters);
  }

  /** Entities that were the root (rank 1) of an open incident at some point. */
  synchronized Set<String> rankedFirst() {
    return Set.copyOf(rankedFirst);
  }

  /** The root cause the first incident names now (its latest version), or null before any incident. */
  synchronized String firstIncidentRoot() {
    return incidents.values().stream().findFirst().map(Incident::getRootCause).orElse(null);
  }

  /** The first application an incident reported failing, or null. */
  synchronized String firstApplication() {
    return applications.stream().findFirst().orElse(null);
  }

  synchronized int incidentCount() {
    return incidents.size();
  }

  /** Ids of incidents seen, in order of first appearance. */
  synchronized List<String> incidentIds() {
    return List.copyOf(incidents.keySet());
  }

  /** At least one incident, every incident resolved, and each of {@code roots} ranked first in one. */
  synchronized boolean complete(Collection<String> roots) {
    return !incidents.isEmpty()
        && incidents.values().stream().allMatch(i -> i.getState() == IncidentState.RESOLVED)
        && rankedFirst.containsAll(roots);
  }

  private void field(String name, String text) {
    String label = String.format("%-13s", name);
    List<String> wrapped = wrap(text, WIDTH - INDENT.length() - label.length());
    for (int n = 0; n < wrapped.size(); n++) {
      out.println(INDENT + (n == 0 ? label : " ".repeat(label.length())) + wrapped.get(n).replace('\u00a0', ' ').stripTrailing());
    }
  }

  private void line(Instant eventTime, String text) {
    String clock = eventTime == null ? "--:--:--" : CLOCK.format(eventTime);
    long since = liveSince;
    String wall = since < 0 ? "       " : String.format("%+6.1fs", (System.nanoTime() - since) / 1e9);
    out.println("  " + clock + " " + wall + "  " + text);
  }

  static Map<String, Integer> layerCounts(Collection<String> entities) {
    Map<String, Integer> byLayer = new TreeMap<>();
    for (String e : entities) {
      byLayer.merge(layer(e), 1, Integer::sum);
    }
    // Top-down order of the estate, unknown kinds last.
    Map<String, Integer> ordered = new LinkedHashMap<>();
    for (String layer : new LinkedHashSet<>(LAYERS.values())) {
      Integer n = byLayer.remove(layer);
      if (n != null) {
        ordered.put(layer, n);
      }
    }
    ordered.putAll(byLayer);
    return ordered;
  }

  static String layer(String entity) {
    int colon = entity.indexOf(':');
    String prefix = colon < 0 ? "other" : entity.substring(0, colon);
    return LAYERS.getOrDefault(prefix, prefix);
  }

  private static String singular(String layer) {
    return switch (layer) {
      case "switches" -> "switch";
      case "DNS names", "DNS resolvers", "applications", "services", "pools", "VMs", "hosts", "NICs", "datastores",
          "disk arrays", "disks" -> layer.substring(0, layer.length() - 1);
      default -> layer;
    };
  }

  private static String list(Collection<String> items, int max) {
    List<String> shown = items.stream().limit(max).toList();
    String s = String.join(", ", shown);
    return items.size() > max ? s + " +" + (items.size() - max) + " more" : s;
  }

  static String score(double s) {
    return String.format(Locale.ROOT, "%.2f", s);
  }

  /** Greedy word wrap; a word longer than the width gets a line of its own. */
  static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String word : text.trim().split("\\s+")) {
      if (cur.length() > 0 && cur.length() + 1 + word.length() > width) {
        lines.add(cur.toString());
        cur.setLength(0);
      }
      if (cur.length() > 0) {
        cur.append(' ');
      }
      cur.append(word);
    }
    if (cur.length() > 0 || lines.isEmpty()) {
      lines.add(cur.toString());
    }
    return lines;
  }
}
