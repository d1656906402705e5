package io.faultline.processor.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.correlation.Incident;
import io.faultline.correlation.IncidentState;
import io.faultline.correlation.RootCauseCandidate;
import io.faultline.processor.FaultlineTopology;
import io.faultline.processor.ProcessorSettings;
import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import io.faultline.schemas.registry.InMemorySchemaRegistry;
import io.faultline.schemas.scenario.ScenarioReader;
import io.faultline.schemas.serde.AvroSerde;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shared scenario through the whole engine (detection, repartition, correlation) in one
 * TopologyTestDriver, which runs a single detection task: the fault's root is the top candidate of
 * an incident (AC@1), and the healthy estate opens none. Incidents opened on another root are
 * printed as false incidents (a figure of the correlation stage, judged by its own tests).
 */
class FullPipelineScenarioTest {

  @TempDir
  Path stateDir;

  static Stream<Path> scenarios() {
    return SharedScenarios.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void shouldRankTheFaultFirstWhenReplayingSharedScenario(Path scenario) throws Exception {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    ProcessorSettings settings = ProcessorSettings.defaults()
        .withDetection(DetectionSettings.forReplay())
        .withCorrelation(ProcessorSettings.defaults().correlation().withUpstreamPartitions(1));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "faultline-pipeline-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(stateDir.resolve("state")).toString());
    List<Incident> incidents = new ArrayList<>();
    List<RootCauseCandidate> candidates = new ArrayList<>();
    try (TopologyTestDriver driver = new TopologyTestDriver(FaultlineTopology.buildTopology(settings, registry), props,
        DetectionDriver.WALL_CLOCK)) {
      AvroSerde<SpecificRecord> values = AvroSerde.anySpecific(registry);
      Map<String, TestInputTopic<String, byte[]>> inputs = new HashMap<>();
      for (Topic<?> t : Topics.ALL) {
        inputs.put(t.name(), driver.createInputTopic(t.name(), new StringSerializer(), new ByteArraySerializer()));
      }
      long[] firstTime = {Long.MIN_VALUE};
      ScenarioReader.read(scenario, r -> {
        long ts = r.hasTime() ? r.timestamp() : Math.max(0, firstTime[0]);
        inputs.get(r.topic().name()).pipeInput(new TestRecord<>(r.key(), values.serialize(r.topic().name(), r.value()),
            (Headers) null, ts));
      });
      driver.advanceWallClockTime(Duration.ofSeconds(5));
      driver.advanceWallClockTime(Duration.ofSeconds(5));
      incidents.addAll(driver.createOutputTopic(Topics.INCIDENTS.name(), new StringDeserializer(),
          Topics.INCIDENTS.valueSerde(registry).deserializer()).readValuesToList());
      candidates.addAll(driver.createOutputTopic(Topics.CANDIDATES.name(), new StringDeserializer(),
          Topics.CANDIDATES.valueSerde(registry).deserializer()).readValuesToList());
    }
    System.out.println("== pipeline " + scenario.getFileName());
    incidents.forEach(i -> System.out.println("  incident " + i.getId() + " " + i.getState() + " root=" + i.getRootCause()
        + " score=" + String.format("%.2f", i.getScore()) + " at=" + i.getUpdatedAt() + " onset=" + i.getOnset()
        + " affected=" + i.getAffected()));

    JsonNode expect = SharedScenarios.expectation(scenario);
    List<String> roots = new ArrayList<>();
    expect.get("faults").forEach(f -> roots.add(f.get("root").asText()));
    List<String> opened = incidents.stream().filter(i -> i.getState() == IncidentState.OPENED)
        .map(Incident::getRootCause).distinct().toList();
    System.out.println("  false incidents (opened on another root): " + opened.stream().filter(r -> !roots.contains(r)).toList());
    if (roots.isEmpty()) {
      assertEquals(List.of(), opened, "a healthy estate opens no incident");
    }
    for (JsonNode fault : expect.get("faults")) {
      String root = fault.get("root").asText();
      Instant onset = Instant.parse(fault.get("onset").asText());
      List<RootCauseCandidate> top = candidates.stream()
          .filter(c -> c.getRank() == 1 && c.getEntity().equals(root)).toList();
      assertFalse(top.isEmpty(), root + " ranked first by some incident");
      System.out.println("  " + root + ": detection delay " + Duration.between(onset, top.get(0).getEventTime()).toSeconds()
          + " s");
    }
  }
}
