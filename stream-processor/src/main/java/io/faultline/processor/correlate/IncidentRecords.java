package io.faultline.processor.correlate;

import io.faultline.common.EntityKind;
import io.faultline.common.Severity;
import io.faultline.correlation.CandidateRef;
import io.faultline.correlation.Evidence;
import io.faultline.correlation.Incident;
import io.faultline.correlation.IncidentState;
import io.faultline.correlation.RootCauseCandidate;
import io.faultline.processor.analysis.Candidate;
import io.faultline.processor.analysis.Diagnosis;
import io.faultline.processor.analysis.GraphView;
import io.faultline.processor.analysis.ObservedSymptom;
import io.faultline.processor.correlate.StateRecords.RankedEntity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/** Maps the correlator's incident state to the public Avro records. */
final class IncidentRecords {
  private IncidentRecords() {}

  static Incident incident(StateRecords.IncidentState s) {
    List<CandidateRef> refs = new ArrayList<>();
    int rank = 1;
    for (RankedEntity c : s.candidates()) {
      refs.add(new CandidateRef(rank++, c.entity(), c.score()));
    }
    return Incident.newBuilder()
        .setId(s.id())
        .setState(IncidentState.valueOf(s.state()))
        .setVersion(s.version())
        .setRootCause(s.rootCause())
        .setRootCauseKind(EntityKind.valueOf(s.rootCauseKind()))
        .setScore(s.score())
        .setSeverity(Severity.valueOf(s.severity()))
        .setAffected(s.affected())
        .setAffectedApplications(s.affectedApplications())
        .setPredictedAffected(s.predictedAffected())
        .setCandidates(refs)
        .setOpenedAt(Instant.ofEpochMilli(s.openedAt()))
        .setOnset(Instant.ofEpochMilli(s.onset()))
        .setUpdatedAt(Instant.ofEpochMilli(s.updatedAt()))
        .setResolvedAt(s.resolvedAt() == null ? null : Instant.ofEpochMilli(s.resolvedAt()))
        .setReopenCount(s.reopenCount())
        .setSummary(s.summary())
        .setLabels(new TreeMap<>(s.labels()))
        .build();
  }

  /** The whole ranked set of an incident, rank 1..n, each with the path to every symptom. */
  static List<RootCauseCandidate> candidates(String incidentId, Diagnosis d, GraphView graph, int max, long now) {
    List<Candidate> ranked = d.ranked().subList(0, Math.min(max, d.ranked().size()));
    List<ObservedSymptom> symptoms = new ArrayList<>(d.symptoms());
    symptoms.sort(Correlator.SYMPTOM_ORDER);
    List<RootCauseCandidate> out = new ArrayList<>();
    for (int i = 0; i < ranked.size(); i++) {
      Candidate c = ranked.get(i);
      List<Evidence> evidence = new ArrayList<>();
      for (ObservedSymptom o : symptoms) {
        boolean explained = c.explains().contains(o.entity());
        List<String> path = explained ? c.paths().getOrDefault(o.entity(), List.of()) : List.of();
        evidence.add(Evidence.newBuilder()
            .setEntity(o.entity())
            .setSignal(o.signal())
            .setRelated(o.related())
            .setSeverity(o.severity() == null ? Severity.UNKNOWN : o.severity())
            .setOnset(Instant.ofEpochMilli(o.onset()))
            .setDescription(o.description() == null ? "" : o.description())
            .setPath(List.copyOf(path))
            .setExplained(explained)
            .build());
      }
      TreeSet<String> affected = new TreeSet<>(c.explains());
      affected.retainAll(d.symptomatic());
      out.add(RootCauseCandidate.newBuilder()
          .setIncidentId(incidentId)
          .setRank(i + 1)
          .setCandidateCount(ranked.size())
          .setScore(Double.isNaN(c.score()) ? 0 : Math.max(0, Math.min(1, c.score())))
          .setEntity(c.entity())
          .setEntityKind(graph.kind(c.entity()))
          .setAffected(List.copyOf(affected))
          .setPredictedAffected(List.copyOf(new TreeSet<>(c.predictedAffected())))
          .setEvidence(evidence)
          .setReasons(List.copyOf(c.reasons()))
          .setLabels(new TreeMap<>(graph.labels(c.entity())))
          .setEventTime(Instant.ofEpochMilli(now))
          .build());
    }
    return out;
  }
}
