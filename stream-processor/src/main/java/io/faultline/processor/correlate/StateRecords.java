package io.faultline.processor.correlate;

import java.util.List;
import java.util.Map;

/**
 * The correlator's persisted state, as JSON in RocksDB stores (changelogged). Internal to one
 * application id, so a plain JSON shape is enough; fields are only ever added with defaults.
 */
final class StateRecords {
  private StateRecords() {}

  /** A declared entity. */
  record EntityState(String id, String kind, Integer minHealthy, Map<String, String> labels) {}

  /** One topology change: an entity (entity set) or an edge (from/to set), declared or removed. */
  record TopologyChange(EntityState entity, String from, String to, boolean removed) {
    String key() {
      return entity != null ? "entity:" + entity.id() : "edge:" + from + " -> " + to;
    }
  }

  /** The last known state of one symptom key; cleared ones are kept a while to ignore stale raises. */
  record SymptomState(
      String entity, String signal, String related, boolean raised, String severity, long onset, long eventTime,
      String description) {
    String key() {
      return entity + '|' + signal + '|' + (related == null ? "" : related);
    }
  }

  /** A change waiting for the tick that reaches its event time. Exactly one of the payloads is set. */
  record PendingChange(long time, SymptomState symptom, TopologyChange topology, String monitored) {}

  /** The latest watermark of one upstream partition, and whether it said it is idle since. */
  record WatermarkState(long watermark, boolean idle) {}

  /** A diagnosis seen but not yet confirmed. */
  record PendingDiagnosis(String root, List<String> symptomatic, long firstSeen) {}

  /** Tick bookkeeping. */
  record Progress(long lastTick, boolean dirty, List<PendingDiagnosis> pendingDiagnoses) {}

  /** A ranked candidate as stored with its incident. */
  record RankedEntity(String entity, double score) {}

  /** Everything about one incident, including what was last published. */
  record IncidentState(
      String id,
      String state,
      long version,
      String rootCause,
      String rootCauseKind,
      double score,
      String severity,
      List<String> affected,
      List<String> affectedApplications,
      List<String> predictedAffected,
      List<RankedEntity> candidates,
      List<String> episode,
      long openedAt,
      long onset,
      long updatedAt,
      Long resolvedAt,
      int reopenCount,
      String summary,
      Map<String, String> labels,
      Long absentSince) {

    /** Every entity symptomatic in this incident since it opened (or reopened). */
    @Override
    public List<String> episode() {
      return episode == null ? List.of() : episode;
    }

    boolean isOpen() {
      return !"RESOLVED".equals(state);
    }
  }
}
