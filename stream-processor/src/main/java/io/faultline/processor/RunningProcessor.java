package io.faultline.processor;

import io.faultline.processor.correlate.AnalysisWarmup;
import io.faultline.schemas.registry.SchemaRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A started processor: the Kafka Streams instance, its topology, settings and metrics. Close it to stop. */
public final class RunningProcessor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunningProcessor.class);

  private final KafkaStreams streams;
  private final Topology topology;
  private final ProcessorSettings settings;
  private final MeterRegistry meters;
  private final SchemaRegistry ownedRegistry;
  private final Duration closeTimeout;
  private final AutoCloseable http;
  private final AnalysisWarmup warmup;
  private volatile boolean closed;

  RunningProcessor(KafkaStreams streams, Topology topology, ProcessorSettings settings, MeterRegistry meters,
      SchemaRegistry ownedRegistry, Duration closeTimeout, AutoCloseable http, AnalysisWarmup warmup) {
    this.http = http;
    this.warmup = warmup;
    this.streams = streams;
    this.topology = topology;
    this.settings = settings;
    this.meters = meters;
    this.ownedRegistry = ownedRegistry;
    this.closeTimeout = closeTimeout;
  }

  public KafkaStreams streams() {
    return streams;
  }

  public Topology topology() {
    return topology;
  }

  public ProcessorSettings settings() {
    return settings;
  }

  public MeterRegistry meters() {
    return meters;
  }

  /** The analysis warm-up started with the processor (it may have ended, or never started). */
  public AnalysisWarmup warmup() {
    return warmup;
  }

  /** Whether the instance is RUNNING (or rebalancing towards it). */
  public boolean isRunning() {
    return streams.state().isRunningOrRebalancing();
  }

  /** Stops within the configured shutdown timeout; returns whether every thread stopped in time. */
  @Override
  public void close() {
    stop();
  }

  /** Stops within the configured {@code shutdown.timeout.ms}; returns whether every thread stopped in time. */
  public boolean stop() {
    return close(closeTimeout);
  }

  public synchronized boolean close(Duration timeout) {
    if (closed) {
      return true;
    }
    closed = true;
    warmup.close();
    boolean clean = streams.close(CloseOptions.timeout(timeout));
    if (!clean) {
      LOG.warn("the stream threads did not stop within {}", timeout);
    }
    if (http != null) {
      // After the streams: until then health reports the shutdown and peers get 503s, not refusals.
      try {
        http.close();
      } catch (Exception e) {
        LOG.warn("closing the HTTP API failed: {}", e.toString());
      }
    }
    if (ownedRegistry != null) {
      ownedRegistry.close();
    }
    return clean;
  }
}
