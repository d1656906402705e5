package io.faultline.processor.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time used, so figures measured on a shared machine can be read per CPU-second as well as per
 * wall-clock second.
 */
final class Cpu {
  /** Linux reports process times in clock ticks of 1/100 s (USER_HZ) on every common platform. */
  private static final double TICKS_PER_SECOND = 100.0;

  private Cpu() {}

  /** CPU seconds of this JVM (all threads: stream threads, clients, RocksDB, GC). */
  static double thisProcess() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime() / 1e9;
    }
    return Double.NaN;
  }

  /** CPU seconds (user + system) of process {@code pid} from /proc; NaN where there is no /proc. */
  static double ofProcess(long pid) {
    try {
      return parseStat(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** utime + stime (fields 14 and 15) of a /proc/PID/stat line, in seconds; the command may contain spaces. */
  static double parseStat(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    // f[0] is field 3 (state): utime is field 14 -> f[11], stime field 15 -> f[12].
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
  }
}
