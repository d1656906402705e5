package io.faultline.processor.detect;

import static io.faultline.processor.detect.Samples.at;
import static io.faultline.processor.detect.Samples.memory;
import static io.faultline.processor.detect.Samples.pool;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.correlation.Symptom;
import io.faultline.correlation.SymptomState;
import io.faultline.internal.CorrelationInput;
import io.faultline.internal.CorrelationInputKind;
import io.faultline.telemetry.MemberState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * A task that moves starts a new detector over the restored {@code detect-state}: its in-memory
 * silence index and decoded states are rebuilt from that store alone. Written every sample, it goes
 * on exactly as a detector that never stopped; checkpointed (the default), within the bounds
 * detection.md gives ("Checkpointed state").
 */
class SymptomDetectorRestoreTest {

  private static KeyValueStore<String, byte[]> newStore() {
    KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(DetectionStage.STATE_STORE), Serdes.String(), Serdes.ByteArray())
        .withLoggingDisabled().build();
    store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    return store;
  }

  private static final class Run {
    final MockProcessorContext<String, CorrelationInput> context = new MockProcessorContext<>();
    final SymptomDetectorProcessor detector;

    Run(KeyValueStore<String, byte[]> store, DetectionSettings settings) {
      detector = new SymptomDetectorProcessor(settings);
      context.addStateStore(store);
      detector.init(context);
    }

    void sample(SpecificRecord r) {
      Telemetry t = Telemetry.of(r);
      detector.process(new Record<>(t.entity(), new DetectionEvent.Sample(t), t.eventTime()));
    }

    void watermark(double s) {
      detector.process(new Record<>("", new DetectionEvent.Watermark(at(s).toEpochMilli()), at(s).toEpochMilli()));
    }

    List<CorrelationInput> output() {
      List<CorrelationInput> out = new ArrayList<>();
      context.forwarded().forEach(f -> out.add(f.record().value()));
      context.resetForwards();
      return out;
    }
  }

  /** vm-a and vm-b report and a pool checks vm-c; from second 100 on only vm-b reports. */
  private static void before(Run r) {
    for (int i = 0; i < 10; i++) {
      r.sample(memory("vm:vm-a", i * 10, 15));
      r.sample(memory("vm:vm-b", i * 10 + 2, 15));
      r.sample(pool("pool:web", "vm:vm-c", i * 10 + 4, MemberState.UP));
      r.watermark(i * 10 + 5);
    }
  }

  private static void after(Run r) {
    for (int i = 10; i < 20; i++) {
      r.sample(memory("vm:vm-b", i * 10 + 2, 15));
      r.sample(pool("pool:web", "vm:vm-c", i * 10 + 4, i >= 15 ? MemberState.DOWN : MemberState.UP));
      r.watermark(i * 10 + 5);
    }
  }

  private static final DetectionSettings EVERY_SAMPLE = DetectionSettings.defaults().withStateCheckpoint(Duration.ZERO);

  @Test
  void shouldGoOnExactlyAsBeforeWhenANewDetectorStartsOverStateWrittenEverySample() {
    Run continuous = new Run(newStore(), EVERY_SAMPLE);
    before(continuous);
    continuous.output();
    after(continuous);
    List<CorrelationInput> expected = continuous.output();

    KeyValueStore<String, byte[]> store = newStore();
    before(new Run(store, EVERY_SAMPLE));
    Run moved = new Run(store, EVERY_SAMPLE);
    after(moved);
    List<CorrelationInput> actual = moved.output();

    assertEquals(expected, actual);
    // Not vacuous: the silence of vm-a (found through the rebuilt index) and the member's DOWN (its restored
    // window) are in it, and nothing was announced as MONITORED twice.
    assertTrue(actual.stream().anyMatch(c -> c.getKind() == CorrelationInputKind.SYMPTOM
        && c.getSymptom().getEntity().equals("vm:vm-a") && c.getSymptom().getSignal().equals("silence")
        && c.getSymptom().getState() == SymptomState.RAISED), actual.toString());
    assertTrue(actual.stream().anyMatch(c -> c.getKind() == CorrelationInputKind.SYMPTOM
        && c.getSymptom().getEntity().equals("vm:vm-c") && c.getSymptom().getSignal().equals("pool.member")),
        actual.toString());
    assertTrue(actual.stream().noneMatch(c -> c.getKind() == CorrelationInputKind.MONITORED), actual.toString());
  }

  @Test
  void shouldNotDeclareAReportingEntitySilentWhenItsQuietSamplesWereNotWrittenBeforeTheTaskMoved() {
    DetectionSettings settings = DetectionSettings.defaults();
    long checkpoint = settings.stateCheckpoint().toMillis();
    Run continuous = new Run(newStore(), settings);
    KeyValueStore<String, byte[]> store = newStore();
    Run first = new Run(store, settings);
    // vm-a and vm-b report every 10 s until the move; vm-a stops at 90 s, vm-b goes on.
    for (Run r : List.of(continuous, first)) {
      for (int i = 0; i < 10; i++) {
        r.sample(memory("vm:vm-a", i * 10, 15));
        r.sample(memory("vm:vm-b", i * 10 + 2, 15));
        r.watermark(i * 10 + 5);
      }
      r.output();
    }
    // Quiet samples: written at 0 s and at 60 s (a checkpoint later), not since.
    assertEquals(at(60).toEpochMilli(), EntityState.presenceOf(store.get("vm:vm-a")).lastSeen);
    assertEquals(at(62).toEpochMilli(), EntityState.presenceOf(store.get("vm:vm-b")).lastSeen);
    Run moved = new Run(store, settings);
    for (Run r : List.of(continuous, moved)) {
      // The written last seen of both (60 s, 62 s) is more than the 30 s allowance behind this watermark.
      r.watermark(100);
      for (int i = 10; i < 25; i++) {
        r.sample(memory("vm:vm-b", i * 10 + 2, 15));
        r.watermark(i * 10 + 5);
      }
    }
    List<Symptom> expected = silences(continuous.output());
    List<Symptom> actual = silences(moved.output());

    assertEquals(List.of("vm:vm-a"), expected.stream().map(Symptom::getEntity).toList(), expected.toString());
    assertEquals(List.of("vm:vm-a"), actual.stream().map(Symptom::getEntity).toList(), actual.toString());
    long late = actual.get(0).getEventTime().toEpochMilli() - expected.get(0).getEventTime().toEpochMilli();
    long early = expected.get(0).getOnset().toEpochMilli() - actual.get(0).getOnset().toEpochMilli();
    assertTrue(late > 0 && late <= checkpoint, "raised " + late + " ms later");
    assertTrue(early > 0 && early <= checkpoint, "onset " + early + " ms earlier");
  }

  @Test
  void shouldWriteAQuietSampleAtTheNextCheckpointAndAChangedVerdictAtOnce() {
    KeyValueStore<String, byte[]> store = newStore();
    Run r = new Run(store, DetectionSettings.defaults());
    r.sample(pool("pool:web", "vm:vm-c", 0, MemberState.UP));
    r.sample(memory("vm:vm-a", 0, 15));
    r.sample(memory("vm:vm-a", 30, 15));
    assertEquals(at(0).toEpochMilli(), EntityState.presenceOf(store.get("vm:vm-a")).lastSeen);
    r.sample(memory("vm:vm-a", 60, 15));
    assertEquals(at(60).toEpochMilli(), EntityState.presenceOf(store.get("vm:vm-a")).lastSeen);

    byte[] up = store.get("vm:vm-c");
    r.sample(pool("pool:web", "vm:vm-c", 10, MemberState.UP));
    assertArrayEquals(up, store.get("vm:vm-c"));
    r.sample(pool("pool:web", "vm:vm-c", 20, MemberState.DOWN));
    assertFalse(Arrays.equals(up, store.get("vm:vm-c")), "an abnormal sample is written at once");
  }

  @Test
  void shouldWriteAnEntityWithUnwrittenSamplesWhenItLeavesTheDecodedStates() {
    KeyValueStore<String, byte[]> store = newStore();
    Run r = new Run(store, DetectionSettings.defaults());
    r.sample(memory("vm:first", 0, 15));
    r.sample(memory("vm:first", 10, 15));
    assertEquals(at(0).toEpochMilli(), EntityState.presenceOf(store.get("vm:first")).lastSeen);
    for (int i = 0; i < SymptomDetectorProcessor.DECODED_MAX; i++) {
      r.sample(memory("vm:other-" + i, 11, 15));
    }
    assertEquals(at(10).toEpochMilli(), EntityState.presenceOf(store.get("vm:first")).lastSeen);
    // Read back, it is not written again until a checkpoint after it was read.
    r.sample(memory("vm:first", 20, 15));
    assertEquals(at(10).toEpochMilli(), EntityState.presenceOf(store.get("vm:first")).lastSeen);
  }

  private static List<Symptom> silences(List<CorrelationInput> out) {
    return out.stream().filter(c -> c.getKind() == CorrelationInputKind.SYMPTOM)
        .map(CorrelationInput::getSymptom)
        .filter(s -> s.getSignal().equals("silence") && s.getState() == SymptomState.RAISED).toList();
  }
}
