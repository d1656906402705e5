package io.faultline.probe.check;

import io.faultline.probe.Sample;
import io.faultline.schemas.Topics;
import io.faultline.telemetry.DnsRcode;
import io.faultline.telemetry.DnsSample;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Resolves one name directly against one resolver (never the system resolver, whose caching and
 * fallbacks would hide which resolver failed). A reply gives its rcode; no reply in time, or the
 * resolver's port being closed, gives {@code TIMEOUT} with the timeout as latency.
 */
public final class DnsCheck implements Check {

  private final ProbeContext ctx;
  private final String name;
  private final int type;
  private final String resolver;
  private final SimpleResolver client;
  private final long intervalMs;
  private final long timeoutMs;
  private final Executor executor;

  /**
   * @param resolver an IP address, optionally with a port: {@code 10.0.0.53}, {@code 127.0.0.1:5353},
   *     {@code [::1]:5353}; it is also the resolver's entity name ({@code dns-resolver:RESOLVER})
   */
  public DnsCheck(ProbeContext ctx, String name, String recordType, String resolver, long intervalMs,
                  long timeoutMs, Executor executor) {
    this.ctx = ctx;
    this.name = name;
    this.type = Type.value(recordType);
    if (this.type < 0) {
      throw new IllegalArgumentException("unknown DNS record type '" + recordType + "'");
    }
    this.resolver = resolver;
    this.client = new SimpleResolver(socketAddress(resolver));
    this.client.setTimeout(Duration.ofMillis(timeoutMs));
    this.intervalMs = intervalMs;
    this.timeoutMs = timeoutMs;
    this.executor = executor;
    query(); // fail at start on a name that is not a valid DNS name
  }

  /** Parses {@code ADDR}, {@code ADDR:PORT} or {@code [V6]:PORT}; only literal addresses, no lookup. */
  public static InetSocketAddress socketAddress(String resolver) {
    String host = resolver;
    int port = SimpleResolver.DEFAULT_PORT;
    if (resolver.startsWith("[")) {
      int end = resolver.indexOf(']');
      if (end < 0) {
        throw new IllegalArgumentException("resolver '" + resolver + "': missing ']'");
      }
      host = resolver.substring(1, end);
      if (resolver.length() > end + 1) {
        port = port(resolver, resolver.substring(end + 1));
      }
    } else if (resolver.indexOf(':') >= 0 && resolver.indexOf(':') == resolver.lastIndexOf(':')) {
      host = resolver.substring(0, resolver.indexOf(':'));
      port = port(resolver, resolver.substring(resolver.indexOf(':')));
    }
    if (!host.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
      throw new IllegalArgumentException("resolver '" + resolver + "' must be an IP address (optionally :port), not a name");
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("resolver '" + resolver + "' is not a valid IP address");
    }
  }

  private static int port(String resolver, String colonPort) {
    try {
      int p = Integer.parseInt(colonPort.substring(1));
      if (colonPort.charAt(0) == ':' && p > 0 && p < 65536) {
        return p;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new IllegalArgumentException("resolver '" + resolver + "': bad port '" + colonPort + "'");
  }

  private Message query() {
    try {
      return Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN));
    } catch (TextParseException e) {
      throw new IllegalArgumentException("'" + name + "' is not a valid DNS name: " + e.getMessage());
    }
  }

  @Override
  public String name() {
    return "dns:" + name + "@" + resolver;
  }

  @Override
  public long intervalMs() {
    return intervalMs;
  }

  @Override
  public CompletableFuture<List<Sample>> run() {
    long start = System.nanoTime();
    CompletableFuture<Message> answer;
    try {
      answer = client.sendAsync(query(), executor).toCompletableFuture();
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    // dnsjava enforces the timeout itself; this bound covers a reply that never completes the future
    return answer.orTimeout(timeoutMs + 1000, TimeUnit.MILLISECONDS).handle((reply, error) -> {
      double latency = (System.nanoTime() - start) / 1e6;
      DnsRcode rcode = error != null ? DnsRcode.TIMEOUT : rcode(reply.getRcode());
      return List.of(sample(rcode, error != null ? timeoutMs : latency));
    });
  }

  private Sample sample(DnsRcode rcode, double latencyMs) {
    Instant time = ctx.clock().instant();
    DnsSample s = DnsSample.newBuilder()
        .setEntity("dns-name:" + name)
        .setEventTime(time)
        .setProbe(ctx.probeId())
        .setIntervalMs((int) intervalMs)
        .setResolver("dns-resolver:" + resolver)
        .setRcode(rcode)
        .setLatencyMs(latencyMs)
        .build();
    return Sample.telemetry(Topics.DNS, s.getEntity(), s, time);
  }

  static DnsRcode rcode(int rcode) {
    return switch (rcode) {
      case Rcode.NOERROR -> DnsRcode.NOERROR;
      case Rcode.NXDOMAIN -> DnsRcode.NXDOMAIN;
      case Rcode.SERVFAIL -> DnsRcode.SERVFAIL;
      case Rcode.REFUSED -> DnsRcode.REFUSED;
      default -> DnsRcode.OTHER;
    };
  }
}
