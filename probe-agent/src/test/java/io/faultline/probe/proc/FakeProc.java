package io.faultline.probe.proc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** A directory laid out like /proc and /sys, filled from the recorded copies in test resources. */
public final class FakeProc {

  public final Path proc;
  public final Path sys;

  public FakeProc(Path root) throws IOException {
    proc = Files.createDirectories(root.resolve("proc"));
    Files.createDirectories(proc.resolve("net"));
    sys = Files.createDirectories(root.resolve("sys"));
  }

  /** Copies the recorded resource {@code /proc/NAME} to {@code relative} under the fake /proc. */
  public void put(String resource, String relative) {
    try (InputStream in = FakeProc.class.getResourceAsStream("/proc/" + resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource /proc/" + resource);
      }
      Files.copy(in, proc.resolve(relative), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates {@code /sys/block/DEV}, with {@code ioerr_cnt} if {@code ioErrors} is not null. */
  public void blockDevice(String dev, String ioErrors) {
    try {
      Path d = Files.createDirectories(sys.resolve("block").resolve(dev).resolve("device"));
      if (ioErrors != null) {
        Files.writeString(d.resolve("ioerr_cnt"), ioErrors + "\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
