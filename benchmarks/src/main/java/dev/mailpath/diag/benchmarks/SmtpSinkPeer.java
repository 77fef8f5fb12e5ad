package dev.mailpath.diag.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Postfix's {@code smtp-sink} on a free port of 127.0.0.1: it accepts every transaction and throws
 * the message away, in one event-driven process, so it measures clients rather than a server.
 * Started with {@code -c}, it prints running counters ({@code sess=… quit=… mesg=…}) that {@link
 * #messages()} reads, so the benchmark can check each client's count of verified transactions
 * against what the server saw. Run as root it needs {@code -u} (it drops to {@code nobody}).
 *
 * <pre>{@code
 * try (SmtpSinkPeer sink = SmtpSinkPeer.start()) {
 *   long before = sink.messages();
 *   ... run transactions against sink.host():sink.port() ...
 *   long received = sink.awaitMessages(before + n, Duration.ofSeconds(2)) - before;
 * }
 * }</pre>
 */
final class SmtpSinkPeer implements AutoCloseable {
  private static final Pattern COUNTERS = Pattern.compile("sess=(\\d+) quit=(\\d+) mesg=(\\d+)");

  private final Process process;
  private final int port;
  private final Thread reader;
  private final List<String> other = new ArrayList<>();
  private long sessions;
  private long messages;

  private SmtpSinkPeer(Process process, int port) {
    this.process = process;
    this.port = port;
    this.reader = new Thread(this::readCounters, "smtp-sink-counters");
    reader.setDaemon(true);
    reader.start();
  }

  /** Finds smtp-sink the way a shell would, plus /usr/sbin. */
  static Optional<Path> executable() {
    return Tools.which("smtp-sink");
  }

  /**
   * Starts smtp-sink on a free loopback port and waits until it greets.
   *
   * @return the running sink
   * @throws IOException when it is not installed or does not come up
   */
  static SmtpSinkPeer start() throws IOException {
    Path exe =
        executable()
            .orElseThrow(() -> new IOException("smtp-sink not installed: apt-get install postfix"));
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = freePort();
      List<String> cmd = new ArrayList<>(List.of(exe.toString(), "-c", "-m", "1024"));
      if (isRoot()) {
        cmd.addAll(List.of("-u", "nobody"));
      }
      cmd.addAll(List.of("127.0.0.1:" + port, "1024"));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      SmtpSinkPeer sink = new SmtpSinkPeer(p, port);
      try {
        sink.awaitGreeting(Duration.ofSeconds(10));
        return sink;
      } catch (IOException e) {
        last = new IOException(e.getMessage() + "; smtp-sink said: " + sink.output(), e);
        sink.close();
      }
    }
    throw last;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static boolean isRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | RuntimeException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private void awaitGreeting(Duration timeout) throws IOException {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IOException("smtp-sink exited with status " + process.exitValue());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host(), port), 1000);
        s.setSoTimeout(2000);
        byte[] b = new byte[3];
        int n = s.getInputStream().readNBytes(b, 0, 3);
        if (n == 3 && new String(b, StandardCharsets.US_ASCII).equals("220")) {
          s.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
          return;
        }
      } catch (IOException e) {
        if (System.nanoTime() > end) {
          throw new IOException(
              "smtp-sink did not greet on " + host() + ":" + port + " within " + timeout, e);
        }
      }
      try {
        Thread.sleep(20); // polling a child process that has not bound its port yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
  }

  private void readCounters() {
    // The counters are rewritten in place with CR; other output (warnings) ends with LF.
    StringBuilder line = new StringBuilder();
    try (InputStream in = process.getInputStream()) {
      int c;
      while ((c = in.read()) >= 0) {
        if (c == '\r' || c == '\n') {
          take(line.toString());
          line.setLength(0);
        } else {
          line.append((char) c);
        }
      }
    } catch (IOException e) {
      // the process ended
    }
    take(line.toString());
  }

  private synchronized void take(String line) {
    if (line.isEmpty()) {
      return;
    }
    Matcher m = COUNTERS.matcher(line);
    if (m.find()) {
      sessions = Long.parseLong(m.group(1));
      messages = Long.parseLong(m.group(3));
      notifyAll();
    } else if (other.size() < 20) {
      other.add(line);
    }
  }

  /** The loopback address it listens on. */
  String host() {
    return "127.0.0.1";
  }

  /** The port it listens on. */
  int port() {
    return port;
  }

  /** Its process id, for CPU accounting. */
  long pid() {
    return process.pid();
  }

  /** Messages received (final dots seen) so far, by its own counter. */
  synchronized long messages() {
    return messages;
  }

  /** Sessions ended so far, by its own counter. */
  synchronized long sessions() {
    return sessions;
  }

  /**
   * Waits until the message counter reaches a value (its output trails the clients a little).
   *
   * @return the counter when it got there or the time was up
   */
  synchronized long awaitMessages(long atLeast, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (messages < atLeast) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        break;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return messages;
  }

  /** What it printed besides its counters (warnings, errors). */
  synchronized String output() {
    return String.join(" | ", other);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      reader.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "smtp-sink on " + host() + ":" + port + " (pid " + pid() + ")";
  }
}
