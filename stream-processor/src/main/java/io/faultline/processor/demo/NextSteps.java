package io.faultline.processor.demo;

import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The demo's closing section, "where to look next": every topic of the catalogue with a command that
 * reads it, the query API's URLs for this run's entities, the web view, and the commands that go
 * further (replay, simulate, bench).
 *
 * @param bootstrap the demo broker
 * @param registryUrl the demo registry
 * @param apiBase {@code http://localhost:PORT}
 * @param scenario the scenario file, as the user would type it
 * @param expect its expectations file, or null
 * @param incidentId an incident of this run, or null
 * @param root the entity to ask about (the incident's root or the expected one)
 * @param application an application it affected, or null
 * @param recordsPerTopic records sent to or read from each topic by the demo (absent = unknown)
 * @param liveAfter whether the stack and API stay up after this text (the URLs work now)
 */
record NextSteps(String bootstrap, String registryUrl, String apiBase, String scenario, String expect,
    String incidentId, String root, String application, Map<String, Long> recordsPerTopic, boolean liveAfter) {

  void print(PrintStream out) {
    out.println();
    out.println("Where to look next" + (liveAfter ? " (the stack, the processor and its API are still running)"
        : " (the demo's stack stops when it exits: in a terminal, without --no-wait, it stays up)"));
    out.println();
    out.println("  Topics (keys: UTF-8 ids; values: Avro, Confluent wire format, schemas in the registry):");
    for (Topic<?> t : Topics.ALL) {
      topic(out, t.name(), t.description());
    }
    topic(out, Topics.DEAD_LETTER, "Records the pipeline could not use; reason and source in the headers");
    out.println("    read one (decoded, from the beginning; add --follow to keep reading):");
    out.println("      ./faultline tail " + Topics.INCIDENTS.name() + " --bootstrap " + bootstrap + " --registry "
        + registryUrl);
    out.println();
    out.println("  Query API (stream-processor/docs/http-api.md):");
    url(out, "/api/v1/incidents?state=all", "incidents, newest first");
    if (incidentId != null) {
      url(out, "/api/v1/incidents/" + incidentId, "this incident: ranked candidates, evidence, paths");
    }
    if (application != null) {
      url(out, "/api/v1/entities/" + enc(application) + "/root-cause", "root cause of " + application
          + "'s trouble");
    }
    if (root != null) {
      url(out, "/api/v1/entities/" + enc(root), "health of " + root);
      url(out, "/api/v1/entities/" + enc(root) + "/impact", "what depends on " + root);
    }
    url(out, "curl -N", "/api/v1/incidents/stream", "incident changes as server-sent events");
    url(out, "/metrics", "Prometheus metrics");
    out.println("  Web view: " + apiBase + "/");
    out.println();
    out.println("  Go further:");
    out.println("    ./faultline replay " + scenario + (expect == null ? "" : " --expect " + expect)
        + "   # the same scenario at full speed, FORMAT.md output and scores");
    out.println("    ./faultline simulate --seed 7 --faults switch-failure --out switch-case && "
        + "./faultline replay switch-case.jsonl --expect switch-case.expect.json");
    out.println("    ./faultline bench accuracy   # generated suite vs. baselines; other benchmarks: README, Commands");
  }

  private void topic(PrintStream out, String name, String description) {
    Long n = recordsPerTopic.get(name);
    out.printf("    %-29s %8s  %s%n", name, n == null ? "" : n, description);
  }

  private void url(PrintStream out, String path, String what) {
    url(out, "curl -s", path, what);
  }

  private void url(PrintStream out, String curl, String path, String what) {
    out.printf("    %-74s # %s%n", curl + " '" + apiBase + path + "'", what);
  }

  /** Entity ids may hold {@code /} ({@code nic:esx-01/vmnic0}); the API takes them %2F-encoded. */
  private static String enc(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("%3A", ":");
  }
}
