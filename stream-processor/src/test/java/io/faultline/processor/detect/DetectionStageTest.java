package io.faultline.processor.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.common.Severity;
import io.faultline.schemas.config.LayeredConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

class DetectionStageTest {

  @Test
  void shouldNameEveryProcessorAndStoreWhenTopologyIsBuilt() {
    try (DetectionDriver d = new DetectionDriver(DetectionSettings.defaults())) {
      String description = d.topology.describe().toString();
      Set<String> names = new TreeSet<>();
      Matcher m = Pattern.compile("(?:Source|Processor|Sink): (\\S+)").matcher(description);
      while (m.find()) {
        names.add(m.group(1));
      }
      assertEquals(new TreeSet<>(Set.of(DetectionStage.SOURCE, DetectionStage.REORDER, "detect-route", "detect-route-dead-letter",
          "detect-route-released", "detect-dead-letter-bytes", DetectionStage.DEAD_LETTER_SINK,
          DetectionStage.DETECTOR, "detect-symptoms-only", "detect-symptom-value", DetectionStage.SYMPTOMS_SINK,
          "test-correlation-sink")), names, description);
      Map<String, Set<String>> stores = new java.util.HashMap<>();
      Set<String> topics = new TreeSet<>();
      for (TopologyDescription.Subtopology sub : d.topology.describe().subtopologies()) {
        for (TopologyDescription.Node node : sub.nodes()) {
          if (node instanceof TopologyDescription.Processor p && !p.stores().isEmpty()) {
            stores.put(p.name(), p.stores());
          } else if (node instanceof TopologyDescription.Source src) {
            topics.addAll(src.topicSet());
          }
        }
      }
      assertEquals(Map.of(
          DetectionStage.REORDER, Set.of(DetectionStage.REORDER_BUFFER_STORE, DetectionStage.REORDER_META_STORE),
          DetectionStage.DETECTOR, Set.of(DetectionStage.STATE_STORE)), stores);
      assertEquals(Topics.TELEMETRY.stream().map(Topic::name).collect(java.util.stream.Collectors.toSet()), topics);
    }
  }

  @Test
  void shouldReadSettingsFromConfigWhenKeysAreOverridden() {
    LayeredConfig config = LayeredConfig.load(DetectionSettings.configDefaults(), null,
        Map.of("FAULTLINE_DETECT_GRACE_MS", "3600000"), Map.of("detect.idle.flush.ms", "500"));
    DetectionSettings s = DetectionSettings.fromConfig(config);
    assertEquals(Duration.ofHours(1), s.grace());
    assertEquals(Duration.ofMillis(500), s.idleFlush());
    assertEquals(DetectionSettings.defaults().maxFutureSkew(), s.maxFutureSkew());
  }

  @Test
  void shouldRejectSettingsWhenADurationIsNotPositive() {
    assertThrows(IllegalArgumentException.class, () -> DetectionSettings.defaults().withIdleFlush(Duration.ZERO));
  }

  @Test
  void shouldRestoreEveryFieldWhenSignalStateIsStoredAndRead() {
    SignalDetector detector = new SignalDetector(DetectorTuning.defaults());
    SignalState s = new SignalState();
    for (int i = 0; i < 20; i++) {
      detector.observeBaseline(s, i * 10_000L, Metric.DISK_WRITE_LATENCY, null, i < 15 ? 2.5 : 40);
    }
    byte[] bytes = s.toBytes();
    SignalState copy = SignalState.fromBytes(bytes);
    assertTrue(copy.raised);
    assertEquals(Severity.CRITICAL, copy.severity);
    assertEquals(150_000L, copy.onset);
    assertEquals(s.mean, copy.mean);
    assertEquals(s.dev, copy.dev);
    assertEquals(s.recent, copy.recent);
    assertEquals(s.abnormalSamples, copy.abnormalSamples);
    assertEquals(s.lastTime, copy.lastTime);
    assertEquals(s.note, copy.note);
    assertTrue(java.util.Arrays.equals(s.abnormalTimes, copy.abnormalTimes));
    assertTrue(java.util.Arrays.equals(s.raiseTimes, copy.raiseTimes));
    assertTrue(java.util.Arrays.equals(bytes, copy.toBytes()));
  }
}
