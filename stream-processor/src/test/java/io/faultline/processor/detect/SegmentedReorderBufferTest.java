package io.faultline.processor.detect;

import static io.faultline.processor.detect.Samples.disk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.schemas.Topics;
import io.faultline.schemas.registry.InMemorySchemaRegistry;
import io.faultline.schemas.serde.AvroSerde;
import io.faultline.telemetry.DiskSample;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The live buffer's segment log: what a task that moves finds in {@code detect-reorder-buffer}. */
class SegmentedReorderBufferTest {

  private static final List<String> TOPICS = ReorderBufferProcessor.TOPICS;
  private static final int DISK = TOPICS.indexOf(Topics.DISK.name());

  private final AvroSerde<SpecificRecord> serde = AvroSerde.anySpecific(new InMemorySchemaRegistry());
  private KeyValueStore<Bytes, byte[]> store;

  @BeforeEach
  void openStore() {
    store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("log"), Serdes.Bytes(), Serdes.ByteArray())
        .withLoggingDisabled().build();
    MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    store.init(context.getStateStoreContext(), store);
  }

  private Bytes put(ReorderBuffer buffer, DiskSample s) {
    byte[] value = serde.serialize(Topics.DISK.name(), s);
    Telemetry t = Telemetry.of(s);
    Bytes key = ReorderBufferProcessor.bufferKey(t.eventTime(), DISK, t.entity(), value);
    buffer.put(key, DISK, value, t);
    return key;
  }

  private static List<Bytes> keys(ReorderBuffer buffer) {
    List<Bytes> keys = new ArrayList<>();
    try (ReorderBuffer.Range r = buffer.range(null, ReorderBufferProcessor.timePrefix(Long.MAX_VALUE - 1))) {
      r.forEachRemaining(e -> keys.add(e.key()));
    }
    return keys;
  }

  private int segments() {
    int n = 0;
    try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
      for (; it.hasNext(); it.next()) {
        n++;
      }
    }
    return n;
  }

  @Test
  void shouldResumeWithExactlyTheUnreleasedRecordsWhenReadBackFromItsSegments() {
    SegmentedReorderBuffer buffer = new SegmentedReorderBuffer(store, serde, TOPICS, Long.MIN_VALUE);
    List<Bytes> all = new ArrayList<>();
    // Arrival out of order, across many segments; a duplicate lands on its key again.
    for (int i = 0; i < 300; i++) {
      int s = (i * 37) % 300;
      all.add(put(buffer, disk("disk-array:a" + (s % 7), s, 2.5, 0)));
    }
    put(buffer, disk("disk-array:a0", 0, 2.5, 0));
    List<Bytes> ordered = keys(buffer);
    assertEquals(all.stream().sorted().toList(), ordered);
    // Release (in order) everything up to second 99, as drain() does, then "move" the task.
    long released = Samples.at(99).toEpochMilli();
    ordered.stream().filter(k -> ReorderBufferProcessor.timeOf(k) <= released).forEach(buffer::delete);
    List<Bytes> left = keys(buffer);
    assertEquals(200, left.size());

    buffer.beforeCommit();
    SegmentedReorderBuffer restored = new SegmentedReorderBuffer(store, serde, TOPICS, released);
    assertEquals(left, keys(restored));
    try (ReorderBuffer.Range r = restored.range(null, ReorderBufferProcessor.timePrefix(Long.MAX_VALUE - 1))) {
      ReorderBuffer.Entry first = r.next();
      assertEquals(Samples.at(100).toEpochMilli(), first.sample().eventTime());
    }
  }

  @Test
  void shouldKeepOneLoggedValuePerSegmentAndDropASegmentWhenAllItsRecordsAreReleased() {
    SegmentedReorderBuffer buffer = new SegmentedReorderBuffer(store, serde, TOPICS, Long.MIN_VALUE);
    List<Bytes> keys = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      keys.add(put(buffer, disk("disk-array:a", i, 2.5, 0)));
    }
    buffer.beforeCommit();
    int segments = segments();
    assertTrue(segments > 1 && segments < 1000 / 10, "segments " + segments);
    keys.forEach(buffer::delete);
    assertEquals(0, segments());
    // The next record opens a new segment.
    put(buffer, disk("disk-array:a", 2000, 2.5, 0));
    buffer.beforeCommit();
    assertEquals(1, segments());
  }

  @Test
  void shouldWriteTheOpenSegmentOnlyBeforeACommitWhenRecordsAreAppended() {
    SegmentedReorderBuffer buffer = new SegmentedReorderBuffer(store, serde, TOPICS, Long.MIN_VALUE);
    put(buffer, disk("disk-array:a", 0, 2.5, 0));
    put(buffer, disk("disk-array:a", 1, 2.5, 0));
    assertEquals(0, segments(), "appends stay in memory until the commit");
    buffer.beforeCommit();
    assertEquals(1, segments());
    byte[] written = onlyValue();
    buffer.beforeCommit();
    assertSame(written, onlyValue(), "nothing new: not written again");
    Bytes third = put(buffer, disk("disk-array:a", 2, 2.5, 0));
    buffer.beforeCommit();
    assertTrue(onlyValue().length > written.length);
    // What a task that moves now would find: all three.
    assertEquals(3, keys(new SegmentedReorderBuffer(store, serde, TOPICS, Long.MIN_VALUE)).size());
    assertEquals(third, keys(buffer).get(2));
  }

  private byte[] onlyValue() {
    try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
      byte[] v = it.next().value;
      assertFalse(it.hasNext());
      return v;
    }
  }

  @Test
  void shouldKeepKeyOrderAndKeyBoundsWithinAMillisecondWhenManySamplesShareIt() {
    SegmentedReorderBuffer buffer = new SegmentedReorderBuffer(store, serde, TOPICS, Long.MIN_VALUE);
    List<Bytes> same = new ArrayList<>();
    for (int i = 9; i >= 0; i--) {
      same.add(put(buffer, disk("disk-array:a" + i, 5, 2.5, 0)));
    }
    Bytes before = put(buffer, disk("disk-array:z", 4, 2.5, 0));
    Bytes after = put(buffer, disk("disk-array:0", 6, 2.5, 0));
    List<Bytes> sorted = same.stream().sorted().toList();
    List<Bytes> all = new ArrayList<>(List.of(before));
    all.addAll(sorted);
    all.add(after);
    assertEquals(all, keys(buffer));
    // Bounds that are whole keys, inside the shared millisecond.
    List<Bytes> inside = new ArrayList<>();
    try (ReorderBuffer.Range r = buffer.range(sorted.get(2), sorted.get(6))) {
      r.forEachRemaining(e -> inside.add(e.key()));
    }
    assertEquals(sorted.subList(2, 7), inside);
  }

  @Test
  void shouldRefuseTheOtherLayoutWhenTheGraceMovedAcrossTheLimit() {
    StoreReorderBuffer perRecord = new StoreReorderBuffer(store, serde);
    put(perRecord, disk("disk-array:a", 0, 2.5, 0));
    assertThrows(IllegalStateException.class, () -> new SegmentedReorderBuffer(store, serde, TOPICS, Long.MIN_VALUE));
    store.delete(keys(perRecord).get(0));
    SegmentedReorderBuffer segmented = new SegmentedReorderBuffer(store, serde, TOPICS, Long.MIN_VALUE);
    put(segmented, disk("disk-array:a", 0, 2.5, 0));
    segmented.beforeCommit();
    assertThrows(IllegalStateException.class, () -> new StoreReorderBuffer(store, serde));
  }
}
