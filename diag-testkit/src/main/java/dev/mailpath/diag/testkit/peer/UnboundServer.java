package dev.mailpath.diag.testkit.peer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * A real Unbound validating resolver (NLnet Labs, Debian package {@code unbound}) on loopback,
 * started by a test with its own trust anchors and forwarding every question to a lab server (a
 * stub zone for the root), so that its AD bit can be compared with mailpath's own validation.
 *
 * <pre>{@code
 * UnboundServer.requireInstalled();
 * try (UnboundServer unbound = UnboundServer.builder()
 *     .stub(nsd.address())                        // the lab's root and zones, served by NSD
 *     .trustAnchor(labRoot.ds())                  // ". IN DS 12345 13 2 ..."
 *     .start()) {
 *   InetSocketAddress resolver = unbound.address();
 * }
 * }</pre>
 *
 * <p>{@link Builder#start()} writes {@code unbound.conf} into a fresh temporary directory (no
 * privilege drop, no chroot, no remote control, no syslog, one thread, loopback only, {@code
 * do-not-query-localhost: no}) and runs {@code unbound -d -c unbound.conf} as a child process; it
 * returns once Unbound answers a query. {@link #close()} stops it and deletes the directory; a
 * shutdown hook does so at JVM exit. The packaged system service is never used. Thread-safe; the
 * builder is not.
 */
public final class UnboundServer implements AutoCloseable {

  /** How to install Unbound on Debian, for skip and failure messages. */
  public static final String INSTALL_HINT = "apt-get install unbound";

  private final Path dir;
  private final InetSocketAddress address;
  private final Process process;
  private final Thread hook;

  private UnboundServer(Path dir, InetSocketAddress address, Process process, Thread hook) {
    this.dir = dir;
    this.address = address;
    this.process = process;
    this.hook = hook;
  }

  /**
   * Returns a new builder.
   *
   * @return a builder; not thread-safe
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Finds the {@code unbound} executable.
   *
   * @return its path, or empty when Unbound is not installed
   */
  public static Optional<Path> findExecutable() {
    return Peers.findExecutable("unbound");
  }

  /**
   * Finds Unbound or skips the current test (fails it with {@code -Dpeers.required=true}).
   *
   * @return the path of the executable
   */
  public static Path requireInstalled() {
    return Peers.requireExecutable("Unbound", INSTALL_HINT, "unbound");
  }

  /**
   * Returns the address Unbound listens on.
   *
   * @return 127.0.0.1 and the chosen port
   */
  public InetSocketAddress address() {
    return address;
  }

  /**
   * Returns Unbound's output so far (its log goes to standard error).
   *
   * @return the log text
   */
  public String logText() {
    try {
      return Files.readString(dir.resolve("unbound.out"), UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Stops Unbound and deletes the directory. */
  @Override
  public void close() {
    stop(process, dir);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is exiting; the hook runs anyway
    }
  }

  private static void stop(Process p, Path dir) {
    p.destroy();
    try {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }

  @Override
  public String toString() {
    return "UnboundServer[" + address + "]";
  }

  /** Configures an {@link UnboundServer}. Not thread-safe. */
  public static final class Builder {
    private final List<String> anchors = new ArrayList<>();
    private final List<String> extra = new ArrayList<>();
    private InetSocketAddress stub;
    private List<String> stubZones = List.of(".");
    private final List<Map.Entry<String, InetSocketAddress>> insecureStubs = new ArrayList<>();
    private Duration startTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /**
     * Sends every question to this server (a stub zone for the root): the lab's authoritative
     * server. Required.
     *
     * @param server a loopback address and port
     * @return this builder
     */
    public Builder stub(InetSocketAddress server) {
      return stub(server, List.of("."));
    }

    /**
     * Sends the questions of these zones (and of their subdomains) to this server, one stub zone
     * each. A lab whose glue says 127.0.0.1 needs every zone listed: glue has no port, so a
     * referral would otherwise lead to port 53.
     *
     * @param server a loopback address and port
     * @param zones the zones, such as {@code .}, {@code test.}, {@code example.test.}
     * @return this builder
     */
    public Builder stub(InetSocketAddress server, List<String> zones) {
      requireNonNull(server, "server");
      for (String z : zones) {
        if (z.contains("\"") || z.contains("\n") || z.isBlank()) {
          throw new IllegalArgumentException("zones must be plain names: " + z);
        }
      }
      this.stubZones = List.copyOf(zones);
      if (!server.getAddress().isLoopbackAddress()) {
        throw new IllegalArgumentException("stub must be a loopback address: " + server);
      }
      this.stub = server;
      return this;
    }

    /**
     * Sends the questions of one unsigned zone to another server, and tells Unbound not to expect
     * signatures there ({@code domain-insecure}): a DNS blocklist served by rbldnsd beside a signed
     * lab, as a real resolver reaches both.
     *
     * @param server a loopback address and port
     * @param zone the zone, such as {@code bl.test.}
     * @return this builder
     * @throws IllegalArgumentException when the server is not on loopback or the zone not a plain
     *     name
     */
    public Builder insecureStub(InetSocketAddress server, String zone) {
      requireNonNull(server, "server");
      requireNonNull(zone, "zone");
      if (zone.contains("\"") || zone.contains("\n") || zone.isBlank()) {
        throw new IllegalArgumentException("zone must be a plain name: " + zone);
      }
      if (!server.getAddress().isLoopbackAddress()) {
        throw new IllegalArgumentException("server must be a loopback address: " + server);
      }
      insecureStubs.add(Map.entry(zone, server));
      return this;
    }

    /**
     * Adds a trust anchor (a DS or DNSKEY record in zone-file form, one line).
     *
     * @param record the record
     * @return this builder
     */
    public Builder trustAnchor(String record) {
      requireNonNull(record, "record");
      if (record.contains("\"") || record.contains("\n")) {
        throw new IllegalArgumentException("trustAnchor must be one line without quotes");
      }
      anchors.add(record.replace('\t', ' '));
      return this;
    }

    /**
     * Adds a {@code server:} option line, such as {@code val-log-level: 2}.
     *
     * @param line the option
     * @return this builder
     */
    public Builder serverOption(String line) {
      requireNonNull(line, "line");
      if (line.contains("\n")) {
        throw new IllegalArgumentException("serverOption must be one line");
      }
      extra.add(line);
      return this;
    }

    /**
     * Sets how long {@link #start()} waits for the first answer.
     *
     * @param timeout default 10 s
     * @return this builder
     */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Starts Unbound.
     *
     * @return the running server
     * @throws IllegalStateException when Unbound is missing, exits, or does not answer in time
     */
    public UnboundServer start() {
      if (stub == null) {
        throw new IllegalStateException("stub(server) is required");
      }
      Path unbound =
          findExecutable()
              .orElseThrow(
                  () -> new IllegalStateException("Unbound not installed: " + INSTALL_HINT));
      Path dir;
      try {
        dir = Files.createTempDirectory("mailpath-unbound-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      try {
        int port = freePort();
        String stubAddr = stub.getAddress().getHostAddress() + "@" + stub.getPort();
        StringBuilder conf = new StringBuilder();
        conf.append("# written by dev.mailpath.diag.testkit.peer.UnboundServer\nserver:\n")
            .append("  interface: 127.0.0.1\n")
            .append("  port: ")
            .append(port)
            .append('\n')
            .append("  do-ip6: no\n  do-daemonize: no\n  username: \"\"\n  chroot: \"\"\n")
            .append("  directory: \"")
            .append(dir)
            .append("\"\n  pidfile: \"")
            .append(dir.resolve("unbound.pid"))
            .append("\"\n  use-syslog: no\n  logfile: \"\"\n  verbosity: 1\n")
            .append("  num-threads: 1\n  so-reuseport: no\n  do-not-query-localhost: no\n")
            .append("  access-control: 127.0.0.0/8 allow\n  qname-minimisation: no\n")
            .append("  module-config: \"validator iterator\"\n  val-log-level: 2\n")
            .append("  trust-anchor-signaling: no\n  root-key-sentinel: no\n")
            .append("  harden-dnssec-stripped: yes\n  aggressive-nsec: no\n")
            .append("  cache-max-ttl: 0\n  cache-max-negative-ttl: 0\n");
        for (String a : anchors) {
          conf.append("  trust-anchor: \"").append(a).append("\"\n");
        }
        for (String z : stubZones) {
          // Unbound answers RFC 6761 names (test., invalid., localhost...) itself unless told not
          // to.
          if (!z.equals(".")) {
            conf.append("  local-zone: \"").append(z).append("\" nodefault\n");
          }
        }
        for (Map.Entry<String, InetSocketAddress> e : insecureStubs) {
          conf.append("  local-zone: \"").append(e.getKey()).append("\" nodefault\n");
          conf.append("  domain-insecure: \"").append(e.getKey()).append("\"\n");
        }
        for (String e : extra) {
          conf.append("  ").append(e).append('\n');
        }
        conf.append("remote-control:\n  control-enable: no\n");
        for (String z : stubZones) {
          conf.append("stub-zone:\n  name: \"")
              .append(z)
              .append("\"\n  stub-addr: ")
              .append(stubAddr)
              .append("\n  stub-prime: no\n");
        }
        for (Map.Entry<String, InetSocketAddress> e : insecureStubs) {
          conf.append("stub-zone:\n  name: \"")
              .append(e.getKey())
              .append("\"\n  stub-addr: ")
              .append(e.getValue().getAddress().getHostAddress())
              .append('@')
              .append(e.getValue().getPort())
              .append("\n  stub-prime: no\n");
        }
        Path confFile = dir.resolve("unbound.conf");
        Files.writeString(confFile, conf.toString(), UTF_8);
        Path out = dir.resolve("unbound.out");
        Process p =
            new ProcessBuilder(unbound.toString(), "-d", "-c", confFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port);
        final Path d = dir;
        Thread hook = new Thread(() -> stop(p, d), "unbound-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        long end = System.nanoTime() + startTimeout.toNanos();
        while (true) {
          if (!p.isAlive()) {
            String log = Files.readString(out, UTF_8);
            stop(p, dir);
            throw new IllegalStateException("Unbound exited; its output:\n" + log);
          }
          if (answers(address)) {
            return new UnboundServer(dir, address, p, hook);
          }
          if (System.nanoTime() > end) {
            String log = Files.readString(out, UTF_8);
            stop(p, dir);
            throw new IllegalStateException("Unbound did not answer in time; its output:\n" + log);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start Unbound in " + dir, e);
      }
    }

    private static boolean answers(InetSocketAddress address) throws IOException {
      try (DatagramSocket s = new DatagramSocket()) {
        s.setSoTimeout(200);
        Message q = Message.newQuery(org.xbill.DNS.Record.newRecord(Name.root, Type.SOA, 1));
        q.getHeader().setFlag(Flags.CD);
        byte[] wire = q.toWire();
        s.send(new DatagramPacket(wire, wire.length, address));
        byte[] buf = new byte[4096];
        s.receive(new DatagramPacket(buf, buf.length));
        return true;
      } catch (SocketTimeoutException | java.net.PortUnreachableException e) {
        return false;
      }
    }

    private static int freePort() throws IOException {
      for (int i = 0; i < 50; i++) {
        try (DatagramSocket u = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
          int port = u.getLocalPort();
          try (ServerSocket t = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            return port;
          } catch (IOException e) {
            // taken for TCP; try another
          }
        }
      }
      throw new IOException("no free port for UDP and TCP on 127.0.0.1");
    }
  }
}
