package io.faultline.probe.proc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Readers of {@code /proc/net/dev} and the TCP line of {@code /proc/net/snmp}. */
public final class NetDev {

  /** Cumulative counters of one interface. */
  public record Interface(String name, long rxPackets, long rxErrors, long rxDropped,
                          long txPackets, long txErrors, long txDropped) {}

  private NetDev() {}

  /** Parses {@code /proc/net/dev}; the two header lines have no colon-terminated name and are skipped. */
  public static Map<String, Interface> parse(List<String> lines) {
    Map<String, Interface> out = new LinkedHashMap<>();
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon <= 0 || line.contains("|")) {
        continue;
      }
      String name = line.substring(0, colon).trim();
      String[] f = line.substring(colon + 1).trim().split("\\s+");
      if (f.length < 16) {
        continue;
      }
      try {
        // rx: bytes packets errs drop fifo frame compressed multicast | tx: bytes packets errs drop ...
        out.put(name, new Interface(name,
            Counters.parse(f[1]), Counters.parse(f[2]), Counters.parse(f[3]),
            Counters.parse(f[9]), Counters.parse(f[10]), Counters.parse(f[11])));
      } catch (NumberFormatException e) {
        // skip
      }
    }
    return out;
  }

  /**
   * TCP {@code RetransSegs} from {@code /proc/net/snmp}, where a header line of names is followed
   * by a line of values with the same prefix; -1 if absent.
   */
  public static long tcpRetransSegs(List<String> lines) {
    String[] names = null;
    for (String line : lines) {
      if (!line.startsWith("Tcp:")) {
        continue;
      }
      String[] f = line.substring(4).trim().split("\\s+");
      if (names == null) {
        names = f;
        continue;
      }
      for (int i = 0; i < names.length && i < f.length; i++) {
        if (names[i].equals("RetransSegs")) {
          try {
            return Counters.parse(f[i]);
          } catch (NumberFormatException e) {
            return -1;
          }
        }
      }
      return -1;
    }
    return -1;
  }
}
