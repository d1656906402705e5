package io.faultline.processor.sim;

import io.faultline.common.Severity;
import io.faultline.processor.analysis.DependencyGraph;
import io.faultline.processor.analysis.ObservedSymptom;
import io.faultline.processor.sim.Effect.Impact;
import io.faultline.processor.sim.Estate.Node;
import io.faultline.schemas.EntityKinds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * What the correlator would hold, tick by tick, while each kind of simulated fault unfolds in a generated
 * estate: its active symptoms, as the detector names them (signal, related entity, severity, onset,
 * description), with partial failures showing now and then and a few unrelated series flapping.
 *
 * <p>Input of the correlator's warm-up (stream-processor/docs/detection.md is about the detector; the
 * warm-up is described in the processor README): the same analysis code runs over it when the processor
 * starts, so that the first real incident is not analysed by interpreted code. It mirrors what
 * {@link Telemetry} renders and what the detector would make of it; it is not a replacement for a replay.
 */
public final class SyntheticIncidents {

  /** The active symptoms at one tick. */
  public record Step(long time, List<ObservedSymptom> active) {}

  /** One fault's ticks, from just before its onset until every symptom has cleared (the last step). */
  public record Episode(String fault, String root, List<Step> steps) {}

  /** Unrelated series that flap during every episode, per monitored entity. */
  private static final double FLAPPING = 0.004;
  /** Ticks a flapping series stays raised, then stays clear. */
  private static final int FLAP_TICKS = 4;
  /** Roughly what the detector needs from a fault's first sample to its raise. */
  private static final long CONFIRMATION_MS = 3_000;

  private final DependencyGraph graph = new DependencyGraph();
  private final Set<String> monitored = new TreeSet<>();
  private final List<Episode> episodes = new ArrayList<>();

  private SyntheticIncidents() {}

  public DependencyGraph graph() {
    return graph;
  }

  /** Entities that report telemetry of their own (all but switches and resolvers). */
  public Set<String> monitored() {
    return Collections.unmodifiableSet(monitored);
  }

  /** One episode per fault kind the simulator knows. */
  public List<Episode> episodes() {
    return Collections.unmodifiableList(episodes);
  }

  /**
   * @param entities size of the generated estate
   * @param tickMs the correlator's evaluation grid
   * @param ticks ticks of each episode from its onset on (before the final, cleared one)
   */
  public static SyntheticIncidents generate(int entities, long seed, long tickMs, int ticks) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Estate estate = Estate.generate(entities, rnd.nextLong());
    SyntheticIncidents out = new SyntheticIncidents();
    for (Node n : estate.nodes) {
      out.graph.putEntity(n.id, EntityKinds.parse(n.kind), n.minHealthy < 0 ? null : n.minHealthy, n.labels);
      if (!n.is("switch") && !n.is("dns-resolver")) {
        out.monitored.add(n.id);
      }
    }
    for (Node n : estate.nodes) {
      for (int i = 0; i < n.deps.size(); i++) {
        out.graph.putDependency(n.id, estate.nodes.get(n.deps.get(i)).id);
      }
    }
    long start = 1_000L * 3600 * 24 * 365 * 50;
    long end = start + ticks * tickMs * 4;
    for (FaultKind kind : FaultKind.values()) {
      FaultPlanner.Planned p;
      try {
        p = new FaultPlanner(estate, rnd.split()).plan(List.of(kind), start, end, (int) tickMs).get(0);
      } catch (IllegalArgumentException tooSmall) {
        continue; // an estate without a place for this kind: the others still warm up
      }
      out.episodes.add(new Episode(kind.cliName(), p.root().id, out.steps(estate, p, tickMs, ticks, rnd)));
    }
    return out;
  }

  private List<Step> steps(Estate estate, FaultPlanner.Planned p, long tickMs, int ticks, SplittableRandom rnd) {
    List<Node> flappers = new ArrayList<>();
    for (Node n : estate.nodes) {
      if (monitored.contains(n.id) && !p.effects().containsKey(n.index) && rnd.nextDouble() < FLAPPING) {
        flappers.add(n);
      }
    }
    long first = p.onsetMs() - 2 * tickMs;
    List<Step> steps = new ArrayList<>();
    for (int k = 0; k < ticks + 2; k++) {
      long t = first + k * tickMs;
      List<ObservedSymptom> active = new ArrayList<>();
      for (Map.Entry<Integer, Effect> e : p.effects().entrySet()) {
        Effect effect = e.getValue();
        if (t >= effect.startMs() + CONFIRMATION_MS && (effect.root() || rnd.nextDouble() < Math.max(0.3,
            effect.severity()))) {
          symptoms(estate, estate.nodes.get(e.getKey()), effect, t, active);
        }
      }
      for (Node f : flappers) {
        if ((k / FLAP_TICKS) % 2 == 1) {
          active.add(new ObservedSymptom(f.id, flapSignal(f), null, Severity.WARNING, first + (k / FLAP_TICKS)
              * FLAP_TICKS * tickMs, t, "above its baseline"));
        }
      }
      steps.add(new Step(t, List.copyOf(active)));
    }
    steps.add(new Step(first + (ticks + 2) * tickMs, List.of()));
    return steps;
  }

  private static String flapSignal(Node n) {
    return switch (n.kind) {
      case "host", "vm" -> "memory.pageInPerSec";
      case "datastore", "disk-array" -> "disk.writeLatencyMs";
      case "nic" -> "network.retransPerSec";
      case "dns-name" -> "dns.latencyMs";
      default -> "app.latencyMs";
    };
  }

  /** The symptoms the detector raises for {@code n} in trouble {@code e} (as {@link Telemetry} renders it). */
  private static void symptoms(Estate estate, Node n, Effect e, long t, List<ObservedSymptom> out) {
    long onset = e.startMs() + CONFIRMATION_MS;
    Severity severity = e.root() || e.severity() >= 0.7 ? Severity.CRITICAL : Severity.WARNING;
    Impact impact = e.impact();
    switch (n.kind) {
      case "host", "vm" -> {
        if (impact == Impact.DOWN) {
          out.add(new ObservedSymptom(n.id, "silence", null, Severity.CRITICAL, onset, t,
              "no telemetry since " + e.startMs()));
        } else if (impact == Impact.PAGING || impact == Impact.STORAGE_SLOW) {
          out.add(new ObservedSymptom(n.id, "memory.pageInPerSec", null, severity, onset, t, "page-ins above baseline"));
          if (e.root()) {
            out.add(new ObservedSymptom(n.id, "memory.swapInPerSec", null, Severity.CRITICAL, onset, t, "swapping"));
          }
        }
      }
      case "datastore", "disk-array" -> {
        if (impact == Impact.STORAGE_ERRORS) {
          out.add(new ObservedSymptom(n.id, "disk.ioErrors", null, Severity.CRITICAL, onset, t, "I/O errors"));
        }
        if (impact == Impact.STORAGE_ERRORS || impact == Impact.STORAGE_SLOW) {
          out.add(new ObservedSymptom(n.id, "disk.writeLatencyMs", null, severity, onset, t, "write latency"));
        }
      }
      case "nic" -> {
        out.add(new ObservedSymptom(n.id, "network.rxErrors", null, severity, onset, t, "receive errors"));
        out.add(new ObservedSymptom(n.id, "network.retransPerSec", null, Severity.WARNING, onset, t, "retransmits"));
      }
      case "dns-name" -> {
        String rcode = impact == Impact.DNS_NXDOMAIN ? "NXDOMAIN" : "TIMEOUT";
        for (Node r : estate.depsOfKind(n, "dns-resolver")) {
          out.add(new ObservedSymptom(n.id, "dns.rcode", r.id, Severity.CRITICAL, onset, t,
              "rcode " + rcode + " via " + r.id));
        }
      }
      case "application", "service" -> {
        out.add(new ObservedSymptom(n.id, "app.ok", n.check, Severity.CRITICAL, onset, t,
            "check " + n.check + " failed (status 503)"));
        if (n.is("service") && e.severity() >= 0.7) {
          out.add(new ObservedSymptom(n.id, "service.state", null, Severity.CRITICAL, onset, t, "service DOWN"));
        }
      }
      default -> {
        // pools report their members (below); switches and resolvers are silent
      }
    }
    if (e.outOfRotation()) {
      for (Node pool : estate.dependentsOfKind(n, "pool")) {
        out.add(new ObservedSymptom(n.id, "pool.member", pool.id, Severity.CRITICAL, onset, t,
            "member " + n.id + " DOWN in " + pool.id));
      }
    }
  }
}
