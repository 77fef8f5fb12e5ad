package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DiagEventListener;
import dev.mailpath.diag.core.DomainName;
import dev.mailpath.diag.core.internal.Checks;
import dev.mailpath.diag.dns.internal.CallScope;
import dev.mailpath.diag.dns.internal.DigEngine;
import dev.mailpath.diag.dns.internal.Futures;
import dev.mailpath.diag.dns.internal.NioDnsTransport;
import dev.mailpath.diag.dns.internal.Questions;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.xbill.DNS.Name;

/**
 * Asks any DNS server, on any port, one question, the way {@code dig @server name type} does:
 * recursion on or off, UDP (with a TCP retry when the reply is truncated) or TCP only, EDNS with
 * optional DO bit and NSID, and a report that shows the header flags, the response code and every
 * section.
 *
 * <pre>{@code
 * DnsQuery dig = DnsQuery.builder()
 *     .dns(d -> d.server("127.0.0.1:5353").timeout(Duration.ofSeconds(2)))
 *     .recursionDesired(false)            // dig +norec: what does this server itself hold?
 *     .nsid(true)                         // dig +nsid: which instance answered?
 *     .build();
 * DnsQueryReport r = dig.ask("example.org", RecordType.MX);
 * r.rcode();          // "NOERROR"
 * r.authoritative();  // true: the server holds the zone
 * r.answer();         // [example.org. 300 IN MX 10 mx1.example.org.]
 * System.out.println(r);                  // a dig-like view
 * }</pre>
 *
 * <p>This is the building block of {@link RootServerQuery} and {@link DelegationTrace}. Unlike a
 * stub resolver it never moves on to another server: one question, one server (with retries after
 * timeouts), and the reply exactly as it came, checked only for being a reply to this query (ID, QR
 * flag, question; RFC 5452 §9.1).
 *
 * <p><b>Errors.</b> No reply, an unreadable reply, SERVFAIL, REFUSED and NXDOMAIN are findings in a
 * normally returned report. Only misuse throws: a malformed name, a type that cannot be asked
 * ({@link RecordType#askable()}) or an unresolved server address is an {@link
 * IllegalArgumentException}; {@link #ask(String, RecordType)} without a configured server is an
 * {@link IllegalStateException}.
 *
 * <p>Immutable and thread-safe once built; one instance serves any number of calls from any thread.
 */
public final class DnsQuery {
  /** dig's defaults: 2 s per attempt, 1 retry; the rest as {@link DnsSettings#system()}. */
  private static final DnsSettings DEFAULT_DNS =
      DnsSettings.builder().timeout(Duration.ofSeconds(2)).retries(1).buildDefaults();

  private final DnsSettings dns;
  private final InetSocketAddress server;
  private final boolean recursionDesired;
  private final boolean checkingDisabled;
  private final int udpPayloadSize;
  private final boolean dnssecOk;
  private final boolean nsid;
  private final boolean strictNames;
  private final DiagEnvironment environment;
  private final DigEngine engine;

  private DnsQuery(Builder b) {
    this.dns = b.dns;
    this.server = dns.servers().isEmpty() ? null : dns.servers().get(0);
    this.recursionDesired = b.recursionDesired;
    this.checkingDisabled = b.checkingDisabled;
    this.udpPayloadSize = b.udpPayloadSize;
    this.dnssecOk = b.dnssecOk;
    this.nsid = b.nsid;
    this.strictNames = b.strictNames;
    this.environment = b.environment;
    this.engine =
        new DigEngine(
            dns,
            dns.transport(environment.timeSource()),
            recursionDesired,
            checkingDisabled,
            udpPayloadSize,
            dnssecOk,
            nsid,
            environment);
  }

  /**
   * Starts configuring a query.
   *
   * @return a new builder with dig's defaults: RD set, UDP with TCP fallback, EDNS with a
   *     1,232-byte payload, no DO, no NSID; 2 s timeout, 1 retry; no server (pass one to {@link
   *     #ask(InetSocketAddress, String, RecordType)} or set one)
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this query's settings, to derive a variant.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.dns = dns;
    b.recursionDesired = recursionDesired;
    b.checkingDisabled = checkingDisabled;
    b.udpPayloadSize = udpPayloadSize;
    b.dnssecOk = dnssecOk;
    b.nsid = nsid;
    b.strictNames = strictNames;
    b.environment = environment;
    return b;
  }

  /**
   * Asks the configured server.
   *
   * @param name a domain name ({@code example.org}, Unicode allowed) or {@code .} for the root
   * @param type the record type
   * @return the report; network faults and error codes are findings in it
   * @throws IllegalStateException when no server was configured
   * @throws IllegalArgumentException when the name is malformed or the type cannot be asked
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public DnsQueryReport ask(String name, RecordType type) {
    if (server == null) {
      throw new IllegalStateException(
          "no server configured; name one with DnsQuery.builder().dns(d -> d.server(...)) or"
              + " call ask(server, name, type)");
    }
    return ask(server, name, type);
  }

  /**
   * Asks a given server, with this query's settings.
   *
   * @param server the server's address and port
   * @param name a domain name or {@code .} for the root
   * @param type the record type
   * @return the report
   * @throws IllegalArgumentException when the server address is unresolved, the name malformed or
   *     the type not askable
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public DnsQueryReport ask(InetSocketAddress server, String name, RecordType type) {
    return Futures.await(askAsync(server, name, type));
  }

  /**
   * Asks the configured server without blocking the caller.
   *
   * @param name a domain name or {@code .}
   * @param type the record type
   * @return a future of the report; it never completes exceptionally for DNS failures
   * @throws IllegalStateException at once when no server was configured
   * @throws IllegalArgumentException at once when the name or type is bad
   */
  public CompletableFuture<DnsQueryReport> askAsync(String name, RecordType type) {
    if (server == null) {
      throw new IllegalStateException(
          "no server configured; name one with DnsQuery.builder().dns(d -> d.server(...)) or"
              + " call askAsync(server, name, type)");
    }
    return askAsync(server, name, type);
  }

  /**
   * Asks a given server without blocking the caller.
   *
   * @param server the server
   * @param name a domain name or {@code .}
   * @param type the record type
   * @return a future of the report
   * @throws IllegalArgumentException at once when an argument is bad
   */
  public CompletableFuture<DnsQueryReport> askAsync(
      InetSocketAddress server, String name, RecordType type) {
    checkServer("server", server);
    Name qname = strictNames ? toName(name) : Questions.toAnyName(name);
    checkType(type);
    DiagEventListener listener =
        environment
            .eventListenerFactory()
            .create("dns " + qname + " " + type + " @" + DnsQueryReport.hostPort(server));
    CallScope scope = new CallScope(environment.timeSource(), dns.deadline());
    return scope.publish(
        engine.askAsync(scope, server, qname, type, dns.tcpOnly(), listener, l -> {}),
        environment.executor());
  }

  /**
   * Tells whether names must be host names ({@link Builder#strictNames(boolean)}).
   *
   * @return true by default
   */
  public boolean strictNames() {
    return strictNames;
  }

  /**
   * Returns the configured server.
   *
   * @return the server, or empty when none was set
   */
  public java.util.Optional<InetSocketAddress> server() {
    return java.util.Optional.ofNullable(server);
  }

  /**
   * Returns the DNS settings: the server asked by default, timeout, retries, TCP only, EDNS.
   *
   * @return the settings
   */
  public DnsSettings dns() {
    return dns;
  }

  /**
   * Tells whether queries set RD.
   *
   * @return the RD setting
   */
  public boolean recursionDesired() {
    return recursionDesired;
  }

  // ------------------------------------------------------------------ package-private engine

  /** The transport, for tests that check what a cancelled call leaves on the wire. */
  NioDnsTransport transport() {
    return engine.transport();
  }

  /** The engine, for the clients built on this query. */
  DigEngine engine() {
    return engine;
  }

  /** The environment, for the clients built on this query. */
  DiagEnvironment environment() {
    return environment;
  }

  // ------------------------------------------------------------------ argument checks

  static void checkServer(String parameter, InetSocketAddress server) {
    requireNonNull(server, parameter);
    if (server.isUnresolved()) {
      throw new IllegalArgumentException(
          parameter + " must be an IP address, not an unresolved name: " + server.getHostString());
    }
    Checks.port(parameter + " port", server.getPort());
  }

  static void checkType(RecordType type) {
    Questions.checkType(type);
  }

  /**
   * Parses a name for the wire: {@code .} (or the empty string) is the root; anything else goes
   * through {@link DomainName#of} (checked syntax, A-labels for Unicode).
   */
  static Name toName(String name) {
    return Questions.toName(name);
  }

  /**
   * Configures a {@link DnsQuery}. Not thread-safe; setters validate at once and name the bad
   * parameter.
   */
  public static final class Builder {
    private DnsSettings dns = DEFAULT_DNS;
    private boolean recursionDesired = true;
    private boolean checkingDisabled;
    private int udpPayloadSize = 1232;
    private boolean dnssecOk;
    private boolean nsid;
    private boolean strictNames = true;
    private DiagEnvironment environment = DiagEnvironment.system();

    private Builder() {}

    /**
     * Sets the DNS settings, replacing any set before: the first server named is the one {@link
     * #build() built} queries ask by default, like dig's {@code @server} (any port); the timeout of
     * one attempt (UDP plus the TCP retry of a truncated reply, default 2 s); retries after a
     * timeout or an unreadable reply (dig's {@code +tries} minus one, default 1); TCP only (dig's
     * {@code +tcp}); EDNS (dig's {@code +edns}/{@code +noedns}; DO and NSID switch it on whatever
     * it says); and the deadline of one call.
     *
     * @param dns the settings
     * @return this builder
     */
    public Builder dns(DnsSettings dns) {
      this.dns = requireNonNull(dns, "dns");
      return this;
    }

    /**
     * Changes some DNS settings, starting from the ones set so far (dig's defaults at first).
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
     * Sets the RD flag; clear it ({@code +norec}) to ask a root or authoritative server for exactly
     * what it holds.
     *
     * @param recursionDesired default {@code true}
     * @return this builder
     */
    public Builder recursionDesired(boolean recursionDesired) {
      this.recursionDesired = recursionDesired;
      return this;
    }

    /**
     * Sets the CD flag (dig's {@code +cd}): ask a validating resolver not to check DNSSEC.
     *
     * @param checkingDisabled default {@code false}
     * @return this builder
     */
    public Builder checkingDisabled(boolean checkingDisabled) {
      this.checkingDisabled = checkingDisabled;
      return this;
    }

    /**
     * Sets the UDP payload size the query advertises (dig's {@code +bufsize}).
     *
     * @param bytes 512 to 65535; default 1,232 (DNS Flag Day 2020)
     * @return this builder
     */
    public Builder udpPayloadSize(int bytes) {
      this.udpPayloadSize = Checks.range("udpPayloadSize", bytes, 512, 65535);
      return this;
    }

    /**
     * Sets the DO bit (dig's {@code +dnssec}) so that servers include DNSSEC signatures.
     *
     * @param dnssecOk default {@code false}
     * @return this builder
     */
    public Builder dnssecOk(boolean dnssecOk) {
      this.dnssecOk = dnssecOk;
      return this;
    }

    /**
     * Asks the server to name itself with the NSID option (RFC 5001, dig's {@code +nsid}); root
     * servers answer with the anycast instance that replied.
     *
     * @param nsid default {@code false}
     * @return this builder
     */
    public Builder nsid(boolean nsid) {
      this.nsid = nsid;
      return this;
    }

    /**
     * Chooses how names are checked before they are asked. By default (true) a name must be a host
     * name ({@link dev.mailpath.diag.core.DomainName}: letters, digits, hyphens, IDNs as A-labels).
     * With false, any name the DNS can carry is asked as given: labels of 1 to 63 printable ASCII
     * characters (space included), 255 octets in all (RFC 2181 §11: the DNS puts no other
     * restriction on labels). SPF needs this: a domain-spec may hold any visible character, {@code
     * a:foo:bar/baz.example.com} included (RFC 7208 §7.1).
     *
     * @param strictNames default {@code true}
     * @return this builder
     */
    public Builder strictNames(boolean strictNames) {
      this.strictNames = strictNames;
      return this;
    }

    /**
     * Sets the environment: clock, executor for async calls, random source for query IDs, event
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
     * Builds the query client.
     *
     * @return an immutable, thread-safe client
     */
    public DnsQuery build() {
      return new DnsQuery(this);
    }
  }
}
