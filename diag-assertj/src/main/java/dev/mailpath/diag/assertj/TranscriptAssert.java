package dev.mailpath.diag.assertj;

import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.core.TranscriptLine;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.AbstractObjectAssert;

/**
 * Assertions on a {@link Transcript}, read like the telnet session it replaces. Failure messages
 * print the whole transcript.
 */
public class TranscriptAssert extends AbstractObjectAssert<TranscriptAssert, Transcript> {

  /**
   * Creates the assertion; public so that soft assertions can proxy it.
   *
   * @param actual the transcript
   */
  public TranscriptAssert(Transcript actual) {
    super(actual, TranscriptAssert.class);
  }

  /**
   * Verifies that the client sent a line starting with {@code command} (case-insensitive), for
   * example {@code "EHLO"} or {@code "MAIL FROM:<a@example.org>"}.
   *
   * @param command the start of the line
   * @return this assertion
   */
  public TranscriptAssert containsCommand(String command) {
    isNotNull();
    boolean found = actual.sent().stream().anyMatch(l -> startsWithIgnoreCase(l.text(), command));
    if (!found) {
      failWithMessage(
          "%nExpecting the client to send%n  %s%nbut the transcript was:%n%s", command, actual);
    }
    return myself;
  }

  /**
   * Verifies that the client never sent a line starting with {@code command}.
   *
   * @param command the start of the line
   * @return this assertion
   */
  public TranscriptAssert doesNotContainCommand(String command) {
    isNotNull();
    boolean found = actual.sent().stream().anyMatch(l -> startsWithIgnoreCase(l.text(), command));
    if (found) {
      failWithMessage(
          "%nExpecting the client not to send%n  %s%nbut the transcript was:%n%s", command, actual);
    }
    return myself;
  }

  /**
   * Verifies that the server sent a reply line with this code.
   *
   * @param code an SMTP reply code such as 250
   * @return this assertion
   */
  public TranscriptAssert hasReply(int code) {
    isNotNull();
    String prefix = String.valueOf(code);
    boolean found =
        actual.received().stream()
            .anyMatch(
                l ->
                    l.text().startsWith(prefix)
                        && (l.text().length() == 3 || " -".indexOf(l.text().charAt(3)) >= 0));
    if (!found) {
      failWithMessage("%nExpecting a %s reply, but the transcript was:%n%s", code, actual);
    }
    return myself;
  }

  /**
   * Verifies that lines containing these texts appear in this order (other lines may come between).
   *
   * @param texts texts each line must contain
   * @return this assertion
   */
  public TranscriptAssert containsSequence(String... texts) {
    isNotNull();
    List<TranscriptLine> lines = actual.lines();
    int at = 0;
    for (String t : texts) {
      while (at < lines.size() && !lines.get(at).text().contains(t)) {
        at++;
      }
      if (at == lines.size()) {
        failWithMessage(
            "%nExpecting lines containing, in order,%n  %s%nbut %s was missing (or out of order) in:%n%s",
            Arrays.asList(texts), t, actual);
      }
      at++;
    }
    return myself;
  }

  /**
   * Verifies that no line contains the text, for example a password that must have been redacted.
   *
   * @param text the text
   * @return this assertion
   */
  public TranscriptAssert doesNotContainText(String text) {
    isNotNull();
    for (TranscriptLine l : actual.lines()) {
      if (l.text().contains(text)) {
        failWithMessage(
            "%nExpecting no line to contain%n  %s%nbut line %s did:%n%s", text, l.index(), actual);
      }
    }
    return myself;
  }

  private static boolean startsWithIgnoreCase(String s, String prefix) {
    return s.regionMatches(true, 0, prefix, 0, prefix.length());
  }
}
