package dev.mailpath.diag.testkit;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback SMTP server that attacks the client's promises: it lets a conversation run normally
 * and then misbehaves in one of the ways listed in {@link Fault}, so that code built on an SMTP
 * client can be tested for bounded waits and for secrets kept out of its records.
 *
 * <pre>{@code
 * try (HostileSmtpServer server = HostileSmtpServer.start(HostileSmtpServer.Fault.STOPS_READING_AFTER_DATA)) {
 *   // connect a client to server.host():server.port(), send DATA and a large message:
 *   // the server answers 354 and never reads again; the client must give up by its timeout
 * }
 * }</pre>
 *
 * <p>Besides the fault it speaks just enough SMTP: a 220 greeting, an EHLO reply offering {@code
 * STARTTLS} and {@code AUTH PLAIN LOGIN CRAM-MD5}, 250 to MAIL, RCPT, RSET and NOOP, 354 and 250
 * around a message, 221 to QUIT, and Sendmail's {@code 500 5.5.1 Command unrecognized: "<line>"}
 * (the line echoed) to anything else. Every connection is served on its own daemon thread; binds
 * 127.0.0.1 on an ephemeral port only. Thread-safe.
 */
public final class HostileSmtpServer implements AutoCloseable {

  /** The misbehaviour a {@link HostileSmtpServer} shows. */
  public enum Fault {
    /**
     * Answers STARTTLS with 220, then sends the start of a TLS record announcing 16 KB and drips
     * its body one byte per {@link Builder#dripInterval(Duration) interval}, for as long as the
     * client stays: a handshake that never ends although no single read waits long. Catches a TLS
     * timeout that is only a socket read timeout.
     */
    HANDSHAKE_DRIP,
    /**
     * Answers DATA with 354 and then never reads again (the connection stays open): a client
     * sending a message larger than the socket buffers blocks in its write. Catches writes without
     * a bound, and a {@code close()} that waits for such a write.
     */
    STOPS_READING_AFTER_DATA,
    /**
     * Quotes the client's AUTH payload in its 535 reply ({@code 535 5.7.8 Authentication
     * credentials invalid: '<payload>'}), for PLAIN (initial response or after an empty 334), LOGIN
     * (the password line) and CRAM-MD5. Catches a client that records replies without scrubbing the
     * secrets it sent.
     */
    ECHOES_AUTH,
  }

  private final Fault fault;
  private final Duration dripInterval;
  private final ServerSocket serverSocket;
  private final Thread acceptor;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final List<String> commands = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger connections = new AtomicInteger();
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile boolean closed;

  private HostileSmtpServer(Builder b) throws IOException {
    this.fault = b.fault;
    this.dripInterval = b.dripInterval;
    this.serverSocket = new ServerSocket();
    if (b.receiveBufferSize > 0) {
      // Set before bind so that the TCP window of accepted sockets is small from the start.
      serverSocket.setReceiveBufferSize(b.receiveBufferSize);
    }
    serverSocket.bind(
        new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 50);
    this.acceptor = new Thread(this::acceptLoop, "hostile-smtp-" + serverSocket.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Starts a server with the given fault and the default settings.
   *
   * @param fault the misbehaviour
   * @return the running server
   * @throws IOException when the loopback port cannot be bound
   */
  public static HostileSmtpServer start(Fault fault) throws IOException {
    return builder().fault(fault).start();
  }

  /**
   * Starts describing a server.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the address to connect to.
   *
   * @return always {@code 127.0.0.1}
   */
  public String host() {
    return "127.0.0.1";
  }

  /**
   * Returns the port the server listens on.
   *
   * @return the ephemeral port
   */
  public int port() {
    return serverSocket.getLocalPort();
  }

  /**
   * Returns how many connections were accepted.
   *
   * @return the count
   */
  public int connectionCount() {
    return connections.get();
  }

  /**
   * Returns the command lines received so far, AUTH payloads included (this is a test peer: it
   * keeps what a real server would see).
   *
   * @return a snapshot, in order of arrival
   */
  public List<String> commands() {
    synchronized (commands) {
      return List.copyOf(commands);
    }
  }

  /** Stops accepting and closes every connection. */
  @Override
  public void close() {
    closed = true;
    closing.countDown();
    try {
      serverSocket.close();
    } catch (IOException ignored) {
      // closing a listening socket: nothing to report
    }
    for (Socket s : open) {
      closeQuietly(s);
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = serverSocket.accept();
      } catch (IOException e) {
        return;
      }
      connections.incrementAndGet();
      open.add(s);
      Thread t = new Thread(() -> serve(s), "hostile-smtp-conn-" + s.getPort());
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(Socket s) {
    try (s) {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = s.getOutputStream();
      send(out, "220 hostile.test ESMTP");
      String line;
      while ((line = in.readLine()) != null) {
        commands.add(line);
        String verb = verb(line);
        switch (verb) {
          case "EHLO" ->
              send(
                  out,
                  "250-hostile.test",
                  "250-STARTTLS",
                  "250-AUTH PLAIN LOGIN CRAM-MD5",
                  "250 8BITMIME");
          case "HELO", "MAIL", "RCPT", "RSET", "NOOP" -> send(out, "250 2.0.0 Ok");
          case "QUIT" -> {
            send(out, "221 2.0.0 Bye");
            return;
          }
          case "STARTTLS" -> {
            if (fault != Fault.HANDSHAKE_DRIP) {
              send(out, "454 4.7.0 TLS not available");
            } else {
              send(out, "220 2.0.0 Ready to start TLS");
              drip(out);
              return;
            }
          }
          case "DATA" -> {
            send(out, "354 End data with <CR><LF>.<CR><LF>");
            if (fault == Fault.STOPS_READING_AFTER_DATA) {
              // Never read again: the client's writes fill our receive buffer and its send buffer.
              closing.await();
              return;
            }
            String body;
            while ((body = in.readLine()) != null && !body.equals(".")) {
              // the message is not kept
            }
            send(out, "250 2.0.0 Ok: queued");
          }
          case "AUTH" -> auth(line, in, out);
          default -> send(out, "500 5.5.1 Command unrecognized: \"" + line + "\"");
        }
      }
    } catch (IOException e) {
      // the client went away; a hostile peer does not care
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.remove(s);
    }
  }

  private void auth(String line, BufferedReader in, OutputStream out) throws IOException {
    String[] w = line.strip().split("\\s+", 3);
    String mechanism = w.length > 1 ? w[1].toUpperCase(Locale.ROOT) : "";
    String payload;
    switch (mechanism) {
      case "PLAIN" -> {
        if (w.length > 2) {
          payload = w[2];
        } else {
          send(out, "334 ");
          payload = next(in);
        }
      }
      case "LOGIN" -> {
        send(out, "334 VXNlcm5hbWU6");
        String user = next(in);
        if (user == null) {
          return;
        }
        send(out, "334 UGFzc3dvcmQ6");
        payload = next(in);
      }
      case "CRAM-MD5" -> {
        send(out, "334 PDEyMzQ1LjY3ODkwQGhvc3RpbGUudGVzdD4=");
        payload = next(in);
      }
      default -> {
        send(out, "504 5.5.4 Unrecognized authentication type");
        return;
      }
    }
    if (payload == null) {
      return;
    }
    if (fault == Fault.ECHOES_AUTH) {
      send(out, "535 5.7.8 Authentication credentials invalid: '" + payload + "'");
    } else {
      send(out, "235 2.7.0 Authentication successful");
    }
  }

  private String next(BufferedReader in) throws IOException {
    String l = in.readLine();
    if (l != null) {
      commands.add(l);
    }
    return l;
  }

  private void drip(OutputStream out) throws IOException, InterruptedException {
    // A TLS handshake record header (RFC 8446 §5.1) announcing 16,384 bytes, which then come one
    // at a time: each read the client makes gets a byte, the handshake never completes.
    out.write(new byte[] {0x16, 0x03, 0x03, 0x40, 0x00});
    out.flush();
    long nanos = dripInterval.toNanos();
    for (int i = 0; i < 16_384; i++) {
      if (closing.await(nanos, TimeUnit.NANOSECONDS)) {
        return;
      }
      out.write(0);
      out.flush();
    }
    closing.await();
  }

  private static String verb(String line) {
    int sp = line.indexOf(' ');
    String v = sp < 0 ? line : line.substring(0, sp);
    int colon = v.indexOf(':');
    return (colon < 0 ? v : v.substring(0, colon)).toUpperCase(Locale.ROOT);
  }

  private static void send(OutputStream out, String... lines) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (String l : lines) {
      sb.append(l).append("\r\n");
    }
    out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing a peer's socket: nothing to report
    }
  }

  /** Describes a {@link HostileSmtpServer}. Not thread-safe. */
  public static final class Builder {
    private Fault fault;
    private Duration dripInterval = Duration.ofMillis(100);
    private int receiveBufferSize;

    private Builder() {}

    /**
     * Sets the misbehaviour.
     *
     * @param fault the fault
     * @return this builder
     */
    public Builder fault(Fault fault) {
      this.fault = requireNonNull(fault, "fault");
      return this;
    }

    /**
     * Sets how often {@link Fault#HANDSHAKE_DRIP} sends a byte; 100 ms by default.
     *
     * @param interval the interval, positive
     * @return this builder
     * @throws IllegalArgumentException when not positive
     */
    public Builder dripInterval(Duration interval) {
      requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("interval must be positive: " + interval);
      }
      this.dripInterval = interval;
      return this;
    }

    /**
     * Sets the receive buffer of accepted connections (a small one makes {@link
     * Fault#STOPS_READING_AFTER_DATA} block the client after less data); the system's by default.
     *
     * @param bytes the size, positive
     * @return this builder
     * @throws IllegalArgumentException when not positive
     */
    public Builder receiveBufferSize(int bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("receiveBufferSize must be positive: " + bytes);
      }
      this.receiveBufferSize = bytes;
      return this;
    }

    /**
     * Starts the server.
     *
     * @return the running server
     * @throws IllegalStateException when no fault was set
     * @throws IOException when the loopback port cannot be bound
     */
    public HostileSmtpServer start() throws IOException {
      if (fault == null) {
        throw new IllegalStateException("set the fault with fault(...)");
      }
      return new HostileSmtpServer(this);
    }
  }
}
