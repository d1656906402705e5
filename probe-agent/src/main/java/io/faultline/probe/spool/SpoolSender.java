package io.faultline.probe.spool;

import io.faultline.probe.Sample;
import io.faultline.schemas.ProbeProducerSettings;
import io.faultline.schemas.registry.SchemaRegistry;
import io.faultline.schemas.serde.AvroSerde;
import io.faultline.schemas.serde.WireFormatException;
import java.io.Closeable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the spool to Kafka in order. One thread reads from the first unacknowledged offset,
 * serializes each record to the Confluent wire format (the registry is asked here, so a registry
 * outage only delays sending) and hands it to an idempotent {@code acks=all} producer; the spool
 * commits an offset only once it and everything before it were acknowledged.
 *
 * <p>Ordering and duplicates: the producer retries by itself without a delivery deadline, so
 * within one run every record is written once and in order (idempotence keeps broker-side
 * retries from duplicating). If a send fails before reaching the producer's buffer (broker
 * unreachable while fetching metadata), sending stops until every earlier record is settled,
 * then resumes from the first unacknowledged offset, skipping the ones acknowledged meanwhile, so
 * no later record of an entity overtakes an earlier one. Across a restart (or crash), records
 * still in the spool may already be in Kafka; each record carries {@link #HEADER_PROBE} and
 * {@link #HEADER_OFFSET}, and the new run reads those back before sending (see
 * {@link #reconcile()}), so nothing is sent twice.
 *
 * <p>A record that can never be delivered (undecodable, too large) is logged, counted in
 * {@link #skipped()} and passed over, so it cannot block the spool.
 */
public final class SpoolSender implements Closeable {

  public static final String HEADER_PROBE = "faultline.probe";
  public static final String HEADER_OFFSET = "faultline.probe.offset";

  private static final Logger LOG = LoggerFactory.getLogger(SpoolSender.class);
  private static final int BATCH = 200;
  private static final long MAX_IN_FLIGHT = 2_000;
  private static final long MAX_BACKOFF_MS = 30_000;

  private final Spool spool;
  private final Supplier<Producer<byte[], byte[]>> producers;
  private final Supplier<Consumer<byte[], byte[]>> consumers;
  private final SchemaRegistry registry;
  private final String probeId;
  private final Map<String, AvroSerde<?>> serdes = new HashMap<>();
  private final ConcurrentSkipListSet<Long> acked = new ConcurrentSkipListSet<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;
  private Producer<byte[], byte[]> producer;
  private long backoffMs;

  public SpoolSender(Spool spool, Supplier<Producer<byte[], byte[]>> producers,
                     Supplier<Consumer<byte[], byte[]>> consumers, SchemaRegistry registry, String probeId) {
    this.spool = spool;
    this.producers = producers;
    this.consumers = consumers;
    this.registry = registry;
    this.probeId = probeId;
    this.thread = new Thread(this::loop, "faultline-spool-sender");
  }

  /** Producer settings of the agent; {@code overrides} are the {@code kafka.*} settings of the config. */
  public static Map<String, Object> producerConfig(String probeId, Map<String, String> overrides) {
    return ProbeProducerSettings.config(probeId, overrides);
  }

  public static Supplier<Producer<byte[], byte[]>> kafkaProducers(Map<String, Object> config) {
    return () -> new KafkaProducer<>(config);
  }

  /** Consumers for the restart check; {@code overrides} are the {@code kafka.*} settings (security ...). */
  public static Supplier<Consumer<byte[], byte[]>> kafkaConsumers(String probeId, Map<String, String> overrides) {
    Map<String, Object> c = new HashMap<>(overrides);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, probeId + "-restart-check");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return () -> new KafkaConsumer<>(c);
  }

  /** Both clients from the agent's {@code kafka.*} settings. */
  public static SpoolSender forKafka(Spool spool, SchemaRegistry registry, String probeId, Map<String, String> kafka) {
    return new SpoolSender(spool, kafkaProducers(producerConfig(probeId, kafka)), kafkaConsumers(probeId, kafka),
        registry, probeId);
  }

  public void start() {
    thread.start();
  }

  /** Records acknowledged by Kafka in this run. */
  public long delivered() {
    return delivered.get();
  }

  /** Records passed over because they can never be delivered. */
  public long skipped() {
    return skipped.get();
  }

  private void loop() {
    long next = spool.committed();
    boolean reconciled = spool.pending() == 0;
    while (running) {
      try {
        if (!reconciled) {
          reconciled = reconcile();
          if (!reconciled) {
            backoff();
            continue;
          }
        }
        advanceCommit();
        // never behind the commit: records found by the restart check or dropped on overflow are done
        next = Math.max(next, spool.committed());
        if (producer == null) {
          producer = producers.get();
        }
        Exception failed = failure.get();
        if (failed != null) {
          if (inFlight.get() > 0) {
            Thread.sleep(50); // let every earlier record settle before rewinding
            continue;
          }
          advanceCommit();
          next = spool.committed();
          failure.set(null);
          if (!(failed instanceof RetriableException)) {
            LOG.warn("Kafka refused a record ({}); reconnecting with a new producer", failed.toString());
            producer.close(Duration.ZERO);
            producer = null;
          } else {
            LOG.warn("Kafka unreachable ({}); {} records spooled, resending from offset {}",
                failed.getMessage(), spool.pending(), next);
          }
          backoff();
          continue;
        }
        if (next - spool.committed() >= MAX_IN_FLIGHT) {
          Thread.sleep(50);
          continue;
        }
        List<Spool.Entry> batch = spool.read(next, BATCH);
        if (batch.isEmpty()) {
          spool.awaitAppend(next, 500);
          continue;
        }
        for (Spool.Entry e : batch) {
          if (!running || failure.get() != null) {
            break;
          }
          if (!acked.contains(e.offset())) {
            byte[] wire = wire(e);
            if (wire == null && !acked.contains(e.offset())) {
              break; // registry not answering: retry this record after the backoff
            }
            if (wire != null) {
              send(e, wire);
            }
          }
          next = e.offset() + 1;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.error("spool sender: {}", e.toString(), e);
        try {
          backoff();
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  /**
   * After a restart, the records left in the spool are in doubt: an earlier run may have had
   * them written just before it stopped, without seeing the acknowledgement (a broker that went
   * away mid-request, a crash between ack and commit). Before sending anything, the tail of the
   * topics they go to is read from the oldest such record's timestamp on, and every record this
   * probe wrote there (by its {@link #HEADER_PROBE} and {@link #HEADER_OFFSET} headers) counts
   * as delivered. That is what makes a restart resend nothing twice. Returns false while Kafka
   * cannot be read; sending waits, which costs nothing as it could not send either.
   */
  private boolean reconcile() {
    long from = spool.committed();
    long to = spool.endOffset();
    Map<String, Long> oldest = new HashMap<>();
    for (long o = from; o < to; ) {
      List<Spool.Entry> batch = spool.read(o, 500);
      if (batch.isEmpty()) {
        break;
      }
      for (Spool.Entry e : batch) {
        if (e.offset() < to) {
          oldest.merge(e.topic(), e.timestamp(), Math::min);
        }
      }
      o = batch.get(batch.size() - 1).offset() + 1;
    }
    byte[] me = probeId.getBytes(StandardCharsets.UTF_8);
    int found = 0;
    try (Consumer<byte[], byte[]> consumer = consumers.get()) {
      Map<TopicPartition, Long> query = new HashMap<>();
      for (Map.Entry<String, Long> t : oldest.entrySet()) {
        for (PartitionInfo p : consumer.partitionsFor(t.getKey(), Duration.ofSeconds(10))) {
          query.put(new TopicPartition(p.topic(), p.partition()), t.getValue());
        }
      }
      consumer.assign(query.keySet()); // before the offset look-ups, so their answers are for assigned partitions
      Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(query, Duration.ofSeconds(10));
      Map<TopicPartition, Long> end = consumer.endOffsets(query.keySet(), Duration.ofSeconds(10));
      List<TopicPartition> toRead = new ArrayList<>();
      for (TopicPartition p : query.keySet()) {
        OffsetAndTimestamp s = start.get(p);
        if (s != null && s.offset() < end.get(p)) {
          consumer.seek(p, s.offset());
          toRead.add(p);
        } else {
          consumer.seek(p, end.get(p)); // nothing of ours can be there: nothing to fetch
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!toRead.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new org.apache.kafka.common.errors.TimeoutException("reading the spooled records' topics back took over 60 s");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          Header probe = r.headers().lastHeader(HEADER_PROBE);
          Header offset = r.headers().lastHeader(HEADER_OFFSET);
          if (probe != null && offset != null && offset.value().length == 8 && Arrays.equals(probe.value(), me)) {
            long o = ByteBuffer.wrap(offset.value()).getLong();
            if (o >= from && o < to && acked.add(o)) {
              found++;
            }
          }
        }
        toRead.removeIf(p -> consumer.position(p, Duration.ofSeconds(10)) >= end.get(p));
      }
    } catch (RuntimeException e) {
      LOG.warn("cannot check Kafka for the {} spooled records of an earlier run yet ({}); retrying", to - from, e.toString());
      return false;
    }
    LOG.info("restart check: {} of the {} spooled records were already in Kafka and will not be sent again", found, to - from);
    return true;
  }

  /** The Confluent wire-format value, or null (registry down: the record is retried; poison: skipped). */
  private byte[] wire(Spool.Entry e) throws InterruptedException {
    Sample s;
    try {
      s = SpoolCodec.decode(e);
    } catch (Exception ex) {
      skip(e.offset(), "cannot decode spooled record: " + ex);
      return null;
    }
    try {
      byte[] out = serialize(s.topic().name(), s.value());
      backoffMs = 0;
      return out;
    } catch (WireFormatException ex) {
      skip(e.offset(), ex.getMessage());
      return null;
    } catch (RuntimeException ex) {
      LOG.warn("schema registry not answering ({}); {} records spooled, retrying", ex.getMessage(), spool.pending());
      backoff();
      return null;
    }
  }

  @SuppressWarnings("unchecked")
  private byte[] serialize(String topic, SpecificRecord value) {
    AvroSerde<SpecificRecord> serde = (AvroSerde<SpecificRecord>) serdes.computeIfAbsent(topic,
        t -> SpoolCodec.topic(t).valueSerde(registry));
    return serde.serialize(topic, value);
  }

  private void send(Spool.Entry e, byte[] wire) {
    long offset = e.offset();
    RecordHeaders headers = new RecordHeaders();
    headers.add(new RecordHeader(HEADER_PROBE, probeId.getBytes(StandardCharsets.UTF_8)));
    headers.add(new RecordHeader(HEADER_OFFSET, ByteBuffer.allocate(8).putLong(offset).array()));
    inFlight.incrementAndGet();
    try {
      producer.send(new ProducerRecord<>(e.topic(), null, e.timestamp(), e.key(), wire, headers), (md, ex) -> {
        try {
          if (ex == null) {
            acked.add(offset);
            delivered.incrementAndGet();
            backoffMs = 0;
          } else if (ex instanceof RecordTooLargeException || ex instanceof SerializationException
              || ex instanceof InvalidTopicException) {
            skip(offset, ex.toString());
          } else {
            failure.compareAndSet(null, ex);
          }
        } finally {
          inFlight.decrementAndGet();
        }
      });
    } catch (RuntimeException ex) {
      // a producer that was closed under us, or an interrupt: settle as a failure and rewind
      inFlight.decrementAndGet();
      failure.compareAndSet(null, ex);
    }
  }

  private void skip(long offset, String reason) {
    skipped.incrementAndGet();
    LOG.error("spool offset {} can never be delivered and is skipped: {}", offset, reason);
    acked.add(offset);
  }

  private void advanceCommit() {
    long c = spool.committed();
    acked.headSet(c).clear();
    long n = c;
    while (acked.remove(n)) {
      n++;
    }
    if (n > c) {
      spool.commit(n);
    }
  }

  private void backoff() throws InterruptedException {
    backoffMs = backoffMs == 0 ? 500 : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    long until = System.currentTimeMillis() + backoffMs;
    while (running && System.currentTimeMillis() < until) {
      Thread.sleep(Math.min(100, until - System.currentTimeMillis() + 1));
    }
  }

  /**
   * Stops sending. Records already handed to the producer get {@code drainTimeout} to be
   * acknowledged; whatever is not stays in the spool for the next run.
   */
  public void close(Duration drainTimeout) {
    running = false;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (producer != null) {
      producer.close(drainTimeout);
    }
    advanceCommit();
    LOG.info("spool sender stopped: {} delivered this run, {} left in the spool, {} skipped, {} dropped on overflow",
        delivered.get(), spool.pending(), skipped.get(), spool.dropped());
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
