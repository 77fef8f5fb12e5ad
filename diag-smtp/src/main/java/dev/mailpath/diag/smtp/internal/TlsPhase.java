package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.TlsFailurePolicy;
import dev.mailpath.diag.core.internal.IpLiterals;
import dev.mailpath.diag.smtp.SmtpFinding;
import dev.mailpath.diag.smtp.SmtpPhase;
import dev.mailpath.diag.smtp.SmtpReply;
import dev.mailpath.diag.smtp.TlsInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

/**
 * STARTTLS (RFC 3207) and the TLS handshake: plaintext injection after the 220, certificate chain,
 * name and expiry, and the EHLO again inside TLS. State lives in the {@link Engine}; this class
 * holds the algorithm.
 */
final class TlsPhase {
  private TlsPhase() {}

  // ---------------------------------------------------------------- STARTTLS and TLS

  /**
   * Sends STARTTLS, checks for injected plaintext, runs the handshake and sends EHLO again with the
   * pre-TLS capabilities discarded (RFC 3207 §4.2).
   *
   * @param onlyIfOffered whether to skip STARTTLS when the EHLO reply lacks it
   * @return the reply to STARTTLS
   */
  static SmtpReply startTls(Engine eng, boolean onlyIfOffered) {
    if (!eng.usable()) {
      return eng.notConnected();
    }
    if (eng.caps != null && !eng.caps.startTls()) {
      eng.addOnce(
          "starttls",
          SmtpFinding.STARTTLS_NOT_OFFERED.finding(
              "The EHLO reply does not advertise STARTTLS", Evidence.of("phase", SmtpPhase.TLS)));
      if (onlyIfOffered) {
        eng.end(SmtpPhase.TLS, "STARTTLS not offered");
        return SmtpReply.none("STARTTLS not sent: not offered");
      }
    }
    SmtpReply r = eng.exchange(SmtpPhase.TLS, "STARTTLS", "STARTTLS", eng.o.timeouts.command());
    if (!r.received()) {
      return r;
    }
    if (r.code() != 220) {
      if (r.isPositive() || r.isIntermediate()) {
        eng.unexpected(SmtpPhase.TLS, "STARTTLS", r, "220");
      } else {
        eng.judge(SmtpPhase.TLS, "STARTTLS", r, null);
      }
      eng.end(SmtpPhase.TLS, "STARTTLS answered " + r.firstLine());
      return r;
    }
    if (eng.wire.reader().hasPendingInput()) {
      // RFC 3207 §5 and CVE-2011-0411: bytes after the 220 arrived in clear text; a client that
      // read them after the handshake would take injected lines for protected replies.
      Deadline d = eng.phaseDeadline(Engine.INJECTION_GRACE);
      int before = eng.rec.size();
      ReplyReader.Result extra = eng.wire.read(d);
      eng.addFinding(
          SmtpFinding.STARTTLS_PLAINTEXT_INJECTION.finding(
              "Clear text followed the 220 to STARTTLS"
                  + (extra.ok() ? ": " + extra.reply().firstLine() : "")
                  + "; aborted before the TLS handshake",
              Evidence.of("phase", SmtpPhase.TLS),
              Evidence.of("transcript-line", before)));
      eng.rec.note("Plaintext after STARTTLS 220: connection closed without TLS and without QUIT");
      eng.alive = false;
      eng.wire.close();
      eng.end(SmtpPhase.TLS, "plaintext injected after STARTTLS");
      return r;
    }
    if (!eng.handshake(SmtpPhase.TLS)) {
      return r;
    }
    // RFC 3207 §4.2: forget everything learnt before TLS, and ask again.
    eng.caps = null;
    eng.ehlo(SmtpPhase.TLS, eng.ehloName());
    return r;
  }

  static boolean handshake(Engine eng, SmtpPhase phase) {
    String expected = eng.o.expectedTlsName();
    String peer = expected != null ? expected : stripBrackets(eng.o.host);
    Deadline d = eng.phaseDeadline(eng.o.timeouts.tls());
    eng.rec.note(
        "TLS handshake"
            + (IpLiterals.isLiteral(peer) ? " (no SNI), checking address " : " with SNI ")
            + peer);
    long t0 = eng.time.nanoTime();
    // A trust manager judges the chain here, so REPORT_AND_CONTINUE covers a rejected chain too;
    // a whole context decides alone (TlsSupport explains).
    SSLContext ctx = eng.o.tls.sslContext().orElse(null);
    X509TrustManager trust =
        ctx != null ? null : eng.o.tls.trustManager().orElseGet(TlsSupport::defaultTrustManager);
    TlsSupport.Outcome out =
        TlsSupport.handshake(
            eng.wire.socket(),
            peer,
            eng.o.port,
            ctx,
            trust,
            eng.o.tls.failurePolicy(),
            eng.time.instant(),
            (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.remainingMillis())));
    Duration el = eng.since(t0);
    eng.timings.add("tls", el);
    eng.tlsInfo = out.info();
    eng.listener.tlsEnd(out.info().protocol().orElse(null), out.info().error().orElse(null), el);
    Evidence ph = Evidence.of("phase", phase);
    Evidence name = Evidence.of("server-name", peer);
    if (out.socket() == null) {
      String detail = out.info().error().orElse("handshake failed");
      eng.rec.note("TLS handshake failed: " + detail);
      switch (out.handshakeProblem()) {
        case TIMEOUT:
          eng.addFinding(
              SmtpFinding.TIMEOUT.finding(
                  "The TLS handshake did not finish within the "
                      + d.describe()
                      + " ("
                      + phase
                      + " phase)",
                  ph));
          break;
        case CHAIN:
          eng.addFinding(
              SmtpFinding.TLS_CERTIFICATE_INVALID.finding(
                  "The certificate chain is not trusted: " + detail, ph, name, eng.subject()));
          break;
        case EXPIRED:
          eng.addFinding(
              SmtpFinding.TLS_CERTIFICATE_EXPIRED.finding(
                  "The certificate is expired or not yet valid: " + detail,
                  ph,
                  name,
                  eng.subject()));
          break;
        default:
          eng.addFinding(
              SmtpFinding.TLS_HANDSHAKE_FAILED.finding(
                  "The TLS handshake failed: " + detail, ph, name));
      }
      eng.alive = false;
      eng.wire.close();
      eng.end(phase, "TLS handshake failed: " + detail);
      return false;
    }
    try {
      eng.wire.upgrade(out.socket());
    } catch (IOException e) {
      eng.addFinding(
          SmtpFinding.TLS_HANDSHAKE_FAILED.finding(
              "The TLS session is unusable: " + e.getMessage(), ph));
      eng.alive = false;
      eng.wire.close();
      eng.end(phase, "TLS session unusable");
      return false;
    }
    TlsInfo t = out.info();
    eng.rec.note(
        "TLS established: "
            + t.protocol().orElse("?")
            + " "
            + t.cipherSuite().orElse("?")
            + ", certificate "
            + t.subject().orElse("(none)")
            + ", issuer "
            + t.issuer().orElse("?")
            + t.notAfter().map(n -> ", expires " + n).orElse(""));
    List<String> problems = new ArrayList<>();
    if (out.chainProblem() == TlsSupport.Problem.CHAIN) {
      eng.addFinding(
          SmtpFinding.TLS_CERTIFICATE_INVALID.finding(
              "The certificate chain is not trusted: " + out.chainDetail(),
              ph,
              name,
              eng.subject()));
      problems.add("chain not trusted");
    }
    if (t.expired()) {
      eng.addFinding(
          SmtpFinding.TLS_CERTIFICATE_EXPIRED.finding(
              "The certificate is outside its validity period"
                  + t.notAfter().map(n -> " (notAfter " + n + ")").orElse(""),
              ph,
              name,
              eng.subject()));
      problems.add("certificate expired");
    }
    if (!t.hostnameValid()) {
      eng.addFinding(
          SmtpFinding.TLS_NAME_MISMATCH.finding(
              "The certificate does not match "
                  + peer
                  + (t.subjectAltNames().isEmpty()
                      ? " (it has no subject alternative names; subject "
                          + t.subject().orElse("?")
                          + ")"
                      : " (it names " + String.join(", ", t.subjectAltNames()) + ")"),
              ph,
              name,
              eng.subject()));
      problems.add("name mismatch");
    }
    if (!problems.isEmpty()) {
      if (eng.o.tls.failurePolicy() == TlsFailurePolicy.FAIL) {
        eng.rec.note(
            "TLS certificate not accepted ("
                + String.join(", ", problems)
                + "); ending the conversation");
        eng.end(phase, "TLS certificate not accepted: " + String.join(", ", problems));
        return false;
      }
      eng.rec.note(
          "TLS certificate not accepted ("
              + String.join(", ", problems)
              + "); continuing as asked (REPORT_AND_CONTINUE)");
    }
    return true;
  }

  static Evidence subject(Engine eng) {
    return Evidence.of(
        "certificate", eng.tlsInfo == null ? "(none)" : eng.tlsInfo.subject().orElse("(none)"));
  }

  static String stripBrackets(String h) {
    return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
  }
}
