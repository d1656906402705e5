package io.faultline.processor.api;

import io.faultline.correlation.Incident;
import io.faultline.schemas.Topics;
import io.faultline.schemas.registry.SchemaRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails the incidents topic from its end and hands every change to the broadcaster. Every
 * instance runs its own feed over all partitions (assigned, no consumer group), so any instance
 * can serve the SSE stream; the incidents' current state comes from the stores, the feed only
 * carries what changes after a client connected.
 */
public final class IncidentFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IncidentFeed.class);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Deserializer<Incident> values;
  private final IncidentBroadcaster broadcaster;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean assigned;

  /** {@code clientConfig}: bootstrap servers and security settings (as for the processor's clients). */
  public IncidentFeed(Map<String, Object> clientConfig, SchemaRegistry registry, IncidentBroadcaster broadcaster) {
    Map<String, Object> props = new HashMap<>(clientConfig);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "faultline-incident-feed");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.values = Topics.INCIDENTS.valueSerde(registry).deserializer();
    this.broadcaster = broadcaster;
    this.thread = new Thread(this::run, "faultline-incident-feed");
    this.thread.setDaemon(true);
  }

  public synchronized IncidentFeed start() {
    thread.start();
    return this;
  }

  /** True once the feed reads the topic (changes published from then on reach the clients). */
  public boolean assigned() {
    return assigned;
  }

  private void run() {
    try {
      while (running && !assign()) {
        Thread.sleep(1_000);
      }
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.value() == null) {
            continue;
          }
          try {
            broadcaster.publish(Views.Incident.of(values.deserialize(r.topic(), r.value())));
          } catch (RuntimeException e) {
            // The stream is a view; the pipeline itself dead-letters bad records, here we only skip them.
            LOG.warn("incident feed: skipping unreadable record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                e.getMessage());
          }
        }
      }
    } catch (WakeupException e) {
      if (running) {
        LOG.error("incident feed woken up unexpectedly", e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("incident feed stopped: {}", e.toString(), e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private boolean assign() {
    List<PartitionInfo> parts = consumer.partitionsFor(Topics.INCIDENTS.name(), Duration.ofSeconds(5));
    if (parts == null || parts.isEmpty()) {
      return false;
    }
    List<TopicPartition> tps = parts.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(tps);
    consumer.seekToEnd(tps);
    // Resolve the end offsets now, so "assigned" means changes from here on are delivered.
    tps.forEach(consumer::position);
    assigned = true;
    return true;
  }

  @Override
  public synchronized void close() {
    running = false;
    if (!thread.isAlive()) {
      if (thread.getState() == Thread.State.NEW) {
        consumer.close(Duration.ZERO);
      }
      return;
    }
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
