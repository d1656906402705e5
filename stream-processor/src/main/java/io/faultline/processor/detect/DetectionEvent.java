package io.faultline.processor.detect;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;

/** What the reorder buffer hands on: samples in event-time order, progress, and dead letters. */
sealed interface DetectionEvent {

  /** A telemetry sample, released in event-time order. */
  record Sample(Telemetry telemetry) implements DetectionEvent {}

  /** Every sample with event time at or before {@code time} has been released. */
  record Watermark(long time) implements DetectionEvent {}

  /** The task has had no input for the idle period; {@code time} is its released watermark (0 if none). */
  record Idle(long time) implements DetectionEvent {}

  /** A record that cannot be processed, with its original bytes and the dead-letter headers. */
  record DeadLetter(byte[] key, byte[] value, Headers headers) implements DetectionEvent {}
}
