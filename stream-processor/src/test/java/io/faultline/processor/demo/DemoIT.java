package io.faultline.processor.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.processor.cli.TopicTail;
import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import io.faultline.schemas.scenario.ScenarioFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The real demo on the real stack: the shared resolver outage, told live at the default pace, with the
 * "terminal" wait driven by a pipe so the query API can be asked while the demo holds everything up.
 */
class DemoIT {

  private static final String ROOT = "dns-resolver:10.0.1.53";

  @Test
  void shouldTellTheResolverStoryAndServeTheApiUntilEnterWhenRunInATerminal() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PipedOutputStream keyboard = new PipedOutputStream();
    PipedInputStream stdin = new PipedInputStream(keyboard);
    int port = freePort();
    String[] args = {"--scenario", ScenarioFiles.shared("dns-resolver-down.jsonl").toString(), "--port",
        Integer.toString(port)};

    CompletableFuture<Integer> rc = CompletableFuture.supplyAsync(() -> Demo.run(args,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        stdin, true));

    await().atMost(Duration.ofMinutes(6)).until(() -> rc.isDone() || text(out).contains("Press Enter"));
    String printed = text(out);
    assertFalse(rc.isDone(), printed + text(err));
    HttpResponse<String> incidents = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/incidents?state=all")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, incidents.statusCode(), incidents.body());
    assertTrue(incidents.body().contains(ROOT), incidents.body());

    Matcher tail = Pattern.compile("\\./faultline tail faultline\\.incidents --bootstrap (\\S+) --registry (\\S+)")
        .matcher(printed);
    assertTrue(tail.find(), printed);
    ByteArrayOutputStream tailed = new ByteArrayOutputStream();
    int tailRc = TopicTail.run(new String[] {"faultline.incidents", "--bootstrap", tail.group(1), "--registry",
        tail.group(2)}, new PrintStream(tailed, true, StandardCharsets.UTF_8), new PrintStream(err, true,
        StandardCharsets.UTF_8));
    assertEquals(0, tailRc, text(err));
    assertTrue(text(tailed).contains("\"state\": \"OPENED\"") && text(tailed).contains(ROOT), text(tailed));

    keyboard.write('\n');
    keyboard.flush();
    assertEquals(0, rc.get(), printed + text(err));

    assertTrue(printed.contains("first symptom: "), printed);
    assertTrue(printed.lines().anyMatch(l -> l.matches(".*symptoms +.*\\b\\d+ DNS names?\\b.*")), printed);
    assertTrue(printed.contains("INCIDENT OPENED"), printed);
    assertTrue(printed.matches("(?s).*INCIDENT OPENED.*?root cause +" + Pattern.quote(ROOT) + " \\(dns-resolver\\), "
        + "score \\d\\.\\d\\d.*"), printed);
    assertTrue(printed.matches("(?s).*candidates +1\\. " + Pattern.quote(ROOT) + " \\d\\.\\d\\d\\s+2\\. \\S+ \\d\\.\\d\\d"
        + "\\s+3\\. \\S+ \\d\\.\\d\\d.*"), printed);
    assertTrue(printed.matches("(?s).*applications +.*app:\\w+.*"), printed);
    assertTrue(printed.replaceAll("\\s+", " ").matches(".*summary Since .*Likely cause: " + Pattern.quote(ROOT) + ".*"),
        printed);
    assertTrue(printed.contains("root cause found: " + ROOT + " ranked first"), printed);
    assertTrue(printed.contains("Where to look next"), printed);
    for (Topic<?> t : Topics.ALL) {
      assertTrue(printed.contains(t.name()), t.name() + " missing in\n" + printed);
    }
    assertTrue(printed.contains("./faultline tail faultline.incidents --bootstrap "), printed);
    assertTrue(printed.contains("http://localhost:" + port + "/api/v1/entities/" + ROOT + "/impact"), printed);
    assertTrue(printed.contains("Web view: http://localhost:" + port + "/"), printed);

    Matcher broker = Pattern.compile("broker 127\\.0\\.0\\.1:(\\d+)").matcher(printed);
    assertTrue(broker.find(), printed);
    assertFalse(listening(Integer.parseInt(broker.group(1))), "the broker still listens after the demo returned");
    assertFalse(listening(port), "the API still listens after the demo returned");
  }

  @Test
  void shouldExitAfterTheStoryWithoutWaitingWhenNotATerminal() throws IOException {
    // Standard input that never delivers a line: a demo that waited for Enter would hang here.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int rc = Demo.run(new String[] {"--scenario", ScenarioFiles.shared("app-bug.jsonl").toString(), "--speed", "60"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        new PipedInputStream(new PipedOutputStream()), false);

    String printed = text(out);
    assertEquals(0, rc, printed + text(err));
    assertTrue(printed.contains("INCIDENT OPENED"), printed);
    assertTrue(printed.contains("root cause found: "), printed);
    assertFalse(printed.contains("Press Enter"), printed);
  }

  private static String text(ByteArrayOutputStream b) {
    return b.toString(StandardCharsets.UTF_8);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
