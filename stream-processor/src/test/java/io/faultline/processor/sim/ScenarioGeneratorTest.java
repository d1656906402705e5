package io.faultline.processor.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.schemas.scenario.ScenarioReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ScenarioGeneratorTest {

  private static SimulationSpec small(long seed) {
    return SimulationSpec.of(seed).withEntities(60).withMinutes(20);
  }

  @Test
  void shouldWriteTheSameBytesWhenTheSeedIsTheSame() {
    SimulationSpec spec = small(42).withFaults(List.of(FaultKind.SWITCH_FAILURE, FaultKind.APP_BUG)).withEntities(300);
    ScenarioView a = ScenarioView.generate(spec);
    ScenarioView b = ScenarioView.generate(spec);
    assertEquals(a.text, b.text);
    assertEquals(a.expectations, b.expectations);
  }

  @Test
  void shouldWriteADifferentScenarioWhenTheSeedDiffers() {
    assertNotEquals(ScenarioView.generate(small(1)).text, ScenarioView.generate(small(2)).text);
  }

  @ParameterizedTest
  @EnumSource(FaultKind.class)
  void shouldWriteLinesTheScenarioReaderAcceptsWhenAnyFaultIsInjected(FaultKind kind) {
    ScenarioView s = ScenarioView.generate(small(5).withFaults(List.of(kind)));
    String[] lines = s.text.split("\n");
    for (int i = 0; i < lines.length; i++) {
      ScenarioReader.parse(lines[i], i + 1); // throws on any line that breaks the contract
    }
    assertEquals(1, s.expectations.faults().size());
  }

  @Test
  void shouldDeclareEveryTelemetryEntityAndKeepTheTopologyAcyclic() {
    ScenarioView s = ScenarioView.generate(small(3).withEntities(2000).withMinutes(2));
    // Every entity once, every edge and every telemetry line between declared entities.
    Set<String> seen = new HashSet<>();
    for (JsonNode n : s.lines) {
      if (n.get("type").asText().equals("entity")) {
        assertTrue(seen.add(n.get("id").asText()), "duplicate entity " + n);
      }
    }
    s.deps.forEach((from, tos) -> {
      assertTrue(s.kinds.containsKey(from), from);
      tos.forEach(to -> assertTrue(s.kinds.containsKey(to), to));
    });
    for (Map.Entry<String, List<JsonNode>> e : s.telemetry.entrySet()) {
      assertTrue(s.kinds.containsKey(e.getKey()), "telemetry of undeclared " + e.getKey());
      for (JsonNode n : e.getValue()) {
        if (n.has("resolver")) {
          assertEquals("dns-resolver", s.kinds.get(n.get("resolver").asText()));
        }
        if (n.has("member")) {
          assertTrue(s.depsOf(e.getKey()).contains(n.get("member").asText()), "pool member is a dependency");
        }
      }
    }
    assertAcyclic(s);
    // Silent by nature: switches and resolvers; everything else reports.
    for (Map.Entry<String, String> e : s.kinds.entrySet()) {
      boolean silent = e.getValue().equals("switch") || e.getValue().equals("dns-resolver");
      assertEquals(!silent, s.telemetry.containsKey(e.getKey()), e.getKey());
    }
    // Pools are any-of with a minHealthy no larger than their membership.
    for (String pool : s.ofKind("pool")) {
      int min = s.minHealthy.get(pool);
      assertTrue(min >= 1 && min <= s.depsOf(pool).size(), pool);
    }
  }

  private static void assertAcyclic(ScenarioView s) {
    Map<String, Integer> state = new HashMap<>();
    for (String start : s.kinds.keySet()) {
      if (state.containsKey(start)) {
        continue;
      }
      // Iterative DFS: 1 = on the stack, 2 = done.
      List<String> stack = new ArrayList<>(List.of(start));
      List<Integer> next = new ArrayList<>(List.of(0));
      state.put(start, 1);
      while (!stack.isEmpty()) {
        int top = stack.size() - 1;
        List<String> children = new ArrayList<>(s.depsOf(stack.get(top)));
        int i = next.get(top);
        if (i < children.size()) {
          next.set(top, i + 1);
          String c = children.get(i);
          Integer st = state.get(c);
          assertTrue(st == null || st == 2, "cycle through " + c);
          if (st == null) {
            state.put(c, 1);
            stack.add(c);
            next.add(0);
          }
        } else {
          state.put(stack.remove(top), 2);
          next.remove(top);
        }
      }
    }
  }

  @Test
  void shouldScaleEveryLayerWhenTheEstateGrows() {
    Estate small = Estate.generate(1_000, 9);
    Estate large = Estate.generate(10_000, 9);
    assertTrue(Math.abs(small.size() - 1_000) <= 30, "size " + small.size());
    assertTrue(Math.abs(large.size() - 10_000) <= 300, "size " + large.size());
    for (String kind : List.of("application", "pool", "vm", "host", "nic", "switch", "datastore", "disk-array",
        "dns-name", "dns-resolver", "service")) {
      double ratio = large.ofKind(kind).size() / (double) small.ofKind(kind).size();
      assertTrue(ratio >= 4 && ratio < 20, kind + " grows by " + ratio);
    }
    long chained = large.ofKind("application").stream()
        .filter(a -> !large.depsOfKind(a, "application").isEmpty()).count();
    assertTrue(chained > large.ofKind("application").size() / 3, "applications call applications");
  }

  @Test
  void shouldShowNoFaultAnywhereWhenTheRunIsFaultFree() {
    ScenarioView s = ScenarioView.generate(small(11).withFaults(List.of()).withEntities(300));
    assertTrue(s.expectations.faults().isEmpty());
    for (String id : s.telemetry.keySet()) {
      FaultEffectsTest.assertClean(s, id);
    }
  }

  @Test
  void shouldDeliverLateDuplicatedAndOutOfOrderEventsWhenNoiseIsOn() {
    ScenarioView s = ScenarioView.generate(small(13).withFaults(List.of()).withEntities(200).withMinutes(40));
    List<JsonNode> tel = s.lines.stream().filter(n -> n.has("t")).toList();
    // Exact duplicates.
    Set<String> distinct = new HashSet<>();
    long duplicates = tel.stream().map(JsonNode::toString).filter(l -> !distinct.add(l)).count();
    assertTrue(duplicates >= 5, "duplicates " + duplicates);
    // Per entity: share of samples older than one already delivered, and how far behind they are.
    Map<String, Long> newest = new HashMap<>();
    long outOfOrder = 0;
    long veryLate = 0;
    long maxBehind = 0;
    for (JsonNode n : tel) {
      String key = n.get("entity").asText() + "|" + n.path("member").asText() + "|" + n.path("resolver").asText();
      long t = ScenarioView.time(n);
      Long max = newest.get(key);
      if (max != null && t < max) {
        outOfOrder++;
        maxBehind = Math.max(maxBehind, max - t);
        veryLate += max - t > 600_000 ? 1 : 0;
      }
      newest.merge(key, t, Math::max);
    }
    double share = outOfOrder / (double) tel.size();
    assertTrue(share > 0.3 && share < 0.7, "out-of-order share " + share);
    assertTrue(veryLate > 0, "a tail of very late events");
    assertTrue(maxBehind <= 31 * 60_000L, "nothing is more than 30 minutes late: " + maxBehind);
    // Missing samples: some series has fewer samples than its interval allows.
    int steps = 40 * 6;
    assertTrue(s.telemetry.values().stream().anyMatch(l -> l.stream().map(JsonNode::toString).distinct().count()
        < steps - 1), "missing samples");
    // Single-sample spikes: a memory sample far above its series' median.
    boolean spike = s.ofKind("vm").stream().anyMatch(vm -> {
      double median = s.median(vm, "pageInPerSec", 0, Long.MAX_VALUE);
      return s.telemetry.get(vm).stream().anyMatch(n -> n.get("pageInPerSec").asDouble() > 3.5 * median);
    });
    assertTrue(spike, "single-sample spikes");
  }

  @Test
  void shouldWriteInEventTimeOrderWithoutDuplicatesWhenNoiseIsOff() {
    ScenarioView s = ScenarioView.generate(small(17).withNoise(false));
    long last = Long.MIN_VALUE;
    Set<String> distinct = new HashSet<>();
    for (JsonNode n : s.lines) {
      if (n.has("t")) {
        long t = ScenarioView.time(n);
        assertTrue(t >= last, "out of order: " + n);
        last = t;
        assertTrue(distinct.add(n.toString()), "duplicate " + n);
      }
    }
  }
}
