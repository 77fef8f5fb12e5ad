package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.HostAndPort;
import dev.mailpath.diag.core.TimeSource;
import dev.mailpath.diag.core.internal.Addresses;
import dev.mailpath.diag.core.internal.Checks;
import dev.mailpath.diag.dns.internal.DnsBudget;
import dev.mailpath.diag.dns.internal.NioDnsTransport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.xbill.DNS.ResolverConfig;

/**
 * The one DNS setting of every mailpath client that does DNS: which servers to ask and how to ask
 * them. Every builder that looks anything up takes it the same way, {@code .dns(settings)} or
 * {@code .dns(d -> d.server(...))}.
 *
 * <pre>{@code
 * DnsSettings dns = DnsSettings.builder()
 *     .server(new InetSocketAddress("127.0.0.1", 5353))   // like nslookup's "server"
 *     .timeout(Duration.ofSeconds(2))
 *     .build();
 * MxResolver resolver = MxResolver.builder().dns(dns).build();
 * SmtpClient client = SmtpClient.builder().dns(dns).build();
 * }</pre>
 *
 * <p><b>Servers.</b> When none is named, the system's resolvers (from {@code /etc/resolv.conf} or
 * the {@code dns.server} system property) are read once when a client is built; every report says
 * which server answered. Servers are IP addresses, never names (naming a DNS server by name would
 * need DNS). Clients that walk the hierarchy themselves ({@code RootServerQuery}, {@code
 * DelegationTrace}) ask the root hints instead and use only the transport options here.
 *
 * <p><b>One budget per settings.</b> {@link #maxInFlightPerServer()} and {@link #rateLimit()} are a
 * politeness budget per DNS server that every client built from this instance shares: an {@code
 * MxResolver}, a {@code DnsQuery}, a {@code DnssecValidator} and the checks built on them, given
 * the same {@code DnsSettings}, together keep at most that many queries outstanding at one server,
 * and together send at most that many per second, however many of them run at once. A check made of
 * several clients (a mail-posture check) hands its one {@code DnsSettings} to all of them. The
 * budget is not part of {@link #equals}: build one {@code DnsSettings} per budget.
 *
 * <pre>{@code
 * DnsSettings polite = DnsSettings.builder().server("192.0.2.53").maxInFlightPerServer(8).build();
 * MxResolver mx = MxResolver.builder().dns(polite).build();      // these two share
 * DnsQuery query = DnsQuery.builder().dns(polite).build();       // 8 queries at 192.0.2.53
 * DnsQuery other = DnsQuery.builder()
 *     .dns(DnsSettings.builder().server("192.0.2.53").maxInFlightPerServer(8).build())
 *     .build();                                                  // another 8 of its own
 * }</pre>
 *
 * <p>Settings derived with {@link #toBuilder()} (and so with a client builder's {@code dns(d ->
 * ...)}) keep the budget of the settings they came from as long as {@code maxInFlightPerServer},
 * {@code rateLimit} and {@code ioThreads} stay the same: a shorter deadline or a different timeout
 * does not give a client a budget of its own, so the variants that clients make inside a check stay
 * within the caller's limits. Changing one of the three starts a new budget, as do {@link
 * #builder()} and settings derived from {@link #system()} or from a client builder's defaults
 * (those belong to no one in particular, so {@code dns(d -> d.server(...))} on two builders gives
 * two budgets). The budget is per JVM and per environment clock ({@code DiagEnvironment}'s time
 * source); it needs no closing (its I/O thread stops when idle). Clients that walk the hierarchy
 * share it with the rest for the servers they have in common.
 *
 * <p>Defaults: 5 s per attempt, 1 retry, UDP with TCP fallback on truncation, EDNS on, 1,024
 * queries in flight per server, no rate limit, one I/O thread, 30 s for a whole call. Immutable and
 * thread-safe.
 */
public final class DnsSettings {
  private static final DnsSettings SYSTEM = new Builder().buildDefaults();

  private final List<InetSocketAddress> servers;
  private final Duration timeout;
  private final int retries;
  private final boolean tcpOnly;
  private final boolean edns;
  private final int maxInFlightPerServer;
  private final int rateLimit;
  private final int ioThreads;
  private final Duration deadline;

  /** The per-server budget its clients share; not part of equals, hashCode or toString. */
  private final DnsBudget budget;

  /**
   * Whether these are defaults nobody owns ({@link #system()}, a client builder's), whose variants
   * start budgets of their own.
   */
  private final boolean defaults;

  private DnsSettings(Builder b, boolean defaults) {
    this.servers = List.copyOf(b.servers);
    this.timeout = b.timeout;
    this.retries = b.retries;
    this.tcpOnly = b.tcpOnly;
    this.edns = b.edns;
    this.maxInFlightPerServer = b.maxInFlightPerServer;
    this.rateLimit = b.rateLimit;
    this.ioThreads = b.ioThreads;
    this.deadline = b.deadline;
    this.budget =
        b.budget != null && b.budget.hasLimits(maxInFlightPerServer, rateLimit, ioThreads)
            ? b.budget
            : new DnsBudget(maxInFlightPerServer, rateLimit, ioThreads);
    this.defaults = defaults;
  }

  /**
   * Returns the defaults: the system's resolvers and the default transport options.
   *
   * @return the default settings
   */
  public static DnsSettings system() {
    return SYSTEM;
  }

  /**
   * Starts building settings from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised from these settings, to derive a variant. The variant shares
   * these settings' per-server budget unless it changes {@code maxInFlightPerServer}, {@code
   * rateLimit} or {@code ioThreads}; a variant of {@link #system()} starts its own.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.budget = defaults ? null : budget;
    b.servers.addAll(servers);
    b.timeout = timeout;
    b.retries = retries;
    b.tcpOnly = tcpOnly;
    b.edns = edns;
    b.maxInFlightPerServer = maxInFlightPerServer;
    b.rateLimit = rateLimit;
    b.ioThreads = ioThreads;
    b.deadline = deadline;
    return b;
  }

  /**
   * Returns the servers named, in order.
   *
   * @return the servers; empty means the system's resolvers
   */
  public List<InetSocketAddress> servers() {
    return servers;
  }

  /**
   * Returns the servers a client will ask: the ones named, or else the system's resolvers read now.
   *
   * @return the servers, never empty
   * @throws IllegalStateException when none was named and the system has none
   */
  public List<InetSocketAddress> serversOrSystem() {
    if (!servers.isEmpty()) {
      return servers;
    }
    // dnsjava reads /etc/resolv.conf (or the dns.server system property) here; only the server
    // list is taken from it, never its search path or cache.
    List<InetSocketAddress> s = ResolverConfig.getCurrentConfig().servers();
    if (s.isEmpty()) {
      throw new IllegalStateException(
          "no system DNS servers found; name one with DnsSettings.builder().server(...)");
    }
    return List.copyOf(s);
  }

  /**
   * Returns the timeout of one attempt.
   *
   * @return the per-attempt timeout
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Returns how often a query that timed out is sent again.
   *
   * @return retries, 0 to 10
   */
  public int retries() {
    return retries;
  }

  /**
   * Tells whether every query goes over TCP (RFC 7766) instead of UDP first.
   *
   * @return {@code true} for TCP only
   */
  public boolean tcpOnly() {
    return tcpOnly;
  }

  /**
   * Tells whether queries carry an EDNS(0) OPT record (RFC 6891).
   *
   * @return {@code true} when EDNS is on
   */
  public boolean edns() {
    return edns;
  }

  /**
   * Returns the most queries outstanding at one server at once.
   *
   * @return the in-flight limit per server
   */
  public int maxInFlightPerServer() {
    return maxInFlightPerServer;
  }

  /**
   * Returns the most queries sent per second to one server.
   *
   * @return the limit, 0 for none
   */
  public int rateLimit() {
    return rateLimit;
  }

  /**
   * Returns the number of selector threads of the transport.
   *
   * @return 1 to 64
   */
  public int ioThreads() {
    return ioThreads;
  }

  /**
   * Returns the bound on one whole call (all queries, retries and CNAME hops of one lookup).
   *
   * @return the per-call deadline
   */
  public Duration deadline() {
    return deadline;
  }

  /**
   * Returns the transport of this instance's budget for a clock: the one every engine built from
   * these settings with that clock sends through.
   */
  NioDnsTransport transport(TimeSource time) {
    return budget.transport(time);
  }

  /** The budget, for tests that check which settings share one. */
  DnsBudget budget() {
    return budget;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DnsSettings d
        && servers.equals(d.servers)
        && timeout.equals(d.timeout)
        && retries == d.retries
        && tcpOnly == d.tcpOnly
        && edns == d.edns
        && maxInFlightPerServer == d.maxInFlightPerServer
        && rateLimit == d.rateLimit
        && ioThreads == d.ioThreads
        && deadline.equals(d.deadline);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        servers,
        timeout,
        retries,
        tcpOnly,
        edns,
        maxInFlightPerServer,
        rateLimit,
        ioThreads,
        deadline);
  }

  @Override
  public String toString() {
    return "DnsSettings[servers="
        + (servers.isEmpty() ? "system" : servers.stream().map(Addresses::format).toList())
        + ", timeout="
        + timeout.toMillis()
        + "ms, retries="
        + retries
        + (tcpOnly ? ", tcpOnly" : "")
        + (edns ? "" : ", no EDNS")
        + ", deadline="
        + deadline.toMillis()
        + "ms]";
  }

  /** Builds {@link DnsSettings}. Not thread-safe. */
  public static final class Builder {
    private final List<InetSocketAddress> servers = new ArrayList<>();
    private Duration timeout = Duration.ofSeconds(5);
    private int retries = 1;
    private boolean tcpOnly;
    private boolean edns = true;
    private int maxInFlightPerServer = 1024;
    private int rateLimit;
    private int ioThreads = 1;
    private Duration deadline = Duration.ofSeconds(30);

    /** The budget of the settings this builder came from, kept when the limits stay the same. */
    private DnsBudget budget;

    private Builder() {}

    /**
     * Asks only this server (replacing any named before).
     *
     * @param server an IP address and port
     * @return this builder
     * @throws IllegalArgumentException when the address is an unresolved name
     */
    public Builder server(InetSocketAddress server) {
      servers.clear();
      return addServer(server);
    }

    /**
     * Asks only this server, given as text: {@code 127.0.0.1}, {@code 127.0.0.1:5353}, {@code
     * [::1]:5353} (port 53 when none is given). An IP address is required.
     *
     * @param server the server as text
     * @return this builder
     * @throws IllegalArgumentException when the text is not an IP address with an optional port
     */
    public Builder server(String server) {
      HostAndPort hp = HostAndPort.parse(server, 53);
      if (hp.address().isEmpty()) {
        throw new IllegalArgumentException(
            "DNS server must be an IP address, not a name: \"" + hp.host() + "\"");
      }
      return server(new InetSocketAddress(hp.address().get(), hp.port()));
    }

    /**
     * Adds a server after the ones named before; servers are asked in order on failure.
     *
     * @param server an IP address and port
     * @return this builder
     * @throws IllegalArgumentException when the address is an unresolved name or the port is 0
     */
    public Builder addServer(InetSocketAddress server) {
      requireNonNull(server, "server");
      if (server.isUnresolved()) {
        throw new IllegalArgumentException(
            "DNS server must be an IP address, not an unresolved name: " + server.getHostString());
      }
      Checks.port("server port", server.getPort());
      servers.add(server);
      return this;
    }

    /**
     * Asks these servers, in order (replacing any named before); empty means the system's.
     *
     * @param servers IP addresses and ports
     * @return this builder
     */
    public Builder servers(List<InetSocketAddress> servers) {
      requireNonNull(servers, "servers");
      this.servers.clear();
      servers.forEach(this::addServer);
      return this;
    }

    /**
     * Sets the timeout of one attempt.
     *
     * @param timeout positive, at most a day
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Checks.positive("timeout", timeout);
      return this;
    }

    /**
     * Sets how often a timed-out query is sent again.
     *
     * @param retries 0 to 10
     * @return this builder
     */
    public Builder retries(int retries) {
      this.retries = Checks.range("retries", retries, 0, 10);
      return this;
    }

    /**
     * Sends every query over TCP instead of UDP first.
     *
     * @param tcpOnly {@code true} for TCP only
     * @return this builder
     */
    public Builder tcpOnly(boolean tcpOnly) {
      this.tcpOnly = tcpOnly;
      return this;
    }

    /**
     * Turns EDNS(0) on or off.
     *
     * @param edns {@code false} to send plain RFC 1035 queries
     * @return this builder
     */
    public Builder edns(boolean edns) {
      this.edns = edns;
      return this;
    }

    /**
     * Limits the queries outstanding at one server.
     *
     * @param maxInFlightPerServer 1 to 65,535
     * @return this builder
     */
    public Builder maxInFlightPerServer(int maxInFlightPerServer) {
      this.maxInFlightPerServer =
          Checks.range("maxInFlightPerServer", maxInFlightPerServer, 1, 65_535);
      return this;
    }

    /**
     * Limits the queries sent per second to one server.
     *
     * @param queriesPerSecond 1 to 1,000,000, or 0 for no limit
     * @return this builder
     */
    public Builder rateLimit(int queriesPerSecond) {
      this.rateLimit =
          queriesPerSecond == 0 ? 0 : Checks.range("rateLimit", queriesPerSecond, 1, 1_000_000);
      return this;
    }

    /**
     * Sets the number of selector threads.
     *
     * @param ioThreads 1 to 64
     * @return this builder
     */
    public Builder ioThreads(int ioThreads) {
      this.ioThreads = Checks.range("ioThreads", ioThreads, 1, 64);
      return this;
    }

    /**
     * Bounds one whole call: when it passes, the call ends with a timeout finding, whatever retries
     * or CNAME hops remain.
     *
     * @param deadline positive, at most a day
     * @return this builder
     */
    public Builder deadline(Duration deadline) {
      this.deadline = Checks.positive("deadline", deadline);
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return immutable settings
     */
    public DnsSettings build() {
      return new DnsSettings(this, false);
    }

    /**
     * Builds defaults nobody owns (a client builder's): clients built from them share their budget,
     * but their variants start budgets of their own, like those of {@link #system()}.
     */
    DnsSettings buildDefaults() {
      return new DnsSettings(this, true);
    }
  }
}
