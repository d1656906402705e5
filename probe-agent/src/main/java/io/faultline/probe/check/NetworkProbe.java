package io.faultline.probe.check;

import io.faultline.common.EntityKind;
import io.faultline.probe.Sample;
import io.faultline.probe.proc.Counters;
import io.faultline.probe.proc.NetDev;
import io.faultline.schemas.Topics;
import io.faultline.telemetry.NetworkSample;
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
 * Network interfaces of this host from {@code /proc/net/dev} (packet rates, error and drop counts
 * per interval) plus the host-wide TCP retransmission rate from {@code /proc/net/snmp}, which is
 * reported on every interface because the kernel does not split it per NIC. Interfaces that
 * appear are announced and baselined, those that vanish are forgotten (as for disks).
 */
public final class NetworkProbe extends HostProbe {

  private final Pattern exclude;
  private final Map<String, NetDev.Interface> prev = new HashMap<>();
  private final Set<String> announced = new HashSet<>();
  private long prevRetrans = -1;
  private long prevNanos;

  public NetworkProbe(ProbeContext ctx, long intervalMs, Pattern exclude, Executor executor, LongSupplier nanos) {
    super(ctx, intervalMs, executor, nanos);
    this.exclude = exclude;
  }

  @Override
  public String name() {
    return "network";
  }

  public String entityId(String nic) {
    return "nic:" + ctx.host() + "/" + nic;
  }

  @Override
  protected List<Sample> sample(long now) {
    Map<String, NetDev.Interface> cur = NetDev.parse(lines(ctx.procRoot().resolve("net/dev")));
    long retrans = NetDev.tcpRetransSegs(lines(ctx.procRoot().resolve("net/snmp")));
    long elapsed = now - prevNanos;
    double retransPerSec = 0;
    if (prevRetrans >= 0 && retrans >= 0) {
      long d = Counters.delta(prevRetrans, retrans);
      retransPerSec = d == Counters.RESET ? 0 : perSecond(d, elapsed);
    }
    Instant time = ctx.clock().instant();
    List<Sample> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (NetDev.Interface c : cur.values()) {
      if (exclude.matcher(c.name()).matches()) {
        continue;
      }
      seen.add(c.name());
      if (announced.add(c.name())) {
        out.add(Sample.entity(entityId(c.name()), EntityKind.NIC, Map.of("host", ctx.host()), ctx.probeId(), time));
        out.add(Sample.dependency(ctx.hostId(), entityId(c.name()), false, ctx.probeId(), time));
      }
      NetDev.Interface p = prev.put(c.name(), c);
      if (p == null) {
        continue;
      }
      long rxP = Counters.delta(p.rxPackets(), c.rxPackets());
      long txP = Counters.delta(p.txPackets(), c.txPackets());
      long rxE = Counters.delta(p.rxErrors(), c.rxErrors());
      long txE = Counters.delta(p.txErrors(), c.txErrors());
      long rxD = Counters.delta(p.rxDropped(), c.rxDropped());
      long txD = Counters.delta(p.txDropped(), c.txDropped());
      if (rxP == Counters.RESET || txP == Counters.RESET || rxE == Counters.RESET
          || txE == Counters.RESET || rxD == Counters.RESET || txD == Counters.RESET) {
        continue; // interface re-created: new baseline
      }
      NetworkSample s = NetworkSample.newBuilder()
          .setEntity(entityId(c.name()))
          .setEventTime(time)
          .setProbe(ctx.probeId())
          .setIntervalMs((int) intervalMs())
          .setRxPacketsPerSec(perSecond(rxP, elapsed))
          .setTxPacketsPerSec(perSecond(txP, elapsed))
          .setRxErrors(rxE).setTxErrors(txE)
          .setRxDropped(rxD).setTxDropped(txD)
          .setRetransPerSec(retransPerSec)
          .build();
      out.add(Sample.telemetry(Topics.NETWORK, s.getEntity(), s, time));
    }
    prev.keySet().retainAll(seen);
    prevRetrans = retrans;
    prevNanos = now;
    return out;
  }
}
