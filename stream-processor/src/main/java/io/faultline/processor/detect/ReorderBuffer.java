package io.faultline.processor.detect;

import java.util.Iterator;
import java.util.function.Function;
import org.apache.kafka.common.utils.Bytes;

/**
 * The records {@link ReorderBufferProcessor} holds back, by buffer key (event time, topic, entity,
 * payload), backed by the changelogged store {@code detect-reorder-buffer}. Two layouts, chosen by
 * the grace: {@link SegmentedReorderBuffer} in memory for a live grace, {@link StoreReorderBuffer}
 * in RocksDB for a replay's hour (see stream-processor/docs/detection.md, "Reorder buffer layout").
 */
interface ReorderBuffer {

  /** A buffered record: its key and its sample. */
  record Entry(Bytes key, Telemetry sample) {}

  /** Buffers a record; a record with the same key (an exact duplicate) replaces it, so it is kept once. */
  void put(Bytes key, int topicIndex, byte[] value, Telemetry sample);

  /** The records with {@code from <= key <= to} ({@code from} null: from the first), in key order. */
  Range range(Bytes from, Bytes to);

  /** Forgets a released record. */
  void delete(Bytes key);

  /**
   * Writes to the store what it does not hold yet, before the task commits ({@link PreCommitStore}): all a
   * task that moves will find is what was written by the last commit.
   */
  default void beforeCommit() {
  }

  /** An iteration over a range; close it (a RocksDB iterator holds native resources). */
  interface Range extends Iterator<Entry>, AutoCloseable {
    @Override
    void close();

    /** The entries of {@code source}, each converted by {@code entry}; closing runs {@code onClose}. */
    static <T> Range of(Iterator<T> source, Function<T, Entry> entry, Runnable onClose) {
      return new Range() {
        @Override
        public boolean hasNext() {
          return source.hasNext();
        }

        @Override
        public Entry next() {
          return entry.apply(source.next());
        }

        @Override
        public void close() {
          onClose.run();
        }
      };
    }
  }
}
