package io.faultline.probe.check;

import java.net.URI;

/** Where a health check connects: an HTTP(S) URL or a bare TCP port. */
public sealed interface Endpoint {

  record Http(URI url) implements Endpoint {
    @Override
    public String toString() {
      return url.toString();
    }
  }

  record Tcp(String host, int port) implements Endpoint {
    @Override
    public String toString() {
      return "tcp://" + host + ":" + port;
    }
  }

  /** Parses {@code http(s)://...} or {@code tcp://host:port} / {@code host:port}. */
  static Endpoint parse(String s) {
    String v = s.trim();
    if (v.startsWith("http://") || v.startsWith("https://")) {
      URI uri = URI.create(v);
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("'" + s + "' has no host");
      }
      return new Http(uri);
    }
    if (v.startsWith("tcp://")) {
      v = v.substring(6);
    }
    int colon = v.lastIndexOf(':');
    if (colon <= 0 || v.contains("/")) {
      throw new IllegalArgumentException("'" + s + "' is neither an http(s):// URL nor host:port");
    }
    String host = v.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(v.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + s + "': bad port");
    }
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("'" + s + "': port must be 1..65535");
    }
    return new Tcp(host, port);
  }
}
