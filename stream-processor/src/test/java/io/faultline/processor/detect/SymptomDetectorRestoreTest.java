package io.faultline.processor.detect;

import static io.faultline.processor.detect.Samples.at;
import static io.faultline.processor.detect.Samples.memory;
import static io.faultline.processor.detect.Samples.pool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.correlation.SymptomState;
import io.faultline.internal.CorrelationInput;
import io.faultline.internal.CorrelationInputKind;
import io.faultline.telemetry.MemberState;
import java.util.ArrayList;
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
 * silence index and decoded states are rebuilt from that store alone, so it goes on exactly as a
 * detector that never stopped.
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
    final SymptomDetectorProcessor detector = new SymptomDetectorProcessor(DetectionSettings.defaults());

    Run(KeyValueStore<String, byte[]> store) {
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

  @Test
  void shouldGoOnExactlyAsBeforeWhenANewDetectorStartsOverTheRestoredState() {
    Run continuous = new Run(newStore());
    before(continuous);
    continuous.output();
    after(continuous);
    List<CorrelationInput> expected = continuous.output();

    KeyValueStore<String, byte[]> store = newStore();
    before(new Run(store));
    Run moved = new Run(store);
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
}
