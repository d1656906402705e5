package io.faultline.probe;

import io.faultline.common.EntityKind;
import io.faultline.probe.check.AppCheck;
import io.faultline.probe.check.Check;
import io.faultline.probe.check.Connector;
import io.faultline.probe.check.DiskProbe;
import io.faultline.probe.check.DnsCheck;
import io.faultline.probe.check.HostProbe;
import io.faultline.probe.check.MemoryProbe;
import io.faultline.probe.check.NetworkProbe;
import io.faultline.probe.check.PoolCheck;
import io.faultline.probe.check.ProbeContext;
import io.faultline.probe.check.ServiceCheck;
import io.faultline.probe.config.ProbeConfig;
import io.faultline.probe.spool.SampleSink;
import java.io.Closeable;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every configured check on its own schedule and hands the samples to a sink (the spool).
 * Threads: one timer that starts checks and enforces TCP timeouts, a small pool for {@code /proc}
 * reads and completions, and the shared HTTP and DNS I/O threads; checks wait on the network
 * asynchronously, so a slow target occupies no thread and delays no other check. A check still
 * running when its next turn comes is skipped that turn (and counted), never queued up.
 */
public final class ProbeAgent implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(ProbeAgent.class);

  private final ProbeConfig config;
  private final ProbeContext ctx;
  private final SampleSink sink;
  private final ScheduledExecutorService timer;
  private final ExecutorService work;
  private final Connector connector;
  private final List<Check> checks;
  private final Set<Check> running = ConcurrentHashMap.newKeySet();
  private final AtomicLong overruns = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();

  public ProbeAgent(ProbeConfig config, SampleSink sink) {
    this(config, sink, Clock.tickMillis(java.time.ZoneOffset.UTC));
  }

  public ProbeAgent(ProbeConfig config, SampleSink sink, Clock clock) {
    this.config = config;
    this.sink = sink;
    this.ctx = new ProbeContext(config.host(), config.probeId(), config.procRoot(), config.sysRoot(), clock);
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, threads("faultline-timer"));
    t.setRemoveOnCancelPolicy(true);
    this.timer = t;
    this.work = Executors.newFixedThreadPool(config.threads(), threads("faultline-probe"));
    this.connector = new Connector(timer);
    this.checks = buildChecks();
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread th = new Thread(r, prefix + "-" + n.incrementAndGet());
      th.setDaemon(true);
      return th;
    };
  }

  private List<Check> buildChecks() {
    List<Check> out = new ArrayList<>();
    if (config.disk().enabled()) {
      out.add(new DiskProbe(ctx, config.disk().intervalMs(), config.disk().exclude(), work, System::nanoTime));
    }
    if (config.memory().enabled()) {
      out.add(new MemoryProbe(ctx, config.memory().intervalMs(), work, System::nanoTime));
    }
    if (config.network().enabled()) {
      out.add(new NetworkProbe(ctx, config.network().intervalMs(), config.network().exclude(), work, System::nanoTime));
    }
    ProbeConfig.DnsSpec dns = config.dns();
    for (String name : dns.names()) {
      for (String resolver : dns.resolvers()) {
        out.add(new DnsCheck(ctx, name, dns.type(), resolver, dns.intervalMs(), dns.timeoutMs(), work));
      }
    }
    for (ProbeConfig.AppSpec app : config.apps()) {
      out.add(new AppCheck(ctx, app.check(), connector));
    }
    for (PoolCheck.Spec pool : config.pools()) {
      out.add(new PoolCheck(ctx, pool, connector));
    }
    for (ServiceCheck.Spec svc : config.services()) {
      out.add(new ServiceCheck(ctx, svc, connector));
    }
    return List.copyOf(out);
  }

  public List<Check> checks() {
    return checks;
  }

  /**
   * What the configuration itself says for sure: this host, and each application's dependency on
   * the DNS names and pool it is checked through, each pool's members. Disks and NICs are
   * announced by their probes as they are discovered.
   */
  public static List<Sample> declaredTopology(ProbeConfig config, Instant time) {
    String source = config.probeId();
    List<Sample> out = new ArrayList<>();
    out.add(Sample.entity("host:" + config.host(), EntityKind.HOST, Map.of(), source, time));
    Set<String> edges = new LinkedHashSet<>();
    for (ProbeConfig.AppSpec app : config.apps()) {
      String from = app.check().entity();
      app.dnsNames().forEach(n -> edges.add(from + "\n" + "dns-name:" + n));
      if (app.pool() != null) {
        edges.add(from + "\n" + app.pool());
      }
    }
    for (PoolCheck.Spec pool : config.pools()) {
      pool.members().forEach(m -> edges.add(pool.pool() + "\n" + m.id()));
    }
    for (String e : edges) {
      String[] ft = e.split("\n");
      out.add(Sample.dependency(ft[0], ft[1], false, source, time));
    }
    return out;
  }

  /** Announces the declared topology and schedules every check, spread over its first interval. */
  public void start() {
    sink.accept(declaredTopology(config, ctx.clock().instant()));
    for (Check c : checks) {
      long delay = Math.floorMod(c.name().hashCode(), Math.max(1, (int) Math.min(c.intervalMs(), 5_000)));
      if (c instanceof HostProbe) {
        delay = 0; // take the baseline now, so the first rates come one interval in
      }
      timer.scheduleAtFixedRate(() -> runOnce(c), delay, c.intervalMs(), TimeUnit.MILLISECONDS);
    }
    LOG.info("probe {} on host {}: {} checks scheduled", config.probeId(), config.host(), checks.size());
  }

  private void runOnce(Check c) {
    if (!running.add(c)) {
      long n = overruns.incrementAndGet();
      LOG.warn("check {} still running when its next turn came; turn skipped ({} skipped so far)", c.name(), n);
      return;
    }
    CompletableFuture<List<Sample>> f;
    try {
      f = c.run();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete((samples, error) -> {
      running.remove(c);
      if (error != null) {
        errors.incrementAndGet();
        LOG.warn("check {} could not measure: {}", c.name(), error.getCause() != null ? error.getCause() : error);
        return;
      }
      try {
        sink.accept(samples);
      } catch (RuntimeException e) {
        errors.incrementAndGet();
        LOG.error("cannot store samples of {}: {}", c.name(), e.toString());
      }
    });
  }

  /**
   * One round of every check, for {@code --once}: host probes take a baseline, wait
   * {@code windowMs}, and measure; the other checks run concurrently. Includes the declared
   * topology and discovered disks and NICs.
   */
  public List<Sample> runOnce(long windowMs) throws InterruptedException {
    List<Sample> out = new ArrayList<>(declaredTopology(config, ctx.clock().instant()));
    List<HostProbe> host = checks.stream().filter(HostProbe.class::isInstance).map(HostProbe.class::cast).toList();
    for (HostProbe h : host) {
      out.addAll(h.sample());
    }
    Thread.sleep(windowMs);
    List<CompletableFuture<List<Sample>>> futures = new ArrayList<>();
    for (Check c : checks) {
      futures.add(c.run());
    }
    for (int i = 0; i < futures.size(); i++) {
      try {
        out.addAll(futures.get(i).get());
      } catch (java.util.concurrent.ExecutionException e) {
        LOG.warn("check {} could not measure: {}", checks.get(i).name(), e.getCause().toString());
      }
    }
    return out;
  }

  public long overruns() {
    return overruns.get();
  }

  public long errors() {
    return errors.get();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    work.shutdownNow();
    connector.close();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
      work.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
