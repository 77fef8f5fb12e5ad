package dev.mailpath.diag.smtp;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.Transcript;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One relay attempt and its evidence: the pass and variant, the MAIL FROM and RCPT TO paths sent,
 * the replies, how they were judged, and the part of the transcript from MAIL FROM to RSET.
 *
 * <p>The whole session (greeting, EHLO, STARTTLS, AUTH, the other attempts, QUIT) is in {@link
 * RelayReport#connections()} at index {@link #connection()}. An attempt that was repeated on a
 * fresh connection (because the first one broke or the server throttled it) keeps the evidence of
 * its last try; {@link #tries()} counts them. Immutable.
 *
 * @param pass the pass the attempt belongs to
 * @param variant the variant tried
 * @param mailFrom the reverse path as sent, for example {@code <probe@external.test>} or {@code <>}
 * @param rcptTo the forward path as sent, for example {@code <relaytest%external.test@example.org>}
 * @param response how the server answered
 * @param mailReply the reply to MAIL FROM, or a reply-less {@link SmtpReply#none(String)} saying
 *     why there is none (for example "not tried: connection cap reached")
 * @param rcptReply the reply to RCPT TO, when it was sent
 * @param dataReply the reply to the final dot (or to DATA when it was not 354), when the test
 *     message was sent; only with {@link RelayPolicyTester.Builder#sendTestMessage(boolean)}
 * @param connection the index of the session in {@link RelayReport#connections()}, when the attempt
 *     was tried
 * @param tries how many connections the attempt was tried on (0 when never tried)
 * @param transcript the lines from MAIL FROM to the reply to RSET
 */
public record RelayAttempt(
    RelayPass pass,
    RelayVariant variant,
    String mailFrom,
    String rcptTo,
    RelayResponse response,
    SmtpReply mailReply,
    Optional<SmtpReply> rcptReply,
    Optional<SmtpReply> dataReply,
    OptionalInt connection,
    int tries,
    Transcript transcript) {

  /**
   * Validates the components.
   *
   * @param pass the pass the attempt belongs to
   * @param variant the variant tried
   * @param mailFrom the reverse path as sent, for example {@code <probe@external.test>} or {@code
   *     <>}
   * @param rcptTo the forward path as sent, for example {@code
   *     <relaytest%external.test@example.org>}
   * @param response how the server answered
   * @param mailReply the reply to MAIL FROM, or a reply-less {@link SmtpReply#none(String)} saying
   *     why there is none (for example "not tried: connection cap reached")
   * @param rcptReply the reply to RCPT TO, when it was sent
   * @param dataReply the reply to the final dot (or to DATA when it was not 354), when the test
   *     message was sent; only with {@link RelayPolicyTester.Builder#sendTestMessage(boolean)}
   * @param connection the index of the session in {@link RelayReport#connections()}, when the
   *     attempt was tried
   * @param tries how many connections the attempt was tried on (0 when never tried)
   * @param transcript the lines from MAIL FROM to the reply to RSET
   */
  public RelayAttempt {
    requireNonNull(pass, "pass");
    requireNonNull(variant, "variant");
    requireNonNull(mailFrom, "mailFrom");
    requireNonNull(rcptTo, "rcptTo");
    requireNonNull(response, "response");
    requireNonNull(mailReply, "mailReply");
    requireNonNull(rcptReply, "rcptReply");
    requireNonNull(dataReply, "dataReply");
    requireNonNull(connection, "connection");
    requireNonNull(transcript, "transcript");
    if (tries < 0) {
      throw new IllegalArgumentException("tries must be >= 0: " + tries);
    }
  }

  /**
   * Tells whether the server accepted the recipient.
   *
   * @return {@code true} when the response is {@link RelayResponse#ACCEPTED}
   */
  public boolean accepted() {
    return response == RelayResponse.ACCEPTED;
  }

  /**
   * Returns the reply the response was judged from: the reply to RCPT TO when it was sent, else the
   * reply to MAIL FROM.
   *
   * @return the deciding reply
   */
  public SmtpReply decidingReply() {
    return rcptReply.orElse(mailReply);
  }

  /**
   * Returns {@code anonymous percent-hack: MAIL FROM:<...> RCPT TO:<...> -> REFUSED (554 5.7.1
   * ...)}.
   */
  @Override
  public String toString() {
    return pass
        + " "
        + variant.id()
        + ": MAIL FROM:"
        + mailFrom
        + " RCPT TO:"
        + rcptTo
        + " -> "
        + response
        + " ("
        + decidingReply().firstLine()
        + ")";
  }
}
