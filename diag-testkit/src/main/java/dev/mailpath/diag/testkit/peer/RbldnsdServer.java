package dev.mailpath.diag.testkit.peer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A real rbldnsd (the DNSBL server many public lists run, Debian package {@code rbldnsd}) serving
 * test blocklists on a loopback address, started and stopped by a test.
 *
 * <pre>{@code
 * RbldnsdServer.requireInstalled();              // skips, or fails with -Dpeers.required=true
 * try (RbldnsdServer bl = RbldnsdServer.builder()
 *     .zone("bl.test", "ip4set", """
 *         :127.0.0.2:Listed, see https://lookup.test/$
 *         127.0.0.2
 *         192.0.2.10
 *         """)
 *     .zone("dbl.test", "dnset", "spam.example :127.0.1.2:Spam domain\n")
 *     .start()) {
 *   InetSocketAddress server = bl.address();     // 127.0.0.1 and a free port
 * }
 * }</pre>
 *
 * <p>Each zone is {@code name:type:file} on rbldnsd's command line; the data is written to a file
 * in a fresh temporary directory, in rbldnsd's own format (see {@code man rbldnsd}: {@code :A:TXT}
 * default value lines, {@code $} in a TXT replaced by the address or name asked). The Debian build
 * (1.0pre, 2021) has the dataset types {@code ip4set}, {@code ip4tset}, {@code ip4trie}, {@code
 * ip6tset} (/64 prefixes only), {@code ip6trie}, {@code dnset}, {@code combined} and {@code
 * generic}. rbldnsd runs in the foreground ({@code -n}) without privilege drop issues: the
 * directory is world-readable, so it works as root (which rbldnsd leaves for user {@code rbldns})
 * and as a normal user.
 *
 * <p>{@link Builder#start()} returns once rbldnsd answers a query for the first zone. {@link
 * #close()} stops it and deletes the directory; a shell wrapper also stops it when this JVM's end
 * of its standard input closes, so a killed JVM leaves no server behind.
 *
 * <p>Instances are thread-safe; the builder is not. Only loopback addresses are bound. Bad input
 * throws {@link IllegalArgumentException}; an rbldnsd that is missing or does not start throws
 * {@link IllegalStateException} with its output.
 */
public final class RbldnsdServer implements AutoCloseable {

  /** How to install rbldnsd on Debian, for skip and failure messages. */
  public static final String INSTALL_HINT = "apt-get install rbldnsd";

  private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
  private static final Pattern TYPE = Pattern.compile("[a-z0-9]+");
  private static final Set<String> TYPES =
      Set.of("ip4set", "ip4tset", "ip4trie", "ip6tset", "ip6trie", "dnset", "combined", "generic");

  /** Runs rbldnsd under a shell that stops it when its standard input (held by the JVM) closes. */
  private static final String WRAPPER =
      String.join(
          "\n",
          "exec 3<&0",
          "\"$@\" </dev/null 3<&- &",
          "pid=$!",
          "{ while read -r _; do :; done; kill -TERM \"$pid\" 2>/dev/null; } <&3 3<&- &",
          "watch_pid=$!",
          "exec 3<&-",
          "trap 'kill -TERM \"$pid\" 2>/dev/null' TERM INT HUP",
          "wait \"$pid\"; rc=$?",
          "kill -TERM \"$watch_pid\" 2>/dev/null",
          "wait \"$watch_pid\" 2>/dev/null",
          "echo \"[launcher] rbldnsd exited with status $rc\" >&2",
          "exit \"$rc\"",
          "");

  private final Path directory;
  private final InetSocketAddress address;
  private final Process process;
  private final OutputStream lifeline;
  private final Thread shutdownHook;
  private final Object lock = new Object();
  private boolean closed;
  private String finalLog;

  private RbldnsdServer(Path directory, InetSocketAddress address, Process process) {
    this.directory = directory;
    this.address = address;
    this.process = process;
    this.lifeline = process.getOutputStream();
    this.shutdownHook = new Thread(this::stop, "rbldnsd-shutdown-" + process.pid());
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Returns a new builder with no zones, address 127.0.0.1 and a free port.
   *
   * @return a builder; not thread-safe
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Finds the {@code rbldnsd} executable on {@code PATH}, {@code /usr/sbin}, {@code /usr/bin} or
   * {@code /sbin}.
   *
   * @return its path, or empty when rbldnsd is not installed
   */
  public static Optional<Path> findExecutable() {
    return Peers.findExecutable("rbldnsd");
  }

  /**
   * Finds rbldnsd or skips the current test (fails it with {@code -Dpeers.required=true}).
   *
   * @return the path of the {@code rbldnsd} executable
   */
  public static Path requireInstalled() {
    return Peers.requireExecutable("rbldnsd", INSTALL_HINT, "rbldnsd");
  }

  /**
   * Returns the address rbldnsd listens on (UDP only: rbldnsd does not serve TCP).
   *
   * @return the address and port
   */
  public InetSocketAddress address() {
    return address;
  }

  /**
   * Returns the temporary directory holding the zone files and the log; {@link #close()} deletes
   * it.
   *
   * @return the directory
   */
  public Path directory() {
    return directory;
  }

  /**
   * Returns whether rbldnsd is still running.
   *
   * @return false after {@link #close()} or if it exited on its own
   */
  public boolean running() {
    return process.isAlive();
  }

  /**
   * Returns what rbldnsd printed so far (after {@link #close()}: what it printed before it
   * stopped).
   *
   * @return the output, possibly empty
   */
  public String logText() {
    synchronized (lock) {
      return finalLog != null ? finalLog : readLog(directory);
    }
  }

  /** Stops rbldnsd, waits for it, and deletes the directory. Calling it again does nothing. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      stop();
      finalLog = readLog(directory);
      deleteRecursively(directory);
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // during JVM shutdown: nothing to remove
      }
    }
  }

  /**
   * Returns a one-line description.
   *
   * @return for example {@code "rbldnsd on /127.0.0.1:40111, /tmp/mailpath-rbldnsd-1"}
   */
  @Override
  public String toString() {
    return "rbldnsd on " + address + ", " + directory + (closed ? " (closed)" : "");
  }

  private void stop() {
    List<ProcessHandle> tree;
    try (Stream<ProcessHandle> d = process.descendants()) {
      tree = d.toList();
    }
    try {
      lifeline.close();
    } catch (IOException ignored) {
      // the wrapper is gone already
    }
    boolean interrupted = Thread.interrupted();
    try {
      if (!waitFor(process.toHandle(), STOP_TIMEOUT)) {
        process.destroy();
        if (!waitFor(process.toHandle(), STOP_TIMEOUT)) {
          process.destroyForcibly();
        }
      }
      for (ProcessHandle p : tree) {
        if (!waitFor(p, Duration.ofSeconds(2))) {
          p.destroyForcibly();
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static boolean waitFor(ProcessHandle p, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (p.isAlive()) {
      if (System.nanoTime() - end > 0) {
        return false;
      }
      try {
        p.onExit().get(20, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
        // poll again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !p.isAlive();
      }
    }
    return true;
  }

  /** Configures and starts an {@link RbldnsdServer}. Setters validate eagerly. Not thread-safe. */
  public static final class Builder {
    private final List<String[]> zones = new ArrayList<>();
    private InetAddress bind = loopback("127.0.0.1");
    private Duration startTimeout = DEFAULT_START_TIMEOUT;

    private Builder() {}

    /**
     * Adds one dataset of a zone; a zone name given twice serves both datasets (rbldnsd's rule).
     *
     * @param name the zone, such as {@code bl.test}
     * @param type the dataset type, such as {@code ip4set}, {@code ip6trie} or {@code dnset}
     * @param data the dataset file's contents in rbldnsd's format
     * @return this builder
     * @throws IllegalArgumentException when the name is not a domain name or the type unknown
     */
    public Builder zone(String name, String type, String data) {
      requireNonNull(name, "name");
      requireNonNull(type, "type");
      requireNonNull(data, "data");
      try {
        Name.fromString(name.endsWith(".") ? name : name + ".");
      } catch (TextParseException e) {
        throw new IllegalArgumentException("name is not a domain name: '" + name + "'", e);
      }
      if (name.contains(":") || name.contains(",") || name.isBlank()) {
        throw new IllegalArgumentException("name must not contain ':' or ',': '" + name + "'");
      }
      String t = type.toLowerCase(Locale.ROOT);
      if (!TYPE.matcher(t).matches() || !TYPES.contains(t)) {
        throw new IllegalArgumentException("type must be one of " + TYPES + ", was '" + type + "'");
      }
      zones.add(
          new String[] {name.endsWith(".") ? name.substring(0, name.length() - 1) : name, t, data});
      return this;
    }

    /**
     * Sets the loopback address to listen on.
     *
     * @param loopbackIp {@code 127.0.0.1} (the default), another 127/8 address, or {@code ::1}
     * @return this builder
     * @throws IllegalArgumentException when it is not a loopback IP literal
     */
    public Builder bindAddress(String loopbackIp) {
      this.bind = loopback(loopbackIp);
      return this;
    }

    /**
     * Sets how long {@link #start()} waits for the first answer.
     *
     * @param timeout a positive duration (default 10 s)
     * @return this builder
     */
    public Builder startTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      this.startTimeout = timeout;
      return this;
    }

    /**
     * Writes the zone files and starts rbldnsd.
     *
     * @return the running server
     * @throws IllegalStateException when rbldnsd is missing, exits, or does not answer in time
     * @throws IllegalArgumentException when no zone was added
     */
    public RbldnsdServer start() {
      if (zones.isEmpty()) {
        throw new IllegalArgumentException("add at least one zone");
      }
      Path exe =
          findExecutable()
              .orElseThrow(() -> new IllegalStateException("rbldnsd not found; " + INSTALL_HINT));
      Path dir;
      try {
        dir =
            Files.createTempDirectory(
                "mailpath-rbldnsd-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      try {
        List<String> specs = new ArrayList<>();
        for (int i = 0; i < zones.size(); i++) {
          String[] z = zones.get(i);
          String file = String.format(Locale.ROOT, "%02d.%s", i, z[1]);
          Path p = dir.resolve(file);
          Files.writeString(p, z[2].endsWith("\n") ? z[2] : z[2] + "\n", UTF_8);
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
          specs.add(z[0] + ":" + z[1] + ":" + file);
        }
        String lastError = "";
        for (int attempt = 0; attempt < 3; attempt++) {
          int port = freePort(bind);
          List<String> cmd = new ArrayList<>();
          cmd.add("/bin/sh");
          cmd.add("-c");
          cmd.add(WRAPPER);
          cmd.add("rbldnsd-wrapper");
          cmd.add(exe.toString());
          cmd.add("-n");
          cmd.add("-b");
          cmd.add(bind.getHostAddress() + "/" + port);
          cmd.add("-w");
          cmd.add(dir.toString());
          cmd.addAll(specs);
          Path out = dir.resolve("rbldnsd.out");
          Process process =
              new ProcessBuilder(cmd)
                  .directory(dir.toFile())
                  .redirectErrorStream(true)
                  .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                  .start();
          InetSocketAddress address = new InetSocketAddress(bind, port);
          RbldnsdServer server = new RbldnsdServer(dir, address, process);
          String problem = awaitReady(process, address, zones.get(0)[0], startTimeout);
          if (problem == null) {
            return server;
          }
          server.stop();
          lastError = problem + "\n" + readLog(dir);
          try {
            Runtime.getRuntime().removeShutdownHook(server.shutdownHook);
          } catch (IllegalStateException ignored) {
            // shutting down
          }
        }
        deleteRecursively(dir);
        throw new IllegalStateException("rbldnsd did not start: " + lastError);
      } catch (IOException e) {
        deleteRecursively(dir);
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Polls with a real A query for a name in the first zone until any reply comes. */
  private static String awaitReady(
      Process process, InetSocketAddress target, String zone, Duration timeout) throws IOException {
    long end = System.nanoTime() + timeout.toNanos();
    Message query;
    try {
      query =
          Message.newQuery(
              org.xbill.DNS.Record.newRecord(
                  Name.fromString("1.0.0.127." + zone + "."), Type.A, DClass.IN));
    } catch (TextParseException e) {
      throw new IllegalArgumentException(e);
    }
    byte[] wire = query.toWire();
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.connect(target);
      socket.setSoTimeout(200);
      while (true) {
        if (!process.isAlive()) {
          return "exited with status " + process.exitValue() + " before answering";
        }
        if (System.nanoTime() - end > 0) {
          return "did not answer within " + timeout;
        }
        try {
          socket.send(new DatagramPacket(wire, wire.length));
          byte[] buf = new byte[4096];
          DatagramPacket reply = new DatagramPacket(buf, buf.length);
          socket.receive(reply);
          return null;
        } catch (SocketTimeoutException e) {
          // not yet
        } catch (PortUnreachableException e) {
          try {
            process.waitFor(50, TimeUnit.MILLISECONDS);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for rbldnsd");
          }
        }
      }
    }
  }

  private static int freePort(InetAddress bind) throws IOException {
    try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(bind, 0))) {
      int port = udp.getLocalPort();
      try (ServerSocket tcp = new ServerSocket()) {
        tcp.bind(new InetSocketAddress(bind, port));
      } catch (IOException ignored) {
        // rbldnsd serves UDP only; a TCP clash does not matter
      }
      return port;
    }
  }

  private static InetAddress loopback(String ip) {
    requireNonNull(ip, "loopbackIp");
    boolean literal =
        ip.matches("\\d{1,3}(\\.\\d{1,3}){3}") || (ip.contains(":") && !ip.contains("%"));
    if (literal) {
      try {
        InetAddress a = InetAddress.getByName(ip); // a literal: parsed, never looked up
        if (a.isLoopbackAddress()) {
          return a;
        }
      } catch (IOException e) {
        // reported below
      }
    }
    throw new IllegalArgumentException(
        "address must be a loopback IP literal (127.0.0.0/8 or ::1), was '" + ip + "'");
  }

  private static String readLog(Path dir) {
    try {
      return Files.readString(dir.resolve("rbldnsd.out"), UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // a leftover temp file is harmless
                }
              });
    } catch (IOException ignored) {
      // already gone
    }
  }
}
