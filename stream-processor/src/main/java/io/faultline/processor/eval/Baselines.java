package io.faultline.processor.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.faultline.schemas.scenario.ScenarioReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Two honest baselines to put the pipeline's accuracy in context, both working on the same scenario
 * file and answering in the replay output form so that {@link Scorer} judges all alike.
 *
 * <p>Both see the same anomalies: per series, two consecutive abnormal samples (in event time, so
 * delivery order does not matter and one-sample spikes do not count): a failed check, a DNS answer
 * other than NOERROR, I/O errors, swapping, packet errors or drops, a pool member DOWN, a service not
 * UP, or a latency, paging or retransmission level above 4x the series' median of its first five
 * minutes; and a series that stops for more than a minute before the end. Anomalies are grouped
 * into episodes (a new episode after 10 minutes without a new anomalous entity).
 * <ul>
 *   <li><b>Earliest anomaly first</b> (no topology): every anomalous entity of the episode, ranked by
 *       the onset of its first anomaly.</li>
 *   <li><b>Parent suppression</b> (Nagios/Zabbix dependencies, no scoring): an anomalous entity is
 *       suppressed when something it depends on directly is anomalous too; what is left is listed in
 *       onset order, the order an operator's console shows it.</li>
 * </ul>
 * Each publishes its ranking again whenever an entity joins the episode.
 */
public final class Baselines {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long BASELINE_WINDOW_MS = 5 * 60_000L;
  private static final long SILENCE_MS = 60_000L;
  private static final long EPISODE_GAP_MS = 10 * 60_000L;
  private static final double LEVEL_FACTOR = 4.0;

  private Baselines() {}

  /** The first anomaly of every anomalous entity of a scenario, with its dependencies. */
  public record Anomalies(Map<String, Long> onsets, Map<String, Set<String>> dependencies) {}

  public static List<ReplayLine> earliestAnomalyFirst(Anomalies a) {
    return rank(a, "earliest", false);
  }

  public static List<ReplayLine> parentSuppression(Anomalies a) {
    return rank(a, "suppress", true);
  }

  private static List<ReplayLine> rank(Anomalies a, String prefix, boolean suppress) {
    List<Map.Entry<String, Long>> ordered = new ArrayList<>(a.onsets().entrySet());
    ordered.sort(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
    List<ReplayLine> out = new ArrayList<>();
    List<Map.Entry<String, Long>> episode = new ArrayList<>();
    int episodes = 0;
    long last = Long.MIN_VALUE;
    for (Map.Entry<String, Long> e : ordered) {
      if (!episode.isEmpty() && e.getValue() - last > EPISODE_GAP_MS) {
        episode.clear();
        episodes++;
      }
      episode.add(e);
      last = e.getValue();
      Set<String> members = new HashSet<>();
      episode.forEach(x -> members.add(x.getKey()));
      List<String> ranking = new ArrayList<>();
      for (Map.Entry<String, Long> x : episode) {
        boolean suppressed = suppress && a.dependencies().getOrDefault(x.getKey(), Set.of()).stream()
            .anyMatch(members::contains);
        if (!suppressed) {
          ranking.add(x.getKey());
        }
      }
      String incident = prefix + "-" + episodes;
      Instant t = Instant.ofEpochMilli(e.getValue());
      List<String> affected = new ArrayList<>(members);
      affected.sort(Comparator.naturalOrder());
      for (int i = 0; i < ranking.size(); i++) {
        out.add(new ReplayLine.Candidate(incident, i + 1, ranking.get(i), suppress ? 1.0 : 1.0 / (i + 1), t,
            affected));
      }
    }
    return out;
  }

  /** Finds the anomalies of a scenario file (held in memory: meant for bench-sized scenarios). */
  public static Anomalies detect(Path scenario) {
    Map<String, List<JsonNode>> series = new LinkedHashMap<>();
    Map<String, Set<String>> deps = new HashMap<>();
    long end = Long.MIN_VALUE;
    try (BufferedReader in = Files.newBufferedReader(scenario, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode n = JSON.readTree(line);
        String type = n.path("type").asText();
        if (type.equals("depends")) {
          Set<String> s = deps.computeIfAbsent(n.get("from").asText(), k -> new HashSet<>());
          if (n.path("removed").asBoolean(false)) {
            s.remove(n.get("to").asText());
          } else {
            s.add(n.get("to").asText());
          }
        } else if (!type.equals("entity")) {
          String key = type + "|" + n.get("entity").asText() + "|" + n.path("member").asText()
              + "|" + n.path("resolver").asText() + "|" + n.path("check").asText();
          series.computeIfAbsent(key, k -> new ArrayList<>()).add(n);
          end = Math.max(end, time(n));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + scenario + ": " + e.getMessage(), e);
    }
    Map<String, Long> onsets = new TreeMap<>();
    for (List<JsonNode> s : series.values()) {
      s.sort(Comparator.comparingLong(Baselines::time));
      String entity = s.get(0).get("entity").asText();
      long onset = seriesOnset(s, end);
      if (onset != Long.MAX_VALUE) {
        onsets.merge(entity, onset, Math::min);
      }
    }
    return new Anomalies(onsets, deps);
  }

  private static long seriesOnset(List<JsonNode> s, long end) {
    long start = time(s.get(0));
    String type = s.get(0).get("type").asText();
    String[] levels = switch (type) {
      case "disk" -> new String[] {"writeLatencyMs", "readLatencyMs"};
      case "memory" -> new String[] {"pageInPerSec"};
      case "network" -> new String[] {"retransPerSec"};
      case "app", "dns" -> new String[] {"latencyMs"};
      default -> new String[0];
    };
    double[] baseline = new double[levels.length];
    for (int i = 0; i < levels.length; i++) {
      String f = levels[i];
      double[] v = s.stream().filter(n -> time(n) < start + BASELINE_WINDOW_MS).mapToDouble(n -> n.get(f).asDouble())
          .sorted().toArray();
      baseline[i] = v.length == 0 ? Double.MAX_VALUE : v[v.length / 2];
    }
    long previous = Long.MIN_VALUE;
    for (JsonNode n : s) {
      boolean bad = abnormal(type, n);
      for (int i = 0; i < levels.length && !bad; i++) {
        bad = n.get(levels[i]).asDouble() > LEVEL_FACTOR * baseline[i];
      }
      if (bad && previous != Long.MIN_VALUE) {
        return previous;
      }
      previous = bad ? time(n) : Long.MIN_VALUE;
    }
    long lastSeen = time(s.get(s.size() - 1));
    return end - lastSeen > SILENCE_MS ? lastSeen + SILENCE_MS / 2 : Long.MAX_VALUE;
  }

  private static boolean abnormal(String type, JsonNode n) {
    return switch (type) {
      case "app" -> !n.get("ok").asBoolean();
      case "dns" -> !n.get("rcode").asText().equals("NOERROR");
      case "disk" -> n.path("ioErrors").asLong() > 0;
      case "memory" -> n.get("swapInPerSec").asDouble() > 0;
      case "network" -> Arrays.stream(new String[] {"rxErrors", "txErrors", "rxDropped", "txDropped"})
          .anyMatch(f -> n.get(f).asLong() > 0);
      case "pool" -> n.get("state").asText().equals("DOWN");
      case "service" -> !n.get("state").asText().equals("UP");
      default -> false;
    };
  }

  private static long time(JsonNode n) {
    return ScenarioReader.parseTime(n.get("t"));
  }
}
