package io.faultline.schemas.scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the shared example scenarios. They are not part of this repository: they sit beside it
 * ({@code ../shared/scenarios} from the repository root, as CI lays them out). The system property
 * {@code faultline.scenarios} names another directory; otherwise the nearest {@code shared/scenarios}
 * above the start directory is used, so a nested checkout (a git worktree) finds them too.
 */
public final class ScenarioFiles {

  public static final String PROPERTY = "faultline.scenarios";

  private ScenarioFiles() {}

  /** The shared scenario directory, searched from the working directory. */
  public static Path sharedDirectory() {
    return sharedDirectory(Path.of(""));
  }

  /** The shared scenario directory, searched upwards from {@code start}. */
  public static Path sharedDirectory(Path start) {
    String configured = System.getProperty(PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared").resolve("scenarios");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no shared/scenarios above " + start.toAbsolutePath().normalize()
        + " (clone shared/ beside the repository, or set -D" + PROPERTY + "=DIR)");
  }

  /** A named file of the shared scenarios. */
  public static Path shared(String name) {
    Path file = sharedDirectory().resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("no shared scenario " + file);
    }
    return file;
  }

  /** Every {@code *.jsonl} scenario of the shared directory, sorted by name. */
  public static List<Path> sharedScenarios() {
    try (Stream<Path> files = Files.list(sharedDirectory())) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The expectations file beside a scenario ({@code X.jsonl} -> {@code X.expect.json}). */
  public static Path expectationOf(Path scenario) {
    String name = scenario.getFileName().toString();
    return scenario.resolveSibling(name.substring(0, name.length() - ".jsonl".length()) + ".expect.json");
  }
}
