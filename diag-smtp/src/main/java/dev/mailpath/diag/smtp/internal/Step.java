package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.smtp.SmtpCredentials;
import dev.mailpath.diag.smtp.SmtpPhase;
import java.util.List;

/**
 * One step of a conversation script.
 *
 * @param kind what to do
 * @param phase the phase it belongs to
 * @param text the argument (EHLO name, address, raw command), or {@code ""}
 * @param params MAIL FROM parameters
 * @param credentials for AUTH, else {@code null}
 * @param message for DATA, else {@code null}
 */
public record Step(
    Kind kind,
    SmtpPhase phase,
    String text,
    List<String> params,
    SmtpCredentials credentials,
    MessageContent message) {

  /** What a step does. */
  public enum Kind {
    /** EHLO, falling back to HELO on 500/502. */
    EHLO,
    /** HELO. */
    HELO,
    /** STARTTLS, handshake and re-EHLO. */
    STARTTLS,
    /** STARTTLS when the EHLO reply offers it, else go on in clear text (opportunistic TLS). */
    STARTTLS_IF_OFFERED,
    /** AUTH. */
    AUTH,
    /** MAIL FROM. */
    MAIL,
    /** RCPT TO. */
    RCPT,
    /** DATA, message and final dot. */
    DATA,
    /** RSET. */
    RSET,
    /** NOOP. */
    NOOP,
    /** VRFY. */
    VRFY,
    /** EXPN. */
    EXPN,
    /** A raw command line. */
    RAW,
    /** QUIT. */
    QUIT
  }

  /**
   * Copies the parameters.
   *
   * @param kind what to do
   * @param phase the phase it belongs to
   * @param text the argument (EHLO name, address, raw command), or {@code ""}
   * @param params MAIL FROM parameters
   * @param credentials for AUTH, else {@code null}
   * @param message for DATA, else {@code null}
   */
  public Step {
    params = List.copyOf(params);
  }

  /**
   * Creates a step with a text argument only.
   *
   * @param kind what to do
   * @param phase its phase
   * @param text the argument
   * @return the step
   */
  public static Step of(Kind kind, SmtpPhase phase, String text) {
    return new Step(kind, phase, text, List.of(), null, null);
  }

  /** Returns a description without secrets. */
  @Override
  public String toString() {
    return kind + (text.isEmpty() ? "" : " " + text) + (params.isEmpty() ? "" : " " + params);
  }
}
