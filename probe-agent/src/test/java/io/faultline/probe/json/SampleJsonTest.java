package io.faultline.probe.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.faultline.common.EntityKind;
import io.faultline.probe.Sample;
import io.faultline.schemas.Topics;
import io.faultline.schemas.scenario.ScenarioReader;
import io.faultline.schemas.scenario.ScenarioRecord;
import io.faultline.telemetry.AppCheckSample;
import io.faultline.telemetry.DiskSample;
import io.faultline.telemetry.DnsRcode;
import io.faultline.telemetry.DnsSample;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What --once prints is a scenario line: reading it back gives the same record. */
class SampleJsonTest {

  private static final Instant T = Instant.parse("2026-11-21T10:00:00.123Z");

  @Test
  void shouldReadBackToTheSameRecordWhenParsedAsAScenarioLine() {
    List<Sample> samples = List.of(
        Sample.telemetry(Topics.DISK, "disk:h/sda", DiskSample.newBuilder().setEntity("disk:h/sda").setEventTime(T)
            .setProbe("probe@h").setIntervalMs(10_000).setReadIops(1.5).setWriteIops(2).setReadLatencyMs(3)
            .setWriteLatencyMs(4).setIoErrors(null).setUtilization(0.25).build(), T),
        Sample.telemetry(Topics.DNS, "dns-name:db", DnsSample.newBuilder().setEntity("dns-name:db").setEventTime(T)
            .setProbe("probe@h").setIntervalMs(5000).setResolver("dns-resolver:10.0.0.53").setRcode(DnsRcode.TIMEOUT)
            .setLatencyMs(2000).build(), T),
        Sample.telemetry(Topics.APP, "app:shop", AppCheckSample.newBuilder().setEntity("app:shop").setEventTime(T)
            .setProbe(null).setIntervalMs(10_000).setCheck("purchase").setOk(false).setLatencyMs(12.5).setStatus(403)
            .setFailedStep("add-to-cart").build(), T),
        Sample.entity("disk:h/sda", EntityKind.DISK, Map.of("host", "h"), "probe@h", T),
        Sample.dependency("host:h", "disk:h/sda", false, "probe@h", T));
    for (Sample s : samples) {
      String line = SampleJson.toJson(s);
      ScenarioRecord back = ScenarioReader.parse(line, 1);
      assertEquals(s.topic(), back.topic(), line);
      assertEquals(s.key(), back.key(), line);
      if (s.topic() == Topics.TOPOLOGY) {
        // the reader stamps scenario topology as source "scenario"; everything else must survive
        var expected = io.faultline.topology.TopologyEvent.newBuilder((io.faultline.topology.TopologyEvent) s.value())
            .setSource("scenario").build();
        assertEquals(expected, back.value(), line);
      } else {
        assertEquals(s.value(), back.value(), line);
      }
    }
  }

  @Test
  void shouldLeaveOutNullFieldsWhenPrinting() {
    DiskSample d = DiskSample.newBuilder().setEntity("disk:h/sda").setEventTime(T).setProbe("p").setIntervalMs(10_000)
        .setReadIops(0).setWriteIops(0).setReadLatencyMs(0).setWriteLatencyMs(0).setIoErrors(null).setUtilization(0).build();
    String line = SampleJson.toJson(Sample.telemetry(Topics.DISK, "disk:h/sda", d, T));
    assertFalse(line.contains("ioErrors"), line);
    assertEquals("disk", SampleJson.toNode(Topics.DISK, d).get("type").asText());
    assertEquals("2026-11-21T10:00:00.123Z", SampleJson.toNode(Topics.DISK, d).get("t").asText());
  }
}
