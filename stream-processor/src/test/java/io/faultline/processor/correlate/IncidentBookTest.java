package io.faultline.processor.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.faultline.common.EntityKind;
import io.faultline.common.Severity;
import io.faultline.processor.analysis.Candidate;
import io.faultline.processor.analysis.DependencyGraph;
import io.faultline.processor.analysis.Diagnosis;
import io.faultline.processor.analysis.ObservedSymptom;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The lifecycle decisions on hand-made diagnoses, without Kafka. */
class IncidentBookTest {
  private static final long T0 = 1_800_000_000_000L;
  private static final long S = 1000;
  private final DependencyGraph graph = new DependencyGraph();

  private static Diagnosis diagnosis(List<String> symptomatic, Object... ranked) {
    List<Candidate> candidates = new java.util.ArrayList<>();
    for (int i = 0; i < ranked.length; i += 2) {
      candidates.add(new Candidate((String) ranked[i], (Double) ranked[i + 1], new TreeSet<>(symptomatic), Map.of(),
          new TreeSet<>(), List.of()));
    }
    List<ObservedSymptom> symptoms = symptomatic.stream()
        .map(e -> new ObservedSymptom(e, "app.ok", null, Severity.CRITICAL, T0, T0, "failing")).toList();
    return new Diagnosis(candidates, new TreeSet<>(symptomatic), symptoms, T0, Severity.CRITICAL);
  }

  private IncidentBook book(double mergeMinScore) {
    graph.putEntity("host:h1", EntityKind.HOST, null, Map.of());
    return new IncidentBook(new CorrelationSettings(1, 1000, 10 * S, 30 * S, 60 * S, 300 * S, 5, mergeMinScore));
  }

  @Test
  void shouldAttachALateGroupToTheOpenIncidentWhenItRanksThatRootStrongly() {
    IncidentBook book = book(0.5);
    Diagnosis host = diagnosis(List.of("host:h1", "vm:v1"), "host:h1", 1.0);
    book.evaluate(T0, List.of(host), graph, Set.of());
    assertEquals(1, book.evaluate(T0 + 10 * S, List.of(host), graph, Set.of()).size());

    // A service on the host degrades later; the analysis ranks it first but the host close behind.
    Diagnosis late = diagnosis(List.of("svc:ldap", "app:a"), "svc:ldap", 1.0, "host:h1", 0.8);
    for (long t = T0 + 20 * S; t <= T0 + 60 * S; t += 10 * S) {
      assertEquals(List.of(), book.evaluate(t, List.of(host, late), graph, Set.of()), "nothing new at " + t);
    }
    assertEquals(1, book.incidents().size());
  }

  @Test
  void shouldOpenASecondIncidentWhenTheOpenRootIsOnlyAWeakCandidate() {
    IncidentBook book = book(0.5);
    Diagnosis host = diagnosis(List.of("host:h1"), "host:h1", 1.0);
    book.evaluate(T0, List.of(host), graph, Set.of());
    book.evaluate(T0 + 10 * S, List.of(host), graph, Set.of());
    Diagnosis other = diagnosis(List.of("app:b"), "app:b", 1.0, "host:h1", 0.2);
    book.evaluate(T0 + 20 * S, List.of(host, other), graph, Set.of());
    List<IncidentBook.Change> changes = book.evaluate(T0 + 30 * S, List.of(host, other), graph, Set.of());
    assertEquals(List.of("app:b"), changes.stream().map(c -> c.incident().rootCause()).toList());
    assertEquals(2, book.incidents().size());
  }
  @Test
  void shouldMergeAnIncidentIntoAnotherWhenItsSymptomsTurnOutToHaveTheOtherRoot() {
    IncidentBook book = book(0.5);
    // Two first symptoms of one fault open two incidents before the resolver can be inferred.
    Diagnosis app = diagnosis(List.of("app:inventory"), "app:inventory", 1.0);
    Diagnosis name = diagnosis(List.of("dns-name:shop"), "dns-name:shop", 1.0);
    book.evaluate(T0, List.of(app, name), graph, Set.of());
    assertEquals(2, book.evaluate(T0 + 10 * S, List.of(app, name), graph, Set.of()).size());

    Diagnosis resolver = diagnosis(List.of("app:inventory", "dns-name:shop", "dns-name:db"),
        "dns-resolver:r", 0.9, "dns-name:shop", 0.2);
    List<IncidentBook.Change> changes = book.evaluate(T0 + 11 * S, List.of(resolver), graph, Set.of());
    assertEquals(List.of("UPDATED dns-resolver:r", "RESOLVED dns-resolver:r"), changes.stream()
        .map(c -> c.incident().state() + " " + c.incident().rootCause()).toList());
    IncidentBook.Change merged = changes.get(1);
    assertEquals(resolver, merged.diagnosis(), "the merged incident's last ranking names the real root");
    assertEquals(true, merged.incident().summary().startsWith("Merged into " + changes.get(0).incident().id()));
  }

  @Test
  void shouldKeepAnIncidentOpenWhenAnotherDiagnosisCoversOnlyPartOfIt() {
    IncidentBook book = book(0.5);
    Diagnosis a = diagnosis(List.of("app:a", "vm:1"), "vm:1", 1.0);
    Diagnosis b = diagnosis(List.of("app:b", "app:c"), "app:b", 1.0);
    book.evaluate(T0, List.of(a, b), graph, Set.of());
    book.evaluate(T0 + 10 * S, List.of(a, b), graph, Set.of());
    Diagnosis wider = diagnosis(List.of("app:b", "vm:1"), "vm:1", 1.0);
    assertEquals(List.of(), book.evaluate(T0 + 11 * S, List.of(wider), graph, Set.of()).stream()
        .filter(c -> c.incident().state().equals("RESOLVED")).toList());
  }
}
