package dev.mailpath.diag.core;

/**
 * Who wrote a {@link TranscriptLine}, and whether it travelled inside TLS.
 *
 * <p>The arrows follow swaks: {@code " ->"} client, {@code "<- "} server, {@code " ~>"} and {@code
 * "<~ "} the same inside TLS, {@code "***"} a note (connect, TLS handshake, timeout).
 */
public enum Direction {
  /** Sent by the client (us) in clear text. */
  CLIENT(" ->"),
  /** Received from the server in clear text. */
  SERVER("<- "),
  /** Sent by the client inside TLS. */
  CLIENT_TLS(" ~>"),
  /** Received from the server inside TLS. */
  SERVER_TLS("<~ "),
  /** A note: connect, TLS handshake details, timeouts, truncation. */
  NOTE("***");

  private final String arrow;

  Direction(String arrow) {
    this.arrow = arrow;
  }

  /**
   * Returns the swaks-style arrow printed before the line.
   *
   * @return a three-character marker
   */
  public String arrow() {
    return arrow;
  }

  /**
   * Tells whether the line was sent by the client.
   *
   * @return {@code true} for {@link #CLIENT} and {@link #CLIENT_TLS}
   */
  public boolean fromClient() {
    return this == CLIENT || this == CLIENT_TLS;
  }

  /**
   * Tells whether the line was received from the server.
   *
   * @return {@code true} for {@link #SERVER} and {@link #SERVER_TLS}
   */
  public boolean fromServer() {
    return this == SERVER || this == SERVER_TLS;
  }

  /**
   * Tells whether the line travelled inside TLS.
   *
   * @return {@code true} for {@link #CLIENT_TLS} and {@link #SERVER_TLS}
   */
  public boolean insideTls() {
    return this == CLIENT_TLS || this == SERVER_TLS;
  }
}
