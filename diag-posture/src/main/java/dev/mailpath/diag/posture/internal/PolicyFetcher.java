package dev.mailpath.diag.posture.internal;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.IpAddressText;
import dev.mailpath.diag.core.TimeSource;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.SocketFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Fetches {@code https://<host>/.well-known/mta-sts.txt} by RFC 8461 §3.3 over a socket to an
 * address resolved elsewhere (through mailpath's DNS, never the system resolver): TLS with SNI and
 * host name verification for the policy host, one HTTP/1.1 GET, no redirects followed, 200 only, at
 * most {@link #MAX_BODY} bytes of body (chunked or not), everything within one deadline.
 *
 * <p>Stateless; one instance serves any number of concurrent fetches.
 */
public final class PolicyFetcher {
  /** The largest policy body read: 64 KiB, the usual limit of senders. */
  public static final int MAX_BODY = 64 * 1024;

  /** The largest status line plus header section read. */
  static final int MAX_HEAD = 16 * 1024;

  /** How a fetch ended. */
  public enum Kind {
    /** 200 with a body within the limit (its content type may still be wrong). */
    OK,
    /** The host has no address to connect to. */
    NO_ADDRESS,
    /** No address accepted the connection, or the peer broke the exchange. */
    CONNECT_FAILED,
    /** The certificate did not validate for the host. */
    CERTIFICATE_INVALID,
    /** The TLS handshake failed for another reason. */
    TLS_FAILED,
    /** The deadline passed. */
    TIMEOUT,
    /** A 3xx answer. */
    REDIRECT,
    /** Another non-200 answer. */
    HTTP_STATUS,
    /** The body is larger than {@link #MAX_BODY}. */
    TOO_LARGE,
    /** The answer is not readable HTTP. */
    MALFORMED
  }

  /**
   * The result of one fetch.
   *
   * @param kind how it ended
   * @param address the address connected to, when a connection was made
   * @param status the HTTP status, when one was read
   * @param contentType the Content-Type header, when present
   * @param location the Location header of a redirect
   * @param body the body, for {@link Kind#OK}
   * @param detail what went wrong, in one line
   */
  public record Result(
      Kind kind,
      Optional<String> address,
      Optional<Integer> status,
      Optional<String> contentType,
      Optional<String> location,
      Optional<byte[]> body,
      String detail) {}

  private final SocketFactory sockets;
  private final SSLContext tls;
  private final TimeSource clock;
  private final HostGates gates;

  /**
   * Creates a fetcher.
   *
   * @param sockets where plain sockets come from (the environment's seam)
   * @param tls the client TLS context (trust)
   * @param clock the clock of deadlines
   */
  public PolicyFetcher(SocketFactory sockets, SSLContext tls, TimeSource clock) {
    this(sockets, tls, clock, null);
  }

  /**
   * Creates a fetcher whose connections go through per-address gates (a posture check's, shared
   * with its SMTP sessions).
   *
   * @param sockets where plain sockets come from (the environment's seam)
   * @param tls the client TLS context (trust)
   * @param clock the clock of deadlines
   * @param gates the connection limits per address, or {@code null} for none
   */
  public PolicyFetcher(SocketFactory sockets, SSLContext tls, TimeSource clock, HostGates gates) {
    this.sockets = requireNonNull(sockets, "sockets");
    this.tls = requireNonNull(tls, "tls");
    this.clock = requireNonNull(clock, "clock");
    this.gates = gates;
  }

  /**
   * Fetches the policy.
   *
   * @param host the policy host, {@code mta-sts.<domain>}
   * @param addresses its addresses, tried in order until one accepts the connection
   * @param port the port (443 but in tests)
   * @param deadlineNanos the {@link TimeSource#nanoTime()} by which the fetch ends
   * @param register receives every socket opened, so that a cancelled call can close it
   * @return the result; never throws for network trouble
   */
  public Result fetch(
      String host,
      List<InetAddress> addresses,
      int port,
      long deadlineNanos,
      Consumer<Socket> register) {
    if (addresses.isEmpty()) {
      return fail(Kind.NO_ADDRESS, null, "mta-sts host " + host + " has no address");
    }
    String lastError = "";
    for (InetAddress a : addresses) {
      String addr = IpAddressText.format(a);
      long remaining = remainingMillis(deadlineNanos);
      if (remaining <= 0) {
        return fail(Kind.TIMEOUT, null, "deadline passed before connecting to " + addr);
      }
      AutoCloseable slot = null;
      if (gates != null) {
        try {
          slot = gates.acquire(addr, TimeUnit.MILLISECONDS.toNanos(remaining));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return fail(Kind.TIMEOUT, null, "interrupted waiting for a connection slot to " + addr);
        }
        if (slot == null) {
          return fail(
              Kind.TIMEOUT, null, "deadline passed waiting for a connection slot to " + addr);
        }
      }
      try {
        return connectAndFetch(host, a, addr, port, deadlineNanos, register);
      } catch (ConnectFailed e) {
        lastError = e.getMessage();
      } finally {
        if (slot != null) {
          try {
            slot.close();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }
    return fail(Kind.CONNECT_FAILED, null, lastError);
  }

  /** A connection that was refused or failed: try the next address. */
  private static final class ConnectFailed extends Exception {
    private static final long serialVersionUID = 1L;

    ConnectFailed(String message) {
      super(message, null, false, false);
    }
  }

  private Result connectAndFetch(
      String host,
      InetAddress a,
      String addr,
      int port,
      long deadlineNanos,
      Consumer<Socket> register)
      throws ConnectFailed {
    long remaining = remainingMillis(deadlineNanos);
    if (remaining <= 0) {
      return fail(Kind.TIMEOUT, null, "deadline passed before connecting to " + addr);
    }
    Socket plain;
    try {
      plain = sockets.createSocket();
      register.accept(plain);
      plain.connect(new InetSocketAddress(a, port), (int) Math.min(remaining, Integer.MAX_VALUE));
    } catch (SocketTimeoutException e) {
      return fail(Kind.TIMEOUT, addr, "connection to " + addr + " timed out");
    } catch (IOException e) {
      throw new ConnectFailed(
          "cannot connect to " + addr + " port " + port + ": " + e.getMessage());
    }
    return exchange(host, port, plain, addr, deadlineNanos, register);
  }

  private Result exchange(
      String host,
      int port,
      Socket plain,
      String addr,
      long deadlineNanos,
      Consumer<Socket> register) {
    try (Socket ignored = plain) {
      SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true);
      register.accept(s);
      try (s) {
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        p.setServerNames(List.of(new SNIHostName(host)));
        s.setSSLParameters(p);
        InputStream in = new DeadlineInputStream(s.getInputStream(), s, deadlineNanos);
        s.setSoTimeout(timeoutFor(deadlineNanos));
        try {
          s.startHandshake();
        } catch (SSLException e) {
          if (remainingMillis(deadlineNanos) <= 0
              || e.getCause() instanceof SocketTimeoutException) {
            return fail(Kind.TIMEOUT, addr, "TLS handshake with " + addr + " timed out");
          }
          boolean cert = false;
          for (Throwable t = e; t != null; t = t.getCause()) {
            cert |= t instanceof CertificateException;
          }
          return fail(
              cert ? Kind.CERTIFICATE_INVALID : Kind.TLS_FAILED,
              addr,
              "TLS handshake with " + addr + " failed: " + MtaStsParsers.clip(e.getMessage()));
        }
        OutputStream out = s.getOutputStream();
        String hostHeader = port == 443 ? host : host + ":" + port;
        out.write(
            ("GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: "
                    + hostHeader
                    + "\r\nUser-Agent: mailpath\r\nAccept: text/plain\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return readResponse(in, addr);
      }
    } catch (SocketTimeoutException e) {
      return fail(Kind.TIMEOUT, addr, "no answer from " + addr + " before the deadline");
    } catch (IOException e) {
      if (remainingMillis(deadlineNanos) <= 0) {
        return fail(Kind.TIMEOUT, addr, "no answer from " + addr + " before the deadline");
      }
      return fail(
          Kind.CONNECT_FAILED,
          addr,
          "exchange with "
              + addr
              + " failed: "
              + MtaStsParsers.clip(String.valueOf(e.getMessage())));
    }
  }

  private Result readResponse(InputStream in, String addr) throws IOException {
    int[] headBudget = {MAX_HEAD};
    String statusLine = readLine(in, headBudget);
    if (statusLine == null) {
      return fail(Kind.MALFORMED, addr, "the server closed the connection without an answer");
    }
    String[] sl = statusLine.split(" ", 3);
    if (sl.length < 2 || !sl[0].startsWith("HTTP/1.") || !sl[1].matches("[0-9]{3}")) {
      return fail(
          Kind.MALFORMED, addr, "not an HTTP status line: " + MtaStsParsers.clip(statusLine));
    }
    int status = Integer.parseInt(sl[1]);
    String contentType = null;
    String location = null;
    String transferEncoding = null;
    String contentLength = null;
    while (true) {
      String line = readLine(in, headBudget);
      if (line == null) {
        return fail(Kind.MALFORMED, addr, "the header section is cut off or longer than 16 KiB");
      }
      if (line.isEmpty()) {
        break;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).strip();
      switch (name) {
        case "content-type" -> contentType = value;
        case "location" -> location = value;
        case "transfer-encoding" -> transferEncoding = value.toLowerCase(Locale.ROOT);
        case "content-length" -> contentLength = value;
        default -> {}
      }
    }
    Optional<String> ct = Optional.ofNullable(contentType);
    if (status / 100 == 3) {
      return new Result(
          Kind.REDIRECT,
          Optional.of(addr),
          Optional.of(status),
          ct,
          Optional.ofNullable(location).map(MtaStsParsers::clip),
          Optional.empty(),
          "HTTP "
              + status
              + " redirect"
              + (location == null ? "" : " to " + MtaStsParsers.clip(location)));
    }
    if (status != 200) {
      return new Result(
          Kind.HTTP_STATUS,
          Optional.of(addr),
          Optional.of(status),
          ct,
          Optional.empty(),
          Optional.empty(),
          "HTTP " + MtaStsParsers.clip(statusLine));
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    boolean tooLarge;
    if (transferEncoding != null && transferEncoding.contains("chunked")) {
      tooLarge = readChunked(in, body);
    } else if (contentLength != null) {
      if (!contentLength.matches("[0-9]{1,18}")) {
        return fail(
            Kind.MALFORMED, addr, "invalid Content-Length " + MtaStsParsers.clip(contentLength));
      }
      long len = Long.parseLong(contentLength);
      if (len > MAX_BODY) {
        return new Result(
            Kind.TOO_LARGE,
            Optional.of(addr),
            Optional.of(status),
            ct,
            Optional.empty(),
            Optional.empty(),
            "Content-Length " + len + " is above " + MAX_BODY + " bytes");
      }
      tooLarge = copy(in, body, len);
      if (body.size() < len) {
        return fail(Kind.MALFORMED, addr, "the body is shorter than its Content-Length " + len);
      }
    } else {
      tooLarge = copy(in, body, Long.MAX_VALUE);
    }
    if (tooLarge) {
      return new Result(
          Kind.TOO_LARGE,
          Optional.of(addr),
          Optional.of(status),
          ct,
          Optional.empty(),
          Optional.empty(),
          "the body is larger than " + MAX_BODY + " bytes");
    }
    return new Result(
        Kind.OK,
        Optional.of(addr),
        Optional.of(status),
        ct,
        Optional.empty(),
        Optional.of(body.toByteArray()),
        "HTTP 200, " + body.size() + " bytes");
  }

  /** Copies up to {@code len} bytes; true when more than {@link #MAX_BODY} would be needed. */
  private static boolean copy(InputStream in, ByteArrayOutputStream body, long len)
      throws IOException {
    byte[] buf = new byte[8192];
    long left = len;
    while (left > 0) {
      int want = (int) Math.min(buf.length, Math.min(left, MAX_BODY + 1L - body.size()));
      int r = in.read(buf, 0, want);
      if (r < 0) {
        return false;
      }
      body.write(buf, 0, r);
      left -= r;
      if (body.size() > MAX_BODY) {
        return true;
      }
    }
    return false;
  }

  private static boolean readChunked(InputStream in, ByteArrayOutputStream body)
      throws IOException {
    int[] budget = {MAX_HEAD};
    while (true) {
      String sizeLine = readLine(in, budget);
      if (sizeLine == null) {
        throw new IOException("chunked body cut off");
      }
      int semi = sizeLine.indexOf(';');
      String hex = (semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).strip();
      if (!hex.matches("[0-9A-Fa-f]{1,8}")) {
        throw new IOException("invalid chunk size " + MtaStsParsers.clip(hex));
      }
      long size = Long.parseLong(hex, 16);
      if (size == 0) {
        return false;
      }
      if (body.size() + size > MAX_BODY) {
        return true;
      }
      copy(in, body, size);
      budget[0] = MAX_HEAD;
      String crlf = readLine(in, budget);
      if (crlf == null || !crlf.isEmpty()) {
        throw new IOException("chunk not followed by CRLF");
      }
    }
  }

  /** Reads a line ended by LF (CR before it dropped); null at EOF or past the budget. */
  private static String readLine(InputStream in, int[] budget) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      if (--budget[0] < 0) {
        return null;
      }
      if (c == '\n') {
        byte[] b = line.toByteArray();
        int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
        return new String(b, 0, len, StandardCharsets.ISO_8859_1);
      }
      line.write(c);
    }
  }

  private long remainingMillis(long deadlineNanos) {
    return Math.floorDiv(deadlineNanos - clock.nanoTime(), 1_000_000L);
  }

  private int timeoutFor(long deadlineNanos) throws SocketTimeoutException {
    long ms = remainingMillis(deadlineNanos);
    if (ms <= 0) {
      throw new SocketTimeoutException("deadline passed");
    }
    return (int) Math.min(ms, Integer.MAX_VALUE);
  }

  private static Result fail(Kind kind, String addr, String detail) {
    return new Result(
        kind,
        Optional.ofNullable(addr),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        detail);
  }

  /** Sets the socket's read timeout to the time left before each read, so a drip is cut off. */
  private final class DeadlineInputStream extends FilterInputStream {
    private final Socket socket;
    private final long deadlineNanos;

    DeadlineInputStream(InputStream in, Socket socket, long deadlineNanos) {
      super(new java.io.BufferedInputStream(in, 8192));
      this.socket = socket;
      this.deadlineNanos = deadlineNanos;
    }

    @Override
    public int read() throws IOException {
      if (((java.io.BufferedInputStream) in).available() == 0) {
        socket.setSoTimeout(timeoutFor(deadlineNanos));
      }
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      socket.setSoTimeout(timeoutFor(deadlineNanos));
      return in.read(b, off, len);
    }
  }
}
