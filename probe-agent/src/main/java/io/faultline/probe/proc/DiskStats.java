package io.faultline.probe.proc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One read of {@code /proc/diskstats}: the counters the disk probe needs, per device name.
 * Field positions are those of Documentation/admin-guide/iostats.rst (kernel 2.6+; the discard
 * and flush columns of newer kernels are ignored).
 */
public final class DiskStats {

  /** Cumulative counters of one device; times are milliseconds. */
  public record Device(String name, long reads, long readMs, long writes, long writeMs, long ioTicksMs) {}

  private DiskStats() {}

  /** Parses the file's lines; lines with fewer than the 14 classic columns are skipped. */
  public static Map<String, Device> parse(List<String> lines) {
    Map<String, Device> out = new LinkedHashMap<>();
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 14) {
        continue;
      }
      try {
        out.put(f[2], new Device(f[2],
            Counters.parse(f[3]), Counters.parse(f[6]),
            Counters.parse(f[7]), Counters.parse(f[10]),
            Counters.parse(f[12])));
      } catch (NumberFormatException e) {
        // a line we do not understand says nothing about the other devices
      }
    }
    return out;
  }
}
