package dev.mailpath.diag.trace;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.auth.DkimVerifier;
import dev.mailpath.diag.auth.DmarcCheck;
import dev.mailpath.diag.auth.SpfCheck;
import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DomainName;
import dev.mailpath.diag.core.internal.CancellableCall;
import dev.mailpath.diag.dns.DnsSettings;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * "Why did it go to Junk?" for a message you received: one call runs SPF, DKIM and DMARC on it the
 * way the receiving server did, and compares the verdict with the receiver's own {@code
 * Authentication-Results}.
 *
 * <pre>{@code
 * MessageAuthentication auth = MessageAuthentication.builder()
 *     .dns(d -> d.server("127.0.0.1:5353"))
 *     .trustedAuthservId("mx.example.net")      // only our own border's Authentication-Results
 *     .build();
 * MessageAuthenticationReport r = auth.verify(Files.readAllBytes(Path.of("message.eml")));
 * r.dmarc().map(DmarcReport::result);          // Optional[FAIL]
 * r.verdict();   // "DMARC fail for From: example.org: DKIM d=mailer.example.net does not align ..."
 * }</pre>
 *
 * <p><b>The connection.</b> SPF needs the connecting IP, the HELO name and the MAIL FROM of the
 * receiving hop. {@link #verify(byte[])} takes them from the message: the topmost {@code
 * Received-SPF} field (RFC 7208 §9.1: {@code client-ip}, {@code helo}, {@code envelope-from}) when
 * there is one, else the receiving hop, which is the topmost {@code Received} field with a client
 * address that is not a local hand-over (LMTP, or loopback when another hop came from outside), and
 * the topmost {@code Return-Path} for MAIL FROM. {@link #verify(byte[], InetAddress, String,
 * String)} takes them from the caller. The report says where each came from. Without a connecting
 * IP, SPF is not run (and DMARC can only pass through DKIM). {@link #verifyConnection(InetAddress,
 * String, String)} checks a connection whose message the receiver refused, so never had.
 *
 * <p><b>ARC.</b> ARC sets ({@code ARC-Seal}, RFC 8617) are counted and reported; they are not
 * validated.
 *
 * <p>Immutable and thread-safe once built.
 */
public final class MessageAuthentication {
  private final DnsSettings dns;
  private final DiagEnvironment environment;
  private final Duration timeout;
  private final java.util.Set<String> trustedAuthservIds;
  private final SpfCheck spf;
  private final DkimVerifier dkim;
  private final DmarcCheck dmarc;

  private MessageAuthentication(Builder b) {
    this.dns = b.dns;
    this.environment = b.environment;
    this.timeout = b.timeout;
    this.trustedAuthservIds = java.util.Set.copyOf(b.trustedAuthservIds);
    this.spf = SpfCheck.builder().dns(dns).environment(environment).timeout(timeout).build();
    this.dkim = DkimVerifier.builder().dns(dns).environment(environment).timeout(timeout).build();
    this.dmarc = DmarcCheck.builder().dns(dns).environment(environment).timeout(timeout).build();
  }

  /**
   * Starts configuring a message check.
   *
   * @return a builder: system DNS settings, 10 s per check, every authserv-id trusted
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder with this check's settings.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder().dns(dns).environment(environment).timeout(timeout);
    b.trustedAuthservIds.addAll(trustedAuthservIds);
    return b;
  }

  /**
   * Checks a received message, taking the connection (IP, HELO, MAIL FROM) from its header.
   *
   * @param message the message as stored (CRLF or LF line ends)
   * @return the report; DNS trouble and unreadable headers are findings in it
   * @throws NullPointerException when the message is null
   */
  public MessageAuthenticationReport verify(byte[] message) {
    requireNonNull(message, "message");
    return run(message, null);
  }

  /**
   * Checks a received message with the connection given by the caller.
   *
   * @param message the message
   * @param clientIp the connecting IP of the receiving hop
   * @param helo the HELO/EHLO name it gave
   * @param mailFrom the MAIL FROM address; empty for a bounce ({@code <>})
   * @return the report
   * @throws IllegalArgumentException when the HELO name is not a domain name or address literal
   */
  public MessageAuthenticationReport verify(
      byte[] message, InetAddress clientIp, String helo, String mailFrom) {
    MessageAuthenticationRun.Connection c = connection(clientIp, helo, mailFrom);
    requireNonNull(message, "message");
    return run(message, c);
  }

  /**
   * Checks a received message on the environment's executor; cancelling the future stops the DNS
   * queries in flight.
   *
   * @param message the message
   * @return the report, later
   */
  public CompletableFuture<MessageAuthenticationReport> verifyAsync(byte[] message) {
    requireNonNull(message, "message");
    return CancellableCall.start(environment.executor(), call -> run(message, null));
  }

  /**
   * Checks a received message with the connection given by the caller, asynchronously.
   *
   * @param message the message
   * @param clientIp the connecting IP
   * @param helo the HELO/EHLO name
   * @param mailFrom the MAIL FROM address; empty for a bounce
   * @return the report, later
   * @throws IllegalArgumentException at once when the HELO name is malformed
   */
  public CompletableFuture<MessageAuthenticationReport> verifyAsync(
      byte[] message, InetAddress clientIp, String helo, String mailFrom) {
    MessageAuthenticationRun.Connection c = connection(clientIp, helo, mailFrom);
    requireNonNull(message, "message");
    return CancellableCall.start(environment.executor(), call -> run(message, c));
  }

  /**
   * Checks a connection without its message, for mail the receiver refused before it had one (a
   * 5.7.x reply at RCPT or DATA): SPF for the connecting IP, HELO and MAIL FROM, and DMARC for the
   * MAIL FROM domain (the HELO domain for a bounce). From: and DKIM are not available, so the
   * report's DKIM result is NONE, its {@link MessageAuthenticationReport#fromDomain()} is empty,
   * the DMARC result stands for a message whose From: domain is the MAIL FROM domain, and the
   * verdict and a {@code trace.auth.connection-only} finding say so.
   *
   * <pre>{@code
   * MessageAuthenticationReport r = auth.verifyConnection(ip, "mail.example.org", "alice@example.org");
   * r.verdict();   // "No message: From: and DKIM were not available, so DMARC is evaluated for ..."
   * }</pre>
   *
   * @param clientIp the connecting IP, as the receiver's log shows it
   * @param helo the HELO/EHLO name it gave; empty text when the log does not keep it (the address
   *     literal stands in)
   * @param mailFrom the MAIL FROM address; empty for a bounce ({@code <>})
   * @return the report; DNS trouble is a finding in it
   * @throws IllegalArgumentException when the HELO name is neither empty, a domain name nor an
   *     address literal
   */
  public MessageAuthenticationReport verifyConnection(
      InetAddress clientIp, String helo, String mailFrom) {
    MessageAuthenticationRun.Connection c = connectionOnly(clientIp, helo, mailFrom);
    return newRun().runConnection(c);
  }

  /**
   * Checks a connection without its message, as {@link #verifyConnection(InetAddress, String,
   * String)} does, on the environment's executor; cancelling the future stops the DNS queries in
   * flight.
   *
   * @param clientIp the connecting IP
   * @param helo the HELO/EHLO name; empty text when unknown
   * @param mailFrom the MAIL FROM address; empty for a bounce
   * @return the report, later
   * @throws IllegalArgumentException at once when the HELO name is malformed
   */
  public CompletableFuture<MessageAuthenticationReport> verifyConnectionAsync(
      InetAddress clientIp, String helo, String mailFrom) {
    MessageAuthenticationRun.Connection c = connectionOnly(clientIp, helo, mailFrom);
    return CancellableCall.start(environment.executor(), call -> newRun().runConnection(c));
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
   * Returns the time allowed to each of the SPF, DKIM and DMARC checks.
   *
   * @return the timeout
   */
  public Duration timeout() {
    return timeout;
  }

  private static MessageAuthenticationRun.Connection connection(
      InetAddress clientIp, String helo, String mailFrom) {
    requireNonNull(clientIp, "clientIp");
    requireNonNull(helo, "helo");
    requireNonNull(mailFrom, "mailFrom");
    String h = helo.trim();
    if (h.isEmpty()) {
      throw new IllegalArgumentException("helo must not be empty");
    }
    if (!(h.startsWith("[") && h.endsWith("]"))) {
      DomainName.of(h); // throws IllegalArgumentException naming the problem
    }
    return new MessageAuthenticationRun.Connection(
        clientIp, h, mailFrom.trim(), MessageAuthenticationReport.Source.CALLER);
  }

  private static MessageAuthenticationRun.Connection connectionOnly(
      InetAddress clientIp, String helo, String mailFrom) {
    requireNonNull(helo, "helo");
    if (helo.isBlank()) {
      requireNonNull(clientIp, "clientIp");
      requireNonNull(mailFrom, "mailFrom");
      return new MessageAuthenticationRun.Connection(
          clientIp, null, mailFrom.trim(), MessageAuthenticationReport.Source.CALLER);
    }
    return connection(clientIp, helo, mailFrom);
  }

  private MessageAuthenticationRun newRun() {
    return new MessageAuthenticationRun(spf, dkim, dmarc, environment, trustedAuthservIds);
  }

  private MessageAuthenticationReport run(byte[] message, MessageAuthenticationRun.Connection c) {
    return newRun().run(message, c);
  }

  /** Configures a {@link MessageAuthentication}. Not thread-safe. */
  public static final class Builder {
    private DnsSettings dns = DnsSettings.system();
    private DiagEnvironment environment = DiagEnvironment.system();
    private Duration timeout = Duration.ofSeconds(10);
    private final java.util.Set<String> trustedAuthservIds = new java.util.HashSet<>();

    private Builder() {}

    /**
     * Sets the DNS settings of every check.
     *
     * @param dns the settings
     * @return this builder
     */
    public Builder dns(DnsSettings dns) {
      this.dns = requireNonNull(dns, "dns");
      return this;
    }

    /**
     * Changes the DNS settings of every check.
     *
     * @param changes applied to a builder of the current settings
     * @return this builder
     */
    public Builder dns(Consumer<DnsSettings.Builder> changes) {
      DnsSettings.Builder b = dns.toBuilder();
      changes.accept(b);
      this.dns = b.build();
      return this;
    }

    /**
     * Sets the environment (time source, executor, event listener).
     *
     * @param environment the environment
     * @return this builder
     */
    public Builder environment(DiagEnvironment environment) {
      this.environment = requireNonNull(environment, "environment");
      return this;
    }

    /**
     * Changes the environment.
     *
     * @param changes applied to a builder of the current environment
     * @return this builder
     */
    public Builder environment(Consumer<DiagEnvironment.Builder> changes) {
      this.environment = environment.with(changes);
      return this;
    }

    /**
     * Sets the time allowed to each of the SPF, DKIM and DMARC checks.
     *
     * @param timeout positive
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
     * Trusts the {@code Authentication-Results} fields of this authserv-id (your own border
     * server); once one is named, fields of other ids are not compared. By default every field is
     * compared.
     *
     * @param authservId the id, usually the receiving host name
     * @return this builder
     */
    public Builder trustedAuthservId(String authservId) {
      requireNonNull(authservId, "authservId");
      trustedAuthservIds.add(authservId.trim().toLowerCase(Locale.ROOT));
      return this;
    }

    /**
     * Builds the check.
     *
     * @return the check
     */
    public MessageAuthentication build() {
      return new MessageAuthentication(this);
    }
  }
}
