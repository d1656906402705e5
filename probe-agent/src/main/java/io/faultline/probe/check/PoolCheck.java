package io.faultline.probe.check;

import io.faultline.probe.Sample;
import io.faultline.schemas.Topics;
import io.faultline.telemetry.MemberState;
import io.faultline.telemetry.PoolMemberSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Members of a load-balanced pool, each checked on its own health URL or TCP port (not through
 * the balancer, which would hide a dead member): UP when it answers in time (HTTP: with the
 * expected status), DOWN otherwise. One sample per member, keyed by the pool.
 */
public final class PoolCheck implements Check {

  public record Member(String id, Endpoint endpoint) {}

  public record Spec(String pool, long intervalMs, long timeoutMs, int expectStatus, List<Member> members) {}

  private final ProbeContext ctx;
  private final Spec spec;
  private final Connector connector;

  public PoolCheck(ProbeContext ctx, Spec spec, Connector connector) {
    this.ctx = ctx;
    this.spec = spec;
    this.connector = connector;
  }

  @Override
  public String name() {
    return spec.pool();
  }

  @Override
  public long intervalMs() {
    return spec.intervalMs();
  }

  @Override
  public CompletableFuture<List<Sample>> run() {
    List<CompletableFuture<Sample>> members = new ArrayList<>();
    for (Member m : spec.members()) {
      members.add(connector.check(m.endpoint(), spec.timeoutMs()).thenApply(r -> {
        boolean up = r.answered() && (m.endpoint() instanceof Endpoint.Tcp || r.status() == spec.expectStatus());
        return sample(m.id(), up ? MemberState.UP : MemberState.DOWN);
      }));
    }
    return CompletableFuture.allOf(members.toArray(CompletableFuture[]::new))
        .thenApply(v -> members.stream().map(CompletableFuture::join).toList());
  }

  private Sample sample(String member, MemberState state) {
    Instant time = ctx.clock().instant();
    PoolMemberSample s = PoolMemberSample.newBuilder()
        .setEntity(spec.pool())
        .setEventTime(time)
        .setProbe(ctx.probeId())
        .setIntervalMs((int) spec.intervalMs())
        .setMember(member)
        .setState(state)
        .build();
    return Sample.telemetry(Topics.POOL, s.getEntity(), s, time);
  }
}
