package io.faultline.processor.sim;

import io.faultline.processor.sim.Effect.Impact;
import io.faultline.processor.sim.Estate.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Picks where the faults happen and works out how each spreads: from the root along the reverse
 * dependencies (to what depends on it), each hop with its own lag (a sample interval or a health
 * check later, seconds to a minute in total) and a weaker, partial effect. Pools are any-of: they
 * shield their users while at least {@code minHealthy} members stay in rotation. Several faults
 * are placed in unrelated parts of the estate: their roots and effects do not overlap.
 */
final class FaultPlanner {
  private static final int ATTEMPTS = 400;

  /** A placed fault with the effect it has on every entity it reaches (root included). */
  record Planned(FaultKind kind, Node root, long onsetMs, Map<Integer, Effect> effects) {}

  private final Estate estate;
  private final SplittableRandom rnd;

  FaultPlanner(Estate estate, SplittableRandom rnd) {
    this.estate = estate;
    this.rnd = rnd;
  }

  List<Planned> plan(List<FaultKind> kinds, long startMs, long endMs, int intervalMs) {
    List<Planned> planned = new ArrayList<>();
    int[] taken = new int[estate.size()]; // 1: hurt by a fault, 2: a fault's root
    long duration = endMs - startMs;
    long gap = kinds.size() <= 1 ? 0 : Math.min(120_000, (long) (duration * 0.25 / (kinds.size() - 1)));
    for (int i = 0; i < kinds.size(); i++) {
      FaultKind kind = kinds.get(i);
      long onset = startMs + (long) (duration * 0.45) + i * gap + rnd.nextInt(4) * (long) intervalMs;
      onset = startMs + (onset - startMs) / intervalMs * intervalMs;
      List<Node> candidates = candidates(kind);
      if (candidates.isEmpty()) {
        throw new IllegalArgumentException("the estate has no place for a " + kind.cliName() + " fault");
      }
      Planned found = null;
      // Prefer faults whose effects do not touch at all; failing that (a resolver of a small site
      // reaches half its applications), let applications be hurt by two faults but nothing else.
      for (int attempt = 0; attempt < ATTEMPTS && found == null; attempt++) {
        Node root = candidates.get(rnd.nextInt(candidates.size()));
        Map<Integer, Effect> effects = spread(i, kind, root, onset);
        if (acceptable(kind, effects, taken, attempt >= ATTEMPTS / 2)) {
          found = new Planned(kind, root, onset, effects);
        }
      }
      if (found == null) {
        throw new IllegalArgumentException(i == 0
            ? "cannot place a " + kind.cliName() + " fault that shows in this estate (try more --entities)"
            : "cannot place a " + kind.cliName() + " fault apart from the other " + i
                + " fault(s): the estate is too small (try more --entities or fewer faults)");
      }
      for (int n : found.effects().keySet()) {
        taken[n] = Math.max(taken[n], 1);
      }
      taken[found.root().index] = 2;
      planned.add(found);
    }
    return planned;
  }

  private boolean acceptable(FaultKind kind, Map<Integer, Effect> effects, int[] taken, boolean shareApps) {
    boolean appHurt = false;
    for (Map.Entry<Integer, Effect> e : effects.entrySet()) {
      Node node = estate.nodes.get(e.getKey());
      boolean app = node.is("application") || node.is("service");
      if (taken[e.getKey()] > 0 && (!shareApps || !app || e.getValue().root() || taken[e.getKey()] == 2)) {
        return false;
      }
      appHurt |= app;
    }
    // A redundant VM loss must leave every application healthy; any other fault must be visible to users.
    return kind == FaultKind.VM_DOWN_REDUNDANT ? !appHurt : appHurt;
  }

  private List<Node> candidates(FaultKind kind) {
    List<Node> out = new ArrayList<>();
    for (Node n : estate.nodes) {
      boolean ok = switch (kind) {
        case ARRAY_WRITE_ERRORS -> n.is("disk-array");
        case DATASTORE_LATENCY -> n.is("datastore") && !estate.dependentsOfKind(n, "vm").isEmpty();
        case MEMORY_PAGING -> n.is("host") && !estate.dependentsOfKind(n, "vm").isEmpty();
        case NIC_ERRORS -> n.is("nic");
        case SWITCH_FAILURE -> n.is("switch") && !estate.dependentsOfKind(n, "nic").isEmpty();
        case RESOLVER_DOWN -> n.is("dns-resolver") && !estate.dependentsOfKind(n, "dns-name").isEmpty();
        case RECORD_MISSING -> n.is("dns-name") && hasSiblings(n);
        case APP_BUG -> n.is("application");
        case VM_DOWN -> n.is("vm") && vmLossHurts(n);
        case VM_DOWN_REDUNDANT -> n.is("vm") && !vmLossHurts(n) && !estate.dependentsOfKind(n, "pool").isEmpty();
      };
      if (ok) {
        out.add(n);
      }
    }
    return out;
  }

  private boolean hasSiblings(Node name) {
    for (Node resolver : estate.depsOfKind(name, "dns-resolver")) {
      if (estate.dependentsOfKind(resolver, "dns-name").size() > 1) {
        return true;
      }
    }
    return false;
  }

  private boolean vmLossHurts(Node vm) {
    for (int i = 0; i < vm.dependents.size(); i++) {
      Node d = estate.nodes.get(vm.dependents.get(i));
      if (d.is("application") || d.is("service")) {
        return true;
      }
      if (d.is("pool") && d.minHealthy >= d.deps.size()) {
        return true;
      }
    }
    return false;
  }

  private Effect rootEffect(int fault, FaultKind kind, long onset) {
    return switch (kind) {
      case ARRAY_WRITE_ERRORS -> new Effect(fault, onset, 1.0, Impact.STORAGE_ERRORS, true);
      case DATASTORE_LATENCY -> new Effect(fault, onset, 1.0, Impact.STORAGE_SLOW, true);
      case MEMORY_PAGING -> new Effect(fault, onset, 1.0, Impact.PAGING, true);
      case NIC_ERRORS -> new Effect(fault, onset, uniform(0.6, 0.85), Impact.NETWORK, true);
      case SWITCH_FAILURE -> new Effect(fault, onset, 1.0, Impact.NETWORK, true);
      case RESOLVER_DOWN -> new Effect(fault, onset, 1.0, Impact.DNS_TIMEOUT, true);
      case RECORD_MISSING -> new Effect(fault, onset, 1.0, Impact.DNS_NXDOMAIN, true);
      case APP_BUG -> new Effect(fault, onset, uniform(0.6, 0.9), Impact.APP_ERRORS, true);
      case VM_DOWN, VM_DOWN_REDUNDANT -> new Effect(fault, onset, 1.0, Impact.DOWN, true);
    };
  }

  private record Pending(int node, Effect effect) {}

  /** Spreads a fault from its root, earliest effects first (so a pool sees its members in time order). */
  Map<Integer, Effect> spread(int fault, FaultKind kind, Node root, long onset) {
    Map<Integer, Effect> effects = new HashMap<>();
    PriorityQueue<Pending> queue = new PriorityQueue<>((a, b) -> {
      int c = Long.compare(a.effect().startMs(), b.effect().startMs());
      return c != 0 ? c : Integer.compare(a.node(), b.node());
    });
    queue.add(new Pending(root.index, rootEffect(fault, kind, onset)));
    while (!queue.isEmpty()) {
      Pending p = queue.poll();
      Effect old = effects.get(p.node());
      if (old != null && old.severity() >= p.effect().severity()) {
        continue;
      }
      Effect e = old == null ? p.effect() : new Effect(fault, Math.min(old.startMs(), p.effect().startMs()),
          p.effect().severity(), p.effect().impact(), old.root());
      effects.put(p.node(), e);
      Node parent = estate.nodes.get(p.node());
      for (int i = 0; i < parent.dependents.size(); i++) {
        Node child = estate.nodes.get(parent.dependents.get(i));
        Effect ce = child(parent, e, child, effects);
        if (ce != null) {
          queue.add(new Pending(child.index, ce));
        }
      }
    }
    return effects;
  }

  private Effect child(Node parent, Effect pe, Node child, Map<Integer, Effect> effects) {
    int f = pe.fault();
    long t = pe.startMs();
    Impact pi = pe.impact();
    switch (child.kind) {
      case "datastore":
        return new Effect(f, t + ms(0, 8), uniform(0.75, 1.0), Impact.STORAGE_SLOW, false);
      case "nic":
        return new Effect(f, t + ms(0, 5), uniform(0.7, 1.0), Impact.NETWORK, false);
      case "host":
        return pi == Impact.NETWORK ? new Effect(f, t + ms(0, 3), pe.severity(), Impact.NETWORK, false) : null;
      case "dns-name":
        return pi == Impact.DNS_TIMEOUT ? new Effect(f, t + ms(0, 5), 1.0, Impact.DNS_TIMEOUT, false) : null;
      case "vm":
        return switch (pi) {
          case STORAGE_ERRORS, STORAGE_SLOW ->
              new Effect(f, t + ms(2, 15), pe.severity() * uniform(0.6, 0.9), Impact.STORAGE_SLOW, false);
          case PAGING -> new Effect(f, t + ms(0, 10), uniform(0.5, 0.85), Impact.PAGING, false);
          case NETWORK -> new Effect(f, t + ms(0, 5), pe.severity(), Impact.NETWORK, false);
          default -> null;
        };
      case "pool":
        return poolEffect(child, f, t + ms(5, 20), effects);
      case "application":
      case "service": {
        double attenuation;
        if (pi == Impact.DOWN || (parent.is("pool") && pe.severity() >= 0.85)) {
          attenuation = uniform(0.85, 1.0);
        } else if (parent.is("dns-name")) {
          attenuation = uniform(0.6, 0.95);
        } else if (parent.is("application") || parent.is("service")) {
          attenuation = uniform(0.45, 0.8);
        } else {
          attenuation = uniform(0.5, 0.9);
        }
        double sev = pe.severity() * attenuation;
        return sev < 0.12 ? null : new Effect(f, t + ms(5, 30), sev, Impact.DEGRADED, false);
      }
      default:
        return null;
    }
  }

  /** Any-of: fails hard once fewer than minHealthy members are in rotation, else slows by its degraded share. */
  private Effect poolEffect(Node pool, int fault, long t, Map<Integer, Effect> effects) {
    int size = pool.deps.size();
    int min = pool.minHealthy < 0 ? size : pool.minHealthy;
    int out = 0;
    double degraded = 0;
    for (int i = 0; i < size; i++) {
      Effect m = effects.get(pool.deps.get(i));
      if (m == null) {
        continue;
      }
      if (m.outOfRotation()) {
        out++;
      } else {
        degraded += m.severity();
      }
    }
    if (size - out < min) {
      return new Effect(fault, t, uniform(0.85, 1.0), Impact.DEGRADED, false);
    }
    double sev = degraded / Math.max(1, size - out);
    return sev < 0.15 ? null : new Effect(fault, t, sev, Impact.DEGRADED, false);
  }

  private long ms(int fromSeconds, int toSeconds) {
    return fromSeconds * 1000L + rnd.nextLong((toSeconds - fromSeconds) * 1000L + 1);
  }

  private double uniform(double a, double b) {
    return a + (b - a) * rnd.nextDouble();
  }
}
