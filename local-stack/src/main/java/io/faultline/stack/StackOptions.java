package io.faultline.stack;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to start a {@link LocalStack}. Defaults suit tests: a temporary data directory deleted on
 * close, free ports, an in-memory registry, and child processes that die with this JVM.
 *
 * @param dataDir where the broker log, registry database and process logs live; {@code null}
 *     means a temporary directory removed by {@link LocalStack#close()}
 * @param kafkaPort client listener port; 0 picks a free one
 * @param controllerPort KRaft controller listener port; 0 picks a free one
 * @param registryPort registry HTTP port; 0 picks a free one
 * @param registryStorage in memory (lost on stop) or an H2 file under the data directory
 * @param brokerHeap JVM {@code -Xmx} of the broker, e.g. {@code 512m}
 * @param registryHeap JVM {@code -Xmx} of the registry, e.g. {@code 256m}
 * @param detached false: the processes die with this JVM (shutdown hook plus a watch of the
 *     parent inside each child); true: they outlive it in their own session ({@code stack up})
 * @param startTimeout how long each process may take to answer
 */
public record StackOptions(
    Path dataDir,
    int kafkaPort,
    int controllerPort,
    int registryPort,
    RegistryStorage registryStorage,
    String brokerHeap,
    String registryHeap,
    boolean detached,
    Duration startTimeout) {

  /** Where the registry keeps its schemas. */
  public enum RegistryStorage {
    /** H2 in memory: fastest, nothing survives a registry restart. */
    IN_MEMORY,
    /** H2 file under {@code dataDir/registry}: schemas survive a restart. */
    H2_FILE
  }

  public StackOptions {
    checkPort(kafkaPort, "kafkaPort");
    checkPort(controllerPort, "controllerPort");
    checkPort(registryPort, "registryPort");
    if (registryStorage == null) {
      throw new IllegalArgumentException("registryStorage is required");
    }
    if (registryStorage == RegistryStorage.H2_FILE && dataDir == null) {
      throw new IllegalArgumentException("an H2 file registry needs a dataDir that outlives the stack");
    }
    if (detached && dataDir == null) {
      throw new IllegalArgumentException("a detached stack needs a dataDir (a temp dir would be deleted on close)");
    }
    checkHeap(brokerHeap, "brokerHeap");
    checkHeap(registryHeap, "registryHeap");
    if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("startTimeout must be positive");
    }
  }

  /** Test defaults: temp dir, free ports, in-memory registry, 512m broker, 256m registry. */
  public static StackOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().dataDir(dataDir).kafkaPort(kafkaPort).controllerPort(controllerPort)
        .registryPort(registryPort).registryStorage(registryStorage).brokerHeap(brokerHeap)
        .registryHeap(registryHeap).detached(detached).startTimeout(startTimeout);
  }

  private static void checkPort(int port, String name) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(name + " must be 0 (free port) or 1-65535, got " + port);
    }
  }

  private static void checkHeap(String heap, String name) {
    if (heap == null || !heap.matches("[1-9][0-9]*[kKmMgG]?")) {
      throw new IllegalArgumentException(name + " must look like 512m or 1g, got '" + heap + "'");
    }
  }

  public static final class Builder {
    private Path dataDir;
    private int kafkaPort;
    private int controllerPort;
    private int registryPort;
    private RegistryStorage registryStorage = RegistryStorage.IN_MEMORY;
    private String brokerHeap = "512m";
    private String registryHeap = "256m";
    private boolean detached;
    private Duration startTimeout = Duration.ofSeconds(120);

    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    public Builder kafkaPort(int kafkaPort) {
      this.kafkaPort = kafkaPort;
      return this;
    }

    public Builder controllerPort(int controllerPort) {
      this.controllerPort = controllerPort;
      return this;
    }

    public Builder registryPort(int registryPort) {
      this.registryPort = registryPort;
      return this;
    }

    public Builder registryStorage(RegistryStorage registryStorage) {
      this.registryStorage = registryStorage;
      return this;
    }

    public Builder brokerHeap(String brokerHeap) {
      this.brokerHeap = brokerHeap;
      return this;
    }

    public Builder registryHeap(String registryHeap) {
      this.registryHeap = registryHeap;
      return this;
    }

    public Builder detached(boolean detached) {
      this.detached = detached;
      return this;
    }

    public Builder startTimeout(Duration startTimeout) {
      this.startTimeout = startTimeout;
      return this;
    }

    public StackOptions build() {
      return new StackOptions(dataDir, kafkaPort, controllerPort, registryPort, registryStorage,
          brokerHeap, registryHeap, detached, startTimeout);
    }
  }
}
