package io.faultline.schemas.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.faultline.schemas.EntityKinds;
import io.faultline.schemas.Topics;
import io.faultline.telemetry.AppCheckSample;
import io.faultline.telemetry.DiskSample;
import io.faultline.telemetry.DnsRcode;
import io.faultline.telemetry.DnsSample;
import io.faultline.telemetry.MemberState;
import io.faultline.telemetry.MemorySample;
import io.faultline.telemetry.NetworkSample;
import io.faultline.telemetry.PoolMemberSample;
import io.faultline.telemetry.ServiceState;
import io.faultline.telemetry.ServiceStatusSample;
import io.faultline.topology.Dependency;
import io.faultline.topology.Entity;
import io.faultline.topology.TopologyEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads scenario files (shared/scenarios/FORMAT.md) into the Avro records the probes publish.
 * A scenario line and a probe's event are the same thing in two encodings, so this is the one
 * mapping between them; every field the format requires is checked, and a bad line raises
 * {@link ScenarioFormatException} naming the line and the reason.
 */
public final class ScenarioReader {

  /** Separates the two ends of a dependency in its topology key. */
  public static final String EDGE_KEY_SEPARATOR = " -> ";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ScenarioReader() {}

  /** Parses every line of {@code file}, handing each record to {@code sink}; blank lines are skipped. */
  public static long read(Path file, Consumer<ScenarioRecord> sink) {
    long n = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        n++;
        if (!line.isBlank()) {
          sink.accept(parse(line, n));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return n;
  }

  /** The topology key of a dependency edge. */
  public static String edgeKey(String from, String to) {
    return from + EDGE_KEY_SEPARATOR + to;
  }

  /** Parses one line. */
  public static ScenarioRecord parse(String line, long lineNumber) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new ScenarioFormatException(lineNumber, "not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new ScenarioFormatException(lineNumber, "a line must be one JSON object");
    }
    Line l = new Line(node, lineNumber);
    String type = l.text("type");
    return switch (type) {
      case "entity" -> entity(l);
      case "depends" -> depends(l);
      case "disk", "memory", "network", "dns", "app", "pool", "service" -> telemetry(l, type);
      default -> throw new ScenarioFormatException(lineNumber, "unknown type '" + type + "'");
    };
  }

  private static ScenarioRecord entity(Line l) {
    String id = l.text("id");
    Entity.Builder entity = Entity.newBuilder().setId(id).setLabels(l.labels());
    try {
      entity.setKind(EntityKinds.parse(l.text("kind")));
    } catch (IllegalArgumentException e) {
      throw l.error(e.getMessage());
    }
    if (l.has("minHealthy")) {
      int min = (int) l.integer("minHealthy");
      if (min < 0) {
        throw l.error("minHealthy must be >= 0, got " + min);
      }
      entity.setMinHealthy(min);
    }
    long t = l.optionalTime();
    TopologyEvent event = TopologyEvent.newBuilder()
        .setEventTime(t == ScenarioRecord.NO_TIME ? null : Instant.ofEpochMilli(t))
        .setEntity(entity.build())
        .setRemoved(l.bool("removed", false))
        .setSource("scenario")
        .build();
    return new ScenarioRecord(l.number, Topics.TOPOLOGY, id, event, t);
  }

  private static ScenarioRecord depends(Line l) {
    String from = l.text("from");
    String to = l.text("to");
    if (from.equals(to)) {
      throw l.error("an entity cannot depend on itself: " + from);
    }
    long t = l.optionalTime();
    TopologyEvent event = TopologyEvent.newBuilder()
        .setEventTime(t == ScenarioRecord.NO_TIME ? null : Instant.ofEpochMilli(t))
        .setDependency(new Dependency(from, to))
        .setRemoved(l.bool("removed", false))
        .setSource("scenario")
        .build();
    return new ScenarioRecord(l.number, Topics.TOPOLOGY, edgeKey(from, to), event, t);
  }

  private static ScenarioRecord telemetry(Line l, String type) {
    String entity = l.text("entity");
    long t = l.time();
    Instant time = Instant.ofEpochMilli(t);
    String probe = l.optionalText("probe");
    int interval = l.has("intervalMs") ? (int) l.integer("intervalMs") : 10_000;
    if (interval <= 0) {
      throw l.error("intervalMs must be positive, got " + interval);
    }
    var value = switch (type) {
      case "disk" -> DiskSample.newBuilder().setEntity(entity).setEventTime(time).setProbe(probe).setIntervalMs(interval)
          .setReadIops(l.dbl("readIops")).setWriteIops(l.dbl("writeIops"))
          .setReadLatencyMs(l.dbl("readLatencyMs")).setWriteLatencyMs(l.dbl("writeLatencyMs"))
          .setIoErrors(l.has("ioErrors") ? l.integer("ioErrors") : null)
          .setUtilization(l.dbl("utilization")).build();
      case "memory" -> MemorySample.newBuilder().setEntity(entity).setEventTime(time).setProbe(probe).setIntervalMs(interval)
          .setPageInPerSec(l.dbl("pageInPerSec")).setPageOutPerSec(l.dbl("pageOutPerSec"))
          .setSwapInPerSec(l.dbl("swapInPerSec")).setSwapOutPerSec(l.dbl("swapOutPerSec"))
          .setUsedRatio(l.dbl("usedRatio")).build();
      case "network" -> NetworkSample.newBuilder().setEntity(entity).setEventTime(time).setProbe(probe).setIntervalMs(interval)
          .setRxPacketsPerSec(l.dbl("rxPacketsPerSec")).setTxPacketsPerSec(l.dbl("txPacketsPerSec"))
          .setRxErrors(l.integer("rxErrors")).setTxErrors(l.integer("txErrors"))
          .setRxDropped(l.integer("rxDropped")).setTxDropped(l.integer("txDropped"))
          .setRetransPerSec(l.dbl("retransPerSec")).build();
      case "dns" -> DnsSample.newBuilder().setEntity(entity).setEventTime(time).setProbe(probe).setIntervalMs(interval)
          .setResolver(l.text("resolver")).setRcode(l.enumValue("rcode", DnsRcode.class))
          .setLatencyMs(l.dbl("latencyMs")).build();
      case "app" -> AppCheckSample.newBuilder().setEntity(entity).setEventTime(time).setProbe(probe).setIntervalMs(interval)
          .setCheck(l.text("check")).setOk(l.bool("ok")).setLatencyMs(l.dbl("latencyMs"))
          .setStatus((int) l.integer("status")).setFailedStep(l.optionalText("failedStep")).build();
      case "pool" -> PoolMemberSample.newBuilder().setEntity(entity).setEventTime(time).setProbe(probe).setIntervalMs(interval)
          .setMember(l.text("member")).setState(l.enumValue("state", MemberState.class)).build();
      case "service" -> ServiceStatusSample.newBuilder().setEntity(entity).setEventTime(time).setProbe(probe).setIntervalMs(interval)
          .setState(l.enumValue("state", ServiceState.class)).build();
      default -> throw new IllegalStateException(type);
    };
    return new ScenarioRecord(l.number, Topics.telemetryTopicForType(type), entity, value, t);
  }

  /** Parses a scenario time: ISO-8601 UTC (fractions allowed) or epoch milliseconds. */
  public static long parseTime(JsonNode t) {
    if (t.isNumber()) {
      return t.asLong();
    }
    if (t.isTextual()) {
      String s = t.asText().trim();
      if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
        return Long.parseLong(s);
      }
      return Instant.parse(s).toEpochMilli();
    }
    throw new IllegalArgumentException("not a time: " + t);
  }

  /** Field access with the line number in every error. */
  private static final class Line {
    final JsonNode node;
    final long number;

    Line(JsonNode node, long number) {
      this.node = node;
      this.number = number;
    }

    ScenarioFormatException error(String reason) {
      return new ScenarioFormatException(number, reason);
    }

    boolean has(String field) {
      return node.hasNonNull(field);
    }

    JsonNode required(String field) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        String type = node.hasNonNull("type") ? node.get("type").asText() : "?";
        throw error("missing field '" + field + "' in a '" + type + "' line");
      }
      return v;
    }

    String text(String field) {
      JsonNode v = required(field);
      if (!v.isTextual() || v.asText().isBlank()) {
        throw error("field '" + field + "' must be a non-empty string, got " + v);
      }
      return v.asText();
    }

    String optionalText(String field) {
      return has(field) ? text(field) : null;
    }

    double dbl(String field) {
      JsonNode v = required(field);
      if (!v.isNumber()) {
        throw error("field '" + field + "' must be a number, got " + v);
      }
      double d = v.asDouble();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw error("field '" + field + "' must be finite, got " + v);
      }
      return d;
    }

    long integer(String field) {
      JsonNode v = required(field);
      if (!v.canConvertToLong() || (v.isFloatingPointNumber() && v.asDouble() != Math.rint(v.asDouble()))) {
        throw error("field '" + field + "' must be a whole number, got " + v);
      }
      return v.asLong();
    }

    boolean bool(String field) {
      JsonNode v = required(field);
      if (!v.isBoolean()) {
        throw error("field '" + field + "' must be true or false, got " + v);
      }
      return v.asBoolean();
    }

    boolean bool(String field, boolean dflt) {
      return has(field) ? bool(field) : dflt;
    }

    <E extends Enum<E>> E enumValue(String field, Class<E> type) {
      String s = text(field);
      try {
        return Enum.valueOf(type, s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw error("field '" + field + "' has unknown value '" + s + "'");
      }
    }

    long time() {
      JsonNode t = required("t");
      try {
        return parseTime(t);
      } catch (DateTimeParseException | IllegalArgumentException e) {
        throw error("field 't' is not ISO-8601 UTC or epoch milliseconds: " + t);
      }
    }

    long optionalTime() {
      return has("t") ? time() : ScenarioRecord.NO_TIME;
    }

    Map<String, String> labels() {
      Map<String, String> labels = new LinkedHashMap<>();
      if (!has("labels")) {
        return labels;
      }
      JsonNode v = node.get("labels");
      if (!v.isObject()) {
        throw error("field 'labels' must be an object of strings");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isTextual()) {
          throw error("label '" + e.getKey() + "' must be a string");
        }
        labels.put(e.getKey(), e.getValue().asText());
      }
      return labels;
    }
  }
}
