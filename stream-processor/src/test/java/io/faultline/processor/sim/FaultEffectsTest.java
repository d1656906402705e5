package io.faultline.processor.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.processor.eval.ExpectedFault;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Each fault kind shows where FORMAT.md and the simulator's description say it does, and nowhere else. */
class FaultEffectsTest {
  private static final long SETTLE_MS = 90_000;

  private static ScenarioView scenario(FaultKind kind, long seed) {
    return ScenarioView.generate(SimulationSpec.of(seed).withEntities(80).withMinutes(20).withFaults(List.of(kind)));
  }

  @ParameterizedTest
  @EnumSource(FaultKind.class)
  void shouldLeaveEverythingOutsideTheBlastRadiusCleanWhenAFaultIsInjected(FaultKind kind) {
    for (long seed : new long[] {1, 2}) {
      ScenarioView s = scenario(kind, seed);
      ExpectedFault f = s.fault();
      assertEquals(kind.cliName(), f.kind());
      assertTrue(s.kinds.containsKey(f.root()), "root is a declared entity");
      Set<String> radius = new HashSet<>(s.upstreamOf(f.root()));
      radius.add(f.root());
      for (String id : s.telemetry.keySet()) {
        if (!radius.contains(id)) {
          assertClean(s, id);
        }
      }
    }
  }

  /** Fault-free behaviour of one entity's telemetry, noise allowed for. */
  static void assertClean(ScenarioView s, String id) {
    List<JsonNode> samples = s.telemetry.get(id);
    long failedChecks = 0;
    long checks = 0;
    long timeouts = 0;
    for (JsonNode n : samples) {
      switch (n.get("type").asText()) {
        case "disk" -> assertEquals(0, n.get("ioErrors").asLong(), id + " has I/O errors: " + n);
        case "memory" -> assertEquals(0.0, n.get("swapInPerSec").asDouble(), id + " swaps: " + n);
        case "network" -> assertEquals(0, n.get("rxErrors").asLong() + n.get("txDropped").asLong(), id + ": " + n);
        case "dns" -> {
          String rcode = n.get("rcode").asText();
          assertTrue(rcode.equals("NOERROR") || rcode.equals("TIMEOUT"), id + " resolves to " + rcode);
          timeouts += rcode.equals("TIMEOUT") ? 1 : 0;
        }
        case "app" -> {
          checks++;
          failedChecks += n.get("ok").asBoolean() ? 0 : 1;
        }
        case "pool", "service" -> assertEquals("UP", n.get("state").asText(), id + ": " + n);
        default -> throw new AssertionError("unexpected line " + n);
      }
    }
    assertTrue(failedChecks <= 0.05 * checks, id + " fails " + failedChecks + " of " + checks);
    assertTrue(timeouts <= 0.05 * samples.size(), id + " times out " + timeouts + " of " + samples.size());
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void shouldFailEveryNameOnTheResolverAndNoOtherWhenResolverIsDown(long seed) {
    ScenarioView s = scenario(FaultKind.RESOLVER_DOWN, seed);
    String resolver = s.fault().root();
    assertTrue(s.telemetry.getOrDefault(resolver, List.of()).isEmpty(), "a resolver is silent");
    long after = s.onset() + 10_000;
    int failingNames = 0;
    for (String name : s.ofKind("dns-name")) {
      boolean onRoot = s.depsOf(name).contains(resolver);
      double failed = s.share(name, after, Long.MAX_VALUE, n -> !n.get("rcode").asText().equals("NOERROR"));
      double before = s.share(name, 0, s.onset(), n -> !n.get("rcode").asText().equals("NOERROR"));
      if (onRoot) {
        failingNames++;
        assertTrue(failed >= 0.95, name + " on the dead resolver fails only " + failed);
        assertTrue(s.samples(name, after, Long.MAX_VALUE).stream()
            .allMatch(n -> Set.of("TIMEOUT", "SERVFAIL").contains(n.get("rcode").asText())));
      } else {
        assertTrue(failed <= 0.05, name + " on a healthy resolver fails " + failed);
      }
      assertTrue(before <= 0.05, name + " failed before the onset: " + before);
    }
    assertTrue(failingNames >= 1);
    assertSomeAppFails(s, 0.3);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void shouldAnswerNxdomainForOneNameWhileSiblingsResolveWhenRecordIsMissing(long seed) {
    ScenarioView s = scenario(FaultKind.RECORD_MISSING, seed);
    String name = s.fault().root();
    assertTrue(s.share(name, s.onset(), Long.MAX_VALUE, n -> n.get("rcode").asText().equals("NXDOMAIN")) >= 0.95);
    assertEquals(0.0, s.share(name, 0, s.onset(), n -> n.get("rcode").asText().equals("NXDOMAIN")));
    int siblings = 0;
    for (String resolver : s.depsOf(name)) {
      for (String sibling : s.dependentsOf(resolver)) {
        if (!sibling.equals(name)) {
          siblings++;
          assertTrue(s.share(sibling, s.onset(), Long.MAX_VALUE, n -> n.get("rcode").asText().equals("NOERROR"))
              >= 0.95, sibling + " should still resolve");
        }
      }
    }
    assertTrue(siblings >= 1, "a missing record has siblings that resolve");
    assertSomeAppFails(s, 0.3);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void shouldShowErrorsOnArraySlowDatastoresAndFailingAppsWhenArrayHasWriteErrors(long seed) {
    ScenarioView s = scenario(FaultKind.ARRAY_WRITE_ERRORS, seed);
    String array = s.fault().root();
    assertTrue(s.share(array, s.onset(), Long.MAX_VALUE, n -> n.get("ioErrors").asLong() > 0) >= 0.95);
    assertEquals(0.0, s.share(array, 0, s.onset(), n -> n.get("ioErrors").asLong() > 0));
    for (String ds : s.dependentsOf(array)) {
      double pre = s.median(ds, "writeLatencyMs", 0, s.onset());
      double post = s.median(ds, "writeLatencyMs", s.onset() + 20_000, Long.MAX_VALUE);
      assertTrue(post >= 2.5 * pre, ds + " write latency " + pre + " -> " + post);
    }
    assertSomeAppFails(s, 0.2);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void shouldSlowOnlyTheRootDatastoreWhenDatastoreIsSlow(long seed) {
    ScenarioView s = scenario(FaultKind.DATASTORE_LATENCY, seed);
    String ds = s.fault().root();
    double pre = s.median(ds, "writeLatencyMs", 0, s.onset());
    double post = s.median(ds, "writeLatencyMs", s.onset(), Long.MAX_VALUE);
    assertTrue(post >= 5 * pre, ds + " write latency " + pre + " -> " + post);
    boolean vmPages = s.dependentsOf(ds).stream().filter(v -> s.kinds.get(v).equals("vm")).anyMatch(vm ->
        s.median(vm, "pageInPerSec", s.onset() + 20_000, Long.MAX_VALUE) >= 1.3 * s.median(vm, "pageInPerSec", 0,
            s.onset()));
    assertTrue(vmPages, "some VM on the slow datastore pages");
    assertSomeAppFails(s, 0.05);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void shouldSwapOnTheHostAndItsVmsWhenHostPages(long seed) {
    ScenarioView s = scenario(FaultKind.MEMORY_PAGING, seed);
    String host = s.fault().root();
    assertTrue(s.share(host, s.onset(), Long.MAX_VALUE, n -> n.get("swapInPerSec").asDouble() > 0) >= 0.95);
    assertTrue(s.median(host, "usedRatio", s.onset(), Long.MAX_VALUE) > 0.95);
    for (String vm : s.dependentsOf(host)) {
      assertTrue(s.share(vm, s.onset() + 15_000, Long.MAX_VALUE, n -> n.get("swapInPerSec").asDouble() > 0) >= 0.9,
          vm + " on the paging host");
      assertEquals(0.0, s.share(vm, 0, s.onset(), n -> n.get("swapInPerSec").asDouble() > 0));
    }
    assertSomeAppFails(s, 0.05);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void shouldShowErrorsOnOneNicWhenNicFails(long seed) {
    ScenarioView s = scenario(FaultKind.NIC_ERRORS, seed);
    String nic = s.fault().root();
    assertTrue(s.share(nic, s.onset(), Long.MAX_VALUE, n -> n.get("rxErrors").asLong() > 0) >= 0.95);
    assertEquals(0.0, s.share(nic, 0, s.onset(), n -> n.get("rxErrors").asLong() > 0));
    assertSomeAppFails(s, 0.1);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void shouldShowErrorsOnEveryNicBehindASilentSwitchWhenSwitchFails(long seed) {
    ScenarioView s = scenario(FaultKind.SWITCH_FAILURE, seed);
    String sw = s.fault().root();
    assertTrue(s.telemetry.getOrDefault(sw, List.of()).isEmpty(), "a switch is silent");
    Set<String> nics = s.dependentsOf(sw);
    assertFalse(nics.isEmpty());
    for (String nic : nics) {
      assertTrue(s.share(nic, s.onset() + 6_000, Long.MAX_VALUE, n -> n.get("rxErrors").asLong() > 0) >= 0.95, nic);
      assertEquals(0.0, s.share(nic, 0, s.onset(), n -> n.get("rxErrors").asLong() > 0), nic);
    }
    assertSomeAppFails(s, 0.2);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void shouldFailTheAppWithHealthyInfrastructureWhenAppHasABug(long seed) {
    ScenarioView s = scenario(FaultKind.APP_BUG, seed);
    String app = s.fault().root();
    assertTrue(s.failureRate(app, s.onset(), Long.MAX_VALUE) >= 0.5);
    assertTrue(s.samples(app, s.onset(), Long.MAX_VALUE).stream().filter(n -> n.has("ok")).filter(ScenarioView::appFailed)
        .allMatch(n -> n.get("status").asInt() >= 500 && n.has("failedStep")));
    for (String id : s.telemetry.keySet()) {
      String kind = s.kinds.get(id);
      if (!kind.equals("application") && !kind.equals("service")) {
        assertClean(s, id);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void shouldSilenceTheVmMarkItDownAndFailItsAppsWhenVmDownWithoutRedundancy(long seed) {
    ScenarioView s = scenario(FaultKind.VM_DOWN, seed);
    String vm = s.fault().root();
    assertVmDown(s, vm);
    assertSomeAppFails(s, 0.5);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void shouldKeepAppsHealthyWhenVmDownInARedundantPool(long seed) {
    ScenarioView s = scenario(FaultKind.VM_DOWN_REDUNDANT, seed);
    String vm = s.fault().root();
    assertVmDown(s, vm);
    assertFalse(s.dependentsOf(vm).stream().noneMatch(d -> s.kinds.get(d).equals("pool")));
    for (String id : s.telemetry.keySet()) {
      if (!id.equals(vm) && !s.dependentsOf(vm).contains(id)) {
        assertClean(s, id);
      }
    }
  }

  private static void assertVmDown(ScenarioView s, String vm) {
    assertTrue(s.samples(vm, s.onset(), Long.MAX_VALUE).isEmpty(), vm + " still reports after its onset");
    assertFalse(s.samples(vm, 0, s.onset()).isEmpty(), vm + " reported before");
    for (String pool : s.dependentsOf(vm)) {
      if (s.kinds.get(pool).equals("pool")) {
        List<JsonNode> member = s.telemetry.get(pool).stream().filter(n -> n.get("member").asText().equals(vm)).toList();
        assertTrue(member.stream().filter(n -> ScenarioView.time(n) >= s.onset() + 25_000)
            .allMatch(n -> n.get("state").asText().equals("DOWN")), pool + " reports " + vm + " DOWN");
        assertTrue(member.stream().filter(n -> ScenarioView.time(n) < s.onset())
            .allMatch(n -> n.get("state").asText().equals("UP")));
      }
    }
  }

  /** Some application or service that depends on the root fails at least {@code rate} of its checks. */
  private static void assertSomeAppFails(ScenarioView s, double rate) {
    double worst = 0;
    for (String id : s.upstreamOf(s.fault().root())) {
      String kind = s.kinds.get(id);
      if (kind.equals("application") || kind.equals("service")) {
        double share = s.failureRate(id, s.onset() + SETTLE_MS, Long.MAX_VALUE);
        worst = Math.max(worst, Double.isNaN(share) ? 0 : share);
        assertTrue(s.failureRate(id, 0, s.onset()) <= 0.05, id + " failed before the fault");
      }
    }
    assertTrue(worst >= rate, "the worst application failure rate is " + worst + ", expected >= " + rate);
  }

  @Test
  void shouldPlaceUnrelatedFaultsApartWhenSeveralAreRequested() {
    List<FaultKind> kinds = List.of(FaultKind.RESOLVER_DOWN, FaultKind.ARRAY_WRITE_ERRORS, FaultKind.APP_BUG,
        FaultKind.NIC_ERRORS);
    Estate estate = Estate.generate(400, 7);
    long start = SimulationSpec.DEFAULT_START.toEpochMilli();
    List<FaultPlanner.Planned> plan = new FaultPlanner(estate, new java.util.SplittableRandom(7))
        .plan(kinds, start, start + 20 * 60_000L, 10_000);
    assertEquals(kinds.size(), plan.size());
    for (int i = 0; i < plan.size(); i++) {
      FaultPlanner.Planned a = plan.get(i);
      assertEquals(kinds.get(i), a.kind());
      if (i > 0) {
        assertTrue(a.onsetMs() > plan.get(i - 1).onsetMs(), "onsets are staggered");
      }
      for (int j = 0; j < plan.size(); j++) {
        FaultPlanner.Planned b = plan.get(j);
        if (i == j) {
          continue;
        }
        assertFalse(b.effects().containsKey(a.root().index), a.root() + " is hurt by the fault at " + b.root());
        for (int n : a.effects().keySet()) {
          String kind = estate.nodes.get(n).kind;
          if (!kind.equals("application") && !kind.equals("service")) {
            assertFalse(b.effects().containsKey(n), estate.nodes.get(n) + " is hurt by two faults");
          }
        }
      }
    }
  }

  @Test
  void shouldWriteOneExpectationPerFaultWhenSeveralAreRequested() {
    List<FaultKind> kinds = List.of(FaultKind.SWITCH_FAILURE, FaultKind.RECORD_MISSING, FaultKind.VM_DOWN);
    ScenarioView s = ScenarioView.generate(SimulationSpec.of(3).withEntities(400).withMinutes(20).withFaults(kinds));
    assertEquals(kinds.stream().map(FaultKind::cliName).toList(),
        s.expectations.faults().stream().map(ExpectedFault::kind).toList());
    assertEquals(3, s.expectations.faults().stream().map(ExpectedFault::root).distinct().count());
  }
}
