package dev.mailpath.diag.trace;

import dev.mailpath.diag.auth.DkimFinding;
import dev.mailpath.diag.auth.DkimReport;
import dev.mailpath.diag.auth.DkimResult;
import dev.mailpath.diag.auth.DkimSignatureResult;
import dev.mailpath.diag.auth.DkimVerifier;
import dev.mailpath.diag.auth.DmarcCheck;
import dev.mailpath.diag.auth.DmarcDisposition;
import dev.mailpath.diag.auth.DmarcIdentifierCheck;
import dev.mailpath.diag.auth.DmarcPolicy;
import dev.mailpath.diag.auth.DmarcReport;
import dev.mailpath.diag.auth.DmarcResult;
import dev.mailpath.diag.auth.SpfCheck;
import dev.mailpath.diag.auth.SpfIdentity;
import dev.mailpath.diag.auth.SpfReport;
import dev.mailpath.diag.auth.SpfResult;
import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DomainName;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.core.internal.Addresses;
import dev.mailpath.diag.trace.MessageAuthenticationReport.Comparison;
import dev.mailpath.diag.trace.MessageAuthenticationReport.Source;
import dev.mailpath.diag.trace.internal.AuthResultsParser;
import dev.mailpath.diag.trace.internal.HeaderFields;
import dev.mailpath.diag.trace.internal.ReceivedParser;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One run of {@link MessageAuthentication}: header reading, the three checks, the verdict. */
final class MessageAuthenticationRun {

  /** The SMTP connection of the receiving hop. */
  record Connection(InetAddress ip, String helo, String mailFrom, Source source) {}

  private static final Pattern KEY_VALUE =
      Pattern.compile(
          "(?i)(client-ip|helo|envelope-from)\\s*=\\s*(\"[^\"]{0,1000}\"|[^;\\s]{1,1000})");
  private static final Pattern ADDR_SPEC = Pattern.compile("<([^<>]{0,1000})>");

  private final SpfCheck spf;
  private final DkimVerifier dkim;
  private final DmarcCheck dmarc;
  private final DiagEnvironment environment;
  private final Set<String> trustedAuthservIds;

  MessageAuthenticationRun(
      SpfCheck spf,
      DkimVerifier dkim,
      DmarcCheck dmarc,
      DiagEnvironment environment,
      Set<String> trustedAuthservIds) {
    this.spf = spf;
    this.dkim = dkim;
    this.dmarc = dmarc;
    this.environment = environment;
    this.trustedAuthservIds = trustedAuthservIds;
  }

  MessageAuthenticationReport run(byte[] message, Connection given) {
    Instant startedAt = environment.timeSource().instant();
    long t0 = environment.timeSource().nanoTime();
    HeaderFields headers = HeaderFields.parse(message);
    List<Finding> findings = new ArrayList<>();

    Connection c = given != null ? given : connectionFrom(headers);
    Optional<String> fromDomain = fromDomain(headers, findings);

    Optional<SpfReport> spfReport = Optional.empty();
    if (c.ip() != null) {
      String helo = c.helo() == null || c.helo().isBlank() ? unknownHelo(c.ip()) : c.helo();
      spfReport = Optional.of(spf.check(c.ip(), c.mailFrom(), helo));
    } else {
      findings.add(
          TraceFinding.AUTH_NO_CONNECTION.finding(
              "No Received-SPF field and no Received field with the client's address: SPF not"
                  + " checked"));
    }
    DkimReport dkimReport = dkim.verify(message);

    Optional<DmarcReport> dmarcReport = Optional.empty();
    if (fromDomain.isPresent()) {
      SpfReport forDmarc =
          spfReport.orElseGet(
              () ->
                  SpfReport.builder()
                      .result(SpfResult.NONE)
                      .identity(SpfIdentity.MAIL_FROM)
                      .domain(fromDomain.get())
                      .startedAt(startedAt)
                      .build());
      dmarcReport = Optional.of(dmarc.evaluate(fromDomain.get(), forDmarc, dkimReport));
    }

    int arcSets = headers.named("ARC-Seal").size();
    if (arcSets > 0) {
      findings.add(
          TraceFinding.AUTH_ARC_PRESENT.finding(
              arcSets + " ARC set(s): an intermediary recorded earlier results (not validated)"));
    }

    String verdict = verdict(fromDomain, spfReport, dkimReport, dmarcReport, c, false);
    if (dmarcReport.isPresent()) {
      DmarcResult r = dmarcReport.get().result();
      if (r == DmarcResult.FAIL) {
        findings.add(TraceFinding.AUTH_DMARC_FAIL.finding(verdict));
      } else if (r == DmarcResult.NONE && dmarcReport.get().alignedIdentifier().isEmpty()) {
        findings.add(TraceFinding.AUTH_UNAUTHENTICATED.finding(verdict));
      }
    }

    List<Comparison> comparisons =
        compare(headers, spfReport, dkimReport, dmarcReport, findings, verdict);

    Duration elapsed = Duration.ofNanos(environment.timeSource().nanoTime() - t0);
    return withFixes(
        new MessageAuthenticationReport(
            Optional.ofNullable(c.ip()),
            Optional.ofNullable(c.helo()),
            c.mailFrom() == null ? "" : c.mailFrom(),
            c.source(),
            fromDomain,
            spfReport,
            dkimReport,
            dmarcReport,
            arcSets,
            comparisons,
            verdict,
            List.of(),
            findings,
            startedAt,
            elapsed));
  }

  /**
   * The no-message case: SPF for the connection, DMARC for the MAIL FROM domain (or the HELO domain
   * of a bounce), DKIM NONE. From: is unknown, so the DMARC result stands for a message whose From:
   * domain is the MAIL FROM domain, and the verdict says so.
   */
  MessageAuthenticationReport runConnection(Connection c) {
    Instant startedAt = environment.timeSource().instant();
    long t0 = environment.timeSource().nanoTime();
    List<Finding> findings = new ArrayList<>();
    String helo = c.helo() == null || c.helo().isBlank() ? unknownHelo(c.ip()) : c.helo();
    SpfReport spfReport = spf.check(c.ip(), c.mailFrom(), helo);
    DkimReport dkimReport = DkimReport.builder().startedAt(startedAt).build();
    Optional<String> dmarcDomain = Optional.empty();
    try {
      dmarcDomain = Optional.of(DomainName.of(spfReport.domain()).ascii());
    } catch (IllegalArgumentException e) {
      // an address literal as HELO of a bounce: no domain to look up a policy for
    }
    Optional<DmarcReport> dmarcReport =
        dmarcDomain.map(d -> dmarc.evaluate(d, spfReport, dkimReport));
    String identity = c.mailFrom().isEmpty() ? "HELO" : "MAIL FROM";
    StringBuilder sb = new StringBuilder("No message: From: and DKIM were not available, so ");
    sb.append(
        dmarcDomain
            .map(d -> "DMARC is evaluated for the " + identity + " domain " + d + ". ")
            .orElse("DMARC is not evaluated (no " + identity + " domain). "));
    String rest =
        verdict(
            dmarcDomain, Optional.of(spfReport), dkimReport, dmarcReport, c, /* noMessage= */ true);
    sb.append(rest);
    String verdict = sb.toString();
    findings.add(
        TraceFinding.AUTH_CONNECTION_ONLY.finding(
            "From: and DKIM were not available: "
                + dmarcDomain
                    .map(d -> "DMARC evaluated for the " + identity + " domain " + d)
                    .orElse("DMARC not evaluated")));
    dmarcReport.ifPresent(
        d -> {
          if (d.result() == DmarcResult.FAIL) {
            findings.add(TraceFinding.AUTH_DMARC_FAIL.finding(verdict));
          } else if (d.result() == DmarcResult.NONE && d.alignedIdentifier().isEmpty()) {
            findings.add(TraceFinding.AUTH_UNAUTHENTICATED.finding(verdict));
          }
        });
    Duration elapsed = Duration.ofNanos(environment.timeSource().nanoTime() - t0);
    return withFixes(
        new MessageAuthenticationReport(
            Optional.of(c.ip()),
            Optional.ofNullable(c.helo() == null || c.helo().isBlank() ? null : c.helo()),
            c.mailFrom(),
            c.source(),
            Optional.empty(),
            Optional.of(spfReport),
            dkimReport,
            dmarcReport,
            0,
            List.of(),
            verdict,
            List.of(),
            findings,
            startedAt,
            elapsed));
  }

  /** The report with its fixes, which are derived from the report's own results. */
  private static MessageAuthenticationReport withFixes(MessageAuthenticationReport r) {
    List<String> fixes = fixes(r);
    return fixes.isEmpty()
        ? r
        : new MessageAuthenticationReport(
            r.clientIp(),
            r.helo(),
            r.mailFrom(),
            r.connectionSource(),
            r.fromDomain(),
            r.spf(),
            r.dkim(),
            r.dmarc(),
            r.arcSets(),
            r.comparisons(),
            r.verdict(),
            fixes,
            r.findings(),
            r.startedAt(),
            r.elapsed());
  }

  /** A HELO stand-in when the receiving hop did not record one: the address literal. */
  private static String unknownHelo(InetAddress ip) {
    return "[" + Addresses.format(ip) + "]";
  }

  // ------------------------------------------------------------------ the connection

  static Connection connectionFrom(HeaderFields headers) {
    List<HeaderFields.Field> spfFields = headers.named("Received-SPF");
    if (!spfFields.isEmpty()) {
      String value = spfFields.get(0).value();
      InetAddress ip = null;
      String helo = null;
      String from = null;
      Matcher m = KEY_VALUE.matcher(value);
      while (m.find()) {
        String v = m.group(2);
        if (v.startsWith("\"")) {
          v = v.substring(1, v.length() - 1);
        }
        switch (m.group(1).toLowerCase(Locale.ROOT)) {
          case "client-ip" -> ip = ReceivedParser.toAddress(v);
          case "helo" -> helo = v;
          default -> from = v;
        }
      }
      if (ip != null) {
        return new Connection(
            ip, helo, from == null ? returnPath(headers) : from, Source.RECEIVED_SPF);
      }
    }
    ReceivedHop chosen = null;
    for (HeaderFields.Field f : headers.named("Received")) {
      ReceivedHop hop = ReceivedParser.parse(f.value()).hop.build();
      if (hop.address().isEmpty() || isLocalHandOver(hop)) {
        continue;
      }
      if (chosen == null) {
        chosen = hop;
      }
      if (!hop.address().get().isLoopbackAddress()) {
        chosen = hop;
        break;
      }
    }
    if (chosen == null) {
      return new Connection(null, null, returnPath(headers), Source.UNKNOWN);
    }
    return new Connection(
        chosen.address().get(),
        chosen.heloName().orElse(null),
        returnPath(headers),
        Source.RECEIVED);
  }

  private static boolean isLocalHandOver(ReceivedHop hop) {
    String with = hop.with().orElse("").toUpperCase(Locale.ROOT);
    return with.startsWith("LMTP") || with.equals("LOCAL") || with.startsWith("HTTP");
  }

  /** The topmost Return-Path's address; empty text for {@code <>} or none. */
  private static String returnPath(HeaderFields headers) {
    List<HeaderFields.Field> rp = headers.named("Return-Path");
    if (rp.isEmpty()) {
      return "";
    }
    String v = rp.get(0).value().trim();
    Matcher m = ADDR_SPEC.matcher(v);
    return m.find() ? m.group(1).trim() : v;
  }

  // ------------------------------------------------------------------ From:

  private static Optional<String> fromDomain(HeaderFields headers, List<Finding> findings) {
    List<HeaderFields.Field> from = headers.named("From");
    if (from.isEmpty()) {
      findings.add(TraceFinding.AUTH_NO_FROM.finding("The message has no From: field"));
      return Optional.empty();
    }
    Set<String> domains = new LinkedHashSet<>();
    for (HeaderFields.Field f : from) {
      domains.addAll(addressDomains(f.value()));
    }
    if (domains.isEmpty()) {
      findings.add(
          TraceFinding.AUTH_NO_FROM.finding(
              "The From: field has no readable address", Evidence.of("From", from.get(0).value())));
      return Optional.empty();
    }
    if (from.size() > 1 || domains.size() > 1) {
      findings.add(
          TraceFinding.AUTH_NO_FROM.finding(
              Severity.WARNING,
              "Several From: addresses or fields ("
                  + String.join(", ", domains)
                  + "): DMARC is evaluated for the first; receivers may reject the message",
              Evidence.of("From", from.get(0).value())));
    }
    return Optional.of(domains.iterator().next());
  }

  /** The domains of the addresses in a From: value: {@code Name <a@b>, c@d} gives b, d. */
  static List<String> addressDomains(String value) {
    List<String> out = new ArrayList<>();
    String v = value.replaceAll("\\([^()]{0,1000}\\)", " ");
    List<String> candidates = new ArrayList<>();
    Matcher m = ADDR_SPEC.matcher(v);
    while (m.find()) {
      candidates.add(m.group(1));
    }
    if (candidates.isEmpty()) {
      for (String part : v.split(",")) {
        candidates.add(part.trim());
      }
    }
    for (String a : candidates) {
      int at = a.lastIndexOf('@');
      if (at < 0 || at == a.length() - 1) {
        continue;
      }
      String d = a.substring(at + 1).trim();
      try {
        out.add(DomainName.of(d).ascii());
      } catch (IllegalArgumentException e) {
        // not a domain: not an address DMARC can use
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ verdict and comparison

  private static String verdict(
      Optional<String> fromDomain,
      Optional<SpfReport> spf,
      DkimReport dkim,
      Optional<DmarcReport> dmarc,
      Connection c,
      boolean noMessage) {
    if (fromDomain.isEmpty()) {
      return "No usable From: domain, so DMARC cannot be evaluated.";
    }
    String from = fromDomain.get();
    StringBuilder sb = new StringBuilder();
    DmarcResult result = dmarc.map(DmarcReport::result).orElse(DmarcResult.NONE);
    sb.append("DMARC ").append(result.toString().toLowerCase(Locale.ROOT));
    sb.append(noMessage ? " for " : " for From: ").append(from).append('.');
    spf.ifPresent(
        s -> {
          sb.append(" SPF ").append(s.result().toString().toLowerCase(Locale.ROOT));
          sb.append(" for ")
              .append(c.ip() == null ? "?" : Addresses.format(c.ip()))
              .append(" at ")
              .append(s.domain());
          if (!sameOrSub(s.domain(), from) && !sameOrSub(from, s.domain())) {
            sb.append(" (not the From: domain)");
          }
          sb.append('.');
        });
    if (dkim.signatures().isEmpty() && !noMessage) {
      sb.append(" No DKIM signature.");
    }
    for (DkimSignatureResult sig : dkim.signatures()) {
      sb.append(" DKIM d=").append(sig.domain()).append(" s=").append(sig.selector());
      sb.append(' ').append(sig.result().toString().toLowerCase(Locale.ROOT));
      sig.reason().ifPresent(r -> sb.append(" (").append(r).append(')'));
      sb.append('.');
    }
    dmarc.ifPresent(
        d -> {
          if (d.result() == DmarcResult.PASS) {
            d.alignedIdentifier()
                .ifPresent(a -> sb.append(" Aligned: ").append(a.reason()).append('.'));
            return;
          }
          for (DmarcIdentifierCheck id : d.identifiers()) {
            if (!id.aligned() || !id.authenticated()) {
              sb.append(' ').append(id.reason());
              if (!id.reason().endsWith(".")) {
                sb.append('.');
              }
            }
          }
          if (d.result() == DmarcResult.FAIL) {
            sb.append(" The policy")
                .append(
                    d.appliedTag()
                        .map(
                            t ->
                                " "
                                    + t
                                    + "="
                                    + d.policy()
                                        .appliedPolicy()
                                        .map(DmarcPolicy::tagValue)
                                        .orElse("?")
                                    + d.policy().policyDomain().map(pd -> " of " + pd).orElse(""))
                        .orElse(""))
                .append(" asks receivers to ")
                .append(
                    switch (d.disposition()) {
                      case REJECT -> "reject it";
                      case QUARANTINE -> "quarantine it (the Junk folder)";
                      default -> "deliver it anyway (monitoring only)";
                    })
                .append(d.testing() ? ", in testing mode (t=y)." : ".");
          }
        });
    return sb.toString();
  }

  /**
   * What the sender must fix, derived from the report's SPF, DKIM and DMARC results; most direct
   * first. Empty when nothing needs fixing.
   */
  static List<String> fixes(MessageAuthenticationReport a) {
    List<String> out = new ArrayList<>();
    Optional<DmarcReport> dmarc = a.dmarc();
    boolean noMessage = a.fromDomain().isEmpty();
    Optional<String> from = a.fromDomain();
    if (a.spf().isPresent()) {
      SpfReport s = a.spf().get();
      String ip = a.clientIp().map(Addresses::format).orElse(s.ip());
      switch (s.result()) {
        case FAIL, SOFTFAIL -> {
          String all = s.result() == SpfResult.FAIL ? "-all" : "~all";
          String term = s.matchedTerm().orElse(all);
          out.add(
              term.endsWith("all")
                  ? "Add "
                      + ip
                      + " (or the sending provider's include:) to the SPF record of "
                      + s.domain()
                      + ": it says "
                      + term
                      + " and does not list it"
                  : "The SPF record of "
                      + s.domain()
                      + " refuses "
                      + ip
                      + " with "
                      + term
                      + ": remove that term if the server is allowed to send");
        }
        case NONE ->
            out.add(
                "Publish an SPF record for "
                    + s.domain()
                    + " that lists "
                    + ip
                    + " (or the sending provider's include:)");
        case PERMERROR ->
            out.add(
                "Fix the SPF record of "
                    + s.domain()
                    + ": it cannot be evaluated (permerror)"
                    + s.explanation().map(e -> ": " + e).orElse(""));
        default -> {
          // PASS, NEUTRAL, TEMPERROR: nothing the record's owner must change
        }
      }
    }
    for (DkimSignatureResult sig : a.dkim().signatures()) {
      String key = sig.selector() + "._domainkey." + sig.domain();
      if (sig.has(DkimFinding.KEY_MISSING)) {
        out.add("Publish the DKIM key of selector " + sig.selector() + " at " + key);
      } else if (sig.has(DkimFinding.KEY_REVOKED)) {
        out.add("The DKIM key at " + key + " is revoked (empty p=): sign with a current selector");
      } else if (sig.result() == DkimResult.FAIL && sig.has(DkimFinding.BODY_HASH)) {
        out.add(
            "Something changed the body after it was signed with d="
                + sig.domain()
                + " (a footer, a disclaimer, a gateway rewriting links): sign after that step,"
                + " or stop the change");
      } else if (sig.result() == DkimResult.FAIL || sig.result() == DkimResult.PERMERROR) {
        out.add(
            "Fix DKIM d="
                + sig.domain()
                + " s="
                + sig.selector()
                + ": "
                + sig.reason().orElse(sig.result().toString().toLowerCase(Locale.ROOT)));
      }
    }
    if (dmarc.isPresent() && dmarc.get().result() != DmarcResult.PASS) {
      DmarcReport d = dmarc.get();
      for (DmarcIdentifierCheck id : d.identifiers()) {
        if (!id.authenticated() || id.aligned() || from.isEmpty()) {
          continue;
        }
        if (id.kind() == DmarcIdentifierCheck.Kind.DKIM) {
          out.add(
              "DKIM d="
                  + id.domain()
                  + " does not align with From: "
                  + from.get()
                  + ": sign with d="
                  + from.get()
                  + " (publish the sending provider's key for "
                  + from.get()
                  + " under <selector>._domainkey."
                  + from.get()
                  + "; providers usually give a CNAME)");
        } else {
          out.add(
              "SPF passes for the MAIL FROM domain "
                  + id.domain()
                  + ", which does not align with From: "
                  + from.get()
                  + ": use a MAIL FROM (Return-Path) address in "
                  + from.get());
        }
      }
      if (!noMessage && a.dkim().signatures().isEmpty() && d.result() == DmarcResult.FAIL) {
        out.add("Sign the messages with DKIM, d=" + d.fromDomain());
      }
      String of = d.fromDomain() + (noMessage ? " (the MAIL FROM domain)" : "");
      if (d.result() == DmarcResult.FAIL) {
        if (d.disposition() == DmarcDisposition.NONE) {
          out.add(
              "The DMARC policy of "
                  + of
                  + " asks for no action (p=none or t=y): the receiver's own filtering decided");
        } else {
          out.add(
              "The DMARC policy "
                  + d.appliedTag().orElse("p")
                  + "="
                  + d.disposition().toString().toLowerCase(Locale.ROOT)
                  + " of "
                  + of
                  + " applied");
        }
      } else if (d.result() == DmarcResult.NONE && d.alignedIdentifier().isEmpty()) {
        out.add(
            "Publish a DMARC record for "
                + d.fromDomain()
                + " once SPF and DKIM pass and align (start with p=none)");
      }
    }
    return out;
  }

  private static boolean sameOrSub(String name, String parent) {
    return name.equals(parent) || name.endsWith("." + parent);
  }

  private List<Comparison> compare(
      HeaderFields headers,
      Optional<SpfReport> spf,
      DkimReport dkim,
      Optional<DmarcReport> dmarc,
      List<Finding> findings,
      String verdict) {
    List<Comparison> out = new ArrayList<>();
    for (HeaderFields.Field f : headers.named("Authentication-Results")) {
      Optional<AuthenticationResults> ar = AuthResultsParser.parse(f.value());
      if (ar.isEmpty()) {
        continue;
      }
      String id = ar.get().authservId().orElse("");
      if (!trustedAuthservIds.isEmpty()
          && !trustedAuthservIds.contains(id.toLowerCase(Locale.ROOT))) {
        continue;
      }
      spf.ifPresent(s -> add(out, ar.get(), id, "spf", s.result().toString()));
      add(out, ar.get(), id, "dkim", dkim.result().toString());
      dmarc.ifPresent(d -> add(out, ar.get(), id, "dmarc", d.result().toString()));
      if (!trustedAuthservIds.isEmpty() || out.size() > 0) {
        break; // the topmost field (of a trusted receiver) is the receiving hop's own
      }
    }
    List<Comparison> differ = out.stream().filter(c -> !c.agrees()).toList();
    if (!differ.isEmpty()) {
      StringBuilder sb = new StringBuilder("The receiver says ");
      for (int i = 0; i < differ.size(); i++) {
        Comparison c = differ.get(i);
        sb.append(i == 0 ? "" : ", ").append(c.method()).append('=').append(c.receiver());
        sb.append(" where mailpath finds ").append(c.mailpath());
      }
      findings.add(TraceFinding.AUTH_RECEIVER_DISAGREES.finding(sb.toString()));
    } else {
      List<Comparison> failed =
          out.stream()
              .filter(c -> !c.receiver().equals("pass") && !c.receiver().equals("none"))
              .toList();
      if (!failed.isEmpty()) {
        Comparison c = failed.get(failed.size() - 1);
        boolean explained =
            findings.stream().anyMatch(f -> f.code().equals(TraceFinding.AUTH_DMARC_FAIL.id()));
        findings.add(
            TraceFinding.AUTH_RECEIVER_AGREES.finding(
                "The receiver says "
                    + c.method()
                    + "="
                    + c.receiver()
                    + " and a fresh check agrees"
                    + (explained ? " (why: trace.auth.dmarc-fail)" : ": " + verdict)));
      }
    }
    return out;
  }

  private static void add(
      List<Comparison> out, AuthenticationResults ar, String id, String method, String ours) {
    ar.result(method)
        .ifPresent(
            theirs -> out.add(new Comparison(method, id, theirs, ours.toLowerCase(Locale.ROOT))));
  }
}
