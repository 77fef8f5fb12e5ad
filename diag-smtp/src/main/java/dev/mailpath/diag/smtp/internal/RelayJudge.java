package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.smtp.RelayAttempt;
import dev.mailpath.diag.smtp.RelayFinding;
import dev.mailpath.diag.smtp.RelayPass;
import dev.mailpath.diag.smtp.RelayPassResult;
import dev.mailpath.diag.smtp.RelayReport;
import dev.mailpath.diag.smtp.RelayResponse;
import dev.mailpath.diag.smtp.RelayVariant;
import dev.mailpath.diag.smtp.RelayVerdict;
import dev.mailpath.diag.smtp.SmtpFinding;
import dev.mailpath.diag.smtp.SmtpReply;
import dev.mailpath.diag.smtp.SmtpReport;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns the attempts of a relay test into pass results, a verdict and findings. Pure logic on
 * public types, so that it can be tested without a server.
 */
public final class RelayJudge {
  /** Evidence lines listed per finding before "and N more". */
  private static final int MAX_EVIDENCE = 20;

  private RelayJudge() {}

  /** What the run learnt besides the attempts themselves. */
  public static final class Facts {
    /** Creates empty facts. */
    public Facts() {}

    /** Whether credentials were given (the authenticated pass ran). */
    public boolean credentials;

    /** The local recipient of the control, in angle brackets. */
    public String localRecipient = "<postmaster>";

    /** Why AUTH failed, or null. */
    public String authFailure;

    /** The connection where AUTH failed, or -1. */
    public int authConnection = -1;

    /** Connections that failed before the first attempt, with the reason. */
    public final List<String> connectionProblems = new ArrayList<>();

    /** Connections the server ended early while attempts were pending. */
    public final List<String> throttleEvents = new ArrayList<>();

    /** Attempts left untried, with the reason. */
    public final List<String> skipped = new ArrayList<>();

    /** A reply that demanded STARTTLS, or null. */
    public SmtpReply tlsDemand;

    /** Whether TLS was started after such a demand. */
    public boolean tlsRetried;

    /** The connections where AUTH was sent without TLS (only with TlsMode.NONE). */
    public final List<Integer> clearAuth = new ArrayList<>();
  }

  /**
   * Judges the test and fills the verdict, pass results and findings into the report builder.
   *
   * @param attempts every attempt
   * @param connections every session
   * @param facts what else the run learnt
   * @param b the report builder
   */
  public static void judge(
      List<RelayAttempt> attempts,
      List<SmtpReport> connections,
      Facts facts,
      RelayReport.Builder b) {
    List<RelayAttempt> anon = of(attempts, RelayPass.ANONYMOUS);
    List<RelayAttempt> auth = of(attempts, RelayPass.AUTHENTICATED);
    Map<RelayPass, RelayPassResult> results = new EnumMap<>(RelayPass.class);
    results.put(RelayPass.ANONYMOUS, passResult(RelayPass.ANONYMOUS, anon, false));
    if (facts.credentials) {
      results.put(
          RelayPass.AUTHENTICATED,
          passResult(RelayPass.AUTHENTICATED, auth, facts.authFailure != null));
    }
    results.forEach(b::passResult);
    RelayVerdict verdict =
        verdict(results.get(RelayPass.ANONYMOUS), results.get(RelayPass.AUTHENTICATED));
    b.verdict(verdict);

    b.addFinding(verdictFinding(verdict, anon, auth, facts));
    Optional<RelayAttempt> unknown =
        find(anon, RelayVariant.UNKNOWN_LOCAL_USER).filter(RelayAttempt::accepted);
    unknown.ifPresent(
        u ->
            b.addFinding(
                RelayFinding.ACCEPTS_EVERY_RCPT.finding(
                    "The made-up recipient "
                        + u.rcptTo()
                        + " was accepted ("
                        + u.decidingReply().firstLine()
                        + "): the server"
                        + " accepts every RCPT at the dialogue, so "
                        + (verdict == RelayVerdict.OPEN_RELAY
                            ? "the relayed messages may still bounce later, but it has already agreed to carry them"
                            : "its acceptances prove nothing, and such mail bounces later to forged senders"),
                    line(u))));
    List<RelayAttempt> deferred =
        attempts.stream().filter(a -> a.response() == RelayResponse.DEFERRED).toList();
    List<RelayAttempt> grey =
        deferred.stream().filter(a -> RelayReplies.greylisting(a.decidingReply())).toList();
    List<RelayAttempt> temporary = deferred.stream().filter(a -> !grey.contains(a)).toList();
    if (!grey.isEmpty()) {
      b.addFinding(
          RelayFinding.GREYLISTED.finding(
              grey.size()
                  + " attempt(s) were greylisted: "
                  + grey.get(0).decidingReply().firstLine(),
              lines(grey)));
    }
    if (!temporary.isEmpty()) {
      b.addFinding(
          RelayFinding.TEMPORARY_REFUSAL.finding(
              temporary.size()
                  + " attempt(s) got only a temporary refusal, which is not proof of a closed relay: "
                  + temporary.get(0).decidingReply().firstLine(),
              lines(temporary)));
    }
    if (facts.tlsDemand != null) {
      b.addFinding(
          RelayFinding.STARTTLS_REQUIRED.finding(
              "The server answered "
                  + facts.tlsDemand.firstLine()
                  + (facts.tlsRetried
                      ? "; the attempts were repeated inside TLS"
                      : "; the tester could not use TLS, so those attempts have no answer"),
              Evidence.of("reply", facts.tlsDemand.firstLine())));
    }
    List<RelayAttempt> authRequired =
        anon.stream().filter(a -> a.response() == RelayResponse.AUTH_REQUIRED).toList();
    if (!authRequired.isEmpty()) {
      b.addFinding(
          RelayFinding.AUTH_REQUIRED.finding(
              authRequired.size()
                  + " anonymous attempt(s) were refused with a demand for authentication: "
                  + authRequired.get(0).decidingReply().firstLine()
                  + (facts.credentials
                      ? ""
                      : "; give the tester credentials to check the authenticated pass"),
              lines(authRequired)));
    }
    if (facts.authFailure != null) {
      b.addFinding(
          RelayFinding.AUTH_FAILED.finding(
              "The authenticated pass could not authenticate ("
                  + facts.authFailure
                  + "), so it is inconclusive, not"
                  + " closed",
              Evidence.of("auth", facts.authFailure),
              Evidence.of("connection", facts.authConnection)));
    }
    if (!facts.clearAuth.isEmpty()) {
      b.addFinding(
          RelayFinding.CREDENTIALS_IN_CLEAR.finding(
              "AUTH was sent without TLS on "
                  + facts.clearAuth.size()
                  + " connection(s), as TlsMode.NONE asked: the password crossed the network"
                  + " unencrypted",
              facts.clearAuth.stream()
                  .map(c -> Evidence.of("connection", c))
                  .toArray(Evidence[]::new)));
    }
    if (results.get(RelayPass.AUTHENTICATED) == RelayPassResult.REFUSED) {
      RelayAttempt first = relays(auth).get(0);
      b.addFinding(
          RelayFinding.AUTHENTICATED_REFUSED.finding(
              "After a successful AUTH, relaying to "
                  + first.rcptTo()
                  + " was still refused: "
                  + first.decidingReply().firstLine(),
              lines(relays(auth))));
    }
    if (!facts.throttleEvents.isEmpty()) {
      b.addFinding(
          RelayFinding.THROTTLED.finding(
              "The server ended "
                  + facts.throttleEvents.size()
                  + " connection(s) while attempts were pending; they went"
                  + " to fresh connections with fewer attempts each",
              facts.throttleEvents.stream()
                  .map(e -> Evidence.of("throttled", e))
                  .toArray(Evidence[]::new)));
    }
    if (!facts.skipped.isEmpty()) {
      b.addFinding(
          RelayFinding.ATTEMPTS_SKIPPED.finding(
              "Not tried: " + String.join("; ", facts.skipped),
              facts.skipped.stream().map(e -> Evidence.of("skipped", e)).toArray(Evidence[]::new)));
    }
    List<RelayAttempt> delivered =
        attempts.stream()
            .filter(a -> a.dataReply().map(SmtpReply::isPositive).orElse(false))
            .toList();
    if (!delivered.isEmpty()) {
      RelayAttempt d = delivered.get(0);
      b.addFinding(
          RelayFinding.MESSAGE_ACCEPTED.finding(
              "The test message to "
                  + d.rcptTo()
                  + " ("
                  + d.variant().id()
                  + ", "
                  + d.pass()
                  + ") was accepted: "
                  + d.dataReply().orElseThrow().firstLine(),
              lines(delivered)));
    }
    copySessionFindings(connections, verdict, b);
  }

  // ---------------------------------------------------------------- results and verdict

  /**
   * Judges one pass.
   *
   * @param pass the pass
   * @param attempts the pass's attempts
   * @param authFailed whether AUTH failed (authenticated pass)
   * @return the pass result
   */
  public static RelayPassResult passResult(
      RelayPass pass, List<RelayAttempt> attempts, boolean authFailed) {
    List<RelayAttempt> relays = relays(attempts);
    if (relays.stream().anyMatch(RelayAttempt::accepted)) {
      return RelayPassResult.RELAYED;
    }
    if (authFailed || relays.isEmpty() || !relays.stream().allMatch(a -> a.response().isFinal())) {
      return RelayPassResult.INCONCLUSIVE;
    }
    if (pass == RelayPass.AUTHENTICATED) {
      return RelayPassResult.REFUSED;
    }
    Optional<RelayAttempt> local = find(attempts, RelayVariant.LOCAL_DELIVERY);
    if (local.isEmpty() || local.get().accepted()) {
      return RelayPassResult.REFUSED;
    }
    return local.get().response().isFinal()
        ? RelayPassResult.REFUSES_ALL
        : RelayPassResult.INCONCLUSIVE;
  }

  /**
   * Combines the passes: an anonymous relay is an open relay whatever else happened; an
   * inconclusive anonymous pass leaves everything inconclusive; otherwise relaying after AUTH makes
   * the server {@link RelayVerdict#AUTHENTICATED_ONLY}.
   *
   * @param anonymous the anonymous pass
   * @param authenticated the authenticated pass, or null when it did not run
   * @return the verdict
   */
  public static RelayVerdict verdict(RelayPassResult anonymous, RelayPassResult authenticated) {
    switch (anonymous) {
      case RELAYED:
        return RelayVerdict.OPEN_RELAY;
      case INCONCLUSIVE:
        return RelayVerdict.INCONCLUSIVE;
      default:
        if (authenticated == RelayPassResult.RELAYED) {
          return RelayVerdict.AUTHENTICATED_ONLY;
        }
        return anonymous == RelayPassResult.REFUSED
            ? RelayVerdict.CLOSED
            : RelayVerdict.REFUSES_ALL;
    }
  }

  private static Finding verdictFinding(
      RelayVerdict v, List<RelayAttempt> anon, List<RelayAttempt> auth, Facts facts) {
    List<RelayAttempt> relays = relays(anon);
    Optional<RelayAttempt> local = find(anon, RelayVariant.LOCAL_DELIVERY);
    switch (v) {
      case OPEN_RELAY:
        {
          List<RelayAttempt> accepted = relays.stream().filter(RelayAttempt::accepted).toList();
          boolean everyRcpt =
              find(anon, RelayVariant.UNKNOWN_LOCAL_USER).map(RelayAttempt::accepted).orElse(false);
          return RelayFinding.OPEN.finding(
              "Accepted "
                  + accepted.size()
                  + " of "
                  + relays.size()
                  + " relay variants without authentication: "
                  + accepted.stream().map(a -> a.variant().id()).collect(Collectors.joining(", "))
                  + (everyRcpt
                      ? " (it accepts every RCPT at the dialogue, so the messages may still bounce later; taking"
                          + " the recipient is already agreeing to relay)"
                      : ""),
              lines(accepted));
        }
      case CLOSED:
        return RelayFinding.CLOSED.finding(
            "All "
                + relays.size()
                + " relay variants were refused for good; local delivery to "
                + facts.localRecipient
                + " was accepted",
            withLocal(local, relays));
      case AUTHENTICATED_ONLY:
        {
          List<RelayAttempt> accepted =
              relays(auth).stream().filter(RelayAttempt::accepted).toList();
          return RelayFinding.AUTHENTICATED_ONLY.finding(
              "Anonymous relaying was refused ("
                  + relays.size()
                  + " variants); after AUTH the server relayed "
                  + accepted.stream().map(a -> a.variant().id()).collect(Collectors.joining(", ")),
              lines(accepted));
        }
      case REFUSES_ALL:
        return RelayFinding.REFUSES_ALL.finding(
            "Even local delivery to "
                + facts.localRecipient
                + " was refused ("
                + local.map(l -> l.decidingReply().firstLine()).orElse("?")
                + "), as were all "
                + relays.size()
                + " relay variants",
            withLocal(local, relays));
      default:
        {
          List<RelayAttempt> open = anon.stream().filter(a -> !a.response().isFinal()).toList();
          Map<RelayResponse, Long> counts =
              open.stream()
                  .collect(
                      Collectors.groupingBy(
                          RelayAttempt::response,
                          () -> new EnumMap<>(RelayResponse.class),
                          Collectors.counting()));
          List<Evidence> ev = new ArrayList<>(List.of(lines(open)));
          facts.connectionProblems.forEach(p -> ev.add(Evidence.of("connection-problem", p)));
          return RelayFinding.INCONCLUSIVE.finding(
              open.size()
                  + " of "
                  + anon.size()
                  + " anonymous attempts got no final answer ("
                  + counts.entrySet().stream()
                      .map(e -> e.getValue() + " " + e.getKey())
                      .collect(Collectors.joining(", "))
                  + ")",
              ev.toArray(Evidence[]::new));
        }
    }
  }

  // ---------------------------------------------------------------- session findings

  private static void copySessionFindings(
      List<SmtpReport> connections, RelayVerdict verdict, RelayReport.Builder b) {
    boolean explain = verdict == RelayVerdict.INCONCLUSIVE || verdict == RelayVerdict.REFUSES_ALL;
    Set<String> seen = new HashSet<>();
    for (SmtpReport c : connections) {
      for (Finding f : c.findings()) {
        boolean tls =
            f.code().startsWith("smtp.tls.") || f.code().startsWith("smtp.starttls.plaintext");
        boolean connection =
            f.code().startsWith("smtp.connect.")
                || f.code().equals(SmtpFinding.TIMEOUT.id())
                || f.code().equals(SmtpFinding.HOST_UNRESOLVED.id())
                || f.code().equals(SmtpFinding.BANNER_NOT_220.id())
                || f.code().equals(SmtpFinding.REPLY_MALFORMED.id())
                || f.code().equals(SmtpFinding.REPLY_TOO_LARGE.id());
        if (!(tls || connection && explain) || !seen.add(f.code())) {
          continue;
        }
        if (explain || !f.severity().isAtLeast(Severity.ERROR)) {
          b.addFinding(f);
        } else {
          // The certificate is not the question here, but it is never hidden: kept as a warning
          // so that it does not outweigh the relay verdict.
          b.addFinding(
              smtpCode(f.code())
                  .finding(Severity.WARNING, f.summary(), f.evidence().toArray(Evidence[]::new)));
        }
      }
    }
  }

  private static SmtpFinding smtpCode(String id) {
    for (SmtpFinding c : SmtpFinding.values()) {
      if (c.id().equals(id)) {
        return c;
      }
    }
    throw new IllegalStateException("not an SMTP finding code: " + id);
  }

  // ---------------------------------------------------------------- helpers

  private static List<RelayAttempt> of(List<RelayAttempt> attempts, RelayPass pass) {
    return attempts.stream().filter(a -> a.pass() == pass).toList();
  }

  private static List<RelayAttempt> relays(List<RelayAttempt> attempts) {
    return attempts.stream().filter(a -> !a.variant().isControl()).toList();
  }

  private static Optional<RelayAttempt> find(List<RelayAttempt> attempts, RelayVariant v) {
    return attempts.stream().filter(a -> a.variant() == v).findFirst();
  }

  private static Evidence line(RelayAttempt a) {
    return Evidence.of(
        a.pass() + " " + a.variant().id(),
        "MAIL FROM:"
            + a.mailFrom()
            + " RCPT TO:"
            + a.rcptTo()
            + " -> "
            + a.decidingReply().firstLine()
            + a.connection().stream()
                .mapToObj(c -> " (connection " + c + ")")
                .findFirst()
                .orElse(""));
  }

  private static Evidence[] lines(List<RelayAttempt> attempts) {
    List<Evidence> ev = new ArrayList<>();
    for (RelayAttempt a : attempts) {
      if (ev.size() == MAX_EVIDENCE) {
        ev.add(Evidence.of("more", (attempts.size() - MAX_EVIDENCE) + " more in attempts()"));
        break;
      }
      ev.add(line(a));
    }
    return ev.toArray(Evidence[]::new);
  }

  private static Evidence[] withLocal(Optional<RelayAttempt> local, List<RelayAttempt> relays) {
    List<Evidence> ev = new ArrayList<>();
    local.ifPresent(l -> ev.add(line(l)));
    if (!relays.isEmpty()) {
      ev.add(line(relays.get(0)));
      if (relays.size() > 1) {
        ev.add(Evidence.of("more", (relays.size() - 1) + " more refusals in attempts()"));
      }
    }
    return ev.toArray(Evidence[]::new);
  }
}
