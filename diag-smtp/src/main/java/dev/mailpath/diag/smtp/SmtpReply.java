package dev.mailpath.diag.smtp;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One SMTP reply: the three-digit code, the RFC 3463 enhanced status code when the server sent one,
 * and the text of every line (RFC 5321 §4.2).
 *
 * <p>{@link #lines()} holds the text after {@code "250-"} or {@code "250 "} of each line, so the
 * reply {@code 250-mx.example.org} / {@code 250 SIZE 10240000} has the lines {@code
 * ["mx.example.org", "SIZE 10240000"]}; {@link #toString()} prints the lines as the server sent
 * them. When no reply came (the server hung up, a timeout, a malformed reply), {@link
 * #none(String)} stands in for it: {@link #received()} is false, the code is 0 and the only line
 * says why. Immutable.
 *
 * @param code the reply code, 200 to 599, or 0 when no reply was received
 * @param enhancedStatus the enhanced status code such as {@code 5.7.1}, when the first line starts
 *     with one whose class matches the reply code
 * @param lines the text of each line, without the code and separator
 */
public record SmtpReply(int code, Optional<String> enhancedStatus, List<String> lines) {

  // RFC 3463 §2: class "." subject "." detail; subject and detail 1-3 digits.
  /**
   * Validates the components and copies the lines.
   *
   * @param code the reply code, 200 to 599, or 0 when no reply was received
   * @param enhancedStatus the enhanced status code such as {@code 5.7.1}, when the first line
   *     starts with one whose class matches the reply code
   * @param lines the text of each line, without the code and separator
   */
  public SmtpReply {
    if (code != 0 && (code < 200 || code > 599)) {
      throw new IllegalArgumentException("code must be 200..599, or 0 for no reply: " + code);
    }
    requireNonNull(enhancedStatus, "enhancedStatus");
    lines = List.copyOf(lines);
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("a reply has at least one line");
    }
  }

  /**
   * Creates a reply from its code and line texts, finding the enhanced status code in the first
   * line (RFC 3463; only when its class digit matches the reply code, as RFC 2034 §4 requires).
   *
   * @param code the reply code, 200 to 599
   * @param lines the text of each line, without code and separator
   * @return the reply
   */
  public static SmtpReply of(int code, List<String> lines) {
    if (code < 200 || code > 599) {
      throw new IllegalArgumentException("code must be 200..599: " + code);
    }
    return new SmtpReply(code, enhancedStatusOf(code, lines.isEmpty() ? "" : lines.get(0)), lines);
  }

  /**
   * Creates a reply from its code and line texts.
   *
   * @param code the reply code, 200 to 599
   * @param lines the text of each line
   * @return the reply
   */
  public static SmtpReply of(int code, String... lines) {
    return of(code, List.of(lines.length == 0 ? new String[] {""} : lines));
  }

  /**
   * Creates the stand-in for a reply that never came.
   *
   * @param why what happened instead, for example {@code "connection closed by server"}
   * @return a reply with code 0 whose only line is {@code why}
   */
  public static SmtpReply none(String why) {
    return new SmtpReply(0, Optional.empty(), List.of(requireNonNull(why, "why")));
  }

  /**
   * Reads an RFC 3463 status ({@code class.subject.detail}: a class digit 2, 4 or 5, then one to
   * three digits twice, ending at white space or the end of the line) from the start of the first
   * line, when its class matches the reply code's. Hand-written: a regular expression per reply was
   * a visible share of a short conversation's CPU.
   */
  private static Optional<String> enhancedStatusOf(int code, String firstLine) {
    int n = firstLine.length();
    if (n < 5
        || firstLine.charAt(0) != Character.forDigit(code / 100, 10)
        || "245".indexOf(firstLine.charAt(0)) < 0
        || firstLine.charAt(1) != '.') {
      return Optional.empty();
    }
    int subject = digits(firstLine, 2);
    if (subject < 1 || subject > 3 || 2 + subject >= n || firstLine.charAt(2 + subject) != '.') {
      return Optional.empty();
    }
    int at = 3 + subject;
    int detail = digits(firstLine, at);
    if (detail < 1 || detail > 3) {
      return Optional.empty();
    }
    int end = at + detail;
    if (end < n && " \t\n\013\f\r".indexOf(firstLine.charAt(end)) < 0) {
      return Optional.empty();
    }
    return Optional.of(firstLine.substring(0, end));
  }

  /** The length of the run of ASCII digits starting at an index. */
  private static int digits(String s, int from) {
    int i = from;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i - from;
  }

  /**
   * Tells whether a reply was received at all.
   *
   * @return {@code false} for the stand-in made by {@link #none(String)}
   */
  public boolean received() {
    return code != 0;
  }

  /**
   * Tells whether this is a positive completion reply (2yz).
   *
   * @return {@code true} for 200..299
   */
  public boolean isPositive() {
    return code >= 200 && code < 300;
  }

  /**
   * Tells whether this is a positive intermediate reply (3yz), such as 354 or 334.
   *
   * @return {@code true} for 300..399
   */
  public boolean isIntermediate() {
    return code >= 300 && code < 400;
  }

  /**
   * Tells whether this is a transient negative reply (4yz): try again later.
   *
   * @return {@code true} for 400..499
   */
  public boolean isTemporaryFailure() {
    return code >= 400 && code < 500;
  }

  /**
   * Tells whether this is a permanent negative reply (5yz): do not retry unchanged.
   *
   * @return {@code true} for 500..599
   */
  public boolean isPermanentFailure() {
    return code >= 500 && code < 600;
  }

  /**
   * Returns the text of all lines joined with newlines.
   *
   * @return the reply text without codes
   */
  public String text() {
    return String.join("\n", lines);
  }

  /**
   * Returns the first line as the server sent it, for example {@code 550 5.1.1 No such user}.
   *
   * @return the first line with its code, or the reason when no reply was received
   */
  public String firstLine() {
    if (!received()) {
      return "(no reply: " + lines.get(0) + ")";
    }
    String t = lines.get(0);
    return t.isEmpty() ? String.valueOf(code) : code + (lines.size() > 1 ? "-" : " ") + t;
  }

  /** Returns the reply as the server sent it, one line per reply line, or a no-reply note. */
  @Override
  public String toString() {
    if (!received()) {
      return firstLine();
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      if (i > 0) {
        sb.append('\n');
      }
      sb.append(code).append(i < lines.size() - 1 ? '-' : ' ').append(lines.get(i));
    }
    return sb.toString();
  }
}
