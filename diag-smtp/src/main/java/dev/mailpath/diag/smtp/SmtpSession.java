package dev.mailpath.diag.smtp;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.MailAddress;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.smtp.internal.Engine;
import dev.mailpath.diag.smtp.internal.Inputs;
import dev.mailpath.diag.smtp.internal.MessageContent;
import dev.mailpath.diag.smtp.internal.Options;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An interactive SMTP session for JShell: each call sends one command and returns the parsed reply
 * at once, as telnet would show it.
 *
 * <pre>{@code
 * try (SmtpSession s = SmtpSession.open("127.0.0.1", 25)) {
 *   s.banner();                        // 220 mx.example.org ESMTP
 *   s.ehlo("probe.example.org");       // 250-mx.example.org ... 250 STARTTLS
 *   s.mailFrom("me@example.org");      // 250 2.1.0 Ok
 *   s.rcptTo("nobody@example.org");    // 550 5.1.1 <nobody@example.org>: Recipient address rejected
 *   System.out.println(s.transcript());
 * }                                    // QUIT, 221
 * }</pre>
 *
 * <p>Nothing the server does throws: a refused connection, a timeout or a hang-up shows in the
 * returned reply ({@link SmtpReply#received()} is false and its line says why) and in {@link
 * #findings()}. After the server hangs up, every call returns such a reply-less result without
 * sending anything. Arguments with CR, LF or NUL throw {@link IllegalArgumentException} before
 * anything is sent. Each call waits at most its phase's timeout (RFC 5321 §4.5.3.2 defaults); there
 * is no overall deadline. Calls from several threads are serialised, so {@link #close()} from
 * another thread waits for a call in progress (at most that call's timeout).
 */
public final class SmtpSession implements AutoCloseable {

  private final Engine engine;
  private boolean closed;

  private SmtpSession(Engine engine) {
    this.engine = engine;
  }

  /**
   * Connects and reads the greeting with {@link SmtpClient#system()}; the same as {@code
   * SmtpClient.system().open(host, port)}. For other settings (DNS servers, timeouts, TLS trust)
   * open the session through an {@link SmtpClient}.
   *
   * @param host an IP literal, {@code localhost}, or a host name (resolved through diag-dns with
   *     the system's DNS configuration)
   * @param port the port
   * @return the session; check {@link #banner()} to see whether the server greeted
   * @throws IllegalArgumentException for a malformed host or a port outside 1-65535
   */
  public static SmtpSession open(String host, int port) {
    return SmtpClient.system().open(host, port);
  }

  static SmtpSession open(Options options) {
    Engine e = new Engine(options, false);
    e.connect();
    return new SmtpSession(e);
  }

  /**
   * Returns the greeting.
   *
   * @return the banner, or a reply-less result when none came
   */
  public synchronized SmtpReply banner() {
    return engine.banner().orElseGet(() -> SmtpReply.none("no greeting: " + endReason()));
  }

  private String endReason() {
    SmtpReport r = engine.report(false);
    return r.endReason().orElse("not connected");
  }

  /**
   * Tells whether the connection is up and commands can be sent.
   *
   * @return {@code false} after QUIT, a hang-up, a timeout or an unreadable reply
   */
  public synchronized boolean connected() {
    return engine.usable();
  }

  /**
   * Sends EHLO (falling back to HELO on 500/502 only).
   *
   * @param name the client's name
   * @return the reply
   */
  public synchronized SmtpReply ehlo(String name) {
    return engine.ehlo(SmtpPhase.EHLO, Inputs.domainArg("name", name));
  }

  /**
   * Sends HELO.
   *
   * @param name the client's name
   * @return the reply
   */
  public synchronized SmtpReply helo(String name) {
    return engine.helo(Inputs.domainArg("name", name));
  }

  /**
   * Sends STARTTLS (even when not offered: this is telnet), runs the handshake and EHLO again.
   *
   * @return the reply to STARTTLS; see {@link #tls()} for the handshake and {@link #capabilities()}
   *     for the post-TLS EHLO
   */
  public synchronized SmtpReply startTls() {
    return engine.startTls(false);
  }

  /**
   * Authenticates.
   *
   * @param credentials the credentials
   * @return the final reply (235 on success)
   */
  public synchronized SmtpReply auth(SmtpCredentials credentials) {
    return engine.auth(requireNonNull(credentials, "credentials"));
  }

  /**
   * Sends MAIL FROM.
   *
   * @param address the sender, checked by {@link MailAddress#of}; {@code ""} or {@code <>} for the
   *     null sender
   * @param params ESMTP parameters
   * @return the reply
   * @throws IllegalArgumentException naming the problem when the address is not a plain mailbox
   */
  public synchronized SmtpReply mailFrom(String address, String... params) {
    requireNonNull(address, "address");
    return mail(
        Inputs.nullSender(address) ? "<>" : "<" + Inputs.mailAddress("address", address) + ">",
        params);
  }

  /**
   * Sends MAIL FROM with a checked address.
   *
   * @param address the sender
   * @param params ESMTP parameters
   * @return the reply
   */
  public synchronized SmtpReply mailFrom(MailAddress address, String... params) {
    return mail("<" + requireNonNull(address, "address") + ">", params);
  }

  private SmtpReply mail(String path, String... params) {
    List<String> ps = new ArrayList<>();
    for (String p : params) {
      ps.add(Inputs.nonBlank("params", p).strip());
    }
    return engine.mail(path, ps);
  }

  /**
   * Sends RCPT TO.
   *
   * @param address the recipient, checked by {@link MailAddress#of}
   * @return the reply
   * @throws IllegalArgumentException naming the problem when the address is not a plain mailbox
   */
  public synchronized SmtpReply rcptTo(String address) {
    return rcptTo(Inputs.mailAddress("address", address));
  }

  /**
   * Sends RCPT TO with a checked address.
   *
   * @param address the recipient
   * @return the reply
   */
  public synchronized SmtpReply rcptTo(MailAddress address) {
    return engine.rcpt("<" + requireNonNull(address, "address") + ">");
  }

  /**
   * Sends DATA, then the message when the server answers 354.
   *
   * @param headers header names and values
   * @param body the body text
   * @return the reply to the final dot, or to DATA when it was not 354
   */
  public synchronized SmtpReply data(Map<String, String> headers, String body) {
    requireNonNull(headers, "headers");
    requireNonNull(body, "body");
    return engine.data(MessageContent.of(new ArrayList<>(headers.entrySet()), body));
  }

  /**
   * Sends DATA with header lines ({@code Name: value}) and a body.
   *
   * @param headerLines the header lines, in order
   * @param body the body text
   * @return the reply to the final dot, or to DATA when it was not 354
   */
  public synchronized SmtpReply data(List<String> headerLines, String body) {
    requireNonNull(body, "body");
    return engine.data(MessageContent.of(Inputs.headerEntries(headerLines), body));
  }

  /**
   * Sends DATA with a Jakarta Mail message.
   *
   * @param message the message
   * @return the reply to the final dot, or to DATA when it was not 354
   */
  public synchronized SmtpReply data(MimeMessage message) {
    return engine.data(MessageContent.of(requireNonNull(message, "message")));
  }

  /**
   * Sends RSET.
   *
   * @return the reply
   */
  public synchronized SmtpReply rset() {
    return engine.other("RSET", null);
  }

  /**
   * Sends NOOP.
   *
   * @return the reply
   */
  public synchronized SmtpReply noop() {
    return engine.other("NOOP", null);
  }

  /**
   * Sends VRFY.
   *
   * @param user the user
   * @return the reply
   */
  public synchronized SmtpReply vrfy(String user) {
    return engine.other("VRFY " + Inputs.nonBlank("user", user), Severity.INFO);
  }

  /**
   * Sends EXPN.
   *
   * @param list the list
   * @return the reply
   */
  public synchronized SmtpReply expn(String list) {
    return engine.other("EXPN " + Inputs.nonBlank("list", list), Severity.INFO);
  }

  /**
   * Sends a raw command line (checked for CR, LF and NUL only).
   *
   * @param raw the command
   * @return the reply
   */
  public synchronized SmtpReply command(String raw) {
    return engine.other(Inputs.nonBlank("raw", raw), Severity.INFO);
  }

  /**
   * Sends QUIT, waits for 221 and closes the connection.
   *
   * @return the reply
   */
  public synchronized SmtpReply quit() {
    closed = true;
    return engine.quit();
  }

  /**
   * Returns the capabilities of the last successful EHLO.
   *
   * @return the capabilities, if any
   */
  public synchronized Optional<EhloCapabilities> capabilities() {
    return engine.capabilities();
  }

  /**
   * Returns the TLS details, when TLS was attempted.
   *
   * @return the details
   */
  public synchronized Optional<TlsInfo> tls() {
    return engine.tls();
  }

  /**
   * Returns everything sent and received so far.
   *
   * @return the transcript
   */
  public Transcript transcript() {
    return engine.transcript();
  }

  /**
   * Returns the findings so far.
   *
   * @return the findings
   */
  public synchronized List<Finding> findings() {
    return engine.report(false).findings();
  }

  /**
   * Returns a report of the session so far.
   *
   * @return the report; {@code completed()} is true once QUIT was sent on a healthy connection
   */
  public synchronized SmtpReport report() {
    return engine.report(closed);
  }

  /** Sends QUIT when the connection is still up, then closes it. */
  @Override
  public void close() {
    synchronized (this) {
      if (!closed) {
        closed = true;
        engine.quit();
      }
    }
  }

  /** Returns the transcript so far. */
  @Override
  public String toString() {
    return transcript().toString();
  }
}
