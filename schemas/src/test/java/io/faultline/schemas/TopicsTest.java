package io.faultline.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.faultline.telemetry.DnsSample;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void shouldMapEveryScenarioTypeToItsTopicAndBackWhenTelemetry() {
    for (String type : new String[] {"disk", "memory", "network", "dns", "app", "pool", "service"}) {
      Topic<?> topic = Topics.telemetryTopicForType(type);
      assertEquals("faultline.telemetry." + type, topic.name());
      assertEquals(type, Topics.telemetryType(topic));
    }
    assertEquals("dns", Topics.telemetryTypeOf(new DnsSample()));
  }

  @Test
  void shouldRefuseWhenTypeOrTopicIsNoTelemetry() {
    assertThrows(IllegalArgumentException.class, () -> Topics.telemetryTopicForType("entity"));
    assertThrows(IllegalArgumentException.class, () -> Topics.telemetryType(Topics.INCIDENTS));
    assertThrows(IllegalArgumentException.class, () -> Topics.telemetryTypeOf("not a sample"));
  }
}
