package io.faultline.processor.sim;

import io.faultline.processor.eval.Expectations;
import io.faultline.processor.eval.ExpectedFault;
import io.faultline.processor.sim.Estate.Node;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates a scenario (shared/scenarios/FORMAT.md): an estate, its topology lines, then its
 * telemetry sample by sample with the planned faults and the noise of real collection, streamed
 * to the writer as lines become due. Same spec, same bytes.
 */
public final class ScenarioGenerator {

  /** What was generated. */
  public record Summary(Expectations expectations, int entities, int dependencies, int series, long lines,
                        long duplicates, int maxHeldLines) {}

  private ScenarioGenerator() {}

  /** Writes the scenario of {@code spec} to {@code jsonl} and returns its expectations. */
  public static Expectations generate(SimulationSpec spec, Writer jsonl) throws IOException {
    return run(spec, jsonl).expectations();
  }

  /** As {@link #generate}, with figures about what was written. */
  public static Summary run(SimulationSpec spec, Writer jsonl) throws IOException {
    SplittableRandom master = new SplittableRandom(spec.seed());
    SplittableRandom estateRnd = master.split();
    SplittableRandom faultRnd = master.split();
    SplittableRandom telemetryRnd = master.split();
    SplittableRandom deliveryRnd = master.split();

    Estate estate = Estate.generate(spec.entities(), estateRnd.nextLong());
    List<FaultKind> kinds = spec.faults() != null ? spec.faults()
        : List.of(FaultKind.values()[faultRnd.nextInt(FaultKind.values().length)]);
    long start = spec.start().toEpochMilli();
    long end = start + spec.minutes() * 60_000L;
    List<FaultPlanner.Planned> plan = new FaultPlanner(estate, faultRnd).plan(kinds, start, end, spec.intervalMs());
    Effect[] effects = new Effect[estate.size()];
    for (FaultPlanner.Planned p : plan) {
      for (Map.Entry<Integer, Effect> e : p.effects().entrySet()) {
        Effect old = effects[e.getKey()];
        if (old == null || e.getValue().startMs() < old.startMs()) {
          effects[e.getKey()] = e.getValue();
        }
      }
    }

    long topologyLines = writeTopology(estate, jsonl);
    Telemetry telemetry = new Telemetry(estate, effects, spec.intervalMs(), spec.noise(), telemetryRnd);
    DeliveryQueue delivery = new DeliveryQueue(jsonl, spec.noise(), deliveryRnd);
    int steps = (int) ((end - start) / spec.intervalMs());
    int jitter = spec.noise() ? 1000 : 0;
    for (int k = 0; k < steps; k++) {
      long stepStart = start + (long) k * spec.intervalMs();
      for (Telemetry.Series s : telemetry.series) {
        long t = stepStart + s.phaseMs + (jitter == 0 ? 0 : telemetryRnd.nextLong(2L * jitter) - jitter);
        if (t < start || t >= end) {
          continue;
        }
        String line = telemetry.render(s, k, t);
        if (line != null) {
          delivery.offer(t, line);
        }
      }
      delivery.deliverUntil(stepStart);
    }
    delivery.drain();
    jsonl.flush();

    List<ExpectedFault> faults = new ArrayList<>();
    for (FaultPlanner.Planned p : plan) {
      faults.add(new ExpectedFault(p.root().id, Instant.ofEpochMilli(p.onsetMs()), p.kind().cliName()));
    }
    return new Summary(new Expectations(faults), estate.size(), estate.edgeCount(), telemetry.series.size(),
        topologyLines + delivery.written(), delivery.duplicates(), delivery.maxHeld());
  }

  private static long writeTopology(Estate estate, Writer out) throws IOException {
    JsonLine json = new JsonLine();
    long n = 0;
    for (Node node : estate.nodes) {
      JsonLine l = json.begin("entity").str("id", node.id).str("kind", node.kind);
      if (node.minHealthy >= 0) {
        l.integer("minHealthy", node.minHealthy);
      }
      if (node.labels != null && !node.labels.isEmpty()) {
        StringBuilder labels = new StringBuilder("{");
        for (Map.Entry<String, String> e : node.labels.entrySet()) {
          if (labels.length() > 1) {
            labels.append(',');
          }
          labels.append('"').append(e.getKey()).append("\":\"").append(e.getValue()).append('"');
        }
        l.raw("labels", labels.append('}').toString());
      }
      out.write(l.end());
      out.write('\n');
      n++;
    }
    for (Node node : estate.nodes) {
      for (int i = 0; i < node.deps.size(); i++) {
        out.write(json.begin("depends").str("from", node.id).str("to", estate.nodes.get(node.deps.get(i)).id).end());
        out.write('\n');
        n++;
      }
    }
    return n;
  }
}
