package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DiagEventListener;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.core.TimeSource;
import dev.mailpath.diag.core.Timings;
import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.core.internal.Secrets;
import dev.mailpath.diag.smtp.EhloCapabilities;
import dev.mailpath.diag.smtp.SmtpAuthMechanism;
import dev.mailpath.diag.smtp.SmtpCredentials;
import dev.mailpath.diag.smtp.SmtpExchange;
import dev.mailpath.diag.smtp.SmtpFinding;
import dev.mailpath.diag.smtp.SmtpPhase;
import dev.mailpath.diag.smtp.SmtpReply;
import dev.mailpath.diag.smtp.SmtpReport;
import dev.mailpath.diag.smtp.TlsInfo;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one SMTP conversation, command by command, turning everything the server does into replies,
 * transcript lines and findings. Used by both the scripted {@code SmtpConversation} and the
 * interactive {@code SmtpSession}. Never throws for anything the peer does; a rejected step is a
 * finding, a broken connection ends the conversation with a finding. Not thread-safe, except {@link
 * #abort()}.
 *
 * <p>The engine holds the state of the conversation and the exchange of one command and its reply;
 * each phase's algorithm lives in its own class, called through the methods here: {@link
 * ConnectPhase} (resolve and connect, implicit TLS), {@link BannerPhase} (greeting and reverse
 * DNS), {@link EhloPhase}, {@link TlsPhase} (STARTTLS and the handshake), {@link AuthPhase}, {@link
 * TransactionPhase} (MAIL, RCPT, DATA, pipelining) and {@link ReportAssembly}.
 */
public final class Engine {
  static final Logger LOG = LoggerFactory.getLogger(Engine.class);
  static final Duration INJECTION_GRACE = Duration.ofMillis(250);
  static final Duration UNSOLICITED_GRACE = Duration.ofSeconds(1);

  final Options o;
  final DiagEnvironment env;
  final TimeSource time;
  final Transcript.Recorder rec;
  final DiagEventListener listener;
  final Deadline overall;
  final Instant startedAt;
  final long startNanos;
  final List<Finding> findings = new ArrayList<>();
  final Set<String> onceKeys = new HashSet<>();
  final List<SmtpExchange> steps = new ArrayList<>();
  final Timings.Builder timings = Timings.builder();

  /** What a server echo must not put into the record: the password and its encodings. */
  final Secrets secrets = new Secrets();

  volatile SmtpWire wire;
  InetSocketAddress remote;
  HostResolver resolver;
  HostResolver.Reverse reverse;
  String bannerName;
  SmtpReply banner;
  EhloCapabilities caps;
  TlsInfo tlsInfo;
  boolean alive;
  boolean broken;
  boolean serverClosing;
  volatile boolean aborted;
  SmtpPhase endPhase;
  String endReason;
  String lastEhloName;
  String lastMailFrom;
  int acceptedRcpts;
  boolean dataInitAccepted;

  /** A raw AUTH exchange sent through {@link #other} is waiting for the next (secret) line. */
  boolean saslPending;

  /**
   * Creates an engine.
   *
   * @param options the settings
   * @param withOverallDeadline whether {@link Options#deadline} applies (scripted runs)
   */
  public Engine(Options options, boolean withOverallDeadline) {
    this.o = options;
    this.env = options.environment;
    this.time = env.timeSource();
    this.rec = Transcript.recorder(time, options.transcript);
    this.listener = env.eventListenerFactory().create("smtp " + options.host + ":" + options.port);
    this.startedAt = time.instant();
    this.startNanos = time.nanoTime();
    this.overall = withOverallDeadline ? Deadline.after(time, options.deadline, true) : null;
  }

  // ---------------------------------------------------------------- state

  /**
   * Tells whether commands can still be sent.
   *
   * @return {@code true} while the connection is up and in step
   */
  public boolean usable() {
    // After a 421 the server is closing the channel (RFC 5321 §3.8): only QUIT may still go.
    return alive && !broken && !aborted && !serverClosing && wire != null;
  }

  /**
   * Returns the current transcript.
   *
   * @return a snapshot
   */
  public Transcript transcript() {
    return rec.snapshot();
  }

  /**
   * Returns the current capabilities.
   *
   * @return the capabilities from the last successful EHLO, if any
   */
  public Optional<EhloCapabilities> capabilities() {
    return Optional.ofNullable(caps);
  }

  /**
   * Returns the TLS details.
   *
   * @return the details, if TLS was attempted
   */
  public Optional<TlsInfo> tls() {
    return Optional.ofNullable(tlsInfo);
  }

  /**
   * Returns the greeting.
   *
   * @return the banner, if read
   */
  public Optional<SmtpReply> banner() {
    return Optional.ofNullable(banner);
  }

  /**
   * Returns the phase where the conversation was cut short.
   *
   * @return the phase, if it was
   */
  public Optional<SmtpPhase> endPhase() {
    return Optional.ofNullable(endPhase);
  }

  /** Closes the connection from any thread, for cancellation and the overall deadline. */
  public void abort() {
    aborted = true;
    SmtpWire w = wire;
    if (w != null) {
      w.abort();
    }
  }

  void end(SmtpPhase phase, String reason) {
    if (endPhase == null) {
      endPhase = phase;
      endReason = reason;
      LOG.debug("conversation with {}:{} ended at {}: {}", o.host, o.port, phase, reason);
    }
  }

  /**
   * Marks the conversation as ended by the script's own decision (a rejected MAIL, no recipient
   * accepted...).
   *
   * @param phase the phase
   * @param reason why
   */
  public void stop(SmtpPhase phase, String reason) {
    end(phase, reason);
  }

  void addFinding(Finding raw) {
    // Findings quote replies and commands; both are scrubbed at the source, this is the backstop.
    Finding f = secrets.scrub(raw);
    findings.add(f);
    LOG.debug("finding {}", f);
    listener.finding(f);
  }

  void addOnce(String key, Finding f) {
    if (onceKeys.add(key)) {
      addFinding(f);
    }
  }

  Deadline phaseDeadline(Duration timeout) {
    Deadline d = Deadline.after(time, timeout, false);
    return overall == null ? d : d.min(overall);
  }

  Duration since(long t0) {
    return Duration.ofNanos(Math.max(0, time.nanoTime() - t0));
  }

  static String key(SmtpPhase p) {
    return p.name().toLowerCase(Locale.ROOT);
  }

  SmtpReply notConnected() {
    if (endReason != null) {
      return SmtpReply.none(
          "not sent: the conversation ended at " + endPhase + " (" + endReason + ")");
    }
    return SmtpReply.none("not sent: not connected");
  }

  // ---------------------------------------------------------------- connect and banner

  /**
   * Resolves the host, connects (with TLS for SMTPS) and reads the greeting.
   *
   * @return {@code true} when the server greeted with 220
   */
  public boolean connect() {
    return ConnectPhase.connect(this);
  }

  List<InetAddress> addresses() {
    return ConnectPhase.addresses(this);
  }

  HostResolver resolver() {
    return ConnectPhase.resolver(this);
  }

  Finding connectFailure(InetSocketAddress sa, IOException e, Deadline d) {
    return ConnectPhase.connectFailure(this, sa, e, d);
  }

  static String format(InetSocketAddress sa) {
    return ConnectPhase.format(sa);
  }

  boolean readBanner() {
    return BannerPhase.readBanner(this);
  }

  void checkReverseDns(SmtpReply greeting) {
    BannerPhase.checkReverseDns(this, greeting);
  }

  static String normalizeName(String n) {
    return BannerPhase.normalizeName(n);
  }

  void checkEhloName(SmtpPhase phase) {
    BannerPhase.checkEhloName(this, phase);
  }

  static String firstWord(String s) {
    return BannerPhase.firstWord(s);
  }

  // ---------------------------------------------------------------- reading and failures

  SmtpReply afterRead(SmtpPhase phase, String command, ReplyReader.Result r, Deadline d) {
    if (r.ok()) {
      return r.reply();
    }
    String what = command.isEmpty() ? "the greeting" : "the reply to " + command;
    Evidence ph = Evidence.of("phase", phase);
    Evidence line = Evidence.of("transcript-line", r.lastLineIndex());
    Evidence detail = Evidence.of("detail", r.detail());
    switch (r.failure()) {
      case TIMEOUT:
        rec.note("Timeout in " + phase + ": " + r.detail());
        addFinding(
            SmtpFinding.TIMEOUT.finding(
                "No complete "
                    + what.substring(4)
                    + " within the "
                    + d.describe()
                    + " ("
                    + phase
                    + " phase)",
                ph,
                Evidence.of("timeout", d.describe()),
                detail));
        broken = true;
        end(phase, "timeout waiting for " + what);
        break;
      case CLOSED:
      case IO:
        rec.note("Connection closed by server");
        addFinding(
            SmtpFinding.CONNECT_CLOSED.finding(
                "The server closed the connection while the client waited for "
                    + what
                    + (r.linesRead() > 0 ? " (in the middle of a reply)" : "")
                    + " ("
                    + phase
                    + " phase)",
                ph,
                detail,
                line));
        alive = false;
        end(phase, "connection closed by server");
        break;
      case RESET:
        rec.note("Connection reset by server");
        addFinding(
            SmtpFinding.CONNECT_RESET.finding(
                "The connection was reset while the client waited for "
                    + what
                    + (r.linesRead() > 0 ? " (in the middle of a reply)" : "")
                    + " ("
                    + phase
                    + " phase)",
                ph,
                detail,
                line));
        alive = false;
        end(phase, "connection reset");
        break;
      case MALFORMED:
        addFinding(
            SmtpFinding.REPLY_MALFORMED.finding(
                "Malformed " + what.substring(4) + " (" + phase + " phase): " + r.detail(),
                ph,
                line));
        broken = true;
        end(phase, "malformed reply");
        break;
      case TOO_LARGE:
        addFinding(
            SmtpFinding.REPLY_TOO_LARGE.finding(
                capitalize(what.substring(4))
                    + " is too large ("
                    + phase
                    + " phase): "
                    + r.detail(),
                ph,
                line));
        broken = true;
        end(phase, "reply too large");
        break;
      default:
        throw new AssertionError(r.failure());
    }
    if (aborted
        && overall != null
        && overall.expired()
        && r.failure() != ReplyReader.Failure.TIMEOUT) {
      end(phase, "overall deadline exceeded");
    }
    return SmtpReply.none(r.detail());
  }

  static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  void writeFailed(SmtpPhase phase, String command, IOException e) {
    String m = String.valueOf(e.getMessage());
    boolean reset =
        m.toLowerCase(Locale.ROOT).contains("reset")
            || m.toLowerCase(Locale.ROOT).contains("broken pipe");
    if (e instanceof SmtpWire.WriteTimeoutException) {
      // RFC 5321 §4.5.3.2: the peer stopped reading; the wire closed the connection.
      rec.note("Timeout in " + phase + " while sending " + command + ": " + m);
      addFinding(
          SmtpFinding.TIMEOUT.finding(
              "Sending " + command + " did not finish: " + m + " (" + phase + " phase)",
              Evidence.of("phase", phase),
              Evidence.of("detail", m)));
      broken = true;
      end(phase, "timeout while sending " + command);
    } else if (aborted && overall == null) {
      rec.note("Connection closed by the caller while sending " + command);
      end(phase, "closed by the caller");
    } else if (aborted && overall != null && overall.expired()) {
      addFinding(
          SmtpFinding.TIMEOUT.finding(
              "The "
                  + overall.describe()
                  + " was exceeded while sending "
                  + command
                  + " ("
                  + phase
                  + " phase)",
              Evidence.of("phase", phase)));
      end(phase, "overall deadline exceeded");
    } else {
      addFinding(
          (reset ? SmtpFinding.CONNECT_RESET : SmtpFinding.CONNECT_CLOSED)
              .finding(
                  "Sending "
                      + command
                      + " failed: the server "
                      + (reset ? "reset" : "closed")
                      + " the connection ("
                      + phase
                      + " phase)",
                  Evidence.of("phase", phase),
                  Evidence.of("error", m)));
      end(phase, reset ? "connection reset" : "connection closed by server");
    }
    alive = false;
  }

  void checkUnsolicited(SmtpPhase phase) {
    if (!usable() || !wire.reader().hasPendingInput()) {
      return;
    }
    // The server spoke out of turn: read what it sent so that the next reply pairs with the next
    // command (RFC 5321 §4.3.1 allows a reply only in answer to a command, besides the greeting).
    List<String> seen = new ArrayList<>();
    int lineIndex = -1;
    while (usable() && wire.reader().hasPendingInput() && seen.size() < 10) {
      Deadline d =
          phaseDeadline(
              UNSOLICITED_GRACE.compareTo(o.timeouts.command()) < 0
                  ? UNSOLICITED_GRACE
                  : o.timeouts.command());
      ReplyReader.Result r = wire.read(d);
      SmtpReply reply = afterRead(phase, "(unsolicited)", r, d);
      if (!reply.received()) {
        break;
      }
      seen.add(reply.firstLine());
      lineIndex = r.lastLineIndex();
    }
    if (!seen.isEmpty()) {
      addFinding(
          SmtpFinding.REPLY_UNSOLICITED.finding(
              "The server sent "
                  + seen.size()
                  + " reply(ies) nobody asked for before the "
                  + phase
                  + " command: "
                  + seen.get(0),
              Evidence.of("phase", phase),
              Evidence.of("replies", String.join(" | ", seen)),
              Evidence.of("transcript-line", lineIndex)));
    }
  }

  /**
   * Sends one command and reads its reply; records the step. Does not judge the reply.
   *
   * @param phase the phase
   * @param line what to send
   * @param recorded what to record (secrets redacted)
   * @param timeout the phase timeout
   * @return the reply, or a reply-less result saying why there is none
   */
  public SmtpReply exchange(SmtpPhase phase, String line, String recorded, Duration timeout) {
    if (!usable()) {
      return notConnected();
    }
    checkUnsolicited(phase);
    if (!usable()) {
      return notConnected();
    }
    Deadline d = phaseDeadline(timeout);
    long t0 = time.nanoTime();
    listener.commandStart(recorded);
    try {
      wire.sendLine(line, recorded, d);
    } catch (IOException e) {
      writeFailed(phase, recorded, e);
      SmtpReply none = SmtpReply.none("send failed: " + e.getMessage());
      steps.add(new SmtpExchange(phase, recorded, none, since(t0)));
      return none;
    }
    return readFor(phase, recorded, d, t0);
  }

  SmtpReply readFor(SmtpPhase phase, String recorded, Deadline d, long t0) {
    ReplyReader.Result r = wire.read(d);
    SmtpReply reply = afterRead(phase, recorded, r, d);
    Duration el = since(t0);
    steps.add(new SmtpExchange(phase, recorded, reply, el));
    timings.add(key(phase), el);
    listener.commandEnd(recorded, reply.received() ? reply.firstLine() : null, el);
    if (reply.code() == 421) {
      // RFC 5321 §3.8: 421 means the server is closing the channel.
      serverClosing = true;
      end(phase, "server closing the connection: " + reply.firstLine());
    }
    return reply;
  }

  void judge(SmtpPhase phase, String command, SmtpReply reply, Severity severity) {
    if (!reply.received() || !(reply.isTemporaryFailure() || reply.isPermanentFailure())) {
      // Nothing to judge: build no evidence for the usual positive reply.
      return;
    }
    Evidence[] ev = {
      Evidence.of("phase", phase),
      Evidence.of("command", command),
      Evidence.of("reply", reply.firstLine())
    };
    String status = reply.enhancedStatus().map(s -> " (enhanced status " + s + ")").orElse("");
    if (reply.isTemporaryFailure()) {
      addFinding(
          severity == null
              ? SmtpFinding.REPLY_TEMPORARY.finding(
                  command + " was deferred in " + phase + ": " + reply.firstLine() + status, ev)
              : SmtpFinding.REPLY_TEMPORARY.finding(
                  severity,
                  command + " was deferred in " + phase + ": " + reply.firstLine() + status,
                  ev));
    } else if (reply.isPermanentFailure()) {
      addFinding(
          severity == null
              ? SmtpFinding.REPLY_PERMANENT.finding(
                  command + " was rejected in " + phase + ": " + reply.firstLine() + status, ev)
              : SmtpFinding.REPLY_PERMANENT.finding(
                  severity,
                  command + " was rejected in " + phase + ": " + reply.firstLine() + status,
                  ev));
    }
  }

  void unexpected(SmtpPhase phase, String command, SmtpReply reply, String expected) {
    addFinding(
        SmtpFinding.REPLY_UNEXPECTED.finding(
            command
                + " was answered "
                + reply.firstLine()
                + ", expected "
                + expected
                + " ("
                + phase
                + " phase)",
            Evidence.of("phase", phase),
            Evidence.of("command", command),
            Evidence.of("reply", reply.firstLine())));
  }

  // ---------------------------------------------------------------- EHLO, HELO

  /**
   * Sends EHLO; on 500 or 502 (command not recognised or not implemented) falls back to HELO, never
   * on 421 or 554, which are refusals rather than ignorance of EHLO.
   *
   * @param phase EHLO, or TLS for the EHLO after STARTTLS
   * @param name the client's name
   * @return the EHLO reply, or the HELO reply after a fallback
   */
  public SmtpReply ehlo(SmtpPhase phase, String name) {
    return EhloPhase.ehlo(this, phase, name);
  }

  /**
   * Sends HELO (RFC 5321 §4.1.1.1).
   *
   * @param name the client's name
   * @return the reply
   */
  public SmtpReply helo(String name) {
    return EhloPhase.helo(this, name);
  }

  void setCapabilities(SmtpPhase phase, SmtpReply r) {
    EhloPhase.setCapabilities(this, phase, r);
  }

  String ehloName() {
    return EhloPhase.ehloName(this);
  }

  // ---------------------------------------------------------------- STARTTLS and TLS

  /**
   * Sends STARTTLS, checks for injected plaintext, runs the handshake and sends EHLO again with the
   * pre-TLS capabilities discarded (RFC 3207 §4.2).
   *
   * @param onlyIfOffered whether to skip STARTTLS when the EHLO reply lacks it
   * @return the reply to STARTTLS
   */
  public SmtpReply startTls(boolean onlyIfOffered) {
    return TlsPhase.startTls(this, onlyIfOffered);
  }

  boolean handshake(SmtpPhase phase) {
    return TlsPhase.handshake(this, phase);
  }

  Evidence subject() {
    return TlsPhase.subject(this);
  }

  static String stripBrackets(String h) {
    return TlsPhase.stripBrackets(h);
  }

  // ---------------------------------------------------------------- AUTH

  /**
   * Authenticates (RFC 4954) with the pinned mechanism or the best offered one; the transcript
   * shows {@code AUTH PLAIN [redacted]} and {@code [redacted]} for every secret line.
   *
   * @param c the credentials
   * @return the final reply (235 on success)
   */
  public SmtpReply auth(SmtpCredentials c) {
    return AuthPhase.auth(this, c);
  }

  static SmtpAuthMechanism choose(List<String> offered) {
    return AuthPhase.choose(offered);
  }

  static String b64(String s) {
    return AuthPhase.b64(s);
  }

  static String hmacMd5Hex(String key, byte[] data) {
    return AuthPhase.hmacMd5Hex(key, data);
  }

  // ---------------------------------------------------------------- mail transaction

  String mailLine(String path, List<String> params) {
    return TransactionPhase.mailLine(this, path, params);
  }

  void afterMail(String line, SmtpReply r) {
    TransactionPhase.afterMail(this, line, r);
  }

  void afterRcpt(String line, SmtpReply r) {
    TransactionPhase.afterRcpt(this, line, r);
  }

  void afterDataInit(SmtpReply r) {
    TransactionPhase.afterDataInit(this, r);
  }

  /**
   * Sends MAIL FROM (RFC 5321 §4.1.1.2).
   *
   * @param path the reverse path, already in angle brackets
   * @param params ESMTP parameters
   * @return the reply
   */
  public SmtpReply mail(String path, List<String> params) {
    return TransactionPhase.mail(this, path, params);
  }

  /**
   * Sends RCPT TO (RFC 5321 §4.1.1.3).
   *
   * @param path the forward path, already in angle brackets
   * @return the reply
   */
  public SmtpReply rcpt(String path) {
    return TransactionPhase.rcpt(this, path);
  }

  /**
   * Returns how many recipients the current transaction has accepted.
   *
   * @return accepted RCPTs since the last MAIL
   */
  public int acceptedRecipients() {
    return acceptedRcpts;
  }

  /**
   * Tells whether the last DATA got its 354.
   *
   * @return {@code true} when the message was (or is being) sent
   */
  public boolean dataInitAccepted() {
    return dataInitAccepted;
  }

  /**
   * Sends DATA, then the message and the final dot when the server answers 354.
   *
   * @param message the message
   * @return the reply to the final dot, or the reply to DATA when it was not 354
   */
  public SmtpReply data(MessageContent message) {
    return TransactionPhase.data(this, message);
  }

  SmtpReply sendMessage(MessageContent message) {
    return TransactionPhase.sendMessage(this, message);
  }

  String messageIdDomain() {
    return TransactionPhase.messageIdDomain(this);
  }

  /**
   * Sends MAIL, the RCPTs and optionally DATA as one PIPELINING group (RFC 2920 §3.1), then reads
   * the replies in order.
   *
   * @param path the reverse path
   * @param params MAIL parameters
   * @param rcpts the forward paths
   * @param message the message to send after DATA, or {@code null} to stop before DATA
   * @return the last reply read
   */
  public SmtpReply pipelined(
      String path, List<String> params, List<String> rcpts, MessageContent message) {
    return TransactionPhase.pipelined(this, path, params, rcpts, message);
  }

  /** Notes that PIPELINING was requested but not offered (once). */
  public void pipeliningNotOffered() {
    TransactionPhase.pipeliningNotOffered(this);
  }

  // ---------------------------------------------------------------- other commands and QUIT

  /**
   * Sends a command outside the mail transaction (RSET, NOOP, VRFY, EXPN, raw).
   *
   * @param line the command
   * @param rejectionSeverity severity for 4xx/5xx findings, or {@code null} for the default
   * @return the reply
   */
  public SmtpReply other(String line, Severity rejectionSeverity) {
    String recorded;
    boolean auth = isAuth(line);
    if (saslPending) {
      // RFC 4954 §4: after a 334 challenge the client's next line is a SASL response (a base64
      // user name, password or PLAIN message): a secret, whatever command sent it.
      recorded = Secrets.REDACTED;
      secrets.addSaslLine(line);
    } else {
      recorded = redactRaw(line);
      if (!recorded.equals(line)) {
        secrets.addSaslLine(line.strip().split("\\s+", 3)[2]);
      }
    }
    SmtpReply r = exchange(SmtpPhase.OTHER, line, recorded, o.timeouts.command());
    saslPending = (auth || saslPending) && r.code() == 334;
    judge(SmtpPhase.OTHER, recorded, r, rejectionSeverity);
    if (line.regionMatches(true, 0, "RSET", 0, 4) && r.isPositive()) {
      acceptedRcpts = 0;
    }
    return r;
  }

  static boolean isAuth(String line) {
    String t = line.strip();
    return t.regionMatches(true, 0, "AUTH", 0, 4) && (t.length() == 4 || t.charAt(4) == ' ');
  }

  static String redactRaw(String line) {
    // A raw "AUTH PLAIN <base64>" must not put its secret into the transcript; the mechanism
    // name stays.
    String[] w = line.strip().split("\\s+", 3);
    if (w.length == 3 && w[0].equalsIgnoreCase("AUTH")) {
      return w[0] + " " + w[1] + " " + Secrets.REDACTED;
    }
    return line;
  }

  /**
   * Sends QUIT when the connection is up and waits for the 221 (RFC 5321 §4.1.1.10); after a
   * timeout or an unreadable reply stream QUIT is still sent, but not waited for. Closes the
   * connection.
   *
   * @return the reply, or a reply-less result
   */
  public SmtpReply quit() {
    if (wire == null || !alive || aborted) {
      close();
      return notConnected();
    }
    long t0 = time.nanoTime();
    if (broken) {
      try {
        wire.sendLine("QUIT", "QUIT", phaseDeadline(o.timeouts.command()));
        rec.note("Not waiting for 221: the reply stream is out of step");
      } catch (IOException e) {
        LOG.debug("QUIT not sent", e);
      }
      close();
      SmtpReply none = SmtpReply.none("QUIT sent; reply not awaited");
      steps.add(new SmtpExchange(SmtpPhase.QUIT, "QUIT", none, since(t0)));
      return none;
    }
    try {
      wire.sendLine("QUIT", "QUIT", phaseDeadline(o.timeouts.command()));
    } catch (IOException e) {
      rec.note("QUIT could not be sent: " + e.getMessage());
      close();
      return SmtpReply.none("QUIT could not be sent: " + e.getMessage());
    }
    Deadline d = phaseDeadline(o.timeouts.command());
    ReplyReader.Result r = wire.read(d);
    SmtpReply reply = r.ok() ? r.reply() : SmtpReply.none(r.detail());
    Duration el = since(t0);
    steps.add(new SmtpExchange(SmtpPhase.QUIT, "QUIT", reply, el));
    timings.add("quit", el);
    if (!r.ok()) {
      rec.note("No reply to QUIT: " + r.detail());
    }
    if (reply.code() != 221 && !serverClosing) {
      addFinding(
          SmtpFinding.QUIT_NOT_221.finding(
              reply.received()
                  ? "QUIT was answered " + reply.firstLine()
                  : "QUIT got no reply: " + r.detail(),
              Evidence.of("phase", SmtpPhase.QUIT)));
    }
    close();
    return reply;
  }

  /** Closes the connection without QUIT. */
  public void close() {
    alive = false;
    SmtpWire w = wire;
    if (w != null) {
      w.close();
    }
  }

  static void closeQuietly(Socket s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // nothing to report about a socket that never connected
      }
    }
  }

  // ---------------------------------------------------------------- report

  /**
   * Builds the report of what happened so far.
   *
   * @param completed whether the script ran to its end
   * @return the report
   */
  public SmtpReport report(boolean completed) {
    return ReportAssembly.report(this, completed);
  }

  // ---------------------------------------------------------------- scripted run

  /**
   * Plays a script: connect, the steps in order, QUIT. Stops early when a step makes going on
   * pointless (the greeting, EHLO, STARTTLS, AUTH, MAIL or DATA initiation rejected, no recipient
   * accepted, the connection broken), and before the first step of a phase after {@code quitAfter}.
   *
   * @param script the steps
   * @param quitAfter the last phase to run, or {@code null}
   * @return the report
   * @throws CancellationException when the thread was interrupted (the flag is set again)
   */
  public SmtpReport run(List<Step> script, SmtpPhase quitAfter) {
    Watchdog watchdog = overall == null ? null : OverallWatchdog.start(this, overall);
    try {
      boolean completed = false;
      if (connect()) {
        completed = runSteps(script, quitAfter);
      }
      checkInterrupt();
      quit();
      return report(completed);
    } finally {
      if (watchdog != null) {
        watchdog.close();
      }
      close();
    }
  }

  void checkInterrupt() {
    if (Thread.currentThread().isInterrupted()) {
      close();
      throw new CancellationException(
          "SMTP conversation with " + o.host + ":" + o.port + " interrupted");
    }
  }

  boolean runSteps(List<Step> script, SmtpPhase quitAfter) {
    int i = 0;
    while (i < script.size()) {
      checkInterrupt();
      Step s = script.get(i);
      if (s.kind() == Step.Kind.QUIT) {
        return true;
      }
      if (quitAfter != null && s.phase().ordinal() > quitAfter.ordinal()) {
        rec.note("Quitting after " + quitAfter + " as asked");
        return true;
      }
      if (s.kind() == Step.Kind.MAIL && o.pipelining) {
        if (caps != null && caps.pipelining()) {
          i = runPipelined(script, i, quitAfter);
          if (endPhase != null) {
            return false;
          }
          continue;
        }
        pipeliningNotOffered();
      }
      if (!execute(script, i)) {
        return false;
      }
      if (endPhase != null) {
        return false;
      }
      i++;
    }
    return true;
  }

  int runPipelined(List<Step> script, int start, SmtpPhase quitAfter) {
    Step mail = script.get(start);
    List<String> rcpts = new ArrayList<>();
    int i = start + 1;
    while (i < script.size() && script.get(i).kind() == Step.Kind.RCPT) {
      rcpts.add(script.get(i).text());
      i++;
    }
    MessageContent message = null;
    boolean dataAllowed = quitAfter == null || quitAfter.ordinal() >= SmtpPhase.DATA.ordinal();
    boolean rcptAllowed = quitAfter == null || quitAfter.ordinal() >= SmtpPhase.RCPT.ordinal();
    if (!rcptAllowed) {
      rcpts.clear();
      i = start + 1;
    }
    if (rcptAllowed && dataAllowed && i < script.size() && script.get(i).kind() == Step.Kind.DATA) {
      message = script.get(i).message();
      i++;
    }
    pipelined(mail.text(), mail.params(), rcpts, message);
    if (endPhase == null) {
      if (steps.stream().noneMatch(x -> x.phase() == SmtpPhase.MAIL && x.reply().isPositive())
          || !lastMailAccepted()) {
        stop(SmtpPhase.MAIL, "MAIL FROM rejected");
      } else if (!rcpts.isEmpty() && acceptedRcpts == 0) {
        stop(SmtpPhase.RCPT, "no recipient accepted");
      } else if (message != null && !dataInitAccepted) {
        stop(SmtpPhase.DATA, "DATA not accepted");
      }
    }
    return i;
  }

  boolean lastMailAccepted() {
    for (int k = steps.size() - 1; k >= 0; k--) {
      if (steps.get(k).phase() == SmtpPhase.MAIL) {
        return steps.get(k).reply().isPositive();
      }
    }
    return false;
  }

  boolean execute(List<Step> script, int i) {
    Step s = script.get(i);
    SmtpReply r;
    switch (s.kind()) {
      case EHLO:
        // An empty name is the EHLO a STARTTLS mode adds to a script without one.
        r = ehlo(SmtpPhase.EHLO, s.text().isEmpty() ? ehloName() : s.text());
        if (!r.isPositive()) {
          stop(SmtpPhase.EHLO, "EHLO not accepted: " + r.firstLine());
        }
        return r.isPositive();
      case HELO:
        r = helo(s.text());
        if (!r.isPositive()) {
          stop(SmtpPhase.EHLO, "HELO not accepted: " + r.firstLine());
        }
        return r.isPositive();
      case STARTTLS:
        startTls(true);
        return endPhase == null;
      case STARTTLS_IF_OFFERED:
        if (caps != null && !caps.startTls()) {
          // A sending MTA's opportunistic TLS (RFC 3207 §4): note it and go on in clear text.
          addOnce(
              "starttls",
              SmtpFinding.STARTTLS_NOT_OFFERED.finding(
                  "The EHLO reply does not advertise STARTTLS; continuing in clear text",
                  Evidence.of("phase", SmtpPhase.TLS)));
          return true;
        }
        startTls(true);
        return endPhase == null;
      case AUTH:
        r = auth(s.credentials());
        if (r.code() != 235) {
          stop(SmtpPhase.AUTH, "authentication failed: " + r.firstLine());
          return false;
        }
        return true;
      case MAIL:
        r = mail(s.text(), s.params());
        if (!r.isPositive()) {
          stop(SmtpPhase.MAIL, "MAIL FROM not accepted: " + r.firstLine());
          return false;
        }
        return true;
      case RCPT:
        rcpt(s.text());
        boolean lastOfGroup = i + 1 >= script.size() || script.get(i + 1).kind() != Step.Kind.RCPT;
        if (lastOfGroup && acceptedRcpts == 0 && endPhase == null) {
          stop(SmtpPhase.RCPT, "no recipient accepted");
          return false;
        }
        return true;
      case DATA:
        data(s.message());
        if (!dataInitAccepted) {
          stop(SmtpPhase.DATA, "DATA not accepted");
          return false;
        }
        return true;
      case RSET:
        other("RSET", null);
        return true;
      case NOOP:
        other("NOOP", null);
        return true;
      case VRFY:
        other("VRFY " + s.text(), Severity.INFO);
        return true;
      case EXPN:
        other("EXPN " + s.text(), Severity.INFO);
        return true;
      case RAW:
        other(s.text(), Severity.INFO);
        return true;
      default:
        throw new AssertionError(s.kind());
    }
  }

  /**
   * Aborts the conversation a little after the overall deadline. Reads and writes enforce their
   * phase deadlines themselves; this catches whatever else might block (a connect, a handshake
   * stuck in the JDK).
   */
  private static final class OverallWatchdog {
    static Watchdog start(Engine engine, Deadline deadline) {
      return Watchdog.after(deadline.remainingNanos() + 200_000_000L, engine::abort);
    }
  }
}
