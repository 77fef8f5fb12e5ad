package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.TlsMode;
import dev.mailpath.diag.core.internal.IpLiterals;
import dev.mailpath.diag.smtp.SmtpFinding;
import dev.mailpath.diag.smtp.SmtpPhase;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Connects: resolves the host through the client's DNS (never the JDK's lookup), tries each address
 * in turn within the connect timeout, binds the local address, and runs the implicit TLS handshake
 * (RFC 8314) before the greeting. State lives in the {@link Engine}; this class holds the
 * algorithm.
 */
final class ConnectPhase {
  private ConnectPhase() {}

  // ---------------------------------------------------------------- connect and banner

  /**
   * Resolves the host, connects (with TLS for SMTPS) and reads the greeting.
   *
   * @return {@code true} when the server greeted with 220
   */
  static boolean connect(Engine eng) {
    long t0 = eng.time.nanoTime();
    List<InetAddress> addresses = eng.addresses();
    if (addresses.isEmpty()) {
      eng.timings.add("connect", eng.since(t0));
      eng.end(SmtpPhase.CONNECT, "host name not resolved");
      return false;
    }
    Socket socket = null;
    Finding failure = null;
    for (InetAddress a : addresses) {
      if (eng.aborted) {
        break;
      }
      InetSocketAddress sa = new InetSocketAddress(a, eng.o.port);
      Deadline d = eng.phaseDeadline(eng.o.timeouts.connect());
      eng.rec.note("Trying " + format(sa) + "...");
      eng.listener.connectStart(sa);
      long c0 = eng.time.nanoTime();
      Socket s = null;
      try {
        s = eng.env.socketFactory().createSocket();
        if (eng.o.localAddress != null) {
          s.bind(new InetSocketAddress(eng.o.localAddress, 0));
        }
        s.connect(sa, (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.remainingMillis())));
        eng.listener.connectEnd(sa, null, eng.since(c0));
        eng.rec.note(
            "Connected to "
                + format(sa)
                + (eng.o.localAddress != null
                    ? " from " + s.getLocalAddress().getHostAddress()
                    : ""));
        socket = s;
        eng.remote = sa;
        break;
      } catch (IOException e) {
        Engine.closeQuietly(s);
        eng.listener.connectEnd(sa, String.valueOf(e.getMessage()), eng.since(c0));
        failure = eng.connectFailure(sa, e, d);
        eng.rec.note("Connection to " + format(sa) + " failed: " + e.getMessage());
      }
    }
    eng.timings.add("connect", eng.since(t0));
    if (socket == null) {
      if (failure != null) {
        eng.addFinding(failure);
      }
      eng.end(SmtpPhase.CONNECT, failure != null ? failure.summary() : "cancelled");
      return false;
    }
    try {
      socket.setTcpNoDelay(true);
      eng.wire =
          new SmtpWire(
              socket,
              eng.rec,
              (int) Math.min(Integer.MAX_VALUE, eng.o.timeouts.read().toMillis()),
              eng.secrets);
    } catch (IOException e) {
      Engine.closeQuietly(socket);
      eng.addFinding(
          SmtpFinding.CONNECT_CLOSED.finding(
              "Connection unusable right after connect: " + e.getMessage()));
      eng.end(SmtpPhase.CONNECT, "connection unusable");
      return false;
    }
    eng.alive = true;
    if (eng.aborted) {
      eng.wire.close();
    }
    // RFC 8314 §3.3: with implicit TLS the handshake comes first; its problems belong to TLS.
    if (eng.o.tlsMode == TlsMode.IMPLICIT && !eng.handshake(SmtpPhase.TLS)) {
      return false;
    }
    return eng.readBanner();
  }

  static List<InetAddress> addresses(Engine eng) {
    Optional<InetAddress> literal = IpLiterals.parse(eng.o.host);
    if (literal.isPresent()) {
      return List.of(literal.get());
    }
    if (eng.o.host.equalsIgnoreCase("localhost")) {
      // RFC 6761 §6.3: localhost is the loopback address; no lookup needed.
      return List.of(InetAddress.getLoopbackAddress());
    }
    HostResolver.Resolution r = eng.resolver().resolve(eng.o.host);
    r.findings().forEach(eng::addFinding);
    if (r.addresses().isEmpty()
        && eng.findings.stream().noneMatch(f -> f.is(SmtpFinding.HOST_UNRESOLVED))) {
      eng.addFinding(
          SmtpFinding.HOST_UNRESOLVED.finding(
              "No address found for " + eng.o.host, Evidence.of("host", eng.o.host)));
    }
    for (InetAddress a : r.addresses()) {
      eng.rec.note(eng.o.host + " resolves to " + a.getHostAddress());
    }
    return r.addresses();
  }

  static HostResolver resolver(Engine eng) {
    if (eng.resolver == null) {
      eng.resolver = eng.o.resolver(eng.env);
    }
    return eng.resolver;
  }

  static Finding connectFailure(Engine eng, InetSocketAddress sa, IOException e, Deadline d) {
    String msg = String.valueOf(e.getMessage());
    Evidence where = Evidence.of("address", format(sa));
    if (e instanceof SocketTimeoutException) {
      return SmtpFinding.TIMEOUT.finding(
          "No TCP connection to "
              + format(sa)
              + " within the connect "
              + d.describe()
              + " (CONNECT phase)",
          Evidence.of("phase", SmtpPhase.CONNECT),
          where);
    }
    if (e instanceof ConnectException && msg.toLowerCase(Locale.ROOT).contains("refused")) {
      return SmtpFinding.CONNECT_REFUSED.finding(
          "Connection to " + format(sa) + " refused",
          Evidence.of("phase", SmtpPhase.CONNECT),
          where);
    }
    if (e instanceof SocketException && msg.toLowerCase(Locale.ROOT).contains("reset")) {
      return SmtpFinding.CONNECT_RESET.finding(
          "Connection to " + format(sa) + " reset while connecting",
          Evidence.of("phase", SmtpPhase.CONNECT),
          where);
    }
    return SmtpFinding.CONNECT_FAILED.finding(
        "Connection to " + format(sa) + " failed: " + msg,
        Evidence.of("phase", SmtpPhase.CONNECT),
        where,
        Evidence.of("error", e.getClass().getSimpleName() + ": " + msg));
  }

  static String format(InetSocketAddress sa) {
    // RFC 5952 text for IPv6 ([::1]:25), as every other report prints addresses.
    return dev.mailpath.diag.core.internal.Addresses.format(sa);
  }
}
