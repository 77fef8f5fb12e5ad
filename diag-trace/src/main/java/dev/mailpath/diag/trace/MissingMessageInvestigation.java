package dev.mailpath.diag.trace;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.auth.DkimResult;
import dev.mailpath.diag.auth.DmarcResult;
import dev.mailpath.diag.auth.SpfResult;
import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.core.TimeSource;
import dev.mailpath.diag.core.internal.CancellableCall;
import dev.mailpath.diag.core.internal.IpLiterals;
import dev.mailpath.diag.smtp.DeliveryPathCheck;
import dev.mailpath.diag.smtp.DeliveryPathReport;
import dev.mailpath.diag.trace.internal.TrackingVerdict;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The field guide's "I never received that message" investigation: given the sender, the recipient
 * and roughly when the message was sent (and the subject or Message-ID when known), it checks every
 * stage it has a source for and concludes where the message is: it never reached our systems, it
 * reached a gateway but not the mail server, the mail server has it but did not deliver it (queued,
 * deferred, bounced, rejected, looping, filtered: it says which), it was delivered and moved (which
 * folder, whether marked deleted), or it is in the Inbox. Every conclusion comes with its evidence
 * and the guide's next steps.
 *
 * <pre>{@code
 * MissingMessageInvestigation investigation = MissingMessageInvestigation.builder()
 *     .serverLog(PostfixLogSource.of(Path.of("/var/log/mail.log")))   // message tracking
 *     .mailbox(MailboxSearch.builder()                                  // with the user's permission
 *         .server("imap.example.net", 993).credentials("bob", password).build())
 *     .deliveryPath(DeliveryPathCheck.builder()                         // optional: MX and SMTP from outside
 *         .sender("postmaster@example.org").build())
 *     .build();
 * InvestigationReport r = investigation.investigate(MessageQuery.builder()
 *     .sender("alice@example.org")                                      // "What was the sending address?"
 *     .recipient("bob@example.net")
 *     .around(Instant.parse("2024-01-02T09:00:00Z"), Duration.ofHours(2))   // "Approximately what time?"
 *     .build());
 * r.conclusion();   // IN_MAILBOX_MOVED
 * r.location();     // Optional[Junk E-mail [junk] uid=3 ...]
 * r.nextSteps();    // [Check the Junk E-mail folder: the message is in "Junk E-mail"; ...]
 * System.out.println(r);   // the four parts of the guide, narrated
 * }</pre>
 *
 * <p><b>Sources and stages.</b> Each {@link InvestigationStage} has an optional source: the inbound
 * route ({@link DeliveryPathCheck} of the recipient, or any check giving a {@link
 * DiagnosticReport}), a test message ({@link RoundTripProbe}), gateway logs and server logs ({@link
 * DeliveryLogSource}), the mailbox ({@link MailboxSearch}). A stage without a source is reported as
 * {@link StageStatus#NOT_CHECKED}, never guessed. Like the guide, it asks message tracking first
 * ("does the server think it was delivered?"), then the gateways and the mailbox; the two checks
 * that go out on the network from outside (inbound route, test message) run only when neither the
 * logs nor the mailbox located the message, and are otherwise not checked as not needed. Without a
 * gateway log, the mail server is taken to be the first system to receive mail from outside, and
 * the conclusion says so.
 *
 * <p><b>Searching.</b> Logs are searched by sender, recipient and time window (a Message-ID is then
 * matched on the records, so that messages rejected before they had a Message-ID are still found);
 * the mailbox by sender ({@code From:}), window, subject and Message-ID, but not by recipient,
 * since Bcc and list mail do not carry it in {@code To:}. When the logs know the message's
 * Message-ID, the mailbox is searched for it, and when the logs saw the message after the window,
 * the mailbox window is stretched to that time.
 *
 * <p><b>Authentication.</b> With {@link Builder#authentication(MessageAuthentication)}, a message
 * found in the Junk folder has its source fetched and its SPF, DKIM and DMARC checked, and a
 * message that message tracking shows refused with a 5.7.x reply has the logged connection (client
 * IP, HELO, MAIL FROM) checked; {@link InvestigationReport#authentication()} holds the verdict and,
 * when it fails, the fix comes first among the next steps. Without it nothing is fetched and no DNS
 * is asked.
 *
 * <p><b>Errors.</b> An unreadable log, a refused IMAP login, an unreachable server are {@link
 * StageStatus#ERROR} stages with findings in a normally returned report. Misuse throws: {@link
 * IllegalArgumentException} from {@link #investigate(MessageQuery)} for a question without a
 * recipient, without a sender or Message-ID, or without a time window or Message-ID; {@link
 * CancellationException} when the thread is interrupted.
 *
 * <p>Immutable and thread-safe once built, if its sources are (the library's are).
 */
public final class MissingMessageInvestigation {
  private static final Logger LOG = LoggerFactory.getLogger(MissingMessageInvestigation.class);
  private static final String SEARCH_MAILBOX =
      "With the user's permission, search their mailbox: every folder, the Junk E-mail and Deleted Items folders first";

  private final Function<String, ? extends DiagnosticReport> inboundRoute;
  private final DiagnosticReport inboundRouteReport;
  private final RoundTripProbe testMessage;
  private final List<DeliveryLogSource> gatewayLogs;
  private final List<DeliveryLogSource> serverLogs;
  private final MailboxSearch mailbox;
  private final MessageAuthentication authentication;
  private final DiagEnvironment environment;

  private MissingMessageInvestigation(Builder b) {
    this.inboundRoute = b.inboundRoute;
    this.inboundRouteReport = b.inboundRouteReport;
    this.testMessage = b.testMessage;
    this.gatewayLogs = List.copyOf(b.gatewayLogs);
    this.serverLogs = List.copyOf(b.serverLogs);
    this.mailbox = b.mailbox;
    this.authentication = b.authentication;
    this.environment = b.environment;
  }

  /**
   * Starts configuring an investigation.
   *
   * @return a builder with no sources: every stage not checked until one is given
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this investigation's sources, for example to search another
   * user's mailbox with the same logs.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.inboundRoute = inboundRoute;
    b.inboundRouteReport = inboundRouteReport;
    b.testMessage = testMessage;
    b.gatewayLogs.addAll(gatewayLogs);
    b.serverLogs.addAll(serverLogs);
    b.mailbox = mailbox;
    b.authentication = authentication;
    b.environment = environment;
    return b;
  }

  /**
   * Investigates one missing message.
   *
   * @param question sender, recipient, time window, and subject or Message-ID when known
   * @return the report; unreadable sources and unreachable servers are stages with status {@link
   *     StageStatus#ERROR} in it
   * @throws IllegalArgumentException when the question has no recipient, neither sender nor
   *     Message-ID, or neither time window nor Message-ID
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public InvestigationReport investigate(MessageQuery question) {
    requireNonNull(question, "question");
    if (question.recipient().isEmpty()) {
      throw new IllegalArgumentException(
          "the question needs the recipient: MessageQuery.builder().recipient(\"bob@example.net\")");
    }
    if (question.sender().isEmpty() && question.messageId().isEmpty()) {
      throw new IllegalArgumentException(
          "the question needs the sending address (\"What was the sending address?\") or the Message-ID");
    }
    if (question.since().isEmpty()
        && question.until().isEmpty()
        && question.messageId().isEmpty()) {
      throw new IllegalArgumentException(
          "the question needs a time window (\"Approximately what time was the message sent?\"): use around(time, tolerance) or window(since, until)");
    }
    return new Run(question).run();
  }

  /**
   * Investigates without blocking the caller, on the environment's executor. {@code cancel(true)}
   * on the future interrupts the investigation and closes the connections its stages hold (the
   * mailbox search's IMAP connection among them).
   *
   * @param question as for {@link #investigate(MessageQuery)}
   * @return a future of the report
   */
  public CompletableFuture<InvestigationReport> investigateAsync(MessageQuery question) {
    requireNonNull(question, "question");
    return CancellableCall.start(environment.executor(), call -> investigate(question));
  }

  /** Returns the sources configured, never credentials. */
  @Override
  public String toString() {
    List<String> s = new ArrayList<>();
    if (inboundRoute != null || inboundRouteReport != null) {
      s.add("inbound route");
    }
    if (testMessage != null) {
      s.add("test message to " + testMessage.to());
    }
    gatewayLogs.forEach(g -> s.add("gateway log " + g.name()));
    serverLogs.forEach(g -> s.add("server log " + g.name()));
    if (mailbox != null) {
      s.add("mailbox " + mailbox);
    }
    if (authentication != null) {
      s.add("authentication check");
    }
    return "MissingMessageInvestigation" + s;
  }

  /** One investigation: the per-call state, so that the client stays immutable. */
  private final class Run {
    final MessageQuery question;
    final TimeSource time = environment.timeSource();
    final long start = time.nanoTime();
    final Instant startedAt = time.instant();
    final InvestigationReport.Builder report = InvestigationReport.builder();
    final List<Finding> stageFindings = new ArrayList<>();
    final List<String> stageSteps = new ArrayList<>();
    final List<StageResult> stages = new ArrayList<>();

    /** The findings whose next steps follow the conclusion's: those of the stages it rests on. */
    List<Finding> decisive = List.of();

    TrackingVerdict server;
    TrackingVerdict gateway;
    MailboxSearchReport box;
    MailboxHit hit;
    StageResult routeStage;
    StageResult probeStage;

    Run(MessageQuery question) {
      this.question = question;
      report.question(question);
    }

    InvestigationReport run() {
      // Part 1: "does the server think it was delivered?" Message tracking comes first.
      StageResult serverStage = serverStage();
      StageResult gatewayStage = gatewayStage();
      StageResult mailboxStage = mailboxStage();
      boolean located =
          hit != null
              || (server != null
                  && server.state() != TrackingVerdict.State.NOT_FOUND
                  && server.state() != TrackingVerdict.State.ERROR)
              || (gateway != null && !gateway.records().isEmpty());
      String notNeeded =
          "not needed: "
              + (hit != null
                  ? "the message is in the mailbox"
                  : "a log has a record of the message");
      routeStage =
          inboundRoute == null && inboundRouteReport == null
              ? StageResult.notChecked(
                  InvestigationStage.INBOUND_ROUTE, "no inbound route check was given")
              : located && inboundRouteReport == null
                  ? StageResult.notChecked(InvestigationStage.INBOUND_ROUTE, notNeeded)
                  : routeStage();
      probeStage =
          testMessage == null
              ? StageResult.notChecked(
                  InvestigationStage.TEST_MESSAGE, "no test message was configured")
              : located
                  ? StageResult.notChecked(InvestigationStage.TEST_MESSAGE, notNeeded)
                  : probeStage();
      stages.addAll(List.of(routeStage, probeStage, gatewayStage, serverStage, mailboxStage));
      for (StageResult s : stages) {
        report.addStage(s);
        stageFindings.addAll(s.findings());
      }
      List<Finding> authFindings = authenticate();
      conclude(gatewayStage, serverStage, mailboxStage);
      stageFindings.forEach(report::addFinding);
      authFindings.forEach(report::addFinding);
      return report.timing(startedAt, Duration.ofNanos(time.nanoTime() - start)).build();
    }

    // ------------------------------------------------------------------ stages

    private StageResult serverStage() {
      if (serverLogs.isEmpty()) {
        return StageResult.notChecked(
            InvestigationStage.SERVER_LOG, "no message tracking source (server log) was given");
      }
      long t0 = time.nanoTime();
      List<DeliveryLogReport> reports = new ArrayList<>();
      for (DeliveryLogSource s : serverLogs) {
        DeliveryLogReport r = searchLog(s, question);
        reports.add(r);
        report.addServerLog(r);
      }
      server = TrackingVerdict.of(reports, question);
      List<Evidence> ev = logEvidence(server);
      StageStatus status;
      String summary;
      switch (server.state()) {
        case ERROR -> {
          status = StageStatus.ERROR;
          summary =
              "message tracking could not be read: "
                  + firstSummary(reports, TraceFinding.LOG_UNREADABLE);
        }
        case NOT_FOUND -> {
          status = StageStatus.PROBLEM;
          summary = "no record of the message for " + logQuery(question);
          Integer others = otherMail(reports);
          report.otherMailDelivered(others);
          if (others != null) {
            ev.add(
                Evidence.of(
                    "other-mail-delivered",
                    others
                        + " message(s) to "
                        + question.recipient().orElseThrow()
                        + " in the window"));
          }
        }
        case DELIVERED -> {
          status = StageStatus.CHECKED_OK;
          summary = server.describe();
        }
        default -> {
          status = StageStatus.PROBLEM;
          summary = server.describe();
        }
      }
      return new StageResult(
          InvestigationStage.SERVER_LOG,
          status,
          names(serverLogs),
          summary,
          ev,
          reports.stream().flatMap(r -> r.findings().stream()).toList(),
          since(t0));
    }

    private StageResult gatewayStage() {
      if (gatewayLogs.isEmpty()) {
        return StageResult.notChecked(
            InvestigationStage.GATEWAY_LOG,
            "no gateway log was given"
                + (serverLogs.isEmpty()
                    ? ""
                    : ": the mail server is taken to receive mail from outside itself"));
      }
      long t0 = time.nanoTime();
      List<DeliveryLogReport> reports = new ArrayList<>();
      for (DeliveryLogSource s : gatewayLogs) {
        DeliveryLogReport r = searchLog(s, question);
        reports.add(r);
        report.addGatewayLog(r);
      }
      gateway = TrackingVerdict.of(reports, question);
      StageStatus status;
      String summary;
      switch (gateway.state()) {
        case ERROR -> {
          status = StageStatus.ERROR;
          summary =
              "the gateway logs could not be read: "
                  + firstSummary(reports, TraceFinding.LOG_UNREADABLE);
        }
        case NOT_FOUND -> {
          status = StageStatus.PROBLEM;
          summary = "no gateway has a record of the message for " + logQuery(question);
        }
        case DELIVERED, PASSED_ON -> {
          status = StageStatus.CHECKED_OK;
          summary = "passed on: " + gateway.describe();
        }
        default -> {
          status = StageStatus.PROBLEM;
          summary = gateway.describe();
        }
      }
      return new StageResult(
          InvestigationStage.GATEWAY_LOG,
          status,
          names(gatewayLogs),
          summary,
          logEvidence(gateway),
          reports.stream().flatMap(r -> r.findings().stream()).toList(),
          since(t0));
    }

    private StageResult mailboxStage() {
      if (mailbox == null) {
        return StageResult.notChecked(InvestigationStage.MAILBOX, "no mailbox access was given");
      }
      long t0 = time.nanoTime();
      MessageQuery q = mailboxQuery();
      box = mailbox.search(q);
      report.mailbox(box);
      List<Evidence> ev = new ArrayList<>();
      ev.add(Evidence.of("searched-for", q));
      box.hits().forEach(h -> ev.add(Evidence.of("hit", h)));
      if (box.outcome() == Outcome.INCONCLUSIVE) {
        String why =
            box.findings().stream()
                .findFirst()
                .map(Finding::summary)
                .orElse("no folder could be searched");
        return new StageResult(
            InvestigationStage.MAILBOX,
            StageStatus.ERROR,
            box.server(),
            "the mailbox could not be searched: " + why,
            ev,
            box.findings(),
            since(t0));
      }
      hit = likelyMissing(box.hits());
      StageStatus status;
      String summary;
      long distinct =
          box.hits().stream()
              .filter(h -> h.role() != FolderRole.ALL)
              .map(h -> h.messageId().orElse(h.folder() + "/" + h.uid()))
              .distinct()
              .count();
      if (distinct > 1) {
        ev.add(
            Evidence.of(
                "ambiguous",
                distinct
                    + " different messages match; the one outside the Inbox is taken as the missing one"));
        stageSteps.add(
            "Several messages match: ask the user for the subject, or the sender for the Message-ID, to tell them apart");
      }
      if (hit == null) {
        status = StageStatus.PROBLEM;
        summary = "not in any of the " + box.folders().size() + " folders searched";
      } else {
        status =
            hit.role() == FolderRole.INBOX && !hit.deleted()
                ? StageStatus.CHECKED_OK
                : StageStatus.PROBLEM;
        summary = "in " + where(hit) + hit.internalDate().map(d -> ", arrived " + d).orElse("");
      }
      return new StageResult(
          InvestigationStage.MAILBOX, status, box.server(), summary, ev, box.findings(), since(t0));
    }

    private StageResult routeStage() {
      long t0 = time.nanoTime();
      String recipient = MessageQuery.stripAngles(question.recipient().orElseThrow());
      String domain = domainOf(recipient);
      DiagnosticReport r =
          inboundRouteReport != null
              ? inboundRouteReport
              : requireNonNull(inboundRoute.apply(recipient), "inboundRoute returned null");
      report.inboundRoute(r);
      String source = "delivery path of " + domain;
      Optional<Finding> worst =
          r.findings().stream().max((a, b) -> a.severity().compareTo(b.severity()));
      List<Evidence> ev = new ArrayList<>();
      ev.add(Evidence.of("outcome", r.outcome()));
      if (r instanceof DeliveryPathReport path) {
        // The path check's own verdict says more than its outcome: a WARN there can be "only
        // temporary failures", which for inbound mail means it waits in the sender's queue.
        ev.add(Evidence.of("stage", path.stage()));
        StageStatus status =
            r.outcome() == Outcome.INCONCLUSIVE
                ? StageStatus.ERROR
                : path.delivered() ? StageStatus.CHECKED_OK : StageStatus.PROBLEM;
        return new StageResult(
            InvestigationStage.INBOUND_ROUTE,
            status,
            source,
            path.verdict(),
            ev,
            r.findings(),
            since(t0));
      }
      worst.ifPresent(f -> ev.add(Evidence.of(f.code(), f.summary())));
      return switch (r.outcome()) {
        case PASS, WARN ->
            new StageResult(
                InvestigationStage.INBOUND_ROUTE,
                StageStatus.CHECKED_OK,
                source,
                "mail for " + domain + " can reach our servers now (" + r.outcome() + ")",
                ev,
                r.findings(),
                since(t0));
        case FAIL ->
            new StageResult(
                InvestigationStage.INBOUND_ROUTE,
                StageStatus.PROBLEM,
                source,
                "mail for "
                    + domain
                    + " cannot reach us now"
                    + worst.map(f -> ": " + f.summary()).orElse(""),
                ev,
                r.findings(),
                since(t0));
        case INCONCLUSIVE ->
            new StageResult(
                InvestigationStage.INBOUND_ROUTE,
                StageStatus.ERROR,
                source,
                "the route of "
                    + domain
                    + " could not be checked"
                    + worst.map(f -> ": " + f.summary()).orElse(""),
                ev,
                r.findings(),
                since(t0));
      };
    }

    private StageResult probeStage() {
      long t0 = time.nanoTime();
      RoundTripReport r = testMessage.run();
      report.testMessage(r);
      List<Evidence> ev = new ArrayList<>();
      ev.add(Evidence.of("message-id", r.messageId()));
      r.delay().ifPresent(d -> ev.add(Evidence.of("delay", RoundTripReport.seconds(d))));
      String source = "test message " + r.from() + " -> " + r.to();
      if (r.outcome() == Outcome.INCONCLUSIVE) {
        return new StageResult(
            InvestigationStage.TEST_MESSAGE,
            StageStatus.ERROR,
            source,
            "the test could not be completed: "
                + r.findings().stream().findFirst().map(Finding::summary).orElse("?"),
            ev,
            r.findings(),
            since(t0));
      }
      if (r.arrived()) {
        MailboxHit h = r.hit().orElseThrow();
        boolean inbox = h.role() == FolderRole.INBOX && !h.deleted();
        return new StageResult(
            InvestigationStage.TEST_MESSAGE,
            inbox ? StageStatus.CHECKED_OK : StageStatus.PROBLEM,
            source,
            "a test message arrived in "
                + where(h)
                + " after "
                + RoundTripReport.seconds(r.delay().orElse(Duration.ZERO)),
            ev,
            r.findings(),
            since(t0));
      }
      return new StageResult(
          InvestigationStage.TEST_MESSAGE,
          StageStatus.PROBLEM,
          source,
          r.accepted()
              ? "a test message was accepted but never arrived"
              : "a test message was not accepted: "
                  + r.findings().stream().findFirst().map(Finding::summary).orElse("?"),
          ev,
          r.findings(),
          since(t0));
    }

    // ------------------------------------------------------------------ authentication

    /**
     * Runs the authentication check when the message is in Junk (on its source) or was refused with
     * 5.7.x (on its connection); its fix goes first among the next steps. Returns the findings to
     * add after the stages' own.
     */
    private List<Finding> authenticate() {
      List<Finding> out = new ArrayList<>();
      if (authentication == null) {
        return out;
      }
      MessageAuthenticationReport a = null;
      if (hit != null && hit.role() == FolderRole.JUNK) {
        MessageSourceReport src = mailbox.fetchSource(hit);
        if (src.fetched()) {
          a = authentication.verify(src.source());
        } else {
          out.addAll(src.findings());
        }
      } else if (hit == null) {
        TrackingVerdict refused = refused57(server);
        if (refused == null) {
          refused = refused57(gateway);
        }
        if (refused != null) {
          a = verifyConnection(refused.record().orElseThrow(), out);
        }
      }
      if (a == null) {
        return out;
      }
      report.authentication(a);
      if (authFailed(a)) {
        a.fixes().forEach(report::addNextStep);
        out.add(
            TraceFinding.INVESTIGATION_AUTHENTICATION_FAILED.finding(
                stripDot(a.verdict()),
                Evidence.of(
                    "checked",
                    a.fromDomain().isPresent()
                        ? "the message source in " + hit.folder()
                        : "the refused connection from the delivery log")));
      }
      a.findings().stream().filter(f -> f.severity().isAtLeast(Severity.WARNING)).forEach(out::add);
      return out;
    }

    private MessageAuthenticationReport verifyConnection(DeliveryRecord r, List<Finding> out) {
      InetAddress ip = r.client().flatMap(MissingMessageInvestigation::clientAddress).orElse(null);
      if (ip == null) {
        out.add(
            TraceFinding.AUTH_NO_CONNECTION.finding(
                "The refusing log line has no client address: SPF and DMARC not checked",
                Evidence.of("client", r.client().orElse("(none)"))));
        return null;
      }
      String mailFrom =
          r.sender().or(() -> question.sender().map(MessageQuery::stripAngles)).orElse("");
      String helo = r.helo().orElse("");
      try {
        return authentication.verifyConnection(ip, helo, mailFrom);
      } catch (IllegalArgumentException e) {
        // A HELO name that is not a domain name: SPF's HELO identity is then the address literal.
        return authentication.verifyConnection(ip, "", mailFrom);
      }
    }

    // ------------------------------------------------------------------ conclusion

    private void conclude(
        StageResult gatewayStage, StageResult serverStage, StageResult mailboxStage) {
      TrackingVerdict.State s = server == null ? null : server.state();
      TrackingVerdict.State g = gateway == null ? null : gateway.state();
      boolean mailboxSearched = mailboxStage.checked();
      boolean outsideProblem =
          routeStage.status() == StageStatus.PROBLEM || probeStage.status() == StageStatus.PROBLEM;
      List<Evidence> ev = new ArrayList<>();
      for (StageResult st :
          List.of(routeStage, probeStage, gatewayStage, serverStage, mailboxStage)) {
        if (st.status() != StageStatus.NOT_CHECKED) {
          ev.add(
              Evidence.of(
                  st.stage().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                  st.status() + ": " + st.summary()));
        }
      }
      Evidence[] evidence = ev.toArray(Evidence[]::new);

      if (hit != null) {
        boolean inbox = hit.role() == FolderRole.INBOX && !hit.deleted();
        report.location(hit);
        if (inbox) {
          finish(
              Conclusion.IN_INBOX,
              null,
              Severity.INFO,
              "The message reached the mailbox and is in "
                  + hit.folder()
                  + hit.internalDate().map(d -> " (arrived " + d + ")").orElse("")
                  + ": the client does not show it.",
              evidence);
        } else {
          switch (hit.role()) {
            case JUNK ->
                report.addNextStep(
                    "Check the Junk E-mail folder: the message is in \""
                        + hit.folder()
                        + "\"; mark it as not junk");
            case TRASH ->
                report.addNextStep(
                    "Look in the Deleted Items folder: the message is in \"" + hit.folder() + "\"");
            case ARCHIVE ->
                report.addNextStep(
                    "Check for auto-archiving: the message is in \"" + hit.folder() + "\"");
            default ->
                report.addNextStep(
                    "Open \""
                        + hit.folder()
                        + "\": the message is there; check the rules that move mail to it");
          }
          if (hit.deleted()) {
            report.addNextStep(
                "Clear the \\Deleted flag to restore the message before the folder is expunged");
          }
          finish(
              Conclusion.IN_MAILBOX_MOVED,
              null,
              Severity.WARNING,
              "The message reached the mailbox and is in " + where(hit) + ".",
              evidence);
        }
        return;
      }
      if (s == TrackingVerdict.State.DELIVERED) {
        decisive = serverStage.findings();
        if (mailboxStage.status() == StageStatus.NOT_CHECKED) {
          report.addNextStep(SEARCH_MAILBOX);
        }
        String how = server.describe();
        String where =
            mailboxSearched
                ? "but no folder of the mailbox holds it now: deleted and expunged, forwarded, or moved to a local archive"
                : mailboxStage.status() == StageStatus.ERROR
                    ? "and the mailbox could not be searched"
                    : "and the mailbox was not searched";
        finish(
            Conclusion.REACHED_MAILBOX,
            null,
            Severity.WARNING,
            "Message tracking reports delivery (" + how + "), " + where + ".",
            evidence);
        return;
      }
      if (s == TrackingVerdict.State.STOPPED || s == TrackingVerdict.State.PASSED_ON) {
        decisive = serverStage.findings();
        UndeliveredReason reason = server.reason().orElse(UndeliveredReason.QUEUED);
        stepsFor(reason, server);
        Severity sev =
            reason == UndeliveredReason.DEFERRED
                    || reason == UndeliveredReason.QUEUED
                    || reason == UndeliveredReason.RELAYED
                ? Severity.WARNING
                : Severity.ERROR;
        finish(
            Conclusion.REACHED_SERVER_NOT_MAILBOX,
            reason,
            sev,
            "The mail server has the message but did not deliver it to the mailbox: "
                + server.describe()
                + ".",
            evidence);
        return;
      }
      boolean gatewayHas = gateway != null && !gateway.records().isEmpty();
      if (gatewayHas) {
        decisive = concat(gatewayStage, serverStage);
      }
      if (gatewayHas && s == TrackingVerdict.State.NOT_FOUND) {
        UndeliveredReason reason =
            gateway.state() == TrackingVerdict.State.STOPPED ? gateway.reason().orElse(null) : null;
        stepsFor(reason != null ? reason : UndeliveredReason.RELAYED, gateway);
        finish(
            Conclusion.REACHED_US_NOT_SERVER,
            reason,
            reason == UndeliveredReason.DEFERRED || reason == UndeliveredReason.QUEUED
                ? Severity.WARNING
                : Severity.ERROR,
            "A gateway has the message ("
                + gateway.describe()
                + "), but the mail server's log has no record of it.",
            evidence);
        return;
      }
      if (gatewayHas && gateway.state() == TrackingVerdict.State.STOPPED) {
        // Message tracking was not available, but the gateway itself stopped the message.
        UndeliveredReason reason = gateway.reason().orElse(null);
        stepsFor(reason, gateway);
        finish(
            Conclusion.REACHED_US_NOT_SERVER,
            reason,
            Severity.ERROR,
            "A gateway has the message and did not pass it on: " + gateway.describe() + ".",
            evidence);
        return;
      }
      if (gatewayHas) {
        notCheckedSteps(serverStage, mailboxStage);
        finish(
            Conclusion.INCONCLUSIVE,
            null,
            Severity.WARNING,
            "A gateway passed the message on ("
                + gateway.describe()
                + "), but "
                + (s == TrackingVerdict.State.ERROR
                    ? "message tracking could not be read"
                    : "message tracking was not checked")
                + (mailboxSearched ? " and the mailbox does not hold it" : "")
                + ".",
            evidence);
        return;
      }
      boolean serverSaysNo = s == TrackingVerdict.State.NOT_FOUND;
      boolean gatewaySaysNo = g == TrackingVerdict.State.NOT_FOUND;
      decisive = concat(serverStage, gatewayStage, failed(routeStage), failed(probeStage));
      if ((serverSaysNo && (g == null || gatewaySaysNo)) || (gatewaySaysNo && s == null)) {
        String checked =
            serverSaysNo && gatewaySaysNo
                ? "Neither the gateway logs nor message tracking has a record of the message"
                : serverSaysNo
                    ? "Message tracking has no record of the message (no gateway log was given: the mail server is taken to"
                        + " receive mail from outside itself)"
                    : "The gateway logs have no record of the message (message tracking was not checked)";
        if (outsideProblem) {
          // A route that is broken now is the first thing to fix: its steps come first.
          for (StageResult st : List.of(routeStage, probeStage)) {
            st.findings().stream()
                .filter(f -> f.severity().isAtLeast(Severity.WARNING))
                .forEach(f -> f.nextSteps().forEach(report::addNextStep));
          }
        }
        String outside =
            outsideProblem
                ? "; inbound mail fails now as well: "
                    + (routeStage.status() == StageStatus.PROBLEM
                        ? routeStage.summary()
                        : probeStage.summary())
                : probeStage.status() == StageStatus.CHECKED_OK
                    ? "; inbound mail works now: " + probeStage.summary()
                    : routeStage.status() == StageStatus.CHECKED_OK
                        ? "; inbound mail can reach us now: " + routeStage.summary()
                        : "";
        finish(
            Conclusion.NEVER_REACHED_US, null, Severity.WARNING, checked + outside + ".", evidence);
        return;
      }
      notCheckedSteps(serverStage, mailboxStage);
      decisive =
          concat(failed(routeStage), failed(probeStage), gatewayStage, serverStage, mailboxStage);
      String why;
      if (s == TrackingVerdict.State.ERROR || g == TrackingVerdict.State.ERROR) {
        why = "a delivery log could not be read";
      } else if (mailboxStage.status() == StageStatus.ERROR) {
        why = "the mailbox could not be searched and no delivery log was given";
      } else if (mailboxSearched) {
        why =
            "the message is in no folder of the mailbox, and no delivery log was given to tell whether it ever arrived";
      } else {
        why = "no source could locate the message";
      }
      if (outsideProblem) {
        why +=
            "; inbound mail fails now: "
                + (routeStage.status() == StageStatus.PROBLEM
                    ? routeStage.summary()
                    : probeStage.summary());
      }
      finish(
          Conclusion.INCONCLUSIVE,
          null,
          Severity.WARNING,
          "The investigation could not place the message: " + why + ".",
          evidence);
    }

    private void finish(
        Conclusion conclusion,
        UndeliveredReason reason,
        Severity severity,
        String summary,
        Evidence... evidence) {
      report.conclusion(conclusion, summary).reason(reason);
      Finding f =
          conclusion
              .code()
              .finding(
                  severity,
                  summary.endsWith(".") ? summary.substring(0, summary.length() - 1) : summary,
                  evidence);
      report.addFinding(f);
      for (String step : f.nextSteps()) {
        // Steps this investigation has already taken are not handed back to the reader.
        boolean done =
            (step.startsWith("Test inbound routing")
                    && probeStage.status() == StageStatus.CHECKED_OK)
                || (step.startsWith("Look up the MX records")
                    && routeStage.status() == StageStatus.CHECKED_OK);
        if (!done) {
          report.addNextStep(step);
        }
      }
      stageSteps.forEach(report::addNextStep);
      // The findings the conclusion rests on carry further next steps (a broken route's, a failed
      // test message's); the logs' and the mailbox's are covered by the steps above, in the
      // conclusion's own words.
      for (Finding sf : decisive) {
        if (sf.severity().isAtLeast(Severity.WARNING)
            && !sf.code().startsWith("trace.log.")
            && !sf.code().startsWith("trace.mailbox.")) {
          sf.nextSteps().forEach(report::addNextStep);
        }
      }
      errorSteps();
      LOG.debug("investigation of {}: {}", question, conclusion);
    }

    /** Steps that say exactly what to do with the stuck message, before the generic ones. */
    private void stepsFor(UndeliveredReason reason, TrackingVerdict v) {
      String qid = v.record().flatMap(DeliveryRecord::queueId).orElse(null);
      String id = qid == null ? "" : " " + qid;
      if (reason == null) {
        return;
      }
      switch (reason) {
        case QUEUED, DEFERRED -> {
          report.addNextStep(
              "Check the queues: mailq (postqueue -p) lists the message"
                  + (qid == null ? "" : " as" + id)
                  + "; try releasing it"
                  + (qid == null ? "" : " (postqueue -i" + id + ")")
                  + " and see what happens");
          v.attempt()
              .filter(a -> !a.reason().isEmpty())
              .ifPresent(a -> report.addNextStep("Read the deferral reason: " + a.reason()));
        }
        case BOUNCED, EXPIRED, REJECTED -> {
          report.addNextStep(
              "Ask the sender for the bounce message (NDR) they received, and its exact time");
          v.attempt()
              .filter(a -> !a.reason().isEmpty())
              .ifPresent(a -> report.addNextStep("Read the reply that refused it: " + a.reason()));
        }
        case FILTERED -> {
          report.addNextStep(
              "Check the console and logs of any anti-virus and anti-spam software for the message");
          if (qid != null) {
            report.addNextStep(
                "Look at the hold queue (postqueue -p, marked '!'); release it with postsuper -H"
                    + id
                    + " if it is wanted");
          }
        }
        case LOOPING ->
            report.addNextStep(
                "Compare the routing of the recipient's domain on the servers involved (MX records, relay host,"
                    + " transport maps) and the recipient's forwarding: the message went round in a loop");
        case RELAYED ->
            v.attempt()
                .ifPresent(
                    a ->
                        report.addNextStep(
                            "Search the next server's log ("
                                + a.relay().orElse("the relay")
                                + ")"
                                + a.nextQueueId()
                                    .map(n -> " for queue id " + n)
                                    .orElse(" for the message")));
      }
    }

    /** Stages that were not checked, but would settle the question. */
    private void notCheckedSteps(StageResult serverStage, StageResult mailboxStage) {
      if (serverStage.status() == StageStatus.NOT_CHECKED) {
        stageSteps.add(
            "Check message tracking (the mail server's delivery log) for the sender, recipient and time");
      }
      if (mailboxStage.status() == StageStatus.NOT_CHECKED) {
        stageSteps.add(SEARCH_MAILBOX);
      }
    }

    private void errorSteps() {
      for (StageResult st : stages) {
        if (st.status() == StageStatus.ERROR) {
          report.addNextStep(
              "Fix access to the "
                  + st.stage().title().toLowerCase(Locale.ROOT)
                  + " ("
                  + st.summary()
                  + ") and investigate again");
        }
      }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * The mailbox query: no recipient (Bcc, lists), the Message-ID the logs found, a window
     * stretched to late arrival.
     */
    private MessageQuery mailboxQuery() {
      MessageQuery.Builder b = MessageQuery.builder().limit(question.limit());
      question.sender().ifPresent(b::sender);
      question.subject().ifPresent(b::subject);
      Optional<String> id = question.messageId();
      if (id.isEmpty() && server != null && server.messageIds().size() == 1) {
        id = Optional.of(server.messageIds().iterator().next());
      }
      id.ifPresent(b::messageId);
      question.since().ifPresent(b::since);
      Optional<Instant> until = question.until();
      if (until.isPresent()
          && server != null
          && server.lastSeen().isPresent()
          && !server.lastSeen().get().isBefore(until.get())) {
        until = Optional.of(server.lastSeen().get().plus(Duration.ofMinutes(10)));
      }
      until.ifPresent(b::until);
      return b.build();
    }

    /**
     * Answers "are you seeing other messages arrive?" from the server logs, when the message is not
     * there.
     */
    private Integer otherMail(List<DeliveryLogReport> searched) {
      if (question.since().isEmpty() && question.until().isEmpty()) {
        return null;
      }
      MessageQuery.Builder b =
          MessageQuery.builder()
              .recipient(question.recipient().orElseThrow())
              .limit(question.limit());
      question.since().ifPresent(b::since);
      question.until().ifPresent(b::until);
      MessageQuery q = b.build();
      int count = 0;
      for (DeliveryLogSource s : serverLogs) {
        DeliveryLogReport r = s.find(q);
        if (r.outcome() == Outcome.INCONCLUSIVE) {
          return null;
        }
        for (DeliveryRecord rec : r.records()) {
          boolean delivered =
              rec.attempts().stream()
                  .anyMatch(
                      a ->
                          a.finalDelivery()
                              && a.recipient().map(q::matchesRecipient).orElse(false));
          if (delivered) {
            count++;
          }
        }
      }
      return count;
    }

    /** A stage's findings only when it failed: a test message that arrived has nothing to fix. */
    private StageResult failed(StageResult r) {
      return r.status() == StageStatus.PROBLEM || r.status() == StageStatus.ERROR
          ? r
          : StageResult.notChecked(r.stage(), "");
    }

    private List<Finding> concat(StageResult... results) {
      List<Finding> all = new ArrayList<>();
      for (StageResult r : results) {
        all.addAll(r.findings());
      }
      return all;
    }

    private Duration since(long t0) {
      return Duration.ofNanos(time.nanoTime() - t0);
    }
  }

  /**
   * Searches a log for the question. Postfix logs the recipient only with a delivery attempt, and a
   * message rejected at RCPT never had a Message-ID logged: so the log is searched by sender (or
   * Message-ID) and window, and the records are then matched here: the Message-ID when there is
   * one, and the recipient, where a record that names no recipient at all (still queued, held
   * before any attempt) is kept as a candidate.
   */
  static DeliveryLogReport searchLog(DeliveryLogSource source, MessageQuery question) {
    MessageQuery.Builder b = MessageQuery.builder().limit(question.limit());
    if (question.sender().isPresent()) {
      b.sender(question.sender().get());
    } else {
      question.messageId().ifPresent(b::messageId);
    }
    question.since().ifPresent(b::since);
    question.until().ifPresent(b::until);
    DeliveryLogReport all = source.find(b.build());
    if (all.outcome() == Outcome.INCONCLUSIVE) {
      return all;
    }
    List<DeliveryRecord> kept =
        all.records().stream()
            .filter(r -> r.messageId().isEmpty() || question.matchesMessageId(r.messageId().get()))
            .filter(r -> forRecipient(r, question))
            .toList();
    DeliveryLogReport.Builder rb =
        DeliveryLogReport.builder()
            .source(all.source())
            .query(logQuery(question))
            .truncated(all.truncated())
            .startedAt(all.startedAt())
            .elapsed(all.elapsed());
    kept.forEach(rb::addRecord);
    if (kept.isEmpty()) {
      rb.addFinding(
          TraceFinding.LOG_NOT_FOUND.finding(
              source.name() + " has no record for " + logQuery(question),
              Evidence.of("query", logQuery(question))));
    }
    return rb.build();
  }

  private static boolean forRecipient(DeliveryRecord r, MessageQuery q) {
    boolean named = false;
    for (DeliveryAttempt a : r.attempts()) {
      if (a.recipient().isPresent()) {
        named = true;
        if (q.matchesRecipient(a.recipient().get())
            || a.originalRecipient().map(q::matchesRecipient).orElse(false)) {
          return true;
        }
      }
    }
    return !named;
  }

  /** The log query: the question without the subject, which logs do not record. */
  private static MessageQuery logQuery(MessageQuery question) {
    if (question.subject().isEmpty()) {
      return question;
    }
    MessageQuery.Builder b = MessageQuery.builder().limit(question.limit());
    question.messageId().ifPresent(b::messageId);
    question.sender().ifPresent(b::sender);
    question.recipient().ifPresent(b::recipient);
    question.since().ifPresent(b::since);
    question.until().ifPresent(b::until);
    return b.build();
  }

  private static List<Evidence> logEvidence(TrackingVerdict v) {
    List<Evidence> ev = new ArrayList<>();
    if (!v.records().isEmpty()) {
      ev.add(
          Evidence.of(
              "records",
              v.records().size()
                  + " ("
                  + v.records().stream()
                      .map(r -> r.queueId().orElse("NOQUEUE"))
                      .collect(Collectors.joining(", "))
                  + ")"));
    }
    if (v.messageIds().size() > 1) {
      ev.add(
          Evidence.of(
              "message-ids",
              v.messageIds().size()
                  + " different messages match; give the Message-ID to tell them apart"));
    }
    v.record().flatMap(DeliveryRecord::client).ifPresent(c -> ev.add(Evidence.of("client", c)));
    v.attempt().ifPresent(a -> ev.add(Evidence.of("event", a.time() + " " + a)));
    return ev;
  }

  private static String firstSummary(List<DeliveryLogReport> reports, TraceFinding code) {
    return reports.stream()
        .flatMap(r -> r.findings().stream())
        .filter(f -> f.is(code))
        .findFirst()
        .map(Finding::summary)
        .orElse("?");
  }

  private static String names(List<DeliveryLogSource> sources) {
    return sources.stream().map(DeliveryLogSource::name).collect(Collectors.joining(", "));
  }

  /**
   * The hit that is most likely the missing message: one the user would not see in the Inbox
   * (another folder, or marked deleted) before one plainly in the Inbox; never a virtual "All Mail"
   * view.
   */
  static MailboxHit likelyMissing(List<MailboxHit> hits) {
    MailboxHit inbox = null;
    for (MailboxHit h : hits) {
      if (h.role() == FolderRole.ALL) {
        continue;
      }
      if (h.role() == FolderRole.INBOX && !h.deleted()) {
        inbox = inbox == null ? h : inbox;
      } else {
        return h;
      }
    }
    return inbox;
  }

  private static final Pattern DSN_57 = Pattern.compile("(?<![0-9.])5\\.7\\.[0-9]{1,3}(?![0-9])");

  /**
   * The verdict when it is a refusal (REJECTED or BOUNCED) with a 5.7.x code or text; else null.
   */
  static TrackingVerdict refused57(TrackingVerdict v) {
    if (v == null
        || v.state() != TrackingVerdict.State.STOPPED
        || v.record().isEmpty()
        || v.attempt().isEmpty()) {
      return null;
    }
    UndeliveredReason reason = v.reason().orElse(null);
    if (reason != UndeliveredReason.REJECTED && reason != UndeliveredReason.BOUNCED) {
      return null;
    }
    DeliveryAttempt a = v.attempt().get();
    boolean auth =
        a.dsn().map(d -> d.startsWith("5.7.")).orElse(false) || DSN_57.matcher(a.reason()).find();
    return auth ? v : null;
  }

  /** The address of a logged client, {@code name[address]}; never a DNS lookup. */
  static Optional<InetAddress> clientAddress(String client) {
    int open = client.lastIndexOf('[');
    int close = client.lastIndexOf(']');
    if (open < 0 || close < open) {
      return Optional.empty();
    }
    String text = client.substring(open + 1, close);
    if (text.regionMatches(true, 0, "IPv6:", 0, 5)) {
      text = text.substring(5);
    }
    return IpLiterals.parse(text);
  }

  /**
   * Whether the verdict explains Junk or a refusal: DMARC, SPF or DKIM failed, or nothing vouches.
   */
  static boolean authFailed(MessageAuthenticationReport a) {
    return a.dmarc().map(d -> d.result() == DmarcResult.FAIL).orElse(false)
        || a.spf()
            .map(s -> s.result() == SpfResult.FAIL || s.result() == SpfResult.SOFTFAIL)
            .orElse(false)
        || a.dkim().signatures().stream()
            .anyMatch(s -> s.result() == DkimResult.FAIL || s.result() == DkimResult.PERMERROR)
        || a.hasFinding(TraceFinding.AUTH_UNAUTHENTICATED);
  }

  private static String stripDot(String s) {
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  private static String where(MailboxHit h) {
    return h.folder()
        + " ("
        + h.role().name().toLowerCase(Locale.ROOT)
        + ")"
        + (h.deleted() ? ", marked \\Deleted" : "");
  }

  private static String domainOf(String recipient) {
    String r = MessageQuery.stripAngles(recipient);
    int at = r.lastIndexOf('@');
    return at >= 0 ? r.substring(at + 1) : r;
  }

  /**
   * Configures a {@link MissingMessageInvestigation}; not thread-safe. Every source is optional.
   */
  public static final class Builder {
    private Function<String, ? extends DiagnosticReport> inboundRoute;
    private DiagnosticReport inboundRouteReport;
    private RoundTripProbe testMessage;
    private final List<DeliveryLogSource> gatewayLogs = new ArrayList<>();
    private final List<DeliveryLogSource> serverLogs = new ArrayList<>();
    private MailboxSearch mailbox;
    private MessageAuthentication authentication;
    private DiagEnvironment environment = DiagEnvironment.system();

    private Builder() {}

    /**
     * Checks the inbound route from outside with a delivery-path check: the recipient domain's MX
     * records, then SMTP to each exchange up to RCPT TO for the recipient (no message is sent). An
     * exchange that accepts the recipient is a working route; anything else (no MX, unreachable,
     * refused, only temporary failures) is a problem, and a check cut short is an error. It runs
     * only when neither the logs nor the mailbox located the message.
     *
     * <pre>{@code
     * .deliveryPath(DeliveryPathCheck.builder().sender("postmaster@example.org").build())
     * }</pre>
     *
     * @param check the check
     * @return this builder
     */
    public Builder deliveryPath(DeliveryPathCheck check) {
      requireNonNull(check, "check");
      return inboundRoute(check::check);
    }

    /**
     * Checks the inbound route from outside with any check: the function gets the recipient's
     * address ({@code bob@example.net}; take its domain if the check wants one) and returns a
     * report. A {@link DeliveryPathReport} is read by its verdict; any other report by its outcome:
     * PASS or WARN count as a working route, FAIL as a broken one, INCONCLUSIVE as an error. It
     * runs only when neither the logs nor the mailbox located the message.
     *
     * <pre>{@code
     * .inboundRoute(recipient -> myRouteCheck(recipient.substring(recipient.indexOf('@') + 1)))
     * }</pre>
     *
     * @param check the check, called with the recipient address
     * @return this builder
     */
    public Builder inboundRoute(Function<String, ? extends DiagnosticReport> check) {
      this.inboundRoute = requireNonNull(check, "check");
      this.inboundRouteReport = null;
      return this;
    }

    /**
     * Uses an inbound route check made beforehand, for example a {@link DeliveryPathReport} of the
     * recipient; it is always reported, located message or not.
     *
     * @param report the report
     * @return this builder
     */
    public Builder inboundRoute(DiagnosticReport report) {
      this.inboundRouteReport = requireNonNull(report, "report");
      this.inboundRoute = null;
      return this;
    }

    /**
     * Sends a test message from an outside system to the user and watches for it: "Test by sending
     * the affected user a message from that same outside system." It runs only when neither the
     * logs nor the mailbox located the message.
     *
     * @param probe the probe, addressed to the recipient
     * @return this builder
     */
    public Builder testMessage(RoundTripProbe probe) {
      this.testMessage = requireNonNull(probe, "probe");
      return this;
    }

    /**
     * Adds the log of a system in front of the mail server (a gateway, a spam filter appliance, a
     * relay); several may be added. A record there and none on the mail server means the message
     * reached us but not the mail server.
     *
     * @param log the log
     * @return this builder
     */
    public Builder gatewayLog(DeliveryLogSource log) {
      gatewayLogs.add(requireNonNull(log, "log"));
      return this;
    }

    /**
     * Adds the mail server's delivery log ("message tracking"); several may be added, one per
     * server.
     *
     * @param log the log, for example {@link PostfixLogSource}
     * @return this builder
     */
    public Builder serverLog(DeliveryLogSource log) {
      serverLogs.add(requireNonNull(log, "log"));
      return this;
    }

    /**
     * Sets the recipient's mailbox, searched in every folder ("If necessary may I open your mailbox
     * to investigate?").
     *
     * @param mailbox the search client, logged in as the recipient or an account allowed to read
     *     the mailbox
     * @return this builder
     */
    public Builder mailbox(MailboxSearch mailbox) {
      this.mailbox = requireNonNull(mailbox, "mailbox");
      return this;
    }

    /**
     * Checks the sender's SPF, DKIM and DMARC when they may explain the conclusion: when the
     * mailbox search finds the message in the Junk folder, its source is fetched ({@link
     * MailboxSearch#fetchSource(MailboxHit)}, bounded in size) and verified; when message tracking
     * shows it refused (rejected or bounced) with a 5.7.x reply, the connection the log shows
     * (client IP, HELO when logged, MAIL FROM) is checked ({@link
     * MessageAuthentication#verifyConnection(InetAddress, String, String)}). The verdict is {@link
     * InvestigationReport#authentication()}; when it is a failure, the fix (the SPF entry to add,
     * the DKIM key to publish, the alignment to correct, the DMARC policy that applied) comes first
     * among the next steps. Without it nothing is fetched and no DNS is asked.
     *
     * @param authentication the check, with the DNS settings to use
     * @return this builder
     */
    public Builder authentication(MessageAuthentication authentication) {
      this.authentication = requireNonNull(authentication, "authentication");
      return this;
    }

    /**
     * Sets the environment: the clock for timings and the executor for {@link
     * #investigateAsync(MessageQuery)}. Sources keep their own.
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
     * Builds the investigation.
     *
     * @return the immutable investigation
     */
    public MissingMessageInvestigation build() {
      return new MissingMessageInvestigation(this);
    }
  }
}
