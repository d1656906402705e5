package io.faultline.processor.replay;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the shared scenarios, which live beside the repository ({@code ../shared/scenarios}). */
public final class SharedScenarios {
  private SharedScenarios() {}

  /** The named scenario from the nearest {@code shared/scenarios} above the working directory. */
  public static Path file(String name) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("scenarios").resolve(name);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no shared/scenarios/" + name + " above " + Path.of("").toAbsolutePath()
        + " (the repository expects ../shared beside it)");
  }
}
