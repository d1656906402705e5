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
  @Test
  void shouldWriteTheDataOutputStreamLayoutWhenTheNoteIsNotAscii() throws Exception {
    SignalState s = new SignalState();
    s.lastTime = 123_456L;
    s.recent = 0b1011;
    s.recentCount = 4;
    s.raised = true;
    s.severity = Severity.WARNING;
    s.onset = 100_000L;
    s.abnormalTimes = new long[] {90_000L, 100_000L};
    s.raiseTimes = new long[] {100_000L};
    s.warmup = new double[] {1.5, 2.5};
    s.mean = 2.0;
    s.note = "latency \u2265 40 ms via r\u00e9solveur\u0000";
    // The layout every stored detect-state value (version 1) was written in.
    java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(expected)) {
      out.writeByte(1);
      out.writeLong(s.lastTime);
      out.writeInt(s.recent);
      out.writeInt(s.recentCritical);
      out.writeByte(s.recentCount);
      out.writeBoolean(s.raised);
      out.writeByte(s.severity.ordinal());
      out.writeLong(s.onset);
      out.writeByte(2);
      out.writeLong(90_000L);
      out.writeLong(100_000L);
      out.writeInt(s.abnormalSamples);
      out.writeInt(s.normalRun);
      out.writeByte(1);
      out.writeLong(100_000L);
      out.writeInt(s.samples);
      out.writeDouble(s.mean);
      out.writeDouble(s.dev);
      out.writeByte(2);
      out.writeDouble(1.5);
      out.writeDouble(2.5);
      out.writeDouble(s.lastObserved);
      out.writeUTF(s.note);
    }
    assertTrue(java.util.Arrays.equals(expected.toByteArray(), s.toBytes()));
    assertEquals(s.note, SignalState.fromBytes(s.toBytes()).note);
  }
}
