package io.faultline.probe.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.probe.check.Endpoint;
import io.faultline.schemas.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeConfigTest {

  @TempDir
  Path dir;

  private Path write(String yaml) throws Exception {
    Path f = dir.resolve("probe.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  private String error(String yaml) throws Exception {
    Path f = write(yaml);
    ConfigException e = assertThrows(ConfigException.class, () -> ProbeConfig.load(f, Map.of(), Map.of()));
    assertTrue(e.getMessage().startsWith(f.toString()), "names the file: " + e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e.getMessage();
  }

  @Test
  void shouldLoadTheSampleConfigWhenItIsShippedInTheRepo() {
    ProbeConfig c = ProbeConfig.load(Path.of("config/probe-sample.yaml"), Map.of(), Map.of());
    assertEquals("localhost:9092", c.kafka().get("bootstrap.servers"));
    assertEquals(10_000, c.disk().intervalMs());
    assertTrue(c.disk().exclude().matcher("loop3").matches());
    assertEquals(ProbeConfig.OverflowPolicy.DROP_OLDEST, c.overflow());
    assertEquals("probe@" + c.host(), c.probeId());
  }

  @Test
  void shouldApplyEnvironmentAndFlagsOverTheFileWhenLayered() throws Exception {
    Path f = write("kafka:\n  bootstrap.servers: file:9092\n  security.protocol: SASL_SSL\nspool:\n  maxBytes: 2097152\n  segmentBytes: 65536\n");
    ProbeConfig c = ProbeConfig.load(f, Map.of("FAULTLINE_KAFKA_BOOTSTRAP_SERVERS", "env:9092",
        "FAULTLINE_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"), Map.of("registry.url", "http://flag:8081"));
    assertEquals("env:9092", c.kafka().get("bootstrap.servers"));
    assertEquals("SASL_SSL", c.kafka().get("security.protocol"), "kafka.* passes through to the client");
    assertEquals("SCRAM-SHA-512", c.kafka().get("sasl.mechanism"));
    assertEquals("http://flag:8081", c.registryUrl());
    assertEquals("http://flag:8081", c.registryProperties().get("schema.registry.url"));
    assertEquals(2_097_152, c.spoolMaxBytes());
  }

  @Test
  void shouldBuildChecksWhenAppsPoolsServicesAndDnsAreConfigured() throws Exception {
    ProbeConfig c = ProbeConfig.load(write("""
        agent: {host: web-01, intervalMs: 5000}
        probes:
          dns: {resolvers: ["10.0.0.53", "127.0.0.1:5353"], names: [db.internal]}
          apps:
            - name: purchase
              entity: app:shop
              pool: pool:web
              dns: [shop.internal]
              steps:
                - {name: browse, url: "http://shop.internal/"}
                - {name: buy, method: post, url: "http://shop.internal/buy", expectStatus: 201, maxLatencyMs: 800, timeoutMs: 1000}
          pools:
            - name: web
              members: [{id: "vm:web-1", url: "http://10.0.0.1/health"}, {id: "vm:web-2", tcp: "10.0.0.2:80"}]
          services:
            - {name: postgres, tcp: "db.internal:5432", degradedMs: 200}
        """), Map.of(), Map.of());
    assertEquals("web-01", c.host());
    var app = c.apps().get(0);
    assertEquals("app:shop", app.check().entity());
    assertEquals("POST", app.check().steps().get(1).method());
    assertEquals(201, app.check().steps().get(1).expectStatus());
    assertEquals(5000, app.check().intervalMs());
    assertEquals("pool:web", c.pools().get(0).pool());
    assertEquals(new Endpoint.Tcp("10.0.0.2", 80), c.pools().get(0).members().get(1).endpoint());
    assertEquals("svc:postgres", c.services().get(0).service());
    assertEquals(3 + 2 + 1 + 2 + 1, c.checkCount());
  }

  @Test
  void shouldNameTheKeyWhenASettingIsUnknown() throws Exception {
    assertTrue(error("probes:\n  disk:\n    enabeld: true\n").contains("unknown setting 'probes.disk.enabeld'"));
  }

  @Test
  void shouldNameTheFieldAndReasonWhenANumberIsOutOfRange() throws Exception {
    String m = error("agent:\n  intervalMs: 5\n");
    assertTrue(m.contains("'agent.intervalMs' must be between 100"), m);
  }

  @Test
  void shouldNameTheListItemWhenAStepUrlIsBad() throws Exception {
    String m = error("probes:\n  apps:\n    - name: shop\n      steps:\n        - {name: a, url: \"http://x/\"}\n        - {name: b, url: \"ftp://x/\"}\n");
    assertTrue(m.contains("probes.apps[0].steps[1].url: must be an http:// or https:// URL"), m);
  }

  @Test
  void shouldRejectAResolverNameWhenOnlyAddressesAreAllowed() throws Exception {
    String m = error("probes:\n  dns:\n    resolvers: [dns.google]\n    names: [a.internal]\n");
    assertTrue(m.contains("probes.dns.resolvers[0]") && m.contains("must be an IP address"), m);
  }

  @Test
  void shouldRejectATimeoutNotShorterThanTheIntervalWhenChecksWouldOverlap() throws Exception {
    String m = error("probes:\n  services:\n    - {name: db, tcp: \"db:5432\", intervalMs: 1000, timeoutMs: 1000}\n");
    assertTrue(m.contains("probes.services[0].timeoutMs: must be shorter than intervalMs"), m);
  }

  @Test
  void shouldRejectAMemberWithoutEndpointWhenPoolsAreConfigured() throws Exception {
    String m = error("probes:\n  pools:\n    - {name: web, members: [{id: \"vm:a\"}]}\n");
    assertTrue(m.contains("probes.pools[0].members[0].url: give exactly one of 'url'"), m);
  }

  @Test
  void shouldRejectABadRegexWhenExcludingDevices() throws Exception {
    String m = error("probes:\n  disk:\n    exclude: \"(loop\"\n");
    assertTrue(m.contains("'probes.disk.exclude' is not a valid regular expression"), m);
  }

  @Test
  void shouldNameTheChoicesWhenTheOverflowPolicyIsUnknown() throws Exception {
    String m = error("spool:\n  overflow: drop-random\n");
    assertTrue(m.contains("'spool.overflow' must be drop-oldest or drop-newest"), m);
  }

  @Test
  void shouldNameTheFileWhenTheYamlIsInvalid() throws Exception {
    String m = error("agent: [unclosed\n");
    assertTrue(m.contains("not valid YAML"), m);
  }

  @Test
  void shouldNameTheEnvironmentVariableWhenItCarriesTheBadValue() throws Exception {
    Path f = write("agent: {host: h}\n");
    ConfigException e = assertThrows(ConfigException.class,
        () -> ProbeConfig.load(f, Map.of("FAULTLINE_AGENT_THREADS", "lots"), Map.of()));
    assertTrue(e.getMessage().startsWith("environment FAULTLINE_AGENT_THREADS: 'agent.threads' must be a whole number"),
        e.getMessage());
  }
}
