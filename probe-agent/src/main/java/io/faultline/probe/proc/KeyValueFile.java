package io.faultline.probe.proc;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Readers for the "name value [unit]" files: {@code /proc/vmstat}, {@code /proc/meminfo}. */
public final class KeyValueFile {

  private KeyValueFile() {}

  /** {@code pgpgin 1291817} lines; unparseable lines are skipped. */
  public static Map<String, Long> vmstat(List<String> lines) {
    Map<String, Long> out = new HashMap<>();
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 2) {
        try {
          out.put(f[0], Counters.parse(f[1]));
        } catch (NumberFormatException e) {
          // skip
        }
      }
    }
    return out;
  }

  /** {@code MemTotal:  24684092 kB} lines, values in kB as printed. */
  public static Map<String, Long> meminfo(List<String> lines) {
    Map<String, Long> out = new HashMap<>();
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String[] f = line.substring(colon + 1).trim().split("\\s+");
      try {
        out.put(line.substring(0, colon).trim(), Long.parseLong(f[0]));
      } catch (NumberFormatException e) {
        // skip
      }
    }
    return out;
  }
}
