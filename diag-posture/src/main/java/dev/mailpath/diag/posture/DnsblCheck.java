package dev.mailpath.diag.posture;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DomainName;
import dev.mailpath.diag.dns.DnsQuery;
import dev.mailpath.diag.dns.DnsSettings;
import dev.mailpath.diag.posture.internal.DnsblEngine;
import dev.mailpath.diag.posture.internal.DnsblPipeline;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Asks DNS blocklists (RFC 5782) whether they list an IP address or a domain, and reads their
 * answers by each list's table of return codes.
 *
 * <pre>{@code
 * DnsblCheck dnsbl = DnsblCheck.builder()
 *     .dns(d -> d.server("127.0.0.1:53"))        // your own recursive resolver
 *     .list(DnsblList.SPAMHAUS_ZEN)              // only if your use is within its terms
 *     .list(DnsblList.domain("dbl.example.net"))
 *     .build();
 * DnsblReport r = dnsbl.check(InetAddress.getByName("192.0.2.10")); // a literal: no lookup
 * r.listed();                       // true
 * r.results();                      // [zen.spamhaus.org: LISTED 127.0.0.4 (XBL: exploited host)...]
 * DnsblReport t = dnsbl.selfTest(); // do the lists answer their RFC 5782 test entries right?
 * }</pre>
 *
 * <p><b>No list is asked unless configured.</b> There is no default list: many lists restrict who
 * may query them and how. Common ones, with their terms in brief (read the operator's own terms
 * before use): Spamhaus ZEN ({@link DnsblList#SPAMHAUS_ZEN}, IPs) and DBL ({@link
 * DnsblList#SPAMHAUS_DBL}, domains) are free for low-volume non-commercial use through your own
 * resolver and answer {@code 127.255.255.254} to queries from public resolvers such as 8.8.8.8;
 * SpamCop ({@link DnsblList#SPAMCOP}) is free; Barracuda ({@link DnsblList#BARRACUDA}) answers only
 * registered resolvers; SURBL ({@code multi.surbl.org}) and URIBL list domains and answer bit
 * masks. {@code docs/dnsbl.md} says more.
 *
 * <p><b>Query names.</b> IPv4: the reversed octets, then the zone ({@code
 * 10.2.0.192.zen.spamhaus.org}); IPv6: the 32 reversed nibbles; an IPv4-mapped IPv6 address ({@code
 * ::ffff:192.0.2.10}) is asked as its IPv4 address; domains: the domain, then the zone. IP lists
 * are asked about addresses only, domain lists about domains only.
 *
 * <p><b>Verdicts.</b> NXDOMAIN (or no A record) is not listed. A records in {@code 127.0.0.0/8} are
 * a listing, read by the list's table; a policy listing such as Spamhaus PBL is reported as {@code
 * dnsbl.policy-listed}, not as spam. The list's TXT record is asked for the reason. Error codes
 * ({@code 127.255.255.x} and codes a table marks as errors), answers outside {@code 127.0.0.0/8},
 * answers without A records, timeouts, SERVFAIL and REFUSED are INCONCLUSIVE with the reason:
 * <em>never</em> listed.
 *
 * <p><b>Errors.</b> Everything the lists and the network do is a finding in a normally returned
 * report; a list that has not answered when the deadline passes is INCONCLUSIVE. Only misuse
 * throws: a malformed domain, or a query name longer than DNS allows, is an {@link
 * IllegalArgumentException} before any query is sent.
 *
 * <p>Immutable and thread-safe once built; one instance serves any number of calls.
 */
public final class DnsblCheck {
  /** Default bound of one call. */
  static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);

  /** Default number of lists asked at once in one call. */
  static final int DEFAULT_MAX_IN_FLIGHT = 8;

  private final DnsSettings dns;
  private final DiagEnvironment environment;
  private final Duration deadline;
  private final int maxInFlight;
  private final List<DnsblList> lists;
  private final DnsblEngine engine;

  private DnsblCheck(Builder b) {
    this.dns = b.dns;
    this.environment = b.environment;
    this.deadline = b.deadline;
    this.maxInFlight = b.maxInFlight;
    this.lists = List.copyOf(b.lists);
    DnsSettings resolved = dns.toBuilder().servers(dns.serversOrSystem()).build();
    DnsQuery query =
        DnsQuery.builder().dns(resolved).recursionDesired(true).environment(environment).build();
    this.engine = new DnsblEngine(query, lists, deadline, maxInFlight, environment);
  }

  /**
   * Starts configuring a check.
   *
   * @return a builder with no lists, the system's resolvers, the system environment, a 10 s
   *     deadline and 8 lists in flight
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
    b.maxInFlight = maxInFlight;
    b.lists.addAll(lists);
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
   * Returns how many lists one call asks at once.
   *
   * @return the limit
   */
  public int maxInFlight() {
    return maxInFlight;
  }

  /**
   * Returns the configured lists, in order.
   *
   * @return the lists; empty unless the caller added some
   */
  public List<DnsblList> lists() {
    return lists;
  }

  /**
   * Asks every IP list about an address.
   *
   * @param address an IPv4 or IPv6 address (IPv4-mapped IPv6 is asked as IPv4); never looked up
   * @return the report; DNS failures and list errors are findings in it
   * @throws IllegalArgumentException when a query name would be too long
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public DnsblReport check(InetAddress address) {
    return DnsblEngine.await(checkAsync(address));
  }

  /**
   * Asks every IP list about an address without blocking the caller; the future completes on the
   * environment's executor, at the latest when the deadline has passed.
   *
   * @param address the address
   * @return a future of the report; it never completes exceptionally for DNS failures
   * @throws IllegalArgumentException at once when a query name would be too long
   */
  public CompletableFuture<DnsblReport> checkAsync(InetAddress address) {
    requireNonNull(address, "address");
    return engine.checkAsync(address);
  }

  /**
   * Checks many addresses, at most {@code maxInFlight} at a time (each check asks its lists as
   * {@link Builder#maxInFlight(int)} allows), and streams the reports in input order. The input is
   * read only as reports are taken, so memory holds at most {@code maxInFlight} reports however
   * many addresses there are. Close the stream (try-with-resources) to cancel the checks still
   * running when you stop early.
   *
   * @param addresses the addresses, read lazily
   * @param maxInFlight how many addresses are checked at once, at least 1
   * @return a sequential stream of reports, one per address, in input order
   * @throws IllegalArgumentException when {@code maxInFlight} is below 1 (at once), or from the
   *     stream when an address would give a malformed query name
   * @throws java.util.concurrent.CancellationException from the stream when the consuming thread is
   *     interrupted
   */
  public Stream<DnsblReport> checkAll(Iterable<InetAddress> addresses, int maxInFlight) {
    requireNonNull(addresses, "addresses");
    return DnsblPipeline.stream(
        addresses.iterator(), a -> checkAsync(requireNonNull(a, "addresses element")), maxInFlight);
  }

  /**
   * Checks many domains on the domain lists, as {@link #checkAll(Iterable, int)} does for
   * addresses.
   *
   * @param domains the domains, read lazily
   * @param maxInFlight how many domains are checked at once, at least 1
   * @return a sequential stream of reports, one per domain, in input order
   * @throws IllegalArgumentException when {@code maxInFlight} is below 1 (at once), or from the
   *     stream when a domain is malformed
   */
  public Stream<DnsblReport> checkAllDomains(Iterable<String> domains, int maxInFlight) {
    requireNonNull(domains, "domains");
    return DnsblPipeline.stream(domains.iterator(), this::checkAsync, maxInFlight);
  }

  /**
   * Asks every domain list about a domain.
   *
   * @param domain a domain such as {@code example.org}; Unicode is converted to A-labels
   * @return the report; DNS failures and list errors are findings in it
   * @throws IllegalArgumentException when the domain is malformed or a query name too long
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public DnsblReport check(String domain) {
    return DnsblEngine.await(checkAsync(domain));
  }

  /**
   * Asks every domain list about a checked domain name.
   *
   * @param domain the domain
   * @return the report
   * @throws IllegalArgumentException when a query name would be too long
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public DnsblReport check(DomainName domain) {
    return check(requireNonNull(domain, "domain").ascii());
  }

  /**
   * Asks every domain list about a domain without blocking the caller.
   *
   * @param domain the domain
   * @return a future of the report; it never completes exceptionally for DNS failures
   * @throws IllegalArgumentException at once when the domain is malformed
   */
  public CompletableFuture<DnsblReport> checkAsync(String domain) {
    requireNonNull(domain, "domain");
    String ascii;
    try {
      ascii = DomainName.of(domain).ascii();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("domain: " + e.getMessage(), e);
    }
    return engine.checkAsync(ascii);
  }

  /**
   * Asks every configured list for its RFC 5782 test entries: an IP list must list {@code
   * 127.0.0.2} and must not list {@code 127.0.0.1} (an IPv6 list: {@code ::ffff:7f00:2} and {@code
   * ::ffff:7f00:1} in nibble form; either pair will do, so both are asked); a domain list must list
   * {@code test} and must not list {@code invalid}. A wrong answer is {@code
   * dnsbl.list-misconfigured}.
   *
   * @return the report, with four results per IP list and two per domain list
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public DnsblReport selfTest() {
    return DnsblEngine.await(selfTestAsync());
  }

  /**
   * Runs {@link #selfTest()} without blocking the caller.
   *
   * @return a future of the report
   */
  public CompletableFuture<DnsblReport> selfTestAsync() {
    return engine.selfTestAsync();
  }

  /**
   * Configures a {@link DnsblCheck}. Not thread-safe; setters validate at once and name the bad
   * parameter.
   */
  public static final class Builder {
    private DnsSettings dns = DnsSettings.system();
    private DiagEnvironment environment = DiagEnvironment.system();
    private Duration deadline = DEFAULT_DEADLINE;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private final List<DnsblList> lists = new ArrayList<>();

    private Builder() {}

    /**
     * Sets the DNS servers and transport options, replacing any set before. Use your own recursive
     * resolver: several lists refuse queries from public resolvers.
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
     * Sets the bound of one call: lists that have not answered by then are INCONCLUSIVE.
     *
     * @param deadline a positive duration (default 10 s)
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
     * Sets how many lists one call asks at once.
     *
     * @param maxInFlight at least 1 (default 8)
     * @return this builder
     * @throws IllegalArgumentException when below 1
     */
    public Builder maxInFlight(int maxInFlight) {
      if (maxInFlight < 1) {
        throw new IllegalArgumentException("maxInFlight must be at least 1: " + maxInFlight);
      }
      this.maxInFlight = maxInFlight;
      return this;
    }

    /**
     * Adds a list to ask. Lists are asked (and reported) in the order added.
     *
     * @param list the list
     * @return this builder
     * @throws IllegalArgumentException when a list with the same zone was added already
     */
    public Builder list(DnsblList list) {
      requireNonNull(list, "list");
      for (DnsblList l : lists) {
        if (l.zone().equals(list.zone())) {
          throw new IllegalArgumentException("list: " + list.zone() + " was added already");
        }
      }
      lists.add(list);
      return this;
    }

    /**
     * Replaces the lists to ask.
     *
     * @param lists the lists, in order; empty for none
     * @return this builder
     * @throws IllegalArgumentException when two lists have the same zone
     */
    public Builder lists(List<DnsblList> lists) {
      requireNonNull(lists, "lists");
      this.lists.clear();
      lists.forEach(this::list);
      return this;
    }

    /**
     * Builds the check.
     *
     * @return an immutable, thread-safe check
     * @throws IllegalStateException when no DNS server was set and the system has none
     */
    public DnsblCheck build() {
      return new DnsblCheck(this);
    }
  }
}
