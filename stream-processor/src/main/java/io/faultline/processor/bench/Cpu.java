package io.faultline.processor.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

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

  /**
   * CPU seconds (user + system) so far of each JIT compiler thread of process {@code pid} ("C1 CompilerThre",
   * "C2 CompilerThre" in /proc), by thread id; empty where there is no /proc. The compilers run on the same
   * cores as the stream threads, and how much they compile inside a run explains much of the variance
   * between runs.
   */
  static Map<String, Double> compilerThreads(long pid) {
    Map<String, Double> cpu = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
            cpu.put(task.getFileName().toString(), parseStat(stat));
          }
        } catch (IOException | RuntimeException e) {
          // the thread ended while we looked: its time is lost (see since())
        }
      }
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
    return cpu;
  }

  /**
   * CPU seconds the threads of {@code now} used since {@code before} (a thread new since counts whole). The
   * JVM ends compiler threads it no longer needs: the time of one that ended in between is missed, so this is
   * a lower bound; NaN if {@code now} is empty.
   */
  static double since(Map<String, Double> before, Map<String, Double> now) {
    if (now.isEmpty()) {
      return Double.NaN;
    }
    double sum = 0;
    for (Map.Entry<String, Double> e : now.entrySet()) {
      sum += e.getValue() - before.getOrDefault(e.getKey(), 0.0);
    }
    return sum;
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
