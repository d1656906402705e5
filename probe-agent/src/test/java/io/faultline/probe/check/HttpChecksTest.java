package io.faultline.probe.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.probe.Sample;
import io.faultline.probe.bench.TestTargets;
import io.faultline.telemetry.AppCheckSample;
import io.faultline.telemetry.MemberState;
import io.faultline.telemetry.PoolMemberSample;
import io.faultline.telemetry.ServiceState;
import io.faultline.telemetry.ServiceStatusSample;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP checks, transactions, pool members and services against a real JDK HTTP server. */
class HttpChecksTest {

  TestTargets web;
  ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  Connector connector;
  final ProbeContext ctx = new ProbeContext("h1", "probe@h1", Path.of("/proc"), Path.of("/sys"), Clock.systemUTC());

  @BeforeEach
  void start() throws Exception {
    web = new TestTargets();
    web.route("/slow", 200, "ok", 700);
    web.route("/broken", 503, "unavailable", 0);
    connector = new Connector(timer);
  }

  @AfterEach
  void stop() {
    connector.close();
    web.close();
    timer.shutdownNow();
  }

  private AppCheck.Step step(String name, String method, String path, String expectBody, long maxLatency) {
    return new AppCheck.Step(name, method, URI.create(web.url(path)), method.equals("POST") ? "sku=1" : null, Map.of(),
        200, expectBody, maxLatency, 2000);
  }

  private AppCheckSample run(AppCheck.Step... steps) throws Exception {
    AppCheck check = new AppCheck(ctx, new AppCheck.Spec("purchase", "app:shop", 10_000, List.of(steps)), connector);
    List<Sample> out = check.run().get(10, TimeUnit.SECONDS);
    assertEquals(1, out.size());
    return (AppCheckSample) out.get(0).value();
  }

  @Test
  void shouldPassWithStatusAndLatencyWhenASingleRequestMeetsItsExpectations() throws Exception {
    AppCheckSample s = run(step("health", "GET", "/health", "ok", 1000));
    assertTrue(s.getOk());
    assertEquals(200, s.getStatus());
    assertEquals("app:shop", s.getEntity());
    assertEquals("purchase", s.getCheck());
    assertNull(s.getFailedStep());
    assertTrue(s.getLatencyMs() > 0);
  }

  @Test
  void shouldFailWhenTheBodyLacksTheExpectedText() throws Exception {
    AppCheckSample s = run(step("health", "GET", "/health", "healthy and happy", 0));
    assertFalse(s.getOk());
    assertEquals(200, s.getStatus());
  }

  @Test
  void shouldCarryTheSessionCookieThroughEveryStepWhenATransactionSucceeds() throws Exception {
    AppCheckSample s = run(step("browse", "GET", "/shop", "Welcome", 1000),
        step("add-to-cart", "POST", "/shop/cart", "added", 1000),
        step("purchase", "POST", "/shop/purchase", "confirmed", 1000));
    assertTrue(s.getOk(), "the cart needs the cookie set by browse");
    assertNull(s.getFailedStep());
  }

  @Test
  void shouldNameTheFailedStepAndStopWhenAStepGetsAnUnexpectedStatus() throws Exception {
    // no browse step: the cart refuses the request without a session
    AppCheckSample s = run(step("add-to-cart", "POST", "/shop/cart", "added", 1000),
        step("purchase", "POST", "/shop/purchase", "confirmed", 1000));
    assertFalse(s.getOk());
    assertEquals("add-to-cart", s.getFailedStep());
    assertEquals(403, s.getStatus(), "status of the last step run");
  }

  @Test
  void shouldFailTheStepWhenItIsSlowerThanItsLatencyLimit() throws Exception {
    AppCheckSample s = run(step("browse", "GET", "/shop", "Welcome", 1000), step("search", "GET", "/slow", "ok", 300));
    assertFalse(s.getOk());
    assertEquals("search", s.getFailedStep());
    assertEquals(200, s.getStatus());
    assertTrue(s.getLatencyMs() >= 700, "latency " + s.getLatencyMs());
  }

  @Test
  void shouldReportStatusZeroWhenNothingListens() throws Exception {
    int port = closedPort();
    AppCheck check = new AppCheck(ctx, new AppCheck.Spec("x", "app:x", 10_000, List.of(new AppCheck.Step("only", "GET",
        URI.create("http://127.0.0.1:" + port + "/"), null, Map.of(), 200, null, 0, 1000))), connector);
    AppCheckSample s = (AppCheckSample) check.run().get(10, TimeUnit.SECONDS).get(0).value();
    assertFalse(s.getOk());
    assertEquals(0, s.getStatus());
  }

  @Test
  void shouldReportTimeoutAsFailureWithinTheStepTimeoutWhenTheServerHangs() throws Exception {
    web.route("/hang", 200, "late", 5000);
    AppCheck check = new AppCheck(ctx, new AppCheck.Spec("x", "app:x", 10_000, List.of(new AppCheck.Step("only", "GET",
        URI.create(web.url("/hang")), null, Map.of(), 200, null, 0, 300))), connector);
    long start = System.nanoTime();
    AppCheckSample s = (AppCheckSample) check.run().get(10, TimeUnit.SECONDS).get(0).value();
    assertFalse(s.getOk());
    assertEquals(0, s.getStatus());
    assertTrue((System.nanoTime() - start) / 1e6 < 3000, "the timeout bounds the check");
  }

  @Test
  void shouldMarkEachMemberUpOrDownWhenCheckedOnItsOwnEndpoint() throws Exception {
    int closed = closedPort();
    PoolCheck pool = new PoolCheck(ctx, new PoolCheck.Spec("pool:web", 10_000, 1000, 200, List.of(
        new PoolCheck.Member("vm:web-1", Endpoint.parse(web.url("/health"))),
        new PoolCheck.Member("vm:web-2", Endpoint.parse("127.0.0.1:" + web.port())),
        new PoolCheck.Member("vm:web-3", Endpoint.parse(web.url("/broken"))),
        new PoolCheck.Member("vm:web-4", Endpoint.parse("127.0.0.1:" + closed)))), connector);
    Map<String, MemberState> states = new java.util.TreeMap<>();
    for (Sample s : pool.run().get(10, TimeUnit.SECONDS)) {
      PoolMemberSample p = (PoolMemberSample) s.value();
      assertEquals("pool:web", p.getEntity());
      states.put(p.getMember(), p.getState());
    }
    assertEquals(Map.of("vm:web-1", MemberState.UP, "vm:web-2", MemberState.UP, "vm:web-3", MemberState.DOWN,
        "vm:web-4", MemberState.DOWN), states);
  }

  private ServiceState service(Endpoint e, long degradedMs) throws Exception {
    ServiceCheck c = new ServiceCheck(ctx, new ServiceCheck.Spec("svc:auth", e, 10_000, 2000, degradedMs, 200), connector);
    return ((ServiceStatusSample) c.run().get(10, TimeUnit.SECONDS).get(0).value()).getState();
  }

  @Test
  void shouldGradeServicesUpDegradedOrDownWhenCheckedByHttpOrTcp() throws Exception {
    assertEquals(ServiceState.UP, service(Endpoint.parse(web.url("/health")), 500));
    assertEquals(ServiceState.UP, service(Endpoint.parse("127.0.0.1:" + web.port()), 500));
    assertEquals(ServiceState.DEGRADED, service(Endpoint.parse(web.url("/broken")), 500), "5xx but answering");
    assertEquals(ServiceState.DEGRADED, service(Endpoint.parse(web.url("/slow")), 300), "slower than degradedMs");
    assertEquals(ServiceState.DOWN, service(Endpoint.parse("127.0.0.1:" + closedPort()), 500));
  }

  @Test
  void shouldReportDownWithinTheTimeoutWhenATcpTargetNeverCompletesTheHandshake() throws Exception {
    // A listener that never accepts, with its accept queue filled: the kernel drops further SYNs,
    // so a connect hangs like one to a blackholed host.
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<java.net.Socket> fillers = new java.util.ArrayList<>();
      try {
        boolean hanging = false;
        for (int i = 0; i < 16 && !hanging; i++) {
          java.net.Socket f = new java.net.Socket();
          fillers.add(f);
          try {
            f.connect(full.getLocalSocketAddress(), 200);
          } catch (java.net.SocketTimeoutException e) {
            hanging = true;
          }
        }
        assertTrue(hanging, "could not fill the accept queue");
        ServiceCheck c = new ServiceCheck(ctx, new ServiceCheck.Spec("svc:db",
            Endpoint.parse("127.0.0.1:" + full.getLocalPort()), 10_000, 300, 100, 200), connector);
        long start = System.nanoTime();
        ServiceStatusSample s = (ServiceStatusSample) c.run().get(10, TimeUnit.SECONDS).get(0).value();
        assertEquals(ServiceState.DOWN, s.getState());
        assertTrue((System.nanoTime() - start) / 1e6 < 2000);
      } finally {
        for (java.net.Socket f : fillers) {
          f.close();
        }
      }
    }
  }

  static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
