package dev.mailpath.diag.posture.internal;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.IpAddressText;
import dev.mailpath.diag.core.TlsFailurePolicy;
import dev.mailpath.diag.dns.DnssecReport;
import dev.mailpath.diag.dns.DnssecStatus;
import dev.mailpath.diag.dns.DnssecValidator;
import dev.mailpath.diag.dns.RecordType;
import dev.mailpath.diag.posture.AddressPosture;
import dev.mailpath.diag.posture.DnsblCheck;
import dev.mailpath.diag.posture.DnsblReport;
import dev.mailpath.diag.posture.PostureFinding;
import dev.mailpath.diag.smtp.EhloCapabilities;
import dev.mailpath.diag.smtp.SmtpClient;
import dev.mailpath.diag.smtp.SmtpConversation;
import dev.mailpath.diag.smtp.SmtpReply;
import dev.mailpath.diag.smtp.SmtpReport;
import dev.mailpath.diag.smtp.TlsInfo;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.X509TrustManager;

/**
 * Everything a posture check learns about one exchange host that does not depend on the domain that
 * named it: the DNSSEC validation of its A, AAAA and {@code _25._tcp} TLSA records, an SMTP session
 * with STARTTLS to each of its first two IPv4 and first two IPv6 addresses (through {@link
 * HostGates}, so a provider's host gets at most its limit of connections), and the blocklist
 * answers for those addresses. {@link dev.mailpath.diag.posture.MailPostureCheck#checkAll} keeps
 * these per host, so a provider's exchanges are probed once for all the domains they serve.
 * Thread-safe.
 */
public final class ExchangeProber {
  /** Addresses per family connected to. */
  static final int ADDRESSES_PER_FAMILY = 2;

  /** Bound of one SMTP session (within the check's deadline). */
  static final Duration SESSION_DEADLINE = Duration.ofSeconds(30);

  private final DnssecValidator validator;
  private final SmtpClient client;
  private final X509TrustManager trust;
  private final int port;
  private final HostGates gates;
  private final DnsblCheck dnsbl;
  private final DiagEnvironment environment;

  /**
   * What one exchange host showed.
   *
   * @param host the host name, lower case, no trailing dot
   * @param a the validation of its A records
   * @param aaaa the validation of its AAAA records
   * @param tlsa the validation of its TLSA records
   * @param ipv6Addresses how many IPv6 addresses it has
   * @param addresses the sessions, IPv4 first
   * @param chain the certificate chain of the first session that had one (IPv4 first)
   * @param chainError why there is no chain, when there is none
   * @param chains the chains of every session that had one, in session order (DANE applies to each
   *     address, RFC 7672 §3)
   * @param dnsbl blocklist answers for the addresses connected to
   */
  public record Probe(
      String host,
      DnssecReport a,
      DnssecReport aaaa,
      DnssecReport tlsa,
      int ipv6Addresses,
      List<AddressPosture> addresses,
      List<X509Certificate> chain,
      Optional<String> chainError,
      List<List<X509Certificate>> chains,
      List<DnsblReport> dnsbl) {
    /** Copies the lists. */
    public Probe {
      addresses = List.copyOf(addresses);
      chain = List.copyOf(chain);
      chains = chains.stream().map(List::copyOf).toList();
      dnsbl = List.copyOf(dnsbl);
    }

    /**
     * Returns the DNSSEC status of the exchange's address records: of the A records, or of the AAAA
     * records for an exchange with IPv6 only.
     *
     * @return the status
     */
    public DnssecStatus addressStatus() {
      return a.records().isEmpty() && !aaaa.records().isEmpty() ? aaaa.status() : a.status();
    }

    /**
     * Returns the validation that decides the address status.
     *
     * @return the A or AAAA validation
     */
    public DnssecReport addressReport() {
      return a.records().isEmpty() && !aaaa.records().isEmpty() ? aaaa : a;
    }
  }

  /**
   * Creates a prober.
   *
   * @param validator the DNSSEC validator
   * @param client the SMTP client (DNS, timeouts, EHLO name, environment); its TLS is replaced
   * @param trust the PKIX trust manager certificates are judged by, or null to let the client's TLS
   *     settings decide (then no chain is captured for DANE)
   * @param port the SMTP port
   * @param gates the per-host connection limit
   * @param dnsbl the blocklist check for addresses, or null when no IP list is configured
   * @param environment clock and executor
   */
  public ExchangeProber(
      DnssecValidator validator,
      SmtpClient client,
      X509TrustManager trust,
      int port,
      HostGates gates,
      DnsblCheck dnsbl,
      DiagEnvironment environment) {
    this.validator = requireNonNull(validator, "validator");
    this.client = requireNonNull(client, "client");
    this.trust = trust;
    this.port = port;
    this.gates = requireNonNull(gates, "gates");
    this.dnsbl = dnsbl;
    this.environment = requireNonNull(environment, "environment");
  }

  /**
   * Probes a host on the environment's executor.
   *
   * @param host the host name (no trailing dot)
   * @param addresses its addresses from the MX lookup
   * @param end the deadline, in the environment's nano time
   * @return a future of the probe; never completes exceptionally for network trouble
   */
  public CompletableFuture<Probe> probeAsync(String host, List<InetAddress> addresses, long end) {
    CompletableFuture<Probe> out = new CompletableFuture<>();
    environment
        .executor()
        .execute(
            () -> {
              try {
                out.complete(probe(host, addresses, end));
              } catch (RuntimeException | Error e) {
                out.completeExceptionally(e);
              }
            });
    return out;
  }

  private Probe probe(String host, List<InetAddress> addresses, long end) {
    CompletableFuture<DnssecReport> a = validator.validateAsync(host, RecordType.A);
    CompletableFuture<DnssecReport> aaaa = validator.validateAsync(host, RecordType.AAAA);
    CompletableFuture<DnssecReport> tlsa =
        validator.validateAsync("_25._tcp." + host, RecordType.TLSA);
    List<InetAddress> chosen = new ArrayList<>();
    int v4 = 0;
    int v6 = 0;
    int ipv6Total = 0;
    for (InetAddress ip : addresses) {
      boolean six = ip instanceof Inet6Address;
      ipv6Total += six ? 1 : 0;
      if (six ? v6 < ADDRESSES_PER_FAMILY : v4 < ADDRESSES_PER_FAMILY) {
        chosen.add(ip);
        if (six) {
          v6++;
        } else {
          v4++;
        }
      }
    }
    chosen.sort((x, y) -> Boolean.compare(x instanceof Inet6Address, y instanceof Inet6Address));
    List<CompletableFuture<DnsblReport>> lists = new ArrayList<>();
    if (dnsbl != null) {
      for (InetAddress ip : chosen) {
        lists.add(dnsbl.checkAsync(ip));
      }
    }
    List<CompletableFuture<Session>> sessions = new ArrayList<>();
    for (InetAddress ip : chosen) {
      CompletableFuture<Session> f = new CompletableFuture<>();
      environment
          .executor()
          .execute(
              () -> {
                try {
                  f.complete(session(host, ip, end));
                } catch (RuntimeException | Error e) {
                  f.completeExceptionally(e);
                }
              });
      sessions.add(f);
    }
    List<AddressPosture> out = new ArrayList<>();
    List<X509Certificate> chain = List.of();
    Optional<String> chainError = Optional.of("no address to connect to");
    List<List<X509Certificate>> chains = new ArrayList<>();
    for (int i = 0; i < sessions.size(); i++) {
      InetAddress ip = chosen.get(i);
      Session s =
          await(sessions.get(i), end)
              .orElseGet(() -> Session.failed(ip, "the deadline passed before the session ended"));
      out.add(s.posture());
      if (!s.chain().isEmpty()) {
        chains.add(s.chain());
      }
      if (chain.isEmpty() && !s.chain().isEmpty()) {
        chain = s.chain();
        chainError = Optional.empty();
      } else if (chain.isEmpty() && i == 0) {
        chainError = s.posture().error().or(() -> Optional.of("no TLS session"));
      }
    }
    List<DnsblReport> listed = new ArrayList<>();
    for (CompletableFuture<DnsblReport> f : lists) {
      await(f, end).ifPresent(listed::add);
    }
    String tlsaName = "_25._tcp." + host;
    return new Probe(
        host,
        await(a, end).orElseGet(() -> unfinished(host, RecordType.A)),
        await(aaaa, end).orElseGet(() -> unfinished(host, RecordType.AAAA)),
        await(tlsa, end).orElseGet(() -> unfinished(tlsaName, RecordType.TLSA)),
        ipv6Total,
        out,
        chain,
        chainError,
        chains,
        listed);
  }

  private DnssecReport unfinished(String name, RecordType type) {
    return new DnssecReport(
        name,
        type,
        DnssecStatus.INDETERMINATE,
        Optional.of("the deadline passed before validation finished"),
        List.of(),
        List.of(),
        List.of(),
        environment.timeSource().instant(),
        Duration.ZERO);
  }

  /** One session's outcome and the chain it saw. */
  private record Session(AddressPosture posture, List<X509Certificate> chain) {
    static Session failed(InetAddress ip, String why) {
      boolean six = ip instanceof Inet6Address;
      String text = IpAddressText.format(ip);
      Finding f =
          (six ? PostureFinding.IPV6_UNREACHABLE : PostureFinding.UNREACHABLE)
              .finding(text + ": " + why, Evidence.of("address", text));
      return new Session(
          new AddressPosture(
              text, six, false, false, Optional.empty(), Optional.of(why), List.of(f)),
          List.of());
    }
  }

  private Session session(String host, InetAddress ip, long end) {
    String text = IpAddressText.format(ip);
    boolean six = ip instanceof Inet6Address;
    long left = end - environment.timeSource().nanoTime();
    if (left < TimeUnit.MILLISECONDS.toNanos(100)) {
      return Session.failed(ip, "the deadline passed before connecting");
    }
    AutoCloseable slot;
    try {
      slot = gates.acquire(text, left);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted");
    }
    if (slot == null) {
      return Session.failed(ip, "the deadline passed waiting for a connection slot to " + text);
    }
    try {
      left = end - environment.timeSource().nanoTime();
      Duration bound =
          Duration.ofNanos(Math.max(1_000_000, Math.min(left, SESSION_DEADLINE.toNanos())));
      CapturingTrustManager capture = trust == null ? null : new CapturingTrustManager(trust);
      SmtpClient c =
          client.toBuilder()
              .deadline(bound)
              .tls(
                  t -> {
                    if (capture != null) {
                      t.trustManager(capture);
                    }
                    t.failurePolicy(TlsFailurePolicy.REPORT_AND_CONTINUE);
                  })
              .build();
      SmtpReport r =
          c.run(SmtpConversation.to(text, port).expectedTlsName(host).startTlsIfOffered());
      return new Session(
          posture(host, text, six, r), capture == null ? List.of() : capture.chain());
    } finally {
      try {
        slot.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static AddressPosture posture(String host, String text, boolean six, SmtpReport r) {
    Evidence where = Evidence.of("address", text);
    Evidence name = Evidence.of("exchange", host);
    List<Finding> findings = new ArrayList<>();
    boolean reachable = r.banner().map(SmtpReply::received).orElse(false);
    Optional<TlsInfo> tls = r.tls();
    boolean offered =
        tls.isPresent() || r.capabilities().map(EhloCapabilities::startTls).orElse(false);
    Optional<String> error =
        r.completed() ? Optional.empty() : r.endReason().or(() -> Optional.of("session ended"));
    if (!reachable) {
      findings.add(
          (six ? PostureFinding.IPV6_UNREACHABLE : PostureFinding.UNREACHABLE)
              .finding(host + " at " + text + ": " + error.orElse("no greeting"), name, where));
    } else if (!offered) {
      if (r.capabilities().isPresent()) {
        findings.add(
            PostureFinding.STARTTLS_MISSING.finding(
                host + " at " + text + " does not offer STARTTLS", name, where));
      } else {
        findings.add(
            PostureFinding.STARTTLS_FAILED.finding(
                host + " at " + text + ": the session ended before EHLO: " + error.orElse("?"),
                name,
                where));
      }
    } else if (tls.isEmpty() || !tls.get().established()) {
      String why =
          tls.flatMap(TlsInfo::error).or(() -> error).orElse("the handshake did not complete");
      findings.add(
          PostureFinding.STARTTLS_FAILED.finding(host + " at " + text + ": " + why, name, where));
    } else {
      TlsInfo t = tls.get();
      String protocol = t.protocol().orElse("");
      if (oldProtocol(protocol)) {
        findings.add(
            PostureFinding.OLD_PROTOCOL.finding(
                host + " at " + text + " negotiated " + protocol, name, where));
      }
      if (t.expired()) {
        findings.add(
            PostureFinding.CERTIFICATE_EXPIRED.finding(
                host
                    + " at "
                    + text
                    + ": certificate "
                    + t.notAfter().map(i -> "valid until " + i).orElse("outside its validity"),
                name,
                where));
      } else if (!t.chainValid()) {
        findings.add(
            PostureFinding.CERTIFICATE_UNTRUSTED.finding(
                host + " at " + text + ": " + t.error().orElse("the chain is not trusted"),
                name,
                where));
      }
      if (!t.hostnameValid()) {
        findings.add(
            PostureFinding.CERTIFICATE_NAME_MISMATCH.finding(
                host
                    + " at "
                    + text
                    + ": the certificate names "
                    + (t.subjectAltNames().isEmpty()
                        ? t.subject().orElse("nothing")
                        : String.join(", ", t.subjectAltNames())),
                name,
                where));
      }
    }
    return new AddressPosture(text, six, reachable, offered, tls, error, findings);
  }

  /**
   * Tells whether a negotiated protocol is older than TLS 1.2.
   *
   * @param protocol such as {@code TLSv1.1}
   * @return true for SSL and TLS 1.0 and 1.1
   */
  public static boolean oldProtocol(String protocol) {
    String p = protocol.toUpperCase(Locale.ROOT);
    return p.startsWith("SSL") || p.equals("TLSV1") || p.equals("TLSV1.0") || p.equals("TLSV1.1");
  }

  /**
   * Waits for a future until a deadline; past it, cancels the future.
   *
   * @param <T> the value type
   * @param f the future
   * @param end the deadline in the environment's nano time
   * @return the value, or empty when the deadline passed first
   */
  <T> Optional<T> await(CompletableFuture<T> f, long end) {
    return await(f, end, environment);
  }

  /**
   * Waits for a future until a deadline; past it, cancels the future.
   *
   * @param <T> the value type
   * @param f the future
   * @param end the deadline in the environment's nano time
   * @param environment whose clock measures it
   * @return the value, or empty when the deadline passed first
   * @throws CancellationException when interrupted (the flag is set again)
   */
  public static <T> Optional<T> await(
      CompletableFuture<T> f, long end, DiagEnvironment environment) {
    try {
      long left = end - environment.timeSource().nanoTime();
      return Optional.ofNullable(f.get(Math.max(0, left), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      f.cancel(true);
      return Optional.empty();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted");
    } catch (CancellationException e) {
      return Optional.empty();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
