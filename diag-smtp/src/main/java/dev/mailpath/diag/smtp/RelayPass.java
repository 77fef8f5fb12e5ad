package dev.mailpath.diag.smtp;

/**
 * Who the relay tester pretends to be during a series of attempts.
 *
 * <ul>
 *   <li>{@link #ANONYMOUS}: any client on the Internet; runs the controls and every chosen variant.
 *   <li>{@link #AUTHENTICATED}: a client that passed AUTH with the credentials given to the tester;
 *       runs only when credentials are given, and only the variants an authenticated user sends
 *       every day ({@link RelayVariant#EXTERNAL_SENDER}, {@link RelayVariant#LOCAL_SENDER}).
 * </ul>
 */
public enum RelayPass {
  /** No authentication: what a spammer would try. */
  ANONYMOUS,
  /** After a successful AUTH. */
  AUTHENTICATED;

  /** Returns the lower-case name, as printed in reports. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
