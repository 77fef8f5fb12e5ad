package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DiagEventListener;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.core.TimeSource;
import dev.mailpath.diag.core.Timings;
import dev.mailpath.diag.core.TlsFailurePolicy;
import dev.mailpath.diag.core.TlsMode;
import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.core.internal.IpLiterals;
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
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one SMTP conversation, command by command, turning everything the server does into replies,
 * transcript lines and findings. Used by both the scripted {@code SmtpConversation} and the
 * interactive {@code SmtpSession}. Never throws for anything the peer does; a rejected step is a
 * finding, a broken connection ends the conversation with a finding. Not thread-safe, except {@link
 * #abort()}.
 */
public final class Engine {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
  private static final Duration INJECTION_GRACE = Duration.ofMillis(250);
  private static final Duration UNSOLICITED_GRACE = Duration.ofSeconds(1);

  private final Options o;
  private final DiagEnvironment env;
  private final TimeSource time;
  private final Transcript.Recorder rec;
  private final DiagEventListener listener;
  private final Deadline overall;
  private final Instant startedAt;
  private final long startNanos;
  private final List<Finding> findings = new ArrayList<>();
  private final Set<String> onceKeys = new HashSet<>();
  private final List<SmtpExchange> steps = new ArrayList<>();
  private final Timings.Builder timings = Timings.builder();

  private volatile SmtpWire wire;
  private InetSocketAddress remote;
  private HostResolver resolver;
  private HostResolver.Reverse reverse;
  private String bannerName;
  private SmtpReply banner;
  private EhloCapabilities caps;
  private TlsInfo tlsInfo;
  private boolean alive;
  private boolean broken;
  private boolean serverClosing;
  private volatile boolean aborted;
  private SmtpPhase endPhase;
  private String endReason;
  private String lastEhloName;
  private String lastMailFrom;
  private int acceptedRcpts;
  private boolean dataInitAccepted;

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
    this.rec = Transcript.recorder(time);
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
      w.close();
    }
  }

  private void end(SmtpPhase phase, String reason) {
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

  private void addFinding(Finding f) {
    findings.add(f);
    LOG.debug("finding {}", f);
    listener.finding(f);
  }

  private void addOnce(String key, Finding f) {
    if (onceKeys.add(key)) {
      addFinding(f);
    }
  }

  private Deadline phaseDeadline(Duration timeout) {
    Deadline d = Deadline.after(time, timeout, false);
    return overall == null ? d : d.min(overall);
  }

  private Duration since(long t0) {
    return Duration.ofNanos(Math.max(0, time.nanoTime() - t0));
  }

  private static String key(SmtpPhase p) {
    return p.name().toLowerCase(Locale.ROOT);
  }

  private SmtpReply notConnected() {
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
    long t0 = time.nanoTime();
    List<InetAddress> addresses = addresses();
    if (addresses.isEmpty()) {
      timings.add("connect", since(t0));
      end(SmtpPhase.CONNECT, "host name not resolved");
      return false;
    }
    Socket socket = null;
    Finding failure = null;
    for (InetAddress a : addresses) {
      if (aborted) {
        break;
      }
      InetSocketAddress sa = new InetSocketAddress(a, o.port);
      Deadline d = phaseDeadline(o.timeouts.connect());
      rec.note("Trying " + format(sa) + "...");
      listener.connectStart(sa);
      long c0 = time.nanoTime();
      Socket s = null;
      try {
        s = env.socketFactory().createSocket();
        if (o.localAddress != null) {
          s.bind(new InetSocketAddress(o.localAddress, 0));
        }
        s.connect(sa, (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.remainingMillis())));
        listener.connectEnd(sa, null, since(c0));
        rec.note(
            "Connected to "
                + format(sa)
                + (o.localAddress != null ? " from " + s.getLocalAddress().getHostAddress() : ""));
        socket = s;
        remote = sa;
        break;
      } catch (IOException e) {
        closeQuietly(s);
        listener.connectEnd(sa, String.valueOf(e.getMessage()), since(c0));
        failure = connectFailure(sa, e, d);
        rec.note("Connection to " + format(sa) + " failed: " + e.getMessage());
      }
    }
    timings.add("connect", since(t0));
    if (socket == null) {
      if (failure != null) {
        addFinding(failure);
      }
      end(SmtpPhase.CONNECT, failure != null ? failure.summary() : "cancelled");
      return false;
    }
    try {
      socket.setTcpNoDelay(true);
      wire =
          new SmtpWire(
              socket, rec, (int) Math.min(Integer.MAX_VALUE, o.timeouts.read().toMillis()));
    } catch (IOException e) {
      closeQuietly(socket);
      addFinding(
          SmtpFinding.CONNECT_CLOSED.finding(
              "Connection unusable right after connect: " + e.getMessage()));
      end(SmtpPhase.CONNECT, "connection unusable");
      return false;
    }
    alive = true;
    if (aborted) {
      wire.close();
    }
    // RFC 8314 §3.3: with implicit TLS the handshake comes first; its problems belong to TLS.
    if (o.tlsMode == TlsMode.IMPLICIT && !handshake(SmtpPhase.TLS)) {
      return false;
    }
    return readBanner();
  }

  private List<InetAddress> addresses() {
    Optional<InetAddress> literal = IpLiterals.parse(o.host);
    if (literal.isPresent()) {
      return List.of(literal.get());
    }
    if (o.host.equalsIgnoreCase("localhost")) {
      // RFC 6761 §6.3: localhost is the loopback address; no lookup needed.
      return List.of(InetAddress.getLoopbackAddress());
    }
    HostResolver.Resolution r = resolver().resolve(o.host);
    r.findings().forEach(this::addFinding);
    if (r.addresses().isEmpty()
        && findings.stream().noneMatch(f -> f.is(SmtpFinding.HOST_UNRESOLVED))) {
      addFinding(
          SmtpFinding.HOST_UNRESOLVED.finding(
              "No address found for " + o.host, Evidence.of("host", o.host)));
    }
    for (InetAddress a : r.addresses()) {
      rec.note(o.host + " resolves to " + a.getHostAddress());
    }
    return r.addresses();
  }

  private HostResolver resolver() {
    if (resolver == null) {
      resolver = o.resolver(env);
    }
    return resolver;
  }

  private Finding connectFailure(InetSocketAddress sa, IOException e, Deadline d) {
    String msg = String.valueOf(e.getMessage());
    Evidence where = Evidence.of("address", format(sa));
    if (e instanceof SocketTimeoutException) {
      return SmtpFinding.TIMEOUT.finding(
          "No TCP connection to "
              + format(sa)
              + " within the connect "
              + d.describe()
              + " (CONNECT phase)",
          Evidence.of("phase", SmtpPhase.CONNECT),
          where);
    }
    if (e instanceof ConnectException && msg.toLowerCase(Locale.ROOT).contains("refused")) {
      return SmtpFinding.CONNECT_REFUSED.finding(
          "Connection to " + format(sa) + " refused",
          Evidence.of("phase", SmtpPhase.CONNECT),
          where);
    }
    if (e instanceof SocketException && msg.toLowerCase(Locale.ROOT).contains("reset")) {
      return SmtpFinding.CONNECT_RESET.finding(
          "Connection to " + format(sa) + " reset while connecting",
          Evidence.of("phase", SmtpPhase.CONNECT),
          where);
    }
    return SmtpFinding.CONNECT_FAILED.finding(
        "Connection to " + format(sa) + " failed: " + msg,
        Evidence.of("phase", SmtpPhase.CONNECT),
        where,
        Evidence.of("error", e.getClass().getSimpleName() + ": " + msg));
  }

  private static String format(InetSocketAddress sa) {
    // RFC 5952 text for IPv6 ([::1]:25), as every other report prints addresses.
    return dev.mailpath.diag.core.internal.Addresses.format(sa);
  }

  private boolean readBanner() {
    Deadline d = phaseDeadline(o.timeouts.banner());
    long t0 = time.nanoTime();
    ReplyReader.Result r = wire.read(d);
    SmtpReply reply = afterRead(SmtpPhase.BANNER, "", r, d);
    Duration el = since(t0);
    steps.add(new SmtpExchange(SmtpPhase.BANNER, "", reply, el));
    timings.add("banner", el);
    banner = reply;
    if (!reply.received()) {
      return false;
    }
    if (reply.code() != 220) {
      addFinding(
          SmtpFinding.BANNER_NOT_220.finding(
              reply.isTemporaryFailure() ? Severity.WARNING : Severity.ERROR,
              "The server greeted with " + reply.firstLine() + " instead of 220",
              Evidence.of("phase", SmtpPhase.BANNER),
              Evidence.of("reply", reply.firstLine()),
              Evidence.of("transcript-line", r.lastLineIndex())));
      if (reply.code() == 421) {
        serverClosing = true;
      }
      end(SmtpPhase.BANNER, "greeting was " + reply.firstLine());
      return false;
    }
    checkReverseDns(reply);
    return true;
  }

  private void checkReverseDns(SmtpReply greeting) {
    if (remote == null) {
      return;
    }
    Optional<HostResolver.Reverse> rev;
    try {
      rev = resolver().reverse(remote.getAddress());
    } catch (RuntimeException e) {
      LOG.debug("reverse lookup failed", e);
      return;
    }
    if (rev.isEmpty()) {
      return;
    }
    reverse = rev.get();
    String name = normalizeName(firstWord(greeting.lines().get(0)));
    bannerName = name;
    List<String> ptr = rev.get().names();
    List<String> confirmed = rev.get().confirmedNames();
    if (confirmed.contains(name)) {
      return;
    }
    String ip = remote.getAddress().getHostAddress();
    String summary;
    if (ptr.isEmpty()) {
      summary = "The banner names " + name + " but " + ip + " has no PTR record";
    } else if (ptr.contains(name)) {
      summary =
          "The banner name "
              + name
              + " is the PTR name of "
              + ip
              + ", but it does not resolve back to it";
    } else {
      summary =
          "The banner names "
              + name
              + " but the PTR record of "
              + ip
              + " says "
              + String.join(", ", ptr);
    }
    addFinding(
        SmtpFinding.BANNER_RDNS_MISMATCH.finding(
            summary,
            Evidence.of("phase", SmtpPhase.BANNER),
            Evidence.of("banner-name", name),
            Evidence.of("address", ip),
            Evidence.of("ptr", ptr.isEmpty() ? "(none)" : String.join(", ", ptr)),
            Evidence.of("forward-confirmed", String.join(", ", confirmed))));
  }

  private static String normalizeName(String n) {
    String name = n.toLowerCase(Locale.ROOT);
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }

  private void checkEhloName(SmtpPhase phase) {
    if (reverse == null || caps == null || caps.domain().isEmpty()) {
      return;
    }
    String name = normalizeName(caps.domain());
    // A name already reported for the banner is not reported again.
    if (name.equals(bannerName) || reverse.confirmedNames().contains(name)) {
      return;
    }
    addOnce(
        "ehlo-rdns",
        SmtpFinding.EHLO_RDNS_MISMATCH.finding(
            "The EHLO greeting names "
                + name
                + " but the reverse DNS of "
                + remote.getAddress().getHostAddress()
                + " says "
                + (reverse.names().isEmpty()
                    ? "nothing (no PTR)"
                    : String.join(", ", reverse.names())),
            Evidence.of("phase", phase),
            Evidence.of("ehlo-name", name),
            Evidence.of(
                "ptr", reverse.names().isEmpty() ? "(none)" : String.join(", ", reverse.names()))));
  }

  private static String firstWord(String s) {
    String t = s.strip();
    int sp = t.indexOf(' ');
    return sp < 0 ? t : t.substring(0, sp);
  }

  // ---------------------------------------------------------------- reading and failures

  private SmtpReply afterRead(SmtpPhase phase, String command, ReplyReader.Result r, Deadline d) {
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

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private void writeFailed(SmtpPhase phase, String command, IOException e) {
    String m = String.valueOf(e.getMessage());
    boolean reset =
        m.toLowerCase(Locale.ROOT).contains("reset")
            || m.toLowerCase(Locale.ROOT).contains("broken pipe");
    if (aborted && overall != null && overall.expired()) {
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

  private void checkUnsolicited(SmtpPhase phase) {
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
      wire.sendLine(line, recorded);
    } catch (IOException e) {
      writeFailed(phase, recorded, e);
      SmtpReply none = SmtpReply.none("send failed: " + e.getMessage());
      steps.add(new SmtpExchange(phase, recorded, none, since(t0)));
      return none;
    }
    return readFor(phase, recorded, d, t0);
  }

  private SmtpReply readFor(SmtpPhase phase, String recorded, Deadline d, long t0) {
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

  private void judge(SmtpPhase phase, String command, SmtpReply reply, Severity severity) {
    if (!reply.received()) {
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

  private void unexpected(SmtpPhase phase, String command, SmtpReply reply, String expected) {
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
    lastEhloName = name;
    String line = "EHLO " + name;
    SmtpReply r = exchange(phase, line, line, o.timeouts.command());
    if (r.isPositive()) {
      setCapabilities(phase, r);
      return r;
    }
    if (r.code() == 500 || r.code() == 502) {
      // RFC 5321 §4.1.4 and §3.2: a server that does not know EHLO answers 500/502; only then is
      // HELO the right retry. 421/554 mean "go away" and HELO would not change that.
      String helo = "HELO " + name;
      SmtpReply h = exchange(phase, helo, helo, o.timeouts.command());
      if (h.isPositive()) {
        caps = EhloCapabilities.none();
        addFinding(
            SmtpFinding.EHLO_REJECTED_HELO_USED.finding(
                "EHLO was answered "
                    + r.firstLine()
                    + "; HELO worked, so no extensions are available",
                Evidence.of("phase", phase),
                Evidence.of("ehlo-reply", r.firstLine()),
                Evidence.of("helo-reply", h.firstLine())));
      } else {
        judge(phase, helo, h, null);
      }
      return h;
    }
    if (r.received() && !r.isPositive() && !r.isTemporaryFailure() && !r.isPermanentFailure()) {
      unexpected(phase, line, r, "250");
    } else {
      judge(phase, line, r, null);
    }
    return r;
  }

  /**
   * Sends HELO (RFC 5321 §4.1.1.1).
   *
   * @param name the client's name
   * @return the reply
   */
  public SmtpReply helo(String name) {
    lastEhloName = name;
    String line = "HELO " + name;
    SmtpReply r = exchange(SmtpPhase.EHLO, line, line, o.timeouts.command());
    if (r.isPositive()) {
      caps = EhloCapabilities.none();
    } else {
      judge(SmtpPhase.EHLO, line, r, null);
    }
    return r;
  }

  private void setCapabilities(SmtpPhase phase, SmtpReply r) {
    caps = EhloCapabilities.parse(r);
    checkEhloName(phase);
    if (caps.sizeInvalid()) {
      addOnce(
          "size",
          SmtpFinding.EHLO_SIZE_INVALID.finding(
              "The server advertises SIZE "
                  + caps.sizeParameter().orElse("")
                  + ", which is not a valid size",
              Evidence.of("phase", phase),
              Evidence.of("size", caps.sizeParameter().orElse(""))));
    }
    if (!wire.tls() && !caps.authMechanisms().isEmpty()) {
      addOnce(
          "auth-clear",
          SmtpFinding.AUTH_OFFERED_WITHOUT_TLS.finding(
              "AUTH "
                  + String.join(" ", caps.authMechanisms())
                  + " is offered on a connection without TLS",
              Evidence.of("phase", phase),
              Evidence.of("mechanisms", String.join(" ", caps.authMechanisms()))));
    }
  }

  private String ehloName() {
    if (lastEhloName != null) {
      return lastEhloName;
    }
    if (o.defaultEhloName != null) {
      return o.defaultEhloName;
    }
    // RFC 5321 §4.1.4: without a name, the client's address literal is the right EHLO argument.
    InetAddress local =
        wire != null ? wire.socket().getLocalAddress() : InetAddress.getLoopbackAddress();
    String text = dev.mailpath.diag.core.internal.Addresses.format(local);
    return local instanceof Inet6Address ? "[IPv6:" + text + "]" : "[" + text + "]";
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
    if (!usable()) {
      return notConnected();
    }
    if (caps != null && !caps.startTls()) {
      addOnce(
          "starttls",
          SmtpFinding.STARTTLS_NOT_OFFERED.finding(
              "The EHLO reply does not advertise STARTTLS", Evidence.of("phase", SmtpPhase.TLS)));
      if (onlyIfOffered) {
        end(SmtpPhase.TLS, "STARTTLS not offered");
        return SmtpReply.none("STARTTLS not sent: not offered");
      }
    }
    SmtpReply r = exchange(SmtpPhase.TLS, "STARTTLS", "STARTTLS", o.timeouts.command());
    if (!r.received()) {
      return r;
    }
    if (r.code() != 220) {
      if (r.isPositive() || r.isIntermediate()) {
        unexpected(SmtpPhase.TLS, "STARTTLS", r, "220");
      } else {
        judge(SmtpPhase.TLS, "STARTTLS", r, null);
      }
      end(SmtpPhase.TLS, "STARTTLS answered " + r.firstLine());
      return r;
    }
    if (wire.reader().hasPendingInput()) {
      // RFC 3207 §5 and CVE-2011-0411: bytes after the 220 arrived in clear text; a client that
      // read them after the handshake would take injected lines for protected replies.
      Deadline d = phaseDeadline(INJECTION_GRACE);
      int before = rec.size();
      ReplyReader.Result extra = wire.read(d);
      addFinding(
          SmtpFinding.STARTTLS_PLAINTEXT_INJECTION.finding(
              "Clear text followed the 220 to STARTTLS"
                  + (extra.ok() ? ": " + extra.reply().firstLine() : "")
                  + "; aborted before the TLS handshake",
              Evidence.of("phase", SmtpPhase.TLS),
              Evidence.of("transcript-line", before)));
      rec.note("Plaintext after STARTTLS 220: connection closed without TLS and without QUIT");
      alive = false;
      wire.close();
      end(SmtpPhase.TLS, "plaintext injected after STARTTLS");
      return r;
    }
    if (!handshake(SmtpPhase.TLS)) {
      return r;
    }
    // RFC 3207 §4.2: forget everything learnt before TLS, and ask again.
    caps = null;
    ehlo(SmtpPhase.TLS, ehloName());
    return r;
  }

  private boolean handshake(SmtpPhase phase) {
    String expected = o.expectedTlsName();
    String peer = expected != null ? expected : stripBrackets(o.host);
    Deadline d = phaseDeadline(o.timeouts.tls());
    rec.note(
        "TLS handshake"
            + (IpLiterals.isLiteral(peer) ? " (no SNI), checking address " : " with SNI ")
            + peer);
    long t0 = time.nanoTime();
    // A trust manager judges the chain here, so REPORT_AND_CONTINUE covers a rejected chain too;
    // a whole context decides alone (TlsSupport explains).
    X509TrustManager trust =
        o.tls
            .trustManager()
            .orElseGet(() -> o.tls.customTrust() ? null : TlsSupport.defaultTrustManager());
    SSLContext ctx = trust == null ? o.tls.sslContext() : null;
    TlsSupport.Outcome out =
        TlsSupport.handshake(
            wire.socket(),
            peer,
            o.port,
            ctx,
            trust,
            o.tls.failurePolicy(),
            time.instant(),
            (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.remainingMillis())));
    Duration el = since(t0);
    timings.add("tls", el);
    tlsInfo = out.info();
    listener.tlsEnd(out.info().protocol().orElse(null), out.info().error().orElse(null), el);
    Evidence ph = Evidence.of("phase", phase);
    Evidence name = Evidence.of("server-name", peer);
    if (out.socket() == null) {
      String detail = out.info().error().orElse("handshake failed");
      rec.note("TLS handshake failed: " + detail);
      switch (out.handshakeProblem()) {
        case TIMEOUT:
          addFinding(
              SmtpFinding.TIMEOUT.finding(
                  "The TLS handshake did not finish within the "
                      + d.describe()
                      + " ("
                      + phase
                      + " phase)",
                  ph));
          break;
        case CHAIN:
          addFinding(
              SmtpFinding.TLS_CERTIFICATE_INVALID.finding(
                  "The certificate chain is not trusted: " + detail, ph, name, subject()));
          break;
        case EXPIRED:
          addFinding(
              SmtpFinding.TLS_CERTIFICATE_EXPIRED.finding(
                  "The certificate is expired or not yet valid: " + detail, ph, name, subject()));
          break;
        default:
          addFinding(
              SmtpFinding.TLS_HANDSHAKE_FAILED.finding(
                  "The TLS handshake failed: " + detail, ph, name));
      }
      alive = false;
      wire.close();
      end(phase, "TLS handshake failed: " + detail);
      return false;
    }
    try {
      wire.upgrade(out.socket());
    } catch (IOException e) {
      addFinding(
          SmtpFinding.TLS_HANDSHAKE_FAILED.finding(
              "The TLS session is unusable: " + e.getMessage(), ph));
      alive = false;
      wire.close();
      end(phase, "TLS session unusable");
      return false;
    }
    TlsInfo t = out.info();
    rec.note(
        "TLS established: "
            + t.protocol().orElse("?")
            + " "
            + t.cipherSuite().orElse("?")
            + ", certificate "
            + t.subject().orElse("(none)")
            + ", issuer "
            + t.issuer().orElse("?")
            + t.notAfter().map(n -> ", expires " + n).orElse(""));
    List<String> problems = new ArrayList<>();
    if (out.chainProblem() == TlsSupport.Problem.CHAIN) {
      addFinding(
          SmtpFinding.TLS_CERTIFICATE_INVALID.finding(
              "The certificate chain is not trusted: " + out.chainDetail(), ph, name, subject()));
      problems.add("chain not trusted");
    }
    if (t.expired()) {
      addFinding(
          SmtpFinding.TLS_CERTIFICATE_EXPIRED.finding(
              "The certificate is outside its validity period"
                  + t.notAfter().map(n -> " (notAfter " + n + ")").orElse(""),
              ph,
              name,
              subject()));
      problems.add("certificate expired");
    }
    if (!t.hostnameValid()) {
      addFinding(
          SmtpFinding.TLS_NAME_MISMATCH.finding(
              "The certificate does not match "
                  + peer
                  + (t.subjectAltNames().isEmpty()
                      ? " (it has no subject alternative names; subject "
                          + t.subject().orElse("?")
                          + ")"
                      : " (it names " + String.join(", ", t.subjectAltNames()) + ")"),
              ph,
              name,
              subject()));
      problems.add("name mismatch");
    }
    if (!problems.isEmpty()) {
      if (o.tls.failurePolicy() == TlsFailurePolicy.FAIL) {
        rec.note(
            "TLS certificate not accepted ("
                + String.join(", ", problems)
                + "); ending the conversation");
        end(phase, "TLS certificate not accepted: " + String.join(", ", problems));
        return false;
      }
      rec.note(
          "TLS certificate not accepted ("
              + String.join(", ", problems)
              + "); continuing as asked (REPORT_AND_CONTINUE)");
    }
    return true;
  }

  private Evidence subject() {
    return Evidence.of(
        "certificate", tlsInfo == null ? "(none)" : tlsInfo.subject().orElse("(none)"));
  }

  private static String stripBrackets(String h) {
    return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
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
    if (!usable()) {
      return notConnected();
    }
    List<String> offered = caps == null ? List.of() : caps.authMechanisms();
    if (caps != null && offered.isEmpty()) {
      addOnce(
          "auth-missing",
          SmtpFinding.AUTH_NOT_OFFERED.finding(
              "AUTH was requested but the EHLO reply lists no AUTH mechanisms",
              Evidence.of("phase", SmtpPhase.AUTH)));
    }
    SmtpAuthMechanism m = c.pinnedMechanism().orElseGet(() -> choose(offered));
    Duration t = o.timeouts.command();
    SmtpReply r;
    String user = c.username();
    switch (m) {
      case PLAIN:
        String ir = b64("\0" + user + "\0" + c.password());
        r = exchange(SmtpPhase.AUTH, "AUTH PLAIN " + ir, "AUTH PLAIN [redacted]", t);
        if (r.code() == 334) {
          // A server that ignores initial responses asks again with an empty challenge.
          r = exchange(SmtpPhase.AUTH, ir, "[redacted]", t);
        }
        break;
      case LOGIN:
        r = exchange(SmtpPhase.AUTH, "AUTH LOGIN", "AUTH LOGIN", t);
        if (r.code() == 334) {
          r = exchange(SmtpPhase.AUTH, b64(user), "[redacted]", t);
        }
        if (r.code() == 334) {
          r = exchange(SmtpPhase.AUTH, b64(c.password()), "[redacted]", t);
        }
        break;
      case CRAM_MD5:
        r = exchange(SmtpPhase.AUTH, "AUTH CRAM-MD5", "AUTH CRAM-MD5", t);
        if (r.code() == 334) {
          byte[] challenge;
          try {
            challenge = Base64.getMimeDecoder().decode(r.lines().get(0).strip());
          } catch (IllegalArgumentException e) {
            // RFC 4954 §4: "*" cancels the exchange.
            r = exchange(SmtpPhase.AUTH, "*", "*", t);
            addFinding(
                SmtpFinding.AUTH_REJECTED.finding(
                    "The CRAM-MD5 challenge is not valid base64; authentication cancelled",
                    Evidence.of("phase", SmtpPhase.AUTH)));
            end(SmtpPhase.AUTH, "invalid CRAM-MD5 challenge");
            return r;
          }
          r =
              exchange(
                  SmtpPhase.AUTH,
                  b64(user + " " + hmacMd5Hex(c.password(), challenge)),
                  "[redacted]",
                  t);
        }
        break;
      default:
        throw new AssertionError(m);
    }
    if (r.received() && r.code() != 235) {
      addFinding(
          SmtpFinding.AUTH_REJECTED.finding(
              r.isTemporaryFailure() ? Severity.WARNING : Severity.ERROR,
              "AUTH " + m.keyword() + " for " + user + " was answered " + r.firstLine(),
              Evidence.of("phase", SmtpPhase.AUTH),
              Evidence.of("mechanism", m.keyword()),
              Evidence.of("reply", r.firstLine())));
    }
    return r;
  }

  private static SmtpAuthMechanism choose(List<String> offered) {
    if (offered.contains("CRAM-MD5")) {
      return SmtpAuthMechanism.CRAM_MD5;
    }
    if (offered.contains("PLAIN") || !offered.contains("LOGIN")) {
      return SmtpAuthMechanism.PLAIN;
    }
    return SmtpAuthMechanism.LOGIN;
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static String hmacMd5Hex(String key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacMD5");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacMD5"));
      byte[] h = mac.doFinal(data);
      StringBuilder sb = new StringBuilder();
      for (byte b : h) {
        sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
      return sb.toString();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacMD5 is missing from this JDK", e);
    }
  }

  // ---------------------------------------------------------------- mail transaction

  private String mailLine(String path, List<String> params) {
    List<String> ps = new ArrayList<>(params);
    if (o.smtpUtf8) {
      if (caps != null && caps.smtpUtf8()) {
        ps.add("SMTPUTF8");
      } else {
        addOnce(
            "smtputf8",
            SmtpFinding.SMTPUTF8_NOT_OFFERED.finding(
                "SMTPUTF8 was requested but the EHLO reply does not offer it",
                Evidence.of("phase", SmtpPhase.MAIL)));
      }
    }
    return "MAIL FROM:" + path + (ps.isEmpty() ? "" : " " + String.join(" ", ps));
  }

  private void afterMail(String line, SmtpReply r) {
    acceptedRcpts = 0;
    if (r.isIntermediate()) {
      unexpected(SmtpPhase.MAIL, line, r, "250");
    } else {
      judge(SmtpPhase.MAIL, line, r, null);
    }
  }

  private void afterRcpt(String line, SmtpReply r) {
    if (r.isPositive()) {
      acceptedRcpts++;
    } else if (r.isIntermediate()) {
      unexpected(SmtpPhase.RCPT, line, r, "250 or 251");
    } else {
      judge(SmtpPhase.RCPT, line, r, null);
    }
  }

  private void afterDataInit(SmtpReply r) {
    dataInitAccepted = r.code() == 354;
    if (!r.received() || dataInitAccepted) {
      return;
    }
    if (r.isPositive() || r.isIntermediate()) {
      addFinding(
          SmtpFinding.DATA_UNEXPECTED_REPLY.finding(
              "DATA was answered " + r.firstLine() + " instead of 354; the message was not sent",
              Evidence.of("phase", SmtpPhase.DATA),
              Evidence.of("reply", r.firstLine())));
    } else {
      judge(SmtpPhase.DATA, "DATA", r, null);
    }
  }

  /**
   * Sends MAIL FROM (RFC 5321 §4.1.1.2).
   *
   * @param path the reverse path, already in angle brackets
   * @param params ESMTP parameters
   * @return the reply
   */
  public SmtpReply mail(String path, List<String> params) {
    if (!usable()) {
      return notConnected();
    }
    lastMailFrom = path;
    String line = mailLine(path, params);
    SmtpReply r = exchange(SmtpPhase.MAIL, line, line, o.timeouts.mail());
    afterMail(line, r);
    return r;
  }

  /**
   * Sends RCPT TO (RFC 5321 §4.1.1.3).
   *
   * @param path the forward path, already in angle brackets
   * @return the reply
   */
  public SmtpReply rcpt(String path) {
    String line = "RCPT TO:" + path;
    SmtpReply r = exchange(SmtpPhase.RCPT, line, line, o.timeouts.rcpt());
    afterRcpt(line, r);
    return r;
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
    SmtpReply r = exchange(SmtpPhase.DATA, "DATA", "DATA", o.timeouts.dataInit());
    afterDataInit(r);
    if (!dataInitAccepted) {
      return r;
    }
    return sendMessage(message);
  }

  private SmtpReply sendMessage(MessageContent message) {
    byte[] bytes = message.render(time.instant(), env.random(), messageIdDomain());
    long t0 = time.nanoTime();
    try {
      wire.sendData(bytes);
    } catch (IOException e) {
      writeFailed(SmtpPhase.DATA, "the message", e);
      SmtpReply none = SmtpReply.none("send failed: " + e.getMessage());
      steps.add(new SmtpExchange(SmtpPhase.DATA, ".", none, since(t0)));
      return none;
    }
    // RFC 5321 §4.5.3.2.6: wait long for the reply to the final dot; giving up early risks
    // duplicate deliveries (§6.1).
    SmtpReply r = readFor(SmtpPhase.DATA, ".", phaseDeadline(o.timeouts.dataEnd()), t0);
    if (r.isIntermediate()) {
      unexpected(SmtpPhase.DATA, "end of data", r, "250");
    } else {
      judge(SmtpPhase.DATA, "end of data (message of " + bytes.length + " bytes)", r, null);
    }
    return r;
  }

  private static final java.util.regex.Pattern HOST_CHARS =
      java.util.regex.Pattern.compile("[A-Za-z0-9.-]+");

  private String messageIdDomain() {
    String from = lastMailFrom;
    if (from != null) {
      int at = from.lastIndexOf('@');
      if (at > 0) {
        String d = from.substring(at + 1).replace(">", "").strip();
        if (!d.isEmpty() && HOST_CHARS.matcher(d).matches()) {
          return d;
        }
      }
    }
    if (lastEhloName != null && HOST_CHARS.matcher(lastEhloName).matches()) {
      return lastEhloName;
    }
    return "mailpath.invalid";
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
    if (!usable()) {
      return notConnected();
    }
    checkUnsolicited(SmtpPhase.MAIL);
    if (!usable()) {
      return notConnected();
    }
    lastMailFrom = path;
    List<String> lines = new ArrayList<>();
    List<SmtpPhase> phases = new ArrayList<>();
    List<Duration> timeouts = new ArrayList<>();
    lines.add(mailLine(path, params));
    phases.add(SmtpPhase.MAIL);
    timeouts.add(o.timeouts.mail());
    for (String r : rcpts) {
      lines.add("RCPT TO:" + r);
      phases.add(SmtpPhase.RCPT);
      timeouts.add(o.timeouts.rcpt());
    }
    if (message != null) {
      // RFC 2920 §3.1: DATA may be the last command of a group.
      lines.add("DATA");
      phases.add(SmtpPhase.DATA);
      timeouts.add(o.timeouts.dataInit());
    }
    long t0 = time.nanoTime();
    try {
      wire.sendLines(lines, lines);
    } catch (IOException e) {
      writeFailed(SmtpPhase.MAIL, "the pipelined MAIL group", e);
      return SmtpReply.none("send failed: " + e.getMessage());
    }
    SmtpReply last = null;
    for (int i = 0; i < lines.size(); i++) {
      SmtpReply r = readFor(phases.get(i), lines.get(i), phaseDeadline(timeouts.get(i)), t0);
      t0 = time.nanoTime();
      last = r;
      if (!r.received()) {
        return r;
      }
      switch (phases.get(i)) {
        case MAIL:
          afterMail(lines.get(i), r);
          break;
        case RCPT:
          afterRcpt(lines.get(i), r);
          break;
        default:
          afterDataInit(r);
      }
    }
    if (message != null && dataInitAccepted) {
      if (acceptedRcpts == 0) {
        // RFC 2920 §3.1: no recipient was accepted but DATA got 354 anyway: send an empty
        // message (just the dot), which the server must then reject.
        try {
          wire.sendData(new byte[0]);
        } catch (IOException e) {
          writeFailed(SmtpPhase.DATA, "the final dot", e);
          return SmtpReply.none("send failed: " + e.getMessage());
        }
        return readFor(SmtpPhase.DATA, ".", phaseDeadline(o.timeouts.dataEnd()), time.nanoTime());
      }
      return sendMessage(message);
    }
    return last;
  }

  /** Notes that PIPELINING was requested but not offered (once). */
  public void pipeliningNotOffered() {
    addOnce(
        "pipelining",
        SmtpFinding.PIPELINING_NOT_OFFERED.finding(
            "PIPELINING was requested but the EHLO reply does not offer it; commands were sent one by one",
            Evidence.of("phase", SmtpPhase.MAIL)));
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
    String recorded = redactRaw(line);
    SmtpReply r = exchange(SmtpPhase.OTHER, line, recorded, o.timeouts.command());
    judge(SmtpPhase.OTHER, recorded, r, rejectionSeverity);
    if (line.regionMatches(true, 0, "RSET", 0, 4) && r.isPositive()) {
      acceptedRcpts = 0;
    }
    return r;
  }

  private static String redactRaw(String line) {
    // A raw "AUTH PLAIN <base64>" must not put its secret into the transcript.
    String[] w = line.strip().split("\\s+", 3);
    if (w.length == 3 && w[0].equalsIgnoreCase("AUTH")) {
      return w[0] + " " + w[1] + " [redacted]";
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
        wire.sendLine("QUIT", "QUIT");
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
      wire.sendLine("QUIT", "QUIT");
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

  private static void closeQuietly(Socket s) {
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
    SmtpReport.Builder b =
        SmtpReport.builder()
            .target(o.host, o.port)
            .remoteAddress(remote == null ? null : format(remote))
            .startedAt(startedAt)
            .elapsed(since(startNanos))
            .transcript(rec.snapshot())
            .banner(banner)
            .capabilities(caps)
            .tls(tlsInfo)
            .timings(timings.build());
    steps.forEach(b::addStep);
    findings.forEach(b::addFinding);
    if (wire != null) {
      int lf = wire.reader().bareLfCount();
      int cr = wire.reader().bareCrCount();
      if (lf + cr > 0) {
        b.addFinding(
            SmtpFinding.REPLY_BARE_LINE_ENDING.finding(
                "The server ended "
                    + (lf + cr)
                    + " reply line(s) with a bare "
                    + (lf > 0 ? "LF" : "CR")
                    + (lf > 0 && cr > 0 ? " or CR" : "")
                    + " instead of CRLF",
                Evidence.of("bare-lf", lf),
                Evidence.of("bare-cr", cr)));
      }
    }
    if (completed && endPhase == null) {
      b.completed();
    } else {
      b.endedAt(
          endPhase == null ? SmtpPhase.CONNECT : endPhase,
          endReason == null ? "not completed" : endReason);
    }
    return b.build();
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
    Watchdog watchdog = overall == null ? null : Watchdog.start(this, overall);
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
        watchdog.stop();
      }
      close();
    }
  }

  private void checkInterrupt() {
    if (Thread.currentThread().isInterrupted()) {
      close();
      throw new CancellationException(
          "SMTP conversation with " + o.host + ":" + o.port + " interrupted");
    }
  }

  private boolean runSteps(List<Step> script, SmtpPhase quitAfter) {
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

  private int runPipelined(List<Step> script, int start, SmtpPhase quitAfter) {
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

  private boolean lastMailAccepted() {
    for (int k = steps.size() - 1; k >= 0; k--) {
      if (steps.get(k).phase() == SmtpPhase.MAIL) {
        return steps.get(k).reply().isPositive();
      }
    }
    return false;
  }

  private boolean execute(List<Step> script, int i) {
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

  /** Closes the connection when the overall deadline passes, for blocking writes and connects. */
  /**
   * Aborts the session a little after the overall deadline. Reads enforce the deadline themselves;
   * this only catches a blocking write (Java sockets have no write timeout). One shared timer
   * thread serves every conversation: a thread per run cost more than the whole SMTP transaction on
   * loopback.
   */
  private static final class Watchdog {
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final ScheduledFuture<?> abort;

    private Watchdog(ScheduledFuture<?> abort) {
      this.abort = abort;
    }

    private static ScheduledThreadPoolExecutor timer() {
      ScheduledThreadPoolExecutor t =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread th = new Thread(r, "mailpath-smtp-deadline");
                th.setDaemon(true);
                return th;
              });
      // Cancelled watchdogs are the normal case; drop them at once instead of at their due time.
      t.setRemoveOnCancelPolicy(true);
      return t;
    }

    static Watchdog start(Engine engine, Deadline deadline) {
      long ms = Math.max(0, deadline.remainingNanos() / 1_000_000) + 200;
      return new Watchdog(TIMER.schedule(engine::abort, ms, TimeUnit.MILLISECONDS));
    }

    void stop() {
      abort.cancel(false);
    }
  }
}
