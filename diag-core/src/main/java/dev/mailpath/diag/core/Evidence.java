package dev.mailpath.diag.core;

import static java.util.Objects.requireNonNull;

/**
 * One fact supporting a {@link Finding}: a labelled value such as {@code server=127.0.0.1:53},
 * {@code reply=554 5.7.1 Relay access denied} or {@code transcript-line=7}.
 *
 * @param label what the value is (for example {@code server}, {@code reply}, {@code record})
 * @param value the value as text
 */
public record Evidence(String label, String value) {

  /**
   * Validates the components.
   *
   * @param label what the value is (for example {@code server}, {@code reply}, {@code record})
   * @param value the value as text
   */
  public Evidence {
    requireNonNull(label, "label");
    requireNonNull(value, "value");
  }

  /**
   * Creates evidence from a label and any value (rendered with {@link String#valueOf(Object)}).
   *
   * @param label what the value is
   * @param value the value
   * @return the evidence
   */
  public static Evidence of(String label, Object value) {
    return new Evidence(label, String.valueOf(value));
  }

  /**
   * Creates evidence that cites a line of a {@link Transcript}.
   *
   * @param line the transcript line
   * @return evidence labelled {@code transcript[index]} with the line's text
   */
  public static Evidence of(TranscriptLine line) {
    return new Evidence("transcript[" + line.index() + "]", line.text());
  }

  @Override
  public String toString() {
    return label + "=" + value;
  }
}
