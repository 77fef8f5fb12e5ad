package dev.mailpath.diag.posture.internal;

import dev.mailpath.diag.auth.DkimKeyReport;
import dev.mailpath.diag.auth.DmarcPolicy;
import dev.mailpath.diag.auth.DmarcRecordReport;
import dev.mailpath.diag.auth.SpfRecordReport;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.dns.DnssecStatus;
import dev.mailpath.diag.posture.AddressPosture;
import dev.mailpath.diag.posture.DaneExchangeResult;
import dev.mailpath.diag.posture.DaneFinding;
import dev.mailpath.diag.posture.DaneReport;
import dev.mailpath.diag.posture.DnsblReport;
import dev.mailpath.diag.posture.DnsblResult;
import dev.mailpath.diag.posture.ExchangePosture;
import dev.mailpath.diag.posture.MtaStsMode;
import dev.mailpath.diag.posture.MtaStsReport;
import dev.mailpath.diag.posture.PostureCategory;
import dev.mailpath.diag.posture.PostureScore;
import dev.mailpath.diag.posture.PostureTest;
import dev.mailpath.diag.posture.TlsRptReport;
import dev.mailpath.diag.smtp.TlsInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The scoring rules of a mail posture report, written down in {@code docs/posture.md}: which tests
 * each {@link PostureCategory} has, which are required, and what passes. Stateless.
 */
public final class PostureScoring {
  private PostureScoring() {}

  /**
   * Everything the rules look at.
   *
   * @param exchanges what each exchange showed (empty for a null MX or no MX)
   * @param mxFinished whether the MX lookup finished
   * @param dane the DNSSEC and DANE report, when it finished
   * @param spf the SPF record report, when it finished
   * @param dmarc the DMARC record report, when it finished
   * @param dkim the DKIM keys of the selectors named
   * @param selectorsNamed whether the caller named selectors
   * @param domainKeys whether {@code _domainkey.<domain>} exists (NOERROR), when asked and answered
   * @param mtaSts the MTA-STS report, when it finished
   * @param tlsRpt the TLS-RPT report, when it finished
   * @param dnsbl the blocklist reports
   * @param dnsblConfigured whether any list was configured
   */
  public record Facts(
      List<ExchangePosture> exchanges,
      boolean mxFinished,
      Optional<DaneReport> dane,
      Optional<SpfRecordReport> spf,
      Optional<DmarcRecordReport> dmarc,
      List<DkimKeyReport> dkim,
      boolean selectorsNamed,
      Optional<Boolean> domainKeys,
      Optional<MtaStsReport> mtaSts,
      Optional<TlsRptReport> tlsRpt,
      List<DnsblReport> dnsbl,
      boolean dnsblConfigured) {}

  /**
   * Scores every category.
   *
   * @param f the facts
   * @return one score per category, in enum order
   */
  public static List<PostureScore> score(Facts f) {
    return List.of(
        PostureScore.of(PostureCategory.IPV6, ipv6(f)),
        PostureScore.of(PostureCategory.DNSSEC, dnssec(f)),
        PostureScore.of(PostureCategory.AUTHENTICATION, authentication(f)),
        PostureScore.of(PostureCategory.STARTTLS_DANE, starttlsDane(f)),
        PostureScore.of(PostureCategory.MTA_STS, mtaSts(f)),
        PostureScore.of(PostureCategory.DNSBL, dnsbl(f)));
  }

  private static PostureTest test(
      String id, PostureCategory c, boolean required, Outcome result, String detail) {
    return new PostureTest(id, c, required, result, detail);
  }

  /**
   * A test over every exchange or address: PASS when nothing fails it, else FAIL (WARN for a
   * recommended test, INCONCLUSIVE when undecided) naming what failed.
   */
  private static PostureTest every(
      String id,
      PostureCategory c,
      boolean required,
      List<String> failing,
      boolean undecided,
      String passText,
      String failPrefix) {
    Outcome result =
        failing.isEmpty()
            ? Outcome.PASS
            : undecided ? Outcome.INCONCLUSIVE : required ? Outcome.FAIL : Outcome.WARN;
    return test(
        id,
        c,
        required,
        result,
        failing.isEmpty() ? passText : failPrefix + String.join(", ", failing));
  }

  private static PostureTest undecided(String id, PostureCategory c, boolean required, String why) {
    return test(id, c, required, Outcome.INCONCLUSIVE, why);
  }

  private static String noMx(Facts f) {
    return f.mxFinished()
        ? "no exchange to test (null MX or no mail host)"
        : "the MX lookup did not finish";
  }

  /** Names the exchanges failing a predicate, or empty when all pass. */
  private static List<String> failing(List<ExchangePosture> xs, Predicate<ExchangePosture> ok) {
    List<String> out = new ArrayList<>();
    for (ExchangePosture x : xs) {
      if (!ok.test(x)) {
        out.add(x.host());
      }
    }
    return out;
  }

  private static List<PostureTest> ipv6(Facts f) {
    PostureCategory c = PostureCategory.IPV6;
    List<PostureTest> t = new ArrayList<>();
    if (f.exchanges().isEmpty()) {
      t.add(undecided("ipv6.addresses", c, true, noMx(f)));
      return t;
    }
    List<String> without = failing(f.exchanges(), x -> x.ipv6Addresses() > 0);
    t.add(
        every(
            "ipv6.addresses",
            c,
            true,
            without,
            false,
            "every exchange has an IPv6 address",
            "no IPv6 address: "));
    List<ExchangePosture> withV6 =
        f.exchanges().stream().filter(x -> x.ipv6Addresses() > 0).toList();
    if (!withV6.isEmpty()) {
      List<String> dead =
          failing(
              withV6,
              x ->
                  x.addresses().stream()
                      .filter(AddressPosture::ipv6)
                      .allMatch(AddressPosture::reachable));
      t.add(
          every(
              "ipv6.reachable",
              c,
              true,
              dead,
              false,
              "every IPv6 address tried answered SMTP",
              "IPv6 address without SMTP answer: "));
    }
    return t;
  }

  private static List<PostureTest> dnssec(Facts f) {
    PostureCategory c = PostureCategory.DNSSEC;
    List<PostureTest> t = new ArrayList<>();
    if (f.dane().isEmpty()) {
      t.add(undecided("dnssec.domain", c, true, "the validation did not finish"));
      return t;
    }
    DnssecStatus mx = f.dane().get().mxStatus();
    t.add(
        test(
            "dnssec.domain",
            c,
            true,
            status(mx),
            "the domain's MX records validate as " + mx.name().toLowerCase(Locale.ROOT)));
    if (!f.exchanges().isEmpty()) {
      boolean undecided =
          f.exchanges().stream().anyMatch(x -> x.addressStatus() == DnssecStatus.INDETERMINATE);
      List<String> bad = failing(f.exchanges(), x -> x.addressStatus() == DnssecStatus.SECURE);
      t.add(
          every(
              "dnssec.exchanges",
              c,
              true,
              bad,
              undecided,
              "every exchange's address records are secure",
              "not secure: "));
    }
    return t;
  }

  private static Outcome status(DnssecStatus s) {
    return switch (s) {
      case SECURE -> Outcome.PASS;
      case INDETERMINATE -> Outcome.INCONCLUSIVE;
      default -> Outcome.FAIL;
    };
  }

  /**
   * Tells whether a record check ended in a temporary DNS failure (a timeout, SERVFAIL: RFC 7208's
   * and RFC 9989's temperror), which says nothing about whether the record exists.
   */
  static boolean temporary(List<dev.mailpath.diag.core.Finding> findings) {
    return findings.stream()
        .map(dev.mailpath.diag.core.Finding::code)
        .anyMatch(
            c ->
                c.endsWith(".temperror")
                    || c.endsWith(".dns-timeout")
                    || c.equals("spf.deadline")
                    || c.equals("dns.timeout")
                    || c.equals("dns.servfail"));
  }

  /**
   * The record test of a check that found no record: undecided when DNS failed (a temperror says
   * nothing about the record), failed otherwise.
   */
  private static PostureTest noRecord(
      String id, PostureCategory c, dev.mailpath.diag.core.DiagnosticReport r, String what) {
    boolean dnsTrouble = r.outcome() == Outcome.INCONCLUSIVE || temporary(r.findings());
    return test(
        id,
        c,
        true,
        dnsTrouble ? Outcome.INCONCLUSIVE : Outcome.FAIL,
        dnsTrouble ? "the " + what + " lookup failed" : "no " + what + " record");
  }

  private static boolean serious(List<dev.mailpath.diag.core.Finding> findings) {
    return findings.stream().anyMatch(x -> x.severity().compareTo(Severity.ERROR) >= 0);
  }

  private static List<PostureTest> authentication(Facts f) {
    PostureCategory c = PostureCategory.AUTHENTICATION;
    List<PostureTest> t = new ArrayList<>();
    // SPF: a record, and a policy that ends strictly without errors.
    if (f.spf().isEmpty()) {
      t.add(undecided("spf.record", c, true, "the SPF check did not finish"));
    } else {
      SpfRecordReport spf = f.spf().get();
      if (spf.record().isEmpty()) {
        t.add(noRecord("spf.record", c, spf, "SPF"));
      } else {
        t.add(test("spf.record", c, true, Outcome.PASS, "v=spf1 record published"));
        String all = allQualifier(spf.record().get());
        boolean strict =
            all.equals("-") || all.equals("~") || spf.record().get().contains("redirect=");
        boolean ok = strict && !serious(spf.findings());
        t.add(
            test(
                "spf.policy",
                c,
                true,
                ok ? Outcome.PASS : Outcome.FAIL,
                ok
                    ? "ends in " + (all.isEmpty() ? "a redirect" : all + "all") + " without errors"
                    : !strict
                        ? "does not end in -all or ~all ("
                            + (all.isEmpty() ? "no all" : all + "all")
                            + ")"
                        : "the record has errors: " + firstSerious(spf.findings())));
      }
    }
    // DMARC: a record, and p=quarantine or p=reject.
    if (f.dmarc().isEmpty()) {
      t.add(undecided("dmarc.record", c, true, "the DMARC check did not finish"));
    } else {
      DmarcRecordReport d = f.dmarc().get();
      if (d.record().isEmpty()) {
        t.add(noRecord("dmarc.record", c, d, "DMARC"));
      } else {
        t.add(
            test(
                "dmarc.record",
                c,
                true,
                Outcome.PASS,
                "record at " + d.policyDomain().orElse("_dmarc." + d.domain())));
        Optional<DmarcPolicy> p = d.appliedPolicy();
        boolean strict =
            p.isPresent() && p.get() != DmarcPolicy.NONE && !d.record().get().testing();
        t.add(
            test(
                "dmarc.policy",
                c,
                true,
                strict ? Outcome.PASS : Outcome.FAIL,
                "applied policy "
                    + p.map(DmarcPolicy::tagValue).orElse("none given")
                    + (d.record().get().testing() ? " in test mode (t=y)" : "")));
      }
    }
    // DKIM: the named selectors' keys, or internet.nl's _domainkey existence test.
    if (f.selectorsNamed()) {
      List<String> bad = new ArrayList<>();
      boolean undecided = false;
      for (DkimKeyReport k : f.dkim()) {
        if (!k.usable()) {
          bad.add(k.selector());
          undecided |= k.outcome() == Outcome.INCONCLUSIVE;
        }
      }
      t.add(
          test(
              "dkim.keys",
              c,
              true,
              bad.isEmpty() && !f.dkim().isEmpty()
                  ? Outcome.PASS
                  : undecided ? Outcome.INCONCLUSIVE : Outcome.FAIL,
              bad.isEmpty() && !f.dkim().isEmpty()
                  ? "usable keys for selectors "
                      + String.join(", ", f.dkim().stream().map(DkimKeyReport::selector).toList())
                  : f.dkim().isEmpty()
                      ? "the key lookups did not finish"
                      : "no usable key for selector(s) " + String.join(", ", bad)));
    } else if (f.domainKeys().isEmpty()) {
      t.add(undecided("dkim.keys", c, true, "the _domainkey lookup failed or did not finish"));
    } else {
      t.add(
          test(
              "dkim.keys",
              c,
              true,
              f.domainKeys().get() ? Outcome.PASS : Outcome.FAIL,
              f.domainKeys().get()
                  ? "_domainkey exists (keys are published below it; name selectors to check them)"
                  : "_domainkey does not exist: no DKIM key is published"));
    }
    return t;
  }

  /** Returns the qualifier of the record's {@code all} term ({@code "-"}...), or empty. */
  static String allQualifier(String record) {
    for (String term : record.trim().split("\\s+")) {
      String lower = term.toLowerCase(Locale.ROOT);
      if (lower.equals("all")) {
        return "+";
      }
      if (lower.length() == 4 && lower.endsWith("all") && "+-~?".indexOf(lower.charAt(0)) >= 0) {
        return lower.substring(0, 1);
      }
    }
    return "";
  }

  private static String firstSerious(List<dev.mailpath.diag.core.Finding> findings) {
    return findings.stream()
        .filter(x -> x.severity().compareTo(Severity.ERROR) >= 0)
        .map(x -> x.code())
        .findFirst()
        .orElse("?");
  }

  private static List<PostureTest> starttlsDane(Facts f) {
    PostureCategory c = PostureCategory.STARTTLS_DANE;
    List<PostureTest> t = new ArrayList<>();
    List<AddressPosture> reached =
        f.exchanges().stream()
            .flatMap(x -> x.addresses().stream())
            .filter(AddressPosture::reachable)
            .toList();
    if (f.exchanges().isEmpty()) {
      t.add(undecided("starttls.offered", c, true, noMx(f)));
    } else if (reached.isEmpty()) {
      t.add(undecided("starttls.offered", c, true, "no exchange address answered SMTP from here"));
    } else {
      List<String> without =
          reached.stream().filter(a -> !a.tlsEstablished()).map(AddressPosture::address).toList();
      t.add(
          every(
              "starttls.offered",
              c,
              true,
              without,
              false,
              "every address that answered offers working STARTTLS",
              "no working STARTTLS: "));
      List<AddressPosture> tls = reached.stream().filter(AddressPosture::tlsEstablished).toList();
      if (!tls.isEmpty()) {
        List<String> old =
            tls.stream()
                .filter(
                    a -> ExchangeProber.oldProtocol(a.tls().flatMap(TlsInfo::protocol).orElse("")))
                .map(AddressPosture::address)
                .toList();
        t.add(
            every(
                "starttls.protocol",
                c,
                true,
                old,
                false,
                "TLS 1.2 or newer everywhere",
                "older than TLS 1.2: "));
        List<String> invalid =
            tls.stream()
                .filter(a -> !a.tls().map(TlsInfo::verified).orElse(false))
                .map(AddressPosture::address)
                .toList();
        t.add(
            every(
                "starttls.certificate",
                c,
                false,
                invalid,
                false,
                "every certificate is trusted, current and names its exchange",
                "certificate not valid for the exchange: "));
      }
    }
    if (f.dane().isPresent() && !f.dane().get().exchanges().isEmpty()) {
      List<DaneExchangeResult> xs = f.dane().get().exchanges();
      List<String> without =
          xs.stream()
              .filter(x -> x.tlsaRecords().isEmpty() || x.tlsaStatus() != DnssecStatus.SECURE)
              .map(DaneExchangeResult::exchange)
              .toList();
      boolean undecided = xs.stream().anyMatch(x -> x.tlsaStatus() == DnssecStatus.INDETERMINATE);
      t.add(
          every(
              "dane.exists",
              c,
              true,
              without,
              undecided,
              "every exchange publishes DNSSEC-secure TLSA records",
              "no secure TLSA records: "));
      List<DaneExchangeResult> applied =
          xs.stream().filter(DaneExchangeResult::daneApplies).toList();
      if (!applied.isEmpty()) {
        List<String> mismatched =
            applied.stream()
                .filter(x -> x.matched().isEmpty())
                .map(DaneExchangeResult::exchange)
                .toList();
        boolean noSession =
            applied.stream().anyMatch(x -> x.matched().isEmpty() && x.certificates() == 0);
        t.add(
            test(
                "dane.valid",
                c,
                true,
                mismatched.isEmpty()
                    ? Outcome.PASS
                    : noSession ? Outcome.INCONCLUSIVE : Outcome.FAIL,
                mismatched.isEmpty()
                    ? "every exchange's certificate matches its TLSA records"
                    : "no TLSA match: " + String.join(", ", mismatched)));
        List<String> noRollover =
            applied.stream()
                .filter(
                    x ->
                        x.findings().stream()
                            .noneMatch(g -> g.code().equals(DaneFinding.ROLLOVER.id())))
                .map(DaneExchangeResult::exchange)
                .toList();
        t.add(
            every(
                "dane.rollover",
                c,
                false,
                noRollover,
                false,
                "a second TLSA record is ready for the next key everywhere",
                "one TLSA record only (no rollover in place): "));
      }
    } else if (f.dane().isEmpty()) {
      t.add(undecided("dane.exists", c, true, "the DANE validation did not finish"));
    }
    return t;
  }

  private static List<PostureTest> mtaSts(Facts f) {
    PostureCategory c = PostureCategory.MTA_STS;
    List<PostureTest> t = new ArrayList<>();
    if (f.mtaSts().isEmpty()) {
      t.add(undecided("mta-sts.policy", c, true, "the MTA-STS check did not finish"));
    } else {
      MtaStsReport m = f.mtaSts().get();
      if (m.policy().isEmpty()) {
        boolean undecided = m.outcome() == Outcome.INCONCLUSIVE;
        t.add(
            test(
                "mta-sts.policy",
                c,
                true,
                undecided ? Outcome.INCONCLUSIVE : Outcome.FAIL,
                m.record().isEmpty()
                    ? "no _mta-sts record"
                    : "the policy could not be fetched or read"));
      } else {
        MtaStsMode mode = m.policy().get().mode();
        boolean ok = mode == MtaStsMode.ENFORCE && m.record().isPresent();
        t.add(
            test(
                "mta-sts.policy",
                c,
                true,
                ok ? Outcome.PASS : Outcome.FAIL,
                m.record().isEmpty()
                    ? "a policy is served but no _mta-sts record announces it"
                    : "mode " + mode.value()));
        List<String> uncovered =
            m.exchanges().stream().filter(x -> !x.covered()).map(x -> x.host()).toList();
        t.add(
            every(
                "mta-sts.coverage",
                c,
                true,
                uncovered,
                false,
                "the policy's mx patterns cover every exchange",
                "not covered: "));
        if (mode != MtaStsMode.NONE) {
          List<AddressPosture> tls =
              f.exchanges().stream()
                  .flatMap(x -> x.addresses().stream())
                  .filter(AddressPosture::tlsEstablished)
                  .toList();
          List<String> invalid =
              tls.stream()
                  .filter(a -> !a.tls().map(TlsInfo::verified).orElse(false))
                  .map(AddressPosture::address)
                  .toList();
          t.add(
              tls.isEmpty()
                  ? undecided("mta-sts.certificates", c, true, "no TLS session to judge")
                  : every(
                      "mta-sts.certificates",
                      c,
                      true,
                      invalid,
                      false,
                      "every exchange's certificate validates for its name, as the policy"
                          + " requires",
                      "senders enforcing the policy refuse: "));
        }
      }
    }
    if (f.tlsRpt().isEmpty()) {
      t.add(undecided("tls-rpt.record", c, false, "the TLS-RPT check did not finish"));
    } else {
      TlsRptReport r = f.tlsRpt().get();
      boolean ok = r.record().isPresent() && !serious(r.findings()) && !r.rua().isEmpty();
      t.add(
          test(
              "tls-rpt.record",
              c,
              false,
              ok ? Outcome.PASS : Outcome.WARN,
              ok
                  ? "reports go to " + String.join(", ", r.rua())
                  : r.record().isEmpty() ? "no _smtp._tls record" : "the record has errors"));
    }
    return t;
  }

  private static List<PostureTest> dnsbl(Facts f) {
    PostureCategory c = PostureCategory.DNSBL;
    List<PostureTest> t = new ArrayList<>();
    if (!f.dnsblConfigured()) {
      t.add(undecided("dnsbl.clean", c, true, "no blocklist configured: nothing was asked"));
      return t;
    }
    if (f.dnsbl().isEmpty()) {
      t.add(undecided("dnsbl.clean", c, true, "nothing to ask about (no exchange address)"));
      return t;
    }
    List<String> listed = new ArrayList<>();
    boolean undecided = false;
    for (DnsblReport r : f.dnsbl()) {
      if (r.listed()) {
        listed.add(r.target());
      }
      undecided |= !r.results(DnsblResult.Verdict.INCONCLUSIVE).isEmpty();
    }
    t.add(
        test(
            "dnsbl.clean",
            c,
            true,
            !listed.isEmpty() ? Outcome.FAIL : undecided ? Outcome.INCONCLUSIVE : Outcome.PASS,
            !listed.isEmpty()
                ? "listed: " + String.join(", ", listed)
                : undecided
                    ? "some lists gave no usable answer"
                    : "not listed on any configured list ("
                        + f.dnsbl().size()
                        + (f.dnsbl().size() == 1 ? " target)" : " targets)")));
    return t;
  }
}
