package dev.mailpath.diag.smtp;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.TlsFailurePolicy;
import dev.mailpath.diag.core.internal.Checks;
import dev.mailpath.diag.dns.MxResolver;
import dev.mailpath.diag.smtp.internal.Engine;
import dev.mailpath.diag.smtp.internal.HostResolver;
import dev.mailpath.diag.smtp.internal.MessageContent;
import dev.mailpath.diag.smtp.internal.Options;
import dev.mailpath.diag.smtp.internal.Step;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

/**
 * The {@code telnet host 25} session as an immutable, reusable script: each step method returns a
 * new script, and {@link #run()} plays it against the server and returns an {@link SmtpReport}.
 *
 * <pre>{@code
 * SmtpReport report = SmtpConversation.to("192.0.2.25", 25)
 *     .expectedTlsName("mx1.example.org")          // SNI and certificate name when connecting by address
 *     .ehlo("probe.example.org")
 *     .startTls()
 *     .mailFrom("postmaster@example.org")
 *     .rcptTo("someone@example.net")
 *     .quitAfter(SmtpPhase.RCPT)                    // like swaks --quit-after RCPT
 *     .run();
 * System.out.println(report);                      // transcript and findings
 * }</pre>
 *
 * <p>What is sent: a connection (with TLS first for {@link #implicitTls()}), the greeting, the
 * steps in order, and QUIT whenever the connection is still up (RFC 5321 §4.1.1.10), waiting for
 * the 221. The script stops early when going on is pointless: the greeting is not 220, EHLO (and
 * the HELO fallback) is rejected, STARTTLS is not offered or fails, AUTH fails, MAIL is rejected,
 * no RCPT is accepted, or DATA is not answered 354. A rejected RCPT among several is a finding, not
 * a stop.
 *
 * <p>Errors: everything the server or network does (refusal, reset, timeout, 4xx/5xx replies,
 * malformed or oversized replies, TLS problems) is a finding in a normally returned report; {@link
 * #run()} never throws for it. Arguments are checked when the step is added: CR, LF or NUL in any
 * of them (addresses, EHLO name, header values, raw commands) throws {@link
 * IllegalArgumentException}, so nothing is ever sent from a bad script. Interrupting the thread in
 * {@link #run()} ends it with a {@link java.util.concurrent.CancellationException}.
 *
 * <p>Host names are resolved through diag-dns with the configured DNS servers, never through the
 * JDK's system lookup; an IP literal (and {@code localhost}) needs no DNS at all.
 *
 * <p>Immutable and thread-safe: one script may be run many times, from many threads at once.
 */
public final class SmtpConversation {

  /** RFC 5321 §4.5.3.1.3: a path is at most 256 octets. */
  private static final int MAX_PATH = 256;

  private final Options options;
  private final List<Step> steps;
  private final SmtpPhase quitAfter;

  private SmtpConversation(Options options, List<Step> steps, SmtpPhase quitAfter) {
    this.options = options;
    this.steps = List.copyOf(steps);
    this.quitAfter = quitAfter;
  }

  /**
   * Starts a script for a server.
   *
   * @param host an IP literal (IPv6 with or without brackets), {@code localhost}, or a host name
   *     resolved through diag-dns (see {@link #dnsServers(InetSocketAddress...)})
   * @param port the port, for example 25, 587 or 465 (with {@link #implicitTls()})
   * @return an empty script: connect, read the greeting, QUIT
   * @throws IllegalArgumentException when the host is blank or holds CR, LF, NUL or spaces, or the
   *     port is outside 1-65535
   */
  public static SmtpConversation to(String host, int port) {
    Checks.noLineBreaks("host", host);
    if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          "host must be a host name or IP address without spaces: '" + host + "'");
    }
    Checks.port("port", port);
    Options o = new Options();
    o.host = host.strip();
    o.port = port;
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
    return plus(Step.of(Step.Kind.EHLO, SmtpPhase.EHLO, domainArg("name", name)));
  }

  /**
   * Adds HELO (plain SMTP, no extensions).
   *
   * @param name the client's host name
   * @return the new script
   * @throws IllegalArgumentException when blank, over 255 characters, or holding CR, LF or NUL
   */
  public SmtpConversation helo(String name) {
    return plus(Step.of(Step.Kind.HELO, SmtpPhase.EHLO, domainArg("name", name)));
  }

  /**
   * Adds STARTTLS (RFC 3207): the TLS handshake, validation of the certificate, and EHLO again with
   * the same name (capabilities learnt before TLS are discarded). When the EHLO reply does not
   * offer STARTTLS the conversation ends with {@link SmtpFinding#STARTTLS_NOT_OFFERED}. Plaintext
   * that follows the 220 ends it with {@link SmtpFinding#STARTTLS_PLAINTEXT_INJECTION}.
   *
   * @return the new script
   */
  public SmtpConversation startTls() {
    return plus(Step.of(Step.Kind.STARTTLS, SmtpPhase.TLS, ""));
  }

  /**
   * Adds STARTTLS only when the EHLO reply offers it, as a sending MTA does (opportunistic TLS, RFC
   * 3207): when it is not offered, a {@link SmtpFinding#STARTTLS_NOT_OFFERED} finding is recorded
   * and the conversation goes on in clear text. When it is offered, it behaves as {@link
   * #startTls()}, including certificate checks.
   *
   * @return the new script
   */
  public SmtpConversation startTlsIfOffered() {
    return plus(Step.of(Step.Kind.STARTTLS_IF_OFFERED, SmtpPhase.TLS, ""));
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
   * Adds MAIL FROM. Any RFC 5321 reverse path is accepted, including the null sender {@code <>},
   * source routes and quoted local parts; an address without angle brackets gets them.
   *
   * @param address the reverse path, for example {@code postmaster@example.org} or {@code <>}
   * @param params ESMTP parameters such as {@code SIZE=1000} or {@code BODY=8BITMIME}
   * @return the new script
   * @throws IllegalArgumentException on CR, LF or NUL, or a path over 256 characters
   */
  public SmtpConversation mailFrom(String address, String... params) {
    String path = path("address", address);
    List<String> ps = new ArrayList<>();
    for (String p : requireNonNull(params, "params")) {
      Checks.noLineBreaks("params", p);
      if (p.isBlank()) {
        throw new IllegalArgumentException("params must not be blank");
      }
      ps.add(p.strip());
    }
    return plus(new Step(Step.Kind.MAIL, SmtpPhase.MAIL, path, ps, null, null));
  }

  /**
   * Adds one RCPT TO per address. Any RFC 5321 forward path is accepted (relay tests need odd ones:
   * source routes, quoted local parts, percent hacks).
   *
   * @param addresses the forward paths
   * @return the new script
   * @throws IllegalArgumentException when none is given, or on CR, LF, NUL or a path over 256
   *     characters
   */
  public SmtpConversation rcptTo(String... addresses) {
    requireNonNull(addresses, "addresses");
    if (addresses.length == 0) {
      throw new IllegalArgumentException("rcptTo needs at least one address");
    }
    SmtpConversation c = this;
    for (String a : addresses) {
      c = c.plus(Step.of(Step.Kind.RCPT, SmtpPhase.RCPT, path("address", a)));
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
   * missing; a non-ASCII body without Content-Type gets a UTF-8 text/plain one. Lines starting with
   * a dot are dot-stuffed, and every line ends with CRLF on the wire.
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
            MessageContent.of(headerEntries(headerLines), body)));
  }

  static List<Map.Entry<String, String>> headerEntries(List<String> headerLines) {
    requireNonNull(headerLines, "headerLines");
    List<Map.Entry<String, String>> entries = new ArrayList<>();
    for (String line : headerLines) {
      Checks.noLineBreaks("header line", line);
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("header line must look like 'Name: value': " + line);
      }
      entries.add(Map.entry(line.substring(0, colon).strip(), line.substring(colon + 1).strip()));
    }
    return entries;
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
    return plus(Step.of(Step.Kind.VRFY, SmtpPhase.OTHER, nonBlank("user", user)));
  }

  /**
   * Adds EXPN; a rejection is reported at INFO severity.
   *
   * @param list the mailing list to expand
   * @return the new script
   * @throws IllegalArgumentException on CR, LF or NUL, or a blank argument
   */
  public SmtpConversation expn(String list) {
    return plus(Step.of(Step.Kind.EXPN, SmtpPhase.OTHER, nonBlank("list", list)));
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
    return plus(Step.of(Step.Kind.RAW, SmtpPhase.OTHER, nonBlank("raw", raw)));
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

  // ---------------------------------------------------------------- options

  /**
   * Uses implicit TLS (SMTPS, RFC 8314, usually port 465): the handshake happens right after
   * connecting, before the greeting.
   *
   * @return the new script
   */
  public SmtpConversation implicitTls() {
    return with(o -> o.implicitTls = true);
  }

  /**
   * Sets the per-phase timeouts (RFC 5321 §4.5.3.2 defaults).
   *
   * @param timeouts the timeouts
   * @return the new script
   */
  public SmtpConversation timeouts(SmtpTimeouts timeouts) {
    requireNonNull(timeouts, "timeouts");
    return with(o -> o.timeouts = timeouts);
  }

  /**
   * Sets the overall deadline for the whole conversation, DNS and connect included (30 minutes by
   * default); when it passes, the conversation ends with a {@link SmtpFinding#TIMEOUT}.
   *
   * @param deadline the deadline, positive, at most a day
   * @return the new script
   */
  public SmtpConversation deadline(Duration deadline) {
    Checks.positive("deadline", deadline);
    return with(o -> o.deadline = deadline);
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
   * Binds the local end of the connection to an address (for hosts with several, as an MTA's
   * smtp_bind_address does).
   *
   * @param localAddress the local address
   * @return the new script
   */
  public SmtpConversation localAddress(InetAddress localAddress) {
    requireNonNull(localAddress, "localAddress");
    return with(o -> o.localAddress = localAddress);
  }

  /**
   * Uses a TLS context as is; its trust decides the chain, and a rejected chain always ends the
   * handshake (so {@link TlsFailurePolicy#REPORT_AND_CONTINUE} only covers expiry and name). Prefer
   * {@link #trustManager(X509TrustManager)} to keep the chain verdict separate.
   *
   * @param sslContext the context
   * @return the new script
   */
  public SmtpConversation sslContext(SSLContext sslContext) {
    requireNonNull(sslContext, "sslContext");
    return with(o -> o.sslContext = sslContext);
  }

  /**
   * Validates the server's chain with this trust manager instead of the JDK's trust store.
   *
   * @param trustManager the trust manager, for example one trusting a test certificate
   * @return the new script
   */
  public SmtpConversation trustManager(X509TrustManager trustManager) {
    requireNonNull(trustManager, "trustManager");
    return with(o -> o.trustManager = trustManager);
  }

  /**
   * Sets the name sent as SNI and checked against the certificate, for connecting by address;
   * without it the host as given is used (an address literal is checked against IP SANs).
   *
   * @param name the expected host name, for example the MX host name
   * @return the new script
   * @throws IllegalArgumentException when blank or holding CR, LF or NUL
   */
  public SmtpConversation expectedTlsName(String name) {
    String n = domainArg("name", name);
    return with(o -> o.expectedTlsName = n);
  }

  /**
   * Chooses what happens when the certificate does not validate ({@link TlsFailurePolicy#FAIL} by
   * default). Either way the problem is a finding.
   *
   * @param policy the policy
   * @return the new script
   */
  public SmtpConversation tlsFailure(TlsFailurePolicy policy) {
    requireNonNull(policy, "policy");
    return with(o -> o.tlsFailure = policy);
  }

  /**
   * Sets the environment: clock, socket factory, TLS context, executor for {@link #runAsync()},
   * random source, event listener.
   *
   * @param environment the environment
   * @return the new script
   */
  public SmtpConversation environment(DiagEnvironment environment) {
    requireNonNull(environment, "environment");
    return with(o -> o.environment = environment);
  }

  /**
   * Changes some seams of the script's environment, keeping the others.
   *
   * @param changes edits to a builder initialised from the current environment
   * @return the new script
   */
  public SmtpConversation environment(
      java.util.function.Consumer<DiagEnvironment.Builder> changes) {
    requireNonNull(changes, "changes");
    return environment(options.environment.with(changes));
  }

  /**
   * Sets the EHLO name used after STARTTLS when the script has no EHLO before it (by default the
   * client's address literal, RFC 5321 §4.1.4).
   *
   * @param name the name
   * @return the new script
   */
  public SmtpConversation defaultEhloName(String name) {
    String n = domainArg("name", name);
    return with(o -> o.defaultEhloName = n);
  }

  /**
   * Resolves host names with these DNS servers (through diag-dns), and checks the banner name
   * against the reverse DNS of the server's address ({@link SmtpFinding#BANNER_RDNS_MISMATCH}).
   * Without DNS settings a host name is resolved through diag-dns with the system's DNS
   * configuration and no reverse check is made; an IP literal never needs DNS.
   *
   * @param servers the DNS servers, for example {@code new InetSocketAddress("127.0.0.1", 5353)}
   * @return the new script
   * @throws IllegalArgumentException when none is given
   */
  public SmtpConversation dnsServers(InetSocketAddress... servers) {
    requireNonNull(servers, "servers");
    if (servers.length == 0) {
      throw new IllegalArgumentException("dnsServers needs at least one server");
    }
    List<InetSocketAddress> list = List.of(servers);
    return with(o -> o.dnsServers = list);
  }

  /**
   * Resolves host names and reverse DNS with this diag-dns resolver (its servers, timeouts and
   * environment); like {@link #dnsServers(InetSocketAddress...)}, this enables the reverse DNS
   * check of the banner.
   *
   * @param resolver the resolver
   * @return the new script
   */
  public SmtpConversation resolver(MxResolver resolver) {
    requireNonNull(resolver, "resolver");
    return with(o -> o.mxResolver = resolver);
  }

  /**
   * Sets the resolver seam directly (tests in this package).
   *
   * @param resolver the resolver
   * @return the new script
   */
  SmtpConversation hostResolver(HostResolver resolver) {
    requireNonNull(resolver, "resolver");
    return with(o -> o.resolver = resolver);
  }

  // ---------------------------------------------------------------- running

  /**
   * Plays the script and returns what happened. Never throws for anything the server or network
   * does.
   *
   * @return the report
   * @throws java.util.concurrent.CancellationException when the thread is interrupted (the
   *     interrupt flag is set again)
   */
  public SmtpReport run() {
    return new Engine(options, true).run(steps, quitAfter);
  }

  /**
   * Plays the script on the environment's executor. Cancelling the future closes the connection.
   *
   * @return the future report
   */
  public CompletableFuture<SmtpReport> runAsync() {
    Engine engine = new Engine(options, true);
    CompletableFuture<SmtpReport> f = new CompletableFuture<>();
    f.whenComplete(
        (r, t) -> {
          if (f.isCancelled()) {
            engine.abort();
          }
        });
    options
        .environment
        .executor()
        .execute(
            () -> {
              if (f.isDone()) {
                return;
              }
              try {
                f.complete(engine.run(steps, quitAfter));
              } catch (Throwable t) {
                f.completeExceptionally(t);
              }
            });
    return f;
  }

  /**
   * Opens an interactive session with this script's settings (its steps are not played).
   *
   * @return the open session, greeting read
   */
  public SmtpSession open() {
    return SmtpSession.open(options);
  }

  /**
   * Returns the host as given.
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

  /** Returns the target and the steps, without secrets. */
  @Override
  public String toString() {
    return "SmtpConversation["
        + options.host
        + ":"
        + options.port
        + (options.implicitTls ? " (TLS)" : "")
        + ", steps="
        + steps
        + (quitAfter != null ? ", quitAfter=" + quitAfter : "")
        + "]";
  }

  // ---------------------------------------------------------------- argument checks

  static String path(String name, String address) {
    Checks.noLineBreaks(name, address);
    String a = address.strip();
    if (a.isEmpty()) {
      throw new IllegalArgumentException(
          name + " must not be blank; use \"<>\" for the null sender");
    }
    String p = a.startsWith("<") ? a : "<" + a + ">";
    if (p.length() > MAX_PATH + 2) {
      throw new IllegalArgumentException(
          name
              + " is "
              + (p.length() - 2)
              + " characters; RFC 5321 §4.5.3.1.3 allows 256: "
              + a.substring(0, 40)
              + "...");
    }
    return p;
  }

  static String domainArg(String name, String value) {
    Checks.noLineBreaks(name, value);
    String v = value.strip();
    if (v.isEmpty() || v.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          name + " must be a non-blank name without spaces: '" + value + "'");
    }
    if (v.length() > 255) {
      throw new IllegalArgumentException(name + " is longer than 255 characters");
    }
    return v;
  }

  static String nonBlank(String name, String value) {
    Checks.noLineBreaks(name, value);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }
}
