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
      assertEquals(new TreeSet<>(Set.of(DetectionStage.SOURCE, DetectionStage.REORDER,
          DetectionStage.DEAD_LETTER_BYTES, DetectionStage.DEAD_LETTER_SINK,
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
    assertSameState(s, copy);
    assertTrue(java.util.Arrays.equals(bytes, copy.toBytes()));
  }

  /** A signal state in the fixed-width layout every detect-state value had before version 2. */
  private static byte[] version1(SignalState s) throws java.io.IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
      out.writeByte(1);
      out.writeLong(s.lastTime);
      out.writeInt(s.recent);
      out.writeInt(s.recentCritical);
      out.writeByte(s.recentCount);
      out.writeBoolean(s.raised);
      out.writeByte(s.severity.ordinal());
      out.writeLong(s.onset);
      out.writeByte(s.abnormalTimes.length);
      for (long t : s.abnormalTimes) {
        out.writeLong(t);
      }
      out.writeInt(s.abnormalSamples);
      out.writeInt(s.normalRun);
      out.writeByte(s.raiseTimes.length);
      for (long t : s.raiseTimes) {
        out.writeLong(t);
      }
      out.writeInt(s.samples);
      out.writeDouble(s.mean);
      out.writeDouble(s.dev);
      out.writeByte(s.warmup.length);
      for (double v : s.warmup) {
        out.writeDouble(v);
      }
      out.writeDouble(s.lastObserved);
      out.writeUTF(s.note);
    }
    return bytes.toByteArray();
  }

  private static void assertSameState(SignalState expected, SignalState actual) {
    assertEquals(expected.lastTime, actual.lastTime);
    assertEquals(expected.recent, actual.recent);
    assertEquals(expected.recentCritical, actual.recentCritical);
    assertEquals(expected.recentCount, actual.recentCount);
    assertEquals(expected.raised, actual.raised);
    assertEquals(expected.severity, actual.severity);
    assertEquals(expected.onset, actual.onset);
    assertTrue(java.util.Arrays.equals(expected.abnormalTimes, actual.abnormalTimes));
    assertEquals(expected.abnormalSamples, actual.abnormalSamples);
    assertEquals(expected.normalRun, actual.normalRun);
    assertTrue(java.util.Arrays.equals(expected.raiseTimes, actual.raiseTimes));
    assertEquals(expected.samples, actual.samples);
    assertEquals(expected.mean, actual.mean);
    assertEquals(expected.dev, actual.dev);
    assertTrue(java.util.Arrays.equals(expected.warmup, actual.warmup));
    assertEquals(expected.lastObserved, actual.lastObserved);
    assertEquals(expected.note, actual.note);
  }

  private static SignalState raisedWithNote() {
    SignalState s = new SignalState();
    s.lastTime = 1_795_000_123_456L;
    s.recent = 0b1011 | Integer.MIN_VALUE;
    s.recentCritical = -1;
    s.recentCount = 32;
    s.raised = true;
    s.severity = Severity.WARNING;
    s.onset = s.lastTime - 30_000;
    s.abnormalTimes = new long[] {s.lastTime - 20_000, s.lastTime};
    s.abnormalSamples = 3;
    s.normalRun = 0;
    s.raiseTimes = new long[] {s.lastTime - 10_000};
    s.samples = 40;
    s.mean = 2.0;
    s.dev = 0.25;
    s.warmup = new double[] {1.5, 2.5};
    s.lastObserved = 41.5;
    s.note = "latency \u2265 40 ms via r\u00e9solveur";
    return s;
  }

  @Test
  void shouldReadStatesOfTheFixedWidthLayoutWhenTheyWereStoredBeforeVersionTwo() throws Exception {
    SignalState s = raisedWithNote();
    SignalState read = SignalState.fromBytes(version1(s));
    assertSameState(s, read);
    assertSameState(s, SignalState.fromBytes(read.toBytes()));
    SignalState fresh = new SignalState();
    assertSameState(fresh, SignalState.fromBytes(version1(fresh)));
    assertSameState(fresh, SignalState.fromBytes(fresh.toBytes()));

    // An entity stored in version 1: its presence, and its signals still in their version-1 bytes.
    byte[] key = "disk.ioErrors".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] signal = version1(s);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1 + 1 + 20 + 2 + 2 + key.length + 4 + signal.length)
        .put((byte) 1).put((byte) 3).putLong(s.lastTime).putInt(10_000).putLong(0)
        .putShort((short) 1).putShort((short) key.length).put(key).putInt(signal.length).put(signal);
    EntityState entity = EntityState.fromBytes(b.array());
    assertEquals(s.lastTime, EntityState.presenceOf(b.array()).lastSeen);
    assertEquals(10_000, entity.presence.intervalMs);
    assertTrue(entity.presence.tracked && !entity.presence.silent);
    // Written back as version 2 with the untouched signal kept as it was stored; read again, both agree.
    EntityState again = EntityState.fromBytes(entity.toBytes());
    assertEquals(s.lastTime, again.presence.lastSeen);
    assertEquals(s.lastTime, EntityState.presenceOf(entity.toBytes()).lastSeen);
    assertSameState(s, again.signal("disk.ioErrors"));
  }

  @Test
  void shouldStoreALearnedBaselineInLessThanHalfTheFixedWidthWhenCompact() throws Exception {
    SignalDetector detector = new SignalDetector(DetectorTuning.defaults());
    SignalState s = new SignalState();
    for (int i = 0; i < 40; i++) {
      detector.observeBaseline(s, 1_795_000_000_000L + i * 10_000L, Metric.DISK_WRITE_LATENCY, null, 2.5 + i % 3);
    }
    assertTrue(s.toBytes().length * 2 < version1(s).length, s.toBytes().length + " vs " + version1(s).length);
  }
}
