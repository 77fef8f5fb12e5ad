package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.internal.Checks;
import dev.mailpath.diag.dns.internal.CallScope;
import dev.mailpath.diag.dns.internal.Futures;
import dev.mailpath.diag.dns.internal.NioDnsTransport;
import dev.mailpath.diag.dns.internal.TraceEngine;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.xbill.DNS.Name;

/**
 * Resolves a name iteratively from the root servers down to the servers that hold it, like {@code
 * dig +trace}, and reports every zone cut on the way: which servers were asked, what each said, the
 * referral followed and how long it took, then the final authoritative answer.
 *
 * <pre>{@code
 * DelegationTrace trace = DelegationTrace.builder()
 *     .dns(d -> d.timeout(Duration.ofSeconds(2)))
 *     .compareWith(MxResolver.builder().dns(d -> d.server("127.0.0.1")).build())
 *     .build();
 * TraceReport t = trace.trace("example.org", RecordType.MX);
 * t.zones();            // [., org., example.org.]
 * t.answer();           // [example.org. 300 IN MX 10 mx1.example.org.]
 * t.findings();         // e.g. [dns.trace.lame-delegation WARNING ..., dns.trace.recursive-mismatch ...]
 * System.out.println(t);
 * }</pre>
 *
 * <p><b>How it differs from dig +trace.</b> It uses the glue a referral carries (dig looks the name
 * servers up through the local resolver) and accepts only in-bailiwick glue, as resolvers do (RFC
 * 2181 §5.4.1); name servers without glue are looked up by a nested trace from the roots, never
 * through the system resolver. Below the root it asks every server of each zone (unless {@link
 * Builder#checkAllServers(boolean)} is off), so lame and unreachable servers show up even when
 * another server answers. It follows CNAMEs to other zones. Steps, queries and the nesting of name
 * server lookups are bounded, so referral loops and circular glueless delegations end with a
 * finding.
 *
 * <p><b>Labs.</b> Delegations carry no port. {@link Builder#addressMapper(UnaryOperator)} (or
 * {@link Builder#port(int)}) maps every server address before it is asked, so a test lab of
 * loopback servers on an unprivileged port can play the whole hierarchy; the hints name the lab's
 * roots.
 *
 * <p><b>Errors.</b> Timeouts, lame servers, loops and NXDOMAIN are findings in a normally returned
 * report; only misuse throws ({@link IllegalArgumentException} for a malformed name or a type that
 * cannot be asked, {@link CancellationException} on interruption).
 *
 * <p>Immutable and thread-safe once built; one instance serves any number of calls. The servers of
 * one zone are asked in parallel on the environment's executor, so an event listener's DNS methods
 * may be called from several threads at once.
 */
public final class DelegationTrace {
  /** The defaults of a trace: 2 s per attempt, 1 retry, 60 s for the whole trace. */
  private static final DnsSettings DEFAULT_DNS =
      DnsSettings.builder()
          .timeout(Duration.ofSeconds(2))
          .retries(1)
          .deadline(Duration.ofSeconds(60))
          .buildDefaults();

  private final RootHints hints;
  private final AddressFamily addressFamily;
  private final DnsSettings dns;
  private final UnaryOperator<InetSocketAddress> addressMapper;
  private final int maxSteps;
  private final int maxQueries;
  private final int maxInFlight;
  private final boolean checkAllServers;
  private final Duration deadline;
  private final MxResolver compareWith;
  private final DiagEnvironment environment;
  private final DnsQuery query;
  private final TraceEngine engine;

  private DelegationTrace(Builder b) {
    this.hints = b.hints;
    this.addressFamily = b.addressFamily;
    this.dns = b.dns;
    this.addressMapper = b.addressMapper;
    this.maxSteps = b.maxSteps;
    this.maxQueries = b.maxQueries;
    this.maxInFlight = b.maxInFlight;
    this.checkAllServers = b.checkAllServers;
    this.deadline = dns.deadline();
    this.compareWith = b.compareWith;
    this.environment = b.environment;
    this.query =
        DnsQuery.builder()
            .recursionDesired(false)
            .dns(dns.toBuilder().servers(List.of()).build())
            .environment(environment)
            .build();
    this.engine =
        new TraceEngine(
            hints,
            addressFamily,
            dns,
            addressMapper,
            maxSteps,
            maxQueries,
            maxInFlight,
            checkAllServers,
            compareWith,
            environment,
            query.engine());
  }

  /** The transport, for tests that check what a cancelled call leaves on the wire. */
  NioDnsTransport transport() {
    return query.transport();
  }

  /**
   * Starts configuring a trace.
   *
   * @return a new builder with defaults: IANA hints, IPv4 and IPv6, UDP with TCP fallback, 2 s
   *     timeout, 1 retry, every server of each zone checked, at most 30 steps and 200 queries, a 60
   *     s deadline, no address mapping, no comparison, the system environment
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this trace's settings.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.hints = hints;
    b.addressFamily = addressFamily;
    b.dns = dns;
    b.addressMapper = addressMapper;
    b.maxSteps = maxSteps;
    b.maxQueries = maxQueries;
    b.maxInFlight = maxInFlight;
    b.checkAllServers = checkAllServers;
    b.compareWith = compareWith;
    b.environment = environment;
    return b;
  }

  /**
   * Traces a name from the roots to its authoritative servers.
   *
   * @param name a domain name such as {@code example.org} (Unicode allowed), or {@code .}
   * @param type the record type
   * @return the report; every DNS failure is a finding in it
   * @throws IllegalArgumentException when the name is malformed or the type cannot be asked
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public TraceReport trace(String name, RecordType type) {
    Name qname = DnsQuery.toName(name);
    DnsQuery.checkType(type);
    return Futures.await(
        engine.trace(new CallScope(environment.timeSource(), deadline), qname, name, type));
  }

  /**
   * Traces without blocking the caller: the trace is a chain of futures on the non-blocking
   * transport, with no thread waiting per call. The future completes on the environment's executor;
   * cancelling it cancels the queries in flight and starts no more.
   *
   * @param name the name
   * @param type the type
   * @return a future of the report
   * @throws IllegalArgumentException at once when the name or type is bad
   */
  public CompletableFuture<TraceReport> traceAsync(String name, RecordType type) {
    Name qname = DnsQuery.toName(name);
    DnsQuery.checkType(type);
    CallScope scope = new CallScope(environment.timeSource(), deadline);
    return scope.publish(engine.trace(scope, qname, name, type), environment.executor());
  }

  /**
   * Configures a {@link DelegationTrace}. Not thread-safe; setters validate at once and name the
   * bad parameter.
   */
  public static final class Builder {
    private RootHints hints = RootHints.iana();
    private AddressFamily addressFamily = AddressFamily.BOTH;
    private DnsSettings dns = DEFAULT_DNS;
    private UnaryOperator<InetSocketAddress> addressMapper = UnaryOperator.identity();
    private int maxSteps = 30;
    private int maxQueries = 200;
    private int maxInFlight = 16;
    private boolean checkAllServers = true;
    private MxResolver compareWith;
    private DiagEnvironment environment = DiagEnvironment.system();

    private Builder() {}

    /**
     * Sets the roots to start from.
     *
     * @param hints the hints; default {@link RootHints#iana()}
     * @return this builder
     */
    public Builder hints(RootHints hints) {
      this.hints = requireNonNull(hints, "hints");
      return this;
    }

    /**
     * Chooses which server addresses to use: glue and name server lookups of the other family are
     * ignored.
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
     * (default 1), TCP only, EDNS, and the deadline of one trace, after which no query starts
     * (default 60 s). The servers named are not used: a trace starts from the {@linkplain
     * #hints(RootHints) hints}.
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
     * Maps every server address before it is asked (the hints' addresses and those from glue or
     * lookups, which always have port 53). Labs use it to send a delegation to a loopback server on
     * another port; the mapped address is the one shown in the report.
     *
     * <pre>{@code
     * .addressMapper(a -> new InetSocketAddress(a.getAddress(), labPort))
     * }</pre>
     *
     * @param addressMapper a function that never returns {@code null}; default the identity
     * @return this builder
     */
    public Builder addressMapper(UnaryOperator<InetSocketAddress> addressMapper) {
      this.addressMapper = requireNonNull(addressMapper, "addressMapper");
      return this;
    }

    /**
     * Asks every server on the given port instead of the one it would have (53 for referred
     * servers): a shortcut for {@link #addressMapper(UnaryOperator)} when a whole lab shares one
     * port.
     *
     * @param port 1 to 65535
     * @return this builder
     */
    public Builder port(int port) {
      Checks.port("port", port);
      this.addressMapper = a -> new InetSocketAddress(a.getAddress(), port);
      return this;
    }

    /**
     * Sets whether every server of each zone below the root is asked (to find lame and unreachable
     * ones), or only as many as it takes to get a usable reply, as dig +trace does.
     *
     * @param checkAllServers default {@code true}
     * @return this builder
     */
    public Builder checkAllServers(boolean checkAllServers) {
      this.checkAllServers = checkAllServers;
      return this;
    }

    /**
     * Bounds the number of zone cuts followed for one name.
     *
     * @param maxSteps 1 to 128; default 30
     * @return this builder
     */
    public Builder maxSteps(int maxSteps) {
      this.maxSteps = Checks.range("maxSteps", maxSteps, 1, 128);
      return this;
    }

    /**
     * Bounds the number of queries of one trace, name server lookups included.
     *
     * @param maxQueries 1 to 10,000; default 200
     * @return this builder
     */
    public Builder maxQueries(int maxQueries) {
      this.maxQueries = Checks.range("maxQueries", maxQueries, 1, 10_000);
      return this;
    }

    /**
     * Sets how many queries to the servers of one zone may be in flight at once.
     *
     * @param maxInFlight 1 to 256; default 16
     * @return this builder
     */
    public Builder maxInFlight(int maxInFlight) {
      this.maxInFlight = Checks.range("maxInFlight", maxInFlight, 1, 256);
      return this;
    }

    /**
     * Compares the final answer with what this resolver says, for MX, A and AAAA traces (see {@link
     * TraceReport#withRecursiveAnswer(MxReport)}): a difference is a {@link
     * RootFinding#RECURSIVE_MISMATCH} finding, for example a cached MX set that is stale after a
     * change.
     *
     * @param resolver the resolver to ask after tracing, or {@code null} for no comparison
     * @return this builder
     */
    public Builder compareWith(MxResolver resolver) {
      this.compareWith = resolver;
      return this;
    }

    /**
     * Sets the environment: clock, executor, random source (query IDs, root order), listeners.
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
     * Builds the trace.
     *
     * @return an immutable, thread-safe client
     * @throws IllegalStateException when the hints have no address of the chosen family
     */
    public DelegationTrace build() {
      if (hints.addresses(addressFamily).isEmpty()) {
        throw new IllegalStateException(
            "the hints ("
                + hints.source()
                + ") have no "
                + RootServerReport.familyText(addressFamily)
                + " address; choose another addressFamily");
      }
      return new DelegationTrace(this);
    }
  }
}
