package io.faultline.probe.bench;

import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real DNS server on loopback for tests and the bench: Debian's dnsmasq, in the foreground on a
 * free port, answering authoritatively for one zone from host records. A name of the zone without
 * a record gets NXDOMAIN; any other name REFUSED (no upstream).
 */
public final class Dnsmasq implements Closeable {

  public static final Path BINARY = Path.of("/usr/sbin/dnsmasq");

  private final Process process;
  private final int port;

  private Dnsmasq(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts dnsmasq for {@code zone} with {@code records} (name → IPv4) and waits until it listens. */
  public static Dnsmasq start(String zone, Map<String, String> records, Path logFile) throws IOException {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(BINARY + " not found: apt-get install dnsmasq-base");
    }
    int port = freePort();
    List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--keep-in-foreground", "--port=" + port,
        "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts", "--conf-file=/dev/null",
        "--pid-file=", "--local=/" + zone + "/"));
    if ("root".equals(System.getProperty("user.name"))) {
      cmd.add("--user=root"); // dnsmasq would otherwise switch to 'nobody', which may not exist in a container
    }
    records.forEach((name, ip) -> cmd.add("--host-record=" + name + "," + ip));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
    Dnsmasq d = new Dnsmasq(p, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException("dnsmasq exited with " + p.exitValue() + ": " + Files.readString(logFile).trim());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return d;
      } catch (IOException e) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          d.close();
          throw new IOException("interrupted while starting dnsmasq");
        }
      }
    }
    d.close();
    throw new IOException("dnsmasq did not listen on port " + port + " within 10 s");
  }

  /** A port free for both TCP and UDP on loopback right now. */
  static int freePort() throws IOException {
    for (int attempt = 0; attempt < 20; attempt++) {
      try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        int port = tcp.getLocalPort();
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
          return port;
        } catch (IOException e) {
          // UDP side taken: try another
        }
      }
    }
    throw new IOException("no free port for both TCP and UDP on loopback");
  }

  public int port() {
    return port;
  }

  /** The resolver as the DNS probe takes it: {@code 127.0.0.1:PORT}. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
