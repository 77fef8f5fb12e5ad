package dev.mailpath.diag.testkit;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A loopback SMTP server that plays a script, like OkHttp's MockWebServer: expected commands,
 * replies, and misbehaviour on cue (silence, dripped bytes, raw garbage, a hang-up, a TCP reset,
 * TLS with a given certificate, plaintext injected after the 220 to STARTTLS).
 *
 * <pre>{@code
 * try (ScriptedSmtpServer server = ScriptedSmtpServer.builder()
 *     .reply(220, "mx.test ESMTP scripted")
 *     .expect("EHLO").reply(250, "mx.test", "PIPELINING", "STARTTLS")
 *     .expect("STARTTLS").reply(220, "2.0.0 Ready to start TLS").startTls(cert.serverContext())
 *     .expect("EHLO").reply(250, "mx.test", "AUTH PLAIN")
 *     .start()) {
 *   // connect a client to server.host():server.port()
 * }
 * }</pre>
 *
 * <p>Every connection plays the whole script from the start, so a client script can be run again.
 * When the script is done the server answers QUIT with 221 and anything else with 502 until the
 * client hangs up. Commands received are queued for {@link #takeCommand(Duration)}; a command that
 * does not match an {@link Builder#expect(String)} is recorded in {@link #mismatches()} and the
 * script goes on. Binds 127.0.0.1 on an ephemeral port only. Thread-safe.
 *
 * <p>{@link Builder#replay(SmtpReplay, SSLContext)} plays a recorded session instead ({@link
 * SmtpReplay}): there the client must send exactly what the recording says, and the first line that
 * differs gets {@code 554 5.5.0} and a closed connection, and is kept in {@link #divergences()}.
 */
public final class ScriptedSmtpServer implements AutoCloseable {

  private final List<Action> script;
  private final ServerSocket serverSocket;
  private final Thread acceptor;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final BlockingQueue<String> commands = new LinkedBlockingQueue<>();
  private final List<String> mismatches = Collections.synchronizedList(new ArrayList<>());
  private final List<String> messages = Collections.synchronizedList(new ArrayList<>());
  private final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
  private final List<SmtpReplay.Divergence> divergences =
      Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger connections = new AtomicInteger();
  private volatile boolean closed;

  private ScriptedSmtpServer(List<Action> script) throws IOException {
    this.script = List.copyOf(script);
    this.serverSocket = new ServerSocket();
    serverSocket.bind(
        new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 50);
    this.acceptor =
        new Thread(this::acceptLoop, "scripted-smtp-accept-" + serverSocket.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Starts describing a script.
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
   * Returns the socket address.
   *
   * @return 127.0.0.1 and the port
   */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverSocket.getLocalSocketAddress();
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
   * Takes the next command line received (any connection), waiting up to {@code timeout}.
   *
   * @param timeout how long to wait
   * @return the command without line ending, or {@code null} when none arrived in time
   * @throws InterruptedException when interrupted
   */
  public String takeCommand(Duration timeout) throws InterruptedException {
    return commands.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Returns the commands received and not yet taken, without waiting.
   *
   * @return the commands, in order
   */
  public List<String> commands() {
    return List.copyOf(commands);
  }

  /**
   * Returns the expectations that were not met, as "expected X, got Y".
   *
   * @return the mismatches
   */
  public List<String> mismatches() {
    return List.copyOf(mismatches);
  }

  /**
   * Returns where clients left a {@linkplain Builder#replay(SmtpReplay, SSLContext) replayed}
   * recording, one entry per connection that diverged, in order.
   *
   * @return the divergences; empty when every client followed the recording (or no replay was
   *     played)
   */
  public List<SmtpReplay.Divergence> divergences() {
    return List.copyOf(divergences);
  }

  /**
   * Returns the messages received with DATA (dot-unstuffed, lines joined with CRLF).
   *
   * @return the messages
   */
  public List<String> messages() {
    return List.copyOf(messages);
  }

  /**
   * Returns unexpected errors on the server side (for debugging a test).
   *
   * @return the errors
   */
  public List<Throwable> errors() {
    return List.copyOf(errors);
  }

  /** Stops accepting and closes every open connection. */
  @Override
  public void close() {
    closed = true;
    try {
      serverSocket.close();
    } catch (IOException ignored) {
      // closing
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = serverSocket.accept();
      } catch (IOException e) {
        if (!closed) {
          errors.add(e);
        }
        return;
      }
      connections.incrementAndGet();
      open.add(s);
      Thread t = new Thread(() -> serve(s), "scripted-smtp-conn-" + s.getPort());
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(Socket socket) {
    Conn c = new Conn(socket);
    try {
      for (Action a : script) {
        if (!a.play(c)) {
          return;
        }
      }
      while (true) {
        String line = c.readLine();
        if (line == null) {
          return;
        }
        commands.add(line);
        if (line.toUpperCase(Locale.ROOT).startsWith("QUIT")) {
          c.send("221 2.0.0 Bye\r\n");
          return;
        }
        c.send("502 5.5.1 scripted server: end of script\r\n");
      }
    } catch (IOException e) {
      // The client went away or the script closed the connection: normal in these tests.
    } catch (RuntimeException e) {
      errors.add(e);
    } finally {
      c.closeQuietly();
      open.remove(socket);
    }
  }

  /** One connection's streams; replaced by TLS streams after {@link Builder#startTls}. */
  private final class Conn {
    Socket socket;
    InputStream in;
    OutputStream out;

    Conn(Socket socket) {
      this.socket = socket;
      try {
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Reads one line, byte by byte so that nothing past it is consumed (STARTTLS needs that). */
    String readLine() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      while (true) {
        int c = in.read();
        if (c < 0) {
          return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
        }
        if (c == '\n') {
          String s = b.toString(StandardCharsets.UTF_8);
          return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }
        if (b.size() < 1_000_000) {
          b.write(c);
        }
      }
    }

    void send(String s) throws IOException {
      send(s.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] b) throws IOException {
      out.write(b);
      out.flush();
    }

    ScriptedSmtpServer owner() {
      return ScriptedSmtpServer.this;
    }

    void closeQuietly() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }

  /** One scripted action; returns false to end the connection. */
  private interface Action {
    boolean play(Conn c) throws IOException;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Describes the script; not thread-safe. */
  public static final class Builder {
    private final List<Action> actions = new ArrayList<>();

    private Builder() {}

    /**
     * Sends a reply: one line per text, with {@code code-} on all but the last and {@code code } on
     * the last, each ending in CRLF.
     *
     * @param code the reply code
     * @param texts the line texts (at least one)
     * @return this builder
     */
    public Builder reply(int code, String... texts) {
      StringBuilder sb = new StringBuilder();
      String[] t = texts.length == 0 ? new String[] {""} : texts;
      for (int i = 0; i < t.length; i++) {
        sb.append(code).append(i < t.length - 1 ? '-' : ' ').append(t[i]).append("\r\n");
      }
      return raw(sb.toString());
    }

    /**
     * Sends complete lines as given, each followed by CRLF.
     *
     * @param lines the lines, for example {@code "250-mx.test"}, {@code "250 OK"}
     * @return this builder
     */
    public Builder lines(String... lines) {
      StringBuilder sb = new StringBuilder();
      for (String l : lines) {
        sb.append(l).append("\r\n");
      }
      return raw(sb.toString());
    }

    /**
     * Sends text exactly as given (no line ending added), in one write.
     *
     * @param text the text, with whatever line endings the test needs
     * @return this builder
     */
    public Builder raw(String text) {
      return raw(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends bytes exactly as given, in one write.
     *
     * @param bytes the bytes
     * @return this builder
     */
    public Builder raw(byte[] bytes) {
      byte[] copy = bytes.clone();
      actions.add(
          c -> {
            c.send(copy);
            return true;
          });
      return this;
    }

    /**
     * Sends a reply line after line without end, {@code 250-} forever: a hostile endless reply.
     * Stops when the client hangs up or after {@code maxBytes}.
     *
     * @param line the text of each continuation line
     * @param maxBytes a safety cap
     * @return this builder
     */
    public Builder endless(String line, long maxBytes) {
      byte[] l = ("250-" + line + "\r\n").getBytes(StandardCharsets.UTF_8);
      actions.add(
          c -> {
            long sent = 0;
            byte[] chunk = new byte[l.length * 64];
            for (int i = 0; i < 64; i++) {
              System.arraycopy(l, 0, chunk, i * l.length, l.length);
            }
            while (sent < maxBytes) {
              c.send(chunk);
              sent += chunk.length;
            }
            return true;
          });
      return this;
    }

    /**
     * Sends text one byte at a time with a pause after each, like a tarpit.
     *
     * @param text the text
     * @param perByte the pause after each byte
     * @return this builder
     */
    public Builder drip(String text, Duration perByte) {
      byte[] b = text.getBytes(StandardCharsets.UTF_8);
      actions.add(
          c -> {
            for (byte x : b) {
              c.send(new byte[] {x});
              sleep(perByte);
            }
            return true;
          });
      return this;
    }

    /**
     * Waits before the next action (a slow server).
     *
     * @param d how long
     * @return this builder
     */
    public Builder pause(Duration d) {
      actions.add(
          c -> {
            sleep(d);
            return true;
          });
      return this;
    }

    /**
     * Reads one command line; when it does not start with {@code prefix} (ignoring case) the
     * mismatch is recorded and the script goes on.
     *
     * @param prefix for example {@code "EHLO"} or {@code "MAIL FROM:<a@b>"}
     * @return this builder
     */
    public Builder expect(String prefix) {
      requireNonNull(prefix, "prefix");
      return addExpect(prefix);
    }

    private Builder addExpect(String prefix) {
      actions.add(
          new Action() {
            @Override
            public boolean play(Conn c) throws IOException {
              String line = c.readLine();
              if (line == null) {
                return false;
              }
              owner(c).commands.add(line);
              if (!line.toUpperCase(Locale.ROOT).startsWith(prefix.toUpperCase(Locale.ROOT))) {
                owner(c).mismatches.add("expected " + prefix + ", got " + line);
              }
              return true;
            }
          });
      return this;
    }

    /**
     * Plays a recorded session that has no TLS section; see {@link #replay(SmtpReplay,
     * SSLContext)}.
     *
     * @param replay the recording
     * @return this builder
     * @throws IllegalArgumentException when the replay has a TLS section (it needs a certificate)
     */
    public Builder replay(SmtpReplay replay) {
      requireNonNull(replay, "replay");
      if (replay.usesTls()) {
        throw new IllegalArgumentException(
            "replay has a TLS section: give a server context, replay(replay, cert.serverContext())");
      }
      return addReplay(replay, null);
    }

    /**
     * Plays a recorded session: sends the server's lines as recorded, reads the client's lines and
     * compares each with the recording, runs the TLS handshake with {@code serverContext} where the
     * recording says {@code TLS}, and closes the connection where the recording ends.
     *
     * <p>A client line that differs from the recording (after {@link SmtpReplay#REDACTED} or {@link
     * SmtpReplay#ANY} anything matches) is answered with {@code 554 5.5.0 replay diverged at line
     * N: expected "..."} and the connection is closed; the divergence, with the replay line number,
     * the expected and the received line, is kept in {@link ScriptedSmtpServer#divergences()} and
     * {@link ScriptedSmtpServer#mismatches()}. A client that hangs up early diverges too.
     *
     * @param replay the recording
     * @param serverContext the TLS context for the handshake, e.g. a throwaway {@link
     *     TestCertificates} certificate's {@code serverContext()}
     * @return this builder
     */
    public Builder replay(SmtpReplay replay, SSLContext serverContext) {
      requireNonNull(replay, "replay");
      requireNonNull(serverContext, "serverContext");
      return addReplay(replay, serverContext);
    }

    private Builder addReplay(SmtpReplay replay, SSLContext serverContext) {
      StringBuilder pending = new StringBuilder();
      for (SmtpReplay.Step step : replay.steps()) {
        if (step.kind() == SmtpReplay.Kind.SERVER) {
          // A multi-line reply goes out in one write, as servers send it.
          pending.append(step.text()).append("\r\n");
          continue;
        }
        if (pending.length() > 0) {
          raw(pending.toString());
          pending.setLength(0);
        }
        switch (step.kind()) {
          case CLIENT -> actions.add(c -> replayCommand(c, step));
          case DATA -> expectData();
          case TLS -> startTls(serverContext);
          case PAUSE -> pause(step.pause());
          default -> throw new IllegalStateException("unknown step " + step);
        }
      }
      if (pending.length() > 0) {
        raw(pending.toString());
      }
      return disconnect();
    }

    private static boolean replayCommand(Conn c, SmtpReplay.Step step) throws IOException {
      String line = c.readLine();
      if (line != null) {
        owner(c).commands.add(line);
        if (SmtpReplay.matches(step.text(), line)) {
          return true;
        }
      }
      if (line == null && owner(c).closed) {
        return false;
      }
      SmtpReplay.Divergence d =
          new SmtpReplay.Divergence(
              step.line(), step.text(), line == null ? SmtpReplay.Divergence.HUNG_UP : line);
      owner(c).divergences.add(d);
      owner(c).mismatches.add(d.toString());
      if (line != null) {
        c.send(
            "554 5.5.0 replay diverged at line "
                + step.line()
                + ": expected \""
                + step.text()
                + "\"\r\n");
      }
      return false;
    }

    /**
     * Reads message data up to the final dot, undoing dot-stuffing, and keeps it for {@link
     * ScriptedSmtpServer#messages()}.
     *
     * @return this builder
     */
    public Builder expectData() {
      actions.add(
          c -> {
            StringBuilder sb = new StringBuilder();
            while (true) {
              String line = c.readLine();
              if (line == null) {
                return false;
              }
              if (line.equals(".")) {
                break;
              }
              sb.append(line.startsWith(".") ? line.substring(1) : line).append("\r\n");
            }
            owner(c).messages.add(sb.toString());
            return true;
          });
      return this;
    }

    /**
     * Stops answering: reads and discards whatever the client sends until it hangs up.
     *
     * @return this builder
     */
    public Builder stall() {
      actions.add(
          c -> {
            byte[] b = new byte[4096];
            while (c.in.read(b) >= 0) {
              // discard: a stalled server says nothing
            }
            return false;
          });
      return this;
    }

    /**
     * Closes the connection (a normal FIN).
     *
     * @return this builder
     */
    public Builder disconnect() {
      actions.add(
          c -> {
            c.closeQuietly();
            return false;
          });
      return this;
    }

    /**
     * Resets the connection (SO_LINGER 0, so the client sees a TCP RST).
     *
     * @return this builder
     */
    public Builder reset() {
      actions.add(
          c -> {
            try {
              c.socket.setSoLinger(true, 0);
            } catch (SocketException ignored) {
              // best effort
            }
            c.closeQuietly();
            return false;
          });
      return this;
    }

    /**
     * Runs the server side of a TLS handshake with the given context; later actions talk inside
     * TLS. A failed handshake ends the connection.
     *
     * @param serverContext a context with the server's key, e.g. {@code cert.serverContext()}
     * @return this builder
     */
    public Builder startTls(SSLContext serverContext) {
      requireNonNull(serverContext, "serverContext");
      actions.add(
          c -> {
            SSLSocket s =
                (SSLSocket)
                    serverContext
                        .getSocketFactory()
                        .createSocket(
                            c.socket,
                            c.socket.getInetAddress().getHostAddress(),
                            c.socket.getPort(),
                            true);
            s.setUseClientMode(false);
            try {
              s.startHandshake();
            } catch (IOException e) {
              return false;
            }
            c.socket = s;
            c.in = s.getInputStream();
            c.out = s.getOutputStream();
            return true;
          });
      return this;
    }

    /**
     * Starts the server on 127.0.0.1 and an ephemeral port.
     *
     * @return the running server
     * @throws java.io.UncheckedIOException when it cannot bind
     */
    public ScriptedSmtpServer start() {
      try {
        return new ScriptedSmtpServer(actions);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  // Actions are created before the server exists; a connection knows its server.
  private static ScriptedSmtpServer owner(Conn c) {
    return c.owner();
  }
}
