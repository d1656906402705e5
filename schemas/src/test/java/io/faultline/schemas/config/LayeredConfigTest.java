package io.faultline.schemas.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayeredConfigTest {

  @TempDir
  Path dir;

  private static final Map<String, Object> DEFAULTS = Map.of(
      "kafka.bootstrap.servers", "localhost:9092",
      "processor.window-ms", 60000,
      "processor.threads", 1,
      "registry.url", "http://localhost:8080/apis/ccompat/v7");

  private Path yaml(String text) throws IOException {
    Path f = dir.resolve("faultline.yaml");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void shouldLayerDefaultsFileEnvAndFlagsInThatOrder() throws IOException {
    Path file = yaml("""
        kafka:
          bootstrap.servers: file:9092
        processor:
          window-ms: 30000
          threads: 2
        probe:
          targets:
            - {name: a}
        """);
    LayeredConfig c = LayeredConfig.load(DEFAULTS, file,
        Map.of("FAULTLINE_PROCESSOR_WINDOW_MS", "20000", "FAULTLINE_PROCESSOR_THREADS", "3", "PATH", "/usr/bin"),
        Map.of("processor.threads", "4"));

    assertEquals("http://localhost:8080/apis/ccompat/v7", c.string("registry.url"));
    assertEquals("default", c.where("registry.url"));
    assertEquals("file:9092", c.string("kafka.bootstrap.servers"));
    assertEquals(file.toString(), c.where("kafka.bootstrap.servers"));
    assertEquals(20000, c.integer("processor.window-ms"));
    assertEquals("environment FAULTLINE_PROCESSOR_WINDOW_MS", c.where("processor.window-ms"));
    assertEquals(4, c.integer("processor.threads"));
    assertEquals("flag --processor.threads", c.where("processor.threads"));
    assertEquals(List.of(Map.of("name", "a")), c.raw("probe.targets"));
  }

  @Test
  void shouldPassClientPropertiesThroughWhenEnvNamesUnknownKafkaOrRegistryKey() {
    LayeredConfig c = LayeredConfig.load(DEFAULTS, null,
        Map.of("FAULTLINE_KAFKA_SASL_MECHANISM", "PLAIN", "FAULTLINE_REGISTRY_BASIC_AUTH_USER_INFO", "u:p",
            "FAULTLINE_UNKNOWN_THING", "x", "FAULTLINE_HOME", "/opt"),
        Map.of());
    assertEquals(Map.of("bootstrap.servers", "localhost:9092", "sasl.mechanism", "PLAIN"), c.withPrefix("kafka."));
    assertEquals("u:p", c.string("registry.basic.auth.user.info"));
    assertFalse(c.has("unknown.thing"));
    assertFalse(c.has("home"));
  }

  @Test
  void shouldNameKeyAndSourceWhenValueIsWrong() throws IOException {
    LayeredConfig c = LayeredConfig.load(DEFAULTS, yaml("processor:\n  threads: many\n"),
        Map.of("FAULTLINE_PROCESSOR_WINDOW_MS", "-1"), Map.of("flag.bool", "maybe"));
    assertEquals(dir.resolve("faultline.yaml") + ": 'processor.threads' must be a whole number, got 'many'",
        assertThrows(ConfigException.class, () -> c.integer("processor.threads")).getMessage());
    assertEquals("environment FAULTLINE_PROCESSOR_WINDOW_MS: 'processor.window-ms' must be between 1 and 100, got -1",
        assertThrows(ConfigException.class, () -> c.number("processor.window-ms", 1, 100)).getMessage());
    assertEquals("flag --flag.bool: 'flag.bool' must be true or false, got 'maybe'",
        assertThrows(ConfigException.class, () -> c.bool("flag.bool")).getMessage());
    assertEquals("missing setting 'probe.id' (set it in the config file or FAULTLINE_PROBE_ID)",
        assertThrows(ConfigException.class, () -> c.string("probe.id")).getMessage());
  }

  @Test
  void shouldNameFileWhenItIsMissingOrNotYamlOrNotAMap() throws IOException {
    Path missing = dir.resolve("nope.yaml");
    assertEquals(missing + ": no such file",
        assertThrows(ConfigException.class, () -> LayeredConfig.load(DEFAULTS, missing, Map.of(), Map.of())).getMessage());
    Path broken = yaml("kafka: [unclosed\n");
    assertTrue(assertThrows(ConfigException.class, () -> LayeredConfig.load(DEFAULTS, broken, Map.of(), Map.of()))
        .getMessage().startsWith(broken + ": not valid YAML: "));
    Path list = yaml("- a\n- b\n");
    assertEquals(list + ": the top level must be a map of settings",
        assertThrows(ConfigException.class, () -> LayeredConfig.load(DEFAULTS, list, Map.of(), Map.of())).getMessage());
  }

  @Test
  void shouldTreatEmptyFileAsNoSettings() throws IOException {
    LayeredConfig c = LayeredConfig.load(DEFAULTS, yaml(""), Map.of(), Map.of());
    assertEquals("localhost:9092", c.string("kafka.bootstrap.servers"));
    assertEquals("FAULTLINE_KAFKA_BOOTSTRAP_SERVERS", LayeredConfig.envName("kafka.bootstrap.servers"));
    assertEquals("FAULTLINE_PROCESSOR_WINDOW_MS", LayeredConfig.envName("processor.window-ms"));
  }
}
