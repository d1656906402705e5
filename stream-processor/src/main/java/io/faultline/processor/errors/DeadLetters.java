package io.faultline.processor.errors;

import io.faultline.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds dead-letter records: the raw bytes of the record that could not be handled, on
 * {@link Topics#DEAD_LETTER}, with why and where it came from in the {@code Topics.DLQ_*} headers,
 * and counts them. Every exception handler of the processor and any processor that routes a bad
 * record itself goes through here, so all dead letters look the same.
 */
public final class DeadLetters {

  /** Streams config key under which the app passes its {@link MeterRegistry} to the handlers. */
  public static final String METER_REGISTRY_CONFIG = "faultline.metrics.registry";
  public static final String COUNTER = "faultline.dead.letter.records";

  public static final String STAGE_DESERIALIZATION = "deserialization";
  public static final String STAGE_PROCESSING = "processing";
  public static final String STAGE_PRODUCTION = "production";

  private static final int MAX_REASON = 1000;

  private DeadLetters() {}

  /**
   * A dead letter for {@code value} read from {@code topic}/{@code partition}/{@code offset}
   * (topic null and partition/offset -1 when unknown, e.g. a punctuation).
   */
  public static ProducerRecord<byte[], byte[]> record(String stage, String topic, int partition, long offset,
      byte[] key, byte[] value, Exception exception) {
    Headers headers = new RecordHeaders();
    headers.add(Topics.DLQ_REASON, utf8(reason(exception)));
    headers.add(Topics.DLQ_EXCEPTION, utf8(exception == null ? "" : exception.getClass().getName()));
    headers.add(Topics.DLQ_TOPIC, utf8(topic == null ? "" : topic));
    headers.add(Topics.DLQ_PARTITION, utf8(Integer.toString(partition)));
    headers.add(Topics.DLQ_OFFSET, utf8(Long.toString(offset)));
    headers.add(Topics.DLQ_STAGE, utf8(stage));
    return new ProducerRecord<>(Topics.DEAD_LETTER, null, null, key, value, headers);
  }

  /** The exception's message chain, bounded, for the reason header. */
  static String reason(Throwable e) {
    if (e == null) {
      return "unknown";
    }
    StringBuilder s = new StringBuilder();
    for (Throwable t = e; t != null && s.length() < MAX_REASON; t = t.getCause() == t ? null : t.getCause()) {
      if (!s.isEmpty()) {
        s.append(": caused by ");
      }
      s.append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
    }
    return s.length() > MAX_REASON ? s.substring(0, MAX_REASON) : s.toString();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The registry the app passed in the streams config, or Micrometer's global one. */
  public static MeterRegistry meterRegistry(Map<String, ?> configs) {
    Object r = configs == null ? null : configs.get(METER_REGISTRY_CONFIG);
    return r instanceof MeterRegistry m ? m : Metrics.globalRegistry;
  }

  static Counter counter(MeterRegistry registry, String stage, String topic) {
    return Counter.builder(COUNTER)
        .description("Records sent to the dead-letter topic")
        .tag("stage", stage)
        .tag("topic", topic == null ? "" : topic)
        .register(registry);
  }
}
