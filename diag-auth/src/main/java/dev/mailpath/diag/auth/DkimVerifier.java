package dev.mailpath.diag.auth;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.auth.internal.AuthDns;
import dev.mailpath.diag.auth.internal.DkimEngine;
import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DomainName;
import dev.mailpath.diag.dns.DnsQuery;
import dev.mailpath.diag.dns.DnsSettings;
import java.io.InputStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Verifies the DKIM signatures of a message (RFC 6376, with Ed25519 from RFC 8463 and the RFC 8301
 * rules on algorithms and key sizes), fetching the keys through mailpath's DNS engine.
 *
 * <pre>{@code
 * DkimVerifier dkim = DkimVerifier.builder()
 *     .dns(d -> d.server("127.0.0.1:5353"))
 *     .build();
 * DkimReport r = dkim.verify(Files.newInputStream(Path.of("message.eml")));
 * r.result();                        // PASS, FAIL, ... or NONE when unsigned
 * r.signatures().get(0).reason();    // "the body hash does not match: ... a footer was added"
 * dkim.key("brisbane", "football.example.com");   // the key record checked on its own
 * }</pre>
 *
 * <p><b>Messages.</b> The header block is read first (at most 1 MiB; a larger one is not evaluated:
 * no signature results, so {@link DkimReport#result()} is NONE, and a {@code dkim.header-too-large}
 * ERROR finding); the body is then streamed through each signature's canonicalizer and digest in 64
 * KiB chunks, so memory stays bounded whatever the message size. Line ends: a bare LF (Unix-style
 * {@code .eml} files) is read as CRLF, so such a file verifies as the CRLF message it stands for; a
 * lone CR is an ordinary character. A message without an empty line after the header is read as
 * header only, with a finding. Streams are not closed.
 *
 * <p><b>Keys</b> are cached for the duration of one call only: two signatures with the same
 * selector and domain cause one DNS question; nothing is kept between calls, so a changed key is
 * seen at once.
 *
 * <p><b>Errors.</b> Everything the message or the DNS does is a finding or a result (PERMERROR,
 * TEMPERROR, ...), never an exception. A failing stream gives a {@code dkim.read-error} finding.
 *
 * <p>Immutable and thread-safe; one instance serves any number of calls from any thread.
 */
public final class DkimVerifier {
  private final DnsSettings dns;
  private final DiagEnvironment environment;
  private final Duration timeout;
  private final int minimumRsaKeyBits;
  private final boolean allowRsaSha1;
  private final DkimEngine engine;

  private DkimVerifier(Builder b) {
    this.dns = b.dns;
    this.environment = b.environment;
    this.timeout = b.timeout;
    this.minimumRsaKeyBits = b.minimumRsaKeyBits;
    this.allowRsaSha1 = b.allowRsaSha1;
    DnsSettings effective = dns;
    if (effective.servers().isEmpty() || timeout != null) {
      DnsSettings.Builder d = effective.toBuilder();
      if (effective.servers().isEmpty()) {
        d.servers(effective.serversOrSystem());
      }
      if (timeout != null) {
        d.timeout(timeout);
      }
      effective = d.build();
    }
    DnsQuery query = DnsQuery.builder().dns(effective).environment(environment).build();
    this.engine =
        new DkimEngine(
            new AuthDns(query),
            environment.timeSource(),
            environment.executor(),
            minimumRsaKeyBits,
            allowRsaSha1);
  }

  /**
   * Starts configuring a verifier.
   *
   * @return a new builder: system DNS, system environment, RSA keys of at least 1024 bits, rsa-sha1
   *     reported as POLICY
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding this verifier's settings, to derive a variant.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.dns = dns;
    b.environment = environment;
    b.timeout = timeout;
    b.minimumRsaKeyBits = minimumRsaKeyBits;
    b.allowRsaSha1 = allowRsaSha1;
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
   * Returns the per-query timeout set on this verifier.
   *
   * @return the timeout, or empty when the DNS settings' timeout applies
   */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /**
   * Returns the smallest RSA key accepted.
   *
   * @return the bits
   */
  public int minimumRsaKeyBits() {
    return minimumRsaKeyBits;
  }

  /**
   * Returns whether rsa-sha1 signatures can pass.
   *
   * @return true when accepted (with a warning), false when reported as POLICY
   */
  public boolean allowRsaSha1() {
    return allowRsaSha1;
  }

  /**
   * Verifies every DKIM signature of a message held in memory.
   *
   * @param message the message as transmitted (CRLF or bare LF line ends)
   * @return the report; result NONE when the message is unsigned
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public DkimReport verify(byte[] message) {
    return engine.verify(requireNonNull(message, "message"));
  }

  /**
   * Verifies every DKIM signature of a message read from a stream, in bounded memory. The stream is
   * read to its end and not closed.
   *
   * @param message the message
   * @return the report
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public DkimReport verify(InputStream message) {
    return engine.verify(requireNonNull(message, "message"));
  }

  /**
   * Verifies a message held in memory without blocking the caller; the work runs on the
   * environment's executor.
   *
   * @param message the message
   * @return the future report; cancelling it stops the reading and the key lookups
   */
  public CompletableFuture<DkimReport> verifyAsync(byte[] message) {
    return engine.verifyAsync(requireNonNull(message, "message"));
  }

  /**
   * Verifies a message read from a stream without blocking the caller; the stream is read on the
   * environment's executor and not closed.
   *
   * @param message the message
   * @return the future report; cancelling it stops the reading and the key lookups
   */
  public CompletableFuture<DkimReport> verifyAsync(InputStream message) {
    return engine.verifyAsync(requireNonNull(message, "message"));
  }

  /**
   * Checks a DKIM key record on its own ({@code <selector>._domainkey.<domain>}): that it exists,
   * has {@code v=DKIM1} (when present), a known {@code k=}, a {@code p=} that parses, a size this
   * verifier accepts, and what {@code t=}, {@code h=} and {@code s=} say.
   *
   * @param selector the selector, e.g. {@code brisbane}
   * @param domain the signing domain
   * @return the report
   * @throws IllegalArgumentException when the selector or the domain is malformed
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public DkimKeyReport key(String selector, String domain) {
    CompletableFuture<DkimKeyReport> f = keyAsync(selector, domain);
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(c);
    }
  }

  /**
   * Checks a DKIM key record without blocking the caller.
   *
   * @param selector the selector
   * @param domain the signing domain
   * @return the future report
   * @throws IllegalArgumentException when the selector or the domain is malformed
   */
  public CompletableFuture<DkimKeyReport> keyAsync(String selector, String domain) {
    requireNonNull(selector, "selector");
    requireNonNull(domain, "domain");
    String s = selector.strip().toLowerCase(Locale.ROOT);
    if (s.isEmpty() || !s.matches("[a-z0-9_-]{1,63}(\\.[a-z0-9_-]{1,63}){0,10}")) {
      throw new IllegalArgumentException("selector: not a valid DKIM selector: " + selector);
    }
    String d = DomainName.of(domain).ascii().toLowerCase(Locale.ROOT);
    return engine.keyAsync(s, d);
  }

  /** Builds a {@link DkimVerifier}. Not thread-safe. */
  public static final class Builder {
    private DnsSettings dns = DnsSettings.system();
    private DiagEnvironment environment = DiagEnvironment.system();
    private Duration timeout;
    private int minimumRsaKeyBits = 1024;
    private boolean allowRsaSha1;

    private Builder() {}

    /**
     * Sets the DNS servers and transport the keys are fetched with.
     *
     * @param dns the settings
     * @return this builder
     */
    public Builder dns(DnsSettings dns) {
      this.dns = requireNonNull(dns, "dns");
      return this;
    }

    /**
     * Edits the DNS settings set so far.
     *
     * @param changes the changes
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
     * Sets the seams: its time source decides {@code x=} expiry and the report timestamps; its
     * executor runs async work.
     *
     * @param environment the environment
     * @return this builder
     */
    public Builder environment(DiagEnvironment environment) {
      this.environment = requireNonNull(environment, "environment");
      return this;
    }

    /**
     * Edits the environment set so far.
     *
     * @param changes the changes
     * @return this builder
     */
    public Builder environment(Consumer<DiagEnvironment.Builder> changes) {
      requireNonNull(changes, "changes");
      this.environment = environment.with(changes);
      return this;
    }

    /**
     * Sets the timeout of each key query attempt, overriding the DNS settings' timeout; the whole
     * call is bounded by {@link DnsSettings#deadline()}.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException when not positive
     */
    public Builder timeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Sets the smallest RSA key accepted (default 1024, RFC 8301). Keys below 1024 bits are a
     * PERMERROR whatever this says, unless it is set lower; keys at or above 1024 bits but below
     * this minimum give POLICY.
     *
     * @param bits from 512 to 16384
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder minimumRsaKeyBits(int bits) {
      if (bits < 512 || bits > 16384) {
        throw new IllegalArgumentException("minimumRsaKeyBits must be 512..16384: " + bits);
      }
      this.minimumRsaKeyBits = bits;
      return this;
    }

    /**
     * Sets whether rsa-sha1 signatures can pass (with a {@code dkim.sha1} warning). By default they
     * are reported as POLICY: RFC 8301 says verifiers must not consider them valid.
     *
     * @param allow true to accept rsa-sha1
     * @return this builder
     */
    public Builder allowRsaSha1(boolean allow) {
      this.allowRsaSha1 = allow;
      return this;
    }

    /**
     * Builds the verifier.
     *
     * @return the verifier
     */
    public DkimVerifier build() {
      return new DkimVerifier(this);
    }
  }
}
