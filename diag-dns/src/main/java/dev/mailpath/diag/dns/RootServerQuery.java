package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DiagEventListener;
import dev.mailpath.diag.core.internal.Checks;
import dev.mailpath.diag.dns.internal.CallScope;
import dev.mailpath.diag.dns.internal.Futures;
import dev.mailpath.diag.dns.internal.NioDnsTransport;
import dev.mailpath.diag.dns.internal.RootEngine;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.xbill.DNS.Name;

/**
 * Asks every root server the same question at once, without recursion, the way the field guide asks
 * a root with nslookup ("server" set to a root, then the domain): to see what the top of the DNS
 * tells every sender about a domain, and whether the roots reachable from here behave like roots.
 *
 * <pre>{@code
 * RootServerQuery roots = RootServerQuery.builder()
 *     .addressFamily(AddressFamily.IPV4)
 *     .dns(d -> d.timeout(Duration.ofSeconds(2)))
 *     .build();
 * RootServerReport r = roots.ask("example.org", RecordType.MX);
 * System.out.println(r);        // a table: root, address, rtt, rcode, flags, serial, referral, NSID
 * r.findings();                 // e.g. [dns.root.unreachable WARNING "B-root ... did not answer"]
 *
 * PrimingReport p = roots.prime();                            // RFC 9609: are the hints current?
 * TraceReport t = roots.trace("example.org", RecordType.MX);  // like dig +trace
 * }</pre>
 *
 * <p><b>What is asked.</b> For every root in the {@link RootHints} (IANA's thirteen by default),
 * every address of the chosen families, over UDP and optionally also TCP: the question with RD
 * clear, and a second query for the root zone's SOA serial (a referral carries none), both with the
 * NSID option so each root names the anycast instance that answered. All queries are in flight
 * together (up to {@link Builder#maxInFlight(int)}), so a call takes about as long as the slowest
 * root.
 *
 * <p><b>Findings.</b> Unreachable roots (one finding per root address, or one per family when a
 * whole family fails, or one when nothing answers), roots that disagree on the serial or the
 * referral, roots much slower than the rest (RSSAC047's 250 ms UDP / 500 ms TCP as the bar), and
 * "roots" that offer recursion, answer for names they should refer, or answer with error codes:
 * signs that something on the path intercepts DNS. See {@link RootFinding}.
 *
 * <p><b>Errors.</b> Every network fault is a finding in a normally returned report. Only misuse
 * throws: a malformed name or unaskable type is an {@link IllegalArgumentException}; interruption a
 * {@link CancellationException}.
 *
 * <p>Immutable and thread-safe once built; one instance serves any number of calls. Queries run on
 * the non-blocking DNS transport, so an event listener's DNS methods are called from its I/O
 * thread; async results complete on the environment's executor.
 */
public final class RootServerQuery {
  /** RSSAC047 v2 §4.4: the latency thresholds of a root server's service. */
  static final Duration RSSAC047_UDP = Duration.ofMillis(250);

  static final Duration RSSAC047_TCP = Duration.ofMillis(500);

  /** The defaults of a root query: 2 s per attempt, 1 retry. */
  private static final DnsSettings DEFAULT_DNS =
      DnsSettings.builder().timeout(Duration.ofSeconds(2)).retries(1).buildDefaults();

  private final RootHints hints;
  private final AddressFamily addressFamily;
  private final DnsSettings dns;
  private final boolean alsoTcp;
  private final boolean nsid;
  private final int maxInFlight;
  private final Duration slowUdp;
  private final Duration slowTcp;
  private final DiagEnvironment environment;
  private final DnsQuery query;
  private final RootEngine engine;

  private RootServerQuery(Builder b) {
    this.hints = b.hints;
    this.addressFamily = b.addressFamily;
    this.dns = b.dns;
    this.alsoTcp = b.alsoTcp;
    this.nsid = b.nsid;
    this.maxInFlight = b.maxInFlight;
    this.slowUdp = b.slowUdp;
    this.slowTcp = b.slowTcp;
    this.environment = b.environment;
    // The roots come from the hints, never from the settings' servers.
    this.query =
        DnsQuery.builder()
            .recursionDesired(false)
            .dns(dns.toBuilder().servers(List.of()).build())
            .nsid(nsid)
            .environment(environment)
            .build();
    this.engine =
        new RootEngine(
            hints,
            addressFamily,
            dns,
            alsoTcp,
            maxInFlight,
            slowUdp,
            slowTcp,
            environment,
            query.engine());
  }

  /**
   * Starts configuring a root query.
   *
   * @return a new builder with defaults: IANA hints, IPv4 and IPv6, UDP only, 2 s timeout, 1 retry,
   *     NSID on, 64 queries in flight, RSSAC047 slowness bars, the system environment
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this query's settings.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.hints = hints;
    b.addressFamily = addressFamily;
    b.dns = dns;
    b.alsoTcp = alsoTcp;
    b.nsid = nsid;
    b.maxInFlight = maxInFlight;
    b.slowUdp = slowUdp;
    b.slowTcp = slowTcp;
    b.environment = environment;
    return b;
  }

  /** The transport, for tests that check what a cancelled call leaves on the wire. */
  NioDnsTransport transport() {
    return query.transport();
  }

  /**
   * Returns the hints asked.
   *
   * @return the hints
   */
  public RootHints hints() {
    return hints;
  }

  /**
   * Asks every root the question, without recursion.
   *
   * @param name a domain name ({@code example.org}) or {@code .} for the root zone itself
   * @param type the record type
   * @return the report; unreachable and misbehaving roots are findings in it
   * @throws IllegalArgumentException when the name is malformed or the type cannot be asked
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public RootServerReport ask(String name, RecordType type) {
    return Futures.await(askAsync(name, type));
  }

  /**
   * Asks every root without blocking the caller. The queries go out at once; the future completes
   * on the environment's executor, and cancelling it cancels the queries still in flight.
   *
   * @param name a domain name or {@code .}
   * @param type the record type
   * @return a future of the report; it never completes exceptionally for network faults
   * @throws IllegalArgumentException at once when the name or type is bad
   */
  public CompletableFuture<RootServerReport> askAsync(String name, RecordType type) {
    Name qname = DnsQuery.toName(name);
    DnsQuery.checkType(type);
    DiagEventListener listener =
        environment.eventListenerFactory().create("roots " + qname + " " + type);
    CallScope scope = new CallScope(environment.timeSource(), dns.deadline());
    return scope.publish(engine.ask(scope, qname, type, listener), environment.executor());
  }

  /**
   * Sends the priming query (RFC 9609, which replaced RFC 8109) to every hinted root: {@code . NS}
   * with RD clear and EDNS, and compares the live root server names and addresses with the hints.
   *
   * @return the report; stale hints, failed or incomplete priming are findings in it
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public PrimingReport prime() {
    return Futures.await(primeAsync());
  }

  /**
   * Primes without blocking the caller; the future completes on the environment's executor, and
   * cancelling it cancels the queries still in flight.
   *
   * @return a future of the report
   */
  public CompletableFuture<PrimingReport> primeAsync() {
    DiagEventListener listener = environment.eventListenerFactory().create("prime");
    CallScope scope = new CallScope(environment.timeSource(), dns.deadline());
    return scope.publish(engine.prime(scope, listener), environment.executor());
  }

  /**
   * Follows the delegations from these roots down to the authoritative servers, like {@code dig
   * +trace}, with this query's hints, families, timeout, retries and environment. For labs whose
   * servers listen on other ports, or to compare with a resolver, configure a {@link
   * DelegationTrace} directly.
   *
   * @param name the domain name
   * @param type the record type
   * @return the trace
   * @throws IllegalArgumentException when the name is malformed or the type cannot be asked
   */
  public TraceReport trace(String name, RecordType type) {
    return DelegationTrace.builder()
        .hints(hints)
        .addressFamily(addressFamily)
        .dns(dns.toBuilder().servers(List.of()).tcpOnly(false).build())
        .environment(environment)
        .build()
        .trace(name, type);
  }

  /**
   * Configures a {@link RootServerQuery}. Not thread-safe; setters validate at once and name the
   * bad parameter.
   */
  public static final class Builder {
    private RootHints hints = RootHints.iana();
    private AddressFamily addressFamily = AddressFamily.BOTH;
    private DnsSettings dns = DEFAULT_DNS;
    private boolean alsoTcp;
    private boolean nsid = true;
    private int maxInFlight = 64;
    private Duration slowUdp = RSSAC047_UDP;
    private Duration slowTcp = RSSAC047_TCP;
    private DiagEnvironment environment = DiagEnvironment.system();

    private Builder() {}

    /**
     * Sets the roots to ask: a private root, or a lab whose roots listen on loopback addresses and
     * other ports.
     *
     * @param hints the hints; default {@link RootHints#iana()}
     * @return this builder
     */
    public Builder hints(RootHints hints) {
      this.hints = requireNonNull(hints, "hints");
      return this;
    }

    /**
     * Chooses which root addresses to ask.
     *
     * @param addressFamily IPv4, IPv6 or both; default both
     * @return this builder
     */
    public Builder addressFamily(AddressFamily addressFamily) {
      this.addressFamily = requireNonNull(addressFamily, "addressFamily");
      return this;
    }

    /**
     * Sets the transport options: the timeout of one attempt (default 2 s), retries after a timeout
     * (default 1), TCP only (every root asked over TCP instead of UDP), EDNS, the per-server
     * in-flight cap and rate limit, and the deadline of one call. The servers named are not used:
     * the roots come from the {@linkplain #hints(RootHints) hints}.
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
      DnsSettings.Builder b = dns.toBuilder();
      changes.accept(b);
      this.dns = b.build();
      return this;
    }

    /**
     * Asks every root over TCP as well as UDP (RSSAC047 measures both; some networks pass one and
     * block the other).
     *
     * @param alsoTcp default {@code false}
     * @return this builder
     */
    public Builder alsoTcp(boolean alsoTcp) {
      this.alsoTcp = alsoTcp;
      return this;
    }

    /**
     * Asks each root for its identity with NSID (RFC 5001).
     *
     * @param nsid default {@code true}
     * @return this builder
     */
    public Builder nsid(boolean nsid) {
      this.nsid = nsid;
      return this;
    }

    /**
     * Sets how many queries may be in flight at once; none holds a thread while it waits.
     *
     * @param maxInFlight 1 to 1,024; default 64 (thirteen roots, two queries each, both families)
     * @return this builder
     */
    public Builder maxInFlight(int maxInFlight) {
      this.maxInFlight = Checks.range("maxInFlight", maxInFlight, 1, 1024);
      return this;
    }

    /**
     * Sets the round-trip times from which a root counts as slow, if it is also at least three
     * times the median root's.
     *
     * @param udp the bar over UDP; default 250 ms (RSSAC047)
     * @param tcp the bar over TCP; default 500 ms (RSSAC047)
     * @return this builder
     */
    public Builder slowThresholds(Duration udp, Duration tcp) {
      this.slowUdp = Checks.positive("udp", udp);
      this.slowTcp = Checks.positive("tcp", tcp);
      return this;
    }

    /**
     * Sets the environment: clock, executor the queries run on, random source for query IDs, event
     * listeners.
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
     * Builds the root query.
     *
     * @return an immutable, thread-safe client
     * @throws IllegalStateException when the hints have no address of the chosen family
     */
    public RootServerQuery build() {
      if (hints.addresses(addressFamily).isEmpty()) {
        throw new IllegalStateException(
            "the hints ("
                + hints.source()
                + ") have no "
                + RootServerReport.familyText(addressFamily)
                + " address; choose another addressFamily");
      }
      return new RootServerQuery(this);
    }
  }
}
