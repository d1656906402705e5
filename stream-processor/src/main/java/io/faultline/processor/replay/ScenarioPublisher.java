package io.faultline.processor.replay;

import io.faultline.schemas.Topic;
import io.faultline.schemas.registry.SchemaRegistry;
import io.faultline.schemas.scenario.ScenarioReader;
import io.faultline.schemas.scenario.ScenarioRecord;
import io.faultline.schemas.serde.AvroSerde;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes a scenario file to the real topics exactly as the probes would: Avro values in the
 * Confluent wire format (schemas registered on first use), the keys {@link ScenarioReader} gives,
 * and the record timestamp set to the event time, so stream time in the processor follows the
 * scenario rather than the wall clock.
 *
 * <p>Topology lines may have no {@code t}. They get the scenario's earliest time: they then sit at
 * the very start of the scenario's event time (before every sample that depends on them) and
 * inside any retention window, which 0 or the wall clock would not. A file with no time at all
 * uses the wall clock.
 *
 * <p>The whole file is parsed before anything is sent, so a bad line fails the publish with its
 * line number and nothing half-published. One idempotent producer ({@code acks=all}) sends in file
 * order, which keeps file order within every partition, retries included.
 */
public final class ScenarioPublisher implements AutoCloseable {

  private final KafkaProducer<String, byte[]> producer;
  private final SchemaRegistry registry;
  private final Map<Topic<?>, AvroSerde<SpecificRecord>> serdes = new HashMap<>();

  /** A publisher with default client settings. */
  public ScenarioPublisher(String bootstrapServers, SchemaRegistry registry) {
    this(bootstrapServers, registry, Map.of());
  }

  /**
   * @param bootstrapServers the Kafka cluster
   * @param registry where value schemas are registered; closed by the caller
   * @param extraProducerConfig security or tuning settings, may be empty
   */
  public ScenarioPublisher(String bootstrapServers, SchemaRegistry registry, Map<String, ?> extraProducerConfig) {
    Properties p = new Properties();
    p.putAll(extraProducerConfig);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "faultline-scenario-publisher");
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    this.registry = registry;
  }

  /**
   * Publishes every line of {@code scenario} and waits until all are acknowledged.
   *
   * @return records written per topic name, in the order topics first appear in the file
   * @throws io.faultline.schemas.scenario.ScenarioFormatException on a bad line (nothing is sent)
   */
  public Map<String, Long> publish(Path scenario) {
    long untimed = earliestTime(scenario).orElseGet(System::currentTimeMillis);

    Map<String, AtomicLong> acked = new LinkedHashMap<>();
    AtomicReference<Exception> failure = new AtomicReference<>();
    ScenarioReader.read(scenario, r -> {
      if (failure.get() != null) {
        return;
      }
      String topic = r.topic().name();
      AtomicLong count = acked.computeIfAbsent(topic, t -> new AtomicLong());
      byte[] value = serde(r.topic()).serialize(topic, r.value());
      long timestamp = r.hasTime() ? r.timestamp() : untimed;
      producer.send(new ProducerRecord<>(topic, null, timestamp, r.key(), value), (md, e) -> {
        if (e != null) {
          failure.compareAndSet(null, new RuntimeException(
              "cannot publish line " + r.lineNumber() + " of " + scenario + " to " + topic + ": " + e.getMessage(), e));
        } else {
          count.incrementAndGet();
        }
      });
    });
    producer.flush();
    if (failure.get() != null) {
      throw (RuntimeException) failure.get();
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    acked.forEach((t, n) -> counts.put(t, n.get()));
    return counts;
  }

  /**
   * The earliest event time of {@code scenario}'s lines, empty if none has a time.
   *
   * @throws io.faultline.schemas.scenario.ScenarioFormatException on a bad line
   */
  public static OptionalLong earliestTime(Path scenario) {
    long[] earliest = {Long.MAX_VALUE};
    ScenarioReader.read(scenario, r -> {
      if (r.hasTime()) {
        earliest[0] = Math.min(earliest[0], r.timestamp());
      }
    });
    return earliest[0] == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(earliest[0]);
  }

  @SuppressWarnings("unchecked")
  private AvroSerde<SpecificRecord> serde(Topic<?> topic) {
    return serdes.computeIfAbsent(topic, t -> (AvroSerde<SpecificRecord>) (AvroSerde<?>) t.valueSerde(registry));
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(30));
  }
}
