package io.faultline.processor.detect;

import io.faultline.schemas.serde.AvroSerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One store entry per buffered record, in RocksDB: for a long grace (a replay's hour can hold a
 * whole recording, more than the heap should). A record is decoded again when it is released.
 */
final class StoreReorderBuffer implements ReorderBuffer {

  private final KeyValueStore<Bytes, byte[]> store;
  private final AvroSerde<SpecificRecord> serde;

  StoreReorderBuffer(KeyValueStore<Bytes, byte[]> store, AvroSerde<SpecificRecord> serde) {
    this.store = store;
    this.serde = serde;
    try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
      if (it.hasNext() && SegmentedReorderBuffer.isSegmentKey(it.peekNextKey())) {
        throw new IllegalStateException(SegmentedReorderBuffer.OTHER_LAYOUT);
      }
    }
  }

  @Override
  public void put(Bytes key, int topicIndex, byte[] value, Telemetry sample) {
    store.put(key, value);
  }

  @Override
  public Range range(Bytes from, Bytes to) {
    KeyValueIterator<Bytes, byte[]> it = store.range(from, to);
    return Range.of(it, e -> new Entry(e.key,
        Telemetry.of(serde.deserialize(DetectionStage.REORDER_BUFFER_STORE, e.value))), it::close);
  }

  @Override
  public void delete(Bytes key) {
    store.delete(key);
  }
}
