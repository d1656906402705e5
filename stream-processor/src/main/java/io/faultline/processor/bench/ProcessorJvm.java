package io.faultline.processor.bench;

import io.faultline.processor.api.ApiSettings;
import io.faultline.processor.cli.ProcessorCli;
import io.faultline.stack.ParentWatch;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The stream processor in a JVM of its own ({@code ProcessorCli processor --set ...}, what
 * {@code ./faultline processor} runs), so its resident memory is its own. It runs under
 * {@link ParentWatch}: if this JVM dies, however, the processor exits too. {@link #close()}
 * stops it (SIGTERM, then SIGKILL) by its pid.
 */
final class ProcessorJvm implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final Thread hook;
  private final int port;
  final Path log;

  private ProcessorJvm(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.hook = new Thread(process::destroyForcibly, "faultline-bench-processor-kill");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Starts a processor with the given heap limit ({@code -Xmx}) and configuration keys. */
  static ProcessorJvm start(String heap, Map<String, String> settings, Path log) throws IOException {
    int port = freePort();
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap));
    // The processor measured runs as the launcher runs one: with this JVM's own -XX options (stream-processor/jvm.options).
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("-XX:")).forEach(cmd::add);
    cmd.addAll(List.of(
        // Restores, state changes and our own progress in the log, not every client step.
        "-Dorg.slf4j.simpleLogger.log.io.faultline=info",
        "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn",
        "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.streams.KafkaStreams=info",
        "-cp", System.getProperty("java.class.path"),
        ParentWatch.class.getName(), ProcessorCli.class.getName(), "processor"));
    settings.forEach((k, v) -> {
      cmd.add("--set");
      cmd.add(k + "=" + v);
    });
    cmd.add("--set");
    cmd.add(ApiSettings.PORT + "=" + port);
    cmd.add("--set");
    cmd.add(ApiSettings.BIND_HOST + "=127.0.0.1");
    Files.createDirectories(log.getParent());
    // stdin stays a pipe from this JVM: ParentWatch reads end-of-file on it when we die.
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new ProcessorJvm(p, port, log);
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Fails with the end of the log if the process is gone. */
  void requireAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException("the processor exited (code " + process.exitValue() + "); log " + log + ":\n"
          + tail());
    }
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(cannot read the log: " + e.getMessage() + ")";
    }
  }

  /** Whether {@code /health/ready} says RUNNING. */
  boolean ready() {
    return get("/health/ready") != null;
  }

  /** The Prometheus scrape, or null while the API does not answer. */
  PromScrape scrape() {
    String body = get("/metrics");
    return body == null ? null : PromScrape.parse(body);
  }

  private String get(String path) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Resident set size from {@code /proc/PID/status}, or -1 where there is no /proc. */
  long rssBytes() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (l.startsWith("VmRSS:")) {
          return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process is gone
    }
    return -1;
  }

  /** A full GC in the processor ({@code jcmd PID GC.run}), so heap used afterwards is the live set. */
  boolean fullGc() {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) {
      return false;
    }
    try {
      Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "GC.run")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** SIGTERM (the processor's clean shutdown), SIGKILL if it takes over a minute; returns the exit code. */
  int stop() {
    try {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        return -1;
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return -1;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or will run: it kills the same process
      }
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      stop();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
