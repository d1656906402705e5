package io.faultline.processor.replay;

import io.faultline.processor.KafkaOffsets;
import io.faultline.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Refuses a replay whose recorded event times the cluster would treat as expired.
 *
 * <p>A replay publishes with the recording's event times, and the processor's outputs carry them on.
 * On a topic with time-based deletion, records older than {@code retention.ms} go at the broker's
 * next retention check, whether or not the processor has read them: the replay would then report
 * on part of the recording. On the compacted incident topic, a transaction marker (stamped with the
 * wall clock) more than {@code segment.ms} after the records' event times rolls the segment, and
 * the cleaner then keeps only each incident's last version, so earlier versions can vanish before
 * the replay reads them. Both are silent, so the replay stops before publishing anything. The
 * embedded stack keeps every record whatever its timestamp, so this never fires there.
 */
final class RetentionCheck {

  private RetentionCheck() {}

  /**
   * @param configs each topic's effective configuration (name to value)
   * @return a one-line reason if records from {@code earliest} would be deleted or compacted away
   */
  static Optional<String> problem(Map<String, Map<String, String>> configs, Instant earliest, Instant now) {
    Duration age = Duration.between(earliest, now);
    for (Map.Entry<String, Map<String, String>> e : configs.entrySet()) {
      String topic = e.getKey();
      Map<String, String> c = e.getValue();
      String policy = c.getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
      long retention = parse(c.get(TopicConfig.RETENTION_MS_CONFIG), -1);
      if (policy.contains(TopicConfig.CLEANUP_POLICY_DELETE) && retention >= 0 && age.toMillis() > retention) {
        return Optional.of(reason(earliest, age, topic, TopicConfig.RETENTION_MS_CONFIG, retention,
            "the cluster would delete its records before the processor reads them"));
      }
      // The topology is compacted too, but only its last value per key matters to the processor.
      long segmentMs = parse(c.get(TopicConfig.SEGMENT_MS_CONFIG), Long.MAX_VALUE);
      if (topic.equals(Topics.INCIDENTS.name()) && policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)
          && age.toMillis() > segmentMs) {
        return Optional.of(reason(earliest, age, topic, TopicConfig.SEGMENT_MS_CONFIG, segmentMs,
            "the cleaner would keep only each incident's last version"));
      }
    }
    return Optional.empty();
  }

  /**
   * Reads the effective configuration of every catalogue topic (those the replay writes to and the
   * processor reads from or writes to) and applies {@link #problem(Map, Instant, Instant)}.
   */
  static Optional<String> problem(Admin admin, Instant earliest, Instant now) {
    List<ConfigResource> resources = Topics.ALL.stream()
        .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name())).toList();
    Map<ConfigResource, Config> described =
        KafkaOffsets.get(admin.describeConfigs(resources).all(), "read the topics' configuration");
    Map<String, Map<String, String>> configs = new LinkedHashMap<>();
    described.forEach((r, config) -> {
      Map<String, String> values = new HashMap<>();
      for (ConfigEntry entry : config.entries()) {
        if (entry.value() != null) {
          values.put(entry.name(), entry.value());
        }
      }
      configs.put(r.name(), values);
    });
    return problem(configs, earliest, now);
  }

  private static String reason(Instant earliest, Duration age, String topic, String key, long limitMs, String why) {
    return "the scenario begins at " + earliest + ", " + age.toDays() + " day(s) ago, beyond " + topic + "'s "
        + key + " (" + String.format(Locale.ROOT, "%.1f", limitMs / 86_400_000.0) + " days): " + why
        + "; replay on the embedded stack (no --bootstrap) or raise " + key + " on the cluster's Faultline topics";
  }

  private static long parse(String value, long absent) {
    if (value == null || value.isBlank()) {
      return absent;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return absent;
    }
  }
}
