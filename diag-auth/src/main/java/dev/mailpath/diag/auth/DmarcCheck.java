package dev.mailpath.diag.auth;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.auth.internal.AuthDns;
import dev.mailpath.diag.auth.internal.DmarcEngine;
import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DomainName;
import dev.mailpath.diag.dns.DnsQuery;
import dev.mailpath.diag.dns.DnsSettings;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Checks DMARC as RFC 9989 defines it (the revision of RFC 7489 that replaces the Public Suffix
 * List with the DNS Tree Walk): what policy a domain publishes, and whether a message passes.
 *
 * <pre>{@code
 * DmarcCheck dmarc = DmarcCheck.builder()
 *     .dns(d -> d.server("127.0.0.1:5353").timeout(Duration.ofSeconds(2)))
 *     .timeout(Duration.ofSeconds(10))
 *     .build();
 * DmarcRecordReport policy = dmarc.record("news.example.org");
 * policy.appliedPolicy();          // Optional[REJECT]: sp= of _dmarc.example.org
 * policy.organizationalDomain();   // example.org, FEWEST_LABELS
 *
 * DmarcReport r = dmarc.evaluate("example.org", spfReport, dkimReport);
 * r.result();                      // FAIL
 * r.identifiers();                 // [... DKIM d=mailer.example.net does not align ...]
 * r.disposition();                 // REJECT
 * }</pre>
 *
 * <p><b>What it does.</b> Policy discovery walks the DNS from {@code _dmarc.<domain>} towards the
 * root (at most 8 queries: a name of 8 or more labels continues from its 7 rightmost), takes the
 * first valid record, and decides which of {@code p}, {@code sp} and {@code np} applies, asking
 * whether the domain exists when that matters. The same walk gives the Organizational Domain
 * ({@code psd=n}, {@code psd=y}, or the shortest name with a record) used for relaxed alignment.
 * {@link #record(String)} also checks each external report destination ({@code
 * <org-domain>._report._dmarc.<destination>}). {@link #evaluate} takes SPF and DKIM results made
 * elsewhere: only an SPF PASS for the MAIL FROM identity counts, and any DKIM signature that passed
 * and whose {@code d=} aligns.
 *
 * <p><b>Errors.</b> Missing, duplicate and malformed records, timeouts, SERVFAIL and a call that
 * runs past {@link Builder#timeout(Duration)} are findings in a normally returned report (a
 * temporary DNS error is never "no record": the result is TEMPERROR). Only misuse throws: a
 * malformed domain is an {@link IllegalArgumentException} before any query is sent.
 *
 * <p>Immutable and thread-safe once built; one instance serves any number of calls.
 */
public final class DmarcCheck {
  /** Default bound of one call. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final DnsSettings dns;
  private final DiagEnvironment environment;
  private final Duration timeout;
  private final DmarcEngine engine;

  private DmarcCheck(Builder b) {
    this.dns = b.dns;
    this.environment = b.environment;
    this.timeout = b.timeout;
    DnsSettings resolved = dns.toBuilder().servers(dns.serversOrSystem()).build();
    DnsQuery query =
        DnsQuery.builder().dns(resolved).recursionDesired(true).environment(environment).build();
    this.engine = new DmarcEngine(new AuthDns(query), timeout, environment);
  }

  /**
   * Starts configuring a check.
   *
   * @return a builder with the system's resolvers, the system environment and a 30 s timeout
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
    b.timeout = timeout;
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
   * @return the timeout
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Discovers the DMARC policy that applies to a domain, with every query, the Organizational
   * Domain and the external report destination checks.
   *
   * @param domain a domain such as {@code news.example.org}; Unicode is converted to A-labels
   * @return the report; DNS failures are findings in it
   * @throws IllegalArgumentException when the domain is malformed (see {@link DomainName#of})
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public DmarcRecordReport record(String domain) {
    return DmarcEngine.await(recordAsync(domain));
  }

  /**
   * Discovers the policy of a checked domain name.
   *
   * @param domain the domain
   * @return the report
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public DmarcRecordReport record(DomainName domain) {
    return record(requireNonNull(domain, "domain").ascii());
  }

  /**
   * Discovers the policy without blocking the caller; the future completes on the environment's
   * executor, at the latest when the timeout has passed.
   *
   * @param domain the domain
   * @return a future of the report; it never completes exceptionally for DNS failures
   * @throws IllegalArgumentException at once when the domain is malformed
   */
  public CompletableFuture<DmarcRecordReport> recordAsync(String domain) {
    return engine.recordAsync(domain);
  }

  /**
   * Evaluates DMARC for a message whose SPF and DKIM results are known.
   *
   * @param fromDomain the domain of the From: header field (RFC5322.From)
   * @param spf the SPF result; it counts only for the MAIL FROM identity
   * @param dkim the DKIM verification of the message
   * @return the report; DNS failures are findings in it
   * @throws IllegalArgumentException when the From domain is malformed, before any query
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public DmarcReport evaluate(String fromDomain, SpfReport spf, DkimReport dkim) {
    return DmarcEngine.await(evaluateAsync(fromDomain, spf, dkim));
  }

  /**
   * Evaluates DMARC for a message without blocking the caller.
   *
   * @param fromDomain the domain of the From: header field
   * @param spf the SPF result
   * @param dkim the DKIM verification
   * @return a future of the report; it never completes exceptionally for DNS failures
   * @throws IllegalArgumentException at once when the From domain is malformed
   */
  public CompletableFuture<DmarcReport> evaluateAsync(
      String fromDomain, SpfReport spf, DkimReport dkim) {
    return engine.evaluateAsync(fromDomain, spf, dkim);
  }

  /**
   * Configures a {@link DmarcCheck}. Not thread-safe; setters validate at once and name the bad
   * parameter.
   */
  public static final class Builder {
    private DnsSettings dns = DnsSettings.system();
    private DiagEnvironment environment = DiagEnvironment.system();
    private Duration timeout = DEFAULT_TIMEOUT;

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
     * Sets the bound of one call: past it the report says TEMPERROR ({@code dmarc.temperror}) and
     * no further query is sent.
     *
     * @param timeout a positive duration (default 30 s)
     * @return this builder
     * @throws IllegalArgumentException when the timeout is zero or negative
     */
    public Builder timeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Builds the check.
     *
     * @return an immutable, thread-safe check
     * @throws IllegalStateException when no DNS server was set and the system has none
     */
    public DmarcCheck build() {
      return new DmarcCheck(this);
    }
  }
}
