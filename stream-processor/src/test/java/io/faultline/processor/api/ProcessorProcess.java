package io.faultline.processor.api;

import io.faultline.processor.ProcessorApp;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One processor instance as its own JVM ({@code ProcessorApp.main}, exactly what
 * {@code ./faultline processor} runs), so a test can kill it the hard way (SIGKILL) and see what
 * the other instances do. Output goes to a log file next to the test's other outputs.
 */
final class ProcessorProcess implements AutoCloseable {
  final String name;
  final int port;
  final Path log;
  private final Process process;

  ProcessorProcess(String name, Path log, Map<String, String> settings) throws IOException {
    this.name = name;
    this.port = Integer.parseInt(settings.get(ApiSettings.PORT));
    this.log = log;
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m", "-XX:+UseSerialGC",
        // State changes and our own progress in the log, not every client retry.
        "-Dorg.slf4j.simpleLogger.log.io.faultline=info",
        "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.streams.KafkaStreams=info",
        "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients.producer.internals.Sender=error",
        "-cp", System.getProperty("java.class.path"), ProcessorApp.class.getName()));
    settings.forEach((k, v) -> {
      cmd.add("--set");
      cmd.add(k + "=" + v);
    });
    this.process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    // A crashed test JVM must not leave processors behind.
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  String url(String path) {
    return "http://localhost:" + port + path;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook, no commit, no leaving the group. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM and wait: the processor's own clean shutdown. Returns the exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
      return -1;
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }

  @Override
  public String toString() {
    return name + "(:" + port + ")";
  }
}
