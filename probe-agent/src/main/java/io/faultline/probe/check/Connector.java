package io.faultline.probe.check;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Shared, non-blocking connections for every HTTP and TCP check: one {@link HttpClient} (one
 * selector thread however many checks) and one asynchronous socket group. A check waiting on a
 * slow target holds no thread, so it cannot delay the others; every call has its own timeout.
 */
public final class Connector implements Closeable {

  /** What came back: {@code answered} false means no connection or no reply in time (status 0). */
  public record Reply(boolean answered, int status, String body, Map<String, List<String>> headers,
                      double latencyMs, String error) {}

  private final HttpClient http;
  private final AsynchronousChannelGroup tcpGroup;
  private final ExecutorService httpExecutor;
  private final ScheduledExecutorService timer;

  public Connector(ScheduledExecutorService timer) {
    this.timer = timer;
    this.httpExecutor = Executors.newSingleThreadExecutor(daemon("faultline-http"));
    this.http = HttpClient.newBuilder()
        .executor(httpExecutor)
        .connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
    try {
      this.tcpGroup = AsynchronousChannelGroup.withFixedThreadPool(1, daemon("faultline-tcp"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the TCP check group: " + e.getMessage(), e);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** One HTTP request; never completes exceptionally. */
  public CompletableFuture<Reply> http(String method, URI url, String body, Map<String, String> headers, long timeoutMs) {
    HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofMillis(timeoutMs))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    long start = System.nanoTime();
    CompletableFuture<HttpResponse<String>> response;
    try {
      response = http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (RuntimeException e) {
      response = CompletableFuture.failedFuture(e);
    }
    return response.orTimeout(timeoutMs + 1000, TimeUnit.MILLISECONDS).handle((r, error) -> {
      double latency = (System.nanoTime() - start) / 1e6;
      if (error != null) {
        return new Reply(false, 0, null, Map.of(), latency, describe(error));
      }
      return new Reply(true, r.statusCode(), r.body(), r.headers().map(), latency, null);
    });
  }

  /** A TCP connect (then close); never completes exceptionally. */
  public CompletableFuture<Reply> tcp(String host, int port, long timeoutMs) {
    CompletableFuture<Reply> result = new CompletableFuture<>();
    long start = System.nanoTime();
    AsynchronousSocketChannel channel;
    try {
      channel = AsynchronousSocketChannel.open(tcpGroup);
    } catch (IOException e) {
      result.complete(new Reply(false, 0, null, Map.of(), 0, describe(e)));
      return result;
    }
    var timeout = timer.schedule(() -> {
      if (result.complete(new Reply(false, 0, null, Map.of(), timeoutMs, "connect timed out after " + timeoutMs + " ms"))) {
        closeQuietly(channel);
      }
    }, timeoutMs, TimeUnit.MILLISECONDS);
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      timeout.cancel(false);
      closeQuietly(channel);
      result.complete(new Reply(false, 0, null, Map.of(), 0, "cannot resolve " + host));
      return result;
    }
    channel.connect(address, null, new CompletionHandler<Void, Void>() {
      @Override
      public void completed(Void v, Void a) {
        timeout.cancel(false);
        closeQuietly(channel);
        result.complete(new Reply(true, 0, null, Map.of(), (System.nanoTime() - start) / 1e6, null));
      }

      @Override
      public void failed(Throwable e, Void a) {
        timeout.cancel(false);
        closeQuietly(channel);
        result.complete(new Reply(false, 0, null, Map.of(), (System.nanoTime() - start) / 1e6, describe(e)));
      }
    });
    return result;
  }

  /** Any endpoint: HTTP GET or TCP connect. */
  public CompletableFuture<Reply> check(Endpoint endpoint, long timeoutMs) {
    if (endpoint instanceof Endpoint.Http h) {
      return http("GET", h.url(), null, Map.of(), timeoutMs);
    }
    Endpoint.Tcp t = (Endpoint.Tcp) endpoint;
    return tcp(t.host(), t.port(), timeoutMs);
  }

  private static void closeQuietly(AsynchronousSocketChannel c) {
    try {
      c.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  static String describe(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && (t instanceof java.util.concurrent.CompletionException
        || t instanceof java.util.concurrent.ExecutionException)) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  @Override
  public void close() {
    try {
      tcpGroup.shutdownNow();
    } catch (IOException e) {
      // closing anyway
    }
    httpExecutor.shutdownNow();
  }
}
