package io.faultline.processor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes state restoration visible: a fresh or moved instance rebuilds its stores from the
 * changelogs before it processes anything, and at scale that takes long enough that operators
 * (and {@code bench scale}) must see it happen. Logs each store partition's start and end and
 * keeps Micrometer meters: {@value #RECORDS}{store} (records restored), {@value #ACTIVE} (store
 * partitions restoring now), {@value #COMPLETED} and {@value #DURATION}{store}.
 */
public final class RestoreProgress implements StateRestoreListener {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreProgress.class);

  public static final String RECORDS = "faultline.restore.records";
  public static final String ACTIVE = "faultline.restore.active";
  public static final String COMPLETED = "faultline.restore.completed";
  public static final String DURATION = "faultline.restore.duration";

  private final MeterRegistry registry;
  private final Map<TopicPartition, Long> startedAt = new ConcurrentHashMap<>();
  private final Counter completed;

  public RestoreProgress(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder(ACTIVE, startedAt, Map::size).strongReference(true)
        .description("State store partitions restoring from their changelog now").register(registry);
    this.completed = Counter.builder(COMPLETED)
        .description("State store partitions whose restoration finished").register(registry);
  }

  @Override
  public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
    startedAt.put(partition, System.nanoTime());
    LOG.info("restoring {} from {} (offsets {}..{})", store, partition, startingOffset, endingOffset);
  }

  @Override
  public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
    Counter.builder(RECORDS).description("Records restored into state stores from their changelogs")
        .tag("store", store).register(registry).increment(numRestored);
  }

  @Override
  public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
    end(partition, store, totalRestored, "restored");
  }

  @Override
  public void onRestoreSuspended(TopicPartition partition, String store, long totalRestored) {
    // The task moved away mid-restore: no longer restoring here, but not complete either.
    Long t0 = startedAt.remove(partition);
    LOG.info("restoring {} from {} suspended after {} records{}", store, partition, totalRestored,
        t0 == null ? "" : " in " + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms");
  }

  private void end(TopicPartition partition, String store, long totalRestored, String what) {
    Long t0 = startedAt.remove(partition);
    Duration took = t0 == null ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - t0);
    Timer.builder(DURATION).description("Time to restore a store partition from its changelog")
        .tag("store", store).register(registry).record(took);
    completed.increment();
    LOG.info("{} {} from {}: {} records in {} ms", what, store, partition, totalRestored, took.toMillis());
  }
}
