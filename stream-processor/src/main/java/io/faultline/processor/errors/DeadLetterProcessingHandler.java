package io.faultline.processor.errors;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record a processor fails on goes to the dead-letter topic as the raw bytes of the source
 * record that led to it; the stream goes on.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);
  private MeterRegistry meters;

  @Override
  public void configure(Map<String, ?> configs) {
    meters = DeadLetters.meterRegistry(configs);
  }

  @Override
  public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    LOG.warn("dead-lettering record {}-{}@{} that failed in processor {}: {}", context.topic(), context.partition(),
        context.offset(), context.processorNodeId(), DeadLetters.reason(exception), exception);
    DeadLetters.counter(meters, DeadLetters.STAGE_PROCESSING, context.topic()).increment();
    return Response.resume(List.of(DeadLetters.record(DeadLetters.STAGE_PROCESSING + ":" + context.processorNodeId(),
        context.topic(), context.partition(), context.offset(), context.sourceRawKey(), context.sourceRawValue(),
        exception)));
  }
}
