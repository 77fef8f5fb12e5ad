package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.dns.internal.DnssecService;
import dev.mailpath.diag.dns.internal.Futures;
import dev.mailpath.diag.dns.internal.NioDnsTransport;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Validates DNSSEC itself, from its own trust anchor: is the answer to a name and type secure,
 * insecure, bogus (and why) or indeterminate, and which DS, DNSKEY and RRSIG records make the
 * chain.
 *
 * <pre>{@code
 * DnssecValidator v = DnssecValidator.builder()
 *     .dns(d -> d.server("127.0.0.1:5353").deadline(Duration.ofSeconds(10)))
 *     .trustAnchors(List.of(". IN DS 12345 13 2 3A6F..."))   // a lab root; default: IANA KSK-2017
 *     .build();
 * DnssecReport r = v.validate("mx1.example.test", RecordType.A);
 * r.status();   // BOGUS
 * r.reason();   // Optional[RRSIG of A mx1.example.test. expired at ... (expired signature)]
 * r.chain();    // [DNSKEY . key 12345 alg 13 matches the trust anchor ..., ...]
 * }</pre>
 *
 * <p><b>What it does.</b> It asks the configured servers with the RD, CD and DO flags (a validating
 * resolver then passes on what it has without judging it; an authoritative server that holds every
 * zone of a lab answers like one), and follows the RRSIG signer names from the answer up to a zone
 * whose DNSKEY matches a trust anchor, checking each DS against the DNSKEYs it names and each
 * signature's validity period against the environment's clock. An unsigned answer is insecure only
 * when a signed NSEC or NSEC3 record above it proves a delegation without DS (or an NSEC3 opt-out
 * span covers the delegation); otherwise it is bogus. Negative answers are checked with NSEC and
 * NSEC3 (RFC 5155: closest-encloser proof, NXDOMAIN, NODATA, wildcard NODATA, opt-out), and an
 * answer expanded from a wildcard must come with the proof that no closer name exists. NSEC3
 * records with more than 150 hash iterations (Unbound's default limit, RFC 9276) or an unknown hash
 * algorithm make the answer insecure rather than costing unbounded work. The number of zone steps,
 * the signatures tried per record set, the proof records per reply and the NSEC3 hashes per call
 * are bounded, so a signature loop or a flood of garbage records ends as a bogus verdict.
 *
 * <p><b>Errors.</b> A timeout, SERVFAIL or the deadline ({@link DnsSettings#deadline()}) gives an
 * INDETERMINATE report with the reason; only a malformed name or type throws ({@link
 * IllegalArgumentException}, before any query).
 *
 * <p><b>Key cache.</b> Like a validating resolver, one instance remembers the DNSKEY sets it proved
 * secure (at most 1,024 zones, each until its signatures expire or its TTL passes, at most an
 * hour), so that validating many names under one zone checks the chain from the anchor once: a
 * later report's chain says "keys proven secure by an earlier validation (key cache)" for such a
 * zone. {@link #toBuilder()} gives a new instance with an empty cache.
 *
 * <p>Immutable and thread-safe once built (the key cache is its only state); one instance serves
 * any number of calls. A call holds one thread of the environment's executor while it waits for
 * answers (the chain is followed one question at a time).
 */
public final class DnssecValidator {

  /**
   * The IANA root zone's key-signing key KSK-2017 (key tag 20326, algorithm 8 RSA/SHA-256) as the
   * DS record IANA publishes in {@code root-anchors.xml} (digest type 2, SHA-256).
   */
  public static final String IANA_ROOT_KSK_2017_DS =
      ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D";

  private final DnsSettings dns;
  private final DiagEnvironment environment;
  private final List<String> trustAnchors;
  private final DnssecService service;

  private DnssecValidator(Builder b) {
    this.dns = b.dns;
    this.environment = b.environment;
    this.trustAnchors = b.trustAnchors;
    this.service =
        new DnssecService(
            dns,
            dns.transport(environment.timeSource()),
            environment,
            DnssecService.parseAnchors(trustAnchors));
  }

  /** The transport, for tests that check which clients share one. */
  NioDnsTransport transport() {
    return service.transport();
  }

  /**
   * Starts configuring a validator.
   *
   * @return a builder with the system's resolvers, the system environment and the IANA root trust
   *     anchor
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this validator's settings.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.dns = dns;
    b.environment = environment;
    b.trustAnchors = trustAnchors;
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
   * Returns the trust anchors, in presentation form.
   *
   * @return the DS or DNSKEY records
   */
  public List<String> trustAnchors() {
    return trustAnchors;
  }

  /**
   * Validates the answer to one question.
   *
   * @param name a name such as {@code mx1.example.org}; {@code _25._tcp.} labels are fine
   * @param type the record type
   * @return the report; DNS failures make it INDETERMINATE
   * @throws IllegalArgumentException when the name is malformed or the type cannot be asked
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public DnssecReport validate(String name, RecordType type) {
    return Futures.await(validateAsync(name, type));
  }

  /**
   * Validates without blocking the caller; the future completes on the environment's executor, at
   * the latest shortly after the deadline, and {@code cancel(true)} stops the queries.
   *
   * @param name the name
   * @param type the record type
   * @return a future of the report; it never completes exceptionally for DNS failures
   * @throws IllegalArgumentException at once when the name is malformed
   */
  public CompletableFuture<DnssecReport> validateAsync(String name, RecordType type) {
    requireNonNull(name, "name");
    requireNonNull(type, "type");
    return service.validateAsync(name, type);
  }

  /**
   * Configures a {@link DnssecValidator}. Not thread-safe; setters validate at once and name the
   * bad parameter.
   */
  public static final class Builder {
    private DnsSettings dns = DnsSettings.system();
    private DiagEnvironment environment = DiagEnvironment.system();
    private List<String> trustAnchors = List.of(IANA_ROOT_KSK_2017_DS);

    private Builder() {}

    /**
     * Sets the DNS servers, transport options and the deadline of one call.
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
      DnsSettings.Builder b = dns.toBuilder();
      requireNonNull(changes, "changes").accept(b);
      this.dns = b.build();
      return this;
    }

    /**
     * Sets the environment: clock (signature validity is checked against it), executor, random
     * source.
     *
     * @param environment the environment
     * @return this builder
     */
    public Builder environment(DiagEnvironment environment) {
      this.environment = requireNonNull(environment, "environment");
      return this;
    }

    /**
     * Changes some environment settings, starting from the ones set so far.
     *
     * @param changes edits applied to a {@link DiagEnvironment} builder
     * @return this builder
     */
    public Builder environment(Consumer<DiagEnvironment.Builder> changes) {
      this.environment = environment.with(requireNonNull(changes, "changes"));
      return this;
    }

    /**
     * Sets the trust anchors, replacing the default IANA root anchor: DS or DNSKEY records in
     * zone-file presentation ({@code . IN DS 20326 8 2 E06D...}, {@code lab. IN DNSKEY 257 3 13
     * ...}).
     *
     * @param trustAnchors one record per string, at least one
     * @return this builder
     * @throws IllegalArgumentException when a text is not a DS or DNSKEY record, or the list is
     *     empty
     */
    public Builder trustAnchors(List<String> trustAnchors) {
      List<String> copy = List.copyOf(requireNonNull(trustAnchors, "trustAnchors"));
      DnssecService.parseAnchors(copy);
      this.trustAnchors = copy;
      return this;
    }

    /**
     * Builds the validator.
     *
     * @return the validator
     */
    public DnssecValidator build() {
      return new DnssecValidator(this);
    }
  }
}
