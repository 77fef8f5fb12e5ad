package dev.mailpath.diag.smtp;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.HostAndPort;
import dev.mailpath.diag.core.MailAddress;
import dev.mailpath.diag.core.TlsMode;
import dev.mailpath.diag.core.internal.Checks;
import dev.mailpath.diag.smtp.internal.HostResolver;
import dev.mailpath.diag.smtp.internal.Inputs;
import dev.mailpath.diag.smtp.internal.MessageContent;
import dev.mailpath.diag.smtp.internal.Options;
import dev.mailpath.diag.smtp.internal.Scripts;
import dev.mailpath.diag.smtp.internal.Step;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The {@code telnet host 25} session as an immutable script: the target and the steps of one call,
 * played by an {@link SmtpClient} (which holds the connection settings: DNS, timeouts, deadline,
 * TLS trust, environment). Each step method returns a new script.
 *
 * <pre>{@code
 * SmtpReport report = SmtpConversation.to("192.0.2.25", 25)
 *     .expectedTlsName("mx1.example.org")          // SNI and certificate name when connecting by address
 *     .ehlo("probe.example.org")
 *     .startTls()
 *     .mailFrom("postmaster@example.org")
 *     .rcptTo("someone@example.net")
 *     .quitAfter(SmtpPhase.RCPT)                    // like swaks --quit-after RCPT
 *     .run();                                       // on SmtpClient.system(); or client.run(script)
 * System.out.println(report);                      // transcript and findings
 * }</pre>
 *
 * <p><b>TLS.</b> A script has one {@link TlsMode}, {@link TlsMode#NONE} by default, set with {@link
 * #tlsMode(TlsMode)}: {@link TlsMode#IMPLICIT} runs the handshake right after connecting (SMTPS,
 * port 465); the two STARTTLS modes send STARTTLS right after the first EHLO (or first thing, with
 * an EHLO in the client's name, when the script has none). {@link #startTls()} and {@link
 * #startTlsIfOffered()} are the step forms of {@link TlsMode#STARTTLS_REQUIRED} and {@link
 * TlsMode#STARTTLS_IF_OFFERED}: they set that mode and place the STARTTLS exactly where they stand
 * in the script. A STARTTLS step and {@link TlsMode#NONE} or {@link TlsMode#IMPLICIT} contradict
 * each other and throw {@link IllegalStateException}.
 *
 * <p>What is sent: a connection (with TLS first for {@link TlsMode#IMPLICIT}), the greeting, the
 * steps in order, and QUIT whenever the connection is still up (RFC 5321 §4.1.1.10), waiting for
 * the 221. The script stops early when going on is pointless: the greeting is not 220, EHLO (and
 * the HELO fallback) is rejected, STARTTLS is not offered or fails, AUTH fails, MAIL is rejected,
 * no RCPT is accepted, or DATA is not answered 354. A rejected RCPT among several is a finding, not
 * a stop.
 *
 * <p>Errors: everything the server or network does (refusal, reset, timeout, 4xx/5xx replies,
 * malformed or oversized replies, TLS problems) is a finding in a normally returned report; {@link
 * #run()} never throws for it. Arguments are checked when the step is added: addresses through
 * {@link MailAddress#of}, hosts through {@link HostAndPort#of}; CR, LF or NUL in any argument (EHLO
 * name, header values, raw commands) throws {@link IllegalArgumentException}, so nothing is ever
 * sent from a bad script. Interrupting the thread in {@link #run()} ends it with a {@link
 * java.util.concurrent.CancellationException}.
 *
 * <p>Immutable and thread-safe: one script may be run many times, from many threads at once.
 */
public final class SmtpConversation {

  private final Options options;
  private final List<Step> steps;
  private final SmtpPhase quitAfter;

  /** The steps as played, worked out on the first run and kept (the script never changes). */
  private volatile List<Step> played;

  private SmtpConversation(Options options, List<Step> steps, SmtpPhase quitAfter) {
    this.options = options;
    this.steps = List.copyOf(steps);
    this.quitAfter = quitAfter;
  }

  /**
   * Starts a script for a server.
   *
   * @param host an IP literal ({@code [::1]} or {@code ::1}), {@code localhost}, or a host name,
   *     resolved through the playing client's DNS settings
   * @param port the port, for example 25, 587 or 465 (with {@link TlsMode#IMPLICIT})
   * @return an empty script: connect, read the greeting, QUIT
   * @throws IllegalArgumentException when the host is malformed or the port outside 1-65535
   */
  public static SmtpConversation to(String host, int port) {
    return to(HostAndPort.of(host, port));
  }

  /**
   * Starts a script for a server.
   *
   * @param server the server
   * @return an empty script: connect, read the greeting, QUIT
   */
  public static SmtpConversation to(HostAndPort server) {
    requireNonNull(server, "server");
    Options o = new Options();
    o.host = server.host();
    o.port = server.port();
    return new SmtpConversation(o, List.of(), null);
  }

  private SmtpConversation with(Consumer<Options> change) {
    Options o = options.copy();
    change.accept(o);
    return new SmtpConversation(o, steps, quitAfter);
  }

  private SmtpConversation plus(Step step) {
    if (!steps.isEmpty() && steps.get(steps.size() - 1).kind() == Step.Kind.QUIT) {
      throw new IllegalStateException("the script already ends with quit(); add steps before it");
    }
    List<Step> s = new ArrayList<>(steps);
    s.add(step);
    return new SmtpConversation(options, s, quitAfter);
  }

  // ---------------------------------------------------------------- steps

  /**
   * Adds EHLO; when the server answers 500 or 502 (it does not know EHLO) HELO is sent instead and
   * a {@link SmtpFinding#EHLO_REJECTED_HELO_USED} finding says so. A 421 or 554 is a refusal and
   * gets no HELO.
   *
   * @param name the client's host name, or an address literal such as {@code [192.0.2.1]}
   * @return the new script
   * @throws IllegalArgumentException when blank, over 255 characters, or holding CR, LF or NUL
   */
  public SmtpConversation ehlo(String name) {
    return plus(Step.of(Step.Kind.EHLO, SmtpPhase.EHLO, Inputs.domainArg("name", name)));
  }

  /**
   * Adds HELO (plain SMTP, no extensions).
   *
   * @param name the client's host name
   * @return the new script
   * @throws IllegalArgumentException when blank, over 255 characters, or holding CR, LF or NUL
   */
  public SmtpConversation helo(String name) {
    return plus(Step.of(Step.Kind.HELO, SmtpPhase.EHLO, Inputs.domainArg("name", name)));
  }

  /**
   * Adds STARTTLS here, the step form of {@link TlsMode#STARTTLS_REQUIRED} (RFC 3207): the TLS
   * handshake, validation of the certificate, and EHLO again with the same name (capabilities
   * learnt before TLS are discarded). When the EHLO reply does not offer STARTTLS the conversation
   * ends with {@link SmtpFinding#STARTTLS_NOT_OFFERED}. Plaintext that follows the 220 ends it with
   * {@link SmtpFinding#STARTTLS_PLAINTEXT_INJECTION}.
   *
   * @return the new script
   */
  public SmtpConversation startTls() {
    return startTlsStep(TlsMode.STARTTLS_REQUIRED, Step.Kind.STARTTLS);
  }

  private SmtpConversation startTlsStep(TlsMode mode, Step.Kind kind) {
    if (options.tlsMode == TlsMode.IMPLICIT) {
      throw new IllegalStateException(
          "the script uses TlsMode.IMPLICIT: TLS starts before the greeting, STARTTLS cannot follow");
    }
    SmtpConversation c = plus(Step.of(kind, SmtpPhase.TLS, ""));
    return new SmtpConversation(c.options.copyWith(mode), c.steps, c.quitAfter);
  }

  /**
   * Adds STARTTLS here when the EHLO reply offers it, the step form of {@link
   * TlsMode#STARTTLS_IF_OFFERED}, as a sending MTA does (opportunistic TLS, RFC 3207): when it is
   * not offered, a {@link SmtpFinding#STARTTLS_NOT_OFFERED} finding is recorded and the
   * conversation goes on in clear text. When it is offered, it behaves as {@link #startTls()},
   * including certificate checks.
   *
   * @return the new script
   */
  public SmtpConversation startTlsIfOffered() {
    return startTlsStep(TlsMode.STARTTLS_IF_OFFERED, Step.Kind.STARTTLS_IF_OFFERED);
  }

  /**
   * Adds AUTH (RFC 4954) with PLAIN, LOGIN or CRAM-MD5: the pinned mechanism, else the best one
   * offered. Secrets appear as {@code [redacted]} in the transcript.
   *
   * @param credentials the user name and password
   * @return the new script
   */
  public SmtpConversation auth(SmtpCredentials credentials) {
    requireNonNull(credentials, "credentials");
    return plus(new Step(Step.Kind.AUTH, SmtpPhase.AUTH, "", List.of(), credentials, null));
  }

  /**
   * Adds MAIL FROM. The address goes through {@link MailAddress#of} (strict); {@code ""} or {@code
   * "<>"} is the null reverse-path. Odd paths (source routes, display names) are refused here: send
   * them with {@link #command(String)}.
   *
   * <pre>{@code
   * .mailFrom("postmaster@example.org", "SIZE=1000")
   * }</pre>
   *
   * @param address the sender, for example {@code postmaster@example.org}, or {@code ""} for the
   *     null sender
   * @param params ESMTP parameters such as {@code SIZE=1000} or {@code BODY=8BITMIME}
   * @return the new script
   * @throws IllegalArgumentException naming the problem when the address is not a plain mailbox
   *     ({@code Me <me@example.net>} is refused), or a parameter is blank or holds CR, LF or NUL
   */
  public SmtpConversation mailFrom(String address, String... params) {
    requireNonNull(address, "address");
    if (Inputs.nullSender(address)) {
      return mail("<>", params);
    }
    return mailFrom(Inputs.mailAddress("address", address), params);
  }

  /**
   * Adds MAIL FROM with a checked address.
   *
   * @param address the sender
   * @param params ESMTP parameters such as {@code SIZE=1000}
   * @return the new script
   * @throws IllegalArgumentException when a parameter is blank or holds CR, LF or NUL
   */
  public SmtpConversation mailFrom(MailAddress address, String... params) {
    requireNonNull(address, "address");
    return mail("<" + address + ">", params);
  }

  private SmtpConversation mail(String path, String... params) {
    List<String> ps = new ArrayList<>();
    for (String p : requireNonNull(params, "params")) {
      Checks.noLineBreaks("params", p);
      if (p.isBlank()) {
        throw new IllegalArgumentException("params must not be blank");
      }
      ps.add(p.strip());
    }
    Inputs.mailLine(path, ps);
    return plus(new Step(Step.Kind.MAIL, SmtpPhase.MAIL, path, ps, null, null));
  }

  /**
   * Adds one RCPT TO per address; each goes through {@link MailAddress#of} (strict). Odd forward
   * paths for relay experiments (source routes, percent hacks in quoted form) go through {@link
   * #command(String)}.
   *
   * @param addresses the recipients
   * @return the new script
   * @throws IllegalArgumentException when none is given, or naming the address that is not a plain
   *     mailbox
   */
  public SmtpConversation rcptTo(String... addresses) {
    requireNonNull(addresses, "addresses");
    List<MailAddress> list = new ArrayList<>();
    for (String a : addresses) {
      list.add(Inputs.mailAddress("address", requireNonNull(a, "address")));
    }
    return rcptTo(list.toArray(new MailAddress[0]));
  }

  /**
   * Adds one RCPT TO per checked address.
   *
   * @param addresses the recipients
   * @return the new script
   * @throws IllegalArgumentException when none is given
   */
  public SmtpConversation rcptTo(MailAddress... addresses) {
    requireNonNull(addresses, "addresses");
    if (addresses.length == 0) {
      throw new IllegalArgumentException("rcptTo needs at least one address");
    }
    SmtpConversation c = this;
    for (MailAddress a : addresses) {
      requireNonNull(a, "address");
      c = c.plus(Step.of(Step.Kind.RCPT, SmtpPhase.RCPT, "<" + a + ">"));
    }
    return c;
  }

  /**
   * Adds DATA with a Jakarta Mail message, captured now (so later changes to the message do not
   * change the script). Date and Message-ID are added when missing. Note that Jakarta Mail's {@code
   * writeTo} saves the message first, which may set headers on it and, for a session without {@code
   * mail.from}, look up the local host name for its own Message-ID.
   *
   * @param message the message
   * @return the new script
   * @throws IllegalArgumentException when the message cannot be written
   */
  public SmtpConversation data(MimeMessage message) {
    requireNonNull(message, "message");
    return plus(
        new Step(Step.Kind.DATA, SmtpPhase.DATA, "", List.of(), null, MessageContent.of(message)));
  }

  /**
   * Adds DATA with headers and a body, as typed into telnet. Date and Message-ID are added when
   * missing (afresh for every run); a non-ASCII body without Content-Type gets a UTF-8 text/plain
   * one. Lines starting with a dot are dot-stuffed, and every line ends with CRLF on the wire. The
   * message is framed so once, on the script's first run, and reused by later runs (see "Bulk use"
   * in {@link SmtpClient}).
   *
   * <pre>{@code
   * .data(Map.of("Subject", "Test message via mailpath"), "This is a test\nPlease reply if received\n")
   * }</pre>
   *
   * @param headers header names and values; iteration order is kept (use a {@code LinkedHashMap} or
   *     {@code Map.of} for one header)
   * @param body the body text
   * @return the new script
   * @throws IllegalArgumentException on an invalid header name, CR/LF/NUL in a value, or NUL in the
   *     body
   */
  public SmtpConversation data(Map<String, String> headers, String body) {
    requireNonNull(headers, "headers");
    requireNonNull(body, "body");
    return plus(
        new Step(
            Step.Kind.DATA,
            SmtpPhase.DATA,
            "",
            List.of(),
            null,
            MessageContent.of(new ArrayList<>(headers.entrySet()), body)));
  }

  /**
   * Adds DATA with header lines and a body; like {@link #data(Map, String)}, but header lines keep
   * their order and may repeat (several {@code Received} or {@code To} lines).
   *
   * <pre>{@code
   * .data(List.of("From: me@example.org", "To: you@example.net", "Subject: Test"), "This is a test\n")
   * }</pre>
   *
   * @param headerLines lines of the form {@code Name: value}
   * @param body the body text
   * @return the new script
   * @throws IllegalArgumentException on a line without a colon, an invalid header name, CR/LF/NUL
   *     in a line, or NUL in the body
   */
  public SmtpConversation data(List<String> headerLines, String body) {
    requireNonNull(body, "body");
    return plus(
        new Step(
            Step.Kind.DATA,
            SmtpPhase.DATA,
            "",
            List.of(),
            null,
            MessageContent.of(Inputs.headerEntries(headerLines), body)));
  }

  /**
   * Adds RSET (RFC 5321 §4.1.1.5).
   *
   * @return the new script
   */
  public SmtpConversation rset() {
    return plus(Step.of(Step.Kind.RSET, SmtpPhase.OTHER, ""));
  }

  /**
   * Adds NOOP.
   *
   * @return the new script
   */
  public SmtpConversation noop() {
    return plus(Step.of(Step.Kind.NOOP, SmtpPhase.OTHER, ""));
  }

  /**
   * Adds VRFY; a rejection is reported at INFO severity, since disabling VRFY is good practice.
   *
   * @param user the user or mailbox to verify
   * @return the new script
   * @throws IllegalArgumentException on CR, LF or NUL, or a blank argument
   */
  public SmtpConversation vrfy(String user) {
    Inputs.commandLine("user", "VRFY " + Inputs.nonBlank("user", user));
    return plus(Step.of(Step.Kind.VRFY, SmtpPhase.OTHER, user));
  }

  /**
   * Adds EXPN; a rejection is reported at INFO severity.
   *
   * @param list the mailing list to expand
   * @return the new script
   * @throws IllegalArgumentException on CR, LF or NUL, or a blank argument
   */
  public SmtpConversation expn(String list) {
    Inputs.commandLine("list", "EXPN " + Inputs.nonBlank("list", list));
    return plus(Step.of(Step.Kind.EXPN, SmtpPhase.OTHER, list));
  }

  /**
   * Adds any command line, sent as given (checked for CR, LF and NUL only). A raw {@code AUTH} with
   * an argument is recorded with the argument redacted.
   *
   * @param raw the command line, without line ending
   * @return the new script
   * @throws IllegalArgumentException on CR, LF or NUL, or a blank command
   */
  public SmtpConversation command(String raw) {
    return plus(
        Step.of(
            Step.Kind.RAW,
            SmtpPhase.OTHER,
            Inputs.commandLine("raw", Inputs.nonBlank("raw", raw))));
  }

  /**
   * Ends the script with QUIT; steps cannot be added after it. QUIT is sent at the end anyway, so
   * this only makes the script read like the session.
   *
   * @return the new script
   */
  public SmtpConversation quit() {
    return plus(Step.of(Step.Kind.QUIT, SmtpPhase.QUIT, ""));
  }

  /**
   * Stops before the first step of any later phase, then sends QUIT, like swaks' {@code
   * --quit-after}. CONNECT and BANNER both stop right after the greeting; RCPT is the safe choice
   * for relay tests (no message is sent).
   *
   * @param phase the last phase to run
   * @return the new script
   */
  public SmtpConversation quitAfter(SmtpPhase phase) {
    return new SmtpConversation(options, steps, requireNonNull(phase, "phase"));
  }

  // ---------------------------------------------------------------- per-call options

  /**
   * Sets when TLS starts (see the class comment): {@link TlsMode#NONE} (the default) plain text,
   * {@link TlsMode#STARTTLS_IF_OFFERED} or {@link TlsMode#STARTTLS_REQUIRED} STARTTLS after the
   * first EHLO, {@link TlsMode#IMPLICIT} TLS before the greeting (RFC 8314, usually port 465).
   *
   * <pre>{@code
   * SmtpConversation.to("smtp.example.org", 465).tlsMode(TlsMode.IMPLICIT).ehlo("me.example.org")
   * }</pre>
   *
   * @param mode the mode
   * @return the new script
   * @throws IllegalStateException when the script holds a STARTTLS step and the mode is {@link
   *     TlsMode#NONE} or {@link TlsMode#IMPLICIT}
   */
  public SmtpConversation tlsMode(TlsMode mode) {
    requireNonNull(mode, "mode");
    boolean hasStep = steps.stream().anyMatch(Scripts::isStartTls);
    if (hasStep && !mode.usesStartTls()) {
      throw new IllegalStateException(
          "the script holds a STARTTLS step (startTls() or startTlsIfOffered()); TlsMode."
              + mode
              + " contradicts it");
    }
    List<Step> s = hasStep ? Scripts.withStartTlsMode(steps, mode) : steps;
    return new SmtpConversation(options.copyWith(mode), s, quitAfter);
  }

  /**
   * Returns when TLS starts.
   *
   * @return the mode; {@link TlsMode#NONE} unless set
   */
  public TlsMode tlsMode() {
    return options.tlsMode;
  }

  /**
   * Sends MAIL, the RCPTs and DATA as one group when the server offers PIPELINING (RFC 2920); off
   * by default, since one command at a time gives the clearest transcript.
   *
   * @param enabled whether to pipeline
   * @return the new script
   */
  public SmtpConversation pipelining(boolean enabled) {
    return with(o -> o.pipelining = enabled);
  }

  /**
   * Adds the SMTPUTF8 parameter (RFC 6531) to MAIL FROM when the server offers it; when it does
   * not, a {@link SmtpFinding#SMTPUTF8_NOT_OFFERED} finding is made and the parameter is left out.
   *
   * @return the new script
   */
  public SmtpConversation smtpUtf8() {
    return with(o -> o.smtpUtf8 = true);
  }

  /**
   * Sets the name sent as SNI and checked against the certificate for this target, for connecting
   * by address; it overrides the client's {@link
   * dev.mailpath.diag.core.TlsSettings#expectedName()}. Without either, the host as given is used
   * (an address literal is checked against IP SANs).
   *
   * @param name the expected host name, for example the MX host name
   * @return the new script
   * @throws IllegalArgumentException when blank or holding CR, LF, NUL or spaces
   */
  public SmtpConversation expectedTlsName(String name) {
    String n = Inputs.domainArg("name", name);
    return with(o -> o.expectedTlsName = n);
  }

  /** Sets the resolver seam directly (reverse DNS already known, tests in this package). */
  SmtpConversation hostResolver(HostResolver resolver) {
    requireNonNull(resolver, "resolver");
    return with(o -> o.resolver = resolver);
  }

  // ---------------------------------------------------------------- running

  /**
   * Plays the script on {@link SmtpClient#system()}; the same as {@code
   * SmtpClient.system().run(this)}. Never throws for anything the server or network does.
   *
   * @return the report
   * @throws java.util.concurrent.CancellationException when the thread is interrupted (the
   *     interrupt flag is set again)
   */
  public SmtpReport run() {
    return SmtpClient.system().run(this);
  }

  /**
   * Plays the script on {@link SmtpClient#system()} without blocking; the same as {@code
   * SmtpClient.system().runAsync(this)}. Cancelling the future closes the connection.
   *
   * @return the future report
   */
  public CompletableFuture<SmtpReport> runAsync() {
    return SmtpClient.system().runAsync(this);
  }

  /**
   * Opens an interactive session with {@link SmtpClient#system()} to this script's target, with its
   * TLS mode (its steps are not played).
   *
   * @return the open session, greeting read
   */
  public SmtpSession open() {
    return SmtpClient.system().open(this);
  }

  /**
   * Returns the host as it goes on the wire (A-labels, or an IP address without brackets).
   *
   * @return the host
   */
  public String host() {
    return options.host;
  }

  /**
   * Returns the port.
   *
   * @return the port
   */
  public int port() {
    return options.port;
  }

  Options options() {
    return options;
  }

  SmtpPhase stop() {
    return quitAfter;
  }

  /** The steps as played: with the STARTTLS that a STARTTLS mode implies put in place. */
  List<Step> playedSteps() {
    List<Step> p = played;
    if (p == null) {
      p = List.copyOf(Scripts.played(steps, options.tlsMode));
      played = p;
    }
    return p;
  }

  /** Returns the target, the TLS mode and the steps, without secrets. */
  @Override
  public String toString() {
    return "SmtpConversation["
        + HostAndPort.of(options.host, options.port)
        + (options.tlsMode != TlsMode.NONE ? " " + options.tlsMode : "")
        + ", steps="
        + steps
        + (quitAfter != null ? ", quitAfter=" + quitAfter : "")
        + "]";
  }
}
