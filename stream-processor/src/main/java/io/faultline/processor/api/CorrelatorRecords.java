package io.faultline.processor.api;

import java.util.List;
import java.util.Map;

/**
 * The JSON shape of the correlator's store values as this layer reads them. The correlator keeps
 * its own (package-private) types; reading the same JSON into these records keeps the API
 * independent of them, and unknown fields are ignored so the engine may add fields freely.
 * {@code StoreQueriesTest} reads stores the real correlator filled, so a renamed field fails there.
 */
final class CorrelatorRecords {
  private CorrelatorRecords() {}

  record Ranked(String entity, double score) {}

  /** Value of {@code correlator-incidents}, keyed by incident id. */
  record IncidentRecord(
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
      List<Ranked> candidates,
      long openedAt,
      long onset,
      long updatedAt,
      Long resolvedAt,
      int reopenCount,
      String summary,
      Map<String, String> labels) {

    boolean isOpen() {
      return !"RESOLVED".equals(state);
    }
  }

  /** Value of {@code correlator-symptoms}, keyed by {@code entity|signal|related}. */
  record SymptomRecord(
      String entity, String signal, String related, boolean raised, String severity, long onset, long eventTime,
      String description) {}

  record EntityRecord(String id, String kind, Integer minHealthy, Map<String, String> labels) {}

  /** Value of {@code correlator-topology}, keyed by {@code entity:ID} or {@code edge:FROM -> TO}. */
  record TopologyRecord(EntityRecord entity, String from, String to, boolean removed) {}
}
