package io.faultline.probe;

import io.faultline.probe.bench.ProbeBench;
import io.faultline.probe.config.ProbeConfig;
import io.faultline.probe.json.SampleJson;
import io.faultline.probe.spool.Spool;
import io.faultline.probe.spool.SpoolSender;
import io.faultline.probe.spool.SpoolSink;
import io.faultline.probe.topology.Inventory;
import io.faultline.probe.topology.InventoryException;
import io.faultline.probe.topology.TopologyApply;
import io.faultline.schemas.config.ConfigException;
import io.faultline.schemas.registry.SchemaRegistries;
import io.faultline.schemas.registry.SchemaRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of {@code ./faultline probe}, {@code ./faultline topology} and
 * {@code ./faultline bench probe}.
 *
 * <pre>
 * probe --config FILE [--once] [--bootstrap HOST:PORT] [--registry URL] [--set KEY=VALUE ...]
 * topology apply FILE [--config FILE] [--bootstrap HOST:PORT] [--registry URL] [--source NAME]
 * bench probe [--seconds N] [--checks N] [--bootstrap HOST:PORT --registry URL]
 * </pre>
 *
 * Usage and configuration errors print one line {@code faultline CMD: REASON} and exit 2.
 */
public final class ProbeCli {

  static {
    // Logs go to stderr (stdout carries --once's JSON); Kafka's own chatter only when it matters.
    System.setProperty("org.slf4j.simpleLogger.logFile", System.getProperty("org.slf4j.simpleLogger.logFile", "System.err"));
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka",
        System.getProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "warn"));
  }

  private static final Logger LOG = LoggerFactory.getLogger(ProbeCli.class);

  /** A usage or configuration error: printed as one line, exit code 2. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private ProbeCli() {}

  public static void main(String[] args) {
    String cmd = args.length == 0 ? "probe" : args[0];
    int code;
    try {
      code = run(args, System.out, System.getenv());
    } catch (UsageException | ConfigException | InventoryException e) {
      System.err.println("faultline " + cmd + ": " + e.getMessage());
      code = 2;
    } catch (RuntimeException e) {
      System.err.println("faultline " + cmd + ": " + e.getMessage());
      LOG.debug("failure", e);
      code = 1;
    }
    System.exit(code);
  }

  /** Runs a command without exiting; usage and configuration errors are thrown (see {@link #main}). */
  public static int run(String[] args, PrintStream out, Map<String, String> env) {
    if (args.length == 0) {
      throw new UsageException("no command (probe, topology apply, bench probe)");
    }
    List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
    return switch (args[0]) {
      case "probe" -> probe(new Flags(rest), out, env);
      case "topology" -> {
        if (rest.isEmpty() || !rest.get(0).equals("apply")) {
          throw new UsageException("usage: topology apply FILE [--config FILE] [--bootstrap HOST:PORT] [--registry URL] [--source NAME]");
        }
        yield topologyApply(new Flags(rest.subList(1, rest.size())), out, env);
      }
      case "bench" -> {
        if (rest.isEmpty() || !rest.get(0).equals("probe")) {
          throw new UsageException("usage: bench probe [--seconds N] [--checks N]");
        }
        try {
          yield ProbeBench.run(new Flags(rest.subList(1, rest.size())).named, out);
        } catch (IllegalArgumentException e) {
          throw new UsageException(e.getMessage());
        }
      }
      default -> throw new UsageException("unknown command '" + args[0] + "'");
    };
  }

  private static int probe(Flags flags, PrintStream out, Map<String, String> env) {
    flags.allow("config", "once", "bootstrap", "registry", "set");
    if (!flags.positional.isEmpty()) {
      throw new UsageException("unexpected argument '" + flags.positional.get(0) + "'");
    }
    String file = flags.named.get("config");
    if (file == null) {
      throw new UsageException("--config FILE is required (see probe-agent/config/probe-sample.yaml)");
    }
    ProbeConfig config = ProbeConfig.load(Path.of(file), env, flags.overrides());
    if (flags.named.containsKey("once")) {
      try (ProbeAgent agent = new ProbeAgent(config, samples -> { })) {
        for (Sample s : agent.runOnce(1_000)) {
          out.println(SampleJson.toJson(s));
        }
        out.flush();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 1;
      }
      return 0;
    }
    runAgent(config);
    return 0;
  }

  /** Runs until SIGTERM/SIGINT, then stops cleanly: checks first, then the sender, then the spool. */
  static void runAgent(ProbeConfig config) {
    Spool spool = new Spool(config.spoolDir(), config.spoolMaxBytes(), config.spoolSegmentBytes(), config.overflow());
    SchemaRegistry registry = SchemaRegistries.fromConfig(config.registryProperties());
    SpoolSender sender = SpoolSender.forKafka(spool, registry, config.probeId(), config.kafka());
    ProbeAgent agent = new ProbeAgent(config, new SpoolSink(spool));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      agent.close();
      sender.close(Duration.ofSeconds(5));
      spool.close();
      registry.close();
      stopped.countDown();
    }, "faultline-probe-shutdown"));
    sender.start();
    agent.start();
    LOG.info("probe {} running: {} checks, spool {} ({} pending), Kafka {}", config.probeId(), config.checkCount(),
        spool.dir(), spool.pending(), config.kafka().get("bootstrap.servers"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int topologyApply(Flags flags, PrintStream out, Map<String, String> env) {
    flags.allow("config", "bootstrap", "registry", "source", "set");
    if (flags.positional.size() != 1) {
      throw new UsageException("usage: topology apply FILE [--config FILE] [--bootstrap HOST:PORT] [--registry URL] [--source NAME]");
    }
    Path file = Path.of(flags.positional.get(0));
    String cfg = flags.named.get("config");
    ProbeConfig config = ProbeConfig.load(cfg == null ? null : Path.of(cfg), env, flags.overrides());
    Instant now = Instant.now();
    Inventory inventory = Inventory.load(file, flags.named.get("source"), now);
    try (SchemaRegistry registry = SchemaRegistries.fromConfig(config.registryProperties())) {
      TopologyApply.Result r = new TopologyApply(config.kafka(), registry).apply(inventory, now);
      out.printf("applied %s as %s: %d declared or changed, %d unchanged, %d removed%n",
          file, inventory.source(), r.declared(), r.unchanged(), r.removed());
    }
    return 0;
  }

  /** {@code --name value}, {@code --name=value} and bare {@code --flag}; repeated {@code --set k=v}. */
  static final class Flags {
    final Map<String, String> named = new LinkedHashMap<>();
    final List<String> sets = new ArrayList<>();
    final List<String> positional = new ArrayList<>();

    Flags(List<String> args) {
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        if (!a.startsWith("--")) {
          positional.add(a);
          continue;
        }
        String name = a.substring(2);
        String value = null;
        int eq = name.indexOf('=');
        if (eq >= 0) {
          value = name.substring(eq + 1);
          name = name.substring(0, eq);
        } else if (!name.equals("once") && i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
          value = args.get(++i);
        }
        if (name.equals("set")) {
          if (value == null || !value.contains("=")) {
            throw new UsageException("--set needs KEY=VALUE");
          }
          sets.add(value);
        }
        named.put(name, value == null ? "" : value);
      }
    }

    void allow(String... names) {
      List<String> ok = List.of(names);
      for (String n : named.keySet()) {
        if (!ok.contains(n)) {
          throw new UsageException("unknown option --" + n);
        }
      }
      for (String n : List.of("config", "bootstrap", "registry", "source")) {
        if (named.containsKey(n) && named.get(n).isEmpty()) {
          throw new UsageException("--" + n + " needs a value");
        }
      }
    }

    /** The flag layer of the configuration. */
    Map<String, String> overrides() {
      Map<String, String> o = new LinkedHashMap<>();
      for (String s : sets) {
        o.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
      }
      if (named.containsKey("bootstrap")) {
        o.put("kafka.bootstrap.servers", named.get("bootstrap"));
      }
      if (named.containsKey("registry")) {
        o.put("registry.url", named.get("registry"));
      }
      return o;
    }
  }
}
