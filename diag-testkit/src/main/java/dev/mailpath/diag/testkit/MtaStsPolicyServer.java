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
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * An MTA-STS policy host for tests (RFC 8461 §3.3): HTTPS on a loopback address with a throwaway
 * certificate for {@code mta-sts.<domain>} made by {@link TestCertificates}, serving a policy text
 * at {@code /.well-known/mta-sts.txt}, and misbehaving on request.
 *
 * <pre>{@code
 * try (MtaStsPolicyServer web = MtaStsPolicyServer.builder()
 *         .domain("example.org")
 *         .policy("version: STSv1\r\nmode: enforce\r\nmx: mx1.example.org\r\nmax_age: 604800\r\n")
 *         .start()) {
 *     // DNS: mta-sts.example.org A 127.0.0.1; the checker connects to web.port()
 *     X509TrustManager trust = web.trustManager();   // trusts this server's certificates only
 *     web.behaviour(MtaStsPolicyServer.Behaviour.REDIRECT);  // the next fetches get a 301
 *     web.requests();                                // SNI, request line and Host of each fetch
 * }
 * }</pre>
 *
 * <p>Every behaviour but {@link Behaviour#WRONG_CERTIFICATE_NAME} presents the certificate for
 * {@code mta-sts.<domain>}; that one presents a certificate for {@code wrong-name.invalid}, which
 * {@link #trustManager()} also trusts, so a client fails only on the name. The behaviour and the
 * policy can be changed while the server runs; each connection uses the values current when it is
 * accepted.
 *
 * <p>Threads: one daemon thread accepts connections, and each connection is served on a daemon
 * thread of its own named {@code mta-sts-policy-...}. Thread-safe. Binds loopback only.
 */
public final class MtaStsPolicyServer implements AutoCloseable {

  /** How the server answers a fetch. */
  public enum Behaviour {
    /** 200, {@code Content-Type: text/plain}, the policy with a Content-Length. */
    NORMAL,
    /** 200, text/plain, the policy in {@code Transfer-Encoding: chunked} (two chunks). */
    CHUNKED,
    /** 301 to {@code https://www.<domain>/mta-sts.txt}. */
    REDIRECT,
    /** 404 Not Found. */
    NOT_FOUND,
    /** 200 with {@code Content-Type: text/html}. */
    WRONG_CONTENT_TYPE,
    /** 200, text/plain, the policy followed by 100 KiB of padding lines, without Content-Length. */
    OVERSIZED,
    /** 200, text/plain, a correct Content-Length, then the body one byte per slow interval. */
    SLOW_BODY,
    /** A certificate for {@code wrong-name.invalid} instead of {@code mta-sts.<domain>}. */
    WRONG_CERTIFICATE_NAME,
    /**
     * Exactly the bytes given to {@link #rawResponse(byte[])} (status line, headers and body as
     * written), then the connection is closed: for hostile answers.
     */
    RAW
  }

  /**
   * One fetch the server received.
   *
   * @param serverName the SNI host name the client sent; empty string when none
   * @param requestLine the HTTP request line, e.g. {@code GET /.well-known/mta-sts.txt HTTP/1.1}
   * @param host the {@code Host} header; empty string when none
   */
  public record Request(String serverName, String requestLine, String host) {
    /**
     * Validates the components.
     *
     * @param serverName the SNI name
     * @param requestLine the request line
     * @param host the Host header
     */
    public Request {
      requireNonNull(serverName, "serverName");
      requireNonNull(requestLine, "requestLine");
      requireNonNull(host, "host");
    }
  }

  private final String policyHost;
  private final String domain;
  private final TestCertificates.ServerCertificate certificate;
  private final TestCertificates.ServerCertificate wrongName;
  private final SSLContext rightContext;
  private final SSLContext wrongContext;
  private final Duration slowInterval;
  private final ServerSocket listener;
  private final Thread acceptor;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicInteger active =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile String policy;
  private volatile byte[] raw = new byte[0];
  private volatile Behaviour behaviour;
  private volatile boolean closed;

  private MtaStsPolicyServer(Builder b) throws IOException {
    this.domain = b.domain.toLowerCase(Locale.ROOT);
    this.policyHost = "mta-sts." + domain;
    this.policy = b.policy;
    this.behaviour = b.behaviour;
    this.slowInterval = b.slowInterval;
    this.certificate = TestCertificates.selfSigned(policyHost);
    this.wrongName = TestCertificates.selfSigned("wrong-name.invalid");
    this.rightContext = certificate.serverContext();
    this.wrongContext = wrongName.serverContext();
    this.listener = new ServerSocket();
    listener.bind(new InetSocketAddress(b.bindAddress, b.port), 50);
    this.acceptor = new Thread(this::acceptLoop, "mta-sts-policy-accept-" + port());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Starts configuring a server.
   *
   * @return a builder: domain {@code example.org}, an enforce policy for {@code mx1.<domain>},
   *     {@link Behaviour#NORMAL}, 127.0.0.1 on an ephemeral port
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the address the server listens on.
   *
   * @return a loopback address and the port
   */
  public InetSocketAddress address() {
    return (InetSocketAddress) listener.getLocalSocketAddress();
  }

  /**
   * Returns the port the server listens on.
   *
   * @return the port
   */
  public int port() {
    return listener.getLocalPort();
  }

  /**
   * Returns the policy host name the certificate is made for.
   *
   * @return {@code mta-sts.<domain>}
   */
  public String policyHost() {
    return policyHost;
  }

  /**
   * Returns the certificate for {@code mta-sts.<domain>}.
   *
   * @return the certificate with its key
   */
  public TestCertificates.ServerCertificate certificate() {
    return certificate;
  }

  /**
   * Returns a trust manager trusting this server's two certificates (the right one and the
   * wrong-name one) and nothing else.
   *
   * @return the trust manager
   */
  public X509TrustManager trustManager() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("policy-host", certificate.certificate());
      ks.setCertificateEntry("wrong-name", wrongName.certificate());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("no X.509 trust manager");
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a trust manager", e);
    }
  }

  /**
   * Replaces the policy text served from the next connection on.
   *
   * @param policy the text, served as UTF-8 bytes exactly as given
   */
  public void policy(String policy) {
    this.policy = requireNonNull(policy, "policy");
  }

  /**
   * Changes how the server answers from the next connection on.
   *
   * @param behaviour the behaviour
   */
  public void behaviour(Behaviour behaviour) {
    this.behaviour = requireNonNull(behaviour, "behaviour");
  }

  /**
   * Answers every following fetch with exactly these bytes (and {@link Behaviour#RAW}).
   *
   * @param response the whole HTTP response as it goes on the wire; copied
   */
  public void rawResponse(byte[] response) {
    this.raw = requireNonNull(response, "response").clone();
    this.behaviour = Behaviour.RAW;
  }

  /**
   * Returns the fetches received so far, in order.
   *
   * @return an unmodifiable snapshot
   */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /**
   * Returns how many connections are being served right now: a client that closes its connection
   * (or is cancelled) makes this fall once the server notices, at the latest at its next write.
   *
   * @return the number of connections open
   */
  public int activeConnections() {
    return active.get();
  }

  /** Stops listening and closes every open connection. */
  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // best effort
    }
    for (Socket s : open) {
      closeQuietly(s);
    }
  }

  @Override
  public String toString() {
    return "MtaStsPolicyServer[" + policyHost + " at 127.0.0.1:" + port() + ", " + behaviour + "]";
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = listener.accept();
      } catch (IOException e) {
        return;
      }
      open.add(s);
      active.incrementAndGet();
      Behaviour now = behaviour;
      String text = policy;
      byte[] rawNow = raw;
      Thread t = new Thread(() -> serve(s, now, text, rawNow), "mta-sts-policy-" + s.getPort());
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(Socket plain, Behaviour how, String text, byte[] rawBytes) {
    SSLContext ctx = how == Behaviour.WRONG_CERTIFICATE_NAME ? wrongContext : rightContext;
    try (plain) {
      plain.setSoTimeout(10_000);
      SSLSocket s =
          (SSLSocket) ctx.getSocketFactory().createSocket(plain, null, plain.getPort(), true);
      s.setUseClientMode(false);
      open.add(s);
      try (s) {
        s.startHandshake();
        String sni = "";
        if (s.getSession() instanceof ExtendedSSLSession ext) {
          for (SNIServerName n : ext.getRequestedServerNames()) {
            if (n instanceof SNIHostName h) {
              sni = h.getAsciiName();
            }
          }
        }
        InputStream in = s.getInputStream();
        String requestLine = readLine(in);
        if (requestLine == null) {
          return;
        }
        String host = "";
        for (int i = 0; i < 100; i++) {
          String h = readLine(in);
          if (h == null || h.isEmpty()) {
            break;
          }
          if (h.toLowerCase(Locale.ROOT).startsWith("host:")) {
            host = h.substring(5).strip();
          }
        }
        requests.add(new Request(sni, requestLine, host));
        if (how == Behaviour.RAW) {
          s.getOutputStream().write(rawBytes);
          s.getOutputStream().flush();
        } else {
          respond(s.getOutputStream(), how, text, requestLine);
        }
      }
    } catch (IOException | RuntimeException | InterruptedException e) {
      // the client went away, or the server is closing
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    } finally {
      open.remove(plain);
      active.decrementAndGet();
    }
  }

  private void respond(OutputStream out, Behaviour how, String text, String requestLine)
      throws IOException, InterruptedException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    if (!requestLine.startsWith("GET /.well-known/mta-sts.txt ") && how != Behaviour.REDIRECT) {
      how = Behaviour.NOT_FOUND;
    }
    switch (how) {
      case REDIRECT ->
          out.write(
              head(
                  "301 Moved Permanently",
                  "Location: https://www." + domain + "/mta-sts.txt\r\nContent-Length: 0"));
      case NOT_FOUND -> {
        byte[] nf = "not found\n".getBytes(StandardCharsets.US_ASCII);
        out.write(
            head("404 Not Found", "Content-Type: text/plain\r\nContent-Length: " + nf.length));
        out.write(nf);
      }
      case WRONG_CONTENT_TYPE -> {
        out.write(head("200 OK", "Content-Type: text/html\r\nContent-Length: " + body.length));
        out.write(body);
      }
      case CHUNKED -> {
        out.write(head("200 OK", "Content-Type: text/plain\r\nTransfer-Encoding: chunked"));
        int half = body.length / 2;
        writeChunk(out, body, 0, half);
        writeChunk(out, body, half, body.length - half);
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      case OVERSIZED -> {
        out.write(head("200 OK", "Content-Type: text/plain; charset=utf-8"));
        out.write(body);
        byte[] pad =
            "x-padding: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789\n"
                .getBytes(StandardCharsets.US_ASCII);
        for (int written = 0; written < 100 * 1024; written += pad.length) {
          out.write(pad);
        }
      }
      case SLOW_BODY -> {
        out.write(head("200 OK", "Content-Type: text/plain\r\nContent-Length: " + body.length));
        out.flush();
        for (byte b : body) {
          if (closed) {
            return;
          }
          Thread.sleep(slowInterval.toMillis());
          out.write(b);
          out.flush();
        }
      }
      default -> {
        out.write(
            head(
                "200 OK",
                "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length));
        out.write(body);
      }
    }
    out.flush();
  }

  private static void writeChunk(OutputStream out, byte[] body, int off, int len)
      throws IOException {
    out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(body, off, len);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] head(String status, String headers) {
    return ("HTTP/1.1 " + status + "\r\n" + headers + "\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (b.size() < 8192) {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      if (c == '\n') {
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return null;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // best effort
    }
  }

  /** Configures an {@link MtaStsPolicyServer}. Not thread-safe. */
  public static final class Builder {
    private String domain = "example.org";
    private String policy;
    private Behaviour behaviour = Behaviour.NORMAL;
    private Duration slowInterval = Duration.ofMillis(200);
    private InetAddress bindAddress = InetAddress.getLoopbackAddress();
    private int port;

    private Builder() {}

    /**
     * Sets the domain; the certificate is made for {@code mta-sts.<domain>}.
     *
     * @param domain the domain, e.g. {@code example.org}
     * @return this builder
     */
    public Builder domain(String domain) {
      requireNonNull(domain, "domain");
      if (domain.isBlank() || domain.startsWith(".") || domain.endsWith(".")) {
        throw new IllegalArgumentException("domain must be a name like example.org: " + domain);
      }
      this.domain = domain;
      return this;
    }

    /**
     * Sets the policy text served (default: enforce, {@code mx1.<domain>}, max_age one week).
     *
     * @param policy the text, served as UTF-8 bytes exactly as given
     * @return this builder
     */
    public Builder policy(String policy) {
      this.policy = requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets how the server answers at first.
     *
     * @param behaviour the behaviour (default {@link Behaviour#NORMAL})
     * @return this builder
     */
    public Builder behaviour(Behaviour behaviour) {
      this.behaviour = requireNonNull(behaviour, "behaviour");
      return this;
    }

    /**
     * Sets the pause between two bytes of {@link Behaviour#SLOW_BODY}.
     *
     * @param interval a positive duration (default 200 ms)
     * @return this builder
     */
    public Builder slowInterval(Duration interval) {
      requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("slowInterval must be positive: " + interval);
      }
      this.slowInterval = interval;
      return this;
    }

    /**
     * Sets the loopback address to listen on.
     *
     * @param address a loopback address (127.0.0.0/8 or ::1)
     * @return this builder
     * @throws IllegalArgumentException when the address is not a loopback address
     */
    public Builder bindAddress(InetAddress address) {
      requireNonNull(address, "address");
      if (!address.isLoopbackAddress()) {
        throw new IllegalArgumentException("bindAddress must be a loopback address: " + address);
      }
      this.bindAddress = address;
      return this;
    }

    /**
     * Sets the port (default 0: an ephemeral port).
     *
     * @param port 0 to 65535
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Makes the certificates and starts listening.
     *
     * @return the running server
     * @throws IllegalStateException when the port cannot be bound
     */
    public MtaStsPolicyServer start() {
      if (policy == null) {
        policy =
            "version: STSv1\r\nmode: enforce\r\nmx: mx1."
                + domain.toLowerCase(Locale.ROOT)
                + "\r\nmax_age: 604800\r\n";
      }
      try {
        return new MtaStsPolicyServer(this);
      } catch (IOException e) {
        throw new IllegalStateException("cannot start the MTA-STS policy server", e);
      }
    }
  }
}
