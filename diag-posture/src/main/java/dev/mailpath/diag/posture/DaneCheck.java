package dev.mailpath.diag.posture;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DomainName;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.TlsFailurePolicy;
import dev.mailpath.diag.dns.DnsRecord;
import dev.mailpath.diag.dns.DnsSettings;
import dev.mailpath.diag.dns.DnssecReport;
import dev.mailpath.diag.dns.DnssecStatus;
import dev.mailpath.diag.dns.DnssecValidator;
import dev.mailpath.diag.dns.RecordType;
import dev.mailpath.diag.posture.internal.CapturingTrustManager;
import dev.mailpath.diag.posture.internal.DaneEvaluator;
import dev.mailpath.diag.smtp.SmtpClient;
import dev.mailpath.diag.smtp.SmtpConversation;
import dev.mailpath.diag.smtp.SmtpReport;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Checks DANE for SMTP (RFC 7672, 6698, 7671) of a domain: the DNSSEC status of its MX RRset, and
 * for each exchange the status of its address and {@code _25._tcp} TLSA records, the records
 * themselves, and the certificate chain of a STARTTLS session matched against them.
 *
 * <pre>{@code
 * DaneCheck dane = DaneCheck.builder()
 *     .dns(d -> d.server("127.0.0.1:5353"))
 *     .trustAnchors(List.of(". IN DS 12345 13 2 ..."))    // default: the IANA root KSK-2017
 *     .deadline(Duration.ofSeconds(60))
 *     .build();
 * DaneReport r = dane.check("example.org");
 * r.exchanges().get(0).matched();     // [3 1 1 8f3a...]
 * r.hasFinding(DaneFinding.MISMATCH); // CRITICAL: DANE senders hold the mail
 * }</pre>
 *
 * <p><b>What it does.</b> All DNSSEC verdicts come from mailpath's own {@link DnssecValidator}. The
 * exchanges are the targets of the validated MX records, in preference order (the domain itself
 * without MX; at most 10). DANE applies to an exchange when its MX RRset, its address records and
 * its TLSA records are secure and at least one TLSA record is usable (usage 2 or 3, selector 0 or
 * 1, matching type 0, 1 or 2); only then is a STARTTLS session made to its first validated IPv4
 * address, on {@link Builder#port(int)}, with the exchange's name as SNI. DANE-EE(3) records match
 * the leaf certificate, DANE-TA(2) records a certificate above it in the chain the server sent
 * (each one signed by the next). The session trusts any certificate: DANE, not the PKIX trust
 * store, decides.
 *
 * <p><b>Errors.</b> Bogus or unanswered DNS, failed connections and handshakes, garbage records are
 * findings in a normally returned report. Only a malformed domain throws ({@link
 * IllegalArgumentException}, before any query).
 *
 * <p>Immutable and thread-safe once built. A call holds one thread of the environment's executor.
 */
public final class DaneCheck {
  /** Default bound of one check. */
  static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(60);

  /** Exchanges checked per domain. */
  static final int MAX_EXCHANGES = 10;

  private final DnsSettings dns;
  private final DiagEnvironment environment;
  private final List<String> trustAnchors;
  private final Duration deadline;
  private final int port;
  private final DnssecValidator validator;

  private DaneCheck(Builder b) {
    this.dns = b.dns;
    this.environment = b.environment;
    this.trustAnchors = b.trustAnchors;
    this.deadline = b.deadline;
    this.port = b.port;
    this.validator =
        DnssecValidator.builder()
            .dns(dns)
            .environment(environment)
            .trustAnchors(trustAnchors)
            .build();
  }

  /**
   * Starts configuring a check.
   *
   * @return a builder with the system's resolvers and environment, the IANA root trust anchor, a 60
   *     s deadline and port 25
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this check's settings.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.dns = dns;
    b.environment = environment;
    b.trustAnchors = trustAnchors;
    b.deadline = deadline;
    b.port = port;
    return b;
  }

  /**
   * Returns the bound of one check.
   *
   * @return the deadline
   */
  public Duration deadline() {
    return deadline;
  }

  /**
   * Checks a domain.
   *
   * @param domain the domain, such as {@code example.org}
   * @return the report
   * @throws IllegalArgumentException when the domain is malformed
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public DaneReport check(String domain) {
    try {
      return checkAsync(domain).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * Checks a domain name.
   *
   * @param domain the domain
   * @return the report
   */
  public DaneReport check(DomainName domain) {
    return check(requireNonNull(domain, "domain").ascii());
  }

  /**
   * Checks a domain without blocking the caller; the work runs on the environment's executor.
   * {@code cancel} stops it before the next exchange (a validation or session under way runs to its
   * own deadline).
   *
   * @param domain the domain
   * @return a future of the report; it never completes exceptionally for DNS or SMTP trouble
   * @throws IllegalArgumentException at once when the domain is malformed
   */
  public CompletableFuture<DaneReport> checkAsync(String domain) {
    String ascii = DomainName.of(requireNonNull(domain, "domain")).ascii();
    CompletableFuture<DaneReport> out = new CompletableFuture<>();
    environment
        .executor()
        .execute(
            () -> {
              try {
                out.complete(run(ascii, out));
              } catch (RuntimeException | Error e) {
                out.completeExceptionally(e);
              }
            });
    return out;
  }

  private DaneReport run(String domain, CompletableFuture<DaneReport> out) {
    Instant startedAt = environment.timeSource().instant();
    long start = environment.timeSource().nanoTime();
    long end = start + deadline.toNanos();
    DnssecReport mx = validator(end).validate(domain, RecordType.MX);
    List<Finding> findings = new ArrayList<>(mx.findings());
    List<String> exchanges = exchanges(domain, mx);
    List<DaneExchangeResult> results = new ArrayList<>();
    for (String ex : exchanges) {
      if (environment.timeSource().nanoTime() >= end || out.isDone()) {
        break; // the deadline passed, or the caller cancelled
      }
      DnssecReport address = validator(end).validate(ex, RecordType.A);
      DnssecReport tlsa = validator(end).validate("_25._tcp." + ex, RecordType.TLSA);
      DaneExchangeResult r =
          DaneEvaluator.evaluate(ex, mx.status(), address, tlsa, () -> startTls(ex, address, end));
      results.add(r);
      findings.addAll(r.findings());
    }
    Duration elapsed = Duration.ofNanos(environment.timeSource().nanoTime() - start);
    return new DaneReport(mx.name(), mx.status(), results, findings, startedAt, elapsed);
  }

  private DnssecValidator validator(long end) {
    Duration left =
        Duration.ofNanos(Math.max(1_000_000, end - environment.timeSource().nanoTime()));
    if (left.compareTo(dns.deadline()) >= 0) {
      return validator; // one validator (and DNS transport) for every call with time to spare
    }
    return validator.toBuilder()
        .dns(dns.toBuilder().deadline(left).build())
        .environment(environment)
        .trustAnchors(trustAnchors)
        .build();
  }

  private static List<String> exchanges(String domain, DnssecReport mx) {
    List<DnsRecord> records = new ArrayList<>();
    for (DnsRecord r : mx.records()) {
      if (r.type() == RecordType.MX) {
        records.add(r);
      }
    }
    records.sort(Comparator.comparingInt(DaneCheck::preference));
    List<String> out = new ArrayList<>();
    for (DnsRecord r : records) {
      Optional<String> target = r.target();
      if (target.isEmpty() || target.get().equals(".") || target.get().isEmpty()) {
        continue;
      }
      String t = target.get().endsWith(".") ? target.get() : target.get() + ".";
      if (!out.contains(t) && out.size() < MAX_EXCHANGES) {
        out.add(t);
      }
    }
    if (records.isEmpty() && mx.status() != DnssecStatus.INDETERMINATE) {
      out.add(domain.endsWith(".") ? domain : domain + ".");
    }
    return out;
  }

  private static int preference(DnsRecord r) {
    try {
      return Integer.parseInt(r.data().trim().split("\\s+")[0]);
    } catch (RuntimeException e) {
      return Integer.MAX_VALUE;
    }
  }

  private DaneEvaluator.TlsOutcome startTls(String exchange, DnssecReport address, long end) {
    Optional<InetAddress> ip =
        address.records().stream().map(DnsRecord::address).flatMap(Optional::stream).findFirst();
    if (ip.isEmpty()) {
      return new DaneEvaluator.TlsOutcome(List.of(), Optional.of("no address to connect to"));
    }
    Duration left = Duration.ofNanos(end - environment.timeSource().nanoTime());
    if (left.compareTo(Duration.ofMillis(100)) < 0) {
      return new DaneEvaluator.TlsOutcome(List.of(), Optional.of("the deadline passed"));
    }
    CapturingTrustManager capture = new CapturingTrustManager();
    SmtpClient client =
        SmtpClient.builder()
            .dns(dns)
            .environment(environment)
            .deadline(left)
            .tls(t -> t.trustManager(capture).failurePolicy(TlsFailurePolicy.REPORT_AND_CONTINUE))
            .build();
    String host = exchange.endsWith(".") ? exchange.substring(0, exchange.length() - 1) : exchange;
    SmtpReport report =
        client.run(
            SmtpConversation.to(ip.get().getHostAddress(), port).expectedTlsName(host).startTls());
    List<java.security.cert.X509Certificate> chain = capture.chain();
    Optional<String> error = Optional.empty();
    if (chain.isEmpty()) {
      error =
          Optional.of(
              report
                  .tls()
                  .flatMap(i -> i.error())
                  .orElse(
                      report.findings().isEmpty()
                          ? "no TLS session"
                          : report.findings().get(0).summary()));
    }
    return new DaneEvaluator.TlsOutcome(chain, error);
  }

  /** Configures a {@link DaneCheck}. Not thread-safe; setters validate at once. */
  public static final class Builder {
    private DnsSettings dns = DnsSettings.system();
    private DiagEnvironment environment = DiagEnvironment.system();
    private List<String> trustAnchors = List.of(DnssecValidator.IANA_ROOT_KSK_2017_DS);
    private Duration deadline = DEFAULT_DEADLINE;
    private int port = 25;

    private Builder() {}

    /**
     * Sets the DNS servers and options (their deadline bounds each DNSSEC validation).
     *
     * @param dns the settings
     * @return this builder
     */
    public Builder dns(DnsSettings dns) {
      this.dns = requireNonNull(dns, "dns");
      return this;
    }

    /**
     * Changes some DNS settings.
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
     * Sets the environment.
     *
     * @param environment the environment
     * @return this builder
     */
    public Builder environment(DiagEnvironment environment) {
      this.environment = requireNonNull(environment, "environment");
      return this;
    }

    /**
     * Changes some environment settings.
     *
     * @param changes edits applied to a {@link DiagEnvironment} builder
     * @return this builder
     */
    public Builder environment(Consumer<DiagEnvironment.Builder> changes) {
      this.environment = environment.with(requireNonNull(changes, "changes"));
      return this;
    }

    /**
     * Sets the DNSSEC trust anchors (see {@link DnssecValidator.Builder#trustAnchors(List)}).
     *
     * @param trustAnchors DS or DNSKEY records in presentation form
     * @return this builder
     * @throws IllegalArgumentException when one is not a DS or DNSKEY record
     */
    public Builder trustAnchors(List<String> trustAnchors) {
      List<String> copy = List.copyOf(requireNonNull(trustAnchors, "trustAnchors"));
      DnssecValidator.builder().trustAnchors(copy);
      this.trustAnchors = copy;
      return this;
    }

    /**
     * Sets the bound of one check.
     *
     * @param deadline positive
     * @return this builder
     * @throws IllegalArgumentException when not positive
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
     * Sets the SMTP port of the exchanges (25 for real mail; another port for a lab).
     *
     * @param port 1..65535
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1..65535: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Builds the check.
     *
     * @return the check
     */
    public DaneCheck build() {
      return new DaneCheck(this);
    }
  }
}
