package io.faultline.processor;

import io.faultline.internal.CorrelationInput;
import io.faultline.processor.analysis.RootCauseAnalyzer;
import io.faultline.processor.correlate.CorrelationStage;
import io.faultline.processor.detect.DetectionStage;
import io.faultline.schemas.registry.SchemaRegistry;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;

/**
 * The whole engine as one Kafka Streams topology:
 *
 * <pre>
 * telemetry topics --(stage A, one task per partition: reorder, detect)--> CorrelationInput
 *   --(re-key, repartition "correlation-input" to 1 partition)--+
 * faultline.topology --(as CorrelationInput TOPOLOGY)-----------+--> correlator --> faultline.incidents
 *                                                                               --> faultline.candidates
 * </pre>
 */
public final class FaultlineTopology {
  private FaultlineTopology() {}

  public static Topology buildTopology(ProcessorSettings settings, SchemaRegistry registry) {
    StreamsBuilder builder = new StreamsBuilder();
    KStream<String, CorrelationInput> detected = DetectionStage.build(builder, settings.detection(), registry);
    RootCauseAnalyzer analyzer = new RootCauseAnalyzer(settings.analysis());
    CorrelationStage.build(builder, detected, settings.correlation(), registry, analyzer::analyze);
    Properties naming = new Properties();
    // Refuse to build with a generated name: renaming a store or internal topic later would lose state.
    naming.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, "true");
    return builder.build(naming);
  }
}
