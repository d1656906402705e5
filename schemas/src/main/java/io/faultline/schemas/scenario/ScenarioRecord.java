package io.faultline.schemas.scenario;

import io.faultline.schemas.Topic;
import org.apache.avro.specific.SpecificRecord;

/**
 * One scenario line as the record a probe (or the topology CLI) would publish: the topic, the key,
 * the Avro value and the Kafka record timestamp (event time; for a topology line without `t`,
 * {@link #NO_TIME}, and the publisher picks one).
 */
public record ScenarioRecord(long lineNumber, Topic<?> topic, String key, SpecificRecord value, long timestamp) {
  public static final long NO_TIME = Long.MIN_VALUE;

  public boolean hasTime() {
    return timestamp != NO_TIME;
  }
}
