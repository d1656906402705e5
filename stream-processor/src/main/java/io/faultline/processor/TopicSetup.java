package io.faultline.processor;

import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
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

  /** Creates every missing topic; telemetry topics get {@code telemetryPartitions}. */
  public static void createMissing(Admin admin, int telemetryPartitions, short replication) {
    List<NewTopic> wanted = new ArrayList<>();
    for (Topic<?> t : Topics.ALL) {
      int partitions = Topics.TELEMETRY.contains(t) ? telemetryPartitions : t.partitions();
      wanted.add(new NewTopic(t.name(), Optional.of(partitions), Optional.of(replication)).configs(t.configs()));
    }
    wanted.add(new NewTopic(Topics.DEAD_LETTER, Optional.of(Topics.DEAD_LETTER_PARTITIONS), Optional.of(replication))
        .configs(Topics.DEAD_LETTER_CONFIGS));
    admin.createTopics(wanted).values().forEach((name, future) -> {
      try {
        future.get(TIMEOUT_S, TimeUnit.SECONDS);
        LOG.info("created topic {}", name);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
        }
      } catch (TimeoutException e) {
        throw new IllegalStateException("timed out creating topic " + name + " (is Kafka reachable?)", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted creating topic " + name, e);
      }
    });
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
