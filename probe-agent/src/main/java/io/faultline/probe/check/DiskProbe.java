package io.faultline.probe.check;

import io.faultline.common.EntityKind;
import io.faultline.probe.Sample;
import io.faultline.probe.proc.Counters;
import io.faultline.probe.proc.DiskStats;
import io.faultline.schemas.Topics;
import io.faultline.telemetry.DiskSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Disks of this host from {@code /proc/diskstats}: IOPS, mean latency per operation from the
 * kernel's time-spent fields, utilisation from {@code io_ticks}, and I/O errors from
 * {@code /sys/block/DEV/device/ioerr_cnt} where the driver exposes it (SCSI), else null.
 *
 * <p>Only whole block devices (those under {@code /sys/block}) are sampled, so partitions are not
 * counted twice. A device that appears is announced on the topology topic and baselined; one that
 * disappears is forgotten (its silence is the symptom, so it is not removed from the topology).
 */
public final class DiskProbe extends HostProbe {

  private record Baseline(DiskStats.Device counters, Long ioErrors, long nanos) {}

  private final Pattern exclude;
  private final Map<String, Baseline> baselines = new HashMap<>();
  private final Set<String> announced = new HashSet<>();

  public DiskProbe(ProbeContext ctx, long intervalMs, Pattern exclude, Executor executor, LongSupplier nanos) {
    super(ctx, intervalMs, executor, nanos);
    this.exclude = exclude;
  }

  @Override
  public String name() {
    return "disk";
  }

  public String entityId(String device) {
    return "disk:" + ctx.host() + "/" + device;
  }

  @Override
  protected List<Sample> sample(long now) {
    Map<String, DiskStats.Device> devices = DiskStats.parse(lines(ctx.procRoot().resolve("diskstats")));
    Instant time = ctx.clock().instant();
    List<Sample> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (DiskStats.Device cur : devices.values()) {
      String name = cur.name();
      if (exclude.matcher(name).matches() || !Files.isDirectory(ctx.sysRoot().resolve("block").resolve(name))) {
        continue;
      }
      seen.add(name);
      Long errors = ioErrors(name);
      Baseline prev = baselines.put(name, new Baseline(cur, errors, now));
      if (announced.add(name)) {
        out.add(Sample.entity(entityId(name), EntityKind.DISK, Map.of("host", ctx.host()), ctx.probeId(), time));
        out.add(Sample.dependency(ctx.hostId(), entityId(name), false, ctx.probeId(), time));
      }
      if (prev == null) {
        continue;
      }
      DiskSample s = measure(name, prev, cur, errors, now - prev.nanos(), time);
      if (s != null) {
        out.add(Sample.telemetry(Topics.DISK, s.getEntity(), s, time));
      }
    }
    baselines.keySet().retainAll(seen);
    return out;
  }

  private DiskSample measure(String name, Baseline prev, DiskStats.Device cur, Long errors, long elapsed, Instant time) {
    DiskStats.Device p = prev.counters();
    long reads = Counters.delta(p.reads(), cur.reads());
    long readMs = Counters.delta(p.readMs(), cur.readMs());
    long writes = Counters.delta(p.writes(), cur.writes());
    long writeMs = Counters.delta(p.writeMs(), cur.writeMs());
    long ticks = Counters.delta(p.ioTicksMs(), cur.ioTicksMs());
    if (reads == Counters.RESET || readMs == Counters.RESET || writes == Counters.RESET
        || writeMs == Counters.RESET || ticks == Counters.RESET) {
      return null; // counters restarted (device re-attached): this read is the new baseline
    }
    Long errorDelta = null;
    if (errors != null && prev.ioErrors() != null) {
      long d = Counters.delta(prev.ioErrors(), errors);
      errorDelta = d == Counters.RESET ? null : d;
    }
    double elapsedMs = elapsed / 1e6;
    return DiskSample.newBuilder()
        .setEntity(entityId(name))
        .setEventTime(time)
        .setProbe(ctx.probeId())
        .setIntervalMs((int) intervalMs())
        .setReadIops(perSecond(reads, elapsed))
        .setWriteIops(perSecond(writes, elapsed))
        .setReadLatencyMs(reads == 0 ? 0 : (double) readMs / reads)
        .setWriteLatencyMs(writes == 0 ? 0 : (double) writeMs / writes)
        .setIoErrors(errorDelta)
        .setUtilization(elapsedMs <= 0 ? 0 : Math.min(1.0, ticks / elapsedMs))
        .build();
  }

  /** The SCSI error counter (printed in hex, {@code 0x1a}) or null where the driver has none. */
  private Long ioErrors(String device) {
    Path file = ctx.sysRoot().resolve("block").resolve(device).resolve("device").resolve("ioerr_cnt");
    try {
      return Long.decode(Files.readString(file).trim());
    } catch (IOException | NumberFormatException e) {
      return null;
    }
  }
}
