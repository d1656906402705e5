package io.faultline.processor;

import io.faultline.schemas.Topic;
import io.faultline.schemas.TopicCreation;
import io.faultline.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the pipeline's topics that are missing (from {@link Topics}) and reads back what exists. */
public final class TopicSetup {
  private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);
  private static final long TIMEOUT_S = 30;

  private TopicSetup() {}

  /** The topics the processor reads from outside: every telemetry topic and the topology topic. */
  public static List<String> processorInputs() {
    List<String> names = new ArrayList<>(Topics.TELEMETRY.stream().map(Topic::name).toList());
    names.add(Topics.TOPOLOGY.name());
    return names;
  }

  /**
   * Creates every missing topic (telemetry topics get {@code telemetryPartitions}) and returns once
   * all of them accept writes ({@link TopicCreation}).
   */
  public static void createMissing(Admin admin, int telemetryPartitions, short replication) {
    TopicCreation.createMissing(admin, TopicCreation.faultlineTopics(telemetryPartitions, replication),
        Duration.ofSeconds(TIMEOUT_S)).forEach(name -> LOG.info("created topic {}", name));
  }

  /**
   * The number of detection tasks: the most partitions of any telemetry topic. Stage A has one
   * task per partition number, and each sends watermarks the correlator must wait for.
   */
  static int telemetryTasks(Admin admin) {
    List<String> names = Topics.TELEMETRY.stream().map(Topic::name).toList();
    try {
      Map<String, TopicDescription> d = admin.describeTopics(names).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS);
      return d.values().stream().mapToInt(t -> t.partitions().size()).max().orElseThrow();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot describe the telemetry topics: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted describing the telemetry topics", e);
    }
  }
}
