package io.faultline.processor.correlate;

import static io.faultline.processor.correlate.CorrelationHarness.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.common.EntityKind;
import io.faultline.internal.CorrelationInput;
import io.faultline.internal.CorrelationInputKind;
import io.faultline.processor.errors.DeadLetterDeserializationHandler;
import io.faultline.processor.errors.DeadLetterProcessingHandler;
import io.faultline.processor.errors.DeadLetterProductionHandler;
import io.faultline.processor.errors.DeadLetters;
import io.faultline.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterTest {
  private static final long S = 1000;
  @TempDir Path stateDir;

  private static String header(Headers headers, String name) {
    return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  @Test
  void shouldDeadLetterPoisonRecordsWithHeadersAndGoOnWhenInputIsCorruptOrInvalid() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Properties props = new Properties();
    props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
    props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProductionHandler.class);
    props.put(DeadLetters.METER_REGISTRY_CONFIG, meters);
    try (CorrelationHarness h = new CorrelationHarness(new CorrelationSettings(1, 1000, 0, 0, 60 * S, 300 * S, 5, 0.5),
        stateDir, props)) {
      var dlq = h.driver.createOutputTopic(Topics.DEAD_LETTER, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      h.entity("app:shop", EntityKind.APPLICATION);
      byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
      h.sendRaw(garbage, T0);
      // Valid Avro, invalid meaning: a SYMPTOM without its symptom fails in the correlator.
      h.send(CorrelationInput.newBuilder().setUpstreamPartition(0).setKind(CorrelationInputKind.SYMPTOM)
          .setTime(Instant.ofEpochMilli(T0)).build());
      h.raise(0, "app:shop", "app.ok", T0).watermark(0, T0 + 5 * S);

      List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
      assertEquals(2, dead.size());
      TestRecord<byte[], byte[]> first = dead.get(0);
      assertArrayEquals(garbage, first.value());
      assertEquals(CorrelationHarness.INPUT, header(first.headers(), Topics.DLQ_TOPIC));
      assertEquals("0", header(first.headers(), Topics.DLQ_PARTITION));
      assertEquals("0", header(first.headers(), Topics.DLQ_OFFSET));
      assertEquals(DeadLetters.STAGE_DESERIALIZATION, header(first.headers(), Topics.DLQ_STAGE));
      assertTrue(header(first.headers(), Topics.DLQ_REASON).contains("magic byte"),
          header(first.headers(), Topics.DLQ_REASON));

      TestRecord<byte[], byte[]> second = dead.get(1);
      // The correlator reads the single-partition repartition topic: that is where the record is.
      assertEquals("correlation-test-correlation-input-repartition", header(second.headers(), Topics.DLQ_TOPIC));
      assertEquals("0", header(second.headers(), Topics.DLQ_OFFSET));
      assertEquals("processing:" + CorrelationStage.CORRELATOR, header(second.headers(), Topics.DLQ_STAGE));
      assertTrue(header(second.headers(), Topics.DLQ_REASON).contains("SYMPTOM record without symptom"));

      assertEquals(1, h.drainIncidents().size(), "the good records after the poison ones still open the incident");
      assertEquals(2.0, meters.find(DeadLetters.COUNTER).counters().stream().mapToDouble(c -> c.count()).sum());
    }
  }

  @Test
  void shouldDeadLetterNothingAndRecoverWhenTheAnalysisFailsOnce() {
    ReachabilityAnalyzer real = new ReachabilityAnalyzer();
    boolean[] failed = {false};
    Analyzer failingOnce = (graph, active, monitored, now) -> {
      if (!failed[0]) {
        failed[0] = true;
        throw new IllegalStateException("analysis bug");
      }
      return real.analyze(graph, active, monitored, now);
    };
    Properties props = new Properties();
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
    try (CorrelationHarness h = new CorrelationHarness(new CorrelationSettings(1, 1000, 0, 0, 60 * S, 300 * S, 5, 0.5),
        stateDir, props, failingOnce)) {
      var dlq = h.driver.createOutputTopic(Topics.DEAD_LETTER, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      h.raise(0, "app:shop", "app.ok", T0).watermark(0, T0 + 5 * S);
      assertTrue(h.drainIncidents().isEmpty(), "the failed tick published nothing");
      h.raise(0, "app:shop", "app.latencyMs", T0 + 6 * S).watermark(0, T0 + 10 * S);
      assertEquals(1, h.drainIncidents().size(), "the next change evaluates again");
      assertTrue(dlq.readRecordsToList().isEmpty(), "an analysis failure is not the record's fault");
    }
  }
}
