package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.smtp.SmtpAuthMechanism;
import dev.mailpath.diag.smtp.SmtpCredentials;
import dev.mailpath.diag.smtp.SmtpFinding;
import dev.mailpath.diag.smtp.SmtpPhase;
import dev.mailpath.diag.smtp.SmtpReply;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AUTH (RFC 4954) with PLAIN, LOGIN or CRAM-MD5; secrets are recorded as [redacted]. State lives in
 * the {@link Engine}; this class holds the algorithm.
 */
final class AuthPhase {
  private AuthPhase() {}

  // ---------------------------------------------------------------- AUTH

  /**
   * Authenticates (RFC 4954) with the pinned mechanism or the best offered one; the transcript
   * shows {@code AUTH PLAIN [redacted]} and {@code [redacted]} for every secret line.
   *
   * @param c the credentials
   * @return the final reply (235 on success)
   */
  static SmtpReply auth(Engine eng, SmtpCredentials c) {
    if (!eng.usable()) {
      return eng.notConnected();
    }
    List<String> offered = eng.caps == null ? List.of() : eng.caps.authMechanisms();
    if (eng.caps != null && offered.isEmpty()) {
      eng.addOnce(
          "auth-missing",
          SmtpFinding.AUTH_NOT_OFFERED.finding(
              "AUTH was requested but the EHLO reply lists no AUTH mechanisms",
              Evidence.of("phase", SmtpPhase.AUTH)));
    }
    SmtpAuthMechanism m = c.pinnedMechanism().orElseGet(() -> choose(offered));
    Duration t = eng.o.timeouts.command();
    SmtpReply r;
    String user = c.username();
    // A server may quote what it got in its error reply; from here on, the password and its
    // encodings are scrubbed from every line recorded.
    eng.secrets.addCredentials(user, c.password());
    switch (m) {
      case PLAIN:
        String ir = b64("\0" + user + "\0" + c.password());
        if (("AUTH PLAIN " + ir).length() + 2 <= Inputs.MAX_COMMAND_LINE) {
          r = eng.exchange(SmtpPhase.AUTH, "AUTH PLAIN " + ir, "AUTH PLAIN [redacted]", t);
        } else {
          // RFC 4954 §4: an initial response that would make the command line too long is not
          // sent; the response follows the empty challenge instead.
          r = eng.exchange(SmtpPhase.AUTH, "AUTH PLAIN", "AUTH PLAIN", t);
        }
        if (r.code() == 334) {
          // A server that ignores initial responses asks again with an empty challenge.
          r = eng.exchange(SmtpPhase.AUTH, ir, "[redacted]", t);
        }
        break;
      case LOGIN:
        r = eng.exchange(SmtpPhase.AUTH, "AUTH LOGIN", "AUTH LOGIN", t);
        if (r.code() == 334) {
          r = eng.exchange(SmtpPhase.AUTH, b64(user), "[redacted]", t);
        }
        if (r.code() == 334) {
          r = eng.exchange(SmtpPhase.AUTH, b64(c.password()), "[redacted]", t);
        }
        break;
      case CRAM_MD5:
        r = eng.exchange(SmtpPhase.AUTH, "AUTH CRAM-MD5", "AUTH CRAM-MD5", t);
        if (r.code() == 334) {
          byte[] challenge;
          try {
            challenge = Base64.getMimeDecoder().decode(r.lines().get(0).strip());
          } catch (IllegalArgumentException e) {
            // RFC 4954 §4: "*" cancels the exchange.
            r = eng.exchange(SmtpPhase.AUTH, "*", "*", t);
            eng.addFinding(
                SmtpFinding.AUTH_REJECTED.finding(
                    "The CRAM-MD5 challenge is not valid base64; authentication cancelled",
                    Evidence.of("phase", SmtpPhase.AUTH)));
            eng.end(SmtpPhase.AUTH, "invalid CRAM-MD5 challenge");
            return r;
          }
          String digest = hmacMd5Hex(c.password(), challenge);
          String response = b64(user + " " + digest);
          eng.secrets.add(digest).addSaslLine(response);
          r = eng.exchange(SmtpPhase.AUTH, response, "[redacted]", t);
        }
        break;
      default:
        throw new AssertionError(m);
    }
    if (r.received() && r.code() != 235) {
      eng.addFinding(
          SmtpFinding.AUTH_REJECTED.finding(
              r.isTemporaryFailure() ? Severity.WARNING : Severity.ERROR,
              "AUTH " + m.keyword() + " for " + user + " was answered " + r.firstLine(),
              Evidence.of("phase", SmtpPhase.AUTH),
              Evidence.of("mechanism", m.keyword()),
              Evidence.of("reply", r.firstLine())));
    }
    return r;
  }

  static SmtpAuthMechanism choose(List<String> offered) {
    if (offered.contains("CRAM-MD5")) {
      return SmtpAuthMechanism.CRAM_MD5;
    }
    if (offered.contains("PLAIN") || !offered.contains("LOGIN")) {
      return SmtpAuthMechanism.PLAIN;
    }
    return SmtpAuthMechanism.LOGIN;
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static String hmacMd5Hex(String key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacMD5");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacMD5"));
      byte[] h = mac.doFinal(data);
      StringBuilder sb = new StringBuilder();
      for (byte b : h) {
        sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
      return sb.toString();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacMD5 is missing from this JDK", e);
    }
  }
}
