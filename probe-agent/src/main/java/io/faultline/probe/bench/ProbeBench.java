package io.faultline.probe.bench;

import io.faultline.probe.config.ProbeConfig.OverflowPolicy;
import io.faultline.probe.spool.Spool;
import io.faultline.schemas.bench.BenchReport;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code ./faultline bench probe}: runs the real agent, as its own JVM with the launcher's JVM
 * options ({@code probe-agent/jvm.options}), against local targets (a JDK HTTP server and
 * dnsmasq on loopback) with {@code --checks} checks at a 10 s interval, and prints its resident
 * memory and CPU share, both read from the agent process's own {@code /proc/PID/status} and
 * {@code /proc/PID/stat} (utime + stime over the measured window, after a warm-up).
 *
 * <p>Without {@code --bootstrap}/{@code --registry} the agent's Kafka is unreachable and it
 * spools everything (the outage path); with them it publishes to that cluster.
 */
public final class ProbeBench {

  /** Used when {@code probe-agent/jvm.options} cannot be found (no launcher root). */
  static final String DEFAULT_JVM_OPTIONS = "-XX:+UseSerialGC -Xmx64m -XX:TieredStopAtLevel=1 -Xss256k";

  private ProbeBench() {}

  public static int run(Map<String, String> flags, PrintStream out) {
    for (String k : flags.keySet()) {
      if (!List.of("seconds", "warmup", "checks", "bootstrap", "registry").contains(k)) {
        throw new IllegalArgumentException("unknown option --" + k + " (bench probe takes --seconds, --warmup, --checks, --bootstrap, --registry)");
      }
    }
    int seconds = Integer.parseInt(flags.getOrDefault("seconds", "60"));
    int warmup = Integer.parseInt(flags.getOrDefault("warmup", "20"));
    int checks = Integer.parseInt(flags.getOrDefault("checks", "50"));
    if (checks < 10) {
      throw new IllegalArgumentException("--checks must be at least 10");
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("faultline-bench-probe-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (TestTargets web = new TestTargets();
         Dnsmasq dns = Dnsmasq.start("bench.internal", names(checks), dir.resolve("dnsmasq.log"))) {
      String bootstrap = flags.getOrDefault("bootstrap", "127.0.0.1:" + closedPort());
      String registry = flags.getOrDefault("registry", "http://127.0.0.1:" + closedPort());
      Path config = dir.resolve("probe-bench.yaml");
      int actual = writeConfig(config, dir.resolve("spool"), web, dns, checks, bootstrap, registry);
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(jvmOptions());
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.faultline.probe.ProbeCli",
          "probe", "--config", config.toString()));
      Path log = dir.resolve("agent.log");
      Process agent = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      try {
        out.printf("bench probe: %d checks at 10 s interval, Kafka %s; warm-up %d s, measuring %d s%n",
            actual, flags.containsKey("bootstrap") ? bootstrap : "unreachable (spooling)", warmup, seconds);
        sleep(warmup * 1000L, agent);
        long clk = clockTicks();
        long cpu0 = cpuTicks(agent.pid());
        long t0 = System.nanoTime();
        long maxRss = 0;
        for (int i = 0; i < seconds; i++) {
          sleep(1000, agent);
          maxRss = Math.max(maxRss, statusKb(agent.pid(), "VmRSS"));
        }
        long cpu1 = cpuTicks(agent.pid());
        double wall = (System.nanoTime() - t0) / 1e9;
        long rss = statusKb(agent.pid(), "VmRSS");
        long hwm = statusKb(agent.pid(), "VmHWM");
        double cpuShare = (cpu1 - cpu0) / (double) clk / wall;
        agent.destroy();
        if (!agent.waitFor(20, TimeUnit.SECONDS)) {
          agent.destroyForcibly().waitFor();
        }
        long samples;
        try (Spool spool = new Spool(dir.resolve("spool"), 1L << 40, 1L << 20, OverflowPolicy.DROP_NEWEST)) {
          samples = spool.endOffset();
        }
        new BenchReport("probe", "metric", "value", "unit", "target")
            .parameter("checks", actual)
            .parameter("intervalSeconds", 10)
            .parameter("warmupSeconds", warmup)
            .parameter("measuredSeconds", Math.round(wall))
            .parameter("kafka", flags.containsKey("bootstrap") ? bootstrap : "unreachable (spooling)")
            .parameter("jvmOptions", String.join(" ", jvmOptions()))
            .row("resident memory at end (VmRSS)", rss / 1024.0, "MiB", "< 96")
            .row("resident memory, max in window", maxRss / 1024.0, "MiB", "< 96")
            .row("resident memory, peak (VmHWM)", hwm / 1024.0, "MiB", "-")
            .row("cpu", cpuShare * 100, "% of one core", "< 2")
            .row("records produced or spooled", samples, "records", "-")
            .note("agent log: " + log)
            .printAndWrite(out);
        return 0;
      } finally {
        if (agent.isAlive()) {
          agent.destroyForcibly();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("bench probe: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } finally {
      deleteSpool(dir.resolve("spool"));
    }
  }

  private static Map<String, String> names(int checks) {
    Map<String, String> names = new LinkedHashMap<>();
    for (int i = 0; i < checks; i++) {
      names.put("host-" + i + ".bench.internal", "10.0.0." + (i % 250 + 1));
    }
    return names;
  }

  /**
   * A config with {@code n} checks: the three host probes, then a fifth each of DNS names and
   * application checks (half of them three-step transactions), pool members and services.
   */
  static int writeConfig(Path file, Path spool, TestTargets web, Dnsmasq dns, int n, String bootstrap, String registry)
      throws IOException {
    int rest = n - 3;
    int dnsN = rest / 5;
    int apps = rest * 2 / 5;
    int members = rest / 5;
    int services = rest - dnsN - apps - members;
    StringBuilder y = new StringBuilder();
    y.append("agent:\n  host: bench-host\n  intervalMs: 10000\n");
    y.append("kafka:\n  bootstrap.servers: \"").append(bootstrap).append("\"\n");
    y.append("registry:\n  url: \"").append(registry).append("\"\n");
    y.append("spool:\n  dir: \"").append(spool).append("\"\n");
    y.append("probes:\n  dns:\n    resolvers: [\"").append(dns.address()).append("\"]\n    names:\n");
    for (int i = 0; i < dnsN; i++) {
      y.append("      - host-").append(i).append(".bench.internal\n");
    }
    y.append("  apps:\n");
    for (int i = 0; i < apps; i++) {
      y.append("    - name: app-").append(i).append('\n');
      if (i % 2 == 0) {
        y.append("      url: ").append(web.url("/health")).append("\n      expectBody: ok\n      dns: [host-0.bench.internal]\n");
      } else {
        y.append("      pool: pool:web\n      steps:\n")
            .append("        - {name: browse, url: \"").append(web.url("/shop")).append("\", expectBody: Welcome, maxLatencyMs: 1000, timeoutMs: 2000}\n")
            .append("        - {name: add-to-cart, method: POST, url: \"").append(web.url("/shop/cart")).append("\", body: \"sku=1\", timeoutMs: 2000}\n")
            .append("        - {name: purchase, method: POST, url: \"").append(web.url("/shop/purchase")).append("\", expectBody: confirmed, timeoutMs: 2000}\n");
      }
    }
    y.append("  pools:\n    - name: web\n      members:\n");
    for (int i = 0; i < members; i++) {
      y.append("        - {id: \"vm:web-").append(i).append("\", url: \"").append(web.url("/health")).append("\"}\n");
    }
    y.append("  services:\n");
    for (int i = 0; i < services; i++) {
      y.append("    - name: svc-").append(i).append('\n');
      if (i % 2 == 0) {
        y.append("      tcp: \"127.0.0.1:").append(web.port()).append("\"\n");
      } else {
        y.append("      url: ").append(web.url("/health")).append('\n');
      }
    }
    Files.writeString(file, y.toString());
    return 3 + dnsN + apps + members + services;
  }

  /** The agent's JVM options, from the same file the launcher reads. */
  static List<String> jvmOptions() {
    String root = System.getProperty("faultline.root");
    Path f = root == null ? null : Path.of(root, "probe-agent", "jvm.options");
    String text = DEFAULT_JVM_OPTIONS;
    try {
      if (f != null && Files.isRegularFile(f)) {
        StringBuilder b = new StringBuilder();
        for (String line : Files.readAllLines(f)) {
          if (!line.isBlank() && !line.trim().startsWith("#")) {
            b.append(line.trim()).append(' ');
          }
        }
        text = b.toString().trim();
      }
    } catch (IOException e) {
      // defaults
    }
    return List.of(text.split("\\s+"));
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void sleep(long ms, Process agent) throws InterruptedException, IOException {
    if (agent.waitFor(ms, TimeUnit.MILLISECONDS)) {
      throw new IOException("the agent exited early with " + agent.exitValue() + " (see its log)");
    }
  }

  static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
      String s = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return Long.parseLong(s);
    } catch (IOException | NumberFormatException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }

  /** utime + stime of a process in clock ticks (fields 14 and 15 of /proc/PID/stat). */
  static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  static long statusKb(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
      }
    }
    return 0;
  }

  private static void deleteSpool(Path spool) {
    if (!Files.exists(spool)) {
      return;
    }
    try (Stream<Path> files = Files.walk(spool)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // temp dir: left for the OS
    }
  }
}
