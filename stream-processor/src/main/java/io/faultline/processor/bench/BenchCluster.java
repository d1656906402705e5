package io.faultline.processor.bench;

import io.faultline.processor.TopicSetup;
import io.faultline.schemas.ProbeProducerSettings;
import io.faultline.schemas.SchemaBootstrap;
import io.faultline.schemas.Topics;
import io.faultline.schemas.registry.RegistryClientConfig;
import io.faultline.schemas.registry.RestSchemaRegistryClient;
import io.faultline.stack.LocalStack;
import io.faultline.stack.StackOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * The broker and registry a benchmark runs on: the embedded {@link LocalStack} (started here,
 * stopped on close) or an existing cluster; topics created and schemas registered as the
 * processor would; offsets read through one admin client.
 */
final class BenchCluster implements AutoCloseable {
  private final LocalStack stack;
  private final String bootstrap;
  private final String registryUrl;
  private final RestSchemaRegistryClient registry;
  private final Admin admin;

  private BenchCluster(LocalStack stack, String bootstrap, String registryUrl) {
    this.stack = stack;
    this.bootstrap = bootstrap;
    this.registryUrl = registryUrl;
    this.registry = new RestSchemaRegistryClient(RegistryClientConfig.builder(registryUrl).build());
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  /** The cluster named by {@code bootstrap}/{@code registry}, or an embedded one when both are null. */
  static BenchCluster open(String bootstrap, String registry) {
    LocalStack stack = null;
    if (bootstrap == null) {
      stack = LocalStack.start(StackOptions.defaults());
      bootstrap = stack.bootstrapServers();
      registry = stack.registryUrl();
    }
    try {
      BenchCluster c = new BenchCluster(stack, bootstrap, registry);
      TopicSetup.createMissing(c.admin, Topics.TELEMETRY_PARTITIONS, (short) 1);
      SchemaBootstrap.run(c.registry);
      return c;
    } catch (RuntimeException e) {
      if (stack != null) {
        stack.close();
      }
      throw e;
    }
  }

  String bootstrap() {
    return bootstrap;
  }

  String registryUrl() {
    return registryUrl;
  }

  /** CPU seconds the embedded broker has used so far; NaN for an external cluster. */
  double brokerCpuSeconds() {
    return stack == null || stack.brokerPid().isEmpty() ? Double.NaN : Cpu.ofProcess(stack.brokerPid().getAsLong());
  }

  /** The embedded broker's compiler threads' CPU seconds by thread ({@link Cpu#compilerThreads}); empty if external. */
  Map<String, Double> brokerCompilerThreads() {
    return stack == null || stack.brokerPid().isEmpty() ? Map.of() : Cpu.compilerThreads(stack.brokerPid().getAsLong());
  }

  RestSchemaRegistryClient registry() {
    return registry;
  }

  /** The probe agent's producer settings ({@link ProbeProducerSettings}), against this benchmark's cluster. */
  static Map<String, Object> probeProducerConfig(String bootstrap, String clientId) {
    return ProbeProducerSettings.config(clientId, Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  List<TopicPartition> partitions(Collection<String> topics) {
    List<TopicPartition> out = new ArrayList<>();
    get(admin.describeTopics(topics).allTopicNames(), "describe topics").forEach((name, d) ->
        d.partitions().forEach(p -> out.add(new TopicPartition(name, p.partition()))));
    out.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
    return out;
  }

  Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
    partitions.forEach(tp -> spec.put(tp, OffsetSpec.latest()));
    Map<TopicPartition, Long> out = new HashMap<>();
    get(admin.listOffsets(spec).all(), "read end offsets").forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }

  /** The topics whose names start with {@code prefix} and end with {@code suffix}, sorted. */
  List<String> topics(String prefix, String suffix) {
    return get(admin.listTopics().names(), "list topics").stream()
        .filter(t -> t.startsWith(prefix) && t.endsWith(suffix)).sorted().toList();
  }

  long endOffsetSum(Collection<String> topics) {
    return endOffsets(partitions(topics)).values().stream().mapToLong(Long::longValue).sum();
  }

  /** The committed offsets of {@code group}; partitions without a commit are absent. */
  Map<TopicPartition, Long> committed(String group) {
    Map<TopicPartition, Long> out = new HashMap<>();
    get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(), "read committed offsets")
        .forEach((tp, om) -> {
          if (om != null) {
            out.put(tp, om.offset());
          }
        });
    return out;
  }

  /** Makes {@code group} (an application id not yet started) begin at {@code start}. */
  void startGroupAt(String group, Map<TopicPartition, Long> start) {
    Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>();
    start.forEach((tp, off) -> m.put(tp, new OffsetAndMetadata(off)));
    get(admin.alterConsumerGroupOffsets(group, m).all(), "set the group's start offsets");
  }

  void deleteGroup(String group) {
    try {
      admin.deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // a group left behind on a shared cluster is harmless
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static <T> T get(KafkaFuture<T> f, String what) {
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot " + what + ": "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while trying to " + what, e);
    }
  }

  @Override
  public void close() {
    admin.close();
    registry.close();
    if (stack != null) {
      stack.close();
    }
  }
}
