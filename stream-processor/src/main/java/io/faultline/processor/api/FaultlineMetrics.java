package io.faultline.processor.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/**
 * Faultline's own metrics, for the engine to call from its processors (all methods are
 * thread-safe and cheap: meters are created once per tag value and cached), plus Kafka Streams'
 * metrics and local store sizes bound to the same registry. Exposed in Prometheus format at
 * {@code /metrics}.
 *
 * <p>Tag values must come from small fixed sets (event kinds, signal names, incident states,
 * dead-letter reasons), never from entity or incident ids.
 */
public final class FaultlineMetrics implements AutoCloseable {

  public static final String EVENTS_IN = "faultline.events.in";
  public static final String SYMPTOMS = "faultline.symptoms";
  public static final String CANDIDATES = "faultline.candidates.emitted";
  public static final String INCIDENTS = "faultline.incidents.emitted";
  public static final String DETECTION_DELAY = "faultline.detection.delay";
  /** The engine's dead-letter handlers count here too ({@code DeadLetters}): one meter, two callers. */
  public static final String DEAD_LETTERS = io.faultline.processor.errors.DeadLetters.COUNTER;
  public static final String STORE_ENTRIES = "faultline.store.entries";
  public static final String STORE_READS = "faultline.api.store.reads";
  /** Entities and dependency edges in the correlator's in-memory graph: how far a topology is materialised. */
  public static final String TOPOLOGY_ENTITIES = "faultline.topology.entities";
  public static final String TOPOLOGY_DEPENDENCIES = "faultline.topology.dependencies";

  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Counter> eventsIn = new ConcurrentHashMap<>();
  private final Timer detectionDelay;
  private final List<AutoCloseable> bound = new ArrayList<>();

  /** Faultline's meters on an existing registry; {@link #scrape()} works when it is a Prometheus one. */
  public FaultlineMetrics(MeterRegistry registry) {
    this(registry, registry instanceof PrometheusMeterRegistry p ? p : null);
  }

  private FaultlineMetrics(MeterRegistry registry, PrometheusMeterRegistry prometheus) {
    this.registry = registry;
    this.prometheus = prometheus;
    this.detectionDelay = Timer.builder(DETECTION_DELAY)
        .description("Event time from a symptom's first abnormal sample to the symptom being raised")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(100))
        .maximumExpectedValue(Duration.ofMinutes(30))
        .register(registry);
  }

  /** Metrics scraped at {@code /metrics}, with the JVM's own meters. */
  public static FaultlineMetrics prometheus() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    FaultlineMetrics metrics = new FaultlineMetrics(registry, registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    metrics.bound.add(gc);
    return metrics;
  }

  /**
   * The app's metrics as a stream processor sees them: the registry {@code ProcessorApp} passes in
   * the streams config ({@link io.faultline.processor.errors.DeadLetters#METER_REGISTRY_CONFIG}),
   * or Micrometer's global registry when run without one (topology tests).
   */
  public static FaultlineMetrics of(java.util.Map<String, ?> appConfigs) {
    return new FaultlineMetrics(io.faultline.processor.errors.DeadLetters.meterRegistry(appConfigs));
  }

  /** Metrics kept in memory only (tools and tests that have no scrape endpoint). */
  public static FaultlineMetrics inMemory() {
    return new FaultlineMetrics(new SimpleMeterRegistry(), null);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** One input record taken in; {@code kind} is the telemetry type ({@code dns}, {@code app}, ...) or {@code topology}. */
  public void eventIn(String kind) {
    // Once per input record: looked up by the kind alone, without building the general key.
    Counter c = eventsIn.get(kind);
    if (c == null) {
      c = counter(EVENTS_IN, "kind", kind, "Input records taken in, by kind");
      eventsIn.put(kind, c);
    }
    c.increment();
  }

  public void symptomRaised(String signal) {
    symptom("raised", signal);
  }

  public void symptomCleared(String signal) {
    symptom("cleared", signal);
  }

  private void symptom(String transition, String signal) {
    String key = SYMPTOMS + '|' + transition + '|' + signal;
    counters.computeIfAbsent(key, k -> Counter.builder(SYMPTOMS)
        .description("Symptoms raised and cleared, by signal")
        .tag("transition", transition).tag("signal", signal)
        .register(registry)).increment();
  }

  /** Root-cause candidate records published. */
  public void candidatesEmitted(int count) {
    counter(CANDIDATES, null, null, "Root-cause candidate records published").increment(count);
  }

  /** One incident record published; {@code state} is OPENED, UPDATED or RESOLVED. */
  public void incidentEmitted(String state) {
    counter(INCIDENTS, "state", state, "Incident records published, by state").increment();
  }

  /** Event time between the first abnormal sample of a symptom and its being raised. */
  public void detectionDelay(Duration delay) {
    detectionDelay.record(delay.isNegative() ? Duration.ZERO : delay);
  }

  /**
   * A record sent to the dead-letter topic: {@code stage} is why (deserialization, processing,
   * production, or a stage's own rejection), {@code topic} where it came from.
   */
  public void deadLetter(String stage, String topic) {
    String key = DEAD_LETTERS + '|' + stage + '|' + topic;
    counters.computeIfAbsent(key, k -> Counter.builder(DEAD_LETTERS)
        .description("Records sent to the dead-letter topic, by stage and source topic")
        .tag("stage", stage).tag("topic", topic == null ? "" : topic)
        .register(registry)).increment();
  }

  /** One partition of a store read for an API answer, here ({@code local}) or from its owner ({@code forwarded}). */
  public void storeRead(String store, boolean local) {
    String served = local ? "local" : "forwarded";
    counters.computeIfAbsent(STORE_READS + '|' + store + '|' + served, k -> Counter.builder(STORE_READS)
        .description("Store partitions read for API answers, served locally or forwarded to the owner")
        .tag("store", store).tag("served", served)
        .register(registry)).increment();
  }

  private Counter counter(String name, String tag, String value, String description) {
    String key = tag == null ? name : name + '|' + value;
    return counters.computeIfAbsent(key, k -> {
      Counter.Builder b = Counter.builder(name).description(description);
      if (tag != null) {
        b.tag(tag, value == null ? "unknown" : value);
      }
      return b.register(registry);
    });
  }

  /** Binds Kafka Streams' own client metrics (thread, task, store and client metrics of the instance). */
  public void bindStreams(KafkaStreams streams) {
    KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(registry);
    bound.add(streamsMetrics);
  }

  /** A gauge per store: approximate entries in this instance's active partitions of it (NaN while not queryable). */
  public void bindStores(KafkaStreams streams, Collection<String> storeNames) {
    for (String store : storeNames) {
      Gauge.builder(STORE_ENTRIES, streams, s -> storeEntries(s, store))
          .description("Approximate entries in this instance's active partitions of a state store")
          .tag("store", store)
          .register(registry);
    }
  }

  private static double storeEntries(KafkaStreams streams, String store) {
    if (streams.state() != KafkaStreams.State.RUNNING) {
      return Double.NaN;
    }
    try {
      return streams.store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore()))
          .approximateNumEntries();
    } catch (InvalidStateStoreException e) {
      return Double.NaN;
    }
  }

  /**
   * Gauges of the correlator's graph size. The returned handle removes them: a task closed on a
   * rebalance must not leave a gauge reading its dead graph, or the next task's registration would
   * be folded into it.
   */
  public AutoCloseable bindTopologyGraph(IntSupplier entities, IntSupplier dependencies) {
    Gauge e = Gauge.builder(TOPOLOGY_ENTITIES, entities, s -> s.getAsInt()).strongReference(true)
        .description("Entities in the correlator's dependency graph").register(registry);
    Gauge d = Gauge.builder(TOPOLOGY_DEPENDENCIES, dependencies, s -> s.getAsInt()).strongReference(true)
        .description("Dependency edges in the correlator's dependency graph").register(registry);
    return () -> {
      registry.remove(e);
      registry.remove(d);
    };
  }

  public boolean scrapable() {
    return prometheus != null;
  }

  /** Prometheus text exposition of every meter. */
  public String scrape() {
    if (prometheus == null) {
      throw new IllegalStateException("these metrics are not kept in a Prometheus registry");
    }
    return prometheus.scrape();
  }

  public long count(String name, String tag, String value) {
    Counter c = tag == null ? registry.find(name).counter() : registry.find(name).tag(tag, value).counter();
    return c == null ? 0 : (long) c.count();
  }

  public long detectionDelayCount() {
    return detectionDelay.count();
  }

  public double detectionDelayMaxMs() {
    return detectionDelay.max(TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    for (AutoCloseable c : bound) {
      try {
        c.close();
      } catch (Exception ignored) {
        // closing meters only releases listeners
      }
    }
    registry.close();
  }
}
