package dev.mailpath.diag.posture;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.auth.internal.AuthDns;
import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DomainName;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.core.TlsSettings;
import dev.mailpath.diag.dns.AddressReport;
import dev.mailpath.diag.dns.DnsQuery;
import dev.mailpath.diag.dns.DnsSettings;
import dev.mailpath.diag.dns.MailExchange;
import dev.mailpath.diag.dns.MxReport;
import dev.mailpath.diag.dns.MxResolver;
import dev.mailpath.diag.dns.RecordType;
import dev.mailpath.diag.posture.internal.HostGates;
import dev.mailpath.diag.posture.internal.MtaStsParsers;
import dev.mailpath.diag.posture.internal.PolicyFetcher;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * Checks a domain's MTA-STS (RFC 8461): the {@code _mta-sts} TXT record, the policy served at
 * {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}, and whether every MX host of the domain
 * is allowed by the policy's {@code mx} patterns.
 *
 * <pre>{@code
 * MtaStsCheck sts = MtaStsCheck.builder()
 *     .dns(d -> d.server("127.0.0.1:5353"))
 *     .deadline(Duration.ofSeconds(20))
 *     .build();
 * MtaStsReport r = sts.check("example.org");
 * r.policy().map(MtaStsPolicy::mode);   // Optional[ENFORCE]
 * r.exchanges();                        // [mx1.example.org matched by *.example.org, ...]
 * r.findings();                         // [mta-sts.mx-not-covered CRITICAL ...] when one is not
 * }</pre>
 *
 * <p><b>What it does.</b> The TXT record, the MX records and the addresses of the policy host are
 * asked in parallel through the caller's {@link DnsSettings} (never the system resolver). The
 * policy is fetched by RFC 8461 §3.3's rules from an address found that way: TLS with SNI and
 * certificate validation for {@code mta-sts.<domain>} (trust from {@link Builder#tls(TlsSettings)},
 * by default the JDK's trust store), one HTTP/1.1 GET, redirects not followed, 200 only, {@code
 * Content-Type: text/plain}, at most 64 KiB (a larger body is not read further). The policy is
 * fetched even without a record, so that a policy nobody can find is reported. {@link
 * TlsSettings#expectedName()} and {@link TlsSettings#failurePolicy()} do not apply: the name is
 * fixed by the RFC, and a certificate that fails validation always ends the fetch with a finding,
 * as it does for senders.
 *
 * <p><b>Errors.</b> Everything the network or a peer does is a finding in a normally returned
 * report; the whole call ends within {@link Builder#deadline(Duration)} (plus one socket read
 * tick). A malformed domain is an {@link IllegalArgumentException} before anything is sent.
 *
 * <p>Immutable and thread-safe once built; one instance serves any number of calls.
 */
public final class MtaStsCheck {
  /** Default bound of one call. */
  static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);

  /** Below this {@code max_age} (one week) the policy is reported as short-lived. */
  static final long SHORT_MAX_AGE = 604_800L;

  private final DnsSettings dns;
  private final DiagEnvironment environment;
  private final Duration deadline;
  private final TlsSettings tls;
  private final int policyPort;
  private final DnsQuery query;
  private final MxResolver mx;
  private final PolicyFetcher fetcher;

  /** A posture check's per-address connection gates, or {@code null} for a check on its own. */
  private final HostGates gates;

  private MtaStsCheck(Builder b) {
    this.dns = b.dns;
    this.environment = b.environment;
    this.deadline = b.deadline;
    this.tls = b.tls;
    this.policyPort = b.policyPort;
    Duration dnsDeadline = dns.deadline().compareTo(deadline) < 0 ? dns.deadline() : deadline;
    DnsSettings resolved =
        dns.toBuilder().servers(dns.serversOrSystem()).deadline(dnsDeadline).build();
    this.query =
        DnsQuery.builder().dns(resolved).recursionDesired(true).environment(environment).build();
    this.mx = MxResolver.builder().dns(resolved).environment(environment).build();
    this.gates = b.gates;
    this.fetcher =
        new PolicyFetcher(
            environment.socketFactory(), sslContext(tls), environment.timeSource(), gates);
  }

  private static SSLContext sslContext(TlsSettings tls) {
    if (tls.sslContext().isPresent()) {
      return tls.sslContext().get();
    }
    try {
      if (tls.trustManager().isPresent()) {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {tls.trustManager().get()}, null);
        return ctx;
      }
      return SSLContext.getDefault();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS context available", e);
    }
  }

  /**
   * Starts configuring a check.
   *
   * @return a builder with the system's resolvers, the system environment, the JDK trust store,
   *     port 443 and a 30 s deadline
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
    b.tls = tls;
    b.policyPort = policyPort;
    b.gates = gates;
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
   * Returns the TLS trust used for the policy host.
   *
   * @return the settings
   */
  public TlsSettings tls() {
    return tls;
  }

  /**
   * Returns the port of the policy host.
   *
   * @return 443 unless changed for a test
   */
  public int policyPort() {
    return policyPort;
  }

  /**
   * Checks a domain's MTA-STS record, policy and MX coverage.
   *
   * @param domain a domain such as {@code example.org}; Unicode is converted to A-labels
   * @return the report; network failures are findings in it
   * @throws IllegalArgumentException when the domain is malformed, before anything is sent
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public MtaStsReport check(String domain) {
    return await(checkAsync(domain));
  }

  /**
   * Checks a checked domain name.
   *
   * @param domain the domain
   * @return the report
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public MtaStsReport check(DomainName domain) {
    return check(requireNonNull(domain, "domain").ascii());
  }

  /**
   * Checks a domain without blocking the caller. DNS runs on the non-blocking transport; the policy
   * fetch runs on the environment's executor. {@code cancel(true)} cancels the DNS queries and
   * closes the policy connection.
   *
   * @param domain the domain
   * @return a future of the report, completed on the environment's executor; it never completes
   *     exceptionally for network trouble
   * @throws IllegalArgumentException at once when the domain is malformed
   */
  public CompletableFuture<MtaStsReport> checkAsync(String domain) {
    requireNonNull(domain, "domain");
    String name = DomainName.of(domain).ascii().toLowerCase(Locale.ROOT);
    long start = environment.timeSource().nanoTime();
    Instant startedAt = environment.timeSource().instant();
    long deadlineNanos = start + deadline.toNanos();
    String policyHost = "mta-sts." + name;
    CompletableFuture<AuthDns.Answer> txt =
        query
            .askAsync("_mta-sts." + name, RecordType.TXT)
            .thenApply(r -> AuthDns.classify("_mta-sts." + name, RecordType.TXT, r));
    CompletableFuture<MxReport> mxs = mx.resolveAsync(name);
    CompletableFuture<AddressReport> addresses = mx.addressesAsync(policyHost);
    List<Socket> sockets = new CopyOnWriteArrayList<>();
    CompletableFuture<MtaStsReport> result = new CompletableFuture<>();
    result.whenComplete(
        (r, e) -> {
          if (result.isCancelled()) {
            txt.cancel(true);
            mxs.cancel(true);
            addresses.cancel(true);
            sockets.forEach(MtaStsCheck::closeQuietly);
          }
        });
    CompletableFuture.allOf(txt, mxs, addresses)
        .handle(
            (v, e) -> {
              if (!result.isDone()) {
                try {
                  environment
                      .executor()
                      .execute(
                          () -> {
                            try {
                              MtaStsReport r =
                                  finish(
                                      name,
                                      policyHost,
                                      startedAt,
                                      start,
                                      deadlineNanos,
                                      txt,
                                      mxs,
                                      addresses,
                                      s -> {
                                        sockets.add(s);
                                        if (result.isCancelled()) {
                                          closeQuietly(s);
                                        }
                                      });
                              result.complete(r);
                            } catch (RuntimeException | Error t) {
                              result.completeExceptionally(t);
                            } finally {
                              sockets.forEach(MtaStsCheck::closeQuietly);
                            }
                          });
                } catch (RejectedExecutionException rejected) {
                  result.completeExceptionally(rejected);
                }
              }
              return null;
            });
    return result;
  }

  private MtaStsReport finish(
      String name,
      String policyHost,
      Instant startedAt,
      long start,
      long deadlineNanos,
      CompletableFuture<AuthDns.Answer> txtF,
      CompletableFuture<MxReport> mxF,
      CompletableFuture<AddressReport> addrF,
      Consumer<Socket> register) {
    MtaStsReport.Builder rb = MtaStsReport.builder().domain(name).startedAt(startedAt);
    String recordName = "_mta-sts." + name;

    // 1. The record (RFC 8461 §3.1).
    AuthDns.Answer txt = txtF.isCompletedExceptionally() ? null : txtF.join();
    boolean recordAnnounced = false;
    String id = null;
    if (txt == null) {
      rb.addFinding(
          MtaStsFinding.TEMPERROR.finding(
              "the query for " + recordName + " failed", Evidence.of("name", recordName)));
    } else {
      rb.addQuery(txt.lookup());
      if (txt.status() == AuthDns.Status.TEMPERROR) {
        rb.addFinding(
            MtaStsFinding.TEMPERROR.finding(
                "no answer for " + recordName + ": " + txt.error().orElse("temporary error"),
                Evidence.of("name", recordName)));
      }
      List<String> candidates = txt.texts().stream().filter(MtaStsParsers::isStsRecord).toList();
      recordAnnounced = !candidates.isEmpty();
      if (candidates.size() > 1) {
        Evidence[] ev =
            candidates.stream()
                .limit(10)
                .map(c -> Evidence.of("record", MtaStsParsers.clip(c)))
                .toArray(Evidence[]::new);
        rb.addFinding(
            MtaStsFinding.MULTIPLE_RECORDS.finding(
                candidates.size() + " TXT records at " + recordName + " start with v=STSv1", ev));
      } else if (candidates.size() == 1) {
        String text = candidates.get(0);
        MtaStsParsers.RecordResult parsed = MtaStsParsers.parseRecord(text);
        id = parsed.id().orElse(null);
        rb.record(text, id);
        if (!parsed.problems().isEmpty()) {
          rb.addFinding(
              MtaStsFinding.RECORD_SYNTAX.finding(
                  recordName + ": " + parsed.problems().get(0),
                  evidence(
                      "problem",
                      parsed.problems(),
                      Evidence.of("record", MtaStsParsers.clip(text)))));
        }
      }
    }

    // 2. The policy (RFC 8461 §3.3).
    AddressReport addr = addrF.isCompletedExceptionally() ? null : addrF.join();
    PolicyFetcher.Result fetched =
        fetcher.fetch(
            policyHost,
            addr == null ? List.of() : addr.addresses(),
            policyPort,
            deadlineNanos,
            register);
    rb.fetch(fetched.address().orElse(null), fetched.status().orElse(null));
    Evidence url = Evidence.of("url", "https://" + policyHost + "/.well-known/mta-sts.txt");
    MtaStsPolicy policy = null;
    if (fetched.kind() == PolicyFetcher.Kind.OK) {
      byte[] body = fetched.body().orElseThrow();
      String text = new String(body, StandardCharsets.UTF_8);
      MtaStsParsers.PolicyResult parsed = MtaStsParsers.parsePolicy(text);
      policy = parsed.policy().orElse(null);
      String hash =
          sha256(policy != null ? policy.canonicalText().getBytes(StandardCharsets.UTF_8) : body);
      rb.policy(text, hash, policy);
      if (!recordAnnounced && txt != null && txt.status() != AuthDns.Status.TEMPERROR) {
        rb.addFinding(
            MtaStsFinding.POLICY_WITHOUT_RECORD.finding(
                policyHost + " serves a policy but " + recordName + " has no v=STSv1 record", url));
      }
      String type = fetched.contentType().orElse("");
      int semi = type.indexOf(';');
      String media = (semi >= 0 ? type.substring(0, semi) : type).strip();
      if (!media.equalsIgnoreCase("text/plain")) {
        rb.addFinding(
            MtaStsFinding.CONTENT_TYPE.finding(
                "the policy is served as "
                    + (type.isEmpty() ? "(no Content-Type)" : MtaStsParsers.clip(type))
                    + ", not text/plain",
                url));
      }
      if (!parsed.problems().isEmpty()) {
        rb.addFinding(
            MtaStsFinding.POLICY_SYNTAX.finding(
                (policy == null ? "the policy is invalid: " : "the policy has errors: ")
                    + parsed.problems().get(0),
                evidence("problem", parsed.problems(), url)));
      }
    } else if (recordAnnounced) {
      rb.addFinding(fetchFinding(fetched, addr, url));
    } else if (txt != null && txt.status() != AuthDns.Status.TEMPERROR) {
      rb.addFinding(
          MtaStsFinding.ABSENT.finding(
              name + " publishes no MTA-STS record and no policy",
              Evidence.of("record", recordName + ": none"),
              Evidence.of("policy", MtaStsParsers.clip(fetched.detail()))));
    }

    // 3. The policy's mode, lifetime, and every MX host against its patterns (RFC 8461 §4.1).
    if (policy != null) {
      if (policy.mode() == MtaStsMode.TESTING) {
        rb.addFinding(
            MtaStsFinding.MODE_TESTING.finding(
                "the policy of " + name + " is in testing mode", url));
      } else if (policy.mode() == MtaStsMode.NONE) {
        rb.addFinding(
            MtaStsFinding.MODE_NONE.finding("the policy of " + name + " has mode none", url));
      }
      long age = policy.maxAge().toSeconds();
      if (age < SHORT_MAX_AGE) {
        rb.addFinding(
            MtaStsFinding.MAX_AGE_SHORT.finding(
                "max_age is " + age + " s, less than a week", Evidence.of("max_age", age)));
      }
      MxReport mxr = mxF.isCompletedExceptionally() ? null : mxF.join();
      boolean mxAnswered =
          mxr != null
              && (!mxr.exchanges().isEmpty()
                  || mxr.nullMx()
                  || mxr.rcode()
                      .filter(c -> c.equals("NOERROR") || c.equals("NXDOMAIN"))
                      .isPresent());
      if (!mxAnswered) {
        rb.addFinding(
            MtaStsFinding.TEMPERROR.finding(
                "the MX records of " + name + " could not be read, so no MX host was matched",
                Evidence.of("name", name)));
      } else {
        for (MailExchange e : mxr.exchanges()) {
          Optional<String> match = policy.match(e.host());
          rb.addExchange(new MtaStsExchange(e.host(), match));
          if (match.isEmpty() && policy.mode() != MtaStsMode.NONE) {
            Severity sev =
                policy.mode() == MtaStsMode.ENFORCE ? Severity.CRITICAL : Severity.WARNING;
            rb.addFinding(
                MtaStsFinding.MX_NOT_COVERED.finding(
                    sev,
                    "MX host "
                        + e.host()
                        + " matches no mx pattern of the "
                        + policy.mode().value()
                        + " policy",
                    Evidence.of("mx host", e.host()),
                    Evidence.of("patterns", String.join(", ", policy.mx()))));
          }
        }
      }
    }
    rb.elapsed(Duration.ofNanos(Math.max(0, environment.timeSource().nanoTime() - start)));
    return rb.build();
  }

  private static Finding fetchFinding(PolicyFetcher.Result f, AddressReport addr, Evidence url) {
    String detail = MtaStsParsers.clip(f.detail());
    return switch (f.kind()) {
      case CERTIFICATE_INVALID -> MtaStsFinding.CERTIFICATE_INVALID.finding(detail, url);
      case TIMEOUT -> MtaStsFinding.TIMEOUT.finding(detail, url);
      case REDIRECT ->
          MtaStsFinding.REDIRECT.finding(
              "the policy URL answers " + detail,
              url,
              Evidence.of("location", f.location().orElse("(none)")));
      case HTTP_STATUS ->
          MtaStsFinding.HTTP_STATUS.finding("the policy URL answers " + detail, url);
      case TOO_LARGE -> MtaStsFinding.TOO_LARGE.finding(detail, url);
      case NO_ADDRESS -> {
        String why =
            addr == null || addr.findings().isEmpty()
                ? "no A or AAAA record"
                : MtaStsParsers.clip(addr.findings().get(0).summary());
        yield MtaStsFinding.RECORD_WITHOUT_POLICY.finding(detail + " (" + why + ")", url);
      }
      default -> MtaStsFinding.RECORD_WITHOUT_POLICY.finding(detail, url);
    };
  }

  private static Evidence[] evidence(String label, List<String> values, Evidence first) {
    Evidence[] ev = new Evidence[values.size() + 1];
    ev[0] = first;
    for (int i = 0; i < values.size(); i++) {
      ev[i + 1] = Evidence.of(label, values.get(i));
    }
    return ev;
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing is best effort
    }
  }

  static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      CancellationException c = new CancellationException("interrupted");
      c.initCause(e);
      throw c;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * Configures an {@link MtaStsCheck}. Not thread-safe; setters validate at once and name the bad
   * parameter.
   */
  public static final class Builder {
    private DnsSettings dns = DnsSettings.system();
    private DiagEnvironment environment = DiagEnvironment.system();
    private Duration deadline = DEFAULT_DEADLINE;
    private TlsSettings tls = TlsSettings.system();
    private int policyPort = 443;
    private HostGates gates;

    private Builder() {}

    /**
     * Sets the DNS servers and transport options, replacing any set before.
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
     * Sets the environment: clock, sockets, executor and event listeners.
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
     * Sets the bound of one call: DNS, connection, TLS handshake and policy download together. Past
     * it the report says {@code mta-sts.timeout} (or {@code mta-sts.temperror} for DNS).
     *
     * @param deadline a positive duration (default 30 s)
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
     * Sets the trust for the policy host's certificate (default: the JDK's trust store).
     *
     * @param tls the settings; only the trust manager or context is used
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
      requireNonNull(changes, "changes");
      TlsSettings.Builder b = tls.toBuilder();
      changes.accept(b);
      tls = b.build();
      return this;
    }

    /**
     * Sets the TCP port of the policy host, for tests and labs; RFC 8461 uses 443.
     *
     * @param port 1 to 65535 (default 443)
     * @return this builder
     * @throws IllegalArgumentException when the port is out of range
     */
    public Builder policyPort(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("policyPort must be between 1 and 65535: " + port);
      }
      this.policyPort = port;
      return this;
    }

    /**
     * Sends the policy fetches through a posture check's per-address connection gates, so that its
     * limits hold for HTTPS as for SMTP. Package-private: a check on its own has no gates.
     *
     * @param gates the gates
     * @return this builder
     */
    Builder gates(HostGates gates) {
      this.gates = requireNonNull(gates, "gates");
      return this;
    }

    /**
     * Builds the check.
     *
     * @return an immutable, thread-safe check
     * @throws IllegalStateException when no DNS server was set and the system has none
     */
    public MtaStsCheck build() {
      return new MtaStsCheck(this);
    }
  }
}
