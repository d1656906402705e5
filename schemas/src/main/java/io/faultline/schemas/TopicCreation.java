package io.faultline.schemas;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The one way Faultline creates topics (the processor, the CLIs, the benchmarks and the local
 * stack): what is missing is created, and the call returns only once every partition of the
 * wanted topics accepts writes.
 *
 * <p>Why wait: a partition is "created" once the controller has recorded it, but its leader
 * accepts records only after it has applied that record. An idempotent producer that sends at
 * once can have its first request refused ({@code NOT_LEADER_OR_FOLLOWER}) and its second one,
 * a moment later, accepted; the first then fails with {@code OUT_OF_ORDER_SEQUENCE_NUMBER} on every
 * retry until the delivery timeout drops its records (KAFKA-15591, fixed in brokers after 4.3).
 * A partition that answers a list-offsets request on its leader takes produce requests too.
 */
public final class TopicCreation {

  private TopicCreation() {}

  /** Every Faultline topic of {@link Topics#ALL} plus the dead-letter topic; telemetry gets {@code telemetryPartitions}. */
  public static List<NewTopic> faultlineTopics(int telemetryPartitions, short replication) {
    List<NewTopic> wanted = new ArrayList<>();
    for (Topic<?> t : Topics.ALL) {
      int partitions = Topics.TELEMETRY.contains(t) ? telemetryPartitions : t.partitions();
      wanted.add(new NewTopic(t.name(), Optional.of(partitions), Optional.of(replication)).configs(t.configs()));
    }
    wanted.add(new NewTopic(Topics.DEAD_LETTER, Optional.of(Topics.DEAD_LETTER_PARTITIONS), Optional.of(replication))
        .configs(Topics.DEAD_LETTER_CONFIGS));
    return wanted;
  }

  /**
   * Creates the topics of {@code wanted} that do not exist (existing ones are left as they are),
   * then waits until every partition of every wanted topic has a leader that accepts writes.
   *
   * @return the names of the topics this call created
   * @throws IllegalStateException with a one-line reason when Kafka refuses or does not answer in {@code timeout}
   */
  public static Set<String> createMissing(Admin admin, Collection<NewTopic> wanted, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Set<String> created = new TreeSet<>();
    try {
      Set<String> existing = admin.listTopics().names().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
      List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
      if (!missing.isEmpty()) {
        for (var e : admin.createTopics(missing).values().entrySet()) {
          try {
            e.getValue().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
            created.add(e.getKey());
          } catch (ExecutionException ex) {
            // Lost a race with another creator: the topic is there, which is what was asked.
            if (!(ex.getCause() instanceof TopicExistsException)) {
              throw new IllegalStateException("cannot create topic " + e.getKey() + ": " + ex.getCause().getMessage(),
                  ex.getCause());
            }
          }
        }
      }
      awaitWritable(admin, wanted.stream().map(NewTopic::name).toList(), deadline);
      return created;
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not create or ready the topics within " + timeout.toSeconds()
          + " s (is it reachable?)", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot list topics: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  private static void awaitWritable(Admin admin, List<String> topics, long deadline)
      throws InterruptedException, TimeoutException, ExecutionException {
    Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
        .get(remainingMs(deadline), TimeUnit.MILLISECONDS);
    Map<TopicPartition, OffsetSpec> pending = new HashMap<>();
    described.forEach((name, d) -> d.partitions().forEach(p -> pending.put(new TopicPartition(name, p.partition()),
        OffsetSpec.latest())));
    long backoffMs = 20;
    while (!pending.isEmpty()) {
      var results = admin.listOffsets(pending);
      for (TopicPartition tp : List.copyOf(pending.keySet())) {
        try {
          results.partitionResult(tp).get(remainingMs(deadline), TimeUnit.MILLISECONDS);
          pending.remove(tp);
        } catch (ExecutionException ex) {
          if (!(ex.getCause() instanceof RetriableException)) {
            throw ex;
          }
        }
      }
      if (!pending.isEmpty()) {
        // A retry soon is right: the leader applies the partition within milliseconds of its creation.
        TimeUnit.MILLISECONDS.sleep(Math.min(backoffMs, remainingMs(deadline)));
        backoffMs = Math.min(backoffMs * 2, 500);
        remainingMs(deadline);
      }
    }
  }

  private static long remainingMs(long deadline) throws TimeoutException {
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (left <= 0) {
      throw new TimeoutException();
    }
    return left;
  }
}
