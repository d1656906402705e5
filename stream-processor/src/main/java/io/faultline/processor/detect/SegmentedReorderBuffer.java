package io.faultline.processor.detect;

import io.faultline.schemas.serde.AvroSerde;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The live reorder buffer: the records in memory, ordered by buffer key and kept decoded, and
 * their bytes logged in segments to the changelogged, cached store {@code detect-reorder-buffer}.
 *
 * <p>Records are appended, in arrival order, to the open segment (key: segment id), in memory; the
 * open segment is written to the store once per commit ({@link #beforeCommit}, run by
 * {@link PreCommitStore} just before Streams flushes the store's cache), so one version per commit
 * reaches the changelog. Writing it on every append had cost a copy of the segment and a cache put
 * per record: a tenth of the stream thread. A segment of {@link #SEGMENT_BYTES} is closed, written
 * once, and the next one opened; a segment is deleted (one tombstone) once every record in it has
 * been released. A record held for the grace (500 ms live) across several 100 ms commits thus costs
 * a few hundredths of a changelog record, not a value record and a tombstone of its own.
 *
 * <p>Restore: the constructor reads the segments back and keeps the records later than the
 * released watermark (the records up to it were released, in the same transaction as the
 * watermark); a segment left with none is deleted. Under exactly-once the segments, the watermark
 * and the output of the released records are committed together, so a task that moves loses and
 * repeats nothing.
 *
 * <p>In memory the records are grouped by event time, each group a hash map by key, and a group is
 * put in key order only when it is read ({@link #range}), once, as it is released. A probe's
 * samples share their timestamp (every entity of a task sampled in the same second lands on one
 * millisecond), so a sorted map of all keys compared long common prefixes at every insert and
 * delete: it was the largest single cost in the stream thread's profile.
 */
final class SegmentedReorderBuffer implements ReorderBuffer {

  /** A segment is closed once its bytes reach this. */
  static final int SEGMENT_BYTES = 4096;
  static final String OTHER_LAYOUT = "detect-reorder-buffer was written by the other buffer layout (detect.grace.ms"
      + " moved across " + DetectionStage.IN_MEMORY_BUFFER_MAX_GRACE.toSeconds() + " s): reset the application's"
      + " state (kafka-streams-application-reset) or keep the grace on the side it was";
  private static final byte SEGMENT_MARK = (byte) 0xFF;

  private record Held(Telemetry sample, long segment) {}

  private final KeyValueStore<Bytes, byte[]> log;
  /** Event time -> the records of that millisecond, by key. */
  private final TreeMap<Long, Map<Bytes, Held>> held = new TreeMap<>();
  private long lastTime = Long.MIN_VALUE;
  private Map<Bytes, Held> lastGroup;
  /** Records not yet released, per segment. */
  private final Map<Long, Integer> live = new HashMap<>();
  private long open;
  private byte[] openBytes = new byte[2 * SEGMENT_BYTES];
  private int openLength;
  /** Whether the open segment has records the store does not have yet. */
  private boolean openUnwritten;

  /**
   * @param released the released watermark, {@link Long#MIN_VALUE} if none: logged records at or before it were
   *     released before the task moved
   */
  SegmentedReorderBuffer(KeyValueStore<Bytes, byte[]> log, AvroSerde<SpecificRecord> serde, List<String> topics,
                         long released) {
    this.log = log;
    List<Long> ids = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = log.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> segment = it.next();
        if (!isSegmentKey(segment.key)) {
          throw new IllegalStateException(OTHER_LAYOUT);
        }
        long id = ByteBuffer.wrap(segment.key.get(), 1, 8).getLong();
        ids.add(id);
        ByteBuffer b = ByteBuffer.wrap(segment.value);
        while (b.hasRemaining()) {
          int topic = b.get();
          byte[] value = new byte[b.getInt()];
          b.get(value);
          Telemetry sample = Telemetry.of(serde.deserialize(topics.get(topic), value));
          if (released == Long.MIN_VALUE || sample.eventTime() > released) {
            // In segment order: a later copy of a key replaced the earlier one, as it did when it arrived.
            Bytes key = ReorderBufferProcessor.bufferKey(sample.eventTime(), topic, sample.entity(), value);
            group(sample.eventTime()).put(key, new Held(sample, id));
          }
        }
      }
    }
    for (Map<Bytes, Held> group : held.values()) {
      for (Held h : group.values()) {
        live.merge(h.segment, 1, Integer::sum);
      }
    }
    for (long id : ids) {
      if (!live.containsKey(id)) {
        log.delete(segmentKey(id));
      }
    }
    open = ids.isEmpty() ? 0 : ids.get(ids.size() - 1) + 1;
  }

  static boolean isSegmentKey(Bytes key) {
    return key.get().length == 9 && key.get()[0] == SEGMENT_MARK;
  }

  private static Bytes segmentKey(long id) {
    // Replay's per-record keys start with an event time (first byte 0x80 for any time after 1970) and are longer.
    return Bytes.wrap(ByteBuffer.allocate(9).put(SEGMENT_MARK).putLong(id).array());
  }

  @Override
  public void put(Bytes key, int topicIndex, byte[] value, Telemetry sample) {
    int need = 1 + 4 + value.length;
    if (openLength + need > openBytes.length) {
      openBytes = Arrays.copyOf(openBytes, Math.max(2 * openBytes.length, openLength + need));
    }
    ByteBuffer.wrap(openBytes, openLength, need).put((byte) topicIndex).putInt(value.length).put(value);
    openLength += need;
    openUnwritten = true;
    long segment = open;
    live.merge(segment, 1, Integer::sum);
    Held replaced = group(sample.eventTime()).put(key, new Held(sample, segment));
    if (openLength >= SEGMENT_BYTES) {
      // Full: it never changes again, written now and closed.
      writeOpen();
      next();
    }
    if (replaced != null) {
      forget(replaced.segment);
    }
  }

  /** The group of {@code time}, created empty; arrivals mostly repeat the last one's time. */
  private Map<Bytes, Held> group(long time) {
    if (time != lastTime || lastGroup == null) {
      lastGroup = held.computeIfAbsent(time, t -> new HashMap<>());
      lastTime = time;
    }
    return lastGroup;
  }

  @Override
  public Range range(Bytes from, Bytes to) {
    long fromTime = from == null ? Long.MIN_VALUE : ReorderBufferProcessor.timeOf(from);
    long toTime = ReorderBufferProcessor.timeOf(to);
    Iterator<Map.Entry<Bytes, Held>> entries = fromTime > toTime ? Collections.emptyIterator()
        : new InKeyOrder(held.subMap(fromTime, true, toTime, true).entrySet().iterator(), from, to, fromTime, toTime);
    return Range.of(entries, e -> new Entry(e.getKey(), e.getValue().sample), () -> { });
  }

  /** The records of consecutive groups, each group sorted when it is reached, within {@code from..to}. */
  private static final class InKeyOrder implements Iterator<Map.Entry<Bytes, Held>> {
    private final Iterator<Map.Entry<Long, Map<Bytes, Held>>> groups;
    private final Bytes from;
    private final Bytes to;
    private final long fromTime;
    private final long toTime;
    private Iterator<Map.Entry<Bytes, Held>> current = Collections.emptyIterator();
    private boolean boundary;
    private Map.Entry<Bytes, Held> next;

    InKeyOrder(Iterator<Map.Entry<Long, Map<Bytes, Held>>> groups, Bytes from, Bytes to, long fromTime, long toTime) {
      this.groups = groups;
      this.from = from;
      this.to = to;
      this.fromTime = fromTime;
      this.toTime = toTime;
      next = advance();
    }

    private Map.Entry<Bytes, Held> advance() {
      while (true) {
        while (current.hasNext()) {
          Map.Entry<Bytes, Held> e = current.next();
          // Bounds are compared only in their own milliseconds (drain's bounds are bare time prefixes anyway).
          if (!boundary || ((from == null || e.getKey().compareTo(from) >= 0) && e.getKey().compareTo(to) <= 0)) {
            return e;
          }
        }
        if (!groups.hasNext()) {
          return null;
        }
        Map.Entry<Long, Map<Bytes, Held>> group = groups.next();
        boundary = group.getKey() == fromTime || group.getKey() == toTime;
        Map<Bytes, Held> records = group.getValue();
        if (records.size() == 1) {
          // Samples with jittered timestamps mostly have a millisecond to themselves: nothing to sort.
          current = records.entrySet().iterator();
        } else {
          List<Map.Entry<Bytes, Held>> sorted = new ArrayList<>(records.entrySet());
          sorted.sort(Map.Entry.comparingByKey());
          current = sorted.iterator();
        }
      }
    }

    @Override
    public boolean hasNext() {
      return next != null;
    }

    @Override
    public Map.Entry<Bytes, Held> next() {
      Map.Entry<Bytes, Held> e = next;
      if (e == null) {
        throw new NoSuchElementException();
      }
      next = advance();
      return e;
    }
  }

  @Override
  public void delete(Bytes key) {
    long time = ReorderBufferProcessor.timeOf(key);
    Map<Bytes, Held> group = held.get(time);
    Held h = group == null ? null : group.remove(key);
    if (h == null) {
      return;
    }
    if (group.isEmpty()) {
      held.remove(time);
      if (group == lastGroup) {
        lastGroup = null;
      }
    }
    forget(h.segment);
  }

  private void forget(long segment) {
    if (live.merge(segment, -1, Integer::sum) > 0) {
      return;
    }
    live.remove(segment);
    log.delete(segmentKey(segment));
    if (segment == open) {
      next();
    }
  }

  @Override
  public void beforeCommit() {
    if (openUnwritten) {
      writeOpen();
    }
  }

  private void writeOpen() {
    log.put(segmentKey(open), Arrays.copyOf(openBytes, openLength));
    openUnwritten = false;
  }

  private void next() {
    open++;
    openLength = 0;
    openUnwritten = false;
  }
}
