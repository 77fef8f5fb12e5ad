package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.TimeSource;
import dev.mailpath.diag.core.TlsMode;
import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.core.TranscriptLine;
import dev.mailpath.diag.core.internal.IpLiterals;
import dev.mailpath.diag.smtp.EhloCapabilities;
import dev.mailpath.diag.smtp.RelayAttempt;
import dev.mailpath.diag.smtp.RelayPass;
import dev.mailpath.diag.smtp.RelayReport;
import dev.mailpath.diag.smtp.RelayResponse;
import dev.mailpath.diag.smtp.RelayVariant;
import dev.mailpath.diag.smtp.SmtpPhase;
import dev.mailpath.diag.smtp.SmtpReply;
import dev.mailpath.diag.smtp.SmtpReport;
import dev.mailpath.diag.smtp.TlsInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one relay test: plans the attempts of each pass, spreads them over connections (a few per
 * connection, RSET between them, a fresh connection when the server throttles or drops the client),
 * and hands what happened to {@link RelayJudge}. Not thread-safe, except {@link #abort()}.
 *
 * <p>Only the host given is contacted, with at most {@link RelaySettings#maxConnections}
 * connections; QUIT is sent on every connection that is still up; DATA is sent only when the caller
 * opted in.
 */
public final class RelayRun {
  private static final Logger LOG = LoggerFactory.getLogger(RelayRun.class);

  /** Broken connections an attempt survives before it counts as {@link RelayResponse#NO_ANSWER}. */
  static final int MAX_BREAKS = 3;

  /** Connections in a row that fail before the first attempt, after which a pass gives up. */
  static final int MAX_SETUP_FAILURES = 2;

  private final RelaySettings s;
  private final DiagEnvironment env;
  private final TimeSource time;
  private final RelayPaths paths;
  private final HostResolver resolver;
  private final List<SmtpReport> connections = new ArrayList<>();
  private final List<Planned> planned = new ArrayList<>();
  private final RelayJudge.Facts facts = new RelayJudge.Facts();
  private volatile Engine current;
  private volatile boolean aborted;
  private Deadline deadline;
  private String ipLiteral;
  private boolean tlsDemanded;

  /**
   * Prepares a run; nothing is sent before {@link #run()}.
   *
   * @param settings the tester's settings
   */
  public RelayRun(RelaySettings settings) {
    this.s = settings;
    this.env = settings.options.environment;
    this.time = env.timeSource();
    // A fresh made-up user per run, so that no cache on the server answers for an earlier one.
    String unknown = String.format("mailpath-nonexistent-%08x", env.random().nextInt());
    this.paths =
        new RelayPaths(
            settings.localDomain,
            settings.localRecipient,
            settings.externalDomain,
            settings.externalUser,
            unknown);
    String host = settings.options.host;
    // One resolver for every session of the run; none at all for an address literal.
    this.resolver =
        IpLiterals.isLiteral(host) || host.equalsIgnoreCase("localhost")
            ? null
            : settings.options.resolver(env);
    facts.credentials = settings.credentials != null;
    facts.localRecipient = "<" + settings.localRecipient + ">";
  }

  /**
   * Closes the connection in progress from any thread; the run then ends with a {@link
   * CancellationException}.
   */
  public void abort() {
    aborted = true;
    Engine e = current;
    if (e != null) {
      e.abort();
    }
  }

  /**
   * Runs the anonymous pass, then the authenticated pass when credentials were given.
   *
   * @return the report
   * @throws CancellationException when the thread is interrupted (the interrupt flag stays set) or
   *     the run was aborted
   */
  public RelayReport run() {
    Instant startedAt = time.instant();
    long startNanos = time.nanoTime();
    deadline = Deadline.after(time, s.deadline, true);
    try {
      List<Planned> anon = plan(RelayPass.ANONYMOUS, anonymousVariants());
      runPass(RelayPass.ANONYMOUS, anon);
      if (s.credentials != null) {
        runPass(
            RelayPass.AUTHENTICATED,
            plan(
                RelayPass.AUTHENTICATED,
                List.of(RelayVariant.EXTERNAL_SENDER, RelayVariant.LOCAL_SENDER)));
      }
    } finally {
      Engine e = current;
      if (e != null) {
        e.close();
      }
    }
    List<RelayAttempt> attempts = new ArrayList<>();
    for (Planned p : planned) {
      attempts.add(p.toAttempt());
    }
    RelayReport.Builder b =
        RelayReport.builder()
            .target(s.options.host, s.options.port)
            .domains(s.localDomain, s.externalDomain)
            .startedAt(startedAt)
            .elapsed(Duration.ofNanos(Math.max(0, time.nanoTime() - startNanos)));
    attempts.forEach(b::addAttempt);
    connections.forEach(b::addConnection);
    RelayJudge.judge(attempts, connections, facts, b);
    return b.build();
  }

  private List<RelayVariant> anonymousVariants() {
    List<RelayVariant> v = new ArrayList<>();
    // Controls first: whether the server takes local mail at all is the first thing to know,
    // and the unknown user is the first refusal the server counts against the client.
    v.add(RelayVariant.LOCAL_DELIVERY);
    v.add(RelayVariant.UNKNOWN_LOCAL_USER);
    v.addAll(s.variants);
    return v;
  }

  private List<Planned> plan(RelayPass pass, List<RelayVariant> variants) {
    List<Planned> list = new ArrayList<>();
    for (RelayVariant v : variants) {
      Planned p = new Planned(pass, v);
      // Until the server's address is known, the templates show where it goes.
      p.mailFrom = paths.mailFrom(v, "[ip]");
      p.rcptTo = paths.rcptTo(v, "[ip]");
      list.add(p);
    }
    planned.addAll(list);
    return list;
  }

  // ---------------------------------------------------------------- one pass

  private void runPass(RelayPass pass, List<Planned> plan) {
    Deque<Planned> queue = new ArrayDeque<>(plan);
    int batch = s.attemptsPerConnection;
    int setupFailures = 0;
    boolean messageSent = false;
    while (!queue.isEmpty()) {
      checkCancelled();
      if (connections.size() >= s.maxConnections) {
        skipRest(queue, "connection cap of " + s.maxConnections + " reached");
        break;
      }
      if (deadline.expired()) {
        skipRest(queue, "the " + deadline.describe() + " passed");
        break;
      }
      Session ss = open(pass);
      if (!ss.ready) {
        close(ss);
        if (ss.authFailure != null) {
          facts.authFailure = ss.authFailure;
          facts.authConnection = ss.index;
          markRest(queue, "authentication failed: " + ss.authFailure);
          break;
        }
        setupFailures++;
        facts.connectionProblems.add("connection " + ss.index + ": " + ss.failure);
        if (setupFailures >= MAX_SETUP_FAILURES) {
          skipRest(queue, setupFailures + " connections in a row failed (" + ss.failure + ")");
          break;
        }
        continue;
      }
      setupFailures = 0;
      int done = 0;
      boolean broke = false;
      while (done < batch && !queue.isEmpty()) {
        checkCancelled();
        Planned p = queue.peekFirst();
        Outcome o = attempt(ss, p, !messageSent);
        messageSent |= p.dataReply != null;
        if (o == Outcome.DONE) {
          queue.removeFirst();
          done++;
        } else if (o == Outcome.RETRY) {
          broke = true;
          break;
        } else if (!startTls(ss)) {
          // STARTTLS was demanded and failed: the attempt stays first in the queue.
          break;
        }
        if (!ss.engine.usable()) {
          broke = true;
          break;
        }
      }
      close(ss);
      if (broke && !queue.isEmpty() && done < batch) {
        SmtpReport r = connections.get(ss.index);
        facts.throttleEvents.add(
            "connection "
                + ss.index
                + " ended after "
                + done
                + " attempt(s): "
                + r.endReason().orElse("connection lost"));
        // The server's limit is at most what this connection managed; never below one.
        batch = Math.max(1, done);
        LOG.debug(
            "relay test of {}:{}: connection {} broke after {} attempts; batch now {}",
            s.options.host,
            s.options.port,
            ss.index,
            done,
            batch);
      }
    }
  }

  /** Marks the rest of a pass as not tried (or not answered, when tried before). */
  private void skipRest(Deque<Planned> queue, String reason) {
    if (!queue.isEmpty()) {
      facts.skipped.add(
          queue.size() + " attempt(s) of the " + queue.peekFirst().pass + " pass: " + reason);
    }
    markRest(queue, reason);
  }

  private static void markRest(Deque<Planned> queue, String reason) {
    for (Planned p : queue) {
      if (p.tries == 0) {
        p.response = RelayResponse.NOT_TRIED;
        p.mailReply = SmtpReply.none("not tried: " + reason);
      } else {
        p.response = RelayResponse.NO_ANSWER;
      }
    }
    queue.clear();
  }

  private void checkCancelled() {
    if (aborted || Thread.currentThread().isInterrupted()) {
      Engine e = current;
      if (e != null) {
        e.close();
      }
      throw new CancellationException(
          "relay test of "
              + s.options.host
              + ":"
              + s.options.port
              + (aborted ? " cancelled" : " interrupted"));
    }
  }

  // ---------------------------------------------------------------- sessions

  private Session open(RelayPass pass) {
    Options o = s.options.copy();
    if (resolver != null) {
      o.resolver = resolver;
    }
    // Every session ends by the test's overall deadline at the latest.
    o.deadline = Duration.ofNanos(Math.max(1_000_000, deadline.remainingNanos()));
    Engine e = new Engine(o, true);
    Session ss = new Session(e, connections.size());
    current = e;
    if (aborted) {
      e.abort();
    }
    if (!e.connect()) {
      ss.failure = e.report(false).endReason().orElse("no greeting");
      return ss;
    }
    // RFC 8314: with implicit TLS the whole connection is inside TLS already.
    ss.tls = o.tlsMode == TlsMode.IMPLICIT && e.tls().map(TlsInfo::established).orElse(false);
    SmtpReply ehlo = e.ehlo(SmtpPhase.EHLO, s.ehloName);
    if (!ehlo.isPositive()) {
      ss.failure = "EHLO answered " + ehlo.firstLine();
      return ss;
    }
    if (ipLiteral == null) {
      ipLiteral =
          e.report(false).remoteAddress().flatMap(RelayPaths::literalOf).orElse("[" + o.host + "]");
    }
    if (s.tlsMode == TlsMode.STARTTLS_REQUIRED && !caps(e).startTls()) {
      ss.failure = "STARTTLS is required (TlsMode.STARTTLS_REQUIRED) and not offered";
      return ss;
    }
    boolean wantTls =
        s.tlsMode != null && s.tlsMode.usesStartTls()
            || s.tlsMode == null && tlsDemanded
            // Credentials never go in clear text to a server that offers TLS (issue 16).
            || s.tlsMode == null && pass == RelayPass.AUTHENTICATED;
    if (!ss.tls && wantTls && caps(e).startTls() && !startTls(ss)) {
      return ss;
    }
    if (pass == RelayPass.AUTHENTICATED && !authenticate(ss)) {
      return ss;
    }
    ss.ready = true;
    return ss;
  }

  /** Whether STARTTLS may be sent: every mode but NONE (IMPLICIT is in TLS already). */
  private boolean tlsAllowed() {
    return s.tlsMode != TlsMode.NONE;
  }

  private static EhloCapabilities caps(Engine e) {
    return e.capabilities().orElse(EhloCapabilities.none());
  }

  private boolean startTls(Session ss) {
    Engine e = ss.engine;
    e.startTls(false);
    boolean ok =
        e.usable()
            && e.endPhase().isEmpty()
            && e.tls().map(TlsInfo::established).orElse(false)
            && e.capabilities().isPresent();
    if (ok) {
      ss.tls = true;
      if (tlsDemanded) {
        facts.tlsRetried = true;
      }
    } else {
      ss.failure =
          "STARTTLS failed: " + e.report(false).endReason().orElse("no EHLO after the handshake");
    }
    return ok;
  }

  private boolean authenticate(Session ss) {
    Engine e = ss.engine;
    if (!ss.tls && caps(e).startTls() && tlsAllowed()) {
      // Never AUTH in clear text when TLS is offered; many servers offer AUTH only inside TLS
      // anyway (Postfix smtpd_tls_auth_only = yes).
      if (!startTls(ss)) {
        return false;
      }
    }
    if (!ss.tls && tlsAllowed()) {
      ss.authFailure =
          "the server offers no STARTTLS, and AUTH is not sent in clear text"
              + " (tlsMode(TlsMode.NONE) allows it)";
      return false;
    }
    if (caps(e).authMechanisms().isEmpty()) {
      ss.authFailure = "the server offers no AUTH" + (ss.tls ? " even after STARTTLS" : "");
      return false;
    }
    if (!ss.tls) {
      facts.clearAuth.add(ss.index);
    }
    SmtpReply a = e.auth(s.credentials);
    if (a.code() == 235) {
      return true;
    }
    if (a.received() && a.code() != 421) {
      ss.authFailure = "AUTH as " + s.credentials.username() + " answered " + a.firstLine();
    } else {
      ss.failure = "no reply to AUTH: " + a.firstLine();
    }
    return false;
  }

  private void close(Session ss) {
    Engine e = ss.engine;
    // RFC 5321 §4.1.1.10: QUIT whenever the connection is still up (the engine knows).
    e.quit();
    SmtpReport r = e.report(true);
    connections.add(r);
    current = null;
    Map<Integer, TranscriptLine> byIndex = new java.util.HashMap<>();
    for (TranscriptLine l : r.transcript()) {
      byIndex.put(l.index(), l);
    }
    for (Slice sl : ss.slices) {
      List<TranscriptLine> lines = new ArrayList<>();
      for (int i = sl.from; i < sl.to; i++) {
        TranscriptLine l = byIndex.get(i);
        if (l != null) {
          lines.add(l);
        }
      }
      sl.planned.transcript = Transcript.of(lines);
    }
  }

  private static int nextIndex(Engine e) {
    List<TranscriptLine> lines = e.transcript().lines();
    return lines.isEmpty() ? 0 : lines.get(lines.size() - 1).index() + 1;
  }

  // ---------------------------------------------------------------- one attempt

  private enum Outcome {
    DONE,
    RETRY,
    STARTTLS
  }

  private Outcome attempt(Session ss, Planned p, boolean mayData) {
    Engine e = ss.engine;
    p.mailFrom = paths.mailFrom(p.variant, ipLiteral);
    p.rcptTo = paths.rcptTo(p.variant, ipLiteral);
    p.tries++;
    p.connection = ss.index;
    p.rcptReply = null;
    p.dataReply = null;
    Slice slice = new Slice(p, nextIndex(e));
    ss.slices.add(slice);
    SmtpReply mail = e.mail(p.mailFrom, List.of());
    p.mailReply = mail;
    SmtpReply deciding = mail;
    if (mail.isPositive()) {
      deciding = e.rcpt(p.rcptTo);
      p.rcptReply = deciding;
    }
    RelayResponse response = RelayReplies.classify(deciding);
    if (response == RelayResponse.ACCEPTED
        && s.sendTestMessage
        && mayData
        && !p.variant.isControl()) {
      p.dataReply = e.data(testMessage(p));
    }
    if (e.usable()) {
      // RFC 5321 §4.1.1.5: a clean slate for the next attempt on this connection.
      e.other("RSET", null);
    }
    slice.to = nextIndex(e);
    if (!deciding.received() || deciding.code() == 421) {
      // The connection broke, timed out or is closing before the attempt was answered: that
      // says nothing about relaying, so the attempt goes to a fresh connection.
      p.breaks++;
      if (p.breaks >= MAX_BREAKS) {
        p.response = RelayResponse.NO_ANSWER;
        return Outcome.DONE;
      }
      return Outcome.RETRY;
    }
    if (response == RelayResponse.STARTTLS_REQUIRED) {
      facts.tlsDemand = deciding;
      tlsDemanded = true;
      if (!ss.tls && tlsAllowed() && caps(e).startTls() && e.usable()) {
        return Outcome.STARTTLS;
      }
    }
    p.response = response;
    return Outcome.DONE;
  }

  private MessageContent testMessage(Planned p) {
    List<Map.Entry<String, String>> headers =
        List.of(
            Map.entry("From", RelayPaths.SENDER + "@" + s.externalDomain),
            Map.entry("To", p.rcptTo.substring(1, p.rcptTo.length() - 1)),
            Map.entry("Subject", "mailpath relay test of " + s.options.host));
    String body =
        "This message was sent by mailpath's RelayPolicyTester to find out whether\n"
            + s.options.host
            + " (port "
            + s.options.port
            + ") relays mail for anyone.\n"
            + "If you are reading it, the server accepted it for delivery: it is an open relay.\n"
            + "Variant: "
            + p.variant.id()
            + " (MAIL FROM:"
            + p.mailFrom
            + " RCPT TO:"
            + p.rcptTo
            + ")\n";
    return MessageContent.of(headers, body);
  }

  // ---------------------------------------------------------------- state

  /** One connection of the test. */
  private static final class Session {
    final Engine engine;
    final int index;
    final List<Slice> slices = new ArrayList<>();
    boolean ready;
    boolean tls;
    String failure = "connection failed";
    String authFailure;

    Session(Engine engine, int index) {
      this.engine = engine;
      this.index = index;
    }
  }

  /** The transcript lines of one try of an attempt. */
  private static final class Slice {
    final Planned planned;
    final int from;
    int to;

    Slice(Planned planned, int from) {
      this.planned = planned;
      this.from = from;
      this.to = from;
    }
  }

  /** An attempt while the test runs. */
  private static final class Planned {
    final RelayPass pass;
    final RelayVariant variant;
    String mailFrom;
    String rcptTo;
    RelayResponse response;
    SmtpReply mailReply;
    SmtpReply rcptReply;
    SmtpReply dataReply;
    int connection = -1;
    int tries;
    int breaks;
    Transcript transcript = Transcript.empty();

    Planned(RelayPass pass, RelayVariant variant) {
      this.pass = pass;
      this.variant = variant;
    }

    RelayAttempt toAttempt() {
      RelayResponse r = response != null ? response : RelayResponse.NOT_TRIED;
      SmtpReply m = mailReply != null ? mailReply : SmtpReply.none("not tried");
      return new RelayAttempt(
          pass,
          variant,
          mailFrom,
          rcptTo,
          r,
          m,
          Optional.ofNullable(rcptReply),
          Optional.ofNullable(dataReply),
          connection < 0 ? OptionalInt.empty() : OptionalInt.of(connection),
          tries,
          transcript);
    }
  }
}
