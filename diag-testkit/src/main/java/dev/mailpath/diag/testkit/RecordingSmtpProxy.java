package dev.mailpath.diag.testkit;

import dev.mailpath.diag.core.HostAndPort;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A loopback SMTP proxy that forwards every connection to a real server and records what passes as
 * replay text. It ends TLS on both sides at STARTTLS (a throwaway certificate towards the client,
 * any certificate accepted from the server, since this records rather than checks), so the lines
 * inside TLS are recorded too. AUTH payloads are recorded as {@code [redacted]}.
 */
final class RecordingSmtpProxy implements AutoCloseable {

  private final HostAndPort target;
  private final SSLContext serverContext;
  private final ServerSocket serverSocket;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final List<Session> sessions = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean closed;

  RecordingSmtpProxy(HostAndPort target, SSLContext serverContext) throws IOException {
    this.target = target;
    this.serverContext = serverContext;
    this.serverSocket = new ServerSocket();
    serverSocket.bind(
        new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 50);
    Thread t = new Thread(this::acceptLoop, "recording-smtp-accept-" + serverSocket.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) serverSocket.getLocalSocketAddress();
  }

  List<SmtpReplay> recordings() {
    List<SmtpReplay> out = new ArrayList<>();
    synchronized (sessions) {
      for (Session s : sessions) {
        out.add(s.replay());
      }
    }
    return List.copyOf(out);
  }

  @Override
  public void close() {
    closed = true;
    try {
      serverSocket.close();
    } catch (IOException ignored) {
      // closing
    }
    for (Socket s : open) {
      closeQuietly(s);
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket down;
      try {
        down = serverSocket.accept();
      } catch (IOException e) {
        return;
      }
      open.add(down);
      Session s = new Session(down);
      sessions.add(s);
      Thread t = new Thread(s::start, "recording-smtp-conn-" + down.getPort());
      t.setDaemon(true);
      t.start();
    }
  }

  /** One proxied connection and its recording. */
  private final class Session {
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<Boolean> tlsSwitched = new CompletableFuture<>();
    private Socket down;
    private Socket up;
    private volatile InputStream downIn;
    private volatile OutputStream downOut;
    private volatile InputStream upIn;
    private volatile OutputStream upOut;
    private volatile boolean starttlsPending;
    private volatile boolean inData;
    private volatile boolean authInProgress;

    Session(Socket down) {
      this.down = down;
    }

    SmtpReplay replay() {
      StringBuilder sb = new StringBuilder("# mailpath SMTP replay, format 1\n");
      sb.append("# recorded from ").append(target).append('\n');
      synchronized (lines) {
        for (String l : lines) {
          sb.append(l).append('\n');
        }
      }
      return SmtpReplay.of(sb.toString());
    }

    void start() {
      try {
        up = new Socket();
        up.connect(new InetSocketAddress(target.host(), target.port()), 10_000);
        open.add(up);
        downIn = down.getInputStream();
        downOut = down.getOutputStream();
        upIn = up.getInputStream();
        upOut = up.getOutputStream();
      } catch (IOException e) {
        lines.add("# *** connection to " + target + " failed: " + e.getMessage());
        closeBoth();
        return;
      }
      Thread client = new Thread(this::clientPump, "recording-smtp-client-" + down.getPort());
      client.setDaemon(true);
      client.start();
      serverPump();
    }

    /** Client to server: records commands (secrets redacted) and message lines. */
    private void clientPump() {
      try {
        while (true) {
          byte[] raw = readLine(downIn);
          if (raw == null) {
            return;
          }
          String line = text(raw);
          String upper = line.toUpperCase(Locale.ROOT);
          if (inData) {
            if (line.equals(".")) {
              inData = false;
              lines.add("C: .");
            } else {
              lines.add("D: " + line);
            }
          } else if (upper.startsWith("AUTH ")) {
            authInProgress = true;
            String[] w = line.split(" ", 3);
            lines.add(
                "C: " + (w.length > 2 ? w[0] + " " + w[1] + " " + SmtpReplay.REDACTED : line));
          } else if (authInProgress) {
            lines.add("C: " + SmtpReplay.REDACTED);
          } else {
            lines.add("C: " + line);
          }
          if (upper.equals("STARTTLS")) {
            starttlsPending = true;
          }
          upOut.write(raw);
          upOut.flush();
          if (upper.equals("STARTTLS") && !tlsSwitched.get()) {
            return;
          }
        }
      } catch (IOException | ExecutionException e) {
        // the peer went away: the recording ends here
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        closeBoth();
      }
    }

    /** Server to client: records replies, and runs both TLS handshakes after 220 to STARTTLS. */
    private void serverPump() {
      try {
        while (true) {
          byte[] raw = readLine(upIn);
          if (raw == null) {
            return;
          }
          String line = text(raw);
          lines.add("S: " + line);
          boolean last = line.length() < 4 || line.charAt(3) != '-';
          if (last && line.startsWith("354")) {
            inData = true;
          }
          if (last && authInProgress && !line.startsWith("334")) {
            authInProgress = false;
          }
          // Decided before the client sees this line: once it does, it may send STARTTLS at once,
          // and this line (the greeting, say) must not be taken for the answer to it.
          boolean answersStartTls = last && starttlsPending;
          downOut.write(raw);
          downOut.flush();
          if (answersStartTls) {
            starttlsPending = false;
            // true: go on (TLS now, or plaintext after a refused STARTTLS); false: handshake failed
            tlsSwitched.complete(!line.startsWith("220") || switchToTls());
          }
        }
      } catch (IOException e) {
        // the peer went away: the recording ends here
      } finally {
        tlsSwitched.complete(false);
        closeBoth();
      }
    }

    private boolean switchToTls() {
      try {
        SSLSocket upTls =
            (SSLSocket)
                trustAnything()
                    .getSocketFactory()
                    .createSocket(up, target.host(), target.port(), true);
        upTls.setUseClientMode(true);
        upTls.startHandshake();
        SSLSocket downTls =
            (SSLSocket)
                serverContext
                    .getSocketFactory()
                    .createSocket(
                        down, down.getInetAddress().getHostAddress(), down.getPort(), true);
        downTls.setUseClientMode(false);
        downTls.startHandshake();
        lines.add("# *** TLS " + upTls.getSession().getProtocol() + " with the recorded server");
        lines.add("TLS");
        up = upTls;
        down = downTls;
        open.add(upTls);
        open.add(downTls);
        upIn = upTls.getInputStream();
        upOut = upTls.getOutputStream();
        downIn = downTls.getInputStream();
        downOut = downTls.getOutputStream();
        return true;
      } catch (IOException e) {
        lines.add("# *** TLS handshake failed: " + e.getMessage());
        return false;
      }
    }

    private void closeBoth() {
      closeQuietly(down);
      if (up != null) {
        closeQuietly(up);
      }
    }
  }

  /** Reads one line including its line ending, byte by byte so TLS bytes are never consumed. */
  private static byte[] readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (true) {
      int c = in.read();
      if (c < 0) {
        return b.size() == 0 ? null : b.toByteArray();
      }
      b.write(c);
      if (c == '\n') {
        return b.toByteArray();
      }
    }
  }

  private static String text(byte[] raw) {
    String s = new String(raw, StandardCharsets.UTF_8);
    if (s.endsWith("\n")) {
      s = s.substring(0, s.length() - 1);
    }
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  // Recording only: the real server's certificate is what it is, and the recording is the point.
  private static SSLContext trustAnything() throws IOException {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(
          null,
          new TrustManager[] {
            new X509TrustManager() {
              @Override
              public void checkClientTrusted(X509Certificate[] chain, String authType) {}

              @Override
              public void checkServerTrusted(X509Certificate[] chain, String authType) {}

              @Override
              public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
              }
            }
          },
          new SecureRandom());
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }
}
