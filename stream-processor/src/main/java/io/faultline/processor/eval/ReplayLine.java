package io.faultline.processor.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.faultline.schemas.scenario.ScenarioReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One line of `replay` output (FORMAT.md, "Output of replay"): a ranked candidate or an incident record. */
public sealed interface ReplayLine permits ReplayLine.Candidate, ReplayLine.IncidentRecord {

  String incident();

  Instant eventTime();

  List<String> affected();

  /** A root-cause candidate of an incident at one conclusion of the pipeline. */
  record Candidate(String incident, int rank, String entity, double score, Instant eventTime, List<String> affected)
      implements ReplayLine {
    public Candidate {
      affected = List.copyOf(affected);
    }
  }

  /** An incident record (OPENED, UPDATED or RESOLVED). */
  record IncidentRecord(String incident, String state, String rootCause, Instant eventTime, List<String> affected)
      implements ReplayLine {
    public IncidentRecord {
      affected = List.copyOf(affected);
    }
  }

  ObjectMapper JSON = new ObjectMapper();

  /** Parses replay output; blank lines are skipped, extra fields ignored, anything else malformed is an error. */
  static List<ReplayLine> parse(Reader in) {
    List<ReplayLine> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(in)) {
      String line;
      long n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (!line.isBlank()) {
          out.add(parse(line, n));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static ReplayLine parse(String line, long n) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (IOException e) {
      throw new IllegalArgumentException("output line " + n + ": not valid JSON");
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("output line " + n + ": not a JSON object");
    }
    String type = text(node, "type", n);
    String incident = text(node, "incident", n);
    Instant t;
    try {
      t = Instant.ofEpochMilli(ScenarioReader.parseTime(node.path("eventTime")));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("output line " + n + ": bad or missing 'eventTime'");
    }
    List<String> affected = new ArrayList<>();
    node.path("affected").forEach(a -> affected.add(a.asText()));
    return switch (type) {
      case "candidate" -> {
        if (!node.path("rank").canConvertToInt() || node.path("rank").asInt() < 1) {
          throw new IllegalArgumentException("output line " + n + ": 'rank' must be a positive integer");
        }
        yield new Candidate(incident, node.get("rank").asInt(), text(node, "entity", n),
            node.path("score").asDouble(), t, affected);
      }
      case "incident" -> new IncidentRecord(incident, text(node, "state", n), text(node, "rootCause", n), t, affected);
      default -> throw new IllegalArgumentException("output line " + n + ": unknown type '" + type + "'");
    };
  }

  private static String text(JsonNode node, String field, long n) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw new IllegalArgumentException("output line " + n + ": missing '" + field + "'");
    }
    return v.asText();
  }
}
