package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.core.Timings;
import dev.mailpath.diag.core.internal.Addresses;
import dev.mailpath.diag.dns.DnsFinding;
import dev.mailpath.diag.dns.MailExchange;
import dev.mailpath.diag.dns.MxReport;
import dev.mailpath.diag.dns.ReverseReport;
import dev.mailpath.diag.smtp.AddressCheck;
import dev.mailpath.diag.smtp.AddressCheck.Status;
import dev.mailpath.diag.smtp.DeliveryFinding;
import dev.mailpath.diag.smtp.DeliveryPathCheck;
import dev.mailpath.diag.smtp.DeliveryPathReport;
import dev.mailpath.diag.smtp.DeliveryStage;
import dev.mailpath.diag.smtp.ExchangeCheck;
import dev.mailpath.diag.smtp.SmtpExchange;
import dev.mailpath.diag.smtp.SmtpFinding;
import dev.mailpath.diag.smtp.SmtpPhase;
import dev.mailpath.diag.smtp.SmtpReply;
import dev.mailpath.diag.smtp.SmtpReport;
import dev.mailpath.diag.smtp.TlsInfo;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Judges what a delivery-path check saw: the answer of each address (from its SMTP report), the
 * verdict walking the exchanges in delivery order as an MTA does, and the findings that explain
 * both. Pure functions over finished results; no I/O.
 */
final class DeliveryPathVerdict {
  private DeliveryPathVerdict() {}

  /** Codes the check re-tags with exchange and address; findings of other codes are kept as is. */
  private static final Map<String, FindingCode> CODES = index();

  private static Map<String, FindingCode> index() {
    Map<String, FindingCode> m = new HashMap<>();
    for (FindingCode c : SmtpFinding.values()) {
      m.put(c.id(), c);
    }
    for (FindingCode c : DnsFinding.values()) {
      m.put(c.id(), c);
    }
    for (FindingCode c : DeliveryFinding.values()) {
      m.put(c.id(), c);
    }
    return Map.copyOf(m);
  }

  // ------------------------------------------------------------------ DNS

  /**
   * Returns where delivery stops in DNS, or {@code null} when there are exchanges to try.
   *
   * @param mx the MX lookup
   * @return the DNS stage, or {@code null}
   */
  static DeliveryStage dnsStage(MxReport mx) {
    if (mx.nullMx()) {
      return DeliveryStage.NULL_MX;
    }
    String rcode = mx.rcode().orElse(null);
    if ("NXDOMAIN".equals(rcode)) {
      return DeliveryStage.NO_SUCH_DOMAIN;
    }
    if (!mx.exchanges().isEmpty()) {
      return null;
    }
    if (!"NOERROR".equals(rcode)
        || mx.outcome() == Outcome.INCONCLUSIVE
        || mx.hasFinding(DnsFinding.ADDRESS_LOOKUP_FAILED)) {
      return DeliveryStage.DNS_FAILED;
    }
    return DeliveryStage.NO_MX;
  }

  // ------------------------------------------------------------------ one address

  /** An address's answer and its one-line summary. */
  record Answer(Status status, String summary) {}

  /**
   * Turns one conversation into an address check.
   *
   * @param exchange the exchange's host
   * @param address the address from DNS
   * @param target where the conversation connected
   * @param reverse the reverse DNS, or {@code null}
   * @param report the conversation
   * @return the check
   */
  static AddressCheck check(
      String exchange,
      InetAddress address,
      InetSocketAddress target,
      ReverseReport reverse,
      SmtpReport report) {
    Answer answer = classify(report);
    String tag = exchange + " [" + Addresses.format(address) + "]: ";
    Evidence[] where = where(exchange, address);
    List<Finding> findings = new ArrayList<>();
    if (reverse != null) {
      for (Finding f : reverse.findings()) {
        // The PTR of a receiving exchange is context here, not a reason delivery fails.
        Severity sev = f.severity().isAtLeast(Severity.ERROR) ? Severity.WARNING : f.severity();
        findings.add(retag(f, sev, tag, where));
      }
    }
    for (Finding f : report.findings()) {
      findings.add(retag(f, f.severity(), tag, where));
    }
    return new AddressCheck(
        exchange,
        address,
        Optional.of(target),
        answer.status(),
        answer.summary(),
        Optional.ofNullable(reverse),
        Optional.of(report),
        findings);
  }

  /**
   * Makes the check of an address that was not tried.
   *
   * @param exchange the exchange's host
   * @param address the address
   * @param target where it would have connected, or {@code null}
   * @param reverse the reverse DNS when it was looked up, or {@code null}
   * @param reason why it was not tried
   * @return the check
   */
  static AddressCheck notTried(
      String exchange,
      InetAddress address,
      InetSocketAddress target,
      ReverseReport reverse,
      String reason) {
    return new AddressCheck(
        exchange,
        address,
        Optional.ofNullable(target),
        Status.NOT_TRIED,
        reason,
        Optional.ofNullable(reverse),
        Optional.empty(),
        List.of());
  }

  /**
   * Tells whether the conversation was cut short by the check's overall deadline.
   *
   * @param check an address check
   * @return {@code true} when its conversation ran out of the overall deadline
   */
  static boolean hitOverallDeadline(AddressCheck check) {
    return check
        .smtp()
        .map(
            r ->
                r.endReason().filter(x -> x.contains("overall deadline")).isPresent()
                    || r.findings().stream()
                        .anyMatch(
                            f ->
                                f.is(SmtpFinding.TIMEOUT)
                                    && f.summary().contains("overall deadline")))
        .orElse(false);
  }

  /**
   * Reads a conversation as a sending MTA would: where it stopped and what that means for the
   * delivery. The greeting and EHLO refuse or defer the client, MAIL FROM the sender, RCPT TO the
   * recipient (RFC 5321 §4.2.1: 4yz is transient, 5yz permanent); a 421 anywhere is the server
   * closing the session (§3.8), a temporary failure.
   */
  static Answer classify(SmtpReport r) {
    List<SmtpExchange> steps = r.steps();
    SmtpExchange banner = first(steps, SmtpPhase.BANNER);
    if (banner == null) {
      String why =
          r.findings().stream()
              .findFirst()
              .map(Finding::summary)
              .orElse(r.endReason().orElse("no connection"));
      return new Answer(Status.UNREACHABLE, why);
    }
    SmtpReply greeting = banner.reply();
    if (!greeting.received()) {
      return new Answer(
          Status.SESSION_FAILED, "no greeting: " + r.endReason().orElse(greeting.lines().get(0)));
    }
    if (greeting.code() != 220) {
      return session("greeting", greeting);
    }
    SmtpExchange ehlo = last(steps, SmtpPhase.EHLO);
    if (ehlo != null && !ehlo.reply().isPositive()) {
      return session(ehlo.command(), ehlo.reply());
    }
    for (SmtpExchange s : steps) {
      // The EHLO after STARTTLS (RFC 3207 §4.2) may be refused too.
      boolean greet = s.command().startsWith("EHLO ") || s.command().startsWith("HELO ");
      if (s.phase() == SmtpPhase.TLS && greet && s.reply().received() && !s.reply().isPositive()) {
        return session(s.command() + " after STARTTLS", s.reply());
      }
    }
    if (r.endedAt().filter(p -> p == SmtpPhase.TLS).isPresent()) {
      return new Answer(Status.SESSION_FAILED, "STARTTLS: " + r.endReason().orElse("TLS failed"));
    }
    SmtpExchange mail = last(steps, SmtpPhase.MAIL);
    if (mail == null) {
      return new Answer(
          Status.SESSION_FAILED,
          "the session ended before MAIL FROM: " + r.endReason().orElse("?"));
    }
    Answer a = transaction(mail, Status.SENDER_DEFERRED, Status.SENDER_REFUSED, r);
    if (a != null) {
      return a;
    }
    SmtpExchange rcpt = last(steps, SmtpPhase.RCPT);
    if (rcpt == null) {
      return new Answer(
          Status.SESSION_FAILED, "the session ended before RCPT TO: " + r.endReason().orElse("?"));
    }
    a = transaction(rcpt, Status.RECIPIENT_DEFERRED, Status.RECIPIENT_REFUSED, r);
    if (a != null) {
      return a;
    }
    return new Answer(Status.ACCEPTED, answered(rcpt));
  }

  private static Answer session(String what, SmtpReply reply) {
    if (!reply.received()) {
      return new Answer(Status.SESSION_FAILED, "no reply to " + what + ": " + reply.lines().get(0));
    }
    String s = what + " answered " + reply.firstLine();
    if (reply.isTemporaryFailure()) {
      return new Answer(Status.SESSION_DEFERRED, s);
    }
    if (reply.isPermanentFailure()) {
      return new Answer(Status.CLIENT_REFUSED, s);
    }
    return new Answer(Status.SESSION_FAILED, s);
  }

  /** Judges MAIL or RCPT; {@code null} when the reply is positive and the walk goes on. */
  private static Answer transaction(
      SmtpExchange step, Status deferred, Status refused, SmtpReport r) {
    SmtpReply reply = step.reply();
    if (!reply.received()) {
      return new Answer(
          Status.SESSION_FAILED,
          "no reply to " + step.command() + ": " + r.endReason().orElse(reply.lines().get(0)));
    }
    if (reply.code() == 421) {
      return new Answer(Status.SESSION_DEFERRED, answered(step));
    }
    if (reply.isTemporaryFailure()) {
      return new Answer(deferred, answered(step));
    }
    if (reply.isPermanentFailure()) {
      return new Answer(refused, answered(step));
    }
    if (!reply.isPositive()) {
      return new Answer(Status.SESSION_FAILED, answered(step) + " (not a valid reply to it)");
    }
    return null;
  }

  private static String answered(SmtpExchange s) {
    return s.command() + " answered " + s.reply().firstLine();
  }

  private static SmtpExchange first(List<SmtpExchange> steps, SmtpPhase phase) {
    for (SmtpExchange s : steps) {
      if (s.phase() == phase) {
        return s;
      }
    }
    return null;
  }

  private static SmtpExchange last(List<SmtpExchange> steps, SmtpPhase phase) {
    SmtpExchange found = null;
    for (SmtpExchange s : steps) {
      if (s.phase() == phase) {
        found = s;
      }
    }
    return found;
  }

  // ------------------------------------------------------------------ findings helpers

  private static Evidence[] where(String exchange, InetAddress address) {
    return new Evidence[] {
      Evidence.of("exchange", exchange), Evidence.of("exchange-address", Addresses.format(address))
    };
  }

  /**
   * Makes the finding again from its code with another severity, a prefix and more evidence, so
   * that a finding from a conversation says which exchange and address it is about.
   */
  private static Finding retag(Finding f, Severity severity, String prefix, Evidence... extra) {
    FindingCode code = CODES.get(f.code());
    if (code == null) {
      return f;
    }
    List<Evidence> ev = new ArrayList<>(f.evidence());
    for (Evidence e : extra) {
      if (!ev.contains(e)) {
        ev.add(e);
      }
    }
    String summary =
        prefix.isEmpty() || f.summary().startsWith(prefix) ? f.summary() : prefix + f.summary();
    return code.finding(severity, summary, ev.toArray(new Evidence[0]));
  }

  // ------------------------------------------------------------------ the report

  /**
   * Everything the verdict is made from.
   *
   * @param target what was checked
   * @param sender the reverse path
   * @param mx the MX lookup
   * @param slots the exchanges within the limit, with their results
   * @param beyondLimit the exchanges past the limit
   * @param preference the address preference
   * @param deadlineHit whether the overall deadline cut something short
   * @param deadline the overall deadline
   * @param startedAt when the check started
   * @param elapsed how long it took
   * @param dns how long the MX lookup took
   * @param smtp from the first conversation started to the last finished, or {@code null}
   * @param stopReason why the check stopped early, or {@code null}
   */
  record Input(
      DeliveryPathRun.Target target,
      String sender,
      MxReport mx,
      List<DeliveryPathRun.Slot> slots,
      List<MailExchange> beyondLimit,
      DeliveryPathCheck.AddressPreference preference,
      boolean deadlineHit,
      Duration deadline,
      Instant startedAt,
      Duration elapsed,
      Duration dns,
      Duration smtp,
      String stopReason) {}

  /** The tried addresses in the order an MTA would use them, up to the one that decided. */
  private record Walk(
      List<ExchangeCheck> exchanges,
      List<AddressCheck> addresses,
      ExchangeCheck decidingExchange,
      AddressCheck decider) {

    int indexOf(AddressCheck a) {
      return addresses.indexOf(a);
    }
  }

  private static Walk walk(List<ExchangeCheck> checks) {
    List<ExchangeCheck> ex = new ArrayList<>();
    List<AddressCheck> ad = new ArrayList<>();
    for (ExchangeCheck e : checks) {
      for (AddressCheck a : e.addresses()) {
        if (!a.status().tried()) {
          continue;
        }
        ex.add(e);
        ad.add(a);
        if (a.status().decisive()) {
          return new Walk(ex, ad, e, a);
        }
      }
    }
    return new Walk(ex, ad, null, null);
  }

  /**
   * Builds the report: exchange checks in delivery order, the verdict, and the findings.
   *
   * @param in the results
   * @return the report
   */
  static DeliveryPathReport report(Input in) {
    MxReport mx = in.mx();
    List<ExchangeCheck> checks = exchangeChecks(in);
    DeliveryStage stage = dnsStage(mx);
    Walk walk = new Walk(List.of(), List.of(), null, null);
    if (stage == null) {
      boolean anyPlan = in.slots().stream().anyMatch(s -> !s.plan.isEmpty());
      if (!anyPlan) {
        stage = DeliveryStage.NO_ADDRESS;
      } else {
        walk = walk(checks);
        stage = stageOf(walk);
      }
    }
    AddressCheck decider = walk.decider();
    boolean incomplete = in.deadlineHit() || (!in.beyondLimit().isEmpty() && decider == null);
    String verdict = verdict(stage, walk, in, checks);

    DeliveryPathReport.Builder b =
        DeliveryPathReport.builder()
            .target(in.target().input(), in.target().recipient(), in.target().asciiDomain())
            .sender(in.sender())
            .mx(mx)
            .verdict(stage, verdict)
            .decidedBy(walk.decidingExchange(), decider)
            .incomplete(incomplete)
            .startedAt(in.startedAt())
            .elapsed(in.elapsed());
    checks.forEach(b::addExchange);
    Timings.Builder tb = Timings.builder().add("dns.mx", in.dns());
    if (in.smtp() != null) {
      tb.add("smtp", in.smtp());
    }
    b.timings(tb.build());

    b.addFinding(verdictFinding(stage, verdict, in, walk));
    mx.findings().forEach(b::addFinding);
    pathFindings(stage, walk, checks, in).forEach(b::addFinding);
    for (ExchangeCheck e : checks) {
      for (AddressCheck a : e.addresses()) {
        for (Finding f : a.findings()) {
          // Mail flows through the deciding address; what went wrong elsewhere is a warning.
          boolean soften =
              stage == DeliveryStage.ACCEPTED && a != decider && f.severity() == Severity.ERROR;
          b.addFinding(soften ? retag(f, Severity.WARNING, "") : f);
        }
      }
    }
    return b.build();
  }

  private static List<ExchangeCheck> exchangeChecks(Input in) {
    List<ExchangeCheck> checks = new ArrayList<>();
    for (DeliveryPathRun.Slot sl : in.slots()) {
      List<AddressCheck> addresses = new ArrayList<>();
      for (int k = 0; k < sl.plan.size(); k++) {
        AddressCheck a = sl.results[k];
        String why = in.stopReason() == null ? "not tried" : "not tried: " + in.stopReason();
        addresses.add(
            a != null ? a : notTried(sl.exchange.host(), sl.plan.get(k), null, null, why));
      }
      for (InetAddress a : sl.excluded) {
        addresses.add(
            notTried(sl.exchange.host(), a, null, null, excludedReason(a, in.preference())));
      }
      checks.add(new ExchangeCheck(sl.position, sl.exchange, addresses));
    }
    int position = in.slots().size();
    for (MailExchange e : in.beyondLimit()) {
      position++;
      List<AddressCheck> addresses = new ArrayList<>();
      for (InetAddress a : e.addresses()) {
        addresses.add(
            notTried(
                e.host(),
                a,
                null,
                null,
                "not tried: beyond the limit of " + in.slots().size() + " exchanges"));
      }
      checks.add(new ExchangeCheck(position, e, addresses));
    }
    return checks;
  }

  private static String excludedReason(InetAddress a, DeliveryPathCheck.AddressPreference p) {
    boolean v6 = a instanceof Inet6Address;
    if ((v6 && p == DeliveryPathCheck.AddressPreference.IPV4_ONLY)
        || (!v6 && p == DeliveryPathCheck.AddressPreference.IPV6_ONLY)) {
      return "not tried: " + (v6 ? "IPv6" : "IPv4") + " is not used (" + p + ")";
    }
    return "not tried: more than "
        + DeliveryPathRun.MAX_ADDRESSES_PER_EXCHANGE
        + " addresses for one exchange";
  }

  private static DeliveryStage stageOf(Walk w) {
    AddressCheck d = w.decider();
    if (d != null) {
      switch (d.status()) {
        case ACCEPTED:
          return DeliveryStage.ACCEPTED;
        case RECIPIENT_REFUSED:
          return DeliveryStage.RECIPIENT_REFUSED;
        case SENDER_REFUSED:
          return DeliveryStage.SENDER_REFUSED;
        default:
          return DeliveryStage.TEMPORARY_FAILURE;
      }
    }
    if (w.addresses().stream().anyMatch(a -> a.status().temporary())) {
      return DeliveryStage.TEMPORARY_FAILURE;
    }
    if (w.addresses().stream().anyMatch(a -> a.status() == Status.CLIENT_REFUSED)) {
      return DeliveryStage.CLIENT_REFUSED;
    }
    return DeliveryStage.UNREACHABLE;
  }

  private static String at(AddressCheck a) {
    return a.exchange() + " (" + a.addressText() + ")";
  }

  private static String failure(AddressCheck a) {
    switch (a.status()) {
      case UNREACHABLE:
        return "could not be reached";
      case SESSION_FAILED:
        return "broke off the session";
      case SESSION_DEFERRED:
        return "answered with a temporary failure";
      case SENDER_DEFERRED:
        return "deferred the sender";
      case CLIENT_REFUSED:
        return "refused this client";
      default:
        return a.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
  }

  private static String failures(List<AddressCheck> failed) {
    List<String> parts = new ArrayList<>();
    for (AddressCheck a : failed) {
      parts.add(a.exchange() + " [" + a.addressText() + "] " + failure(a));
    }
    return String.join(", ", parts);
  }

  private static String decisiveReply(AddressCheck a) {
    Optional<SmtpReply> r = a.status() == Status.SENDER_REFUSED ? a.mailReply() : a.rcptReply();
    return r.map(SmtpReply::firstLine).orElse(a.summary());
  }

  private static String verdict(DeliveryStage stage, Walk w, Input in, List<ExchangeCheck> checks) {
    String domain = in.target().asciiDomain();
    String rcpt = in.target().recipient();
    AddressCheck d = w.decider();
    List<AddressCheck> before = d == null ? w.addresses() : w.addresses().subList(0, w.indexOf(d));
    switch (stage) {
      case NULL_MX:
        return domain
            + " publishes a null MX: it accepts no mail, and a sending MTA bounces the message at once";
      case NO_SUCH_DOMAIN:
        return domain + " does not exist (NXDOMAIN); a sending MTA bounces the message at once";
      case NO_MX:
        return domain
            + " has no MX records and no address to fall back on; there is nowhere to deliver";
      case DNS_FAILED:
        return "the MX lookup for "
            + domain
            + " got no usable answer ("
            + in.mx().rcode().orElse("no reply")
            + "); a sending MTA retries later";
      case NO_ADDRESS:
        String family =
            in.preference() == DeliveryPathCheck.AddressPreference.IPV4_ONLY
                ? "IPv4 "
                : in.preference() == DeliveryPathCheck.AddressPreference.IPV6_ONLY ? "IPv6 " : "";
        return "none of the "
            + checks.size()
            + " exchange(s) of "
            + domain
            + " has an "
            + family
            + "address to connect to";
      case ACCEPTED:
        return at(d)
            + " would take the mail for "
            + rcpt
            + " ("
            + decisiveReply(d)
            + ")"
            + (before.isEmpty() ? "" : ", after " + failures(before));
      case RECIPIENT_REFUSED:
        return at(d)
            + " refuses "
            + rcpt
            + " ("
            + decisiveReply(d)
            + "); a sending MTA bounces the message"
            + " without trying the other exchanges";
      case SENDER_REFUSED:
        return at(d)
            + " refuses the sender "
            + in.sender()
            + " ("
            + decisiveReply(d)
            + "); a sending MTA"
            + " bounces the message";
      case TEMPORARY_FAILURE:
        if (d != null) {
          return at(d)
              + " defers "
              + rcpt
              + " ("
              + decisiveReply(d)
              + "); a sending MTA keeps the message"
              + " queued and retries";
        }
        return "no exchange accepted or refused "
            + rcpt
            + ", there were only temporary failures ("
            + failures(before)
            + "); a sending MTA keeps the message queued and retries";
      case CLIENT_REFUSED:
        return "every exchange that answered refuses this client ("
            + failures(before)
            + "); a sending MTA"
            + " bounces the message";
      default:
        long exchanges = w.exchanges().stream().distinct().count();
        return "none of the "
            + exchanges
            + " exchange(s) tried could take the mail ("
            + failures(before)
            + "); a sending MTA keeps the message queued and retries"
            + (in.deadlineHit()
                ? " (the overall deadline of "
                    + Durations.format(in.deadline())
                    + " cut the check short)"
                : "");
    }
  }

  private static Finding verdictFinding(DeliveryStage stage, String verdict, Input in, Walk w) {
    List<Evidence> ev = new ArrayList<>();
    ev.add(Evidence.of("recipient", in.target().recipient()));
    AddressCheck d = w.decider();
    if (d != null) {
      ev.add(Evidence.of("exchange", d.exchange()));
      ev.add(Evidence.of("exchange-address", d.addressText()));
      ev.add(Evidence.of("reply", decisiveReply(d)));
    }
    in.mx().server().ifPresent(s -> ev.add(Evidence.of("dns-server", Addresses.format(s))));
    return stage.finding().finding(verdict, ev.toArray(new Evidence[0]));
  }

  private static final Set<Status> BROKEN =
      EnumSet.of(Status.UNREACHABLE, Status.SESSION_FAILED, Status.CLIENT_REFUSED);

  private static List<Finding> pathFindings(
      DeliveryStage stage, Walk w, List<ExchangeCheck> checks, Input in) {
    List<Finding> out = new ArrayList<>();
    AddressCheck d = w.decider();
    if (d != null) {
      // Each step of the walk before the deciding address is a fallback an MTA would take.
      List<AddressCheck> path = w.addresses();
      for (int i = 0; i + 1 < path.size(); i++) {
        AddressCheck cur = path.get(i);
        AddressCheck nxt = path.get(i + 1);
        ExchangeCheck ce = w.exchanges().get(i);
        ExchangeCheck ne = w.exchanges().get(i + 1);
        Evidence[] ev = {
          Evidence.of("exchange", cur.exchange()),
          Evidence.of("failed", cur.addressText() + ": " + cur.summary()),
          Evidence.of("next", nxt.exchange() + " " + nxt.addressText())
        };
        if (ce == ne) {
          if (cur.ipv6() && !nxt.ipv6()) {
            out.add(
                DeliveryFinding.FALLBACK_IPV4.finding(
                    cur.exchange()
                        + ": the IPv6 address "
                        + cur.addressText()
                        + " "
                        + failure(cur)
                        + "; an MTA falls back to its IPv4 address "
                        + nxt.addressText(),
                    ev));
          } else {
            out.add(
                DeliveryFinding.FALLBACK_ADDRESS.finding(
                    cur.exchange()
                        + ": "
                        + cur.addressText()
                        + " "
                        + failure(cur)
                        + "; an MTA tries "
                        + nxt.addressText()
                        + " next",
                    ev));
          }
        } else {
          out.add(
              DeliveryFinding.FALLBACK_EXCHANGE.finding(
                  cur.exchange()
                      + " (preference "
                      + ce.preference()
                      + ") "
                      + failure(cur)
                      + "; an MTA moves on to "
                      + nxt.exchange()
                      + " (preference "
                      + ne.preference()
                      + ")",
                  ev));
        }
      }
    }
    // Exchanges whose own answers contradict each other's.
    List<ExchangeCheck> accepting = new ArrayList<>();
    List<ExchangeCheck> refusing = new ArrayList<>();
    for (ExchangeCheck e : checks) {
      Status s = e.status();
      if (s == Status.ACCEPTED) {
        accepting.add(e);
      } else if (s == Status.RECIPIENT_REFUSED || s == Status.SENDER_REFUSED) {
        refusing.add(e);
      }
    }
    if (!accepting.isEmpty() && !refusing.isEmpty()) {
      List<String> parts = new ArrayList<>();
      List<Evidence> ev = new ArrayList<>();
      for (ExchangeCheck e : checks) {
        if (accepting.contains(e) || refusing.contains(e)) {
          AddressCheck a = e.answer().orElseThrow();
          parts.add(e.host() + " " + (e.status() == Status.ACCEPTED ? "accepts" : "refuses"));
          ev.add(Evidence.of(e.host(), decisiveReply(a)));
        }
      }
      out.add(
          DeliveryFinding.EXCHANGES_DISAGREE.finding(
              "for " + in.target().recipient() + ": " + String.join(", ", parts),
              ev.toArray(new Evidence[0])));
    }
    if (stage == DeliveryStage.ACCEPTED) {
      ExchangeCheck de = w.decidingExchange();
      for (ExchangeCheck e : checks) {
        if (e.position() > de.position() && BROKEN.contains(e.status())) {
          AddressCheck a = e.answer().orElseThrow();
          out.add(
              DeliveryFinding.BACKUP_FAILED.finding(
                  e.host()
                      + " (preference "
                      + e.preference()
                      + ") "
                      + failure(a)
                      + ": "
                      + a.summary(),
                  Evidence.of("exchange", e.host()),
                  Evidence.of("exchange-address", a.addressText())));
        }
      }
      Optional<TlsInfo> tls = d.tls();
      if (tls.isPresent() && tls.get().established() && !tls.get().verified()) {
        TlsInfo t = tls.get();
        List<String> problems = new ArrayList<>();
        if (!t.chainValid()) {
          problems.add("the chain is not trusted");
        }
        if (t.expired()) {
          problems.add("the certificate has expired or is not yet valid");
        }
        if (!t.hostnameValid()) {
          problems.add("the certificate does not name " + t.serverName().orElse(d.exchange()));
        }
        out.add(
            DeliveryFinding.TLS_UNVERIFIED.finding(
                at(d)
                    + " takes the mail over TLS that does not validate: "
                    + String.join(", ", problems),
                Evidence.of("exchange", d.exchange()),
                Evidence.of("exchange-address", d.addressText()),
                Evidence.of("certificate", t.subject().orElse("(none)"))));
      }
    }
    if (in.deadlineHit()) {
      long skipped =
          checks.stream()
              .flatMap(e -> e.addresses().stream())
              .filter(a -> a.summary().contains("deadline"))
              .count();
      out.add(
          DeliveryFinding.DEADLINE_EXCEEDED.finding(
              "the overall deadline of "
                  + Durations.format(in.deadline())
                  + " passed; "
                  + skipped
                  + " address(es) were cut short or not tried",
              Evidence.of("deadline", Durations.format(in.deadline()))));
    }
    if (!in.beyondLimit().isEmpty()) {
      out.add(
          DeliveryFinding.EXCHANGE_LIMIT.finding(
              "only the first "
                  + in.slots().size()
                  + " of "
                  + (in.slots().size() + in.beyondLimit().size())
                  + " exchanges were checked",
              Evidence.of("max-exchanges", in.slots().size())));
    }
    return out;
  }
}
