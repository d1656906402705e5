package io.faultline.processor.errors;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An output record the broker refuses for good (too large, invalid) or that cannot be serialized
 * goes to the dead-letter topic; transient broker errors are retried.
 */
public final class DeadLetterProductionHandler implements ProductionExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProductionHandler.class);
  private MeterRegistry meters;

  @Override
  public void configure(Map<String, ?> configs) {
    meters = DeadLetters.meterRegistry(configs);
  }

  @Override
  public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (exception instanceof RetriableException) {
      return Response.retry();
    }
    LOG.warn("dead-lettering output to {} that the broker refused: {}", record.topic(), DeadLetters.reason(exception));
    DeadLetters.counter(meters, DeadLetters.STAGE_PRODUCTION, record.topic()).increment();
    return Response.resume(List.of(DeadLetters.record(DeadLetters.STAGE_PRODUCTION + ":" + record.topic(),
        context.topic(), context.partition(), context.offset(), record.key(), record.value(), exception)));
  }

  @Override
  @SuppressWarnings("rawtypes")
  public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
      SerializationExceptionOrigin origin) {
    LOG.warn("dead-lettering the source of an output to {} that cannot be serialized ({}): {}", record.topic(),
        origin, DeadLetters.reason(exception));
    DeadLetters.counter(meters, DeadLetters.STAGE_PRODUCTION, context.topic()).increment();
    return Response.resume(List.of(DeadLetters.record(DeadLetters.STAGE_PRODUCTION + ":" + record.topic(),
        context.topic(), context.partition(), context.offset(), context.sourceRawKey(), context.sourceRawValue(),
        exception)));
  }
}
