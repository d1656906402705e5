package io.faultline.probe.check;

import java.nio.file.Path;
import java.time.Clock;

/**
 * What every probe needs to name and stamp its samples: the host name used in entity ids, the
 * probe id carried in each sample, where {@code /proc} and {@code /sys} are (tests point them at
 * recorded copies) and the wall clock for event times.
 */
public record ProbeContext(String host, String probeId, Path procRoot, Path sysRoot, Clock clock) {

  public String hostId() {
    return "host:" + host;
  }
}
