package io.faultline.stack;

import io.faultline.schemas.Topic;
import io.faultline.schemas.TopicCreation;
import io.faultline.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker (single-node KRaft) and a real schema registry (Apicurio, Confluent API) on
 * 127.0.0.1, each in its own child JVM: what the demo, the CLIs and every integration test run
 * against. No Docker.
 *
 * <p>Attached stacks (the default) die with this JVM: a shutdown hook stops them, and each child
 * also exits when its parent disappears (see {@link ParentWatch}), so even a killed test JVM leaves
 * nothing behind. Detached stacks ({@link StackOptions#detached()}) are for {@code stack up}.
 */
public final class LocalStack implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
  private static final String TEMP_PREFIX = "faultline-stack-";
  /** A temp stack younger than this may still be starting its processes. */
  private static final Duration ORPHAN_AGE = Duration.ofMinutes(10);

  private final StackOptions options;
  private final Path dataDir;
  private final boolean tempDir;
  private final KafkaBroker broker;
  private final ApicurioRegistry registry;
  private final Thread shutdownHook;
  private volatile boolean closed;

  private LocalStack(StackOptions options, Path dataDir, boolean tempDir, KafkaBroker broker,
      ApicurioRegistry registry) {
    this.options = options;
    this.dataDir = dataDir;
    this.tempDir = tempDir;
    this.broker = broker;
    this.registry = registry;
    this.shutdownHook = options.detached() ? null : new Thread(this::stopFromHook, "faultline-stack-shutdown");
  }

  /**
   * Starts the broker and the registry (in parallel) and returns once both answer.
   *
   * @throws StackException naming the part that failed, with the tail of its log
   */
  public static LocalStack start(StackOptions options) {
    boolean temp = options.dataDir() == null;
    if (temp) {
      sweepOrphanedTempDirs(Path.of(System.getProperty("java.io.tmpdir")));
    }
    Path dir;
    try {
      dir = temp ? Files.createTempDirectory(TEMP_PREFIX) : Files.createDirectories(options.dataDir());
    } catch (IOException e) {
      throw new StackException("cannot create the stack data directory: " + e.getMessage(), e);
    }
    dir = dir.toAbsolutePath().normalize();
    int[] ports = freePorts(options.kafkaPort(), options.controllerPort(), options.registryPort());
    String marker = dir.toString();
    KafkaBroker broker = new KafkaBroker(dir.resolve("kafka"), ports[0], ports[1], options.brokerHeap(),
        options.detached(), marker);
    ApicurioRegistry registry = new ApicurioRegistry(dir.resolve("registry"), ports[2],
        options.registryStorage(), options.registryHeap(), options.detached(), marker);
    LocalStack stack = new LocalStack(options, dir, temp, broker, registry);
    if (stack.shutdownHook != null) {
      Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
    }
    long t0 = System.nanoTime();
    // The registry does not need Kafka (H2 storage), so both JVMs boot side by side.
    RuntimeException[] registryFailure = new RuntimeException[1];
    Thread registryStart = new Thread(() -> {
      try {
        registry.start(options.startTimeout());
      } catch (RuntimeException e) {
        registryFailure[0] = e;
      }
    }, "faultline-registry-start");
    registryStart.start();
    RuntimeException failure = null;
    try {
      broker.start(options.startTimeout());
    } catch (RuntimeException e) {
      failure = e;
    }
    // Wait for the registry's outcome even after a broker failure: closing while it still starts
    // would leave its process behind.
    boolean interrupted = false;
    while (registryStart.isAlive()) {
      try {
        registryStart.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure == null) {
      failure = registryFailure[0];
    }
    if (failure != null) {
      stack.close();
      throw failure;
    }
    LOG.info("local stack ready in {} ms: kafka {} (pid {}), registry {} (pid {}), data {}",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), stack.bootstrapServers(), broker.pid(),
        stack.registryUrl(), registry.pid(), dir);
    return stack;
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  public String registryUrl() {
    return registry.url();
  }

  public Path dataDir() {
    return dataDir;
  }

  public StackOptions options() {
    return options;
  }

  /** The broker's process id while it runs. */
  public OptionalLong brokerPid() {
    return broker.isRunning() ? OptionalLong.of(broker.pid()) : OptionalLong.empty();
  }

  /** The registry's process id while it runs. */
  public OptionalLong registryPid() {
    return registry.isRunning() ? OptionalLong.of(registry.pid()) : OptionalLong.empty();
  }

  /** An admin client on this stack; the caller closes it. */
  public Admin admin() {
    return KafkaBroker.admin(bootstrapServers(), Duration.ofSeconds(30));
  }

  /**
   * Creates the topics that do not exist yet, each with its catalogue partitions and configs, and
   * returns once they accept writes. Existing topics are left as they are.
   */
  public void createTopics(Collection<Topic<?>> topics) {
    List<NewTopic> all = new ArrayList<>();
    for (Topic<?> t : topics) {
      all.add(new NewTopic(t.name(), t.partitions(), (short) 1).configs(t.configs()));
    }
    create(all);
  }

  /** Every topic of {@link Topics#ALL} plus the dead-letter topic. */
  public void createFaultlineTopics() {
    create(TopicCreation.faultlineTopics(Topics.TELEMETRY_PARTITIONS, (short) 1));
  }

  private void create(List<NewTopic> topics) {
    try (Admin admin = admin()) {
      TopicCreation.createMissing(admin, topics, Duration.ofSeconds(30));
    } catch (IllegalStateException e) {
      throw new StackException(e.getMessage() + " (broker " + bootstrapServers() + ")", e);
    }
  }

  /** Stops the broker (controlled shutdown); its ports and data stay reserved for {@link #startBroker()}. */
  public void stopBroker() {
    broker.stop();
  }

  /** Starts the broker again on the same ports and data directory and waits until it answers. */
  public void startBroker() {
    if (closed) {
      throw new IllegalStateException("the stack is closed");
    }
    broker.start(options.startTimeout());
  }

  /** Stops both processes, waits for them to exit, and deletes a temporary data directory. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopAll();
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // The hook is running or has run; nothing to remove.
      }
    }
    if (tempDir) {
      deleteRecursively(dataDir);
    }
  }

  /** A JVM exiting without close(): still stop the children and remove a temp dir. */
  private void stopFromHook() {
    if (closed) {
      return;
    }
    closed = true;
    stopAll();
    if (tempDir) {
      deleteRecursively(dataDir);
    }
  }

  private void stopAll() {
    // Both stop in parallel: a broker's controlled shutdown takes a few seconds on its own.
    Thread r = new Thread(registry::stop, "faultline-registry-stop");
    r.start();
    broker.stop();
    try {
      r.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> {
        try {
          Files.deleteIfExists(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("could not delete {}: {}", dir, e.getMessage());
    }
  }

  /**
   * Removes temp data dirs of stacks whose parent JVM was killed (its children exit, see
   * {@link ParentWatch}, but nobody is left to delete the dir): older than {@link #ORPHAN_AGE} and
   * no live process carries the dir's marker.
   */
  static void sweepOrphanedTempDirs(Path tmp) {
    List<Path> candidates;
    try (Stream<Path> dirs = Files.list(tmp)) {
      long cutoff = System.currentTimeMillis() - ORPHAN_AGE.toMillis();
      candidates = dirs.filter(d -> d.getFileName().toString().startsWith(TEMP_PREFIX))
          .filter(d -> {
            try {
              return Files.isDirectory(d) && Files.getLastModifiedTime(d).toMillis() < cutoff;
            } catch (IOException e) {
              return false;
            }
          }).toList();
    } catch (IOException | UncheckedIOException e) {
      return;
    }
    if (candidates.isEmpty()) {
      return;
    }
    List<String> commandLines = ProcessHandle.allProcesses()
        .map(p -> p.info().commandLine().orElse("")).filter(c -> c.contains(JavaProcess.STACK_MARKER_PROPERTY)).toList();
    for (Path d : candidates) {
      String marker = "-D" + JavaProcess.STACK_MARKER_PROPERTY + "=" + d.toAbsolutePath().normalize();
      if (commandLines.stream().noneMatch(c -> c.contains(marker + " ") || c.endsWith(marker))) {
        LOG.info("removing {}: left by a stack whose JVM was killed", d);
        deleteRecursively(d);
      }
    }
  }

  /** Picks a free port for each 0 entry; fixed ports are checked so a clash fails fast and clearly. */
  static int[] freePorts(int... wanted) {
    int[] out = new int[wanted.length];
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < wanted.length; i++) {
        ServerSocket s;
        try {
          s = new ServerSocket(wanted[i], 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
          throw new StackException("port " + wanted[i] + " on 127.0.0.1 is in use (" + e.getMessage() + ")", e);
        }
        s.setReuseAddress(true);
        held.add(s);
        out[i] = s.getLocalPort();
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket s : held) {
        try {
          s.close();
        } catch (IOException ignored) {
          // Closing a probe socket cannot lose anything.
        }
      }
    }
  }

  @Override
  public String toString() {
    return "LocalStack[kafka=" + bootstrapServers() + ", registry=" + registryUrl() + ", data=" + dataDir + "]";
  }
}
