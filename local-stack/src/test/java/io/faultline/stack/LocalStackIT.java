package io.faultline.stack;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import io.faultline.telemetry.DiskSample;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalStackExtension.class)
class LocalStackIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void shouldDeliverRecordWhenProducedToStackBroker(LocalStack stack) throws Exception {
    Topic<DiskSample> topic = uniqueTopic();
    stack.createTopics(List.of(topic));

    produce(stack, topic.name(), "disk:1", "hello");

    assertEquals(List.of("disk:1=hello"), consume(stack, topic.name(), 1));
  }

  @Test
  void shouldCreateCatalogueTopicsWithTheirPartitionsWhenExtensionStarts(LocalStack stack) throws Exception {
    stack.createFaultlineTopics(); // a second call is a no-op
    try (Admin admin = stack.admin()) {
      Map<String, TopicDescription> described = admin.describeTopics(
          Topics.ALL.stream().map(Topic::name).toList()).allTopicNames().get(30, TimeUnit.SECONDS);
      for (Topic<?> t : Topics.ALL) {
        assertEquals(t.partitions(), described.get(t.name()).partitions().size(), t.name());
      }
      assertTrue(admin.listTopics().names().get().contains(Topics.DEAD_LETTER));
      var incidents = new ConfigResource(ConfigResource.Type.TOPIC, Topics.INCIDENTS.name());
      assertEquals("compact", admin.describeConfigs(List.of(incidents)).all().get()
          .get(incidents).get("cleanup.policy").value());
    }
  }

  @Test
  void shouldKeepRecordsWhateverTheirTimestampWhenTopicsUseTheBrokerDefaults(LocalStack stack) throws Exception {
    stack.createFaultlineTopics();
    var telemetry = new ConfigResource(ConfigResource.Type.TOPIC, Topics.DNS.name());
    var incidents = new ConfigResource(ConfigResource.Type.TOPIC, Topics.INCIDENTS.name());
    try (Admin admin = stack.admin()) {
      var configs = admin.describeConfigs(List.of(telemetry, incidents)).all().get(30, TimeUnit.SECONDS);
      // A replay's weeks-old event times must not count as expired: no time-based deletion, and no
      // time-based roll that would let the cleaner drop an incident's earlier versions at once.
      assertEquals("-1", configs.get(telemetry).get("retention.ms").value());
      assertEquals(Long.toString(Long.MAX_VALUE), configs.get(incidents).get("segment.ms").value());
      assertEquals(Long.toString(Long.MAX_VALUE), configs.get(telemetry).get("segment.ms").value());
    }
  }

  @Test
  void shouldAcceptIdempotentWritesOnEveryPartitionWhenCreateTopicsReturns(LocalStack stack) throws Exception {
    Topic<DiskSample> topic = new Topic<>("it." + UUID.randomUUID(), DiskSample.class, 12, false, "test topic");
    stack.createTopics(List.of(topic));

    // Sent at once, several requests in flight per partition: a partition whose leader is not ready
    // yet refuses the first and accepts the next, and the first never gets in (KAFKA-15591).
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
    List<Future<?>> sent = new ArrayList<>();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (int round = 0; round < 3; round++) {
        for (int partition = 0; partition < 12; partition++) {
          sent.add(producer.send(new ProducerRecord<>(topic.name(), partition, "k", "v" + round)));
        }
        producer.flush();
      }
      for (var f : sent) {
        f.get(30, TimeUnit.SECONDS);
      }
    }
    assertEquals(36, consume(stack, topic.name(), 36).size());
  }

  @Test
  void shouldAnswerSubjectsWhenRegistryRuns(LocalStack stack) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(stack.registryUrl() + "/subjects"))
        .GET().build(), HttpResponse.BodyHandlers.ofString());

    assertEquals(200, r.statusCode());
    assertTrue(r.body().trim().startsWith("["), r.body());
  }

  @Test
  void shouldKeepRecordsAndAddressWhenBrokerRestarts(LocalStack stack) throws Exception {
    Topic<DiskSample> topic = uniqueTopic();
    stack.createTopics(List.of(topic));
    produce(stack, topic.name(), "k", "before-restart");
    long firstPid = stack.brokerPid().getAsLong();
    String bootstrap = stack.bootstrapServers();

    stack.stopBroker();
    assertFalse(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false));
    assertTrue(stack.brokerPid().isEmpty());
    stack.startBroker();

    assertEquals(bootstrap, stack.bootstrapServers());
    assertNotEquals(firstPid, stack.brokerPid().getAsLong());
    produce(stack, topic.name(), "k", "after-restart");
    assertEquals(List.of("k=before-restart", "k=after-restart"), consume(stack, topic.name(), 2));
  }

  @Test
  void shouldLeaveNoProcessAndKeepSchemasWhenFileBackedStackClosed(@TempDir Path dir) throws Exception {
    StackOptions options = StackOptions.builder().dataDir(dir)
        .registryStorage(StackOptions.RegistryStorage.H2_FILE).build();
    List<Long> pids = new ArrayList<>();
    try (LocalStack first = LocalStack.start(options)) {
      pids.add(first.brokerPid().getAsLong());
      pids.add(first.registryPid().getAsLong());
      registerSchema(first.registryUrl(), "survivor-value");
    }
    for (long pid : pids) {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still alive");
    }
    assertTrue(Files.isDirectory(dir), "a caller's data dir is kept");

    try (LocalStack second = LocalStack.start(options)) {
      String subjects = HTTP.send(HttpRequest.newBuilder(URI.create(second.registryUrl() + "/subjects")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(subjects.contains("\"survivor-value\""), subjects);
    }
  }

  @Test
  void shouldFailWithLogTailAndLeaveNothingWhenBrokerCannotStart(@TempDir Path dir) {
    StackOptions options = StackOptions.builder().dataDir(dir).brokerHeap("1k").build();

    StackException e = assertThrows(StackException.class, () -> LocalStack.start(options));

    assertTrue(e.getMessage().startsWith("kafka broker exited with code"), e.getMessage());
    assertTrue(e.getMessage().contains("broker.log ---"), e.getMessage());
    assertTrue(e.getMessage().contains("Error occurred during initialization of VM"), e.getMessage());
    String marker = "-D" + JavaProcess.STACK_MARKER_PROPERTY + "=" + dir.toAbsolutePath().normalize();
    assertEquals(List.of(), ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
        .map(ProcessHandle::pid).toList(), "processes of the failed stack");
  }

  @Test
  void shouldDeleteTempDirWhenTempStackClosed() {
    Path dir;
    long broker;
    try (LocalStack stack = LocalStack.start(StackOptions.defaults())) {
      dir = stack.dataDir();
      broker = stack.brokerPid().getAsLong();
      assertTrue(Files.isDirectory(dir));
    }
    assertFalse(Files.exists(dir));
    assertFalse(ProcessHandle.of(broker).map(ProcessHandle::isAlive).orElse(false));
  }

  @Test
  void shouldStopChildrenWhenParentJvmIsKilled() throws Exception {
    Process parent = new ProcessBuilder(JavaProcess.javaExecutable(), "-cp", System.getProperty("java.class.path"),
        AttachedStackMain.class.getName()).redirectErrorStream(true).start();
    long brokerPid;
    long registryPid;
    Path dir;
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("PIDS ")) {
        // start-up log lines
      }
      assertTrue(line != null, "the parent JVM exited before reporting its children");
      String[] f = line.split(" ", 4);
      brokerPid = Long.parseLong(f[1]);
      registryPid = Long.parseLong(f[2]);
      dir = Path.of(f[3]);
      assertTrue(ProcessHandle.of(brokerPid).isPresent());
    } finally {
      parent.destroyForcibly(); // SIGKILL: no shutdown hook runs
      parent.waitFor();
    }

    await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
      assertFalse(ProcessHandle.of(brokerPid).map(ProcessHandle::isAlive).orElse(false), "broker alive");
      assertFalse(ProcessHandle.of(registryPid).map(ProcessHandle::isAlive).orElse(false), "registry alive");
    });
    LocalStack.deleteRecursively(dir); // the killed parent could not clean its temp dir
  }

  private static Topic<DiskSample> uniqueTopic() {
    return new Topic<>("it." + UUID.randomUUID(), DiskSample.class, 1, false, "test topic");
  }

  private static void produce(LocalStack stack, String topic, String key, String value) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }
  }

  private static List<String> consume(LocalStack stack, String topic, int expected) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<String> seen = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(Set.of(topic));
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          seen.add(r.key() + "=" + r.value());
        }
        return seen.size() >= expected;
      });
    }
    return seen;
  }

  private static void registerSchema(String registryUrl, String subject) throws Exception {
    String body = "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"S\\\",\\\"fields\\\":[{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"int\\\"}]}\"}";
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(registryUrl + "/subjects/" + subject + "/versions"))
        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }
}
