package io.faultline.processor.eval;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Scores a replay against a scenario's expectations (FORMAT.md "Expectations"; definitions in
 * stream-processor/docs/simulate-replay-score.md, "Scoring").
 *
 * <ul>
 *   <li>An incident's <b>ranking</b> is its latest candidate set: the candidates with the greatest
 *       eventTime (a set published again at the same event time replaces the earlier lines).
 *       Its <b>top candidate</b> is rank 1 of that set, or, for an incident without candidate
 *       lines, the rootCause of its latest incident record.</li>
 *   <li>An incident <b>covers</b> a fault when it was still being concluded at or after the
 *       onset (its latest eventTime &ge; onset) and it concerns the fault: one of its candidates
 *       is the root, its rootCause is the root, or its affected entities (incident and candidate
 *       lines) meet the fault's blast radius (the root and everything depending on it, if the
 *       scenario's topology is known; else the root alone). Of several covering incidents the one
 *       ranking the root best counts, then the earliest, then the smallest id.</li>
 *   <li><b>AC@k</b>: share of faults whose root has rank &le; k in the ranking of the incident that
 *       covers it (0 for a fault no incident covers). <b>Avg@5</b>: mean of AC@1..AC@5.</li>
 *   <li><b>Detection delay</b>: eventTime of the first candidate line (any incident) ranking the root
 *       first at or after the onset, minus the onset; none: undetected.</li>
 *   <li><b>False incidents</b>: incidents whose top candidate is no fault's root; per hour of
 *       fault-free event time (scenario start to the first onset, or the whole span without faults:
 *       simulated faults last to the end of the scenario).</li>
 * </ul>
 */
public final class Scorer {
  public static final int MAX_K = 5;

  private Scorer() {}

  /** One fault's outcome; {@code incident} null and {@code rank} 0 when no incident covers it. */
  public record FaultScore(ExpectedFault fault, String incident, int rank, Duration delay) {
    public boolean detected() {
      return delay != null;
    }
  }

  /** Everything a run is judged by; AC values are NaN when the scenario has no faults. */
  public record Result(List<FaultScore> faults, double[] acAtK, double avgAt5, int incidents,
                       List<String> falseIncidents, double faultFreeHours) {

    public double ac(int k) {
      return acAtK[k - 1];
    }

    /** False incidents per fault-free hour; NaN when the scenario has no fault-free time or it is unknown. */
    public double falseIncidentsPerHour() {
      return faultFreeHours > 0 ? falseIncidents.size() / faultFreeHours : Double.NaN;
    }

    public Duration meanDelay() {
      List<Duration> d = faults.stream().filter(FaultScore::detected).map(FaultScore::delay).toList();
      return d.isEmpty() ? null : d.stream().reduce(Duration.ZERO, Duration::plus).dividedBy(d.size());
    }

    public Duration maxDelay() {
      return faults.stream().filter(FaultScore::detected).map(FaultScore::delay).max(Comparator.naturalOrder())
          .orElse(null);
    }

    /** A plain-text table for a terminal. */
    public String table() {
      StringBuilder sb = new StringBuilder();
      int rootWidth = Math.max(5, faults.stream().mapToInt(f -> f.fault().root().length()).max().orElse(0));
      int incWidth = Math.max(8, faults.stream().mapToInt(f -> f.incident() == null ? 1 : f.incident().length())
          .max().orElse(0));
      String row = "%-" + rootWidth + "s  %-20s %-22s %-" + incWidth + "s %5s %7s%n";
      sb.append(String.format(row, "fault", "kind", "onset", "incident", "rank", "delay"));
      for (FaultScore f : faults) {
        sb.append(String.format(row, f.fault().root(), f.fault().kind(),
            f.fault().onset(), f.incident() == null ? "-" : f.incident(), f.rank() == 0 ? "-" : f.rank(),
            f.delay() == null ? "-" : seconds(f.delay())));
      }
      if (faults.isEmpty()) {
        sb.append("(no faults: every incident is a false alarm)\n");
      }
      sb.append(String.format("AC@1 %s  AC@3 %s  AC@5 %s  Avg@5 %s%n", fmt(ac(1)), fmt(ac(3)), fmt(ac(5)),
          fmt(avgAt5)));
      long undetected = faults.stream().filter(f -> !f.detected()).count();
      sb.append(String.format("detection delay: mean %s, max %s, undetected %d of %d%n",
          meanDelay() == null ? "-" : seconds(meanDelay()), maxDelay() == null ? "-" : seconds(maxDelay()),
          undetected, faults.size()));
      sb.append(String.format("incidents %d, false incidents %d (%s per fault-free hour over %s h)%n", incidents,
          falseIncidents.size(), fmt(falseIncidentsPerHour()),
          faultFreeHours > 0 ? String.format("%.2f", faultFreeHours) : "0"));
      return sb.toString();
    }

    private static String fmt(double v) {
      return Double.isNaN(v) ? "n/a" : String.format("%.2f", v);
    }

    private static String seconds(Duration d) {
      return String.format("%.0fs", d.toMillis() / 1000.0);
    }
  }

  /** What the output says about one incident. */
  private static final class IncidentView {
    final String id;
    /** eventTime -> rank -> entity, later lines replacing earlier ones at the same event time. */
    final TreeMap<Instant, TreeMap<Integer, String>> sets = new TreeMap<>();
    final Set<String> affected = new HashSet<>();
    final Set<String> candidates = new HashSet<>();
    Instant first;
    Instant last;
    Instant lastRecordTime;
    String lastRootCause;

    IncidentView(String id) {
      this.id = id;
    }

    void see(ReplayLine l) {
      first = first == null || l.eventTime().isBefore(first) ? l.eventTime() : first;
      last = last == null || l.eventTime().isAfter(last) ? l.eventTime() : last;
      affected.addAll(l.affected());
      if (l instanceof ReplayLine.Candidate c) {
        sets.computeIfAbsent(c.eventTime(), k -> new TreeMap<>()).put(c.rank(), c.entity());
        candidates.add(c.entity());
      } else if (l instanceof ReplayLine.IncidentRecord r) {
        if (lastRecordTime == null || !r.eventTime().isBefore(lastRecordTime)) {
          lastRecordTime = r.eventTime();
          lastRootCause = r.rootCause();
        }
      }
    }

    /** Rank of {@code entity} in the latest ranking, 0 if absent. */
    int rankOf(String entity) {
      if (sets.isEmpty()) {
        return entity.equals(lastRootCause) ? 1 : 0;
      }
      for (Map.Entry<Integer, String> e : sets.lastEntry().getValue().entrySet()) {
        if (e.getValue().equals(entity)) {
          return e.getKey();
        }
      }
      return 0;
    }

    String top() {
      if (sets.isEmpty()) {
        return lastRootCause;
      }
      TreeMap<Integer, String> latest = sets.lastEntry().getValue();
      return latest.isEmpty() ? lastRootCause : latest.firstEntry().getValue();
    }

    boolean concerns(String root, Set<String> blastRadius) {
      if (candidates.contains(root) || root.equals(lastRootCause)) {
        return true;
      }
      for (String a : affected) {
        if (blastRadius.contains(a)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Scores {@code output} (replay lines in printed order); {@code facts} may be null if the scenario is not at hand. */
  public static Result score(List<ReplayLine> output, Expectations expected, ScenarioFacts facts) {
    Map<String, IncidentView> incidents = new LinkedHashMap<>();
    for (ReplayLine l : output) {
      incidents.computeIfAbsent(l.incident(), IncidentView::new).see(l);
    }
    List<FaultScore> scores = new ArrayList<>();
    int[] hits = new int[MAX_K];
    for (ExpectedFault f : expected.faults()) {
      Set<String> radius = facts == null ? Set.of(f.root()) : facts.blastRadius(f.root());
      IncidentView best = null;
      int bestRank = Integer.MAX_VALUE;
      for (IncidentView inc : incidents.values()) {
        if (inc.last.isBefore(f.onset()) || !inc.concerns(f.root(), radius)) {
          continue;
        }
        int r = inc.rankOf(f.root());
        int rank = r == 0 ? Integer.MAX_VALUE : r;
        if (best == null || rank < bestRank
            || (rank == bestRank && (inc.first.isBefore(best.first)
                || (inc.first.equals(best.first) && inc.id.compareTo(best.id) < 0)))) {
          best = inc;
          bestRank = rank;
        }
      }
      int rank = best == null || bestRank == Integer.MAX_VALUE ? 0 : bestRank;
      for (int k = 1; k <= MAX_K; k++) {
        if (rank >= 1 && rank <= k) {
          hits[k - 1]++;
        }
      }
      scores.add(new FaultScore(f, best == null ? null : best.id, rank, delay(output, f)));
    }
    double[] ac = new double[MAX_K];
    double sum = 0;
    for (int k = 0; k < MAX_K; k++) {
      ac[k] = scores.isEmpty() ? Double.NaN : hits[k] / (double) scores.size();
      sum += ac[k];
    }
    Set<String> roots = new HashSet<>();
    expected.faults().forEach(f -> roots.add(f.root()));
    List<String> falseIncidents = incidents.values().stream().filter(i -> !roots.contains(i.top()))
        .map(i -> i.id).toList();
    return new Result(List.copyOf(scores), ac, scores.isEmpty() ? Double.NaN : sum / MAX_K, incidents.size(),
        falseIncidents, faultFreeHours(expected, facts));
  }

  private static Duration delay(List<ReplayLine> output, ExpectedFault f) {
    Instant first = null;
    for (ReplayLine l : output) {
      if (l instanceof ReplayLine.Candidate c && c.rank() == 1 && c.entity().equals(f.root())
          && !c.eventTime().isBefore(f.onset()) && (first == null || c.eventTime().isBefore(first))) {
        first = c.eventTime();
      }
    }
    return first == null ? null : Duration.between(f.onset(), first);
  }

  private static double faultFreeHours(Expectations expected, ScenarioFacts facts) {
    if (facts == null) {
      return Double.NaN;
    }
    Instant end = facts.end();
    for (ExpectedFault f : expected.faults()) {
      if (f.onset().isBefore(end)) {
        end = f.onset();
      }
    }
    long ms = Math.max(0, end.toEpochMilli() - facts.start().toEpochMilli());
    return ms / 3_600_000.0;
  }
}
