package dev.mailpath.diag.trace;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.MailAddress;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.TimeSource;
import dev.mailpath.diag.core.TlsMode;
import dev.mailpath.diag.core.internal.CancellableCall;
import dev.mailpath.diag.core.internal.Checks;
import dev.mailpath.diag.smtp.SmtpClient;
import dev.mailpath.diag.smtp.SmtpConversation;
import dev.mailpath.diag.smtp.SmtpCredentials;
import dev.mailpath.diag.smtp.SmtpExchange;
import dev.mailpath.diag.smtp.SmtpPhase;
import dev.mailpath.diag.smtp.SmtpReport;
import dev.mailpath.diag.trace.internal.PollSchedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a uniquely tagged test message over SMTP and watches the recipient's mailbox over IMAP
 * until it arrives or a deadline passes: the field guide's "give it a minute and check", and its
 * Part 2 advice to "test inbound routing by sending yourself a message", as one call. It reports
 * whether the server accepted the message, how long it took to arrive, which folder it landed in
 * (the Inbox, or Junk, or a folder a rule moved it to), the message's {@code Received:} chain, the
 * SMTP transcript, and findings such as "never arrived", "landed in junk", "slow", "SMTP refused".
 *
 * <pre>{@code
 * RoundTripProbe probe = RoundTripProbe.builder()
 *     .smtpServer("smtp.example.org", 587)
 *     .tlsMode(TlsMode.STARTTLS_REQUIRED)
 *     .credentials(SmtpCredentials.of("alice", smtpPassword))   // AUTH, optional
 *     .from("alice@example.org")
 *     .to("bob@example.net")
 *     .mailbox(MailboxSearch.builder()                          // bob's mailbox, with his permission
 *         .server("imap.example.net", 993).credentials("bob", imapPassword).build())
 *     .deadline(Duration.ofMinutes(5))
 *     .build();
 * RoundTripReport r = probe.run();
 * r.arrived();      // true
 * r.delay();        // Optional[PT3.2S]
 * r.folder();       // Optional[Junk]
 * r.findings();     // [trace.roundtrip.in-junk WARNING "The probe message landed in the Junk folder"]
 * System.out.println(r);
 * }</pre>
 *
 * <p><b>The message.</b> Each run makes a new Message-ID from 96 random bits of the environment's
 * random source ({@code <mailpath-probe.TOKEN@sender-domain>}), and puts the token in the Subject
 * and an {@code X-Mailpath-Probe} header, so that the probe is found exactly and is easy to
 * recognise and delete. It stays in the mailbox: the search is read-only.
 *
 * <p><b>On the wire.</b> One SMTP conversation (EHLO, STARTTLS per the {@link TlsMode}, AUTH when
 * credentials are given, MAIL, RCPT, DATA, QUIT) through {@link SmtpConversation}; then one {@link
 * MailboxSearch} by Message-ID per poll. Polls start {@link Builder#pollInterval(Duration,
 * Duration) 500 ms} apart and back off by doubling to a ceiling (5 s by default), with a last poll
 * at the deadline; between polls the thread sleeps, it never spins. Delays and the deadline are
 * measured with the environment's {@link TimeSource}; the waits themselves are real time. Polling
 * stops early when the IMAP server refuses the login or the TLS handshake, since waiting longer
 * cannot fix either.
 *
 * <p><b>Errors.</b> A refused connection, a 5xx, a TLS or AUTH failure, an unreachable IMAP server
 * are findings in a normally returned report ({@link Outcome#INCONCLUSIVE} when the SMTP server
 * could not be reached or the mailbox could never be searched). Misuse throws: {@link
 * IllegalArgumentException} from the builder for a bad address, port or duration, {@link
 * IllegalStateException} from {@link Builder#build()} when something required is missing, and
 * {@link CancellationException} when the thread is interrupted.
 *
 * <p>Immutable and thread-safe once built; every {@link #run()} sends a new message.
 */
public final class RoundTripProbe {
  private static final Logger LOG = LoggerFactory.getLogger(RoundTripProbe.class);
  private static final DateTimeFormatter RFC5322 =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private final String host;
  private final int port;
  private final TlsMode tls;
  private final SmtpCredentials credentials;
  private final SmtpClient smtpClient;
  private final SmtpClient givenClient;
  private final String ehloName;
  private final String from;
  private final String to;
  private final String subject;
  private final MailboxSearch mailbox;
  private final Duration deadline;
  private final Duration firstPoll;
  private final Duration maxPoll;
  private final Duration slowAfter;
  private final DiagEnvironment environment;

  /** Everything up to RCPT; each run adds DATA with a fresh message. Validated when built. */
  private final SmtpConversation envelope;

  private RoundTripProbe(Builder b) {
    if (b.host == null) {
      throw new IllegalStateException("set the SMTP server with smtpServer(host, port)");
    }
    if (b.from == null || b.to == null) {
      throw new IllegalStateException(
          "set the sender and recipient with from(address) and to(address)");
    }
    if (b.mailbox == null) {
      throw new IllegalStateException("set the recipient's mailbox with mailbox(MailboxSearch)");
    }
    this.host = b.host;
    this.port = b.port;
    this.tls = b.tls;
    this.credentials = b.credentials;
    this.givenClient = b.client;
    // Without a client of its own, the SMTP side uses the probe's environment.
    this.smtpClient =
        b.client != null ? b.client : SmtpClient.builder().environment(b.environment).build();
    this.from = b.from;
    this.to = b.to;
    this.ehloName = b.ehloName != null ? b.ehloName : domainOf(b.from);
    this.subject = b.subject;
    this.mailbox = b.mailbox;
    this.deadline = b.deadline;
    this.firstPoll = b.firstPoll;
    this.maxPoll = b.maxPoll;
    this.slowAfter = b.slowAfter;
    this.environment = b.environment;
    this.envelope = envelope();
  }

  /**
   * Starts configuring a probe.
   *
   * @return a builder with the defaults: STARTTLS when offered, deadline 5 minutes, polls from 500
   *     ms backing off to 5 s, slow after 1 minute, the system environment
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this probe's settings (credentials included).
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host;
    b.port = port;
    b.tls = tls;
    b.credentials = credentials;
    b.client = givenClient;
    b.ehloName = ehloName;
    b.from = from;
    b.to = to;
    b.subject = subject;
    b.mailbox = mailbox;
    b.deadline = deadline;
    b.firstPoll = firstPoll;
    b.maxPoll = maxPoll;
    b.slowAfter = slowAfter;
    b.environment = environment;
    return b;
  }

  /**
   * Returns the recipient whose mailbox is polled.
   *
   * @return the recipient address
   */
  public String to() {
    return to;
  }

  /**
   * Returns the sender of the probe messages.
   *
   * @return the sender address
   */
  public String from() {
    return from;
  }

  private SmtpConversation envelope() {
    SmtpConversation c = SmtpConversation.to(host, port);
    c = c.tlsMode(tls).ehlo(ehloName);
    if (credentials != null) {
      c = c.auth(credentials);
    }
    return c.mailFrom(from).rcptTo(to);
  }

  /**
   * Sends one probe message and waits for it in the mailbox.
   *
   * @return the report; server and network failures are findings in it
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public RoundTripReport run() {
    TimeSource time = environment.timeSource();
    long start = time.nanoTime();
    Instant startedAt = time.instant();
    byte[] random = new byte[12];
    environment.random().nextBytes(random);
    String token = HexFormat.of().formatHex(random);
    String messageId = "<mailpath-probe." + token + "@" + domainOf(from) + ">";
    List<String> headers =
        List.of(
            "From: " + from,
            "To: " + to,
            "Subject: " + subject + " " + token,
            "Date: " + RFC5322.format(time.instant()),
            "Message-ID: " + messageId,
            "X-Mailpath-Probe: " + token);
    String body =
        "This is a round-trip test message sent by mailpath to check that mail from\n"
            + from
            + " reaches "
            + to
            + ". It can be deleted.\n";
    RoundTripReport.Builder report =
        RoundTripReport.builder()
            .addresses(from, to)
            .messageId(messageId)
            .polling(0, deadline)
            .startedAt(startedAt);

    LOG.debug("round trip {}: sending through {}:{}", messageId, host, port);
    SmtpReport smtp = smtpClient.run(envelope.data(headers, body).quit());
    report.smtp(smtp);
    long sent = time.nanoTime();
    Optional<SmtpExchange> dot =
        smtp.steps().stream()
            .filter(s -> s.phase() == SmtpPhase.DATA && s.command().equals("."))
            .reduce((a, b) -> b);
    if (dot.isEmpty() || !dot.get().reply().isPositive()) {
      report.addFinding(refused(smtp, dot));
      smtp.findings().forEach(report::addFinding);
      if (smtp.outcome() == Outcome.INCONCLUSIVE) {
        report.outcome(Outcome.INCONCLUSIVE);
      }
      return report.elapsed(Duration.ofNanos(time.nanoTime() - start)).build();
    }
    report.sentAt(time.instant());

    // Poll: the interval doubles up to maxPoll; a last poll happens at the deadline itself.
    MessageQuery query = MessageQuery.byMessageId(messageId);
    long deadlineNanos = sent + deadline.toNanos();
    PollSchedule schedule = new PollSchedule(firstPoll, maxPoll);
    MailboxSearchReport search = null;
    MailboxHit hit = null;
    Duration delay = null;
    boolean searched = false;
    int polls = 0;
    while (true) {
      search = mailbox.search(query);
      polls++;
      searched |= search.outcome() != Outcome.INCONCLUSIVE;
      hit = best(search.hits());
      long now = time.nanoTime();
      if (hit != null) {
        delay = Duration.ofNanos(now - sent);
        report.arrived(hit, delay);
        break;
      }
      if (search.hasFinding(TraceFinding.IMAP_AUTH_FAILED)
          || search.hasFinding(TraceFinding.IMAP_TLS_FAILED)) {
        break; // waiting longer cannot fix a refused login or a failed handshake
      }
      if (now - deadlineNanos >= 0) {
        break;
      }
      PollSchedule.pause(schedule.nextWait(now, deadlineNanos));
    }
    LOG.debug(
        "round trip {}: {} after {} polls",
        messageId,
        hit != null ? "arrived in " + hit.folder() : "not found",
        polls);
    report.polling(polls, deadline).lastSearch(search);

    Evidence id = Evidence.of("message-id", messageId);
    Evidence mailboxEvidence = Evidence.of("mailbox", search.server());
    if (hit != null) {
      Evidence where = Evidence.of("folder", hit.folder());
      Evidence after = Evidence.of("delay", RoundTripReport.seconds(delay));
      switch (hit.role()) {
        case INBOX ->
            report.addFinding(
                TraceFinding.ROUNDTRIP_ARRIVED.finding(
                    "the probe arrived in "
                        + hit.folder()
                        + " after "
                        + RoundTripReport.seconds(delay),
                    id,
                    where,
                    after));
        case JUNK ->
            report.addFinding(
                TraceFinding.ROUNDTRIP_IN_JUNK.finding(
                    "the probe landed in "
                        + hit.folder()
                        + " after "
                        + RoundTripReport.seconds(delay),
                    id,
                    where,
                    after));
        default ->
            report.addFinding(
                TraceFinding.ROUNDTRIP_IN_FOLDER.finding(
                    "the probe was filed in "
                        + hit.folder()
                        + " ("
                        + hit.role().name().toLowerCase(Locale.ROOT)
                        + ")"
                        + (hit.deleted() ? ", marked \\Deleted" : ""),
                    id,
                    where,
                    after));
      }
      if (delay.compareTo(slowAfter) > 0) {
        report.addFinding(slow(hit, delay));
      }
    } else if (!searched) {
      report.addFinding(
          TraceFinding.ROUNDTRIP_NOT_VERIFIED.finding(
              "the probe was accepted, but "
                  + search.server()
                  + " could not be searched ("
                  + polls
                  + (polls == 1 ? " attempt)" : " attempts)"),
              id,
              mailboxEvidence));
      report.outcome(Outcome.INCONCLUSIVE);
    } else {
      report.addFinding(
          TraceFinding.ROUNDTRIP_NEVER_ARRIVED.finding(
              "the probe was accepted but was in no folder of "
                  + search.server()
                  + " after "
                  + RoundTripReport.seconds(deadline),
              id,
              mailboxEvidence,
              Evidence.of("polls", polls),
              Evidence.of("accepted", dot.get().reply().firstLine())));
    }
    smtp.findings().forEach(report::addFinding);
    for (Finding f : search.findings()) {
      if (!isWhereabouts(f)) {
        report.addFinding(f);
      }
    }
    if (hit != null) {
      hit.receivedChain().findings().forEach(report::addFinding);
    }
    return report.elapsed(Duration.ofNanos(time.nanoTime() - start)).build();
  }

  /**
   * Runs the probe without blocking the caller, on the environment's executor. {@code cancel(true)}
   * on the future interrupts the probe (its polling stops at once) and closes the mailbox search's
   * connection.
   *
   * @return a future of the report; it never completes exceptionally for server failures
   */
  public CompletableFuture<RoundTripReport> runAsync() {
    return CancellableCall.start(environment.executor(), call -> run());
  }

  /** Returns {@code RoundTripProbe[from -> to via host:port, mailbox]}; never a password. */
  @Override
  public String toString() {
    return "RoundTripProbe["
        + from
        + " -> "
        + to
        + " via "
        + host
        + ":"
        + port
        + " ("
        + tls
        + "), "
        + mailbox
        + "]";
  }

  /** The mailbox search's where-is-it findings, which the round-trip findings restate. */
  private static boolean isWhereabouts(Finding f) {
    return f.is(TraceFinding.MAILBOX_FOUND)
        || f.is(TraceFinding.MAILBOX_FOUND_IN_JUNK)
        || f.is(TraceFinding.MAILBOX_FOUND_IN_TRASH)
        || f.is(TraceFinding.MAILBOX_FOUND_IN_ARCHIVE)
        || f.is(TraceFinding.MAILBOX_FOUND_IN_FOLDER)
        || f.is(TraceFinding.MAILBOX_NOT_FOUND);
  }

  /** The hit that says where the message is: the Inbox first, never a virtual "All Mail" view. */
  static MailboxHit best(List<MailboxHit> hits) {
    return hits.stream()
        .min(
            Comparator.comparingInt(
                (MailboxHit h) ->
                    h.role() == FolderRole.ALL
                        ? 2
                        : h.role() == FolderRole.INBOX && !h.deleted() ? 0 : 1))
        .orElse(null);
  }

  private static Finding refused(SmtpReport smtp, Optional<SmtpExchange> dot) {
    Evidence server = Evidence.of("server", smtp.host() + ":" + smtp.port());
    // The last reply that was not positive names the reason; else the conversation's own.
    Optional<SmtpExchange> last =
        smtp.steps().stream()
            .filter(
                s -> s.reply().received() && !s.reply().isPositive() && !s.reply().isIntermediate())
            .reduce((a, b) -> b);
    String why =
        last.map(
                s ->
                    (s.command().isEmpty() ? "the greeting" : s.command())
                        + " got "
                        + s.reply().firstLine())
            .or(() -> dot.map(s -> "the end of data got no reply"))
            .or(() -> smtp.endReason())
            .orElse("the conversation ended early");
    return last.map(
            s ->
                TraceFinding.ROUNDTRIP_SMTP_REFUSED.finding(
                    "the server did not accept the probe: " + why,
                    server,
                    Evidence.of("reply", s.reply().firstLine()),
                    Evidence.of("phase", s.phase())))
        .orElseGet(
            () ->
                TraceFinding.ROUNDTRIP_SMTP_REFUSED.finding(
                    "the server did not accept the probe: " + why,
                    server,
                    Evidence.of("ended-at", smtp.endedAt().map(Enum::name).orElse("?"))));
  }

  private Finding slow(MailboxHit hit, Duration delay) {
    Optional<ReceivedHop> slowest =
        hit.receivedChain().hops().stream()
            .filter(h -> h.delay().isPresent())
            .max(Comparator.comparing(h -> h.delay().get()));
    Evidence threshold = Evidence.of("threshold", RoundTripReport.seconds(slowAfter));
    Evidence took = Evidence.of("delay", RoundTripReport.seconds(delay));
    return slowest
        .map(
            h ->
                TraceFinding.ROUNDTRIP_SLOW.finding(
                    "the probe took " + RoundTripReport.seconds(delay) + " to arrive",
                    took,
                    threshold,
                    Evidence.of(
                        "slowest-hop",
                        "#"
                            + h.index()
                            + " "
                            + h.by().orElse("?")
                            + " "
                            + ReceivedChainReport.formatDelay(h.delay().get(), true))))
        .orElseGet(
            () ->
                TraceFinding.ROUNDTRIP_SLOW.finding(
                    "the probe took " + RoundTripReport.seconds(delay) + " to arrive",
                    took,
                    threshold));
  }

  static String domainOf(String address) {
    String a = MessageQuery.stripAngles(address);
    int at = a.lastIndexOf('@');
    return at >= 0 && at < a.length() - 1 ? a.substring(at + 1) : "localhost";
  }

  /** Configures a {@link RoundTripProbe}; not thread-safe. */
  public static final class Builder {
    private String host;
    private int port;
    private TlsMode tls = TlsMode.STARTTLS_IF_OFFERED;
    private SmtpCredentials credentials;
    private SmtpClient client;
    private String ehloName;
    private String from;
    private String to;
    private String subject = "mailpath round-trip probe";
    private MailboxSearch mailbox;
    private Duration deadline = Duration.ofMinutes(5);
    private Duration firstPoll = Duration.ofMillis(500);
    private Duration maxPoll = Duration.ofSeconds(5);
    private Duration slowAfter = Duration.ofMinutes(1);
    private DiagEnvironment environment = DiagEnvironment.system();

    private Builder() {}

    /**
     * Sets the SMTP server the probe is submitted to: the sender's submission server (587), or an
     * MX of the recipient's domain (25) to test inbound mail.
     *
     * @param host an IP literal or a host name (resolved through diag-dns with the {@link
     *     #client(SmtpClient) client's} DNS settings)
     * @param port 1 to 65535
     * @return this builder
     * @throws IllegalArgumentException for a blank host or a port out of range
     */
    public Builder smtpServer(String host, int port) {
      SmtpConversation.to(host, port); // the same checks as the conversation, now
      this.host = host.strip();
      this.port = port;
      return this;
    }

    /**
     * Sets when TLS starts on the submission: {@link TlsMode#STARTTLS_IF_OFFERED} by default,
     * {@link TlsMode#STARTTLS_REQUIRED}, {@link TlsMode#IMPLICIT} (port 465) or {@link
     * TlsMode#NONE}. Trust and the expected name come from the {@link #client(SmtpClient)}.
     *
     * @param tlsMode the mode
     * @return this builder
     */
    public Builder tlsMode(TlsMode tlsMode) {
      this.tls = requireNonNull(tlsMode, "tlsMode");
      return this;
    }

    /**
     * Authenticates with AUTH (RFC 4954) before MAIL FROM; the password is redacted in the
     * transcript and never printed.
     *
     * @param credentials the login
     * @return this builder
     */
    public Builder credentials(SmtpCredentials credentials) {
      this.credentials = requireNonNull(credentials, "credentials");
      return this;
    }

    /**
     * Sets the SMTP client the probe message is sent with: its DNS settings, timeouts, deadline,
     * TLS trust and expected name, local address and environment. Without one, a client with
     * default settings and this probe's {@link #environment(DiagEnvironment) environment} is used.
     *
     * <pre>{@code
     * .client(SmtpClient.builder()
     *     .timeouts(SmtpTimeouts.all(Duration.ofSeconds(10)))
     *     .tls(t -> t.trustManager(testCa).expectedName("mx.example.net"))
     *     .build())
     * }</pre>
     *
     * @param client the client
     * @return this builder
     */
    public Builder client(SmtpClient client) {
      this.client = requireNonNull(client, "client");
      return this;
    }

    /**
     * Sets the EHLO name.
     *
     * @param name a host name; by default the sender's domain
     * @return this builder
     */
    public Builder ehloName(String name) {
      this.ehloName = Checks.noLineBreaks("name", name).strip();
      return this;
    }

    /**
     * Sets the sender (envelope and {@code From:}).
     *
     * @param address the address, for example {@code alice@example.org}, read by {@link
     *     MailAddress#of(String)}
     * @return this builder
     * @throws IllegalArgumentException naming the problem when it is not a mailbox address
     */
    public Builder from(String address) {
      return from(MailAddress.of(address));
    }

    /**
     * Sets the sender (envelope and {@code From:}).
     *
     * @param address the address
     * @return this builder
     */
    public Builder from(MailAddress address) {
      this.from = requireNonNull(address, "address").toString();
      return this;
    }

    /**
     * Sets the recipient whose mailbox {@link #mailbox(MailboxSearch)} searches.
     *
     * @param address the address, for example {@code bob@example.net}, read by {@link
     *     MailAddress#of(String)}
     * @return this builder
     * @throws IllegalArgumentException naming the problem when it is not a mailbox address
     */
    public Builder to(String address) {
      return to(MailAddress.of(address));
    }

    /**
     * Sets the recipient whose mailbox {@link #mailbox(MailboxSearch)} searches.
     *
     * @param address the address
     * @return this builder
     */
    public Builder to(MailAddress address) {
      this.to = requireNonNull(address, "address").toString();
      return this;
    }

    /**
     * Sets the subject; the run's token is appended.
     *
     * @param subject the text; default {@code mailpath round-trip probe}
     * @return this builder
     */
    public Builder subject(String subject) {
      String s = Checks.noLineBreaks("subject", subject).strip();
      if (s.isEmpty()) {
        throw new IllegalArgumentException("subject must not be blank");
      }
      this.subject = s;
      return this;
    }

    /**
     * Sets the recipient's mailbox, searched by the probe's Message-ID in every folder.
     *
     * @param mailbox the search client
     * @return this builder
     */
    public Builder mailbox(MailboxSearch mailbox) {
      this.mailbox = requireNonNull(mailbox, "mailbox");
      return this;
    }

    /**
     * Sets how long to wait for the message after the server accepted it.
     *
     * @param deadline positive, at most a day; default 5 minutes
     * @return this builder
     */
    public Builder deadline(Duration deadline) {
      this.deadline = Checks.positive("deadline", deadline);
      return this;
    }

    /**
     * Sets the poll interval: the first wait, doubling after each empty poll up to the ceiling.
     *
     * @param first the first interval; default 500 ms
     * @param max the ceiling, at least {@code first}; default 5 s
     * @return this builder
     */
    public Builder pollInterval(Duration first, Duration max) {
      Checks.positive("first", first);
      Checks.positive("max", max);
      if (max.compareTo(first) < 0) {
        throw new IllegalArgumentException(
            "max (" + max + ") must not be shorter than first (" + first + ")");
      }
      this.firstPoll = first;
      this.maxPoll = max;
      return this;
    }

    /**
     * Sets the delay past which arrival is reported as slow ({@code trace.roundtrip.slow}).
     *
     * @param threshold positive; default 1 minute
     * @return this builder
     */
    public Builder slowAfter(Duration threshold) {
      this.slowAfter = Checks.positive("threshold", threshold);
      return this;
    }

    /**
     * Sets the environment: clock (delays, deadline, Date header), random source (the token),
     * socket factory and TLS context of the SMTP side, executor for {@link #runAsync()}. The
     * mailbox search keeps its own environment.
     *
     * @param environment the environment
     * @return this builder
     */
    public Builder environment(DiagEnvironment environment) {
      this.environment = requireNonNull(environment, "environment");
      return this;
    }

    /**
     * Changes some seams of the current environment, keeping the others.
     *
     * @param changes edits to a builder initialised from the current environment
     * @return this builder
     */
    public Builder environment(java.util.function.Consumer<DiagEnvironment.Builder> changes) {
      requireNonNull(changes, "changes");
      this.environment = environment.with(changes);
      return this;
    }

    /**
     * Builds the probe, checking the SMTP script once.
     *
     * @return the immutable, thread-safe probe
     * @throws IllegalStateException when the SMTP server, sender, recipient or mailbox is missing
     * @throws IllegalArgumentException when the EHLO name is not usable
     */
    public RoundTripProbe build() {
      return new RoundTripProbe(this);
    }
  }
}
