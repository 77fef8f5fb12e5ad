package dev.mailpath.diag.posture;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.auth.internal.AuthDns;
import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DomainName;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.dns.DnsQuery;
import dev.mailpath.diag.dns.DnsSettings;
import dev.mailpath.diag.dns.RecordType;
import dev.mailpath.diag.posture.internal.MtaStsParsers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Checks a domain's SMTP TLS Reporting record (RFC 8460): the TXT record at {@code
 * _smtp._tls.<domain>}, {@code v=TLSRPTv1; rua=mailto:...,https://...}: exactly one record, its
 * syntax, one {@code rua} field, and every destination {@code mailto:} or {@code https:} (never
 * plain {@code http:}).
 *
 * <pre>{@code
 * TlsRptReport r = TlsRptCheck.builder().dns(d -> d.server("127.0.0.1:5353")).build()
 *     .check("example.org");
 * r.rua();   // [mailto:tls-reports@example.org]
 * }</pre>
 *
 * <p>A class of its own rather than a method of {@link MtaStsCheck}: TLS-RPT serves DANE as much as
 * MTA-STS, needs only one DNS question and no HTTPS, and a caller (or the aggregate posture check)
 * can run it alone and in parallel with the others.
 *
 * <p><b>Errors.</b> Missing, duplicate and malformed records and DNS failures are findings in a
 * normally returned report; a malformed domain is an {@link IllegalArgumentException} before any
 * query. Immutable and thread-safe once built.
 */
public final class TlsRptCheck {
  private final DnsSettings dns;
  private final DiagEnvironment environment;
  private final Duration deadline;
  private final DnsQuery query;

  private TlsRptCheck(Builder b) {
    this.dns = b.dns;
    this.environment = b.environment;
    this.deadline = b.deadline;
    Duration dnsDeadline = dns.deadline().compareTo(deadline) < 0 ? dns.deadline() : deadline;
    DnsSettings resolved =
        dns.toBuilder().servers(dns.serversOrSystem()).deadline(dnsDeadline).build();
    this.query =
        DnsQuery.builder().dns(resolved).recursionDesired(true).environment(environment).build();
  }

  /**
   * Starts configuring a check.
   *
   * @return a builder with the system's resolvers, the system environment and a 30 s deadline
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this check's settings, to derive a variant.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.dns = dns;
    b.environment = environment;
    b.deadline = deadline;
    return b;
  }

  /**
   * Returns the DNS settings.
   *
   * @return the settings
   */
  public DnsSettings dns() {
    return dns;
  }

  /**
   * Returns the bound of one call.
   *
   * @return the deadline
   */
  public Duration deadline() {
    return deadline;
  }

  /**
   * Checks a domain's TLS-RPT record.
   *
   * @param domain a domain such as {@code example.org}
   * @return the report; DNS failures are findings in it
   * @throws IllegalArgumentException when the domain is malformed, before any query
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public TlsRptReport check(String domain) {
    return MtaStsCheck.await(checkAsync(domain));
  }

  /**
   * Checks a checked domain name.
   *
   * @param domain the domain
   * @return the report
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public TlsRptReport check(DomainName domain) {
    return check(requireNonNull(domain, "domain").ascii());
  }

  /**
   * Checks a domain's TLS-RPT record without blocking the caller; {@code cancel(true)} cancels the
   * query.
   *
   * @param domain the domain
   * @return a future of the report, completed on the environment's executor
   * @throws IllegalArgumentException at once when the domain is malformed
   */
  public CompletableFuture<TlsRptReport> checkAsync(String domain) {
    requireNonNull(domain, "domain");
    String name = DomainName.of(domain).ascii().toLowerCase(Locale.ROOT);
    long start = environment.timeSource().nanoTime();
    Instant startedAt = environment.timeSource().instant();
    String recordName = "_smtp._tls." + name;
    CompletableFuture<dev.mailpath.diag.dns.DnsQueryReport> asked =
        query.askAsync(recordName, RecordType.TXT);
    CompletableFuture<TlsRptReport> result =
        asked.thenApply(
            r -> {
              AuthDns.Answer t = AuthDns.classify(r.name(), RecordType.TXT, r);
              TlsRptReport.Builder rb =
                  TlsRptReport.builder().domain(name).startedAt(startedAt).addQuery(t.lookup());
              evaluate(rb, recordName, t);
              rb.elapsed(
                  Duration.ofNanos(Math.max(0, environment.timeSource().nanoTime() - start)));
              return rb.build();
            });
    result.whenComplete(
        (r, e) -> {
          if (result.isCancelled()) {
            asked.cancel(true);
          }
        });
    return result;
  }

  private static void evaluate(TlsRptReport.Builder rb, String recordName, AuthDns.Answer t) {
    if (t.status() == AuthDns.Status.TEMPERROR) {
      rb.addFinding(
          MtaStsFinding.TEMPERROR.finding(
              "no answer for " + recordName + ": " + t.error().orElse("temporary error"),
              Evidence.of("name", recordName)));
      return;
    }
    List<String> candidates = t.texts().stream().filter(MtaStsParsers::isTlsRptRecord).toList();
    if (candidates.isEmpty()) {
      rb.addFinding(
          MtaStsFinding.TLSRPT_ABSENT.finding(
              recordName + " has no v=TLSRPTv1 record", Evidence.of("name", recordName)));
      return;
    }
    if (candidates.size() > 1) {
      rb.addFinding(
          MtaStsFinding.TLSRPT_MULTIPLE_RECORDS.finding(
              candidates.size() + " TXT records at " + recordName + " start with v=TLSRPTv1",
              candidates.stream()
                  .limit(10)
                  .map(c -> Evidence.of("record", MtaStsParsers.clip(c)))
                  .toArray(Evidence[]::new)));
      return;
    }
    String text = candidates.get(0);
    rb.record(text);
    MtaStsParsers.TlsRptResult parsed = MtaStsParsers.parseTlsRpt(text);
    Evidence rec = Evidence.of("record", MtaStsParsers.clip(text));
    if (!parsed.syntax().isEmpty()) {
      Evidence[] ev = new Evidence[parsed.syntax().size() + 1];
      ev[0] = rec;
      for (int i = 0; i < parsed.syntax().size(); i++) {
        ev[i + 1] = Evidence.of("problem", parsed.syntax().get(i));
      }
      rb.addFinding(
          MtaStsFinding.TLSRPT_SYNTAX.finding(recordName + ": " + parsed.syntax().get(0), ev));
    }
    for (String bad : parsed.badSchemes()) {
      boolean http = bad.toLowerCase(Locale.ROOT).startsWith("http:");
      rb.addFinding(
          MtaStsFinding.TLSRPT_RUA_SCHEME.finding(
              http
                  ? "destination " + bad + " uses plain http: reports must go to https"
                  : "destination " + bad + " is neither mailto: nor https:",
              rec));
    }
    parsed.rua().forEach(rb::addRua);
  }

  /**
   * Configures a {@link TlsRptCheck}. Not thread-safe; setters validate at once and name the bad
   * parameter.
   */
  public static final class Builder {
    private DnsSettings dns = DnsSettings.system();
    private DiagEnvironment environment = DiagEnvironment.system();
    private Duration deadline = MtaStsCheck.DEFAULT_DEADLINE;

    private Builder() {}

    /**
     * Sets the DNS servers and transport options, replacing any set before.
     *
     * @param dns the settings
     * @return this builder
     */
    public Builder dns(DnsSettings dns) {
      this.dns = requireNonNull(dns, "dns");
      return this;
    }

    /**
     * Changes some DNS settings, starting from the ones set so far.
     *
     * @param changes edits applied to a {@link DnsSettings} builder
     * @return this builder
     */
    public Builder dns(Consumer<DnsSettings.Builder> changes) {
      requireNonNull(changes, "changes");
      DnsSettings.Builder b = dns.toBuilder();
      changes.accept(b);
      dns = b.build();
      return this;
    }

    /**
     * Sets the environment: clock, executor and event listeners.
     *
     * @param environment the environment
     * @return this builder
     */
    public Builder environment(DiagEnvironment environment) {
      this.environment = requireNonNull(environment, "environment");
      return this;
    }

    /**
     * Changes some seams of the environment.
     *
     * @param changes edits to the environment builder
     * @return this builder
     */
    public Builder environment(Consumer<DiagEnvironment.Builder> changes) {
      requireNonNull(changes, "changes");
      this.environment = environment.with(changes);
      return this;
    }

    /**
     * Sets the bound of one call (it caps {@link DnsSettings#deadline()}).
     *
     * @param deadline a positive duration (default 30 s)
     * @return this builder
     * @throws IllegalArgumentException when the deadline is zero or negative
     */
    public Builder deadline(Duration deadline) {
      requireNonNull(deadline, "deadline");
      if (deadline.isZero() || deadline.isNegative()) {
        throw new IllegalArgumentException("deadline must be positive: " + deadline);
      }
      this.deadline = deadline;
      return this;
    }

    /**
     * Builds the check.
     *
     * @return an immutable, thread-safe check
     * @throws IllegalStateException when no DNS server was set and the system has none
     */
    public TlsRptCheck build() {
      return new TlsRptCheck(this);
    }
  }
}
