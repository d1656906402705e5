package io.faultline.processor.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the shared scenarios: {@code -Dfaultline.scenarios=DIR}, else the nearest
 * {@code shared/scenarios} beside the repository or in an ancestor of the working directory
 * (CI clones the repository with {@code shared/} beside it).
 */
final class SharedScenarios {

  private SharedScenarios() {}

  static Path directory() {
    String configured = System.getProperty("faultline.scenarios");
    if (configured != null) {
      return Path.of(configured);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared").resolve("scenarios");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("shared/scenarios not found above " + Path.of("").toAbsolutePath()
        + "; set -Dfaultline.scenarios=DIR");
  }

  static List<Path> all() {
    try (Stream<Path> files = Files.list(directory())) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode expectation(Path scenario) {
    Path expect = scenario.resolveSibling(scenario.getFileName().toString().replace(".jsonl", ".expect.json"));
    try {
      return new ObjectMapper().readTree(expect.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
