package dev.mailpath.diag.smtp;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.HostAndPort;
import dev.mailpath.diag.core.TlsSettings;
import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.core.internal.CancellableCall;
import dev.mailpath.diag.core.internal.Checks;
import dev.mailpath.diag.dns.DnsSettings;
import dev.mailpath.diag.smtp.internal.ClientDns;
import dev.mailpath.diag.smtp.internal.Engine;
import dev.mailpath.diag.smtp.internal.HostResolver;
import dev.mailpath.diag.smtp.internal.Inputs;
import dev.mailpath.diag.smtp.internal.Options;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The SMTP connection settings, configured once and shared: DNS, per-phase timeouts, the overall
 * deadline, TLS trust, the local address, the default EHLO name and the environment. It plays
 * {@link SmtpConversation} scripts, opens interactive {@link SmtpSession}s, and is what {@link
 * RelayPolicyTester} and {@link DeliveryPathCheck} talk SMTP with.
 *
 * <pre>{@code
 * SmtpClient client = SmtpClient.builder()
 *     .dns(d -> d.server("127.0.0.1:5353"))          // host names and reverse DNS of the banner
 *     .timeouts(SmtpTimeouts.all(Duration.ofSeconds(10)))
 *     .tls(t -> t.trustManager(labTrust))            // a private CA
 *     .build();
 * SmtpReport report = client.run(
 *     SmtpConversation.to("mx1.example.org", 25)
 *         .ehlo("probe.example.org").startTls()
 *         .mailFrom("postmaster@example.org").rcptTo("someone@example.net")
 *         .quitAfter(SmtpPhase.RCPT));
 * }</pre>
 *
 * <p>Host names are resolved through diag-dns with {@link #dns()}, never through the JDK's system
 * lookup; an IP literal (and {@code localhost}) needs no DNS at all. With DNS servers named, the
 * banner name is also checked against the reverse DNS of the server's address ({@link
 * SmtpFinding#BANNER_RDNS_MISMATCH}).
 *
 * <p>Errors: everything the server or network does is a finding in a normally returned report;
 * {@link #run} never throws for it. Interrupting the thread in {@link #run} ends it with a {@link
 * java.util.concurrent.CancellationException}; cancelling a {@link #runAsync} future closes the
 * connection.
 *
 * <p><b>Bulk use.</b> Thousands of short conversations (a load test, a batch of deliveries) run
 * best with one client and one script, built once and run from as many threads as sessions: a
 * script's steps are worked out on its first run, its message (DATA) is framed for the wire (CRLF
 * lines, dot-stuffed, the final dot) on its first run and reused by every later run, from any
 * thread, for messages up to 64 KiB. Give the message its own {@code Date} and {@code Message-ID}
 * headers to send it unchanged every run; without them each run adds a fresh Date and Message-ID in
 * front of the framed rest. A caller that reads only outcomes can also turn the transcript off, or
 * cap it lower, with {@link Builder#transcript}; everything else in the report stays the same:
 *
 * <pre>{@code
 * SmtpClient bulk = SmtpClient.builder()
 *     .timeouts(SmtpTimeouts.all(Duration.ofSeconds(10)))
 *     .transcript(Transcript.Limits.OFF)
 *     .build();
 * SmtpConversation script = SmtpConversation.to("192.0.2.25", 25)
 *     .ehlo("load.example.org").mailFrom("load@example.org").rcptTo("sink@example.net")
 *     .data(List.of("Subject: load", "Date: Thu, 01 Jan 2026 00:00:00 +0000",
 *         "Message-ID: <load@example.org>"), body)
 *     .quit();
 * // from each of 50 threads: bulk.run(script).completed()
 * }</pre>
 *
 * <p>Immutable and thread-safe: build one client and use it from any number of threads.
 */
public final class SmtpClient {
  private static final SmtpClient SYSTEM = new Builder().build();

  private final DnsSettings dns;
  private final SmtpTimeouts timeouts;
  private final Duration deadline;
  private final TlsSettings tls;
  private final InetAddress localAddress;
  private final String ehloName;
  private final DiagEnvironment environment;
  private final HostResolver hostResolver;
  private final HostResolver resolver;
  private final Transcript.Limits transcript;

  private SmtpClient(Builder b) {
    this.dns = b.dns;
    this.timeouts = b.timeouts;
    this.deadline = b.deadline;
    this.tls = b.tls;
    this.localAddress = b.localAddress;
    this.ehloName = b.ehloName;
    this.environment = b.environment;
    this.hostResolver = b.hostResolver;
    this.transcript = b.transcript;
    this.resolver = hostResolver != null ? hostResolver : new ClientDns(dns, environment);
  }

  /**
   * Returns the default client: the system's DNS servers, RFC 5321 timeouts, a 30 minute deadline,
   * the JDK's trust store with failed validation ending the session, the address literal as EHLO
   * name, the system environment.
   *
   * @return the shared default client
   */
  public static SmtpClient system() {
    return SYSTEM;
  }

  /**
   * Starts configuring a client, with the defaults of {@link #system()}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this client's settings, to derive a variant.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.dns = dns;
    b.timeouts = timeouts;
    b.deadline = deadline;
    b.tls = tls;
    b.localAddress = localAddress;
    b.ehloName = ehloName;
    b.environment = environment;
    b.hostResolver = hostResolver;
    b.transcript = transcript;
    return b;
  }

  // ---------------------------------------------------------------- calls

  /**
   * Plays a script and returns what happened. Never throws for anything the server or network does.
   *
   * @param script the script
   * @return the report
   * @throws java.util.concurrent.CancellationException when the thread is interrupted (the
   *     interrupt flag is set again)
   */
  public SmtpReport run(SmtpConversation script) {
    requireNonNull(script, "script");
    Engine engine = new Engine(options(script.options()), true);
    // Inside a cancellable call (an async probe or investigation), cancelling closes this one too.
    CancellableCall.registerWithCurrent(engine::abort);
    return engine.run(script.playedSteps(), script.stop());
  }

  /**
   * Plays a script on the environment's executor. Cancelling the future with {@code cancel(true)}
   * closes the connection at once, so the server sees the connection end and the work stops.
   *
   * @param script the script
   * @return the future report; it never completes exceptionally for what the server does
   */
  public CompletableFuture<SmtpReport> runAsync(SmtpConversation script) {
    requireNonNull(script, "script");
    return CancellableCall.start(environment.executor(), call -> run(script));
  }

  /**
   * Connects, reads the greeting and returns an interactive session (no overall deadline; every
   * call waits at most its phase's timeout).
   *
   * @param host an IP literal ({@code [::1]} or {@code ::1}), {@code localhost} or a host name
   * @param port the port, 1-65535
   * @return the session; check {@link SmtpSession#banner()} to see whether the server greeted
   * @throws IllegalArgumentException for a malformed host or a port outside 1-65535
   */
  public SmtpSession open(String host, int port) {
    return open(HostAndPort.of(host, port));
  }

  /**
   * Connects, reads the greeting and returns an interactive session.
   *
   * @param server the server
   * @return the session
   */
  public SmtpSession open(HostAndPort server) {
    return open(SmtpConversation.to(server));
  }

  /**
   * Connects as a script says (its target, TLS mode and options; its steps are not played) and
   * returns an interactive session.
   *
   * @param script the script whose target and options to use
   * @return the session
   */
  public SmtpSession open(SmtpConversation script) {
    requireNonNull(script, "script");
    return SmtpSession.open(options(script.options()));
  }

  Options options(Options script) {
    Options o = script.copy();
    o.timeouts = timeouts;
    o.deadline = deadline;
    o.localAddress = localAddress;
    o.tls = tls;
    o.environment = environment;
    o.clientResolver = resolver;
    o.defaultEhloName = ehloName;
    o.transcript = transcript;
    return o;
  }

  HostResolver resolver() {
    return resolver;
  }

  // ---------------------------------------------------------------- settings

  /**
   * Returns the DNS settings host names are resolved with.
   *
   * @return the DNS settings
   */
  public DnsSettings dns() {
    return dns;
  }

  /**
   * Returns the per-phase timeouts.
   *
   * @return the timeouts
   */
  public SmtpTimeouts timeouts() {
    return timeouts;
  }

  /**
   * Returns the overall bound of one call (a conversation, a relay test, a delivery path check).
   *
   * @return the deadline
   */
  public Duration deadline() {
    return deadline;
  }

  /**
   * Returns the TLS trust, expected name and failure policy.
   *
   * @return the TLS settings
   */
  public TlsSettings tls() {
    return tls;
  }

  /**
   * Returns the local address connections are bound to.
   *
   * @return the local address, or empty to let the system choose
   */
  public Optional<InetAddress> localAddress() {
    return Optional.ofNullable(localAddress);
  }

  /**
   * Returns the EHLO name used where a script gives none (after STARTTLS without an earlier EHLO,
   * and by the testers).
   *
   * @return the name, or empty for the client's address literal (RFC 5321 §4.1.4)
   */
  public Optional<String> ehloName() {
    return Optional.ofNullable(ehloName);
  }

  /**
   * Returns the environment: clock, socket factory, executor, random source, event listener.
   *
   * @return the environment
   */
  public DiagEnvironment environment() {
    return environment;
  }

  /**
   * Returns the limits of every transcript this client records.
   *
   * @return the limits; {@link Transcript.Limits#DEFAULT} unless {@link Builder#transcript} was set
   */
  public Transcript.Limits transcript() {
    return transcript;
  }

  /** Compares the settings; two clients with equal settings behave alike. */
  @Override
  public boolean equals(Object o) {
    return o instanceof SmtpClient c
        && dns.equals(c.dns)
        && timeouts.equals(c.timeouts)
        && deadline.equals(c.deadline)
        && tls.equals(c.tls)
        && Objects.equals(localAddress, c.localAddress)
        && Objects.equals(ehloName, c.ehloName)
        && environment.equals(c.environment)
        && transcript.equals(c.transcript)
        && Objects.equals(hostResolver, c.hostResolver);
  }

  @Override
  public int hashCode() {
    return Objects.hash(dns, timeouts, deadline, tls, localAddress, ehloName);
  }

  /** Returns the settings, without secrets. */
  @Override
  public String toString() {
    return "SmtpClient[dns="
        + dns
        + ", timeouts="
        + timeouts
        + ", deadline="
        + deadline
        + ", tls="
        + tls
        + (localAddress != null ? ", localAddress=" + localAddress.getHostAddress() : "")
        + (ehloName != null ? ", ehloName=" + ehloName : "")
        + (transcript.equals(Transcript.Limits.DEFAULT) ? "" : ", transcript=" + transcript)
        + "]";
  }

  /**
   * Configures an {@link SmtpClient}. Not thread-safe; setters validate at once and name the bad
   * parameter.
   */
  public static final class Builder {
    private DnsSettings dns = DnsSettings.system();
    private SmtpTimeouts timeouts = SmtpTimeouts.rfc5321();
    private Duration deadline = Duration.ofMinutes(30);
    private TlsSettings tls = TlsSettings.system();
    private InetAddress localAddress;
    private String ehloName;
    private DiagEnvironment environment = DiagEnvironment.system();
    private HostResolver hostResolver;
    private Transcript.Limits transcript = Transcript.Limits.DEFAULT;

    private Builder() {}

    /**
     * Resolves host names with these DNS settings (through diag-dns, never the JDK's lookup). With
     * servers named, the banner is also checked against the reverse DNS of the server's address.
     *
     * @param dns the DNS settings
     * @return this builder
     */
    public Builder dns(DnsSettings dns) {
      this.dns = requireNonNull(dns, "dns");
      return this;
    }

    /**
     * Changes some DNS settings, keeping the others.
     *
     * <pre>{@code
     * SmtpClient.builder().dns(d -> d.server("127.0.0.1:5353")).build();
     * }</pre>
     *
     * @param changes edits to a builder initialised from the current DNS settings
     * @return this builder
     */
    public Builder dns(Consumer<DnsSettings.Builder> changes) {
      requireNonNull(changes, "changes");
      DnsSettings.Builder b = dns.toBuilder();
      changes.accept(b);
      return dns(b.build());
    }

    /**
     * Sets the per-phase timeouts (RFC 5321 §4.5.3.2 defaults).
     *
     * @param timeouts the timeouts
     * @return this builder
     */
    public Builder timeouts(SmtpTimeouts timeouts) {
      this.timeouts = requireNonNull(timeouts, "timeouts");
      return this;
    }

    /**
     * Sets the overall bound of one call, DNS and connect included (30 minutes by default); when it
     * passes, the call ends with a {@link SmtpFinding#TIMEOUT}.
     *
     * @param deadline the deadline, positive
     * @return this builder
     * @throws IllegalArgumentException when zero or negative
     */
    public Builder deadline(Duration deadline) {
      Checks.positive("deadline", deadline);
      this.deadline = deadline;
      return this;
    }

    /**
     * Sets the TLS trust, the expected certificate name and what a validation failure does. Whether
     * and when TLS starts is the script's {@link SmtpConversation#tlsMode}.
     *
     * @param tls the TLS settings
     * @return this builder
     */
    public Builder tls(TlsSettings tls) {
      this.tls = requireNonNull(tls, "tls");
      return this;
    }

    /**
     * Changes some TLS settings, keeping the others.
     *
     * @param changes edits to a builder initialised from the current TLS settings
     * @return this builder
     */
    public Builder tls(Consumer<TlsSettings.Builder> changes) {
      requireNonNull(changes, "changes");
      TlsSettings.Builder b = tls.toBuilder();
      changes.accept(b);
      return tls(b.build());
    }

    /**
     * Binds the local end of every connection to an address (for hosts with several, as an MTA's
     * smtp_bind_address does).
     *
     * @param localAddress the local address
     * @return this builder
     */
    public Builder localAddress(InetAddress localAddress) {
      this.localAddress = requireNonNull(localAddress, "localAddress");
      return this;
    }

    /**
     * Sets the EHLO name used where a script gives none: after STARTTLS without an earlier EHLO,
     * and by {@link RelayPolicyTester} and {@link DeliveryPathCheck}. Without it a conversation
     * uses the client's address literal (RFC 5321 §4.1.4) and the testers their own defaults.
     *
     * @param name a host name or an address literal such as {@code [192.0.2.1]}
     * @return this builder
     * @throws IllegalArgumentException when blank, over 255 characters, or holding CR, LF, NUL or
     *     spaces
     */
    public Builder ehloName(String name) {
      this.ehloName = Inputs.domainArg("ehloName", name);
      return this;
    }

    /**
     * Sets the environment: clock, socket factory, executor for the async calls, random source,
     * event listener.
     *
     * @param environment the environment
     * @return this builder
     */
    public Builder environment(DiagEnvironment environment) {
      this.environment = requireNonNull(environment, "environment");
      return this;
    }

    /**
     * Changes some seams of the environment, keeping the others.
     *
     * @param changes edits to a builder initialised from the current environment
     * @return this builder
     */
    public Builder environment(Consumer<DiagEnvironment.Builder> changes) {
      requireNonNull(changes, "changes");
      this.environment = environment.with(changes);
      return this;
    }

    /**
     * Sets the limits of every transcript this client records (of {@link SmtpReport#transcript()},
     * of sessions, and of the relay and delivery-path tests played with it). The default, {@link
     * Transcript.Limits#DEFAULT}, keeps everything a diagnosis needs. A bulk caller that only reads
     * outcomes can cap lower ({@code new Transcript.Limits(256, 40)}) or pass {@link
     * Transcript.Limits#OFF}: no line is then escaped, timed or kept, which saves a good share of
     * the CPU and most of the allocation of a short conversation. Replies, steps, findings and
     * their transcript-line indexes are the same either way; only the transcript is left out.
     *
     * @param limits the caps, or {@link Transcript.Limits#OFF}
     * @return this builder
     */
    public Builder transcript(Transcript.Limits limits) {
      this.transcript = requireNonNull(limits, "limits");
      return this;
    }

    /** Sets the resolver seam directly (tests in this package). */
    Builder hostResolver(HostResolver resolver) {
      this.hostResolver = requireNonNull(resolver, "resolver");
      return this;
    }

    /**
     * Builds the client. No DNS resolver is built until a host name needs one.
     *
     * @return an immutable, thread-safe client
     */
    public SmtpClient build() {
      return new SmtpClient(this);
    }
  }
}
