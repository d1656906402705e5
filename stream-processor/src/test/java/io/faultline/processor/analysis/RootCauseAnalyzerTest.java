package io.faultline.processor.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.common.EntityKind;
import io.faultline.common.Severity;
import io.faultline.schemas.EntityKinds;
import io.faultline.schemas.scenario.ScenarioReader;
import io.faultline.topology.TopologyEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The analysis on the estate of the shared example scenarios (its topology only; the symptoms are
 * written here, as detection would raise them), plus small hand-made graphs for the cases the
 * examples lack.
 */
class RootCauseAnalyzerTest {

  static final long T0 = 1_000_000_000L;
  static final String RESOLVER_B = "dns-resolver:10.0.1.53";

  final RootCauseAnalyzer analyzer = new RootCauseAnalyzer();
  DependencyGraph estate;
  Set<String> monitored;

  @BeforeEach
  void loadEstate() {
    Path file = io.faultline.schemas.scenario.ScenarioFiles.shared("dns-resolver-down.jsonl");
    assertTrue(Files.isRegularFile(file), "the shared scenarios must be checked out beside the repo: " + file.toAbsolutePath());
    estate = new DependencyGraph();
    monitored = new TreeSet<>();
    ScenarioReader.read(file, r -> {
      if (r.value() instanceof TopologyEvent t) {
        if (t.getEntity() != null) {
          estate.putEntity(t.getEntity().getId(), t.getEntity().getKind(), t.getEntity().getMinHealthy(), t.getEntity().getLabels());
        } else {
          estate.putDependency(t.getDependency().getFrom(), t.getDependency().getTo());
        }
      } else {
        monitored.add(r.key());
      }
    });
  }

  static ObservedSymptom critical(String entity, String signal, String related, long onsetSec) {
    return new ObservedSymptom(entity, signal, related, Severity.CRITICAL, T0 + onsetSec * 1000, T0 + onsetSec * 1000 + 20_000, signal);
  }

  static ObservedSymptom warning(String entity, String signal, long onsetSec) {
    return new ObservedSymptom(entity, signal, null, Severity.WARNING, T0 + onsetSec * 1000, T0 + onsetSec * 1000 + 30_000, signal);
  }

  static ObservedSymptom appFails(String app, long onsetSec) {
    return critical(app, "app.ok", "synthetic", onsetSec);
  }

  List<Diagnosis> analyze(List<ObservedSymptom> symptoms) {
    return analyzer.analyze(estate, symptoms, monitored, T0 + 600_000);
  }

  @Test
  void shouldBlameSilentResolverWhenEveryNameOnItFails() {
    List<ObservedSymptom> s = List.of(
        critical("dns-name:payments.internal", "dns.rcode", RESOLVER_B, 30),
        critical("dns-name:cache.internal", "dns.rcode", RESOLVER_B, 31),
        critical("dns-name:queue.internal", "dns.rcode", RESOLVER_B, 40),
        appFails("app:storefront", 50),
        appFails("app:payments", 45),
        appFails("app:search", 48),
        appFails("app:checkout", 60));
    List<Diagnosis> d = analyze(s);
    assertEquals(1, d.size(), () -> "one fault, one diagnosis: " + d);
    Candidate top = d.get(0).top();
    assertEquals(RESOLVER_B, top.entity());
    assertEquals(Set.of("app:checkout", "app:payments", "app:search", "app:storefront",
        "dns-name:cache.internal", "dns-name:payments.internal", "dns-name:queue.internal"), top.explains());
    List<String> path = top.paths().get("app:checkout");
    assertEquals(RESOLVER_B, path.get(0));
    assertEquals("app:checkout", path.get(path.size() - 1));
    for (int i = 1; i < path.size(); i++) {
      assertTrue(estate.dependencies(path.get(i)).contains(path.get(i - 1)), "each step is a dependency: " + path);
    }
    assertTrue(top.score() > d.get(0).ranked().get(1).score());
  }

  @Test
  void shouldBlameNameWhenItsSiblingsOnTheSameResolverResolve() {
    List<ObservedSymptom> s = List.of(
        critical("dns-name:payments.internal", "dns.rcode", RESOLVER_B, 20),
        appFails("app:payments", 35),
        appFails("app:search", 38),
        appFails("app:checkout", 50));
    List<Diagnosis> d = analyze(s);
    assertEquals(1, d.size(), () -> d.toString());
    assertEquals("dns-name:payments.internal", d.get(0).top().entity());
    assertTrue(d.get(0).ranked().stream().anyMatch(c -> c.entity().equals(RESOLVER_B)),
        "the resolver stays a (weaker) candidate");
  }

  @Test
  void shouldBlameApplicationWhenItsInfrastructureIsHealthy() {
    List<Diagnosis> d = analyze(List.of(appFails("app:payments", 10)));
    assertEquals(1, d.size());
    assertEquals("app:payments", d.get(0).top().entity());
    assertTrue(d.get(0).ranked().stream().skip(1).allMatch(c -> c.score() < 0.1),
        "healthy dependencies score low: " + d.get(0).ranked());
  }

  @Test
  void shouldBlameDiskArrayWhenItsDatastoresAndTheirVmsSuffer() {
    List<ObservedSymptom> s = List.of(
        critical("disk-array:san-b", "disk.ioErrors", null, 0),
        warning("datastore:ds-b1", "disk.writeLatencyMs", 10),
        warning("datastore:ds-b2", "disk.writeLatencyMs", 12),
        warning("vm:vm-09", "memory.pageInPerSec", 30),
        appFails("app:payments", 40),
        appFails("app:search", 45),
        appFails("app:checkout", 55));
    List<Diagnosis> d = analyze(s);
    assertEquals(1, d.size(), () -> d.toString());
    assertEquals("disk-array:san-b", d.get(0).top().entity());
    assertEquals(7, d.get(0).symptomatic().size());
  }

  @Test
  void shouldBlameSilentSwitchWhenEveryNicOnItShowsErrors() {
    List<ObservedSymptom> s = List.of(
        warning("nic:esx-01/vmnic0", "network.rxErrors", 0),
        warning("nic:esx-03/vmnic0", "network.rxErrors", 2),
        warning("nic:esx-05/vmnic0", "network.rxErrors", 5),
        appFails("app:accounts", 30));
    List<Diagnosis> d = analyze(s);
    assertEquals(1, d.size(), () -> d.toString());
    assertEquals("switch:tor-a", d.get(0).top().entity());
    assertTrue(d.get(0).top().reasons().stream().anyMatch(r -> r.contains("no telemetry of its own")));
  }

  @Test
  void shouldBlameNicNotSwitchWhenItsSiblingsAreHealthy() {
    List<Diagnosis> d = analyze(List.of(warning("nic:esx-01/vmnic0", "network.rxErrors", 0),
        appFails("app:payments", 20)));
    assertEquals(1, d.size(), () -> d.toString());
    assertEquals("nic:esx-01/vmnic0", d.get(0).top().entity());
  }

  @Test
  void shouldExplainNothingAbovePoolWhenOneRedundantMemberIsDown() {
    // pool:web needs 2 of vm-04, vm-06, vm-08: one down leaves it working.
    List<ObservedSymptom> s = List.of(critical("vm:vm-04", "silence", null, 0),
        critical("vm:vm-04", "pool.member", "pool:web", 5));
    List<Diagnosis> d = analyze(s);
    assertEquals(1, d.size());
    assertEquals("vm:vm-04", d.get(0).top().entity());
    assertEquals(Set.of("vm:vm-04"), d.get(0).symptomatic());
    assertFalse(d.get(0).top().predictedAffected().contains("app:storefront"),
        "a redundant pool shields its applications");
  }

  @Test
  void shouldKeepUnrelatedAppFailureApartWhenOneRedundantMemberIsDown() {
    List<ObservedSymptom> s = List.of(critical("vm:vm-04", "silence", null, 0),
        critical("vm:vm-04", "pool.member", "pool:web", 5),
        appFails("app:storefront", 20));
    List<Diagnosis> d = analyze(s);
    assertEquals(2, d.size(), () -> d.toString());
    assertEquals(Set.of("app:storefront", "vm:vm-04"), Set.of(d.get(0).top().entity(), d.get(1).top().entity()));
  }

  @Test
  void shouldBlameMemberWhenPoolFallsBelowMinHealthy() {
    DependencyGraph g = new DependencyGraph();
    g.putEntity("app:shop", EntityKind.APPLICATION, null, Map.of());
    g.putEntity("pool:shop", EntityKind.POOL, 1, Map.of());
    g.putEntity("vm:a", EntityKind.VM, null, Map.of());
    g.putEntity("vm:b", EntityKind.VM, null, Map.of());
    g.putDependency("app:shop", "pool:shop");
    g.putDependency("pool:shop", "vm:a");
    g.putDependency("pool:shop", "vm:b");
    g.putEntity("host:h", EntityKind.HOST, null, Map.of());
    g.putDependency("vm:a", "host:h");
    g.putDependency("vm:b", "host:h");
    List<ObservedSymptom> s = List.of(critical("host:h", "memory.pageInPerSec", null, 0),
        critical("vm:a", "silence", null, 10), critical("vm:b", "silence", null, 12), appFails("app:shop", 20));
    List<Diagnosis> d = analyzer.analyze(g, s, Set.of("app:shop", "pool:shop", "vm:a", "vm:b", "host:h"), T0);
    assertEquals(1, d.size(), () -> d.toString());
    assertEquals("host:h", d.get(0).top().entity());
    assertEquals(List.of("host:h", "vm:a", "pool:shop", "app:shop"), d.get(0).top().paths().get("app:shop"));
  }

  /** app:shop on pool:shop (needs 1 of vm:a, vm:b); vm:a on datastore:slow, vm:b on datastore:ok. */
  static DependencyGraph redundantPoolOnTwoDatastores() {
    DependencyGraph g = new DependencyGraph();
    g.putEntity("app:shop", EntityKind.APPLICATION, null, Map.of());
    g.putEntity("pool:shop", EntityKind.POOL, 1, Map.of());
    g.putEntity("vm:a", EntityKind.VM, null, Map.of());
    g.putEntity("vm:b", EntityKind.VM, null, Map.of());
    g.putEntity("datastore:slow", EntityKind.DATASTORE, null, Map.of());
    g.putEntity("datastore:ok", EntityKind.DATASTORE, null, Map.of());
    g.putDependency("app:shop", "pool:shop");
    g.putDependency("pool:shop", "vm:a");
    g.putDependency("pool:shop", "vm:b");
    g.putDependency("vm:a", "datastore:slow");
    g.putDependency("vm:b", "datastore:ok");
    return g;
  }

  @Test
  void shouldBlameDatastoreUnderOneMemberWhenRedundantPoolsUsersSlowDown() {
    // The member is slow, not gone: it stays in rotation and its share of the requests fails.
    List<ObservedSymptom> s = List.of(critical("datastore:slow", "disk.writeLatencyMs", null, 0),
        appFails("app:shop", 25));
    Set<String> monitored = Set.of("app:shop", "vm:a", "vm:b", "datastore:slow", "datastore:ok");
    List<Diagnosis> d = analyzer.analyze(redundantPoolOnTwoDatastores(), s, monitored, T0);
    assertEquals(1, d.size(), () -> d.toString());
    assertEquals("datastore:slow", d.get(0).top().entity());
    assertEquals(List.of("datastore:slow", "vm:a", "pool:shop", "app:shop"), d.get(0).top().paths().get("app:shop"));
  }

  @Test
  void shouldKeepAppFailureApartWhenTheImpairedMemberLeftRotation() {
    // The pool took vm:a out (DOWN) and vm:b carries the load: the app's failure is its own.
    List<ObservedSymptom> s = List.of(critical("datastore:slow", "disk.writeLatencyMs", null, 0),
        critical("vm:a", "pool.member", "pool:shop", 5), appFails("app:shop", 25));
    Set<String> monitored = Set.of("app:shop", "vm:a", "vm:b", "datastore:slow", "datastore:ok");
    List<Diagnosis> d = analyzer.analyze(redundantPoolOnTwoDatastores(), s, monitored, T0);
    assertEquals(2, d.size(), () -> d.toString());
    assertEquals(Set.of("app:shop", "datastore:slow"), Set.of(d.get(0).top().entity(), d.get(1).top().entity()));
  }

  @Test
  void shouldSeparateTwoUnrelatedFaultsIntoTwoDiagnoses() {
    List<ObservedSymptom> s = List.of(
        critical("dns-name:auth.internal", "dns.rcode", "dns-resolver:10.0.0.53", 0),
        critical("dns-name:db.internal", "dns.rcode", "dns-resolver:10.0.0.53", 3),
        critical("dns-name:search.internal", "dns.rcode", "dns-resolver:10.0.0.53", 4),
        critical("disk-array:san-a", "disk.ioErrors", null, 100),
        warning("datastore:ds-a1", "disk.writeLatencyMs", 105));
    List<Diagnosis> d = analyze(s);
    assertEquals(2, d.size(), () -> d.toString());
    assertEquals("dns-resolver:10.0.0.53", d.get(0).top().entity());
    assertEquals("disk-array:san-a", d.get(1).top().entity());
  }

  @Test
  void shouldPredictAffectedApplicationsWhenTheirChecksStillPass() {
    List<ObservedSymptom> s = List.of(
        critical("dns-name:payments.internal", "dns.rcode", RESOLVER_B, 0),
        critical("dns-name:cache.internal", "dns.rcode", RESOLVER_B, 1),
        critical("dns-name:queue.internal", "dns.rcode", RESOLVER_B, 2));
    Candidate top = analyze(s).get(0).top();
    assertEquals(RESOLVER_B, top.entity());
    assertEquals(Set.of("app:checkout", "app:payments", "app:search", "app:storefront"), top.predictedAffected());
  }

  @Test
  void shouldGiveTheSameAnswerWhateverTheOrderOfSymptoms() {
    List<ObservedSymptom> s = new ArrayList<>(List.of(
        critical("dns-name:payments.internal", "dns.rcode", RESOLVER_B, 30),
        critical("dns-name:cache.internal", "dns.rcode", RESOLVER_B, 31),
        appFails("app:payments", 45), appFails("app:search", 48),
        warning("nic:esx-02/vmnic0", "network.rxErrors", 3),
        critical("disk-array:san-a", "disk.ioErrors", null, 7)));
    List<Diagnosis> first = analyze(s);
    Random random = new Random(42);
    for (int i = 0; i < 20; i++) {
      Collections.shuffle(s, random);
      assertEquals(first, analyze(s));
    }
  }

  @Test
  void shouldDiagnoseNothingWhenNothingIsWrong() {
    assertTrue(analyze(List.of()).isEmpty());
  }

  @Test
  void shouldUseResolverFromSymptomWhenTopologyOmitsIt() {
    DependencyGraph g = new DependencyGraph();
    for (String n : List.of("a", "b", "c")) {
      g.putEntity("dns-name:" + n, EntityKinds.parse("dns-name"), null, Map.of());
    }
    List<ObservedSymptom> s = List.of(critical("dns-name:a", "dns.rcode", "dns-resolver:r", 0),
        critical("dns-name:b", "dns.rcode", "dns-resolver:r", 1), critical("dns-name:c", "dns.rcode", "dns-resolver:r", 2));
    List<Diagnosis> d = analyzer.analyze(g, s, Set.of("dns-name:a", "dns-name:b", "dns-name:c"), T0);
    assertEquals(1, d.size(), () -> d.toString());
    assertEquals("dns-resolver:r", d.get(0).top().entity());
  }

  /** A resolver serving one name, used by two applications. */
  static DependencyGraph oneNameResolver() {
    DependencyGraph g = new DependencyGraph();
    g.putEntity("dns-resolver:r", EntityKinds.parse("dns-resolver"), null, Map.of());
    g.putEntity("dns-name:db", EntityKinds.parse("dns-name"), null, Map.of());
    g.putDependency("dns-name:db", "dns-resolver:r");
    for (String app : List.of("app:a", "app:b")) {
      g.putEntity(app, EntityKinds.parse("application"), null, Map.of());
      g.putDependency(app, "dns-name:db");
    }
    return g;
  }

  static ObservedSymptom rcode(String name, String resolver, String rcode, long onsetSec) {
    return new ObservedSymptom(name, "dns.rcode", resolver, Severity.CRITICAL, T0 + onsetSec * 1000,
        T0 + onsetSec * 1000 + 20_000, "rcode " + rcode + " via " + resolver + " in 3 of 5 samples");
  }

  @Test
  void shouldBlameSilentResolverWhenTheOnlyNameOnItGetsNoAnswer() {
    List<ObservedSymptom> s = List.of(rcode("dns-name:db", "dns-resolver:r", "TIMEOUT", 0),
        critical("app:a", "app.ok", "synthetic", 5), critical("app:b", "app.ok", "synthetic", 8));
    List<Diagnosis> d = analyzer.analyze(oneNameResolver(), s, Set.of("dns-name:db", "app:a", "app:b"), T0);
    assertEquals(1, d.size(), () -> d.toString());
    assertEquals("dns-resolver:r", d.get(0).top().entity());
    assertEquals("dns-name:db", d.get(0).ranked().get(1).entity());
  }

  @Test
  void shouldBlameTheNameWhenTheOnlyNameOnAResolverIsAnsweredNxdomain() {
    List<ObservedSymptom> s = List.of(rcode("dns-name:db", "dns-resolver:r", "NXDOMAIN", 0),
        critical("app:a", "app.ok", "synthetic", 5));
    List<Diagnosis> d = analyzer.analyze(oneNameResolver(), s, Set.of("dns-name:db", "app:a", "app:b"), T0);
    assertEquals(1, d.size(), () -> d.toString());
    assertEquals("dns-name:db", d.get(0).top().entity());
  }

  @Test
  void shouldGiveEachUnrelatedFailureItsOwnDiagnosisWhenThousandsFailAtOnce() {
    // A collector outage at scale: thousands of VMs on distinct healthy hosts all go silent.
    DependencyGraph g = new DependencyGraph();
    Set<String> watched = new TreeSet<>();
    List<ObservedSymptom> s = new java.util.ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      String vm = String.format("vm:%05d", i);
      String host = String.format("host:%05d", i);
      g.putEntity(vm, EntityKind.VM, null, Map.of());
      g.putEntity(host, EntityKind.HOST, null, Map.of());
      g.putDependency(vm, host);
      watched.add(vm);
      watched.add(host);
      s.add(critical(vm, "silence", null, i % 60));
    }
    List<Diagnosis> d = analyzer.analyze(g, s, watched, T0 + 600_000);
    assertEquals(3000, d.size());
    for (Diagnosis one : d) {
      String vm = one.top().entity();
      assertTrue(vm.startsWith("vm:"), one.ranked().toString());
      assertEquals(Set.of(vm), Set.copyOf(one.symptomatic()));
      // Only its own chain is considered: nothing from the 2,999 other groups.
      Set<String> chain = Set.of(vm, vm.replace("vm:", "host:"));
      one.ranked().forEach(c -> assertTrue(chain.contains(c.entity()), vm + " ranked " + c.entity()));
    }
  }
}
