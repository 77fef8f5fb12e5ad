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
import java.util.concurrent.locks.ReentrantLock;

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
 * anything is sent, and so do arguments that would make a command line longer than the 512 octets
 * of RFC 5321 §4.5.3.1.4 (or a message line longer than 1,000). Each call waits at most its phase's
 * timeout (RFC 5321 §4.5.3.2 defaults), writes included: a server that stops reading is cut off
 * when the timeout passes, and the call returns a {@code smtp.timeout} finding; there is no overall
 * deadline. Calls from several threads are serialised; {@link #close()} from another thread does
 * not wait for a call in progress but cuts the connection, which ends that call at once.
 */
public final class SmtpSession implements AutoCloseable {

  private final Engine engine;
  // Not a monitor: close() must be able to see that a call is in progress without waiting for it.
  private final ReentrantLock lock = new ReentrantLock();
  private volatile boolean closed;

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
  public SmtpReply banner() {
    lock.lock();
    try {
      return engine.banner().orElseGet(() -> SmtpReply.none("no greeting: " + endReason()));
    } finally {
      lock.unlock();
    }
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
  public boolean connected() {
    lock.lock();
    try {
      return engine.usable();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends EHLO (falling back to HELO on 500/502 only).
   *
   * @param name the client's name
   * @return the reply
   */
  public SmtpReply ehlo(String name) {
    lock.lock();
    try {
      return engine.ehlo(SmtpPhase.EHLO, Inputs.domainArg("name", name));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends HELO.
   *
   * @param name the client's name
   * @return the reply
   */
  public SmtpReply helo(String name) {
    lock.lock();
    try {
      return engine.helo(Inputs.domainArg("name", name));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends STARTTLS (even when not offered: this is telnet), runs the handshake and EHLO again.
   *
   * @return the reply to STARTTLS; see {@link #tls()} for the handshake and {@link #capabilities()}
   *     for the post-TLS EHLO
   */
  public SmtpReply startTls() {
    lock.lock();
    try {
      return engine.startTls(false);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Authenticates.
   *
   * @param credentials the credentials
   * @return the final reply (235 on success)
   */
  public SmtpReply auth(SmtpCredentials credentials) {
    lock.lock();
    try {
      return engine.auth(requireNonNull(credentials, "credentials"));
    } finally {
      lock.unlock();
    }
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
  public SmtpReply mailFrom(String address, String... params) {
    lock.lock();
    try {
      requireNonNull(address, "address");
      return mail(
          Inputs.nullSender(address) ? "<>" : "<" + Inputs.mailAddress("address", address) + ">",
          params);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends MAIL FROM with a checked address.
   *
   * @param address the sender
   * @param params ESMTP parameters
   * @return the reply
   */
  public SmtpReply mailFrom(MailAddress address, String... params) {
    lock.lock();
    try {
      return mail("<" + requireNonNull(address, "address") + ">", params);
    } finally {
      lock.unlock();
    }
  }

  private SmtpReply mail(String path, String... params) {
    List<String> ps = new ArrayList<>();
    for (String p : params) {
      ps.add(Inputs.nonBlank("params", p).strip());
    }
    Inputs.mailLine(path, ps);
    return engine.mail(path, ps);
  }

  /**
   * Sends RCPT TO.
   *
   * @param address the recipient, checked by {@link MailAddress#of}
   * @return the reply
   * @throws IllegalArgumentException naming the problem when the address is not a plain mailbox
   */
  public SmtpReply rcptTo(String address) {
    lock.lock();
    try {
      return rcptTo(Inputs.mailAddress("address", address));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends RCPT TO with a checked address.
   *
   * @param address the recipient
   * @return the reply
   */
  public SmtpReply rcptTo(MailAddress address) {
    lock.lock();
    try {
      return engine.rcpt("<" + requireNonNull(address, "address") + ">");
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends DATA, then the message when the server answers 354.
   *
   * @param headers header names and values
   * @param body the body text
   * @return the reply to the final dot, or to DATA when it was not 354
   */
  public SmtpReply data(Map<String, String> headers, String body) {
    lock.lock();
    try {
      requireNonNull(headers, "headers");
      requireNonNull(body, "body");
      return engine.data(MessageContent.of(new ArrayList<>(headers.entrySet()), body));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends DATA with header lines ({@code Name: value}) and a body.
   *
   * @param headerLines the header lines, in order
   * @param body the body text
   * @return the reply to the final dot, or to DATA when it was not 354
   */
  public SmtpReply data(List<String> headerLines, String body) {
    lock.lock();
    try {
      requireNonNull(body, "body");
      return engine.data(MessageContent.of(Inputs.headerEntries(headerLines), body));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends DATA with a Jakarta Mail message.
   *
   * @param message the message
   * @return the reply to the final dot, or to DATA when it was not 354
   */
  public SmtpReply data(MimeMessage message) {
    lock.lock();
    try {
      return engine.data(MessageContent.of(requireNonNull(message, "message")));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends RSET.
   *
   * @return the reply
   */
  public SmtpReply rset() {
    lock.lock();
    try {
      return engine.other("RSET", null);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends NOOP.
   *
   * @return the reply
   */
  public SmtpReply noop() {
    lock.lock();
    try {
      return engine.other("NOOP", null);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends VRFY.
   *
   * @param user the user
   * @return the reply
   */
  public SmtpReply vrfy(String user) {
    lock.lock();
    try {
      return engine.other(
          Inputs.commandLine("user", "VRFY " + Inputs.nonBlank("user", user)), Severity.INFO);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends EXPN.
   *
   * @param list the list
   * @return the reply
   */
  public SmtpReply expn(String list) {
    lock.lock();
    try {
      return engine.other(
          Inputs.commandLine("list", "EXPN " + Inputs.nonBlank("list", list)), Severity.INFO);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends a raw command line (checked for CR, LF and NUL only).
   *
   * @param raw the command
   * @return the reply
   */
  public SmtpReply command(String raw) {
    lock.lock();
    try {
      return engine.other(Inputs.commandLine("raw", Inputs.nonBlank("raw", raw)), Severity.INFO);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends QUIT, waits for 221 and closes the connection.
   *
   * @return the reply
   */
  public SmtpReply quit() {
    lock.lock();
    try {
      closed = true;
      return engine.quit();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the capabilities of the last successful EHLO.
   *
   * @return the capabilities, if any
   */
  public Optional<EhloCapabilities> capabilities() {
    lock.lock();
    try {
      return engine.capabilities();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the TLS details, when TLS was attempted.
   *
   * @return the details
   */
  public Optional<TlsInfo> tls() {
    lock.lock();
    try {
      return engine.tls();
    } finally {
      lock.unlock();
    }
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
  public List<Finding> findings() {
    lock.lock();
    try {
      return engine.report(false).findings();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns a report of the session so far.
   *
   * @return the report; {@code completed()} is true once QUIT was sent on a healthy connection
   */
  public SmtpReport report() {
    lock.lock();
    try {
      return engine.report(closed);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends QUIT when the connection is still up, then closes it. Returns within the command timeout
   * (QUIT and its 221) from any thread: when another thread is in the middle of a call, the
   * connection is cut at once instead, which ends that call with a reply-less result.
   */
  @Override
  public void close() {
    if (lock.tryLock()) {
      try {
        if (!closed) {
          closed = true;
          engine.quit();
        }
      } finally {
        lock.unlock();
      }
      return;
    }
    // A call holds the session (perhaps a write to a server that stopped reading): waiting for it
    // would tie close() to that call's timeout. Cutting the connection ends it now.
    closed = true;
    engine.abort();
  }

  /** Returns the transcript so far. */
  @Override
  public String toString() {
    return transcript().toString();
  }
}
