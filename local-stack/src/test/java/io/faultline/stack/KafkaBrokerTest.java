package io.faultline.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {

  private static final Path LOG_DIR = Path.of("/srv/faultline test/kafka/data");

  @Test
  void shouldCombineBrokerAndControllerOnLoopbackWhenGenerated() {
    Map<String, String> p = KafkaBroker.serverProperties(LOG_DIR, 19092, 19093);

    assertEquals("broker,controller", p.get("process.roles"));
    assertEquals("1", p.get("node.id"));
    assertEquals("1@127.0.0.1:19093", p.get("controller.quorum.voters"));
    assertEquals("PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093", p.get("listeners"));
    assertEquals("PLAINTEXT://127.0.0.1:19092", p.get("advertised.listeners"));
    assertEquals("CONTROLLER", p.get("controller.listener.names"));
  }

  @Test
  void shouldUseSingleReplicaSettingsAndNoAutoCreateWhenGenerated() {
    Map<String, String> p = KafkaBroker.serverProperties(LOG_DIR, 19092, 19093);

    assertEquals("1", p.get("offsets.topic.replication.factor"));
    assertEquals("1", p.get("transaction.state.log.replication.factor"));
    assertEquals("1", p.get("transaction.state.log.min.isr"));
    assertEquals("1", p.get("min.insync.replicas"));
    assertEquals("0", p.get("group.initial.rebalance.delay.ms"));
    assertEquals("false", p.get("auto.create.topics.enable"));
    assertEquals(LOG_DIR.toString(), p.get("log.dirs"));
  }

  @Test
  void shouldNeitherExpireNorRollByTimeWhenGenerated() {
    Map<String, String> p = KafkaBroker.serverProperties(LOG_DIR, 19092, 19093);

    assertEquals("-1", p.get("log.retention.ms"));
    assertEquals(Long.toString(Long.MAX_VALUE), p.get("log.roll.ms"));
  }

  @Test
  void shouldRoundTripThroughJavaPropertiesWhenRendered() throws IOException {
    Path windowsLike = Path.of("/srv/a\\b/data");
    Map<String, String> generated = KafkaBroker.serverProperties(windowsLike, 1, 2);

    Properties loaded = new Properties();
    loaded.load(new StringReader(KafkaBroker.render(generated)));

    assertEquals(generated.size(), loaded.size());
    generated.forEach((k, v) -> assertEquals(v, loaded.getProperty(k), k));
  }

  @Test
  void shouldRejectBadPortsAndHeapsWhenOptionsBuilt() {
    assertThrows(IllegalArgumentException.class, () -> StackOptions.builder().kafkaPort(70000).build());
    assertThrows(IllegalArgumentException.class, () -> StackOptions.builder().brokerHeap("lots").build());
    assertThrows(IllegalArgumentException.class,
        () -> StackOptions.builder().registryStorage(StackOptions.RegistryStorage.H2_FILE).build());
    assertThrows(IllegalArgumentException.class, () -> StackOptions.builder().detached(true).build());
    assertTrue(StackOptions.defaults().dataDir() == null);
  }
}
