package io.faultline.processor.correlate;

import io.faultline.common.EntityKind;
import io.faultline.common.Severity;
import io.faultline.processor.analysis.Candidate;
import io.faultline.processor.analysis.Diagnosis;
import io.faultline.processor.analysis.GraphView;
import io.faultline.processor.correlate.StateRecords.IncidentState;
import io.faultline.processor.correlate.StateRecords.PendingDiagnosis;
import io.faultline.processor.correlate.StateRecords.RankedEntity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32;

/**
 * The incident lifecycle: turns the diagnoses of one evaluated tick into incident changes.
 *
 * <ul>
 *   <li>One incident per root cause: a diagnosis continues the open incident with the same rank-1
 *       candidate, or else the one whose symptomatic set overlaps it most, so a root that moves
 *       deeper as evidence arrives stays the same incident.
 *   <li>A new diagnosis must persist {@code openAfterMs} (WARNING-only evidence:
 *       {@code openAfterWarningMs}) of event time before it opens an incident: false incidents
 *       cost more than a few seconds of delay.
 *   <li>The recovery tail belongs to the incident: a root usually recovers before its victims'
 *       detectors clear, so a diagnosis made only of entities the incident already covers is
 *       absorbed by it (no new incident, no move of the root back up to a victim) and keeps it open.
 *   <li>A new diagnosis that ranks an open incident's root as a strong candidate (score at least
 *       {@code mergeMinScore} and at least {@link #MERGE_SHARE_OF_TOP} of the diagnosis's best) is
 *       taken as that fault's late effect, not a second fault.
 *   <li>UPDATED only when what an operator sees changes: root, order of the top 3 candidates, affected sets or
 *       severity; not when scores drift.
 *   <li>An open incident whose whole episode is now part of a diagnosis continuing another open
 *       incident under a different root is RESOLVED as merged into it, with that diagnosis's
 *       ranking: it opened on a fault's first symptoms before the evidence naming the root arrived.
 *   <li>RESOLVED once the incident's diagnosis has been absent {@code resolveAfterMs}; a
 *       confirmed diagnosis with the same root within {@code reopenWindowMs} after that reopens
 *       the same incident (UPDATED, reopenCount + 1) instead of opening a new id.
 * </ul>
 *
 * Pure Java and deterministic: the same diagnoses at the same ticks give the same changes.
 */
final class IncidentBook {

  /** One published change: the incident's new state and, unless it resolved, its diagnosis. */
  record Change(IncidentState incident, Diagnosis diagnosis) {}

  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

  /** How close to the diagnosis's best score an open root must be for the diagnosis to join it. */
  static final double MERGE_SHARE_OF_TOP = 0.8;

  /** Ranks whose order change is worth an UPDATED. */
  static final int VISIBLE_RANKS = 3;

  private final CorrelationSettings settings;
  private final Map<String, IncidentState> incidents = new TreeMap<>();
  private List<PendingDiagnosis> pending = new ArrayList<>();
  private final Set<String> deleted = new TreeSet<>();

  IncidentBook(CorrelationSettings settings) {
    this.settings = settings;
  }

  void restore(Collection<IncidentState> stored, List<PendingDiagnosis> pendingDiagnoses) {
    stored.forEach(i -> incidents.put(i.id(), i));
    pending = new ArrayList<>(pendingDiagnoses);
  }

  Map<String, IncidentState> incidents() {
    return incidents;
  }

  List<PendingDiagnosis> pending() {
    return List.copyOf(pending);
  }

  /** Ids removed from the book since the last call (resolved longer ago than the reopen window). */
  Set<String> drainDeleted() {
    Set<String> out = new TreeSet<>(deleted);
    deleted.clear();
    return out;
  }

  /** The earliest event time at which the book must be evaluated again although nothing else changed. */
  long nextTimer() {
    long next = Long.MAX_VALUE;
    for (PendingDiagnosis p : pending) {
      next = Math.min(next, p.firstSeen() + settings.openAfterMs());
    }
    for (IncidentState i : incidents.values()) {
      if (i.isOpen() && i.absentSince() != null) {
        next = Math.min(next, i.absentSince() + settings.resolveAfterMs());
      }
    }
    return next;
  }

  /** Evaluates tick {@code now}; returns the incidents to publish, in a deterministic order. */
  List<Change> evaluate(long now, List<Diagnosis> diagnoses, GraphView graph, Set<String> monitored) {
    List<Diagnosis> ordered = diagnoses.stream()
        .filter(d -> !d.ranked().isEmpty())
        .sorted(Comparator.comparingLong(Diagnosis::onset)
            .thenComparing(d -> d.top().entity())
            .thenComparing(d -> String.join(",", d.symptomatic())))
        .toList();
    List<Change> changes = new ArrayList<>();
    Map<Diagnosis, IncidentState> matched = matchOpen(ordered);
    Set<Diagnosis> absorbed = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    for (Diagnosis d : ordered) {
      IncidentState inc = matched.get(d);
      if (inc != null && isResidual(inc, d)) {
        incidents.put(inc.id(), withAbsence(inc, null));
      } else if (inc != null) {
        IncidentState next = refresh(inc, d, now, graph, monitored);
        if (!sameView(inc, next)) {
          next = withVersion(next, "UPDATED", inc.version() + 1, now);
          changes.add(new Change(next, d));
        } else {
          // Keep what was last published; only the absence clock restarts.
          next = withAbsence(inc, null);
        }
        incidents.put(next.id(), next);
      }
    }

    // Symptoms already attributed to an open incident are its tail, not a new fault: while the
    // root recovers first, its victims' detectors still need a few samples to clear.
    Set<String> present = new HashSet<>();
    matched.values().forEach(i -> present.add(i.id()));
    for (Diagnosis d : ordered) {
      if (!matched.containsKey(d)) {
        IncidentState owner = owningIncident(d);
        if (owner == null) {
          owner = incidentOfStrongCandidate(d);
        }
        if (owner != null) {
          absorbed.add(d);
          present.add(owner.id());
          IncidentState current = incidents.get(owner.id());
          SortedSet<String> episode = new TreeSet<>(current.episode());
          episode.addAll(d.symptomatic());
          incidents.put(owner.id(), withEpisode(withAbsence(current, null), List.copyOf(episode)));
        }
      }
    }

    for (IncidentState inc : List.copyOf(incidents.values())) {
      if (!inc.isOpen() || present.contains(inc.id())) {
        continue;
      }
      Map.Entry<Diagnosis, IncidentState> by = supersededBy(inc, matched);
      if (by != null) {
        IncidentState merged = mergeInto(refresh(inc, by.getKey(), now, graph, monitored), by.getValue(), now);
        incidents.put(merged.id(), merged);
        changes.add(new Change(merged, by.getKey()));
        continue;
      }
      long absentSince = inc.absentSince() != null ? inc.absentSince() : now;
      if (now - absentSince >= settings.resolveAfterMs()) {
        IncidentState resolved = resolve(inc, now, absentSince);
        incidents.put(resolved.id(), resolved);
        changes.add(new Change(resolved, null));
      } else if (inc.absentSince() == null) {
        incidents.put(inc.id(), withAbsence(inc, now));
      }
    }

    List<PendingDiagnosis> stillPending = new ArrayList<>();
    Set<PendingDiagnosis> used = new HashSet<>();
    for (Diagnosis d : ordered) {
      if (matched.containsKey(d) || absorbed.contains(d)) {
        continue;
      }
      PendingDiagnosis before = matchPending(d, used);
      long firstSeen = before != null ? before.firstSeen() : now;
      long wait = d.severity() == Severity.CRITICAL ? settings.openAfterMs() : settings.openAfterWarningMs();
      if (now - firstSeen >= wait) {
        changes.add(openOrReopen(d, now, graph, monitored));
      } else {
        stillPending.add(new PendingDiagnosis(d.top().entity(), List.copyOf(d.symptomatic()), firstSeen));
      }
    }
    pending = stillPending;

    for (IncidentState inc : List.copyOf(incidents.values())) {
      if (!inc.isOpen() && inc.resolvedAt() != null && now - inc.resolvedAt() > settings.reopenWindowMs()) {
        incidents.remove(inc.id());
        deleted.add(inc.id());
      }
    }
    return changes;
  }

  /** Same rank-1 candidate first, then the largest overlap of symptomatic sets; each incident once. */
  private Map<Diagnosis, IncidentState> matchOpen(List<Diagnosis> ordered) {
    Map<Diagnosis, IncidentState> matched = new java.util.IdentityHashMap<>();
    Set<String> taken = new HashSet<>();
    List<IncidentState> open = incidents.values().stream().filter(IncidentState::isOpen).toList();
    for (Diagnosis d : ordered) {
      for (IncidentState inc : open) {
        if (!taken.contains(inc.id()) && inc.rootCause().equals(d.top().entity())) {
          matched.put(d, inc);
          taken.add(inc.id());
          break;
        }
      }
    }
    for (Diagnosis d : ordered) {
      if (matched.containsKey(d)) {
        continue;
      }
      IncidentState best = null;
      int bestOverlap = 0;
      for (IncidentState inc : open) {
        if (taken.contains(inc.id())) {
          continue;
        }
        int overlap = overlap(inc.episode(), d.symptomatic());
        if (overlap > bestOverlap) {
          best = inc;
          bestOverlap = overlap;
        }
      }
      if (best != null) {
        matched.put(d, best);
        taken.add(best.id());
      }
    }
    return matched;
  }

  /**
   * The diagnosis, continuing another open incident, that now covers everything {@code inc} has
   * seen under a different root: {@code inc} opened on the first symptoms of a fault (one DNS name
   * timing out, an application failing) before the evidence that names the real root arrived, and
   * that diagnosis went on in the other incident. One root, one incident: {@code inc} is merged.
   */
  private static Map.Entry<Diagnosis, IncidentState> supersededBy(IncidentState inc,
                                                                  Map<Diagnosis, IncidentState> matched) {
    Map.Entry<Diagnosis, IncidentState> best = null;
    for (Map.Entry<Diagnosis, IncidentState> e : matched.entrySet()) {
      Diagnosis d = e.getKey();
      if (!e.getValue().id().equals(inc.id()) && !d.top().entity().equals(inc.rootCause())
          && d.symptomatic().containsAll(inc.episode())
          && (best == null || e.getValue().openedAt() < best.getValue().openedAt()
              || (e.getValue().openedAt() == best.getValue().openedAt()
                  && e.getValue().id().compareTo(best.getValue().id()) < 0))) {
        best = e;
      }
    }
    return best;
  }

  /** {@code inc}, already showing the superseding diagnosis, resolved as merged into {@code into}. */
  private static IncidentState mergeInto(IncidentState inc, IncidentState into, long now) {
    String summary = "Merged into " + into.id() + ": everything this incident saw ("
        + String.join(", ", SummaryWriter.firstFew(inc.episode(), 5)) + ") is explained by " + inc.rootCause()
        + ", the root of " + into.id() + ". " + inc.summary();
    return new IncidentState(inc.id(), "RESOLVED", inc.version() + 1, inc.rootCause(), inc.rootCauseKind(),
        inc.score(), inc.severity(), inc.affected(), inc.affectedApplications(), inc.predictedAffected(),
        inc.candidates(), inc.episode(), inc.openedAt(), inc.onset(), now, now, inc.reopenCount(), summary,
        inc.labels(), now);
  }

  /**
   * Whether {@code d} is the recovery tail of {@code inc}: its rank-1 candidate is not the
   * incident's root but one of the incident's own symptomatic entities, and it shows no entity the
   * incident has not seen. The root is then left as it is: a root may move deeper as evidence
   * arrives, but not back up to one of its victims because the root recovered first.
   */
  private static boolean isResidual(IncidentState inc, Diagnosis d) {
    return !inc.rootCause().equals(d.top().entity())
        && inc.episode().contains(d.top().entity())
        && inc.episode().containsAll(d.symptomatic());
  }

  /** The open incident (earliest opened) whose episode already contains every entity of {@code d}. */
  private IncidentState owningIncident(Diagnosis d) {
    return incidents.values().stream()
        .filter(IncidentState::isOpen)
        .filter(i -> i.episode().containsAll(d.symptomatic()))
        .min(Comparator.comparingLong(IncidentState::openedAt).thenComparing(IncidentState::id))
        .orElse(null);
  }

  /**
   * The open incident whose root the diagnosis itself ranks as a strong candidate (score at least
   * {@code mergeMinScore}): symptoms appearing while a fault is open that the fault's root would
   * explain are far more often its late effects than a second fault, and a second incident for
   * one fault is the costlier mistake.
   */
  private IncidentState incidentOfStrongCandidate(Diagnosis d) {
    IncidentState best = null;
    double bestScore = -1;
    // A diagnosis whose own best candidate clearly outscores the open root is a second fault that
    // happens to share victims with the first (two unrelated faults under one application).
    double floor = Math.max(settings.mergeMinScore(), MERGE_SHARE_OF_TOP * d.top().score());
    for (Candidate c : d.ranked()) {
      if (c.score() < floor || c.score() <= bestScore) {
        continue;
      }
      for (IncidentState inc : incidents.values()) {
        if (inc.isOpen() && inc.rootCause().equals(c.entity())
            && (best == null || c.score() > bestScore || inc.openedAt() < best.openedAt())) {
          best = inc;
          bestScore = c.score();
        }
      }
    }
    return best;
  }

  private PendingDiagnosis matchPending(Diagnosis d, Set<PendingDiagnosis> used) {
    for (PendingDiagnosis p : pending) {
      if (!used.contains(p) && p.root().equals(d.top().entity())) {
        used.add(p);
        return p;
      }
    }
    PendingDiagnosis best = null;
    int bestOverlap = 0;
    for (PendingDiagnosis p : pending) {
      int overlap = used.contains(p) ? 0 : overlap(p.symptomatic(), d.symptomatic());
      if (overlap > bestOverlap) {
        best = p;
        bestOverlap = overlap;
      }
    }
    if (best != null) {
      used.add(best);
    }
    return best;
  }

  private static int overlap(Collection<String> a, Collection<String> b) {
    Set<String> small = new HashSet<>(a);
    int n = 0;
    for (String s : b) {
      if (small.contains(s)) {
        n++;
      }
    }
    return n;
  }

  private Change openOrReopen(Diagnosis d, long now, GraphView graph, Set<String> monitored) {
    String root = d.top().entity();
    IncidentState previous = incidents.values().stream()
        .filter(i -> !i.isOpen() && i.rootCause().equals(root)
            && i.resolvedAt() != null && now - i.resolvedAt() <= settings.reopenWindowMs())
        .max(Comparator.comparingLong(IncidentState::resolvedAt).thenComparing(IncidentState::id))
        .orElse(null);
    IncidentState next;
    if (previous != null) {
      IncidentState base = new IncidentState(previous.id(), "UPDATED", previous.version(), root, null, 0, null,
          List.of(), List.of(), List.of(), List.of(), List.of(), now, d.onset(), now, null,
          previous.reopenCount() + 1, "", Map.of(), null);
      next = withVersion(refresh(base, d, now, graph, monitored), "UPDATED", previous.version() + 1, now);
    } else {
      IncidentState base = new IncidentState(incidentId(now, root), "OPENED", 0, root, null, 0, null,
          List.of(), List.of(), List.of(), List.of(), List.of(), now, d.onset(), now, null, 0, "", Map.of(), null);
      next = withVersion(refresh(base, d, now, graph, monitored), "OPENED", 1, now);
    }
    incidents.put(next.id(), next);
    return new Change(next, d);
  }

  /** Deterministic id: the opening tick and a short stable hash of the root. */
  static String incidentId(long openedAt, String root) {
    CRC32 crc = new CRC32();
    crc.update(root.getBytes(StandardCharsets.UTF_8));
    return "inc-" + ID_TIME.format(Instant.ofEpochMilli(openedAt)) + "-" + String.format("%08x", crc.getValue());
  }

  /** The incident as the diagnosis shows it now (version and state untouched). */
  private IncidentState refresh(IncidentState inc, Diagnosis d, long now, GraphView graph, Set<String> monitored) {
    Candidate top = d.top();
    SortedSet<String> affected = new TreeSet<>(top.explains());
    affected.retainAll(d.symptomatic());
    if (affected.isEmpty()) {
      affected.addAll(d.symptomatic());
    }
    SortedSet<String> apps = new TreeSet<>();
    for (String e : d.symptomatic()) {
      EntityKind k = graph.kind(e);
      if (k == EntityKind.APPLICATION || k == EntityKind.SERVICE) {
        apps.add(e);
      }
    }
    List<RankedEntity> ranked = d.ranked().stream()
        .limit(settings.maxCandidates())
        .map(c -> new RankedEntity(c.entity(), clamp(c.score())))
        .toList();
    SortedSet<String> episode = new TreeSet<>(inc.episode());
    episode.addAll(d.symptomatic());
    // Since when things are affected, over the whole episode (a new or reopened base starts at d.onset()).
    long onset = Math.min(inc.onset(), d.onset());
    String summary = SummaryWriter.summary(d, graph, monitored, settings.maxCandidates());
    return new IncidentState(inc.id(), inc.state(), inc.version(), top.entity(), graph.kind(top.entity()).name(),
        clamp(top.score()), severityOf(d).name(), List.copyOf(affected), List.copyOf(apps),
        List.copyOf(new TreeSet<>(top.predictedAffected())), ranked, List.copyOf(episode), inc.openedAt(),
        onset, inc.updatedAt(), null, inc.reopenCount(), summary, new TreeMap<>(graph.labels(top.entity())), null);
  }

  private static Severity severityOf(Diagnosis d) {
    return d.severity() == null ? Severity.UNKNOWN : d.severity();
  }

  private static double clamp(double score) {
    return Double.isNaN(score) ? 0 : Math.max(0, Math.min(1, score));
  }

  /** Whether an operator would see no difference: root, ranking order, affected sets, severity. */
  private static boolean sameView(IncidentState a, IncidentState b) {
    return a.rootCause().equals(b.rootCause())
        && topRanked(a).equals(topRanked(b))
        && a.affected().equals(b.affected())
        && a.affectedApplications().equals(b.affectedApplications())
        && a.predictedAffected().equals(b.predictedAffected())
        && Objects.equals(a.severity(), b.severity());
  }

  /** The order of the first few candidates: what an operator reads; churn further down is noise. */
  private static List<String> topRanked(IncidentState i) {
    return i.candidates().stream().limit(VISIBLE_RANKS).map(RankedEntity::entity).toList();
  }

  private static IncidentState withVersion(IncidentState i, String state, long version, long now) {
    return new IncidentState(i.id(), state, version, i.rootCause(), i.rootCauseKind(), i.score(), i.severity(),
        i.affected(), i.affectedApplications(), i.predictedAffected(), i.candidates(), i.episode(), i.openedAt(),
        i.onset(), now, i.resolvedAt(), i.reopenCount(), i.summary(), i.labels(), null);
  }

  private static IncidentState withEpisode(IncidentState i, List<String> episode) {
    return new IncidentState(i.id(), i.state(), i.version(), i.rootCause(), i.rootCauseKind(), i.score(), i.severity(),
        i.affected(), i.affectedApplications(), i.predictedAffected(), i.candidates(), episode, i.openedAt(),
        i.onset(), i.updatedAt(), i.resolvedAt(), i.reopenCount(), i.summary(), i.labels(), i.absentSince());
  }

  private static IncidentState withAbsence(IncidentState i, Long absentSince) {
    return new IncidentState(i.id(), i.state(), i.version(), i.rootCause(), i.rootCauseKind(), i.score(), i.severity(),
        i.affected(), i.affectedApplications(), i.predictedAffected(), i.candidates(), i.episode(), i.openedAt(),
        i.onset(), i.updatedAt(), i.resolvedAt(), i.reopenCount(), i.summary(), i.labels(), absentSince);
  }

  private static IncidentState resolve(IncidentState i, long now, long absentSince) {
    String summary = "Resolved: " + i.rootCause() + " and the " + i.affected().size()
        + " entities it affected (" + String.join(", ", SummaryWriter.firstFew(i.affected(), 5))
        + ") show no symptom since " + SummaryWriter.time(absentSince) + "; affected since "
        + SummaryWriter.time(i.onset()) + ". " + (i.reopenCount() > 0 ? "It had reopened " + i.reopenCount()
        + " time(s). " : "") + "It reopens as this incident if " + i.rootCause() + " fails again soon.";
    return new IncidentState(i.id(), "RESOLVED", i.version() + 1, i.rootCause(), i.rootCauseKind(), i.score(),
        i.severity(), i.affected(), i.affectedApplications(), i.predictedAffected(), i.candidates(), i.episode(),
        i.openedAt(), i.onset(), now, now, i.reopenCount(), summary, i.labels(), absentSince);
  }
}
