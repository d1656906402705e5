package io.faultline.probe.check;

import io.faultline.probe.Sample;
import io.faultline.schemas.Topics;
import io.faultline.telemetry.AppCheckSample;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * A synthetic HTTP check of an application: one request, or a transaction of steps run in order
 * (browse, add to cart, purchase) sharing cookies the way a browser session would. A step fails
 * on no answer within its timeout, an unexpected status, a missing body substring or a reply
 * slower than its latency limit; the transaction stops there and reports that step.
 */
public final class AppCheck implements Check {

  /** One request of a transaction; {@code expectBody} and {@code maxLatencyMs} may be null/0. */
  public record Step(String name, String method, URI url, String body, Map<String, String> headers,
                     int expectStatus, String expectBody, long maxLatencyMs, long timeoutMs) {}

  /** What the check is: its name, the entity it speaks for ({@code app:NAME} or {@code svc:NAME}) and steps. */
  public record Spec(String name, String entity, long intervalMs, List<Step> steps) {}

  private final ProbeContext ctx;
  private final Spec spec;
  private final Connector connector;

  public AppCheck(ProbeContext ctx, Spec spec, Connector connector) {
    this.ctx = ctx;
    this.spec = spec;
    this.connector = connector;
  }

  @Override
  public String name() {
    return "app:" + spec.name();
  }

  @Override
  public long intervalMs() {
    return spec.intervalMs();
  }

  private record Progress(int next, double latencyMs, int status, String failedStep, Map<String, String> cookies) {}

  @Override
  public CompletableFuture<List<Sample>> run() {
    return step(new Progress(0, 0, 0, null, new LinkedHashMap<>())).thenApply(p -> List.of(sample(p)));
  }

  private CompletableFuture<Progress> step(Progress p) {
    if (p.next() >= spec.steps().size() || p.failedStep() != null) {
      return CompletableFuture.completedFuture(p);
    }
    Step s = spec.steps().get(p.next());
    Map<String, String> headers = new LinkedHashMap<>(s.headers());
    if (!p.cookies().isEmpty()) {
      headers.put("Cookie", p.cookies().entrySet().stream()
          .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; ")));
    }
    return connector.http(s.method(), s.url(), s.body(), headers, s.timeoutMs()).thenCompose(r -> {
      Map<String, String> cookies = p.cookies();
      for (String setCookie : r.headers().getOrDefault("set-cookie", List.of())) {
        String pair = setCookie.split(";", 2)[0];
        int eq = pair.indexOf('=');
        if (eq > 0) {
          cookies.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
      }
      boolean ok = r.answered()
          && r.status() == s.expectStatus()
          && (s.expectBody() == null || (r.body() != null && r.body().contains(s.expectBody())))
          && (s.maxLatencyMs() <= 0 || r.latencyMs() <= s.maxLatencyMs());
      return step(new Progress(p.next() + 1, p.latencyMs() + r.latencyMs(), r.status(), ok ? null : s.name(), cookies));
    });
  }

  private Sample sample(Progress p) {
    Instant time = ctx.clock().instant();
    boolean ok = p.failedStep() == null;
    AppCheckSample s = AppCheckSample.newBuilder()
        .setEntity(spec.entity())
        .setEventTime(time)
        .setProbe(ctx.probeId())
        .setIntervalMs((int) spec.intervalMs())
        .setCheck(spec.name())
        .setOk(ok)
        .setLatencyMs(p.latencyMs())
        .setStatus(p.status())
        // the schema keeps failedStep for transactions: a single request has nothing to name
        .setFailedStep(spec.steps().size() > 1 ? p.failedStep() : null)
        .build();
    return Sample.telemetry(Topics.APP, s.getEntity(), s, time);
  }
}
