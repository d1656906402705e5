package io.faultline.probe.check;

import io.faultline.probe.Sample;
import io.faultline.probe.proc.Counters;
import io.faultline.probe.proc.KeyValueFile;
import io.faultline.schemas.Topics;
import io.faultline.telemetry.MemorySample;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * Paging and swapping of this host from {@code /proc/vmstat}, used memory from
 * {@code /proc/meminfo}. {@code pgpgin}/{@code pgpgout} count KiB, so they are converted to 4 KiB
 * pages to share a unit with {@code pswpin}/{@code pswpout}.
 */
public final class MemoryProbe extends HostProbe {

  private static final String[] COUNTERS = {"pgpgin", "pgpgout", "pswpin", "pswpout"};
  private static final double KIB_PER_PAGE = 4;

  private long[] prev;
  private long prevNanos;

  public MemoryProbe(ProbeContext ctx, long intervalMs, Executor executor, LongSupplier nanos) {
    super(ctx, intervalMs, executor, nanos);
  }

  @Override
  public String name() {
    return "memory";
  }

  @Override
  protected List<Sample> sample(long now) {
    Map<String, Long> vm = KeyValueFile.vmstat(lines(ctx.procRoot().resolve("vmstat")));
    Map<String, Long> mem = KeyValueFile.meminfo(lines(ctx.procRoot().resolve("meminfo")));
    long[] cur = new long[COUNTERS.length];
    for (int i = 0; i < COUNTERS.length; i++) {
      Long v = vm.get(COUNTERS[i]);
      if (v == null) {
        throw new UncheckedIOException(new java.io.IOException(
            ctx.procRoot().resolve("vmstat") + " has no " + COUNTERS[i] + " counter"));
      }
      cur[i] = v;
    }
    Long total = mem.get("MemTotal");
    Long available = mem.get("MemAvailable");
    if (total == null || available == null || total <= 0) {
      throw new UncheckedIOException(new java.io.IOException(
          ctx.procRoot().resolve("meminfo") + " has no MemTotal/MemAvailable (kernel older than 3.14?)"));
    }
    long[] before = prev;
    long elapsed = now - prevNanos;
    prev = cur;
    prevNanos = now;
    if (before == null) {
      return List.of();
    }
    double[] rate = new double[COUNTERS.length];
    for (int i = 0; i < COUNTERS.length; i++) {
      long d = Counters.delta(before[i], cur[i]);
      if (d == Counters.RESET) {
        return List.of();
      }
      rate[i] = perSecond(d, elapsed);
    }
    Instant time = ctx.clock().instant();
    MemorySample s = MemorySample.newBuilder()
        .setEntity(ctx.hostId())
        .setEventTime(time)
        .setProbe(ctx.probeId())
        .setIntervalMs((int) intervalMs())
        .setPageInPerSec(rate[0] / KIB_PER_PAGE)
        .setPageOutPerSec(rate[1] / KIB_PER_PAGE)
        .setSwapInPerSec(rate[2])
        .setSwapOutPerSec(rate[3])
        .setUsedRatio(Math.max(0, Math.min(1, (double) (total - available) / total)))
        .build();
    return List.of(Sample.telemetry(Topics.MEMORY, s.getEntity(), s, time));
  }
}
