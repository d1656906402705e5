package io.faultline.schemas;

import io.faultline.correlation.Incident;
import io.faultline.correlation.RootCauseCandidate;
import io.faultline.correlation.Symptom;
import io.faultline.telemetry.AppCheckSample;
import io.faultline.telemetry.DiskSample;
import io.faultline.telemetry.DnsSample;
import io.faultline.telemetry.MemorySample;
import io.faultline.telemetry.NetworkSample;
import io.faultline.telemetry.PoolMemberSample;
import io.faultline.telemetry.ServiceStatusSample;
import io.faultline.topology.TopologyEvent;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The one place that names every topic of the pipeline, with its key and value types,
 * partitions and cleanup policy. Producers, the stream processor, the CLIs and the deployment
 * files all take names from here.
 *
 * <p>All telemetry topics have the same partition count and are keyed by entity id, so they are
 * co-partitioned: one stream task sees every signal of the entities in its partition.
 */
public final class Topics {

  /** Partitions of every telemetry topic; also the parallelism of symptom detection. */
  public static final int TELEMETRY_PARTITIONS = 6;

  public static final Topic<DiskSample> DISK = new Topic<>(
      "faultline.telemetry.disk", DiskSample.class, TELEMETRY_PARTITIONS, false,
      "Disk, datastore and disk-array samples, keyed by entity id");
  public static final Topic<MemorySample> MEMORY = new Topic<>(
      "faultline.telemetry.memory", MemorySample.class, TELEMETRY_PARTITIONS, false,
      "Host and VM memory paging samples, keyed by entity id");
  public static final Topic<NetworkSample> NETWORK = new Topic<>(
      "faultline.telemetry.network", NetworkSample.class, TELEMETRY_PARTITIONS, false,
      "Network interface samples, keyed by NIC id");
  public static final Topic<DnsSample> DNS = new Topic<>(
      "faultline.telemetry.dns", DnsSample.class, TELEMETRY_PARTITIONS, false,
      "DNS resolutions of one name through one resolver, keyed by dns-name id");
  public static final Topic<AppCheckSample> APP = new Topic<>(
      "faultline.telemetry.app", AppCheckSample.class, TELEMETRY_PARTITIONS, false,
      "Synthetic checks and transactions, keyed by application or service id");
  public static final Topic<PoolMemberSample> POOL = new Topic<>(
      "faultline.telemetry.pool", PoolMemberSample.class, TELEMETRY_PARTITIONS, false,
      "Pool member states, keyed by pool id");
  public static final Topic<ServiceStatusSample> SERVICE = new Topic<>(
      "faultline.telemetry.service", ServiceStatusSample.class, TELEMETRY_PARTITIONS, false,
      "Critical service states, keyed by service id");

  public static final Topic<TopologyEvent> TOPOLOGY = new Topic<>(
      "faultline.topology", TopologyEvent.class, 1, true,
      "Entities and dependencies (compacted); key is the entity id or `FROM -> TO`");
  public static final Topic<Symptom> SYMPTOMS = new Topic<>(
      "faultline.symptoms", Symptom.class, TELEMETRY_PARTITIONS, false,
      "Symptoms raised and cleared, keyed by entity id");
  public static final Topic<RootCauseCandidate> CANDIDATES = new Topic<>(
      "faultline.candidates", RootCauseCandidate.class, 3, false,
      "Ranked root-cause candidates with evidence, keyed by incident id");
  public static final Topic<Incident> INCIDENTS = new Topic<>(
      "faultline.incidents", Incident.class, 3, true,
      "Full current state of each incident (compacted), keyed by incident id");

  /** Raw bytes of records that could not be processed; the reason is in the headers. */
  public static final String DEAD_LETTER = "faultline.dead-letter";
  public static final int DEAD_LETTER_PARTITIONS = 1;
  public static final Map<String, String> DEAD_LETTER_CONFIGS =
      Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(14L * 24 * 3600 * 1000));

  /** Dead-letter headers: why, and where the record came from. */
  public static final String DLQ_REASON = "faultline.dlq.reason";
  public static final String DLQ_EXCEPTION = "faultline.dlq.exception";
  public static final String DLQ_TOPIC = "faultline.dlq.topic";
  public static final String DLQ_PARTITION = "faultline.dlq.partition";
  public static final String DLQ_OFFSET = "faultline.dlq.offset";
  public static final String DLQ_STAGE = "faultline.dlq.stage";

  public static final List<Topic<?>> TELEMETRY = List.of(DISK, MEMORY, NETWORK, DNS, APP, POOL, SERVICE);

  public static final List<Topic<?>> ALL = List.of(
      DISK, MEMORY, NETWORK, DNS, APP, POOL, SERVICE, TOPOLOGY, SYMPTOMS, CANDIDATES, INCIDENTS);

  private Topics() {}

  /** Telemetry topics are named after the scenario line type they carry: {@code faultline.telemetry.TYPE}. */
  private static final String TELEMETRY_PREFIX = "faultline.telemetry.";

  /** The topic a telemetry line of the given scenario {@code type} goes to. */
  public static Topic<?> telemetryTopicForType(String scenarioType) {
    return TELEMETRY.stream().filter(t -> t.name().equals(TELEMETRY_PREFIX + scenarioType)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown telemetry type '" + scenarioType + "'"));
  }

  /** The scenario line type ({@code disk}, {@code dns} ...) a telemetry topic carries. */
  public static String telemetryType(Topic<?> topic) {
    if (!TELEMETRY.contains(topic)) {
      throw new IllegalArgumentException(topic.name() + " is no telemetry topic");
    }
    return topic.name().substring(TELEMETRY_PREFIX.length());
  }

  /** The scenario line type of a telemetry sample, by its record class (looked up once per class: it is per sample). */
  public static String telemetryTypeOf(Object sample) {
    return TELEMETRY_TYPES.get(sample.getClass());
  }

  private static final ClassValue<String> TELEMETRY_TYPES = new ClassValue<>() {
    @Override
    protected String computeValue(Class<?> type) {
      return TELEMETRY.stream().filter(t -> t.valueType().isAssignableFrom(type)).findFirst()
          .map(Topics::telemetryType)
          .orElseThrow(() -> new IllegalArgumentException(type.getName() + " is no telemetry sample"));
    }
  };
}
