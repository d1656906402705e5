package io.faultline.processor.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.faultline.correlation.Incident;
import io.faultline.correlation.RootCauseCandidate;
import io.faultline.schemas.EntityKinds;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The `replay` output form (FORMAT.md, "Output of replay"): one JSON object per candidate and per
 * incident record, times in ISO-8601 UTC. The fields FORMAT.md names come first; the extra ones
 * (candidateCount, entityKind, predictedAffected, reasons, labels; version, score, severity,
 * affectedApplications, onset, resolvedAt, candidates, summary) follow.
 */
public final class OutputFormat {
  private static final ObjectMapper JSON = new ObjectMapper();

  private OutputFormat() {}

  /**
   * A printable line with its sort key. Output from several partitions is printed in one total
   * order: event time, then incident id, then the candidate set (by rank) before the incident
   * record it led to (by version), then the line text; so a replay prints the same lines in the
   * same order however the records interleaved on the way.
   */
  public record Line(Instant eventTime, String incident, int typeOrder, long order, String json) {
    public static final Comparator<Line> ORDER = Comparator.comparing(Line::eventTime)
        .thenComparing(Line::incident)
        .thenComparingInt(Line::typeOrder)
        .thenComparingLong(Line::order)
        .thenComparing(Line::json);
  }

  public static Line line(RootCauseCandidate c) {
    return new Line(c.getEventTime(), c.getIncidentId(), 0, c.getRank(), candidate(c));
  }

  public static Line line(Incident i) {
    return new Line(i.getUpdatedAt(), i.getId(), 1, i.getVersion(), incident(i));
  }

  public static String candidate(RootCauseCandidate c) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", "candidate");
    n.put("incident", c.getIncidentId());
    n.put("rank", c.getRank());
    n.put("entity", c.getEntity());
    n.put("score", round(c.getScore()));
    n.put("eventTime", iso(c.getEventTime()));
    strings(n.putArray("affected"), c.getAffected());
    n.put("candidateCount", c.getCandidateCount());
    n.put("entityKind", EntityKinds.name(c.getEntityKind()));
    strings(n.putArray("predictedAffected"), c.getPredictedAffected());
    strings(n.putArray("reasons"), c.getReasons());
    labels(n, c.getLabels());
    return write(n);
  }

  public static String incident(Incident i) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", "incident");
    n.put("incident", i.getId());
    n.put("state", i.getState().name());
    n.put("rootCause", i.getRootCause());
    n.put("eventTime", iso(i.getUpdatedAt()));
    strings(n.putArray("affected"), i.getAffected());
    n.put("version", i.getVersion());
    n.put("rootCauseKind", EntityKinds.name(i.getRootCauseKind()));
    n.put("score", round(i.getScore()));
    n.put("severity", i.getSeverity().name());
    strings(n.putArray("affectedApplications"), i.getAffectedApplications());
    strings(n.putArray("predictedAffected"), i.getPredictedAffected());
    n.put("onset", iso(i.getOnset()));
    n.put("openedAt", iso(i.getOpenedAt()));
    if (i.getResolvedAt() != null) {
      n.put("resolvedAt", iso(i.getResolvedAt()));
    }
    ArrayNode cands = n.putArray("candidates");
    i.getCandidates().forEach(c -> cands.addObject().put("rank", c.getRank()).put("entity", c.getEntity())
        .put("score", round(c.getScore())));
    n.put("summary", i.getSummary());
    labels(n, i.getLabels());
    return write(n);
  }

  /** ISO-8601 UTC, e.g. 2026-11-21T10:01:40Z or 2026-11-21T10:01:40.250Z. */
  static String iso(Instant t) {
    return t.toString();
  }

  /** Scores rounded to 4 places: enough to rank, and stable text. */
  private static double round(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }

  private static void strings(ArrayNode a, List<String> values) {
    if (values != null) {
      values.forEach(a::add);
    }
  }

  private static void labels(ObjectNode n, Map<String, String> labels) {
    if (labels != null && !labels.isEmpty()) {
      ObjectNode l = n.putObject("labels");
      // Sorted: an Avro map has no order, the output must be the same every time.
      new TreeMap<>(labels).forEach(l::put);
    }
  }

  private static String write(ObjectNode n) {
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
