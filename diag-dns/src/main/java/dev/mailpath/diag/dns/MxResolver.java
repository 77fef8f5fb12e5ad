package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DomainName;
import dev.mailpath.diag.dns.internal.MxEngine;
import dev.mailpath.diag.dns.internal.NioDnsTransport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Answers "where does mail for this domain go?" the way a sending MTA would (RFC 5321 §5.1): MX
 * records in preference order, random among equal preferences, the implicit MX when there is none,
 * the null MX of RFC 7505, and each exchange's IPv4 and IPv6 addresses, with findings for
 * everything that is wrong.
 *
 * <pre>{@code
 * MxResolver resolver = MxResolver.builder()
 *     .dns(d -> d.server("127.0.0.1:5353").timeout(Duration.ofSeconds(2)))
 *     .build();
 * MxReport report = resolver.resolve("example.org");
 * report.exchanges();   // [10 mx1.example.org [192.0.2.1], 20 mx2.example.org [...]]
 * report.findings();    // e.g. [dns.mx.dangling ERROR ...]
 * }</pre>
 *
 * <p>Built on dnsjava's message classes and this library's own non-blocking transport, not on
 * dnsjava's {@code Lookup}: no global cache, no search path, no hidden retries; every query is in
 * the report with the server that answered. A resolution is a chain of futures (the MX query, then
 * the address queries of every exchange at once), so {@link #resolveAsync} and {@link #resolveAll}
 * need no thread per domain; {@link #resolve} waits for the same chain.
 *
 * <p><b>Errors.</b> NXDOMAIN, SERVFAIL, timeouts, null MX, dangling exchanges and the like are
 * findings in a normally returned report. So is every way a broken or hostile server can fail to
 * answer: replies with the wrong ID or question and echoed queries are ignored (never taken as an
 * empty answer), compression loops and lying record counts are refused, a truncated answer whose
 * TCP retry fails is not used, out-of-bailiwick additional records are reported and never used,
 * CNAME loops end. Only misuse throws: a malformed domain is an {@link IllegalArgumentException}
 * before any query is sent. In bulk calls a malformed name becomes a report with a {@code
 * dns.invalid-name} finding instead, so one bad line does not abort a run.
 *
 * <p><b>Limits.</b> At most 100 exchanges per domain and 100 addresses per host are resolved (the
 * lowest preferences first); past that a {@code dns.response.too-large} finding says what was left
 * out. CNAME chains are followed for 8 hops.
 *
 * <p>Immutable and thread-safe once built; one instance serves any number of calls. It holds no
 * resources that need closing: the transport's selector thread stops by itself when idle.
 */
public final class MxResolver {
  /** Most exchanges resolved per domain; a hostile answer must not cost thousands of queries. */
  static final int MAX_EXCHANGES = MxEngine.MAX_EXCHANGES;

  /** Most addresses kept per host. */
  static final int MAX_ADDRESSES = MxEngine.MAX_ADDRESSES;

  private final DnsSettings dns;
  private final boolean recursionDesired;
  private final AddressFamily addressFamily;
  private final DiagEnvironment environment;
  private final MxEngine mx;

  private MxResolver(Builder b) {
    this.dns = b.dns;
    this.recursionDesired = b.recursionDesired;
    this.addressFamily = b.addressFamily;
    this.environment = b.environment;
    this.mx =
        new MxEngine(
            dns,
            dns.transport(environment.timeSource()),
            recursionDesired,
            addressFamily,
            environment);
  }

  /**
   * Starts configuring a resolver.
   *
   * @return a new builder with defaults: the system's resolvers, 5 s timeout, 1 retry, UDP with TCP
   *     fallback, EDNS on, RD set, IPv4 and IPv6, 1,024 queries in flight per server, no rate
   *     limit, one I/O thread, the system environment
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this resolver's settings, to derive a variant.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.dns = dns;
    b.recursionDesired = recursionDesired;
    b.addressFamily = addressFamily;
    b.environment = environment;
    return b;
  }

  /**
   * Returns the servers asked, in order.
   *
   * @return the servers
   */
  public List<InetSocketAddress> servers() {
    return mx.servers();
  }

  /**
   * Returns the per-attempt timeout.
   *
   * @return the timeout
   */
  public Duration timeout() {
    return dns.timeout();
  }

  /**
   * Returns the DNS settings this resolver was built with.
   *
   * @return the settings; their servers may be empty (the system's, listed by {@link #servers()})
   */
  public DnsSettings dns() {
    return dns;
  }

  /** The transport, for tests that check what a cancelled call leaves on the wire. */
  NioDnsTransport transport() {
    return mx.transport();
  }

  /**
   * Finds the mail exchanges of a domain.
   *
   * @param domain a domain such as {@code example.org}; Unicode names are converted to A-labels
   * @return the report; DNS failures are findings in it
   * @throws IllegalArgumentException when the domain is malformed (see {@link DomainName#of})
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public MxReport resolve(String domain) {
    return mx.resolve(domain);
  }

  /**
   * Finds the mail exchanges of a checked domain name.
   *
   * @param domain the domain
   * @return the report
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public MxReport resolve(DomainName domain) {
    return mx.resolve(domain);
  }

  /**
   * Finds the mail exchanges of a domain without blocking the caller. The queries go out at once;
   * the future completes on the environment's executor, so that code chained onto it never runs on
   * the transport's selector thread.
   *
   * @param domain the domain
   * @return a future of the report; it never completes exceptionally for DNS failures
   * @throws IllegalArgumentException at once when the domain is malformed
   */
  public CompletableFuture<MxReport> resolveAsync(String domain) {
    return mx.resolveAsync(domain);
  }

  /**
   * Resolves many domains with at most {@code maxInFlight} at once, streaming reports back in
   * completion order (not input order). The input is read lazily and results are handed over as the
   * stream is consumed, so memory stays flat however many domains there are: a slow consumer slows
   * the resolution down (back-pressure), and no thread is started per domain. A malformed name
   * becomes a report with a {@code dns.invalid-name} finding. Closing the stream stops reading the
   * input; resolutions already started finish in the background.
   *
   * <pre>{@code
   * try (Stream<MxReport> reports = resolver.resolveAll(domains, 200)) {
   *   reports.filter(r -> r.outcome() == Outcome.FAIL).forEach(System.out::println);
   * }
   * }</pre>
   *
   * <p>With many domains per server, combine it with {@link DnsSettings#maxInFlightPerServer()} and
   * {@link DnsSettings#rateLimit()} to stay polite to the servers asked.
   *
   * @param domains the domains; iterated once, lazily, on the consuming thread
   * @param maxInFlight how many resolutions run at once (1 to 10,000)
   * @return a sequential stream of reports
   * @throws CancellationException from the stream when the consuming thread is interrupted
   */
  public Stream<MxReport> resolveAll(Iterable<String> domains, int maxInFlight) {
    return mx.resolveAll(domains, maxInFlight);
  }

  /**
   * Resolves many domains and hands each report to a callback, on the calling thread, as it
   * completes; returns when all are done.
   *
   * @param domains the domains
   * @param maxInFlight how many resolutions run at once
   * @param sink receives every report
   */
  public void resolveAll(Iterable<String> domains, int maxInFlight, Consumer<MxReport> sink) {
    mx.resolveAll(domains, maxInFlight, sink);
  }

  /**
   * Looks up the IPv4 and IPv6 addresses of a host, following CNAMEs; used by diag-smtp to connect
   * to a host name through the caller's DNS servers rather than the JDK's system lookup.
   *
   * @param host the host name
   * @return the addresses and findings
   * @throws IllegalArgumentException when the host name is malformed
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public AddressReport addresses(String host) {
    return mx.addresses(host);
  }

  /**
   * Looks up the addresses of a host without blocking the caller.
   *
   * @param host the host name
   * @return a future of the report; DNS failures are findings in it
   * @throws IllegalArgumentException at once when the host name is malformed
   */
  public CompletableFuture<AddressReport> addressesAsync(String host) {
    return mx.addressesAsync(host);
  }

  /**
   * Looks up the PTR names of an address and checks which resolve back to it (forward-confirmed
   * reverse DNS).
   *
   * @param address an IPv4 or IPv6 address
   * @return the names and findings
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public ReverseReport reverse(InetAddress address) {
    return mx.reverse(address);
  }

  /**
   * Looks up the PTR names of an address and confirms them, without blocking the caller.
   *
   * @param address an IPv4 or IPv6 address
   * @return a future of the report; DNS failures are findings in it
   */
  public CompletableFuture<ReverseReport> reverseAsync(InetAddress address) {
    return mx.reverseAsync(address);
  }

  /**
   * Configures an {@link MxResolver}. Not thread-safe; setters validate at once and name the bad
   * parameter.
   */
  public static final class Builder {
    private DnsSettings dns = DnsSettings.system();
    private boolean recursionDesired = true;
    private AddressFamily addressFamily = AddressFamily.BOTH;
    private DiagEnvironment environment = DiagEnvironment.system();

    private Builder() {}

    private Builder change(Consumer<DnsSettings.Builder> change) {
      DnsSettings.Builder b = dns.toBuilder();
      change.accept(b);
      dns = b.build();
      return this;
    }

    /**
     * Sets the RD flag; clear it to ask an authoritative server for exactly what it holds.
     *
     * @param recursionDesired default {@code true}
     * @return this builder
     */
    public Builder recursionDesired(boolean recursionDesired) {
      this.recursionDesired = recursionDesired;
      return this;
    }

    /**
     * Limits address lookups to one family.
     *
     * @param addressFamily default {@link AddressFamily#BOTH}
     * @return this builder
     */
    public Builder addressFamily(AddressFamily addressFamily) {
      this.addressFamily = requireNonNull(addressFamily, "addressFamily");
      return this;
    }

    /**
     * Sets the DNS servers and transport options, replacing any set before: servers, per-attempt
     * timeout, retries, TCP only, EDNS, the per-server in-flight cap and rate limit, I/O threads
     * and the deadline of one call.
     *
     * @param dns the settings
     * @return this builder
     */
    public Builder dns(DnsSettings dns) {
      this.dns = requireNonNull(dns, "dns");
      return this;
    }

    /**
     * Changes some DNS settings, starting from the ones set so far (the defaults at first).
     *
     * @param changes edits applied to a {@link DnsSettings} builder
     * @return this builder
     */
    public Builder dns(Consumer<DnsSettings.Builder> changes) {
      requireNonNull(changes, "changes");
      return change(changes);
    }

    /**
     * Sets the environment: clock, executor, random source (seed it for a reproducible order among
     * equal preferences) and event listeners.
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
      this.environment = environment.with(changes);
      return this;
    }

    /**
     * Sets the random source, for a reproducible order among exchanges of equal preference.
     *
     * @param random a thread-safe random source
     * @return this builder
     */
    public Builder random(java.util.random.RandomGenerator random) {
      requireNonNull(random, "random");
      this.environment = environment.with(e -> e.random(random));
      return this;
    }

    /**
     * Builds the resolver.
     *
     * @return an immutable, thread-safe resolver
     * @throws IllegalStateException when no server was set and the system has none
     */
    public MxResolver build() {
      return new MxResolver(this);
    }
  }
}
