package io.faultline.schemas;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How telemetry is produced: the probe agent's producer settings, in one place because the
 * throughput and latency benchmarks measure the broker's raw produce rate with exactly these.
 */
public final class ProbeProducerSettings {

  private ProbeProducerSettings() {}

  /** The settings for client {@code clientId}; {@code overrides} (the {@code kafka.*} config) win over the defaults. */
  public static Map<String, Object> config(String clientId, Map<String, ?> overrides) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // Short: every ms a sample waits here is a ms of detection latency and of the processor's reorder
    // grace (detect.grace.ms must cover it). A probe round's /proc samples complete within
    // milliseconds, so they still share a batch; an agent sends a few requests per round either way.
    p.put(ProducerConfig.LINGER_MS_CONFIG, 50);
    // The agent's spool is the buffer: the producer keeps a little in memory and never gives up on it.
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 4L * 1024 * 1024);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5_000);
    // no client telemetry push (KIP-714): the agent's own footprint matters more than broker-side client metrics
    p.put(ProducerConfig.ENABLE_METRICS_PUSH_CONFIG, false);
    p.putAll(overrides);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }
}
