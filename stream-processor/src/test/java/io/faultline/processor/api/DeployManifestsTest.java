package io.faultline.processor.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.probe.config.ProbeConfig;
import io.faultline.processor.ProcessorApp;
import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import io.faultline.schemas.config.LayeredConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docker-compose.yml and deploy/k8s cannot run here (no container engine), so this parses them
 * and checks they agree with the code: topic names, partitions and policies from {@link Topics},
 * environment variables that name real configuration keys (by {@link LayeredConfig#envName}),
 * ports, health paths, and the settings the processor actually derives from that environment.
 */
class DeployManifestsTest {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final Pattern TOPIC_LINE = Pattern.compile(
      "^\\s*t --topic (\\S+) --partitions (\\d+)((?: --config \\S+)*)\\s*$", Pattern.MULTILINE);

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> yamlDocs(String relative) throws IOException {
    Path file = ROOT.resolve(relative);
    assertTrue(Files.isRegularFile(file), file + " is missing");
    List<Map<String, Object>> docs = new ArrayList<>();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(in)) {
        if (doc != null) {
          docs.add((Map<String, Object>) doc);
        }
      }
    }
    return docs;
  }

  @SuppressWarnings("unchecked")
  private static <T> T at(Object node, String... path) {
    Object n = node;
    for (String p : path) {
      assertTrue(n instanceof Map, "no '" + p + "' in " + n);
      n = ((Map<String, Object>) n).get(p);
    }
    return (T) n;
  }

  private static Map<String, Object> kind(List<Map<String, Object>> docs, String kind, String name) {
    return docs.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(at(d, "metadata", "name")))
        .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  // ---- topics

  @Test
  void shouldCreateExactlyThePipelineTopicsWhenComposeAndKubernetesCreateTopics() throws IOException {
    List<String> composeCommand = at(at(yamlDocs("docker-compose.yml").get(0), "services", "topics"), "command");
    String composeScript = String.join("\n", composeCommand);
    Map<String, Object> job = kind(yamlDocs("deploy/k8s/topics-job.yaml"), "Job", "faultline-topics");
    List<Map<String, Object>> containers = at(job, "spec", "template", "spec", "containers");
    List<String> jobArgs = at(containers.get(0), "args");
    String jobScript = String.join("\n", jobArgs);
    for (String script : List.of(composeScript, jobScript)) {
      Map<String, String[]> created = new TreeMap<>();
      Matcher m = TOPIC_LINE.matcher(script);
      while (m.find()) {
        created.put(m.group(1), new String[] {m.group(2), m.group(3)});
      }
      Set<String> expected = new TreeSet<>();
      for (Topic<?> t : Topics.ALL) {
        expected.add(t.name());
        String[] c = created.get(t.name());
        assertNotNull(c, t.name() + " is not created");
        assertEquals(t.partitions(), Integer.parseInt(c[0]), t.name() + " partitions");
        t.configs().forEach((k, v) -> assertTrue(c[1].contains("--config " + k + "=" + v),
            t.name() + " needs " + k + "=" + v + ", has" + c[1]));
      }
      expected.add(Topics.DEAD_LETTER);
      String[] dlq = created.get(Topics.DEAD_LETTER);
      assertNotNull(dlq, "the dead-letter topic is not created");
      assertEquals(Topics.DEAD_LETTER_PARTITIONS, Integer.parseInt(dlq[0]));
      Topics.DEAD_LETTER_CONFIGS.forEach((k, v) -> assertTrue(dlq[1].contains("--config " + k + "=" + v)));
      assertEquals(expected, created.keySet(), "no topic the code does not know");
    }
  }

  // ---- processor

  /** Loads the processor's configuration as the container would, from the manifest's environment. */
  private static LayeredConfig processorConfig(Map<String, String> env) {
    Set<String> known = new TreeSet<>();
    ProcessorApp.configDefaults().keySet().forEach(k -> known.add(LayeredConfig.envName(k)));
    for (String name : env.keySet()) {
      if (!name.startsWith(LayeredConfig.ENV_PREFIX)) {
        continue;
      }
      boolean passthrough = name.startsWith("FAULTLINE_STREAMS_") || name.startsWith("FAULTLINE_KAFKA_")
          || name.startsWith("FAULTLINE_REGISTRY_");
      assertTrue(known.contains(name) || passthrough, name + " names no processor setting");
    }
    return ProcessorApp.loadConfig(null, env, Map.of());
  }

  @SuppressWarnings("unchecked")
  @Test
  void shouldRunTwoProcessorsThatFindEachOtherWhenComposeStartsThem() throws IOException {
    Map<String, Object> services = at(yamlDocs("docker-compose.yml").get(0), "services");
    assertTrue(services.keySet().containsAll(List.of("kafka", "registry", "processor-1", "processor-2", "probe-agent")),
        services.keySet().toString());
    assertTrue(String.valueOf((Object) at(services, "kafka", "environment", "KAFKA_PROCESS_ROLES")).contains("controller"),
        "kafka runs in KRaft mode");
    Set<String> servers = new TreeSet<>();
    for (String name : List.of("processor-1", "processor-2")) {
      Map<String, Object> svc = at(services, name);
      Map<String, String> env = new LinkedHashMap<>();
      ((Map<String, Object>) svc.get("environment")).forEach((k, v) -> env.put(k, String.valueOf(v)));
      LayeredConfig config = processorConfig(env);
      ApiSettings api = ApiSettings.from(config);
      Properties streams = ProcessorApp.streamsConfig(config);
      assertEquals(name + ":" + api.port(), streams.get(StreamsConfig.APPLICATION_SERVER_CONFIG),
          "peers reach " + name + " by its compose host name");
      servers.add((String) streams.get(StreamsConfig.APPLICATION_SERVER_CONFIG));
      assertEquals("1", String.valueOf(streams.get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)));
      assertEquals("kafka:9092", streams.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
      assertEquals("faultline-processor", streams.get(StreamsConfig.APPLICATION_ID_CONFIG), "one application, shared work");
      List<String> ports = at(svc, "ports");
      assertTrue(ports.get(0).endsWith(":" + api.port()), ports.toString());
      List<String> health = at(svc, "healthcheck", "test");
      assertTrue(String.join(" ", health).contains("http://localhost:" + api.port() + ApiServer.READY), health.toString());
      List<String> volumes = at(svc, "volumes");
      assertTrue(volumes.stream().anyMatch(v -> v.endsWith(":" + config.string(ProcessorApp.STATE_DIR))),
          "state on a volume: " + volumes);
    }
    assertEquals(2, servers.size(), "each instance advertises its own address");
  }

  @Test
  void shouldDeployTheProcessorAsAStatefulSetWithHeadlessServiceAndHealthProbesWhenOnKubernetes() throws IOException {
    List<Map<String, Object>> docs = yamlDocs("deploy/k8s/processor.yaml");
    Map<String, Object> sts = kind(docs, "StatefulSet", "faultline-processor");
    String headlessName = at(sts, "spec", "serviceName");
    Map<String, Object> headless = kind(docs, "Service", headlessName);
    assertEquals("None", at(headless, "spec", "clusterIP"));
    assertEquals(Boolean.TRUE, at(headless, "spec", "publishNotReadyAddresses"),
        "forwarded queries must reach instances that are rebalancing");
    assertTrue((Integer) at(sts, "spec", "replicas") >= 2);

    Map<String, Object> pod = at(sts, "spec", "template", "spec");
    List<Map<String, Object>> containers = at(pod, "containers");
    Map<String, Object> c = containers.get(0);
    Map<String, String> env = new LinkedHashMap<>();
    List<Map<String, Object>> envList = at(c, "env");
    for (Map<String, Object> e : envList) {
      Object value = e.get("value");
      env.put((String) e.get("name"), value == null ? "from-" + e.get("valueFrom").toString().hashCode() : (String) value);
    }
    String advertised = env.get(LayeredConfig.envName(ApiSettings.ADVERTISED_HOST));
    assertNotNull(advertised);
    assertTrue(advertised.contains("$(POD_NAME)." + headlessName + "."), advertised);
    env.replaceAll((k, v) -> v.replace("$(POD_NAME)", "faultline-processor-0").replace("$(POD_NAMESPACE)", "ops"));
    LayeredConfig config = processorConfig(env);
    ApiSettings api = ApiSettings.from(config);
    Properties streams = ProcessorApp.streamsConfig(config);
    assertEquals("faultline-processor-0." + headlessName + ".ops.svc.cluster.local:" + api.port(),
        streams.get(StreamsConfig.APPLICATION_SERVER_CONFIG));
    assertEquals("1", String.valueOf(streams.get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)));
    assertEquals("faultline-processor-0", streams.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), "static membership");

    List<Map<String, Object>> ports = at(c, "ports");
    assertEquals(api.port(), ports.get(0).get("containerPort"));
    String portName = (String) ports.get(0).get("name");
    assertEquals(ApiServer.READY, at(c, "readinessProbe", "httpGet", "path"));
    assertEquals(portName, at(c, "readinessProbe", "httpGet", "port"));
    assertEquals(ApiServer.LIVE, at(c, "livenessProbe", "httpGet", "path"));
    assertEquals(ApiServer.METRICS, at(sts, "spec", "template", "metadata", "annotations", "prometheus.io/path"));

    int grace = at(pod, "terminationGracePeriodSeconds");
    long shutdownMs = config.number(ProcessorApp.SHUTDOWN_TIMEOUT_MS, 1, Long.MAX_VALUE);
    assertTrue(grace * 1000L > shutdownMs + 10_000, "grace " + grace + "s must outlast the shutdown timeout " + shutdownMs);

    List<Map<String, Object>> claims = at(sts, "spec", "volumeClaimTemplates");
    String claim = at(claims.get(0), "metadata", "name");
    List<Map<String, Object>> mounts = at(c, "volumeMounts");
    assertTrue(mounts.stream().anyMatch(m -> claim.equals(m.get("name"))
        && config.string(ProcessorApp.STATE_DIR).equals(m.get("mountPath"))), "state dir on the persistent volume");
  }

  // ---- probe agent

  /** Checks every FAULTLINE_* name against the agent's keys, then loads its configuration as it would start. */
  private static void checkAgent(Map<String, String> env, Path configFile) {
    Set<String> known = new TreeSet<>();
    ProbeConfig.defaults().keySet().forEach(k -> known.add(LayeredConfig.envName(k)));
    for (String name : env.keySet()) {
      assertTrue(known.contains(name) || name.startsWith("FAULTLINE_KAFKA_") || name.startsWith("FAULTLINE_REGISTRY_"),
          name + " names no probe agent setting");
    }
    Map<String, String> local = new LinkedHashMap<>(env);
    // Host paths exist only inside the container; the host name needs the real /proc here.
    local.put(LayeredConfig.envName("agent.procRoot"), "/proc");
    local.put(LayeredConfig.envName("agent.sysRoot"), "/sys");
    ProbeConfig config = ProbeConfig.load(configFile, local, Map.of());
    assertNotNull(config);
  }

  @SuppressWarnings("unchecked")
  @Test
  void shouldConfigureTheProbeAgentWithRealSettingsWhenComposeOrKubernetesRunsIt() throws IOException {
    Map<String, Object> agent = at(yamlDocs("docker-compose.yml").get(0), "services", "probe-agent");
    Map<String, String> env = new LinkedHashMap<>();
    ((Map<String, Object>) agent.get("environment")).forEach((k, v) -> env.put(k, String.valueOf(v)));
    List<String> command = at(agent, "command");
    assertEquals(List.of("probe", "--config", "/etc/faultline/probe.yaml"), command);
    List<String> volumes = at(agent, "volumes");
    assertTrue(volumes.contains("./deploy/probe.yaml:/etc/faultline/probe.yaml:ro"));
    assertTrue(volumes.contains("/proc:" + env.get(LayeredConfig.envName("agent.procRoot")) + ":ro"));
    checkAgent(env, ROOT.resolve("deploy/probe.yaml"));

    List<Map<String, Object>> docs = yamlDocs("deploy/k8s/probe-agent.yaml");
    Map<String, Object> ds = kind(docs, "DaemonSet", "faultline-probe-agent");
    List<Map<String, Object>> containers = at(ds, "spec", "template", "spec", "containers");
    Map<String, Object> c = containers.get(0);
    Map<String, String> k8sEnv = new LinkedHashMap<>();
    List<Map<String, Object>> envList = at(c, "env");
    for (Map<String, Object> e : envList) {
      k8sEnv.put((String) e.get("name"), e.get("value") == null ? "node-1" : (String) e.get("value"));
    }
    k8sEnv.remove("JAVA_TOOL_OPTIONS");
    Path configFile = Files.createTempFile("probe", ".yaml");
    try {
      Files.writeString(configFile, (String) at(kind(docs, "ConfigMap", "faultline-probe-config"), "data", "probe.yaml"));
      checkAgent(k8sEnv, configFile);
    } finally {
      Files.delete(configFile);
    }
    List<Map<String, Object>> mounts = at(c, "volumeMounts");
    assertTrue(mounts.stream().anyMatch(m -> k8sEnv.get(LayeredConfig.envName("agent.procRoot")).equals(m.get("mountPath"))),
        "the node's /proc is mounted where the agent reads it");
    assertFalse(k8sEnv.get(LayeredConfig.envName("kafka.bootstrap.servers")).isBlank());
  }
}
