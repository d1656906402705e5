package io.faultline.processor.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.faultline.schemas.scenario.ScenarioReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A scenario's `*.expect.json`: the faults it contains; none means any incident is a false alarm. */
public record Expectations(List<ExpectedFault> faults) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public Expectations {
    faults = List.copyOf(faults);
  }

  public static Expectations none() {
    return new Expectations(List.of());
  }

  public static Expectations read(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses the expectations; extra fields are ignored, missing or malformed ones are an error. */
  public static Expectations parse(String text) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException("expectations are not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject() || !root.path("faults").isArray()) {
      throw new IllegalArgumentException("expectations must be an object with a 'faults' array");
    }
    List<ExpectedFault> faults = new ArrayList<>();
    int i = 0;
    for (JsonNode f : root.get("faults")) {
      i++;
      String rootId = text(f, "root", i);
      String kind = text(f, "kind", i);
      JsonNode onset = f.get("onset");
      if (onset == null || onset.isNull()) {
        throw new IllegalArgumentException("fault " + i + ": missing 'onset'");
      }
      Instant at;
      try {
        at = Instant.ofEpochMilli(ScenarioReader.parseTime(onset));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("fault " + i + ": 'onset' is not ISO-8601 UTC or epoch milliseconds: "
            + onset);
      }
      faults.add(new ExpectedFault(rootId, at, kind));
    }
    return new Expectations(faults);
  }

  private static String text(JsonNode f, String field, int i) {
    JsonNode v = f.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new IllegalArgumentException("fault " + i + ": '" + field + "' must be a non-empty string");
    }
    return v.asText();
  }

  /** The expectations as FORMAT.md writes them. */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode arr = root.putArray("faults");
    for (ExpectedFault f : faults) {
      arr.addObject().put("root", f.root()).put("onset", f.onset().toString()).put("kind", f.kind());
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
