package io.faultline.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the CLI in-process against a FAULTLINE_HOME of its own and free ports, so it never meets
 * another developer's stack. The processes it starts are detached (they outlive the CLI), which
 * is exactly what `down` must then find and stop.
 */
class StackCliIT {

  @TempDir
  Path home;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @AfterEach
  void alwaysDown() {
    cli(Map.of()).run(new String[] {"down"}); // never leave a detached stack behind a failed test
  }

  @Test
  void shouldLeaveNoProcessWhenUpStatusDown() throws Exception {
    int[] ports = LocalStack.freePorts(0, 0, 0);
    Map<String, String> env = Map.of("FAULTLINE_STACK_REGISTRY_PORT", String.valueOf(ports[2]));

    int up = cli(env).run(new String[] {"stack", "up", "--kafka-port", String.valueOf(ports[0]),
        "--controller-port=" + ports[1]});
    assertEquals(0, up, err.toString(StandardCharsets.UTF_8));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("bootstrap.servers=127.0.0.1:" + ports[0]), out.toString());
    StackAddresses addresses = StackAddresses.read(home).orElseThrow();
    assertEquals("http://127.0.0.1:" + ports[2] + "/apis/ccompat/v7", addresses.registryUrl());
    String subjects = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(addresses.registryUrl() + "/subjects")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(subjects.contains("\"faultline.telemetry.dns-value\""), subjects);
    Path stackDir = home.resolve("stack");
    List<Long> pids = List.of(pid(stackDir.resolve("broker.pid")), pid(stackDir.resolve("registry.pid")));

    out.reset();
    assertEquals(0, cli(env).run(new String[] {"status"}));
    String status = out.toString(StandardCharsets.UTF_8);
    assertTrue(status.contains("broker    running (pid " + pids.get(0) + "), ready"), status);
    assertTrue(status.contains("registry  running (pid " + pids.get(1) + "), ready"), status);

    out.reset();
    assertEquals(0, cli(env).run(new String[] {"up"}), "a second up is a no-op");
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("already running"), out.toString());

    assertEquals(0, cli(env).run(new String[] {"down"}));
    for (long pid : pids) {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " survived down");
    }
    assertFalse(Files.exists(stackDir.resolve("broker.pid")));
    assertFalse(Files.exists(stackDir.resolve("addresses")));

    out.reset();
    assertEquals(1, cli(env).run(new String[] {"status"}));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("broker    stopped"), out.toString());
    assertEquals(0, cli(env).run(new String[] {"down"}), "down is idempotent");
  }

  @Test
  void shouldExitWithUsageErrorWhenArgumentsAreBad() {
    assertEquals(2, cli(Map.of()).run(new String[] {}));
    assertEquals(2, cli(Map.of()).run(new String[] {"sideways"}));
    assertEquals(2, cli(Map.of()).run(new String[] {"up", "--kafka-port"}));
    assertEquals(2, cli(Map.of()).run(new String[] {"up", "--colour", "blue"}));
    assertEquals(2, cli(Map.of("FAULTLINE_STACK_KAFKA_PORT", "99999")).run(new String[] {"up"}));
    assertEquals(2, cli(Map.of()).run(new String[] {"status", "now"}));
    String[] lines = err.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(6, lines.length, err.toString());
    for (String line : lines) {
      assertTrue(line.startsWith("faultline stack: "), line);
    }
  }

  @Test
  void shouldRefuseClearlyWhenPortIsBusy() throws Exception {
    try (var busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int[] free = LocalStack.freePorts(0, 0);
      int rc = cli(Map.of()).run(new String[] {"up", "--kafka-port", String.valueOf(busy.getLocalPort()),
          "--controller-port", String.valueOf(free[0]), "--registry-port", String.valueOf(free[1])});

      assertEquals(1, rc);
      assertTrue(err.toString(StandardCharsets.UTF_8).contains("kafka port " + busy.getLocalPort() + " is in use"),
          err.toString());
      assertFalse(Files.exists(home.resolve("stack").resolve("broker.pid")));
    }
  }

  private StackCli cli(Map<String, String> extraEnv) {
    Map<String, String> env = new java.util.HashMap<>(extraEnv);
    env.put("FAULTLINE_HOME", home.toString());
    return new StackCli(env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private static long pid(Path file) throws Exception {
    return Long.parseLong(Files.readString(file).trim());
  }
}
