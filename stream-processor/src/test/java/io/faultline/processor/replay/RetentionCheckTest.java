package io.faultline.processor.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetentionCheckTest {

  private static final Instant NOW = Instant.parse("2026-12-07T03:00:00Z");
  private static final String WEEK = Long.toString(Duration.ofDays(7).toMillis());
  private static final Map<String, String> DELETE_WEEK = Map.of("cleanup.policy", "delete", "retention.ms", WEEK,
      "segment.ms", WEEK);
  private static final Map<String, String> COMPACT_WEEK = Map.of("cleanup.policy", "compact", "retention.ms", WEEK,
      "segment.ms", WEEK);
  private static final Map<String, String> DELETE_FOREVER = Map.of("cleanup.policy", "delete", "retention.ms", "-1",
      "segment.ms", Long.toString(Long.MAX_VALUE));

  @Test
  void shouldNameTheTopicAndItsRetentionWhenTheRecordingIsOlderThanIt() {
    Optional<String> p = RetentionCheck.problem(Map.of(Topics.DNS.name(), DELETE_WEEK),
        NOW.minus(Duration.ofDays(16)), NOW);

    assertTrue(p.isPresent());
    assertTrue(p.get().contains("faultline.telemetry.dns's retention.ms (7.0 days)"), p.get());
    assertTrue(p.get().contains("16 day(s) ago"), p.get());
    assertTrue(p.get().contains("no --bootstrap"), p.get());
  }

  @Test
  void shouldPassWhenTheRecordingIsInsideEveryWindow() {
    Map<String, Map<String, String>> production = Map.of(Topics.DNS.name(), DELETE_WEEK,
        Topics.INCIDENTS.name(), COMPACT_WEEK, Topics.TOPOLOGY.name(), COMPACT_WEEK);

    assertEquals(Optional.empty(), RetentionCheck.problem(production, NOW.minus(Duration.ofDays(6)), NOW));
  }

  @Test
  void shouldPassWhenTopicsKeepEverythingWhateverTheAge() {
    assertEquals(Optional.empty(), RetentionCheck.problem(Map.of(Topics.DNS.name(), DELETE_FOREVER),
        NOW.minus(Duration.ofDays(400)), NOW));
  }

  @Test
  void shouldRefuseWhenTheIncidentTopicWouldRollAndCompactEarlierVersions() {
    Optional<String> p = RetentionCheck.problem(Map.of(Topics.INCIDENTS.name(), COMPACT_WEEK),
        NOW.minus(Duration.ofDays(8)), NOW);

    assertTrue(p.isPresent());
    assertTrue(p.get().contains("faultline.incidents's segment.ms"), p.get());
  }

  @Test
  void shouldIgnoreTheTopologysCompactionWhenOnlyItsLastValuesMatter() {
    assertEquals(Optional.empty(), RetentionCheck.problem(Map.of(Topics.TOPOLOGY.name(), COMPACT_WEEK),
        NOW.minus(Duration.ofDays(30)), NOW));
  }
}
