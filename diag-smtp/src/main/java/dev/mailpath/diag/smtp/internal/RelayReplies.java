package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.smtp.RelayResponse;
import dev.mailpath.diag.smtp.SmtpReply;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Judges the reply that decides a relay attempt. Finer than "2xx or not" where simpler relay
 * checkers (nmap's {@code smtp-open-relay} among them) misjudge: a 4xx is a deferral, never a
 * refusal; a 530 that asks for STARTTLS is not a demand for authentication.
 */
public final class RelayReplies {
  private static final Pattern TLS = Pattern.compile("\\bstarttls\\b|\\btls\\b|\\bssl\\b|encrypt");
  private static final Pattern AUTH = Pattern.compile("authenticat|\\bauth\\b|\\blog ?in\\b");
  private static final Pattern GREY = Pattern.compile("gr[ae]y-?list");

  private RelayReplies() {}

  /**
   * Classifies the reply to MAIL FROM (when it was not positive) or to RCPT TO.
   *
   * @param reply the reply
   * @return the response; {@link RelayResponse#NO_ANSWER} for a missing, 421, 503 or nonsensical
   *     reply
   */
  public static RelayResponse classify(SmtpReply reply) {
    if (!reply.received() || reply.code() == 421 || reply.code() == 503) {
      // 503 "bad sequence of commands" to a RCPT after an accepted MAIL means the server lost
      // track of the transaction (GreenMail does this after MAIL FROM:<>): no answer to the
      // relay question, in either direction.
      return RelayResponse.NO_ANSWER;
    }
    if (reply.isPositive()) {
      return RelayResponse.ACCEPTED;
    }
    if (demandsTls(reply)) {
      return RelayResponse.STARTTLS_REQUIRED;
    }
    if (reply.isTemporaryFailure()) {
      return RelayResponse.DEFERRED;
    }
    if (reply.isPermanentFailure()) {
      return demandsAuth(reply) ? RelayResponse.AUTH_REQUIRED : RelayResponse.REFUSED;
    }
    // A 3xx to MAIL or RCPT: the dialogue is out of step (smtp.reply.unexpected in the session).
    return RelayResponse.NO_ANSWER;
  }

  /**
   * Tells whether a refusal asks for TLS: {@code 530 5.7.0 Must issue a STARTTLS command first}
   * (Postfix), {@code 530 Must issue a STARTTLS command first} (Sendmail, Exim), {@code 530 5.7.0
   * Encryption required}.
   *
   * @param reply the reply
   * @return {@code true} for a 530 (or 5.7.0/5.7.11) whose text mentions STARTTLS, TLS or
   *     encryption
   */
  public static boolean demandsTls(SmtpReply reply) {
    boolean policy =
        reply.code() == 530
            || reply.isPermanentFailure()
                && reply
                    .enhancedStatus()
                    .filter(s -> s.equals("5.7.0") || s.equals("5.7.11"))
                    .isPresent();
    return policy && TLS.matcher(text(reply)).find() && !text(reply).contains("mechanism");
  }

  /**
   * Tells whether a refusal asks the client to authenticate: {@code 530 5.7.0 Authentication
   * required} (Postfix, Sendmail), {@code 530 5.7.1 Client was not authenticated} (Exchange),
   * {@code 550 5.7.1 ... authentication required}.
   *
   * @param reply the reply
   * @return {@code true} for a 530, or a 5.7.x whose text mentions authentication
   */
  public static boolean demandsAuth(SmtpReply reply) {
    if (reply.code() == 530) {
      return true;
    }
    return reply.enhancedStatus().filter(s -> s.startsWith("5.7.")).isPresent()
        && AUTH.matcher(text(reply)).find();
  }

  /**
   * Tells whether a deferral is greylisting (450 or 451 whose text says so).
   *
   * @param reply the reply
   * @return {@code true} for greylisting
   */
  public static boolean greylisting(SmtpReply reply) {
    return (reply.code() == 450 || reply.code() == 451) && GREY.matcher(text(reply)).find();
  }

  private static String text(SmtpReply reply) {
    return reply.text().toLowerCase(Locale.ROOT);
  }
}
