package dev.mailpath.diag.smtp;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.internal.Checks;
import java.time.Duration;

/**
 * How long a conversation waits in each phase; the defaults are the minimums RFC 5321 §4.5.3.2 asks
 * a client to wait (banner 5 min, MAIL 5 min, RCPT 5 min, DATA initiation 2 min, each data block 3
 * min, the final dot 10 min).
 *
 * <p>Each timeout is a deadline for the whole phase, not only for one read: a server that drips a
 * byte a second is stopped when the phase's time is up. A separate {@link #read()} limit caps any
 * single silence. Immutable.
 *
 * <pre>{@code
 * SmtpTimeouts quick = SmtpTimeouts.all(Duration.ofSeconds(10));
 * SmtpTimeouts patient = SmtpTimeouts.rfc5321().toBuilder().connect(Duration.ofSeconds(5)).build();
 * }</pre>
 */
public final class SmtpTimeouts {

  private static final SmtpTimeouts RFC_5321 = new Builder().build();

  private final Duration connect;
  private final Duration banner;
  private final Duration command;
  private final Duration tls;
  private final Duration mail;
  private final Duration rcpt;
  private final Duration dataInit;
  private final Duration dataBlock;
  private final Duration dataEnd;
  private final Duration read;

  private SmtpTimeouts(Builder b) {
    this.connect = b.connect;
    this.banner = b.banner;
    this.command = b.command;
    this.tls = b.tls;
    this.mail = b.mail;
    this.rcpt = b.rcpt;
    this.dataInit = b.dataInit;
    this.dataBlock = b.dataBlock;
    this.dataEnd = b.dataEnd;
    this.read = b.read;
  }

  /**
   * Returns the RFC 5321 §4.5.3.2 defaults, with 2 minutes to connect, 5 minutes for EHLO and other
   * commands and for the TLS handshake, and no single silence longer than 5 minutes.
   *
   * @return the defaults
   */
  public static SmtpTimeouts rfc5321() {
    return RFC_5321;
  }

  /**
   * Returns timeouts with the same value for every phase, handy for tests and quick checks.
   *
   * @param timeout the timeout for every phase and read
   * @return the timeouts
   */
  public static SmtpTimeouts all(Duration timeout) {
    Checks.positive("timeout", timeout);
    return new Builder()
        .connect(timeout)
        .banner(timeout)
        .command(timeout)
        .tls(timeout)
        .mail(timeout)
        .rcpt(timeout)
        .dataInit(timeout)
        .dataBlock(timeout)
        .dataEnd(timeout)
        .read(timeout)
        .build();
  }

  /**
   * Starts from the RFC 5321 defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with these timeouts.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.connect = connect;
    b.banner = banner;
    b.command = command;
    b.tls = tls;
    b.mail = mail;
    b.rcpt = rcpt;
    b.dataInit = dataInit;
    b.dataBlock = dataBlock;
    b.dataEnd = dataEnd;
    b.read = read;
    return b;
  }

  /**
   * Returns the time allowed to open the TCP connection.
   *
   * @return the connect timeout
   */
  public Duration connect() {
    return connect;
  }

  /**
   * Returns the time allowed for the 220 greeting (RFC 5321 §4.5.3.2.1: 5 minutes).
   *
   * @return the banner timeout
   */
  public Duration banner() {
    return banner;
  }

  /**
   * Returns the time allowed for the reply to EHLO, HELO, STARTTLS, AUTH, RSET, NOOP, VRFY, EXPN,
   * QUIT and raw commands (RFC 5321 sets none; 5 minutes by default).
   *
   * @return the command timeout
   */
  public Duration command() {
    return command;
  }

  /**
   * Returns the time allowed for a TLS handshake.
   *
   * @return the handshake timeout
   */
  public Duration tls() {
    return tls;
  }

  /**
   * Returns the time allowed for the reply to MAIL (RFC 5321 §4.5.3.2.2: 5 minutes).
   *
   * @return the MAIL timeout
   */
  public Duration mail() {
    return mail;
  }

  /**
   * Returns the time allowed for the reply to each RCPT (RFC 5321 §4.5.3.2.3: 5 minutes).
   *
   * @return the RCPT timeout
   */
  public Duration rcpt() {
    return rcpt;
  }

  /**
   * Returns the time allowed for the 354 to DATA (RFC 5321 §4.5.3.2.4: 2 minutes).
   *
   * @return the DATA initiation timeout
   */
  public Duration dataInit() {
    return dataInit;
  }

  /**
   * Returns the time allowed to send each block of message data (RFC 5321 §4.5.3.2.5: 3 minutes).
   * Not yet enforced per block: Java sockets have no write timeout, so a server that stops reading
   * is cut off by the conversation's overall deadline.
   *
   * @return the data block timeout
   */
  public Duration dataBlock() {
    return dataBlock;
  }

  /**
   * Returns the time allowed for the reply to the final dot (RFC 5321 §4.5.3.2.6: 10 minutes).
   *
   * @return the DATA termination timeout
   */
  public Duration dataEnd() {
    return dataEnd;
  }

  /**
   * Returns the longest single silence tolerated while any reply is read, whatever the phase.
   *
   * @return the read timeout
   */
  public Duration read() {
    return read;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SmtpTimeouts t
        && t.connect.equals(connect)
        && t.banner.equals(banner)
        && t.command.equals(command)
        && t.tls.equals(tls)
        && t.mail.equals(mail)
        && t.rcpt.equals(rcpt)
        && t.dataInit.equals(dataInit)
        && t.dataBlock.equals(dataBlock)
        && t.dataEnd.equals(dataEnd)
        && t.read.equals(read);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
        connect, banner, command, tls, mail, rcpt, dataInit, dataBlock, dataEnd, read);
  }

  @Override
  public String toString() {
    return "SmtpTimeouts[connect="
        + connect
        + ", banner="
        + banner
        + ", command="
        + command
        + ", tls="
        + tls
        + ", mail="
        + mail
        + ", rcpt="
        + rcpt
        + ", dataInit="
        + dataInit
        + ", dataBlock="
        + dataBlock
        + ", dataEnd="
        + dataEnd
        + ", read="
        + read
        + "]";
  }

  /**
   * Builds {@link SmtpTimeouts}; every setter takes a positive duration of at most a day. Not
   * thread-safe.
   */
  public static final class Builder {
    private Duration connect = Duration.ofMinutes(2);
    private Duration banner = Duration.ofMinutes(5);
    private Duration command = Duration.ofMinutes(5);
    private Duration tls = Duration.ofMinutes(5);
    private Duration mail = Duration.ofMinutes(5);
    private Duration rcpt = Duration.ofMinutes(5);
    private Duration dataInit = Duration.ofMinutes(2);
    private Duration dataBlock = Duration.ofMinutes(3);
    private Duration dataEnd = Duration.ofMinutes(10);
    private Duration read = Duration.ofMinutes(5);

    private Builder() {}

    /**
     * Sets the connect timeout.
     *
     * @param d the timeout
     * @return this builder
     */
    public Builder connect(Duration d) {
      connect = Checks.positive("connect", d);
      return this;
    }

    /**
     * Sets the banner timeout.
     *
     * @param d the timeout
     * @return this builder
     */
    public Builder banner(Duration d) {
      banner = Checks.positive("banner", d);
      return this;
    }

    /**
     * Sets the timeout for EHLO, HELO, STARTTLS, AUTH, QUIT and the other commands.
     *
     * @param d the timeout
     * @return this builder
     */
    public Builder command(Duration d) {
      command = Checks.positive("command", d);
      return this;
    }

    /**
     * Sets the TLS handshake timeout.
     *
     * @param d the timeout
     * @return this builder
     */
    public Builder tls(Duration d) {
      tls = Checks.positive("tls", d);
      return this;
    }

    /**
     * Sets the MAIL timeout.
     *
     * @param d the timeout
     * @return this builder
     */
    public Builder mail(Duration d) {
      mail = Checks.positive("mail", d);
      return this;
    }

    /**
     * Sets the RCPT timeout.
     *
     * @param d the timeout
     * @return this builder
     */
    public Builder rcpt(Duration d) {
      rcpt = Checks.positive("rcpt", d);
      return this;
    }

    /**
     * Sets the DATA initiation timeout.
     *
     * @param d the timeout
     * @return this builder
     */
    public Builder dataInit(Duration d) {
      dataInit = Checks.positive("dataInit", d);
      return this;
    }

    /**
     * Sets the data block timeout.
     *
     * @param d the timeout
     * @return this builder
     */
    public Builder dataBlock(Duration d) {
      dataBlock = Checks.positive("dataBlock", d);
      return this;
    }

    /**
     * Sets the final-dot timeout.
     *
     * @param d the timeout
     * @return this builder
     */
    public Builder dataEnd(Duration d) {
      dataEnd = Checks.positive("dataEnd", d);
      return this;
    }

    /**
     * Sets the longest single silence tolerated.
     *
     * @param d the timeout
     * @return this builder
     */
    public Builder read(Duration d) {
      read = Checks.positive("read", d);
      return this;
    }

    /**
     * Builds the timeouts.
     *
     * @return immutable timeouts
     */
    public SmtpTimeouts build() {
      requireNonNull(connect);
      return new SmtpTimeouts(this);
    }
  }
}
