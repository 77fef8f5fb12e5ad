package dev.mailpath.diag.smtp;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.internal.Checks;
import dev.mailpath.diag.smtp.internal.Inputs;
import java.util.Optional;

/**
 * A user name and password for AUTH, optionally pinned to one mechanism.
 *
 * <p>The password never appears in {@link #toString()}, transcripts or logs. Without a pinned
 * mechanism a conversation picks the best the server offers: CRAM-MD5, then PLAIN, then LOGIN.
 * Immutable.
 *
 * <pre>{@code
 * SmtpCredentials creds = SmtpCredentials.of("alice", "s3cret").mechanism(SmtpAuthMechanism.LOGIN);
 * }</pre>
 */
public final class SmtpCredentials {
  private final String username;
  private final String password;
  private final SmtpAuthMechanism mechanism;

  private SmtpCredentials(String username, String password, SmtpAuthMechanism mechanism) {
    this.username = username;
    this.password = password;
    this.mechanism = mechanism;
  }

  /**
   * Creates credentials; the mechanism is chosen from what the server offers.
   *
   * @param username the user name; no CR, LF or NUL
   * @param password the password; no CR, LF or NUL
   * @return the credentials
   * @throws IllegalArgumentException when either holds CR, LF or NUL
   */
  public static SmtpCredentials of(String username, String password) {
    Checks.noLineBreaks("username", username);
    requireNonNull(password, "password");
    for (int i = 0; i < password.length(); i++) {
      char c = password.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        // Not Checks.noLineBreaks: its message would echo the password.
        throw new IllegalArgumentException("password must not contain CR, LF or NUL");
      }
    }
    // RFC 4954 §4: a SASL line is at most 12,288 octets with CRLF; the longest one sent is the
    // base64 PLAIN message (NUL user NUL password). Not naming the password's content.
    int plain = 2 + Inputs.octets(username) + Inputs.octets(password);
    int line = 4 * ((plain + 2) / 3) + 2;
    if (line > Inputs.MAX_SASL_LINE) {
      throw new IllegalArgumentException(
          "username and password make a SASL line of "
              + line
              + " octets; RFC 4954 §4 allows "
              + Inputs.MAX_SASL_LINE
              + " octets, CRLF included");
    }
    return new SmtpCredentials(username, password, null);
  }

  /**
   * Returns a copy pinned to one mechanism.
   *
   * @param mechanism the mechanism to use even if the server does not list it
   * @return new credentials
   */
  public SmtpCredentials mechanism(SmtpAuthMechanism mechanism) {
    return new SmtpCredentials(username, password, requireNonNull(mechanism, "mechanism"));
  }

  /**
   * Returns the user name.
   *
   * @return the user name
   */
  public String username() {
    return username;
  }

  /**
   * Returns the password; handle with care, it is a secret.
   *
   * @return the password
   */
  public String password() {
    return password;
  }

  /**
   * Returns the pinned mechanism.
   *
   * @return the mechanism, or empty when the server's offer decides
   */
  public Optional<SmtpAuthMechanism> pinnedMechanism() {
    return Optional.ofNullable(mechanism);
  }

  /** Returns the user name and mechanism; never the password. */
  @Override
  public String toString() {
    return "SmtpCredentials[username="
        + username
        + ", password=[redacted]"
        + (mechanism == null ? "" : ", mechanism=" + mechanism.keyword())
        + "]";
  }
}
