package dev.mailpath.diag.smtp;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * One step of a conversation: the command sent (with secrets redacted), the reply it got, the phase
 * it belongs to and how long the reply took. The banner is a step with the command {@code ""}
 * (nothing was sent). Immutable.
 *
 * @param phase the phase the command belongs to
 * @param command the command line as recorded, for example {@code MAIL FROM:<a@example.org>} or
 *     {@code AUTH PLAIN [redacted]}; for the message sent after a 354, {@code "."} (the final dot)
 * @param reply the reply, or {@link SmtpReply#none(String)} when none came
 * @param elapsed time from sending the command to the end of the reply
 */
public record SmtpExchange(SmtpPhase phase, String command, SmtpReply reply, Duration elapsed) {

  /**
   * Validates the components.
   *
   * @param phase the phase the command belongs to
   * @param command the command line as recorded, for example {@code MAIL FROM:<a@example.org>} or
   *     {@code AUTH PLAIN [redacted]}; for the message sent after a 354, {@code "."} (the final
   *     dot)
   * @param reply the reply, or {@link SmtpReply#none(String)} when none came
   * @param elapsed time from sending the command to the end of the reply
   */
  public SmtpExchange {
    requireNonNull(phase, "phase");
    requireNonNull(command, "command");
    requireNonNull(reply, "reply");
    requireNonNull(elapsed, "elapsed");
  }

  /** Returns {@code COMMAND -> 250 first line (12 ms)}. */
  @Override
  public String toString() {
    return (command.isEmpty() ? "(banner)" : command)
        + " -> "
        + reply.firstLine()
        + " ("
        + elapsed.toMillis()
        + " ms)";
  }
}
