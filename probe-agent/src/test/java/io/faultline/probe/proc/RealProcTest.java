package io.faultline.probe.proc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parsers against this machine's live /proc: whatever the kernel prints, they must read it. */
class RealProcTest {

  @Test
  void shouldParseEveryBlockDeviceWhenReadingThisMachinesDiskstats() throws Exception {
    var lines = Files.readAllLines(Path.of("/proc/diskstats"));
    Map<String, DiskStats.Device> devices = DiskStats.parse(lines);
    assertFalse(devices.isEmpty(), "no device parsed from /proc/diskstats");
    for (String dev : Files.list(Path.of("/sys/block")).map(p -> p.getFileName().toString()).toList()) {
      assertTrue(devices.containsKey(dev), dev + " is in /sys/block but was not parsed from /proc/diskstats");
    }
  }

  @Test
  void shouldFindPagingCountersWhenReadingThisMachinesVmstatAndMeminfo() throws Exception {
    Map<String, Long> vm = KeyValueFile.vmstat(Files.readAllLines(Path.of("/proc/vmstat")));
    for (String k : new String[] {"pgpgin", "pgpgout", "pswpin", "pswpout"}) {
      assertTrue(vm.containsKey(k), k);
    }
    Map<String, Long> mem = KeyValueFile.meminfo(Files.readAllLines(Path.of("/proc/meminfo")));
    assertTrue(mem.get("MemTotal") > 0);
    assertTrue(mem.get("MemAvailable") > 0 && mem.get("MemAvailable") <= mem.get("MemTotal"));
  }

  @Test
  void shouldParseLoopbackAndRetransmitsWhenReadingThisMachinesNetFiles() throws Exception {
    Map<String, NetDev.Interface> nics = NetDev.parse(Files.readAllLines(Path.of("/proc/net/dev")));
    assertTrue(nics.containsKey("lo"), "lo not parsed: " + nics.keySet());
    assertTrue(NetDev.tcpRetransSegs(Files.readAllLines(Path.of("/proc/net/snmp"))) >= 0);
  }
}
