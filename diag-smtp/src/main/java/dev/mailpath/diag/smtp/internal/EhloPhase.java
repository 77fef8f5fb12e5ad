package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.smtp.EhloCapabilities;
import dev.mailpath.diag.smtp.SmtpFinding;
import dev.mailpath.diag.smtp.SmtpPhase;
import dev.mailpath.diag.smtp.SmtpReply;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * EHLO with the HELO fallback (RFC 5321 §4.1.1.1) and the capabilities it announces. State lives in
 * the {@link Engine}; this class holds the algorithm.
 */
final class EhloPhase {
  private EhloPhase() {}

  // ---------------------------------------------------------------- EHLO, HELO

  /**
   * Sends EHLO; on 500 or 502 (command not recognised or not implemented) falls back to HELO, never
   * on 421 or 554, which are refusals rather than ignorance of EHLO.
   *
   * @param phase EHLO, or TLS for the EHLO after STARTTLS
   * @param name the client's name
   * @return the EHLO reply, or the HELO reply after a fallback
   */
  static SmtpReply ehlo(Engine eng, SmtpPhase phase, String name) {
    eng.lastEhloName = name;
    String line = "EHLO " + name;
    SmtpReply r = eng.exchange(phase, line, line, eng.o.timeouts.command());
    if (r.isPositive()) {
      eng.setCapabilities(phase, r);
      return r;
    }
    if (r.code() == 500 || r.code() == 502) {
      // RFC 5321 §4.1.4 and §3.2: a server that does not know EHLO answers 500/502; only then is
      // HELO the right retry. 421/554 mean "go away" and HELO would not change that.
      String helo = "HELO " + name;
      SmtpReply h = eng.exchange(phase, helo, helo, eng.o.timeouts.command());
      if (h.isPositive()) {
        eng.caps = EhloCapabilities.none();
        eng.addFinding(
            SmtpFinding.EHLO_REJECTED_HELO_USED.finding(
                "EHLO was answered "
                    + r.firstLine()
                    + "; HELO worked, so no extensions are available",
                Evidence.of("phase", phase),
                Evidence.of("ehlo-reply", r.firstLine()),
                Evidence.of("helo-reply", h.firstLine())));
      } else {
        eng.judge(phase, helo, h, null);
      }
      return h;
    }
    if (r.received() && !r.isPositive() && !r.isTemporaryFailure() && !r.isPermanentFailure()) {
      eng.unexpected(phase, line, r, "250");
    } else {
      eng.judge(phase, line, r, null);
    }
    return r;
  }

  /**
   * Sends HELO (RFC 5321 §4.1.1.1).
   *
   * @param name the client's name
   * @return the reply
   */
  static SmtpReply helo(Engine eng, String name) {
    eng.lastEhloName = name;
    String line = "HELO " + name;
    SmtpReply r = eng.exchange(SmtpPhase.EHLO, line, line, eng.o.timeouts.command());
    if (r.isPositive()) {
      eng.caps = EhloCapabilities.none();
    } else {
      eng.judge(SmtpPhase.EHLO, line, r, null);
    }
    return r;
  }

  static void setCapabilities(Engine eng, SmtpPhase phase, SmtpReply r) {
    eng.caps = EhloCapabilities.parse(r);
    eng.checkEhloName(phase);
    if (eng.caps.sizeInvalid()) {
      eng.addOnce(
          "size",
          SmtpFinding.EHLO_SIZE_INVALID.finding(
              "The server advertises SIZE "
                  + eng.caps.sizeParameter().orElse("")
                  + ", which is not a valid size",
              Evidence.of("phase", phase),
              Evidence.of("size", eng.caps.sizeParameter().orElse(""))));
    }
    if (!eng.wire.tls() && !eng.caps.authMechanisms().isEmpty()) {
      eng.addOnce(
          "auth-clear",
          SmtpFinding.AUTH_OFFERED_WITHOUT_TLS.finding(
              "AUTH "
                  + String.join(" ", eng.caps.authMechanisms())
                  + " is offered on a connection without TLS",
              Evidence.of("phase", phase),
              Evidence.of("mechanisms", String.join(" ", eng.caps.authMechanisms()))));
    }
  }

  static String ehloName(Engine eng) {
    if (eng.lastEhloName != null) {
      return eng.lastEhloName;
    }
    if (eng.o.defaultEhloName != null) {
      return eng.o.defaultEhloName;
    }
    // RFC 5321 §4.1.4: without a name, the client's address literal is the right EHLO argument.
    InetAddress local =
        eng.wire != null ? eng.wire.socket().getLocalAddress() : InetAddress.getLoopbackAddress();
    String text = dev.mailpath.diag.core.internal.Addresses.format(local);
    return local instanceof Inet6Address ? "[IPv6:" + text + "]" : "[" + text + "]";
  }
}
