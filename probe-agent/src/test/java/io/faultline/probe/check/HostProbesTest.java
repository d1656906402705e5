package io.faultline.probe.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.probe.Sample;
import io.faultline.probe.proc.FakeProc;
import io.faultline.schemas.Topics;
import io.faultline.telemetry.DiskSample;
import io.faultline.telemetry.MemorySample;
import io.faultline.telemetry.NetworkSample;
import io.faultline.topology.TopologyEvent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host probes against recorded /proc copies whose rates are known (10 s apart on a fake ticker). */
class HostProbesTest {

  private static final long TEN_SECONDS = 10_000_000_000L;

  @TempDir
  Path root;
  FakeProc fake;
  ProbeContext ctx;
  final AtomicLong nanos = new AtomicLong();

  @BeforeEach
  void setUp() throws Exception {
    fake = new FakeProc(root);
    ctx = new ProbeContext("h1", "probe@h1", fake.proc, fake.sys, Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC));
  }

  private static Map<String, DiskSample> disks(List<Sample> samples) {
    return samples.stream().filter(s -> s.topic() == Topics.DISK)
        .collect(Collectors.toMap(Sample::key, s -> (DiskSample) s.value()));
  }

  @Test
  void shouldComputeRatesLatencyAndUtilisationWhenTwoReadsAreTenSecondsApart() {
    fake.blockDevice("sda", null);
    fake.blockDevice("sdb", "0x2");
    fake.blockDevice("loop0", null);
    DiskProbe probe = new DiskProbe(ctx, 10_000, Pattern.compile("(loop|ram)\\d*"), Runnable::run, nanos::get);
    fake.put("diskstats.1", "diskstats");
    List<Sample> first = probe.sample();
    assertTrue(disks(first).isEmpty(), "the first read is only a baseline");

    fake.put("diskstats.2", "diskstats");
    fake.blockDevice("sdb", "0x5");
    fake.blockDevice("sdc", null);
    nanos.addAndGet(TEN_SECONDS);
    Map<String, DiskSample> d = disks(probe.sample());

    assertEquals(List.of("disk:h1/sda", "disk:h1/sdb"), d.keySet().stream().sorted().toList(),
        "partitions, excluded devices and a just-plugged device give no sample");
    DiskSample sda = d.get("disk:h1/sda");
    assertEquals(20.0, sda.getReadIops(), 1e-9);
    assertEquals(10.0, sda.getWriteIops(), 1e-9);
    assertEquals(5.0, sda.getReadLatencyMs(), 1e-9);
    assertEquals(2.0, sda.getWriteLatencyMs(), 1e-9);
    assertEquals(0.5, sda.getUtilization(), 1e-9);
    assertNull(sda.getIoErrors(), "sda has no ioerr_cnt");
    assertEquals(Instant.parse("2026-11-21T10:00:00Z"), sda.getEventTime());
    assertEquals("probe@h1", sda.getProbe());

    DiskSample sdb = d.get("disk:h1/sdb");
    assertEquals(39.6, sdb.getReadIops(), 1e-9, "32-bit wrap of the reads counter");
    assertEquals(2.0, sdb.getReadLatencyMs(), 1e-9, "32-bit wrap of the read time counter");
    assertEquals(0.0, sdb.getWriteIops(), 1e-9);
    assertEquals(0.0, sdb.getWriteLatencyMs(), 1e-9);
    assertEquals(0.1, sdb.getUtilization(), 1e-9, "32-bit wrap of io_ticks");
    assertEquals(3L, sdb.getIoErrors());
  }

  @Test
  void shouldAnnounceNewDevicesAndRebaselineReturningOnesWhenDisksAreHotPlugged() {
    fake.blockDevice("sda", null);
    fake.blockDevice("sdb", null);
    fake.blockDevice("sdc", null);
    DiskProbe probe = new DiskProbe(ctx, 10_000, Pattern.compile("loop\\d*"), Runnable::run, nanos::get);
    fake.put("diskstats.1", "diskstats");
    List<Sample> first = probe.sample();
    assertEquals(List.of("disk:h1/sda", "disk:h1/sda", "disk:h1/sdb", "disk:h1/sdb"), topologyTargets(first));

    fake.put("diskstats.2", "diskstats");
    nanos.addAndGet(TEN_SECONDS);
    List<Sample> second = probe.sample();
    assertEquals(List.of("disk:h1/sdc", "disk:h1/sdc"), topologyTargets(second), "sdc appeared: entity and host edge");
    TopologyEvent edge = (TopologyEvent) second.stream().filter(s -> s.key().contains(" -> ")).findFirst().orElseThrow().value();
    assertEquals("host:h1", edge.getDependency().getFrom());

    fake.put("diskstats.3", "diskstats"); // sdb unplugged
    nanos.addAndGet(TEN_SECONDS);
    Map<String, DiskSample> third = disks(probe.sample());
    assertEquals(List.of("disk:h1/sda", "disk:h1/sdc"), third.keySet().stream().sorted().toList());
    assertEquals(10.0, third.get("disk:h1/sdc").getReadIops(), 1e-9);
    assertEquals(3.0, third.get("disk:h1/sdc").getReadLatencyMs(), 1e-9);
    assertEquals(0.0, third.get("disk:h1/sda").getReadIops(), 1e-9);

    fake.put("diskstats.4", "diskstats"); // sdb back with restarted counters
    nanos.addAndGet(TEN_SECONDS);
    List<Sample> fourth = probe.sample();
    assertEquals(List.of("disk:h1/sda", "disk:h1/sdc"), disks(fourth).keySet().stream().sorted().toList(),
        "a returning device is baselined again, not compared with its old counters");
    assertTrue(topologyTargets(fourth).isEmpty(), "sdb was announced before");
  }

  private static List<String> topologyTargets(List<Sample> samples) {
    return samples.stream().filter(s -> s.topic() == Topics.TOPOLOGY)
        .map(s -> {
          TopologyEvent e = (TopologyEvent) s.value();
          return e.getEntity() != null ? e.getEntity().getId() : e.getDependency().getTo();
        }).sorted().toList();
  }

  @Test
  void shouldConvertPagingToPagesPerSecondAndUsedRatioWhenReadingRecordedVmstat() {
    MemoryProbe probe = new MemoryProbe(ctx, 10_000, Runnable::run, nanos::get);
    fake.put("vmstat.1", "vmstat");
    fake.put("meminfo", "meminfo");
    assertTrue(probe.sample().isEmpty());
    fake.put("vmstat.2", "vmstat");
    nanos.addAndGet(TEN_SECONDS);
    List<Sample> out = probe.sample();
    assertEquals(1, out.size());
    MemorySample m = (MemorySample) out.get(0).value();
    assertEquals("host:h1", m.getEntity());
    assertEquals(1000.0, m.getPageInPerSec(), 1e-9);
    assertEquals(100.0, m.getPageOutPerSec(), 1e-9);
    assertEquals(10.0, m.getSwapInPerSec(), 1e-9);
    assertEquals(20.0, m.getSwapOutPerSec(), 1e-9);
    assertEquals(0.75, m.getUsedRatio(), 1e-9);
  }

  @Test
  void shouldCountAcrossWrapsAndAnnounceNewInterfacesWhenReadingRecordedNetDev() {
    NetworkProbe probe = new NetworkProbe(ctx, 10_000, Pattern.compile("lo"), Runnable::run, nanos::get);
    fake.put("net-dev.1", "net/dev");
    fake.put("snmp.1", "net/snmp");
    List<Sample> first = probe.sample();
    assertTrue(first.stream().noneMatch(s -> s.topic() == Topics.NETWORK));
    assertEquals(List.of("nic:h1/eth0", "nic:h1/eth0"), topologyTargets(first), "lo is excluded");

    fake.put("net-dev.2", "net/dev");
    fake.put("snmp.2", "net/snmp");
    nanos.addAndGet(TEN_SECONDS);
    List<Sample> second = probe.sample();
    assertEquals(List.of("nic:h1/eth1", "nic:h1/eth1"), topologyTargets(second));
    List<NetworkSample> nics = second.stream().filter(s -> s.topic() == Topics.NETWORK)
        .map(s -> (NetworkSample) s.value()).toList();
    assertEquals(1, nics.size(), "eth1 is new: baseline only");
    NetworkSample eth0 = nics.get(0);
    assertEquals("nic:h1/eth0", eth0.getEntity());
    assertEquals(20.0, eth0.getRxPacketsPerSec(), 1e-9, "64-bit wrap");
    assertEquals(100.0, eth0.getTxPacketsPerSec(), 1e-9, "32-bit wrap");
    assertEquals(10, eth0.getRxErrors());
    assertEquals(0, eth0.getTxErrors());
    assertEquals(0, eth0.getRxDropped());
    assertEquals(2, eth0.getTxDropped());
    assertEquals(5.0, eth0.getRetransPerSec(), 1e-9);
  }

  @Test
  void shouldMeasureThisMachineWhenPointedAtTheLiveProc() throws Exception {
    ProbeContext live = new ProbeContext("live", "probe@live", Path.of("/proc"), Path.of("/sys"), Clock.systemUTC());
    MemoryProbe mem = new MemoryProbe(live, 10_000, Runnable::run, System::nanoTime);
    NetworkProbe net = new NetworkProbe(live, 10_000, Pattern.compile("x^"), Runnable::run, System::nanoTime);
    DiskProbe disk = new DiskProbe(live, 10_000, Pattern.compile("x^"), Runnable::run, System::nanoTime);
    mem.sample();
    net.sample();
    disk.sample();
    MemorySample m = (MemorySample) mem.sample().get(0).value();
    assertTrue(m.getUsedRatio() > 0 && m.getUsedRatio() < 1, "used ratio " + m.getUsedRatio());
    assertTrue(net.sample().stream().anyMatch(s -> s.key().equals("nic:live/lo")));
    List<DiskSample> disks = disks(disk.sample()).values().stream().toList();
    assertTrue(!disks.isEmpty() && disks.stream().allMatch(d -> d.getUtilization() >= 0 && d.getUtilization() <= 1));
  }
}
