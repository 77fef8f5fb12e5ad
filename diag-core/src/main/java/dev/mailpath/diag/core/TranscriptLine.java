package dev.mailpath.diag.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * One line of a {@link Transcript}: what was sent, received or noted, and when.
 *
 * <p>The text has no line terminator; control characters and bytes that are not UTF-8 are shown
 * escaped ({@code \r}, {@code \x00}), and secrets are already redacted.
 *
 * @param index position in the transcript, from 0; findings cite it
 * @param direction who wrote the line
 * @param offset time since the transcript started
 * @param text the line as printable text
 */
public record TranscriptLine(int index, Direction direction, Duration offset, String text) {

  /**
   * Validates the components.
   *
   * @param index position in the transcript, from 0; findings cite it
   * @param direction who wrote the line
   * @param offset time since the transcript started
   * @param text the line as printable text
   */
  public TranscriptLine {
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0: " + index);
    }
    requireNonNull(direction, "direction");
    requireNonNull(offset, "offset");
    requireNonNull(text, "text");
  }

  /** Returns the line as swaks prints it: arrow, space, text. */
  @Override
  public String toString() {
    return direction.arrow() + " " + text;
  }
}
