package io.faultline.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Apicurio Registry 2.6 (its Quarkus distribution, unpacked by the build into
 * {@code local-stack/target/apicurio}) as a child JVM. Clients use its Confluent-compatible API
 * ({@code /apis/ccompat/v7}). Storage is H2: in memory, or a file under the data directory so
 * schemas survive a restart.
 */
final class ApicurioRegistry {

  /** Overrides where the unpacked distribution is (a directory holding the runner jar). */
  static final String HOME_PROPERTY = "faultline.apicurio.dir";
  static final String HOME_ENV = "FAULTLINE_APICURIO_DIR";
  static final String CCOMPAT_PATH = "/apis/ccompat/v7";

  private final Path dir;
  private final int port;
  private final StackOptions.RegistryStorage storage;
  private final String heap;
  private final boolean detached;
  private final String marker;
  private JavaProcess process;

  ApicurioRegistry(Path dir, int port, StackOptions.RegistryStorage storage, String heap, boolean detached,
      String marker) {
    this.dir = dir;
    this.port = port;
    this.storage = storage;
    this.heap = heap;
    this.detached = detached;
    this.marker = marker;
  }

  String url() {
    return "http://127.0.0.1:" + port + CCOMPAT_PATH;
  }

  Path logFile() {
    return dir.resolve("registry.log");
  }

  void start(Duration timeout) {
    if (process != null && process.isAlive()) {
      return;
    }
    Path runner = runnerJar();
    List<String> jvm = new ArrayList<>(List.of(
        "-Xms32m", "-Xmx" + heap, "-XX:+UseSerialGC",
        // The registry serves a handful of schema look-ups: start-up time matters, peak speed not.
        "-XX:TieredStopAtLevel=1", "-Xss512k",
        "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
        // The defaults keep 20 idle database connections open; one is plenty here.
        "-D%prod.quarkus.datasource.jdbc.min-size=1", "-D%prod.quarkus.datasource.jdbc.initial-size=1",
        "-D%prod.quarkus.datasource.jdbc.max-size=10",
        "-Dquarkus.http.cors.origins=*",
        "-Djava.util.logging.manager=org.jboss.logmanager.LogManager"));
    String datasource = storage == StackOptions.RegistryStorage.H2_FILE
        ? "jdbc:h2:file:" + dir.resolve("h2").resolve("registry").toAbsolutePath()
        : "jdbc:h2:mem:registry_db";
    // The distribution reads its JDBC URL from this variable (%prod.quarkus.datasource.jdbc.url).
    Map<String, String> env = Map.of("REGISTRY_DATASOURCE_URL", datasource);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    process = JavaProcess.start("schema registry", jvm, runner.toString(), "io.quarkus.runner.GeneratedMain",
        List.of(), env, logFile(), detached, marker);
    awaitReady(timeout);
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    while (true) {
      process.checkAlive();
      if (answers(http, url())) {
        return;
      }
      if (System.nanoTime() > deadline) {
        stop();
        throw new StackException("schema registry did not answer on " + url() + " within "
            + timeout.toSeconds() + "s" + JavaProcess.tail(logFile(), 40));
      }
      KafkaBroker.sleep(200);
    }
  }

  /** Whether {@code GET URL/subjects} answers 200. */
  static boolean answers(HttpClient http, String url) {
    try {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url + "/subjects"))
          .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted while waiting for the registry", e);
    }
  }

  void stop() {
    if (process != null) {
      process.stop(Duration.ofSeconds(20));
    }
  }

  boolean isRunning() {
    return process != null && process.isAlive();
  }

  long pid() {
    if (process == null) {
      throw new IllegalStateException("the registry was never started");
    }
    return process.pid();
  }

  /** The distribution's runner jar: from the override, else where the build unpacked it. */
  static Path runnerJar() {
    String configured = System.getProperty(HOME_PROPERTY, System.getenv(HOME_ENV));
    Path home;
    if (configured != null && !configured.isBlank()) {
      home = Path.of(configured);
    } else {
      Properties p = new Properties();
      try (InputStream in = ApicurioRegistry.class.getResourceAsStream("/faultline-stack.properties")) {
        if (in == null) {
          throw new StackException("faultline-stack.properties is missing from the classpath: rebuild local-stack");
        }
        p.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      home = Path.of(p.getProperty("apicurio.dir"));
    }
    if (!Files.isDirectory(home)) {
      throw new StackException("the Apicurio Registry distribution is not at " + home
          + ": build local-stack (mvn -pl local-stack -am package) or set -D" + HOME_PROPERTY);
    }
    try (Stream<Path> files = Files.walk(home, 2)) {
      return files.filter(f -> {
        String n = f.getFileName().toString();
        return n.endsWith("-runner.jar") || n.equals("quarkus-run.jar");
      }).findFirst().orElseThrow(() -> new StackException("no Quarkus runner jar under " + home));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + home, e);
    }
  }
}
