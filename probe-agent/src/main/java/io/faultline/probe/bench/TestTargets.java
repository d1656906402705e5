package io.faultline.probe.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small real web shop on loopback (JDK HTTP server) for the bench and the tests: a health URL
 * and a three-step purchase that needs the session cookie set by the first step.
 *
 * <ul>
 *   <li>{@code GET /health}: 200 {@code ok}
 *   <li>{@code GET /shop}: 200 {@code Welcome}, sets {@code session}
 *   <li>{@code POST /shop/cart}: 200 {@code added} with the session cookie, 403 without
 *   <li>{@code POST /shop/purchase}: 200 {@code order confirmed} with the session cookie, 403 without
 * </ul>
 */
public final class TestTargets implements Closeable {

  private final HttpServer server;
  private final ExecutorService executor;

  public TestTargets() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    executor = Executors.newFixedThreadPool(8);
    server.setExecutor(executor);
    server.createContext("/health", ex -> reply(ex, 200, "ok"));
    server.createContext("/shop", ex -> {
      String path = ex.getRequestURI().getPath();
      boolean session = ex.getRequestHeaders().getOrDefault("Cookie", List.of()).stream().anyMatch(c -> c.contains("session=s1"));
      switch (path) {
        case "/shop" -> {
          ex.getResponseHeaders().add("Set-Cookie", "session=s1; Path=/; HttpOnly");
          reply(ex, 200, "Welcome to the shop");
        }
        case "/shop/cart" -> reply(ex, session ? 200 : 403, session ? "added" : "no session");
        case "/shop/purchase" -> reply(ex, session ? 200 : 403, session ? "order confirmed" : "no session");
        default -> reply(ex, 404, "not found");
      }
    });
    server.start();
  }

  /** Registers a handler that answers with {@code status} and {@code body}, after {@code delayMs}. */
  public void route(String path, int status, String body, long delayMs) {
    server.createContext(path, ex -> {
      try {
        Thread.sleep(delayMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      reply(ex, status, body);
    });
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      in.readAllBytes();
    }
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
