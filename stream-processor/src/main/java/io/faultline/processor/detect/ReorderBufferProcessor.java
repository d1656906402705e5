package io.faultline.processor.detect;

import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import io.faultline.schemas.registry.SchemaRegistry;
import io.faultline.schemas.serde.AvroSerde;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Puts the telemetry of one partition back into event-time order. Every record waits in the
 * {@link ReorderBuffer} (logged to {@code detect-reorder-buffer}), keyed by (event time, topic,
 * entity, payload), until the task's
 * stream time (the newest event time it has seen) is {@code grace} past it; then it is released.
 * The key makes the order total and independent of arrival order, and an exact duplicate lands on
 * the same key, so it is kept once.
 *
 * <p>Records that cannot join the order are dead-lettered with their original bytes: undecodable
 * ({@code undeserializable}), not a telemetry sample ({@code not-telemetry}), no value
 * ({@code empty}), at or before the released watermark ({@code late}) or more than
 * {@code maxFutureSkew} ahead of stream time ({@code future}).
 */
final class ReorderBufferProcessor implements Processor<byte[], byte[], String, DetectionEvent> {

  static final String STAGE = "detect-reorder";
  static final String STREAM_TIME = "stream-time";
  private static final String RELEASED = "released";
  private static final String WATERMARK_SENT = "watermark-sent";
  private static final long NONE = Long.MIN_VALUE;
  /**
   * Records released per call at most (then up to the end of their event-time millisecond). Under
   * exactly-once a whole idle flush in one punctuation (a replay's entire partition) can outlast
   * the transaction timeout; the task would be fenced, restored and flush again, forever.
   */
  static final int RELEASE_BATCH = 1000;

  static final List<String> TOPICS = Topics.TELEMETRY.stream().map(Topic::name).toList();

  private final DetectionSettings settings;
  private final AvroSerde<SpecificRecord> serde;

  private ProcessorContext<String, DetectionEvent> context;
  private ReorderBuffer buffer;
  private KeyValueStore<String, Long> meta;
  private final Map<String, Sensor> deadLetterSensors = new HashMap<>();
  private Cancellable idleCheck;

  private long streamTime;
  private long released;
  private long watermarkSent;
  /** Whether the three above moved since they were last written to {@code detect-reorder-meta}. */
  private boolean metaUnwritten;
  /** The watermark being released towards: stream time - grace, or stream time during an idle flush. */
  private long target = NONE;
  private boolean flushing;
  private long lastInputWallClock;
  private boolean idleSent;

  ReorderBufferProcessor(DetectionSettings settings, SchemaRegistry registry) {
    this.settings = settings;
    this.serde = AvroSerde.anySpecific(registry);
  }

  @Override
  public void init(ProcessorContext<String, DetectionEvent> context) {
    this.context = context;
    this.meta = context.getStateStore(DetectionStage.REORDER_META_STORE);
    streamTime = metaValue(STREAM_TIME);
    released = metaValue(RELEASED);
    watermarkSent = metaValue(WATERMARK_SENT);
    // init() runs after the stores are restored (and again when a task is revived after an abort).
    KeyValueStore<Bytes, byte[]> store = context.getStateStore(DetectionStage.REORDER_BUFFER_STORE);
    this.buffer = DetectionStage.inMemoryBuffer(settings)
        ? new SegmentedReorderBuffer(store, serde, TOPICS, released) : new StoreReorderBuffer(store, serde);
    // Written once per commit, not once per record: the same transaction carries them and the input offsets.
    // Not taken back in close(): Streams suspends a task (closing its processors) before its last commit.
    metaUnwritten = false;
    PreCommitStore.beforeCommit(store, buffer::beforeCommit);
    PreCommitStore.beforeCommit(meta, this::writeMeta);
    flushing = false;
    target = streamTime == NONE ? NONE : streamTime - settings.grace().toMillis();
    lastInputWallClock = context.currentSystemTimeMs();
    // Frequent (the check is cheap) so a large flush drains batch after batch without delay.
    long every = Math.max(10, Math.min(settings.idleFlush().toMillis() / 2, 100));
    idleCheck = context.schedule(Duration.ofMillis(every), PunctuationType.WALL_CLOCK_TIME, this::checkIdle);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    lastInputWallClock = context.currentSystemTimeMs();
    idleSent = false;
    RecordMetadata source = context.recordMetadata().orElse(null);
    String topic = source == null ? "?" : source.topic();
    if (record.value() == null) {
      deadLetter(record, source, "empty", null);
      return;
    }
    Telemetry sample;
    try {
      sample = Telemetry.of(serde.deserialize(topic, record.value()));
    } catch (RuntimeException e) {
      deadLetter(record, source, "undeserializable", e);
      return;
    }
    if (sample == null) {
      deadLetter(record, source, "not-telemetry", null);
      return;
    }
    long t = sample.eventTime();
    if (released != NONE && t <= released) {
      deadLetter(record, source, "late", null);
      return;
    }
    // The first record of a task cannot be judged (there is no stream time yet): it is accepted.
    if (streamTime != NONE && t - streamTime > settings.maxFutureSkew().toMillis()) {
      deadLetter(record, source, "future", null);
      return;
    }
    int topicIndex = TOPICS.indexOf(topic);
    buffer.put(bufferKey(t, topicIndex, sample.entity(), record.value()), topicIndex, record.value(), sample);
    if (streamTime == NONE || t > streamTime) {
      streamTime = t;
      metaUnwritten = true;
      target = Math.max(target, streamTime - settings.grace().toMillis());
    }
    drain();
  }

  private void checkIdle(long wallClock) {
    if (wallClock - lastInputWallClock < settings.idleFlush().toMillis()) {
      drain();
      return;
    }
    if (streamTime != NONE && !flushing && (released == NONE || released < streamTime)) {
      flushing = true;
      target = streamTime;
    }
    drain();
    if (!flushing && !idleSent) {
      idleSent = true;
      long time = released == NONE ? 0 : released;
      context.forward(new Record<>("", new DetectionEvent.Idle(time), Math.max(0, time)), DetectionStage.DETECTOR);
    }
  }

  /**
   * Releases, in order, the buffered records up to {@link #target}, at most about
   * {@link #RELEASE_BATCH} of them; the released watermark follows. The rest goes on the next call.
   */
  private void drain() {
    if (target == NONE || (released != NONE && released >= target)) {
      return;
    }
    Bytes from = released == NONE ? null : timePrefix(released + 1);
    List<Bytes> done = new ArrayList<>();
    long last = NONE;
    boolean more = false;
    try (ReorderBuffer.Range it = buffer.range(from, timePrefix(target + 1))) {
      while (it.hasNext()) {
        ReorderBuffer.Entry entry = it.next();
        long time = timeOf(entry.key());
        if (done.size() >= RELEASE_BATCH && time != last) {
          more = true;
          break;
        }
        done.add(entry.key());
        last = time;
        Telemetry sample = entry.sample();
        context.forward(new Record<>(sample.entity(), new DetectionEvent.Sample(sample), sample.eventTime()),
            DetectionStage.DETECTOR);
      }
    }
    for (Bytes key : done) {
      buffer.delete(key);
    }
    released = more ? last : target;
    metaUnwritten = true;
    boolean flushed = flushing && !more;
    // On the interval's grid, not an interval after the last one: the correlator's ticks lie on that grid,
    // so the watermark that lets it evaluate a tick leaves as soon as the tick is released, not up to an interval later.
    long interval = settings.watermarkInterval().toMillis();
    if (flushed || watermarkSent == NONE || Math.floorDiv(released, interval) > Math.floorDiv(watermarkSent, interval)) {
      watermarkSent = released;
      context.forward(new Record<>("", new DetectionEvent.Watermark(released), Math.max(0, released)),
          DetectionStage.DETECTOR);
    }
    if (flushed) {
      flushing = false;
    }
  }

  private void deadLetter(Record<byte[], byte[]> record, RecordMetadata source, String reason, Exception e) {
    Headers headers = new RecordHeaders(record.headers().toArray());
    header(headers, Topics.DLQ_REASON, reason);
    header(headers, Topics.DLQ_STAGE, STAGE);
    if (source != null) {
      header(headers, Topics.DLQ_TOPIC, source.topic());
      header(headers, Topics.DLQ_PARTITION, String.valueOf(source.partition()));
      header(headers, Topics.DLQ_OFFSET, String.valueOf(source.offset()));
    }
    if (e != null) {
      header(headers, Topics.DLQ_EXCEPTION, e.getClass().getName() + ": " + e.getMessage());
    }
    deadLetterSensors.computeIfAbsent(reason, this::deadLetterSensor).record();
    context.forward(new Record<String, DetectionEvent>(
        "", new DetectionEvent.DeadLetter(record.key(), record.value(), headers), record.timestamp(), headers),
        DetectionStage.DEAD_LETTER_BYTES);
  }

  private Sensor deadLetterSensor(String reason) {
    String task = context.taskId().toString();
    Sensor sensor = context.metrics().addSensor("faultline-detect-dead-letter-" + task + "-" + reason,
        Sensor.RecordingLevel.INFO);
    sensor.add(new MetricName("dead-letter-total", DetectionStage.METRICS_GROUP,
        "Telemetry records sent to the dead-letter topic", Map.of("task-id", task, "reason", reason)),
        new CumulativeCount());
    return sensor;
  }

  private static void header(Headers headers, String name, String value) {
    headers.remove(name);
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private void writeMeta() {
    if (metaUnwritten) {
      meta.put(STREAM_TIME, streamTime);
      meta.put(RELEASED, released);
      meta.put(WATERMARK_SENT, watermarkSent);
      metaUnwritten = false;
    }
  }

  private long metaValue(String key) {
    Long v = meta.get(key);
    return v == null ? NONE : v;
  }

  /** Orders by event time (sign flipped so negative times sort first), then topic, entity and payload. */
  static Bytes bufferKey(long eventTime, int topicIndex, String entity, byte[] value) {
    byte[] e = entity.getBytes(StandardCharsets.UTF_8);
    int payload = Math.max(0, value.length - 5);
    ByteBuffer b = ByteBuffer.allocate(8 + 1 + e.length + 1 + payload);
    b.putLong(eventTime ^ Long.MIN_VALUE).put((byte) topicIndex).put(e).put((byte) 0);
    b.put(value, value.length - payload, payload);
    return Bytes.wrap(b.array());
  }

  static long timeOf(Bytes key) {
    return ByteBuffer.wrap(key.get()).getLong() ^ Long.MIN_VALUE;
  }

  static Bytes timePrefix(long eventTime) {
    return Bytes.wrap(ByteBuffer.allocate(8).putLong(eventTime ^ Long.MIN_VALUE).array());
  }

  @Override
  public void close() {
    if (idleCheck != null) {
      idleCheck.cancel();
    }
    deadLetterSensors.values().forEach(s -> context.metrics().removeSensor(s));
  }
}
