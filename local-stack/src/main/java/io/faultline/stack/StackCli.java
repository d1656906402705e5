package io.faultline.stack;

import io.faultline.schemas.SchemaBootstrap;
import io.faultline.schemas.config.ConfigException;
import io.faultline.schemas.config.LayeredConfig;
import io.faultline.schemas.registry.RegistryClientConfig;
import io.faultline.schemas.registry.RegistryException;
import io.faultline.schemas.registry.RestSchemaRegistryClient;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * {@code ./faultline stack up|down|status}: a long-lived local stack for trying the CLIs by hand.
 *
 * <p>{@code up} starts the broker and an H2-file-backed registry detached (they outlive this
 * command) under {@code $FAULTLINE_HOME/stack}, records their pids and addresses there, creates
 * the Faultline topics, registers their value schemas (BACKWARD) and exits. {@code down} stops exactly those pids (checking each still runs
 * this stack before signalling it) and {@code status} reports them. Ports default to 9092 (Kafka),
 * 9093 (KRaft controller) and 8081 (registry); see {@link #DEFAULTS} for the settings.
 *
 * <p>Exit codes: 0 success (status: both ready), 1 failure (status: not running or not ready),
 * 2 bad usage.
 */
public final class StackCli {

  static final String STACK_DIR = "stack";
  static final String BROKER_PID = "broker.pid";
  static final String REGISTRY_PID = "registry.pid";

  /** Settings of {@code stack up}; each is also a flag ({@code --kafka-port}) and a FAULTLINE_ variable. */
  static final Map<String, Object> DEFAULTS = Map.of(
      "stack.kafka.port", 9092,
      "stack.controller.port", 9093,
      "stack.registry.port", 8081,
      "stack.broker.heap", "512m",
      "stack.registry.heap", "256m");

  private static final Map<String, String> FLAGS = Map.of(
      "--kafka-port", "stack.kafka.port",
      "--controller-port", "stack.controller.port",
      "--registry-port", "stack.registry.port",
      "--broker-heap", "stack.broker.heap",
      "--registry-heap", "stack.registry.heap");

  private static final String USAGE = "usage: stack up [--kafka-port N] [--controller-port N] [--registry-port N]"
      + " [--broker-heap 512m] [--registry-heap 256m] | stack status | stack down";

  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;

  StackCli(Map<String, String> env, PrintStream out, PrintStream err) {
    this.env = env;
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    quietClients();
    System.exit(new StackCli(System.getenv(), System.out, System.err).run(args));
  }

  /** Admin clients log every retry at INFO; a CLI prints its own story. */
  static void quietClients() {
    if (System.getProperty("org.slf4j.simpleLogger.log.org.apache.kafka") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
    }
    if (System.getProperty("org.slf4j.simpleLogger.log.io.faultline.stack") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.io.faultline.stack", "warn");
    }
  }

  int run(String[] args) {
    // The launcher passes the command name first (./faultline stack up -> "stack" "up").
    if (args.length > 0 && args[0].equals("stack")) {
      args = Arrays.copyOfRange(args, 1, args.length);
    }
    if (args.length == 0) {
      return usage("no subcommand given (" + USAGE + ")");
    }
    String cmd = args[0];
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    try {
      return switch (cmd) {
        case "up" -> up(rest);
        case "status" -> rest.length == 0 ? status() : usage("status takes no arguments");
        case "down" -> rest.length == 0 ? down() : usage("down takes no arguments");
        case "help", "-h", "--help" -> {
          out.println(USAGE);
          yield 0;
        }
        default -> usage("unknown subcommand '" + cmd + "' (" + USAGE + ")");
      };
    } catch (ConfigException e) {
      return usage(e.getMessage());
    } catch (StackException | UncheckedIOException | RegistryException e) {
      err.println("faultline stack: " + e.getMessage());
      return 1;
    }
  }

  private int usage(String reason) {
    err.println("faultline stack: " + reason);
    return 2;
  }

  Path stackDir() {
    String home = env.get("FAULTLINE_HOME");
    Path base = home == null || home.isBlank() ? Path.of(".faultline") : Path.of(home);
    return base.resolve(STACK_DIR).toAbsolutePath().normalize();
  }

  private int up(String[] args) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      String key = FLAGS.get(name);
      if (key == null) {
        return usage("unknown option '" + a + "' (" + USAGE + ")");
      }
      String value;
      if (a.contains("=")) {
        value = a.substring(a.indexOf('=') + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        return usage("option " + name + " needs a value");
      }
      flags.put(key, value);
    }
    LayeredConfig config = LayeredConfig.load(DEFAULTS, null, env, flags);
    int kafkaPort = port(config, "stack.kafka.port");
    int controllerPort = port(config, "stack.controller.port");
    int registryPort = port(config, "stack.registry.port");
    StackOptions.Builder options;
    try {
      options = StackOptions.builder().dataDir(stackDir()).detached(true)
          .registryStorage(StackOptions.RegistryStorage.H2_FILE)
          .kafkaPort(kafkaPort).controllerPort(controllerPort).registryPort(registryPort)
          .brokerHeap(config.string("stack.broker.heap")).registryHeap(config.string("stack.registry.heap"));
      options.build();
    } catch (IllegalArgumentException e) {
      return usage(e.getMessage());
    }

    Path dir = stackDir();
    Optional<ProcessHandle> broker = running(dir, BROKER_PID);
    Optional<ProcessHandle> registry = running(dir, REGISTRY_PID);
    if (broker.isPresent() && registry.isPresent()) {
      out.println("faultline stack: already running (pids " + broker.get().pid() + ", " + registry.get().pid() + ")");
      StackAddresses.read(dir.getParent()).ifPresent(this::printAddresses);
      return 0;
    }
    if (broker.isPresent() || registry.isPresent()) {
      err.println("faultline stack: only half of the stack is running; run 'stack down' first");
      return 1;
    }
    clearState(dir);
    checkFree(kafkaPort, "kafka", "--kafka-port", "stack.kafka.port");
    checkFree(controllerPort, "controller", "--controller-port", "stack.controller.port");
    checkFree(registryPort, "registry", "--registry-port", "stack.registry.port");

    long t0 = System.nanoTime();
    LocalStack stack = LocalStack.start(options.build());
    try {
      writePid(dir.resolve(BROKER_PID), stack.brokerPid().getAsLong());
      writePid(dir.resolve(REGISTRY_PID), stack.registryPid().getAsLong());
      StackAddresses addresses = new StackAddresses(stack.bootstrapServers(), stack.registryUrl());
      addresses.write(dir);
      stack.createFaultlineTopics();
      try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(
          RegistryClientConfig.builder(stack.registryUrl()).build())) {
        SchemaBootstrap.run(client);
      }
      out.printf("faultline stack: up in %.1f s (broker pid %d, registry pid %d, data %s)%n",
          (System.nanoTime() - t0) / 1e9, stack.brokerPid().getAsLong(), stack.registryPid().getAsLong(), dir);
      printAddresses(addresses);
      return 0;
    } catch (RuntimeException e) {
      stack.close();
      clearState(dir);
      throw e;
    }
  }

  private void printAddresses(StackAddresses a) {
    out.println("bootstrap.servers=" + a.bootstrapServers());
    out.println("registry.url=" + a.registryUrl());
  }

  private static int port(LayeredConfig config, String key) {
    return (int) config.number(key, 1, 65535);
  }

  private static void checkFree(int port, String what, String flag, String key) {
    try {
      LocalStack.freePorts(port);
    } catch (StackException e) {
      throw new StackException(what + " port " + port + " is in use: pass " + flag + " N or set "
          + LayeredConfig.envName(key));
    }
  }

  private int status() {
    Path dir = stackDir();
    Optional<StackAddresses> addresses = StackAddresses.read(dir.getParent());
    Optional<ProcessHandle> broker = running(dir, BROKER_PID);
    Optional<ProcessHandle> registry = running(dir, REGISTRY_PID);
    boolean brokerReady = broker.isPresent() && addresses.map(a -> brokerAnswers(a.bootstrapServers())).orElse(false);
    boolean registryReady = registry.isPresent()
        && addresses.map(a -> ApicurioRegistry.answers(HttpClient.newHttpClient(), a.registryUrl())).orElse(false);
    out.println(line("broker", broker, brokerReady, addresses.map(StackAddresses::bootstrapServers)));
    out.println(line("registry", registry, registryReady, addresses.map(StackAddresses::registryUrl)));
    return brokerReady && registryReady ? 0 : 1;
  }

  private static String line(String name, Optional<ProcessHandle> p, boolean ready, Optional<String> address) {
    if (p.isEmpty()) {
      return String.format("%-9s stopped", name);
    }
    return String.format("%-9s running (pid %d), %s, %s", name, p.get().pid(), ready ? "ready" : "not answering",
        address.orElse("?"));
  }

  private static boolean brokerAnswers(String bootstrap) {
    try (Admin admin = KafkaBroker.admin(bootstrap, Duration.ofSeconds(3))) {
      return !admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes()
          .get(5, TimeUnit.SECONDS).isEmpty();
    } catch (Exception e) {
      return false;
    }
  }

  private int down() {
    Path dir = stackDir();
    boolean any = false;
    boolean failed = false;
    for (String pidFile : List.of(REGISTRY_PID, BROKER_PID)) {
      Optional<ProcessHandle> p = running(dir, pidFile);
      if (p.isPresent()) {
        any = true;
        String name = pidFile.replace(".pid", "");
        // The broker's controlled shutdown takes a few seconds; SIGKILL only if it hangs.
        if (JavaProcess.stop(p.get(), Duration.ofSeconds(30))) {
          out.println("faultline stack: stopped " + name + " (pid " + p.get().pid() + ")");
        } else {
          err.println("faultline stack: " + name + " (pid " + p.get().pid() + ") did not exit");
          failed = true;
        }
      }
    }
    if (failed) {
      return 1;
    }
    clearState(dir);
    if (!any) {
      out.println("faultline stack: not running");
    }
    return 0;
  }

  /** The process recorded in {@code pidFile} if it is alive and still one of this stack's. */
  static Optional<ProcessHandle> running(Path stackDir, String pidFile) {
    Path f = stackDir.resolve(pidFile);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readString(f, StandardCharsets.UTF_8).trim());
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
    String marker = "-D" + JavaProcess.STACK_MARKER_PROPERTY + "=" + stackDir;
    // A recycled pid belongs to someone else: only a process carrying our marker is ours.
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false));
  }

  private static void writePid(Path file, long pid) {
    try {
      Files.writeString(file, pid + System.lineSeparator(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void clearState(Path stackDir) {
    try {
      for (String f : List.of(BROKER_PID, REGISTRY_PID, StackAddresses.FILE_NAME)) {
        Files.deleteIfExists(stackDir.resolve(f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean " + stackDir, e);
    }
  }
}
