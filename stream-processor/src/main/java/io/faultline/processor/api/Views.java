package io.faultline.processor.api;

import io.faultline.correlation.CandidateRef;
import io.faultline.processor.api.CorrelatorRecords.IncidentRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The JSON bodies of the API. Times are ISO-8601 UTC strings; lists are never null. */
public final class Views {
  private Views() {}

  public record Candidate(int rank, String entity, double score) {}

  /** An incident as published: the same shape from the REST API and from the SSE stream. */
  public record Incident(
      String id,
      String state,
      long version,
      boolean open,
      String rootCause,
      String rootCauseKind,
      double score,
      String severity,
      List<String> affected,
      List<String> affectedApplications,
      List<String> predictedAffected,
      List<Candidate> candidates,
      String openedAt,
      String onset,
      String updatedAt,
      String resolvedAt,
      int reopenCount,
      String summary,
      Map<String, String> labels) {

    static Incident of(IncidentRecord r) {
      return new Incident(r.id(), r.state(), r.version(), r.isOpen(), r.rootCause(), r.rootCauseKind(), r.score(),
          r.severity(), list(r.affected()), list(r.affectedApplications()), list(r.predictedAffected()),
          rank(r.candidates()), iso(r.openedAt()), iso(r.onset()), iso(r.updatedAt()),
          r.resolvedAt() == null ? null : iso(r.resolvedAt()), r.reopenCount(), r.summary(),
          r.labels() == null ? Map.of() : new TreeMap<>(r.labels()));
    }

    static Incident of(io.faultline.correlation.Incident a) {
      List<Candidate> candidates = a.getCandidates().stream()
          .map((CandidateRef c) -> new Candidate(c.getRank(), c.getEntity(), c.getScore())).toList();
      Map<String, String> labels = new TreeMap<>();
      a.getLabels().forEach((k, v) -> labels.put(k.toString(), v));
      String state = a.getState().name();
      return new Incident(a.getId(), state, a.getVersion(), !"RESOLVED".equals(state), a.getRootCause(),
          a.getRootCauseKind().name(), a.getScore(), a.getSeverity().name(), List.copyOf(a.getAffected()),
          List.copyOf(a.getAffectedApplications()), List.copyOf(a.getPredictedAffected()), candidates,
          a.getOpenedAt().toString(), a.getOnset().toString(), a.getUpdatedAt().toString(),
          a.getResolvedAt() == null ? null : a.getResolvedAt().toString(), a.getReopenCount(), a.getSummary(),
          labels);
    }

    private static List<Candidate> rank(List<CorrelatorRecords.Ranked> ranked) {
      if (ranked == null) {
        return List.of();
      }
      List<Candidate> out = new java.util.ArrayList<>();
      for (int i = 0; i < ranked.size(); i++) {
        out.add(new Candidate(i + 1, ranked.get(i).entity(), ranked.get(i).score()));
      }
      return out;
    }
  }

  /** A ranked candidate of the live analysis, with the reasons behind its score. */
  public record RankedCandidate(
      int rank, String entity, String kind, double score, List<String> explains, List<String> predictedAffected,
      List<String> reasons) {}

  /** One active symptom and how the incident's root cause explains it. */
  public record Evidence(
      String entity, String signal, String related, String severity, String onset, String description,
      boolean explained, List<String> path) {}

  /**
   * @param evidenceSource {@code live} when candidates and evidence come from analysing the
   *     current state, {@code published} when only the published ranking is known (resolved or
   *     no longer diagnosed)
   * @param paths dependency paths [root cause, ..., affected application], for the picture
   */
  public record IncidentDetail(
      Incident incident, String evidenceSource, List<RankedCandidate> candidates, List<Evidence> evidence,
      List<List<String>> paths) {}

  public record Symptom(
      String entity, String signal, String related, String severity, String onset, String eventTime,
      String description) {}

  /**
   * @param health {@code root-cause} (of an open incident), {@code symptomatic}, {@code at-risk}
   *     (in an open incident's blast radius without symptoms of its own) or {@code healthy}
   */
  public record EntityHealth(
      String id, String kind, boolean declared, boolean monitored, String health, Map<String, String> labels,
      List<Symptom> activeSymptoms, List<String> dependencies, List<String> dependents,
      List<String> openIncidents) {}

  /**
   * @param status {@code root-cause} (the entity is itself the likely cause), {@code explained}
   *     (its trouble is explained by {@code rootCause}), {@code at-risk} (healthy but depending on
   *     a likely root cause), {@code unexplained} (symptomatic, no candidate found) or {@code healthy}
   * @param path [rootCause, ..., entity]
   * @param incident the open incident with this root cause, if one was opened
   */
  public record RootCause(
      String entity, String status, String rootCause, String rootCauseKind, Double score, List<String> path,
      List<String> reasons, String incident, List<RankedCandidate> alternatives) {}

  public record ImpactEntry(String id, String kind, int depth, boolean affected, List<String> path) {}

  /**
   * @param direct entities that depend on this one
   * @param transitive everything that depends on it at any depth, nearest first, each with one
   *     shortest path [entity, ..., dependent]
   * @param affectedNow those of {@code transitive} with active symptoms or in an open incident
   */
  public record Impact(
      String entity, String kind, List<String> direct, List<ImpactEntry> transitive, List<String> affectedNow) {}

  static String iso(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).toString();
  }

  static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : List.copyOf(l);
  }
}
