package io.faultline.processor.correlate;

import io.faultline.common.EntityKind;
import io.faultline.processor.analysis.Candidate;
import io.faultline.processor.analysis.Diagnosis;
import io.faultline.processor.analysis.GraphView;
import io.faultline.processor.analysis.ObservedSymptom;
import io.faultline.schemas.EntityKinds;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The one-paragraph incident summary an on-call engineer can paste into a status page: what is
 * affected since when, the likely cause and why, the runner-up, and what is not yet known.
 */
final class SummaryWriter {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private SummaryWriter() {}

  static String time(long epochMs) {
    return TIME.format(Instant.ofEpochMilli(epochMs));
  }

  static List<String> firstFew(Collection<String> items, int n) {
    List<String> out = new ArrayList<>();
    for (String s : items) {
      if (out.size() == n) {
        out.add("and " + (items.size() - n) + " more");
        break;
      }
      out.add(s);
    }
    return out;
  }

  static String summary(Diagnosis d, GraphView graph, Set<String> monitored, int maxCandidates) {
    Candidate top = d.top();
    String root = top.entity();
    StringBuilder s = new StringBuilder();
    SortedSet<String> apps = new TreeSet<>();
    for (String e : d.symptomatic()) {
      EntityKind k = graph.kind(e);
      if (k == EntityKind.APPLICATION || k == EntityKind.SERVICE) {
        apps.add(e);
      }
    }
    s.append("Since ").append(time(d.onset())).append(", ").append(d.symptomatic().size())
        .append(d.symptomatic().size() == 1 ? " entity shows" : " entities show").append(' ')
        .append(d.severity() == null ? "" : d.severity().name().toLowerCase(Locale.ROOT) + " ")
        .append("symptoms (").append(String.join(", ", firstFew(d.symptomatic(), 6))).append(')');
    if (!apps.isEmpty()) {
      s.append(", including ").append(apps.size() == 1 ? "application " : "applications ")
          .append(String.join(", ", firstFew(apps, 6)));
    }
    s.append(". Likely cause: ").append(root).append(" (").append(EntityKinds.name(graph.kind(root)))
        .append(", score ").append(String.format(Locale.ROOT, "%.2f", top.score())).append(')');
    int explained = 0;
    for (String e : d.symptomatic()) {
      if (top.explains().contains(e)) {
        explained++;
      }
    }
    s.append(": it explains ").append(explained).append(" of ").append(d.symptomatic().size())
        .append(" symptomatic entities");
    // The analysis states the same share in its own words; don't say it twice.
    // Loops, not streams, here: the JDK's stream internals carry type profiles of every caller, and a class the
    // start's warm-up had not shown them threw this method's compiled code away (seconds of C2 each time).
    List<String> reasons = new ArrayList<>();
    for (String r : top.reasons()) {
      if (reasons.size() < 3 && !r.startsWith("explains ")) {
        reasons.add(r);
      }
    }
    if (!reasons.isEmpty()) {
      s.append("; ").append(String.join("; ", reasons));
    }
    ObservedSymptom evidence = strongestEvidence(d, top);
    if (evidence != null) {
      s.append("; e.g. ").append(evidence.entity()).append(": ").append(evidence.description());
    }
    s.append('.');
    if (d.ranked().size() > 1) {
      Candidate second = d.ranked().get(1);
      s.append(" Runner-up: ").append(second.entity()).append(" (score ")
          .append(String.format(Locale.ROOT, "%.2f", second.score())).append(").");
    }
    List<String> unknown = new ArrayList<>();
    boolean rootHasSymptoms = false;
    for (ObservedSymptom o : d.symptoms()) {
      rootHasSymptoms |= o.entity().equals(root);
    }
    if (!monitored.contains(root)) {
      unknown.add("no telemetry from " + root + " itself; inferred from " + explained
          + (explained == 1 ? " dependent" : " dependents"));
    } else if (!rootHasSymptoms) {
      unknown.add(root + " reports telemetry but shows no symptom itself");
    }
    SortedSet<String> unexplained = new TreeSet<>(d.symptomatic());
    unexplained.removeAll(top.explains());
    if (!unexplained.isEmpty()) {
      unknown.add("it does not explain " + String.join(", ", firstFew(unexplained, 4)));
    }
    if (!top.predictedAffected().isEmpty()) {
      unknown.add(String.join(", ", firstFew(top.predictedAffected(), 5))
          + (top.predictedAffected().size() == 1 ? " still passes its checks" : " still pass their checks")
          + " but " + (top.predictedAffected().size() == 1 ? "depends" : "depend") + " on it");
    }
    if (!unknown.isEmpty()) {
      s.append(" Not yet known: ").append(String.join("; ", unknown)).append('.');
    }
    return s.toString();
  }

  private static ObservedSymptom strongestEvidence(Diagnosis d, Candidate top) {
    ObservedSymptom best = null;
    for (ObservedSymptom o : d.symptoms()) {
      if (!top.explains().contains(o.entity()) && !o.entity().equals(top.entity())) {
        continue;
      }
      if (best == null || rank(o) > rank(best)
          || rank(o) == rank(best) && (o.onset() < best.onset()
              || o.onset() == best.onset() && o.entity().compareTo(best.entity()) < 0)) {
        best = o;
      }
    }
    return best;
  }

  private static int rank(ObservedSymptom o) {
    return o.severity() == null ? 0 : o.severity().ordinal();
  }
}
