package io.faultline.processor.sim;

import io.faultline.processor.sim.Effect.Impact;
import io.faultline.processor.sim.Estate.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The probes of an estate and what they measure: one series per measured thing (a VM's memory,
 * a NIC, one DNS name through one resolver, a pool's view of one member, ...), each with its own
 * normal level, sampling phase and noise, rendered to scenario lines sample by sample. Switches
 * and resolvers are silent by nature; pools only report member states.
 *
 * <p>Value ranges follow the shared example scenarios: paging 10-30 pages/s, datastore latency
 * 1-3 ms, 2-8k packets/s, DNS 1-4 ms, application checks 60-250 ms.
 */
final class Telemetry {
  /** Probability per sample of a one-sample spike (or a one-off failed check / DNS timeout). */
  static final double SPIKE = 0.004;
  /** Probability per sample that the sample never arrives. */
  static final double MISSING = 0.005;
  /** Share of series with a flapping metric (alternating between normal and 2-3x every few samples). */
  static final double FLAPPING = 0.04;

  private static final String[] FAILED_STEPS = {"authorize", "commit", "render", "persist", "validate"};

  enum Type { MEMORY, DISK, NETWORK, DNS, APP, POOL, SERVICE }

  static final class Series {
    final Node node;
    final Type type;
    /** The pool member or the resolver, for pool and DNS series. */
    final Node other;
    final long phaseMs;
    final double base;
    final double base2;
    final double ratio;
    final int flapPeriod;
    final double flapFactor;
    /** Pools: how long the health check takes to notice a member's trouble. */
    final long detectLagMs;

    Series(Node node, Type type, Node other, long phaseMs, double base, double base2, double ratio, int flapPeriod,
           double flapFactor, long detectLagMs) {
      this.node = node;
      this.type = type;
      this.other = other;
      this.phaseMs = phaseMs;
      this.base = base;
      this.base2 = base2;
      this.ratio = ratio;
      this.flapPeriod = flapPeriod;
      this.flapFactor = flapFactor;
      this.detectLagMs = detectLagMs;
    }
  }

  final List<Series> series = new ArrayList<>();
  private final Effect[] effects;
  private final boolean noise;
  private final SplittableRandom rnd;
  private final JsonLine json = new JsonLine();

  Telemetry(Estate estate, Effect[] effects, int intervalMs, boolean noise, SplittableRandom rnd) {
    this.effects = effects;
    this.noise = noise;
    this.rnd = rnd;
    for (Node n : estate.nodes) {
      switch (n.kind) {
        case "host", "vm" -> {
          double pageIn = uniform(10, 30);
          add(n, Type.MEMORY, null, intervalMs, pageIn, uniform(0.7, 0.85), clamp(pageIn * 0.028 + uniform(-0.03, 0.03)));
        }
        case "datastore", "disk-array" -> add(n, Type.DISK, null, intervalMs, uniform(700, 1400), uniform(0.9, 1.9),
            uniform(0.25, 0.55));
        case "nic" -> add(n, Type.NETWORK, null, intervalMs, uniform(2500, 8000), uniform(0.8, 0.9), 0);
        case "dns-name" -> {
          for (Node r : estate.depsOfKind(n, "dns-resolver")) {
            add(n, Type.DNS, r, intervalMs, uniform(1.4, 3.5), 0, 0);
          }
        }
        case "application", "service" -> {
          add(n, Type.APP, null, intervalMs, uniform(60, 230), 0, 0);
          if (n.is("service")) {
            add(n, Type.SERVICE, null, intervalMs, 0, 0, 0);
          }
        }
        case "pool" -> {
          for (int i = 0; i < n.deps.size(); i++) {
            add(n, Type.POOL, estate.nodes.get(n.deps.get(i)), intervalMs, 0, 0, 0);
          }
        }
        default -> {
          // switches and resolvers are silent
        }
      }
    }
  }

  private void add(Node n, Type type, Node other, int intervalMs, double base, double base2, double ratio) {
    boolean flaps = noise && type != Type.POOL && type != Type.SERVICE && type != Type.DNS && rnd.nextDouble() < FLAPPING;
    series.add(new Series(n, type, other, rnd.nextLong(intervalMs), base, base2, ratio,
        flaps ? 2 + rnd.nextInt(5) : 0, flaps ? uniform(1.8, 3.0) : 1.0, 5_000 + rnd.nextLong(15_000)));
  }

  /** The line of series {@code s} for sample {@code k} at event time {@code t}, or null if none arrives. */
  String render(Series s, int k, long t) {
    if (noise && rnd.nextDouble() < MISSING) {
      return null;
    }
    Effect e = active(s.type == Type.POOL ? s.other : s.node, t - (s.type == Type.POOL ? s.detectLagMs : 0));
    double flap = s.flapPeriod > 0 && (k / s.flapPeriod) % 2 == 1 ? s.flapFactor : 1.0;
    boolean spike = noise && rnd.nextDouble() < SPIKE;
    double spikeFactor = spike ? uniform(4, 8) : 1.0;
    return switch (s.type) {
      case MEMORY -> memory(s, t, e, flap * spikeFactor);
      case DISK -> disk(s, t, e, flap * spikeFactor);
      case NETWORK -> network(s, t, e, flap * spikeFactor);
      case DNS -> dns(s, t, e, spike);
      case APP -> app(s, t, e, flap * spikeFactor, spike && rnd.nextDouble() < 0.5);
      case POOL -> pool(s, t, e);
      case SERVICE -> service(s, t, e);
    };
  }

  private Effect active(Node n, long t) {
    Effect e = effects[n.index];
    return e != null && t >= e.startMs() ? e : null;
  }

  private String memory(Series s, long t, Effect e, double factor) {
    if (e != null && e.impact() == Impact.DOWN) {
      return null;
    }
    double pageIn = jitter(s.base, 0.08) * factor;
    double pageOut = pageIn * jitter(s.base2, 0.05);
    double swapIn = 0;
    double swapOut = 0;
    double used = clamp(jitter(s.ratio, 0.02));
    if (e != null && e.impact() == Impact.PAGING) {
      if (e.root()) {
        pageIn = s.base * uniform(10, 25);
        pageOut = s.base * uniform(8, 20);
        swapIn = uniform(80, 600);
        swapOut = uniform(50, 400);
        used = uniform(0.965, 0.995);
      } else {
        pageIn = s.base * (1 + uniform(4, 10) * e.severity());
        pageOut = pageIn * s.base2;
        swapIn = uniform(5, 60) * e.severity();
        swapOut = uniform(2, 40) * e.severity();
        used = Math.max(used, 0.9 + 0.08 * e.severity());
      }
    } else if (e != null && e.impact() == Impact.STORAGE_SLOW && rnd.nextDouble() < 0.75) {
      pageIn = s.base * (1 + uniform(2, 6) * e.severity());
      pageOut = pageIn * s.base2;
    }
    return json.begin("memory").time("t", t).str("entity", s.node.id)
        .num("pageInPerSec", pageIn, 1).num("pageOutPerSec", pageOut, 1)
        .num("swapInPerSec", swapIn, 1).num("swapOutPerSec", swapOut, 1).num("usedRatio", used, 3).end();
  }

  private String disk(Series s, long t, Effect e, double factor) {
    double readIops = jitter(s.base, 0.06);
    double writeIops = readIops * jitter(0.65, 0.05);
    double readLat = jitter(s.base2, 0.07);
    double writeLat = jitter(s.base2 * 1.7, 0.07) * factor;
    double util = clamp(jitter(s.ratio, 0.05));
    long ioErrors = 0;
    if (e != null && e.impact() == Impact.STORAGE_ERRORS) {
      ioErrors = 5 + rnd.nextInt(51);
      writeLat = uniform(25, 80);
      readLat = uniform(1.5, 5.5);
      util = uniform(0.8, 0.89);
    } else if (e != null && e.impact() == Impact.STORAGE_SLOW) {
      if (e.root()) {
        writeLat = uniform(20, 70);
        readLat = uniform(8, 30);
        util = uniform(0.85, 0.97);
      } else {
        writeLat = s.base2 * 1.7 * uniform(4, 13) * e.severity();
        readLat = s.base2 * uniform(1, 4);
        util = uniform(0.62, 0.89);
      }
    }
    return json.begin("disk").time("t", t).str("entity", s.node.id)
        .num("readIops", readIops, 0).num("writeIops", writeIops, 0)
        .num("readLatencyMs", readLat, 2).num("writeLatencyMs", writeLat, 2)
        .integer("ioErrors", ioErrors).num("utilization", util, 3).end();
  }

  private String network(Series s, long t, Effect e, double factor) {
    double rx = jitter(s.base, 0.08);
    double tx = rx * jitter(s.base2, 0.04);
    double retrans = jitter(s.base / 2500, 0.1) * factor;
    long rxErr = 0;
    long txErr = 0;
    long rxDrop = 0;
    long txDrop = 0;
    if (e != null && e.impact() == Impact.NETWORK) {
      double sev = e.severity();
      rxErr = Math.round(uniform(20, 600) * sev);
      txErr = Math.round(uniform(5, 200) * sev);
      rxDrop = Math.round(uniform(50, 2000) * sev);
      txDrop = Math.round(uniform(10, 500) * sev);
      retrans = s.base / 2500 * (1 + uniform(10, 60) * sev);
      double loss = 1 - uniform(0.2, 0.7) * sev;
      rx *= loss;
      tx *= loss;
    }
    return json.begin("network").time("t", t).str("entity", s.node.id)
        .num("rxPacketsPerSec", rx, 0).num("txPacketsPerSec", tx, 0)
        .integer("rxErrors", rxErr).integer("txErrors", txErr).integer("rxDropped", rxDrop).integer("txDropped", txDrop)
        .num("retransPerSec", retrans, 2).end();
  }

  private String dns(Series s, long t, Effect e, boolean spike) {
    String rcode = "NOERROR";
    double latency = jitter(s.base, 0.15);
    if (e != null && e.impact() == Impact.DNS_TIMEOUT) {
      boolean timeout = rnd.nextDouble() < 0.65;
      rcode = timeout ? "TIMEOUT" : "SERVFAIL";
      latency = timeout ? 5000 : uniform(30, 60);
    } else if (e != null && e.impact() == Impact.DNS_NXDOMAIN) {
      rcode = "NXDOMAIN";
    } else if (spike) {
      rcode = "TIMEOUT";
      latency = 5000;
    }
    return json.begin("dns").time("t", t).str("entity", s.node.id).str("resolver", s.other.id)
        .str("rcode", rcode).num("latencyMs", latency, 2).end();
  }

  private String app(Series s, long t, Effect e, double factor, boolean oneOffFailure) {
    boolean ok = true;
    int status = 200;
    double latency = jitter(s.base, 0.07) * factor;
    String failedStep = null;
    if (e != null && e.impact() == Impact.APP_ERRORS) {
      if (rnd.nextDouble() < e.severity()) {
        ok = false;
        status = rnd.nextDouble() < 0.8 ? 500 : 503;
        latency = s.base * uniform(0.6, 1.3);
        failedStep = FAILED_STEPS[s.node.index % FAILED_STEPS.length];
      }
    } else if (e != null) {
      if (rnd.nextDouble() < e.severity()) {
        ok = false;
        double r = rnd.nextDouble();
        status = r < 0.25 ? 0 : r < 0.55 ? 502 : r < 0.8 ? 503 : 504;
        latency = status == 0 && e.severity() > 0.8 ? 5000 : uniform(400, 1500);
      } else {
        latency = s.base * (1 + uniform(2, 5) * e.severity());
      }
    } else if (oneOffFailure) {
      ok = false;
      status = 503;
    }
    JsonLine l = json.begin("app").time("t", t).str("entity", s.node.id).str("check", s.node.check)
        .bool("ok", ok).num("latencyMs", latency, 1).integer("status", status);
    if (failedStep != null) {
      l.str("failedStep", failedStep);
    }
    return l.end();
  }

  private String pool(Series s, long t, Effect memberEffect) {
    String state = "UP";
    if (memberEffect != null && memberEffect.outOfRotation()) {
      // A member behind a failing network flaps in and out as health checks pass now and then.
      state = memberEffect.impact() == Impact.DOWN || rnd.nextDouble() < 0.85 ? "DOWN" : "UP";
    }
    return json.begin("pool").time("t", t).str("entity", s.node.id).str("member", s.other.id).str("state", state).end();
  }

  private String service(Series s, long t, Effect e) {
    String state = "UP";
    if (e != null) {
      double sev = e.severity();
      if (sev >= 0.7) {
        state = rnd.nextDouble() < 0.8 ? "DOWN" : "DEGRADED";
      } else if (sev >= 0.25) {
        state = rnd.nextDouble() < 0.7 ? "DEGRADED" : "UP";
      }
    }
    return json.begin("service").time("t", t).str("entity", s.node.id).str("state", state).end();
  }

  private double jitter(double v, double relSd) {
    double g = rnd.nextGaussian();
    g = Math.max(-2.5, Math.min(2.5, g));
    return v * (1 + relSd * g);
  }

  private double uniform(double a, double b) {
    return a + (b - a) * rnd.nextDouble();
  }

  private static double clamp(double ratio) {
    return Math.max(0.01, Math.min(0.999, ratio));
  }
}
