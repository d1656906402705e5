package io.faultline.processor.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.processor.api.StateReader.StoreEntry;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks another instance for one partition of a store it hosts, through its internal endpoint
 * ({@link ApiServer#INTERNAL_STORES}). The peer answers from its active task only or says 503,
 * so a forwarded read is exactly as fresh as a local one.
 */
final class PeerClient {
  private final HttpClient http;
  private final ApiSettings settings;

  PeerClient(ApiSettings settings) {
    this.settings = settings;
    this.http = HttpClient.newBuilder()
        .connectTimeout(Duration.ofMillis(Math.min(settings.forwardTimeoutMs(), 2_000)))
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  /** Entries of {@code store} partition {@code partition} on {@code host}: one key, or a prefix scan. */
  List<StoreEntry> read(HostInfo host, String store, int partition, String key, String prefix) {
    StringBuilder url = new StringBuilder("http://").append(host.host()).append(':').append(host.port())
        .append(ApiServer.INTERNAL_STORES).append(enc(store)).append("?partition=").append(partition);
    if (key != null) {
      url.append("&key=").append(enc(key));
    } else {
      url.append("&prefix=").append(enc(prefix));
    }
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url.toString()))
        .timeout(Duration.ofMillis(settings.forwardTimeoutMs()))
        .header("Accept", "application/json")
        .GET();
    if (settings.authRequired()) {
      req.header("Authorization", "Bearer " + settings.token());
    }
    HttpResponse<byte[]> resp;
    try {
      resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      // The owner in the metadata is gone or unreachable: the group will reassign its tasks.
      throw ApiException.unavailable("instance " + host.host() + ":" + host.port() + " owning " + store
          + " partition " + partition + " is unreachable (" + e.getMessage() + ")", settings.retryAfterSeconds(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.unavailable("interrupted while forwarding", settings.retryAfterSeconds(), e);
    }
    if (resp.statusCode() == 503) {
      throw ApiException.unavailable("instance " + host.host() + ":" + host.port() + " is not serving " + store
          + " partition " + partition + " right now", settings.retryAfterSeconds());
    }
    if (resp.statusCode() != 200) {
      throw ApiException.internal("instance " + host.host() + ":" + host.port() + " answered "
          + resp.statusCode() + " for " + store + " partition " + partition, null);
    }
    try {
      JsonNode body = Json.MAPPER.readTree(resp.body());
      List<StoreEntry> out = new ArrayList<>();
      for (JsonNode e : body.path("entries")) {
        out.add(new StoreEntry(e.path("key").asText(), e.get("value")));
      }
      return out;
    } catch (IOException e) {
      throw ApiException.internal("instance " + host.host() + ":" + host.port() + " sent an unreadable answer", e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
