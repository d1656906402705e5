package io.faultline.processor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * The broker questions that replay, the demo and the benchmarks ask to know when the processor
 * has finished with its input: which partitions, where they end, what a group has committed.
 * Failures are {@link IllegalStateException}s whose message says what could not be done, which
 * every caller turns into its one-line reason.
 */
public final class KafkaOffsets {
  private static final long TIMEOUT_S = 30;

  private KafkaOffsets() {}

  /** Every partition of {@code topics}, sorted by topic and partition. */
  public static List<TopicPartition> partitions(Admin admin, List<String> topics) {
    List<TopicPartition> out = new ArrayList<>();
    get(admin.describeTopics(topics).allTopicNames(), "describe topics").forEach((name, d) ->
        d.partitions().forEach(p -> out.add(new TopicPartition(name, p.partition()))));
    out.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
    return out;
  }

  public static Map<TopicPartition, Long> endOffsets(Admin admin, List<TopicPartition> partitions) {
    Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
    partitions.forEach(tp -> spec.put(tp, OffsetSpec.latest()));
    Map<TopicPartition, Long> out = new HashMap<>();
    get(admin.listOffsets(spec).all(), "read end offsets").forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }

  /** Whether consumer group {@code group} has committed at least {@code ends} on each of those partitions. */
  public static boolean committedAtLeast(Admin admin, String group, Map<TopicPartition, Long> ends) {
    Map<TopicPartition, OffsetAndMetadata> committed = committed(admin, group);
    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      if (c == null || c.offset() < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether consumer group {@code group} has committed the end of {@code sourceEnd} and of every
   * other partition it has offsets for (its internal topics).
   */
  public static boolean caughtUp(Admin admin, String group, Map<TopicPartition, Long> sourceEnd) {
    if (!committedAtLeast(admin, group, sourceEnd)) {
      return false;
    }
    Map<TopicPartition, OffsetAndMetadata> committed = committed(admin, group);
    List<TopicPartition> all = committed.entrySet().stream().filter(e -> e.getValue() != null)
        .map(Map.Entry::getKey).toList();
    Map<TopicPartition, Long> ends = endOffsets(admin, all);
    for (TopicPartition tp : all) {
      if (committed.get(tp).offset() < ends.get(tp)) {
        return false;
      }
    }
    return true;
  }

  private static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin, String group) {
    return get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(), "read the offsets of " + group);
  }

  /** The future's value within 30 s, or an IllegalStateException saying what could not be done. */
  public static <T> T get(KafkaFuture<T> f, String what) {
    try {
      return f.get(TIMEOUT_S, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot " + what + ": " + (e.getCause() != null ? e.getCause().getMessage()
          : e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while trying to " + what, e);
    }
  }
}
