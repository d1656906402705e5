package io.faultline.processor.demo;

import io.faultline.schemas.Topic;
import io.faultline.schemas.registry.SchemaRegistry;
import io.faultline.schemas.scenario.ScenarioReader;
import io.faultline.schemas.scenario.ScenarioRecord;
import io.faultline.schemas.serde.AvroSerde;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes a scenario the way live probes would deliver it: the topology first, then every timed
 * record in event-time order, each when its moment comes on an accelerated clock. Unlike
 * {@link io.faultline.processor.replay.ScenarioPublisher} (file order, as fast as possible, before the
 * processor starts), this one runs beside a live processor so the story unfolds as it would.
 *
 * <p>Records before {@code liveFrom} (the quiet run-up in which detection learns its baselines) are
 * the <em>history</em>: {@link #publishHistory()} sends them at once. {@link #startLive} then paces the
 * rest: a record with event time {@code t} is sent {@code (t - liveFrom) / speed} after the live
 * start. The whole file is parsed (and sorted) before anything is sent, so a bad line sends nothing.
 */
final class PacedPublisher implements AutoCloseable {

  private final List<ScenarioRecord> untimed = new ArrayList<>();
  private final List<ScenarioRecord> timed = new ArrayList<>();
  private final long firstTime;
  private final long lastTime;
  private KafkaProducer<String, byte[]> producer;
  private SchemaRegistry registry;
  private final Map<Topic<?>, AvroSerde<SpecificRecord>> serdes = new HashMap<>();
  private final AtomicLong sent = new AtomicLong();
  private final Map<String, Long> perTopic = new ConcurrentHashMap<>();
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private volatile long clock = Long.MIN_VALUE;
  private volatile boolean stopped;
  private volatile boolean finished;
  private int next;
  private Thread live;

  /** Parses and sorts the whole file; a malformed line throws its ScenarioFormatException here. */
  PacedPublisher(Path scenario) {
    ScenarioReader.read(scenario, r -> (r.hasTime() ? timed : untimed).add(r));
    // Event time first; file order breaks ties, so duplicates and per-entity order stay as recorded.
    timed.sort(Comparator.comparingLong(ScenarioRecord::timestamp).thenComparingLong(ScenarioRecord::lineNumber));
    if (timed.isEmpty()) {
      throw new IllegalArgumentException("scenario " + scenario + " has no timed records: nothing to replay");
    }
    firstTime = timed.get(0).timestamp();
    lastTime = timed.get(timed.size() - 1).timestamp();
  }

  /** Opens the producer ("the probes") on a cluster; values are registered in {@code registry}. */
  void connect(String bootstrap, SchemaRegistry registry) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "faultline-demo-probes");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // Short linger: a live record should leave within milliseconds of its moment.
    p.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    // A broker starved of CPU (a loaded CI machine) may not answer for minutes: keep retrying rather
    // than abandon the demo after the default two.
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    this.registry = registry;
  }

  /** Event time of the earliest timed record. */
  long firstTime() {
    return firstTime;
  }

  /** Event time of the latest timed record. */
  long lastTime() {
    return lastTime;
  }

  /** Number of records in the file. */
  int size() {
    return untimed.size() + timed.size();
  }

  /**
   * Sends the untimed topology (stamped with the earliest event time, as {@code ScenarioPublisher}
   * does) and every record before {@code liveFrom}, and waits until all are acknowledged.
   *
   * @return records sent
   */
  long publishHistory(long liveFrom) {
    for (ScenarioRecord r : untimed) {
      send(r, firstTime);
    }
    while (next < timed.size() && timed.get(next).timestamp() < liveFrom) {
      ScenarioRecord r = timed.get(next++);
      send(r, r.timestamp());
    }
    producer.flush();
    throwIfFailed();
    return sent.get();
  }

  /** Paces the remaining records from {@code liveFrom} at {@code speed} times real time, in a thread. */
  void startLive(long liveFrom, double speed) {
    live = new Thread(() -> {
      long wall0 = System.nanoTime();
      try {
        while (next < timed.size() && !stopped) {
          ScenarioRecord r = timed.get(next);
          long due = wall0 + (long) ((r.timestamp() - liveFrom) * 1_000_000L / speed);
          long wait = due - System.nanoTime();
          if (wait > TimeUnit.MILLISECONDS.toNanos(1)) {
            TimeUnit.NANOSECONDS.sleep(wait);
            continue;
          }
          send(r, r.timestamp());
          clock = r.timestamp();
          next++;
        }
        producer.flush();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        failure.compareAndSet(null, e);
      } finally {
        finished = true;
      }
    }, "faultline-demo-probes");
    live.setDaemon(true);
    live.start();
  }

  /** Event time of the last record sent live (the scenario's clock), or MIN_VALUE before the first. */
  long clock() {
    return clock;
  }

  long sent() {
    return sent.get();
  }

  /** Records acknowledged per topic. */
  Map<String, Long> sentPerTopic() {
    return Map.copyOf(perTopic);
  }

  /** Whether the live phase has sent everything (or was stopped, or failed). */
  boolean finished() {
    return finished;
  }

  /** Whether every record of the file was sent. */
  boolean complete() {
    return finished && next >= timed.size() && failure.get() == null;
  }

  void throwIfFailed() {
    RuntimeException e = failure.get();
    if (e != null) {
      throw e;
    }
  }

  /** Stops pacing; what was sent stays sent. */
  void stop() {
    stopped = true;
    Thread t = live;
    if (t != null) {
      t.interrupt();
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void send(ScenarioRecord r, long timestamp) {
    String topic = r.topic().name();
    byte[] value = serde(r.topic()).serialize(topic, r.value());
    producer.send(new ProducerRecord<>(topic, null, timestamp, r.key(), value), (md, e) -> {
      if (e != null) {
        failure.compareAndSet(null, new IllegalStateException(
            "cannot publish line " + r.lineNumber() + " to " + topic + ": " + e.getMessage(), e));
      } else {
        sent.incrementAndGet();
        perTopic.merge(topic, 1L, Long::sum);
      }
    });
  }

  @SuppressWarnings("unchecked")
  private AvroSerde<SpecificRecord> serde(Topic<?> topic) {
    return serdes.computeIfAbsent(topic, t -> (AvroSerde<SpecificRecord>) (AvroSerde<?>) t.valueSerde(registry));
  }

  @Override
  public void close() {
    stop();
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }
}
