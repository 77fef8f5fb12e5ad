package dev.mailpath.diag.auth;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.auth.internal.AuthDns;
import dev.mailpath.diag.auth.internal.spf.SpfEngine;
import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.dns.DnsQuery;
import dev.mailpath.diag.dns.DnsSettings;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Checks whether an address may send mail for a domain, the way a receiving MTA does (RFC 7208
 * check_host()): the MAIL FROM domain's SPF record, or the HELO name's when MAIL FROM is empty,
 * with every mechanism ({@code all include a mx ptr ip4 ip6 exists}), modifier ({@code redirect
 * exp}), macro and processing limit of the RFC.
 *
 * <pre>{@code
 * SpfCheck spf = SpfCheck.builder()
 *     .dns(d -> d.server("127.0.0.1:5353").timeout(Duration.ofSeconds(2)))
 *     .build();
 * SpfReport r = spf.check(InetAddress.getByName("192.0.2.10"), "alice@example.org", "mx.example.org");
 * r.result();        // PASS, FAIL, SOFTFAIL, ...
 * r.matchedTerm();   // Optional[ip4:192.0.2.0/24]
 * r.dnsLookups();    // 3 (of 10)
 * System.out.println(r);   // the result, the include/redirect tree, the findings
 *
 * SpfRecordReport setup = spf.record("example.org");   // "is my SPF right?"
 * }</pre>
 *
 * <p><b>Errors.</b> Everything DNS or the published records do is a result and findings in a
 * normally returned report: a timeout or SERVFAIL is TEMPERROR ({@code spf.dns-timeout}, {@code
 * spf.temperror}), a syntax error anywhere in a record, several records, more than 10 DNS-querying
 * terms or 2 void lookups are PERMERROR ({@code spf.syntax}, {@code spf.multiple-records}, {@code
 * spf.too-many-lookups}, {@code spf.void-lookups}), a malformed domain is NONE ({@code
 * spf.invalid-domain}). A check that runs past {@link Builder#timeout(Duration)} ends in TEMPERROR
 * with {@code spf.deadline}; it never hangs. Only misuse throws: null arguments ({@link
 * NullPointerException}) and bad builder settings ({@link IllegalArgumentException}).
 *
 * <p><b>Engine.</b> A check is a chain of futures on diag-dns's non-blocking transport through one
 * {@link DnsQuery}: no thread per check, no hidden cache or search path; parsed records are cached
 * by their text. Immutable and thread-safe once built; one instance serves any number of calls.
 */
public final class SpfCheck {
  private final DnsSettings dns;
  private final DiagEnvironment environment;
  private final Duration timeout;
  private final int maxDnsLookups;
  private final int maxVoidLookups;
  private final String receiver;
  private final SpfEngine engine;

  private SpfCheck(Builder b) {
    this.dns = b.dns;
    this.environment = b.environment;
    this.timeout = b.timeout;
    this.maxDnsLookups = b.maxDnsLookups;
    this.maxVoidLookups = b.maxVoidLookups;
    this.receiver = b.receiver;
    DnsSettings asked =
        dns.servers().isEmpty() ? dns.toBuilder().servers(dns.serversOrSystem()).build() : dns;
    // Targets may hold any visible character (RFC 7208 §7.1): ask them as given.
    DnsQuery query =
        DnsQuery.builder().dns(asked).environment(environment).strictNames(false).build();
    this.engine =
        new SpfEngine(
            new AuthDns(query), environment, timeout, maxDnsLookups, maxVoidLookups, receiver);
  }

  /**
   * Starts configuring a check.
   *
   * @return a new builder with defaults: the system's resolvers, a 20 s deadline per check (RFC
   *     7208 §4.6.4), 10 DNS-querying terms, 2 void lookups, receiver {@code unknown}, the system
   *     environment
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
    b.maxDnsLookups = maxDnsLookups;
    b.maxVoidLookups = maxVoidLookups;
    b.receiver = receiver;
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
   * Returns the deadline of one check.
   *
   * @return the deadline
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Returns the limit of DNS-querying terms per check.
   *
   * @return the limit (10 unless changed)
   */
  public int maxDnsLookups() {
    return maxDnsLookups;
  }

  /**
   * Returns the limit of void lookups per check.
   *
   * @return the limit (2 unless changed)
   */
  public int maxVoidLookups() {
    return maxVoidLookups;
  }

  /**
   * Returns the receiving host's name that {@code %{r}} expands to.
   *
   * @return the name ({@code unknown} unless changed)
   */
  public String receiver() {
    return receiver;
  }

  /**
   * Returns the environment.
   *
   * @return the environment
   */
  public DiagEnvironment environment() {
    return environment;
  }

  /**
   * Checks an address against the SPF record of the MAIL FROM domain, or of the HELO name when MAIL
   * FROM is empty ({@code ""} or {@code <>}).
   *
   * @param ip the connecting client's address; an IPv4-mapped IPv6 address counts as IPv4
   * @param mailFrom the MAIL FROM address ({@code alice@example.org}, with or without angle
   *     brackets); without a local part {@code postmaster} is used (RFC 7208 §4.3); empty for a
   *     bounce, which checks the HELO identity
   * @param helo the HELO/EHLO name
   * @return the report
   * @throws NullPointerException when an argument is null
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public SpfReport check(InetAddress ip, String mailFrom, String helo) {
    return await(checkAsync(ip, mailFrom, helo));
  }

  /**
   * Checks an address without blocking the caller; the future completes on the environment's
   * executor. Cancelling it frees its DNS queries.
   *
   * @param ip the address
   * @param mailFrom the MAIL FROM address, or empty for the HELO identity
   * @param helo the HELO/EHLO name
   * @return a future of the report; it never completes exceptionally for DNS or record trouble
   * @throws NullPointerException at once when an argument is null
   */
  public CompletableFuture<SpfReport> checkAsync(InetAddress ip, String mailFrom, String helo) {
    requireNonNull(ip, "ip");
    requireNonNull(mailFrom, "mailFrom");
    requireNonNull(helo, "helo");
    return engine.check(ip, mailFrom, helo);
  }

  /**
   * Analyses a domain's SPF record without an address: the DNS-querying terms it uses of 10 (nested
   * includes counted), void lookups, includes without records, loops, syntax errors and risky terms
   * ({@code +all}, {@code ?all}, {@code ptr}).
   *
   * @param domain the domain
   * @return the report; a malformed domain gives a {@code spf.invalid-domain} finding
   * @throws NullPointerException when the domain is null
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public SpfRecordReport record(String domain) {
    return await(recordAsync(domain));
  }

  /**
   * Analyses a domain's SPF record without blocking the caller.
   *
   * @param domain the domain
   * @return a future of the report
   * @throws NullPointerException at once when the domain is null
   */
  public CompletableFuture<SpfRecordReport> recordAsync(String domain) {
    requireNonNull(domain, "domain");
    return engine.record(domain);
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      CancellationException c = new CancellationException("interrupted");
      c.initCause(e);
      throw c;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IllegalStateException(cause);
    }
  }

  /**
   * Configures an {@link SpfCheck}. Not thread-safe; setters validate at once and name the bad
   * parameter.
   */
  public static final class Builder {
    private DnsSettings dns = DnsSettings.system();
    private DiagEnvironment environment = DiagEnvironment.system();
    private Duration timeout = Duration.ofSeconds(20);
    private int maxDnsLookups = 10;
    private int maxVoidLookups = 2;
    private String receiver = "unknown";

    private Builder() {}

    /**
     * Sets the DNS servers and transport options, replacing any set before. The first server is
     * asked (a recursive resolver); the per-query timeout and retries are the settings'.
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
      this.dns = b.build();
      return this;
    }

    /**
     * Sets the environment: clock (also {@code %{t}}), executor on which futures complete, event
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
     * Sets the deadline of one whole check; past it the result is TEMPERROR with a {@code
     * spf.deadline} finding.
     *
     * @param timeout positive; default 20 s
     * @return this builder
     * @throws IllegalArgumentException when not positive
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
     * Sets the limit of terms that cause DNS lookups (RFC 7208 §4.6.4).
     *
     * @param maxDnsLookups 1 to 100; default 10, as the RFC requires
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder maxDnsLookups(int maxDnsLookups) {
      if (maxDnsLookups < 1 || maxDnsLookups > 100) {
        throw new IllegalArgumentException("maxDnsLookups must be 1 to 100: " + maxDnsLookups);
      }
      this.maxDnsLookups = maxDnsLookups;
      return this;
    }

    /**
     * Sets the limit of void lookups (RFC 7208 §4.6.4).
     *
     * @param maxVoidLookups 0 to 100; default 2, as the RFC recommends
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder maxVoidLookups(int maxVoidLookups) {
      if (maxVoidLookups < 0 || maxVoidLookups > 100) {
        throw new IllegalArgumentException("maxVoidLookups must be 0 to 100: " + maxVoidLookups);
      }
      this.maxVoidLookups = maxVoidLookups;
      return this;
    }

    /**
     * Sets the receiving host's name, which {@code %{r}} expands to in explanations.
     *
     * @param receiver a domain name; default {@code unknown}
     * @return this builder
     * @throws IllegalArgumentException when blank or containing whitespace
     */
    public Builder receiver(String receiver) {
      requireNonNull(receiver, "receiver");
      if (receiver.isBlank() || receiver.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("receiver must be a host name: \"" + receiver + "\"");
      }
      this.receiver = receiver;
      return this;
    }

    /**
     * Builds the check.
     *
     * @return an immutable, thread-safe check
     * @throws IllegalStateException when no DNS server was set and the system has none
     */
    public SpfCheck build() {
      return new SpfCheck(this);
    }
  }
}
