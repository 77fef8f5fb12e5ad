package dev.mailpath.diag.posture;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.auth.DkimKeyReport;
import dev.mailpath.diag.auth.DkimVerifier;
import dev.mailpath.diag.auth.DmarcCheck;
import dev.mailpath.diag.auth.DmarcRecordReport;
import dev.mailpath.diag.auth.SpfCheck;
import dev.mailpath.diag.auth.SpfRecordReport;
import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DomainName;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.IpAddressText;
import dev.mailpath.diag.core.TlsSettings;
import dev.mailpath.diag.dns.DnsQuery;
import dev.mailpath.diag.dns.DnsQueryReport;
import dev.mailpath.diag.dns.DnsSettings;
import dev.mailpath.diag.dns.DnssecReport;
import dev.mailpath.diag.dns.DnssecStatus;
import dev.mailpath.diag.dns.DnssecValidator;
import dev.mailpath.diag.dns.MailExchange;
import dev.mailpath.diag.dns.MxReport;
import dev.mailpath.diag.dns.MxResolver;
import dev.mailpath.diag.dns.RecordType;
import dev.mailpath.diag.posture.internal.CapturingTrustManager;
import dev.mailpath.diag.posture.internal.DaneEvaluator;
import dev.mailpath.diag.posture.internal.DnsblPipeline;
import dev.mailpath.diag.posture.internal.ExchangeProber;
import dev.mailpath.diag.posture.internal.HostGates;
import dev.mailpath.diag.posture.internal.PostureScoring;
import dev.mailpath.diag.smtp.SmtpClient;
import dev.mailpath.diag.smtp.SmtpTimeouts;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.net.ssl.X509TrustManager;

/**
 * The mail posture of a domain in one call, internet.nl's mail test as a library: MX, SPF and DMARC
 * records, DKIM keys, MTA-STS and TLS-RPT, DNSSEC and DANE, STARTTLS and the certificate of every
 * exchange address, IPv6 reachability and blocklists, with a score per {@link PostureCategory} by
 * rules written down in {@code docs/posture.md}.
 *
 * <pre>{@code
 * MailPostureCheck posture = MailPostureCheck.builder()
 *     .dns(d -> d.server("127.0.0.1:5353"))
 *     .dkimSelectors(List.of("mail2026"))
 *     .dnsblLists(List.of(DnsblList.ip("dnsbl.example.net")))   // none unless configured
 *     .build();
 * MailPostureReport r = posture.check("example.org");
 * r.score();                                 // OptionalInt[83]
 * r.score(PostureCategory.STARTTLS_DANE);    // the tests behind it
 * DiagJson.toJson(r);                        // with diag-json
 *
 * try (Stream<MailPostureReport> all = posture.checkAll(domains, 32)) {
 *   all.forEach(report -> ...);             // in input order, bounded memory
 * }
 * }</pre>
 *
 * <p><b>What it does.</b> The parts run at once: {@link MxResolver}, {@link SpfCheck#record},
 * {@link DmarcCheck#record}, {@link DkimVerifier#key} for the selectors named (without any,
 * internet.nl's test: does {@code _domainkey.<domain>} exist), {@link MtaStsCheck}, {@link
 * TlsRptCheck}, {@link DnssecValidator} on the MX records, and {@link DnsblCheck} for the domain
 * when domain lists are configured. Then, for each exchange (at most 10, in preference order): the
 * DNSSEC status of its A, AAAA and {@code _25._tcp} TLSA records, an SMTP session with STARTTLS
 * (EHLO, STARTTLS, QUIT; no mail is sent) to each of its first two IPv4 and first two IPv6
 * addresses, the certificate judged by {@link Builder#tls} (the JDK's trust store by default) and
 * matched against the TLSA records by the rules of {@link DaneCheck}, and the blocklists for those
 * addresses. Every part asks the configured DNS servers only; the report names them.
 *
 * <p><b>Politeness.</b> At most {@link Builder#maxConnectionsPerHost(int)} connections at once go
 * to one address, across every call of this instance, and with {@link
 * Builder#maxConnectionsPerMinutePerHost(int)} at most that many start a minute; the MTA-STS policy
 * fetches (HTTPS) count against the same limits of the address they go to. Every part shares one
 * DNS budget: at most {@link DnsSettings#maxInFlightPerServer()} queries at once, and {@link
 * DnsSettings#rateLimit()} a second, go to one DNS server from all the parts of all the calls of
 * this instance together (and from any other client built from the same {@link DnsSettings}).
 * {@link #checkAll} probes each exchange host once per call and reuses the result for every domain
 * it serves (many domains share one provider's exchanges).
 *
 * <p><b>Errors.</b> Everything the network does is a finding; parts that did not finish before
 * {@link Builder#deadline(Duration)} are missing from the report ({@link
 * MailPostureReport#incomplete()}) and their tests are not scored. Only a malformed domain throws
 * ({@link IllegalArgumentException}, before any query).
 *
 * <p>Immutable and thread-safe once built. A call holds one thread of the environment's executor
 * and uses a few more while sessions and lookups are under way.
 */
public final class MailPostureCheck {
  /** Default bound of one domain's check. */
  static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(120);

  /** Exchanges checked per domain. */
  static final int MAX_EXCHANGES = 10;

  /** Exchange hosts remembered by one {@link #checkAll} call. */
  static final int EXCHANGE_CACHE_SIZE = 1024;

  /** How often a waiting call looks whether it was cancelled. */
  private static final long CANCEL_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final DnsSettings dns;
  private final DiagEnvironment environment;
  private final TlsSettings tls;
  private final SmtpTimeouts timeouts;
  private final List<String> trustAnchors;
  private final int smtpPort;
  private final int policyPort;
  private final List<String> dkimSelectors;
  private final List<DnsblList> dnsblLists;
  private final Duration deadline;
  private final int maxConnectionsPerHost;
  private final int maxConnectionsPerMinutePerHost;
  private final int exchangeCacheSize;
  private final ExchangeCache sharedCache;

  private final MxResolver mxResolver;
  private final SpfCheck spf;
  private final DmarcCheck dmarc;
  private final DkimVerifier dkim;
  private final MtaStsCheck mtaSts;
  private final TlsRptCheck tlsRpt;
  private final DnssecValidator validator;
  private final DnsQuery query;
  private final DnsblCheck dnsbl;
  private final boolean ipLists;
  private final boolean domainLists;
  private final ExchangeProber prober;

  private MailPostureCheck(Builder b) {
    this.dns = b.dns;
    this.environment = b.environment;
    this.tls = b.tls;
    this.timeouts = b.timeouts;
    this.trustAnchors = b.trustAnchors;
    this.smtpPort = b.smtpPort;
    this.policyPort = b.policyPort;
    this.dkimSelectors = b.dkimSelectors;
    this.dnsblLists = b.dnsblLists;
    this.deadline = b.deadline;
    this.maxConnectionsPerHost = b.maxConnectionsPerHost;
    this.maxConnectionsPerMinutePerHost = b.maxConnectionsPerMinutePerHost;
    this.exchangeCacheSize = b.exchangeCacheSize;
    this.sharedCache = exchangeCacheSize > 0 ? new ExchangeCache(exchangeCacheSize) : null;

    // One DnsSettings instance for every part, so they share one per-server budget. A variant
    // keeps the budget of the caller's settings, except for variants of DnsSettings.system(),
    // which start their own: then all the parts still share that one.
    DnsSettings partsDns = dns.toBuilder().build();
    // One set of per-address connection limits for the SMTP sessions and the policy fetches.
    HostGates gates = new HostGates(maxConnectionsPerHost, maxConnectionsPerMinutePerHost);
    this.mxResolver = MxResolver.builder().dns(partsDns).environment(environment).build();
    this.spf = SpfCheck.builder().dns(partsDns).environment(environment).build();
    this.dmarc = DmarcCheck.builder().dns(partsDns).environment(environment).build();
    this.dkim = DkimVerifier.builder().dns(partsDns).environment(environment).build();
    this.mtaSts =
        MtaStsCheck.builder()
            .dns(partsDns)
            .environment(environment)
            .tls(tls)
            .policyPort(policyPort)
            .deadline(deadline)
            .gates(gates)
            .build();
    this.tlsRpt = TlsRptCheck.builder().dns(partsDns).environment(environment).build();
    this.validator =
        DnssecValidator.builder()
            .dns(partsDns)
            .environment(environment)
            .trustAnchors(trustAnchors)
            .build();
    this.query =
        DnsQuery.builder().dns(partsDns).environment(environment).strictNames(false).build();
    this.ipLists = dnsblLists.stream().anyMatch(l -> l.kind() == DnsblList.Kind.IP);
    this.domainLists = dnsblLists.stream().anyMatch(l -> l.kind() == DnsblList.Kind.DOMAIN);
    this.dnsbl =
        dnsblLists.isEmpty()
            ? null
            : DnsblCheck.builder()
                .dns(partsDns)
                .environment(environment)
                .lists(dnsblLists)
                .deadline(deadline)
                .build();
    SmtpClient client =
        SmtpClient.builder()
            .dns(partsDns)
            .environment(environment)
            .timeouts(timeouts)
            .tls(tls)
            .build();
    X509TrustManager trust =
        tls.sslContext().isPresent()
            ? null
            : tls.trustManager().orElseGet(CapturingTrustManager::systemDefault);
    this.prober =
        new ExchangeProber(
            validator, client, trust, smtpPort, gates, ipLists ? dnsbl : null, environment);
  }

  /**
   * Starts configuring a check.
   *
   * @return a builder with the system's resolvers and environment, the JDK's trust store, the IANA
   *     root trust anchor, SMTP port 25, policy port 443, no DKIM selector, no blocklist, a 120 s
   *     deadline and 2 connections per host
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
    b.tls = tls;
    b.timeouts = timeouts;
    b.trustAnchors = trustAnchors;
    b.smtpPort = smtpPort;
    b.policyPort = policyPort;
    b.dkimSelectors = dkimSelectors;
    b.dnsblLists = dnsblLists;
    b.deadline = deadline;
    b.maxConnectionsPerHost = maxConnectionsPerHost;
    b.maxConnectionsPerMinutePerHost = maxConnectionsPerMinutePerHost;
    b.exchangeCacheSize = exchangeCacheSize;
    return b;
  }

  /**
   * Returns the DNS settings every part uses.
   *
   * @return the settings
   */
  public DnsSettings dns() {
    return dns;
  }

  /**
   * Returns the TLS settings certificates are judged by.
   *
   * @return the settings
   */
  public TlsSettings tls() {
    return tls;
  }

  /**
   * Returns the bound of one domain's check.
   *
   * @return the deadline
   */
  public Duration deadline() {
    return deadline;
  }

  /**
   * Returns the limit of connections (SMTP, MTA-STS) at once to one address.
   *
   * @return the limit
   */
  public int maxConnectionsPerHost() {
    return maxConnectionsPerHost;
  }

  /**
   * Returns the limit of connections (SMTP, MTA-STS) a minute to one address.
   *
   * @return connections a minute, 0 for no limit
   */
  public int maxConnectionsPerMinutePerHost() {
    return maxConnectionsPerMinutePerHost;
  }

  /**
   * Returns how many exchange hosts the instance remembers across calls.
   *
   * @return 0 when each call has its own cache
   */
  public int exchangeCacheSize() {
    return exchangeCacheSize;
  }

  /**
   * Returns the DKIM selectors whose keys are checked.
   *
   * @return the selectors
   */
  public List<String> dkimSelectors() {
    return dkimSelectors;
  }

  /**
   * Returns the blocklists asked.
   *
   * @return the lists; empty when none is configured
   */
  public List<DnsblList> dnsblLists() {
    return dnsblLists;
  }

  /**
   * Checks a domain.
   *
   * @param domain such as {@code example.org}; Unicode is converted to A-labels
   * @return the report
   * @throws IllegalArgumentException when the domain is malformed
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public MailPostureReport check(String domain) {
    CompletableFuture<MailPostureReport> f = checkAsync(domain);
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
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
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public MailPostureReport check(DomainName domain) {
    return check(requireNonNull(domain, "domain").ascii());
  }

  /**
   * Checks a domain without blocking the caller; the work runs on the environment's executor.
   * {@code cancel(true)} stops it within a tenth of a second: lookups and sessions under way are
   * cancelled.
   *
   * @param domain the domain
   * @return a future of the report; it never completes exceptionally for DNS or SMTP trouble
   * @throws IllegalArgumentException at once when the domain is malformed
   */
  public CompletableFuture<MailPostureReport> checkAsync(String domain) {
    String ascii = DomainName.of(requireNonNull(domain, "domain")).ascii();
    return start(ascii, sharedCache != null ? sharedCache : new ExchangeCache(MAX_EXCHANGES));
  }

  /**
   * Checks many domains, streaming the reports in input order with at most {@code maxInFlight}
   * domains under way (and so in memory) at once; the input is read only as reports are taken.
   * Exchange hosts are probed once per call (the last {@value #EXCHANGE_CACHE_SIZE} hosts are
   * remembered, or the instance's cache is used when {@link Builder#exchangeCacheSize(int)} set
   * one) and their results reused for every domain they serve. Closing the stream cancels the
   * checks still running.
   *
   * @param domains the domains, read lazily
   * @param maxInFlight how many domains are checked at once, at least 1
   * @return a sequential stream of reports, one per domain
   * @throws IllegalArgumentException when {@code maxInFlight} is below 1 (at once), or from the
   *     stream when a domain is malformed
   */
  public Stream<MailPostureReport> checkAll(Iterable<String> domains, int maxInFlight) {
    requireNonNull(domains, "domains");
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1: " + maxInFlight);
    }
    ExchangeCache cache =
        sharedCache != null ? sharedCache : new ExchangeCache(EXCHANGE_CACHE_SIZE);
    return DnsblPipeline.stream(
        domains.iterator(),
        d -> start(DomainName.of(requireNonNull(d, "domains element")).ascii(), cache),
        maxInFlight);
  }

  /** The exchange probes one call shares: the most recently used hosts, bounded. */
  private static final class ExchangeCache {
    private final Map<String, CompletableFuture<ExchangeProber.Probe>> map;

    ExchangeCache(int size) {
      this.map =
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(
                Map.Entry<String, CompletableFuture<ExchangeProber.Probe>> eldest) {
              return size() > size;
            }
          };
    }

    synchronized CompletableFuture<ExchangeProber.Probe> get(
        String host, java.util.function.Supplier<CompletableFuture<ExchangeProber.Probe>> probe) {
      CompletableFuture<ExchangeProber.Probe> f = map.get(host);
      if (f == null || f.isCancelled()) {
        f = probe.get();
        map.put(host, f);
      }
      return f;
    }
  }

  private CompletableFuture<MailPostureReport> start(String domain, ExchangeCache cache) {
    CompletableFuture<MailPostureReport> out = new CompletableFuture<>();
    environment
        .executor()
        .execute(
            () -> {
              try {
                if (!out.isDone()) {
                  out.complete(run(domain, cache, out));
                }
              } catch (RuntimeException | Error e) {
                out.completeExceptionally(e);
              }
            });
    return out;
  }

  /** Waits for one part until the deadline, giving up early when the call was cancelled. */
  private final class Waiter {
    final long end;
    final CompletableFuture<?> call;
    boolean incomplete;

    Waiter(long end, CompletableFuture<?> call) {
      this.end = end;
      this.call = call;
    }

    <T> Optional<T> await(CompletableFuture<T> f) {
      while (true) {
        if (call.isDone()) {
          f.cancel(true);
          throw new CancellationException("the check was cancelled");
        }
        long left = end - environment.timeSource().nanoTime();
        try {
          return Optional.ofNullable(
              f.get(Math.max(0, Math.min(left, CANCEL_TICK_NANOS)), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
          if (left <= CANCEL_TICK_NANOS) {
            f.cancel(true);
            incomplete = true;
            return Optional.empty();
          }
        } catch (InterruptedException e) {
          f.cancel(true);
          Thread.currentThread().interrupt();
          throw new CancellationException("interrupted");
        } catch (CancellationException e) {
          incomplete = true;
          return Optional.empty();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException re) {
            throw re;
          }
          throw new IllegalStateException(e.getCause());
        }
      }
    }
  }

  private MailPostureReport run(
      String domain, ExchangeCache cache, CompletableFuture<MailPostureReport> call) {
    Instant startedAt = environment.timeSource().instant();
    long start = environment.timeSource().nanoTime();
    long end = start + deadline.toNanos();
    Waiter w = new Waiter(end, call);

    CompletableFuture<MxReport> mxF = mxResolver.resolveAsync(domain);
    CompletableFuture<DnssecReport> mxSecF = validator.validateAsync(domain, RecordType.MX);
    CompletableFuture<SpfRecordReport> spfF = spf.recordAsync(domain);
    CompletableFuture<DmarcRecordReport> dmarcF = dmarc.recordAsync(domain);
    List<CompletableFuture<DkimKeyReport>> dkimF = new ArrayList<>();
    for (String s : dkimSelectors) {
      dkimF.add(dkim.keyAsync(s, domain));
    }
    CompletableFuture<DnsQueryReport> domainKeyF =
        dkimSelectors.isEmpty() ? query.askAsync("_domainkey." + domain, RecordType.TXT) : null;
    CompletableFuture<MtaStsReport> mtaStsF = mtaSts.checkAsync(domain);
    CompletableFuture<TlsRptReport> tlsRptF = tlsRpt.checkAsync(domain);
    CompletableFuture<DnsblReport> domainListF = null;
    if (domainLists) {
      try {
        domainListF = dnsbl.checkAsync(domain);
      } catch (IllegalArgumentException e) {
        domainListF = null; // the query name would be too long for a list: nothing to ask
      }
    }

    Optional<MxReport> mx = w.await(mxF);
    List<MailExchange> exchanges = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (MailExchange x : mx.map(MxReport::exchanges).orElse(List.of())) {
      String host = hostKey(x.host());
      if (!host.isEmpty() && seen.add(host) && exchanges.size() < MAX_EXCHANGES) {
        exchanges.add(x);
      }
    }
    List<CompletableFuture<ExchangeProber.Probe>> probeF = new ArrayList<>();
    for (MailExchange x : exchanges) {
      String host = hostKey(x.host());
      probeF.add(cache.get(host, () -> prober.probeAsync(host, x.addresses(), end)));
    }

    MailPostureReport.Builder b = MailPostureReport.builder().domain(domain);
    for (InetSocketAddress s : dns.servers()) {
      b.addDnsServer(
          IpAddressText.format(s.getAddress()).contains(":")
              ? "[" + IpAddressText.format(s.getAddress()) + "]:" + s.getPort()
              : IpAddressText.format(s.getAddress()) + ":" + s.getPort());
    }
    if (dns.servers().isEmpty()) {
      b.addDnsServer("system resolvers");
    }
    List<Finding> findings = new ArrayList<>();
    mx.ifPresent(
        r -> {
          b.mx(r);
          findings.addAll(r.findings());
        });

    Optional<DnssecReport> mxSec = w.await(mxSecF);
    List<ExchangePosture> postures = new ArrayList<>();
    List<DaneExchangeResult> dane = new ArrayList<>();
    List<DnsblReport> lists = new ArrayList<>();
    for (int i = 0; i < exchanges.size(); i++) {
      MailExchange x = exchanges.get(i);
      Optional<ExchangeProber.Probe> p = w.await(probeF.get(i));
      if (p.isEmpty()) {
        continue;
      }
      ExchangeProber.Probe probe = p.get();
      List<Finding> exFindings = new ArrayList<>();
      Evidence ex = Evidence.of("exchange", probe.host());
      if (probe.ipv6Addresses() == 0) {
        exFindings.add(
            PostureFinding.IPV6_NO_ADDRESS.finding(probe.host() + " has no AAAA record", ex));
      }
      DnssecStatus addressStatus = probe.addressStatus();
      if (addressStatus != DnssecStatus.SECURE) {
        exFindings.add(
            PostureFinding.DNSSEC_EXCHANGE.finding(
                probe.host()
                    + ": address records "
                    + addressStatus.name().toLowerCase(Locale.ROOT)
                    + probe.addressReport().reason().map(r -> " (" + r + ")").orElse(""),
                ex));
      }
      for (AddressPosture a : probe.addresses()) {
        exFindings.addAll(a.findings());
      }
      postures.add(
          new ExchangePosture(
              probe.host(),
              x.preference(),
              addressStatus,
              probe.addresses(),
              probe.ipv6Addresses(),
              exFindings));
      findings.addAll(exFindings);
      if (mxSec.isPresent()) {
        dane.add(dane(probe, mxSec.get().status()));
      }
      lists.addAll(probe.dnsbl());
    }
    postures.forEach(b::addExchange);

    Optional<DaneReport> daneReport = Optional.empty();
    if (mxSec.isPresent()) {
      DnssecReport m = mxSec.get();
      List<Finding> daneFindings = new ArrayList<>(m.findings());
      dane.forEach(r -> daneFindings.addAll(r.findings()));
      if (m.status() != DnssecStatus.SECURE) {
        findings.add(
            PostureFinding.DNSSEC_DOMAIN.finding(
                domain
                    + ": MX records "
                    + m.status().name().toLowerCase(Locale.ROOT)
                    + m.reason().map(r -> " (" + r + ")").orElse(""),
                Evidence.of("domain", domain)));
      }
      DaneReport d =
          new DaneReport(
              m.name(),
              m.status(),
              dane,
              daneFindings,
              startedAt,
              Duration.ofNanos(environment.timeSource().nanoTime() - start));
      daneReport = Optional.of(d);
      b.dane(d);
      findings.addAll(daneFindings);
    }

    Optional<SpfRecordReport> spfR = w.await(spfF);
    spfR.ifPresent(r -> findings.addAll(r.findings()));
    spfR.ifPresent(b::spf);
    Optional<DmarcRecordReport> dmarcR = w.await(dmarcF);
    dmarcR.ifPresent(r -> findings.addAll(r.findings()));
    dmarcR.ifPresent(b::dmarc);
    List<DkimKeyReport> keys = new ArrayList<>();
    for (CompletableFuture<DkimKeyReport> f : dkimF) {
      w.await(f).ifPresent(keys::add);
    }
    keys.forEach(
        k -> {
          b.addDkim(k);
          findings.addAll(k.findings());
        });
    Optional<Boolean> domainKeys = Optional.empty();
    if (domainKeyF != null) {
      Optional<DnsQueryReport> q = w.await(domainKeyF);
      if (q.isPresent() && q.get().answered()) {
        String rcode = q.get().rcode();
        if (rcode.equals("NOERROR")) {
          domainKeys = Optional.of(true);
        } else if (rcode.equals("NXDOMAIN")) {
          domainKeys = Optional.of(false);
        }
      }
      if (domainKeys.isPresent() && !domainKeys.get()) {
        findings.add(
            PostureFinding.DKIM_NOT_FOUND.finding(
                "_domainkey." + domain + " does not exist (NXDOMAIN)",
                Evidence.of("domain", domain)));
      }
    } else if (!keys.isEmpty() && keys.stream().noneMatch(DkimKeyReport::usable)) {
      findings.add(
          PostureFinding.DKIM_NOT_FOUND.finding(
              "no usable key for selector(s) " + String.join(", ", dkimSelectors),
              Evidence.of("domain", domain)));
    }
    Optional<MtaStsReport> mtaStsR = w.await(mtaStsF);
    mtaStsR.ifPresent(
        r -> {
          b.mtaSts(r);
          findings.addAll(r.findings());
        });
    Optional<TlsRptReport> tlsRptR = w.await(tlsRptF);
    tlsRptR.ifPresent(
        r -> {
          b.tlsRpt(r);
          findings.addAll(r.findings());
        });
    if (domainListF != null) {
      w.await(domainListF).ifPresent(lists::add);
    }
    lists.forEach(
        r -> {
          b.addDnsbl(r);
          findings.addAll(r.findings());
        });
    if (w.incomplete) {
      findings.add(
          PostureFinding.DEADLINE.finding(
              domain + ": the " + deadline.toSeconds() + " s deadline passed",
              Evidence.of("domain", domain)));
    }
    PostureScoring.score(
            new PostureScoring.Facts(
                postures,
                mx.isPresent(),
                daneReport,
                spfR,
                dmarcR,
                keys,
                !dkimSelectors.isEmpty(),
                domainKeys,
                mtaStsR,
                tlsRptR,
                lists,
                !dnsblLists.isEmpty()))
        .forEach(b::addScore);
    new LinkedHashSet<>(findings).forEach(b::addFinding);
    return b.incomplete(w.incomplete)
        .startedAt(startedAt)
        .elapsed(Duration.ofNanos(environment.timeSource().nanoTime() - start))
        .build();
  }

  /**
   * DANE of one exchange: judged on the first address's chain, unless another address's chain
   * matches none of the TLSA records (each address must match, RFC 7672 §3: a sender that reaches
   * that address holds the mail).
   */
  private static DaneExchangeResult dane(ExchangeProber.Probe probe, DnssecStatus mxStatus) {
    String name = probe.host() + ".";
    DaneExchangeResult first =
        DaneEvaluator.evaluate(
            name,
            mxStatus,
            probe.addressReport(),
            probe.tlsa(),
            () -> new DaneEvaluator.TlsOutcome(probe.chain(), probe.chainError()));
    if (!first.daneApplies() || first.matched().isEmpty()) {
      return first;
    }
    for (int i = 1; i < probe.chains().size(); i++) {
      List<java.security.cert.X509Certificate> chain = probe.chains().get(i);
      DaneExchangeResult other =
          DaneEvaluator.evaluate(
              name,
              mxStatus,
              probe.addressReport(),
              probe.tlsa(),
              () -> new DaneEvaluator.TlsOutcome(chain, Optional.empty()));
      if (other.matched().isEmpty()) {
        return other;
      }
    }
    return first;
  }

  private static String hostKey(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  /** Configures a {@link MailPostureCheck}. Not thread-safe; setters validate at once. */
  public static final class Builder {
    private DnsSettings dns = DnsSettings.system();
    private DiagEnvironment environment = DiagEnvironment.system();
    private TlsSettings tls = TlsSettings.system();
    private SmtpTimeouts timeouts = SmtpTimeouts.all(Duration.ofSeconds(20));
    private List<String> trustAnchors = List.of(DnssecValidator.IANA_ROOT_KSK_2017_DS);
    private int smtpPort = 25;
    private int policyPort = 443;
    private List<String> dkimSelectors = List.of();
    private List<DnsblList> dnsblLists = List.of();
    private Duration deadline = DEFAULT_DEADLINE;
    private int maxConnectionsPerHost = 2;
    private int maxConnectionsPerMinutePerHost;
    private int exchangeCacheSize;

    private Builder() {}

    /**
     * Sets the DNS servers and options every part uses.
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
     * Sets the environment (clock, sockets, executor).
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
     * Sets the trust that exchange certificates and the MTA-STS policy host are judged by (its
     * failure policy is not used: an exchange's certificate is always reported, never refused).
     *
     * @param tls the settings
     * @return this builder
     */
    public Builder tls(TlsSettings tls) {
      this.tls = requireNonNull(tls, "tls");
      return this;
    }

    /**
     * Changes the TLS settings, starting from the ones set so far.
     *
     * @param changes edits to a {@link TlsSettings} builder
     * @return this builder
     */
    public Builder tls(Consumer<TlsSettings.Builder> changes) {
      TlsSettings.Builder b = tls.toBuilder();
      requireNonNull(changes, "changes").accept(b);
      this.tls = b.build();
      return this;
    }

    /**
     * Sets the per-phase timeouts of the SMTP sessions (default 20 s for every phase; a session
     * ends after 30 s in any case).
     *
     * @param timeouts the timeouts
     * @return this builder
     */
    public Builder timeouts(SmtpTimeouts timeouts) {
      this.timeouts = requireNonNull(timeouts, "timeouts");
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
     * Sets the SMTP port of the exchanges (25 for real mail; another port for a lab).
     *
     * @param port 1..65535
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder smtpPort(int port) {
      this.smtpPort = port(port);
      return this;
    }

    /**
     * Sets the HTTPS port of the MTA-STS policy host (443 for real domains; another for a lab).
     *
     * @param port 1..65535
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder policyPort(int port) {
      this.policyPort = port(port);
      return this;
    }

    private static int port(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1..65535: " + port);
      }
      return port;
    }

    /**
     * Names the DKIM selectors whose keys are checked (a key cannot be found without its selector).
     * Without any, the DKIM test asks whether {@code _domainkey.<domain>} exists, as internet.nl
     * does.
     *
     * @param selectors selectors such as {@code "mail2026"}
     * @return this builder
     * @throws IllegalArgumentException when one is blank or not a DNS label sequence
     */
    public Builder dkimSelectors(List<String> selectors) {
      List<String> copy = List.copyOf(requireNonNull(selectors, "selectors"));
      for (String s : copy) {
        if (s.isBlank() || !s.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*") || s.length() > 200) {
          throw new IllegalArgumentException(
              "selectors: not a DKIM selector (letters, digits, '-', '_', dots between labels): "
                  + s);
        }
      }
      this.dkimSelectors = copy;
      return this;
    }

    /**
     * Sets the blocklists to ask (none by default: many lists restrict who may query them; see
     * {@code docs/dnsbl.md}). IP lists are asked about every exchange address connected to, domain
     * lists about the domain.
     *
     * @param lists the lists
     * @return this builder
     */
    public Builder dnsblLists(List<DnsblList> lists) {
      this.dnsblLists = List.copyOf(requireNonNull(lists, "lists"));
      return this;
    }

    /**
     * Sets the bound of one domain's check.
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
     * Sets how many connections at once may go to one address, across all calls of the check: SMTP
     * sessions to the exchanges and MTA-STS policy fetches (HTTPS) alike.
     *
     * @param max at least 1 (default 2)
     * @return this builder
     * @throws IllegalArgumentException when below 1
     */
    public Builder maxConnectionsPerHost(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConnectionsPerHost must be at least 1: " + max);
      }
      this.maxConnectionsPerHost = max;
      return this;
    }

    /**
     * Sets how many connections a minute may start to one address, across all calls of the check
     * (SMTP sessions and MTA-STS policy fetches alike): starts to one address are spaced at least a
     * minute / {@code max} apart, and a connection that could not start before the deadline is
     * reported as not made. For providers that publish a connection rate; {@link
     * #maxConnectionsPerHost(int)} bounds the connections at once.
     *
     * @param max 1 to 1,000,000, or 0 for no limit (the default)
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder maxConnectionsPerMinutePerHost(int max) {
      if (max < 0 || max > 1_000_000) {
        throw new IllegalArgumentException(
            "maxConnectionsPerMinutePerHost must be 0 (no limit) to 1,000,000: " + max);
      }
      this.maxConnectionsPerMinutePerHost = max;
      return this;
    }

    /**
     * Makes the check remember exchange probes across all its calls, for a batch run: a host seen
     * by one call is not probed again by the next, as long as it is among the last {@code size}
     * hosts used. Meant for an instance that lives as long as one run (a batch job, one executor of
     * a distributed engine); a long-lived instance would report what an exchange showed when it was
     * first probed. Default 0: each call has its own cache ({@link #checkAll} shares one among its
     * domains).
     *
     * @param size hosts remembered, 0 for none
     * @return this builder
     * @throws IllegalArgumentException when negative
     */
    public Builder exchangeCacheSize(int size) {
      if (size < 0) {
        throw new IllegalArgumentException("exchangeCacheSize must not be negative: " + size);
      }
      this.exchangeCacheSize = size;
      return this;
    }

    /**
     * Builds the check.
     *
     * @return the check
     */
    public MailPostureCheck build() {
      return new MailPostureCheck(this);
    }
  }
}
