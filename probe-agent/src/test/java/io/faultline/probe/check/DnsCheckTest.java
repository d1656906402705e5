package io.faultline.probe.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.probe.bench.Dnsmasq;
import io.faultline.telemetry.DnsRcode;
import io.faultline.telemetry.DnsSample;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DNS probe against a real dnsmasq on loopback. */
class DnsCheckTest {

  @TempDir
  Path dir;
  Dnsmasq dns;
  ExecutorService executor = Executors.newSingleThreadExecutor();
  final ProbeContext ctx = new ProbeContext("h1", "probe@h1", Path.of("/proc"), Path.of("/sys"), Clock.systemUTC());

  @BeforeEach
  void start() throws Exception {
    dns = Dnsmasq.start("test.internal", Map.of("db.test.internal", "10.1.2.3"), dir.resolve("dnsmasq.log"));
  }

  @AfterEach
  void stop() {
    dns.close();
    executor.shutdownNow();
  }

  private DnsSample resolve(String name) throws Exception {
    DnsCheck check = new DnsCheck(ctx, name, "A", dns.address(), 10_000, 500, executor);
    var samples = check.run().get(10, TimeUnit.SECONDS);
    assertEquals(1, samples.size());
    return (DnsSample) samples.get(0).value();
  }

  @Test
  void shouldReportNoErrorWithLatencyWhenTheNameResolves() throws Exception {
    DnsSample s = resolve("db.test.internal");
    assertEquals(DnsRcode.NOERROR, s.getRcode());
    assertEquals("dns-name:db.test.internal", s.getEntity());
    assertEquals("dns-resolver:" + dns.address(), s.getResolver());
    assertTrue(s.getLatencyMs() > 0 && s.getLatencyMs() < 500, "latency " + s.getLatencyMs());
  }

  @Test
  void shouldReportNxdomainWhenTheRecordIsMissing() throws Exception {
    assertEquals(DnsRcode.NXDOMAIN, resolve("missing.test.internal").getRcode());
  }

  @Test
  void shouldReportRefusedWhenTheResolverDoesNotServeTheName() throws Exception {
    assertEquals(DnsRcode.REFUSED, resolve("example.com").getRcode());
  }

  @Test
  void shouldReportTimeoutWithTheTimeoutAsLatencyWhenTheResolverIsStopped() throws Exception {
    DnsCheck check = new DnsCheck(ctx, "db.test.internal", "A", dns.address(), 10_000, 500, executor);
    dns.close();
    DnsSample s = (DnsSample) check.run().get(10, TimeUnit.SECONDS).get(0).value();
    assertEquals(DnsRcode.TIMEOUT, s.getRcode());
    assertEquals(500.0, s.getLatencyMs(), 1e-9);
  }

  @Test
  void shouldRejectAResolverGivenByNameWhenConfigured() {
    var e = assertThrows(IllegalArgumentException.class, () -> DnsCheck.socketAddress("dns.example.com"));
    assertTrue(e.getMessage().contains("must be an IP address"), e.getMessage());
    assertEquals(5353, DnsCheck.socketAddress("127.0.0.1:5353").getPort());
    assertEquals(53, DnsCheck.socketAddress("[::1]").getPort());
  }
}
