package io.faultline.processor.replay;

import io.faultline.schemas.scenario.ScenarioFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.processor.eval.Expectations;
import io.faultline.processor.eval.ReplayLine;
import io.faultline.processor.eval.ScenarioFacts;
import io.faultline.processor.eval.Scorer;
import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import io.faultline.stack.LocalStack;
import io.faultline.stack.StackOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/**
 * A shared scenario through the real pipeline (embedded broker and registry, the processor in this
 * JVM), twice: the same lines both times, and the expected root ranked first.
 */
class ReplayIT {

  private static List<String> replay(Path scenario) {
    ReplayCli.Options o = ReplayCli.parse(new String[] {scenario.toString()});
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<String> lines = new ArrayList<>();
    for (OutputFormat.Line l : ReplayCli.replay(o, scenario, new PrintStream(log, true, StandardCharsets.UTF_8))) {
      lines.add(l.json());
    }
    return lines;
  }

  @Test
  void shouldPrintTheSameLinesAndRankTheRootFirstWhenReplayingASharedScenarioTwice() {
    Path scenario = ScenarioFiles.shared("dns-resolver-down.jsonl");
    Expectations expected = Expectations.read(ScenarioFiles.shared("dns-resolver-down.expect.json"));

    List<String> first = replay(scenario);
    List<String> second = replay(scenario);

    assertFalse(first.isEmpty(), "the pipeline concluded something");
    assertEquals(first, second, "replaying the same file gives the same lines");
    List<ReplayLine> parsed = new ArrayList<>();
    for (int i = 0; i < first.size(); i++) {
      parsed.add(ReplayLine.parse(first.get(i), i + 1));
    }
    Scorer.Result score = Scorer.score(parsed, expected, ScenarioFacts.read(scenario));
    System.out.print(score.table());
    assertEquals(1.0, score.ac(1), "the expected root is ranked first by the incident covering it");
  }

  @Test
  void shouldRefuseAndPublishNothingWhenTheClusterWouldDeleteTheRecordedEvents() throws Exception {
    Path scenario = ScenarioFiles.shared("dns-resolver-down.jsonl");
    try (LocalStack cluster = LocalStack.start(StackOptions.defaults()); Admin admin = cluster.admin()) {
      cluster.createFaultlineTopics();
      // Any recording is older than an hour by the time this runs, whatever the date.
      ConfigResource dns = new ConfigResource(ConfigResource.Type.TOPIC, Topics.DNS.name());
      admin.incrementalAlterConfigs(Map.of(dns, List.of(new AlterConfigOp(
          new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, "3600000"), AlterConfigOp.OpType.SET))))
          .all().get(30, TimeUnit.SECONDS);
      Map<TopicPartition, Long> before = endOffsets(admin, Topics.ALL);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();

      int rc = ReplayCli.run(new String[] {scenario.toString(), "--bootstrap", cluster.bootstrapServers(),
          "--registry", cluster.registryUrl()}, new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8));

      String said = err.toString(StandardCharsets.UTF_8);
      assertEquals(1, rc, said);
      assertTrue(said.contains(Topics.DNS.name() + "'s retention.ms"), said);
      assertEquals("", out.toString(StandardCharsets.UTF_8));
      assertEquals(before, endOffsets(admin, Topics.ALL), "nothing was published");
    }
  }

  private static Map<TopicPartition, Long> endOffsets(Admin admin, Collection<Topic<?>> topics) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (Topic<?> t : topics) {
      for (int p = 0; p < t.partitions(); p++) {
        latest.put(new TopicPartition(t.name(), p), OffsetSpec.latest());
      }
    }
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
    return ends;
  }
}
