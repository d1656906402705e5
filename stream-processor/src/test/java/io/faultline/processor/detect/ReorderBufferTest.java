package io.faultline.processor.detect;

import static io.faultline.processor.detect.Samples.at;
import static io.faultline.processor.detect.Samples.disk;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.correlation.Symptom;
import io.faultline.correlation.SymptomState;
import io.faultline.internal.CorrelationInput;
import io.faultline.internal.CorrelationInputKind;
import io.faultline.common.EntityKind;
import io.faultline.schemas.Topics;
import io.faultline.schemas.serde.AvroSerde;
import io.faultline.topology.Entity;
import io.faultline.topology.TopologyEvent;
import io.faultline.telemetry.DiskSample;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

class ReorderBufferTest {

  private static final String ARRAY = "disk-array:san-b";

  /** 40 samples every 10 s: normal, I/O errors from sample 30 on. */
  private static List<DiskSample> errorsFromSample30() {
    List<DiskSample> samples = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      samples.add(disk(ARRAY, i * 10, 2.5, i >= 30 ? 40 : 0));
    }
    return samples;
  }

  private static List<Symptom> detect(DetectionSettings settings, List<DiskSample> arrivalOrder) {
    try (DetectionDriver d = new DetectionDriver(settings)) {
      arrivalOrder.forEach(d::pipe);
      d.idle();
      return d.symptoms();
    }
  }

  @Test
  void shouldDetectInEventTimeOrderWhenSamplesArriveShuffled() {
    List<DiskSample> ordered = errorsFromSample30();
    List<DiskSample> shuffled = new ArrayList<>(ordered);
    Collections.shuffle(shuffled, new Random(7));
    DetectionSettings settings = DetectionSettings.defaults().withGrace(Duration.ofMinutes(10));

    List<Symptom> inOrder = detect(settings, ordered);
    List<Symptom> outOfOrder = detect(settings, shuffled);

    assertEquals(1, inOrder.size(), inOrder.toString());
    Symptom raised = inOrder.get(0);
    assertEquals(SymptomState.RAISED, raised.getState());
    assertEquals("disk.ioErrors", raised.getSignal());
    assertEquals(at(300), raised.getOnset());
    assertEquals(at(310), raised.getEventTime(), "I/O errors confirm on their second sample (2 of 3)");
    assertEquals(inOrder, outOfOrder);
  }

  @Test
  void shouldLogTheOpenSegmentAtEveryCommitWhenRecordsArrive() {
    // The live buffer writes its open segment and its watermarks only when Streams is about to commit
    // (PreCommitStore); the test driver commits after every record, so after each the store has them.
    try (DetectionDriver d = new DetectionDriver(DetectionSettings.defaults())) {
      KeyValueStore<Bytes, byte[]> log = d.driver.getKeyValueStore(DetectionStage.REORDER_BUFFER_STORE);
      KeyValueStore<String, Long> meta = d.driver.getKeyValueStore(DetectionStage.REORDER_META_STORE);
      DiskSample first = disk(ARRAY, 0, 2.5, 0);
      d.pipe(first);
      assertEquals(List.of(1 + 4 + d.encode(first).length), segmentLengths(log));
      assertEquals(at(0).toEpochMilli(), meta.get(ReorderBufferProcessor.STREAM_TIME));
      DiskSample second = disk(ARRAY, 1, 2.5, 0);
      d.pipe(second);
      assertEquals(List.of(2 * 5 + d.encode(first).length + d.encode(second).length), segmentLengths(log));
      assertEquals(at(1).toEpochMilli(), meta.get(ReorderBufferProcessor.STREAM_TIME));
    }
  }

  private static List<Integer> segmentLengths(KeyValueStore<Bytes, byte[]> log) {
    List<Integer> lengths = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = log.all()) {
      it.forEachRemaining(kv -> lengths.add(kv.value.length));
    }
    return lengths;
  }

  @Test
  void shouldIgnoreDuplicatesWhenTheSameSampleArrivesAgain() {
    List<DiskSample> samples = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      samples.add(disk(ARRAY, i * 10, 2.5, 0));
    }
    // One failing sample, delivered three times, plus a re-sent copy with another probe id: still one sample.
    DiskSample spike = disk(ARRAY, 200, 2.5, 12);
    samples.addAll(List.of(spike, spike, spike));
    DiskSample resent = DiskSample.newBuilder(spike).setProbe("probe-2").build();
    samples.add(resent);
    for (int i = 21; i < 30; i++) {
      samples.add(disk(ARRAY, i * 10, 2.5, 0));
    }

    assertEquals(List.of(), detect(DetectionSettings.defaults(), samples));
  }

  @Test
  void shouldDeadLetterWithHeadersWhenRecordIsLaterThanGrace() {
    try (DetectionDriver d = new DetectionDriver(DetectionSettings.defaults())) {
      for (int i = 0; i <= 10; i++) {
        d.pipe(disk(ARRAY, i * 10, 2.5, 0));
      }
      DiskSample late = disk(ARRAY, 55, 2.5, 0); // stream time 100 s minus the live grace: 55 s was released
      byte[] bytes = d.encode(late);
      d.pipeBytes(Topics.DISK.name(), ARRAY, bytes, late.getEventTime().toEpochMilli());

      List<TestRecord<byte[], byte[]>> dead = d.deadLetters();
      assertEquals(1, dead.size());
      TestRecord<byte[], byte[]> r = dead.get(0);
      assertArrayEquals(bytes, r.value());
      assertArrayEquals(ARRAY.getBytes(StandardCharsets.UTF_8), r.key());
      assertEquals("late", header(r, Topics.DLQ_REASON));
      assertEquals(Topics.DISK.name(), header(r, Topics.DLQ_TOPIC));
      assertEquals("0", header(r, Topics.DLQ_PARTITION));
      assertEquals("11", header(r, Topics.DLQ_OFFSET));
      assertEquals(ReorderBufferProcessor.STAGE, header(r, Topics.DLQ_STAGE));
      assertEquals(1.0, deadLetterCount(d, "late"));
    }
  }

  @Test
  void shouldDeadLetterWhenRecordIsTooFarAheadOfStreamTime() {
    try (DetectionDriver d = new DetectionDriver(DetectionSettings.defaults())) {
      d.pipe(disk(ARRAY, 0, 2.5, 0));
      d.pipe(disk(ARRAY, 2 * 3600, 2.5, 0));
      d.pipe(disk(ARRAY, 10, 2.5, 0));

      List<TestRecord<byte[], byte[]>> dead = d.deadLetters();
      assertEquals(1, dead.size());
      assertEquals("future", header(dead.get(0), Topics.DLQ_REASON));
      assertEquals("1", header(dead.get(0), Topics.DLQ_OFFSET));
    }
  }

  @Test
  void shouldDeadLetterPoisonBytesAndGoOnWhenValueCannotBeDecoded() {
    try (DetectionDriver d = new DetectionDriver(DetectionSettings.defaults().withGrace(Duration.ZERO))) {
      byte[] poison = "not avro at all".getBytes(StandardCharsets.UTF_8);
      d.pipeBytes(Topics.DISK.name(), ARRAY, poison, at(0).toEpochMilli());
      d.pipeBytes(Topics.DISK.name(), ARRAY, new byte[] {0, 0, 0, 0x7f, 0x7f, 1}, at(0).toEpochMilli());
      for (DiskSample s : errorsFromSample30()) {
        d.pipe(s);
      }

      List<TestRecord<byte[], byte[]>> dead = d.deadLetters();
      assertEquals(2, dead.size());
      assertArrayEquals(poison, dead.get(0).value());
      assertEquals("undeserializable", header(dead.get(0), Topics.DLQ_REASON));
      assertTrue(header(dead.get(0), Topics.DLQ_EXCEPTION).contains("magic byte"), header(dead.get(0), Topics.DLQ_EXCEPTION));
      assertEquals("undeserializable", header(dead.get(1), Topics.DLQ_REASON));
      assertEquals(List.of("disk.ioErrors"), d.symptoms().stream().map(Symptom::getSignal).toList());
    }
  }

  @Test
  void shouldDeadLetterRecordsThatAreNoSampleWhenTheyReachATelemetryTopic() {
    try (DetectionDriver d = new DetectionDriver(DetectionSettings.defaults())) {
      TopologyEvent notASample = TopologyEvent.newBuilder()
          .setEntity(Entity.newBuilder().setId(ARRAY).setKind(EntityKind.DISK_ARRAY).build()).build();
      // Registered under its own topic, as a misdirected producer would have done.
      byte[] bytes = AvroSerde.anySpecific(d.registry).serialize(Topics.TOPOLOGY.name(), notASample);
      d.pipeBytes(Topics.DISK.name(), ARRAY, bytes, at(0).toEpochMilli());
      d.pipeBytes(Topics.DISK.name(), ARRAY, null, at(0).toEpochMilli());
      d.pipe(disk(ARRAY, 0, 2.5, 0));
      d.idle();

      List<TestRecord<byte[], byte[]>> dead = d.deadLetters();
      assertEquals(List.of("not-telemetry", "empty"), dead.stream().map(r -> header(r, Topics.DLQ_REASON)).toList());
      assertArrayEquals(bytes, dead.get(0).value());
      assertEquals(List.of(CorrelationInputKind.MONITORED),
          d.correlationInputs().stream().map(CorrelationInput::getKind).filter(k -> k == CorrelationInputKind.MONITORED)
              .toList());
    }
  }

  @Test
  void shouldHoldSamplesUntilGraceAndReleaseAllWhenInputIdles() {
    try (DetectionDriver d = new DetectionDriver(DetectionSettings.forReplay())) {
      errorsFromSample30().forEach(d::pipe);
      assertEquals(List.of(), d.symptoms(), "an hour of grace holds 400 s of samples back");

      d.idle();

      assertEquals(1, d.symptoms().size());
      List<CorrelationInput> inputs = d.correlationInputs();
      CorrelationInput last = inputs.get(inputs.size() - 1);
      assertEquals(CorrelationInputKind.IDLE, last.getKind());
      CorrelationInput watermark = inputs.get(inputs.size() - 2);
      assertEquals(CorrelationInputKind.WATERMARK, watermark.getKind());
      assertEquals(at(390), watermark.getTime());
    }
  }

  @Test
  void shouldReleaseInBoundedBatchesWhenALargeBufferIsFlushed() {
    int n = 2 * ReorderBufferProcessor.RELEASE_BATCH + 500;
    try (DetectionDriver d = new DetectionDriver(DetectionSettings.forReplay().withGrace(Duration.ofDays(1)))) {
      for (int i = 0; i < n; i++) {
        d.pipe(disk(ARRAY, i * 10, 2.5, 0));
      }
      assertTrue(d.correlationInputs().stream().allMatch(c -> c.getKind() == CorrelationInputKind.WATERMARK
          && c.getTime().isBefore(at(0))), "a day of grace: nothing released yet");
      d.driver.advanceWallClockTime(Duration.ofSeconds(5));
      List<CorrelationInput> first = d.correlationInputs();
      assertEquals(List.of(CorrelationInputKind.MONITORED, CorrelationInputKind.WATERMARK),
          first.stream().map(CorrelationInput::getKind).toList(), "one batch, no IDLE before the buffer is empty");
      assertEquals(at((ReorderBufferProcessor.RELEASE_BATCH - 1) * 10), first.get(1).getTime());

      d.idle();
      List<CorrelationInput> rest = d.correlationInputs();
      assertEquals(List.of(CorrelationInputKind.WATERMARK, CorrelationInputKind.WATERMARK, CorrelationInputKind.IDLE),
          rest.stream().map(CorrelationInput::getKind).toList());
      assertEquals(at((n - 1) * 10), rest.get(1).getTime());
    }
  }

  @Test
  void shouldSendWatermarksOnlyAfterTheSymptomsTheyCoverWhenTimeAdvances() {
    try (DetectionDriver d = new DetectionDriver(DetectionSettings.defaults().withGrace(Duration.ofMinutes(10)))) {
      List<DiskSample> shuffled = new ArrayList<>(errorsFromSample30());
      Collections.shuffle(shuffled, new Random(3));
      shuffled.forEach(d::pipe);
      d.idle();

      List<CorrelationInput> inputs = d.correlationInputs();
      long watermark = Long.MIN_VALUE;
      int monitored = 0;
      for (CorrelationInput in : inputs) {
        assertEquals(0, in.getUpstreamPartition());
        switch (in.getKind()) {
          case WATERMARK -> {
            assertTrue(in.getTime().toEpochMilli() > watermark, "watermarks increase");
            watermark = in.getTime().toEpochMilli();
          }
          case SYMPTOM -> assertTrue(in.getTime().toEpochMilli() > watermark, "symptom after a watermark covering it: " + in);
          case MONITORED -> monitored++;
          default -> { }
        }
      }
      assertEquals(1, monitored);
      assertEquals(1, inputs.stream().filter(i -> i.getKind() == CorrelationInputKind.SYMPTOM).count());
    }
  }

  @Test
  void shouldSendIdleOncePerIdlePeriodWhenTaskNeverReceivedInput() {
    try (DetectionDriver d = new DetectionDriver(DetectionSettings.defaults())) {
      d.idle();
      d.idle();
      List<CorrelationInput> inputs = d.correlationInputs();
      assertEquals(List.of(CorrelationInputKind.IDLE), inputs.stream().map(CorrelationInput::getKind).toList());
    }
  }

  private static String header(TestRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static double deadLetterCount(DetectionDriver d, String reason) {
    return d.driver.metrics().entrySet().stream()
        .filter(e -> e.getKey().group().equals(DetectionStage.METRICS_GROUP)
            && reason.equals(e.getKey().tags().get("reason")))
        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
  }
}
