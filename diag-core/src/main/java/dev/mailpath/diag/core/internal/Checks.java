package dev.mailpath.diag.core.internal;

import java.time.Duration;

/** Argument checks shared by the builders; every message names the parameter and the fix. */
public final class Checks {
  private Checks() {}

  /**
   * Rejects CR, LF and NUL, which would let a value inject protocol lines.
   *
   * @param name the parameter name for the message
   * @param value the value
   * @return the value
   * @throws IllegalArgumentException when the value holds CR, LF or NUL
   * @throws NullPointerException when the value is null
   */
  public static String noLineBreaks(String name, String value) {
    if (value == null) {
      throw new NullPointerException(name);
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        String what = c == '\r' ? "CR" : c == '\n' ? "LF" : "NUL";
        throw new IllegalArgumentException(
            name
                + " must not contain "
                + what
                + " (found at index "
                + i
                + "): "
                + Printable.escape(value));
      }
    }
    return value;
  }

  /**
   * Checks a TCP or UDP port.
   *
   * @param name the parameter name
   * @param port the port
   * @return the port
   * @throws IllegalArgumentException when outside 1..65535
   */
  public static int port(String name, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(name + " must be between 1 and 65535: " + port);
    }
    return port;
  }

  /**
   * Checks a timeout: positive, at most a day.
   *
   * @param name the parameter name
   * @param timeout the timeout
   * @return the timeout
   */
  public static Duration positive(String name, Duration timeout) {
    if (timeout == null) {
      throw new NullPointerException(name);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + timeout);
    }
    if (timeout.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException(name + " must be at most one day: " + timeout);
    }
    return timeout;
  }

  /**
   * Checks a count against a range.
   *
   * @param name the parameter name
   * @param value the value
   * @param min smallest allowed
   * @param max largest allowed
   * @return the value
   */
  public static int range(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ": " + value);
    }
    return value;
  }
}
