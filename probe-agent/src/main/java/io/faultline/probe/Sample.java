package io.faultline.probe;

import io.faultline.common.EntityKind;
import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import io.faultline.schemas.scenario.ScenarioReader;
import io.faultline.topology.Dependency;
import io.faultline.topology.Entity;
import io.faultline.topology.TopologyEvent;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * One record the agent publishes: the topic from {@link Topics}, the key (entity id, or
 * {@code FROM -> TO} for a dependency), the value and its event time (also the Kafka timestamp).
 */
public record Sample(Topic<?> topic, String key, SpecificRecord value, long timestamp) {

  public Sample {
    if (!topic.valueType().isInstance(value)) {
      throw new IllegalArgumentException(value.getClass().getSimpleName() + " does not belong on " + topic.name());
    }
  }

  /** A telemetry sample keyed by the entity it measured. */
  public static Sample telemetry(Topic<?> topic, String entity, SpecificRecord value, Instant time) {
    return new Sample(topic, entity, value, time.toEpochMilli());
  }

  /** An entity the agent knows for sure (a host, one of its disks or NICs). */
  public static Sample entity(String id, EntityKind kind, Map<String, String> labels, String source, Instant time) {
    TopologyEvent event = TopologyEvent.newBuilder()
        .setEventTime(time)
        .setEntity(Entity.newBuilder().setId(id).setKind(kind).setLabels(Map.copyOf(labels)).build())
        .setRemoved(false)
        .setSource(source)
        .build();
    return new Sample(Topics.TOPOLOGY, id, event, time.toEpochMilli());
  }

  /** A dependency edge {@code from} needs {@code to}. */
  public static Sample dependency(String from, String to, boolean removed, String source, Instant time) {
    TopologyEvent event = TopologyEvent.newBuilder()
        .setEventTime(time)
        .setDependency(new Dependency(from, to))
        .setRemoved(removed)
        .setSource(source)
        .build();
    return new Sample(Topics.TOPOLOGY, ScenarioReader.edgeKey(from, to), event, time.toEpochMilli());
  }
}
