package io.faultline.probe.check;

import io.faultline.probe.Sample;
import io.faultline.schemas.Topics;
import io.faultline.telemetry.ServiceState;
import io.faultline.telemetry.ServiceStatusSample;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A critical service (database, broker, auth ...), checked by TCP connect or HTTP health URL.
 * DOWN: no connection or no answer within the timeout. DEGRADED: it answers, but slower than
 * {@code degradedMs}, or (HTTP) with a status other than the expected one, 5xx included.
 * UP otherwise.
 */
public final class ServiceCheck implements Check {

  public record Spec(String service, Endpoint endpoint, long intervalMs, long timeoutMs, long degradedMs, int expectStatus) {}

  private final ProbeContext ctx;
  private final Spec spec;
  private final Connector connector;

  public ServiceCheck(ProbeContext ctx, Spec spec, Connector connector) {
    this.ctx = ctx;
    this.spec = spec;
    this.connector = connector;
  }

  @Override
  public String name() {
    return spec.service();
  }

  @Override
  public long intervalMs() {
    return spec.intervalMs();
  }

  @Override
  public CompletableFuture<List<Sample>> run() {
    return connector.check(spec.endpoint(), spec.timeoutMs()).thenApply(r -> List.of(sample(state(r))));
  }

  ServiceState state(Connector.Reply r) {
    if (!r.answered()) {
      return ServiceState.DOWN;
    }
    boolean badStatus = spec.endpoint() instanceof Endpoint.Http && r.status() != spec.expectStatus();
    boolean slow = spec.degradedMs() > 0 && r.latencyMs() > spec.degradedMs();
    return badStatus || slow ? ServiceState.DEGRADED : ServiceState.UP;
  }

  private Sample sample(ServiceState state) {
    Instant time = ctx.clock().instant();
    ServiceStatusSample s = ServiceStatusSample.newBuilder()
        .setEntity(spec.service())
        .setEventTime(time)
        .setProbe(ctx.probeId())
        .setIntervalMs((int) spec.intervalMs())
        .setState(state)
        .build();
    return Sample.telemetry(Topics.SERVICE, s.getEntity(), s, time);
  }
}
