package io.faultline.processor.errors;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A record that cannot be deserialized goes to the dead-letter topic; the stream goes on. */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);
  private MeterRegistry meters;

  @Override
  public void configure(Map<String, ?> configs) {
    meters = DeadLetters.meterRegistry(configs);
  }

  @Override
  public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    LOG.warn("dead-lettering undeserializable record {}-{}@{}: {}", record.topic(), record.partition(),
        record.offset(), DeadLetters.reason(exception));
    DeadLetters.counter(meters, DeadLetters.STAGE_DESERIALIZATION, record.topic()).increment();
    return Response.resume(List.of(DeadLetters.record(DeadLetters.STAGE_DESERIALIZATION, record.topic(),
        record.partition(), record.offset(), record.key(), record.value(), exception)));
  }
}
