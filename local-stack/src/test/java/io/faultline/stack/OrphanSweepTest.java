package io.faultline.stack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrphanSweepTest {

  @TempDir
  Path tmp;

  @Test
  void shouldRemoveOldStackDirWhenNoProcessCarriesItsMarker() throws Exception {
    Path orphan = stackDir("faultline-stack-1", Duration.ofHours(1));

    LocalStack.sweepOrphanedTempDirs(tmp);

    assertFalse(Files.exists(orphan));
  }

  @Test
  void shouldKeepStackDirWhenYoungOrNotOurs() throws Exception {
    Path starting = stackDir("faultline-stack-2", Duration.ofSeconds(5));
    Path foreign = stackDir("someone-else-3", Duration.ofHours(1));

    LocalStack.sweepOrphanedTempDirs(tmp);

    assertTrue(Files.exists(starting.resolve("kafka")));
    assertTrue(Files.exists(foreign.resolve("kafka")));
  }

  @Test
  void shouldKeepOldStackDirWhenAProcessStillCarriesItsMarker() throws Exception {
    Path live = stackDir("faultline-stack-4", Duration.ofHours(1));
    // A longer name sharing the prefix must not count as a match for the shorter one.
    Path orphanPrefix = stackDir("faultline-stack-", Duration.ofHours(1));
    String marker = "-D" + JavaProcess.STACK_MARKER_PROPERTY + "=" + live.toAbsolutePath().normalize();
    Process sleeper = new ProcessBuilder("sh", "-c", "sleep 60", "holder", marker).start();
    try {
      LocalStack.sweepOrphanedTempDirs(tmp);
    } finally {
      sleeper.destroyForcibly().waitFor();
    }

    assertTrue(Files.exists(live.resolve("kafka")));
    assertFalse(Files.exists(orphanPrefix));
  }

  private Path stackDir(String name, Duration age) throws Exception {
    Path d = Files.createDirectories(tmp.resolve(name).resolve("kafka")).getParent();
    Files.setLastModifiedTime(d, FileTime.from(Instant.now().minus(age)));
    return d;
  }
}
