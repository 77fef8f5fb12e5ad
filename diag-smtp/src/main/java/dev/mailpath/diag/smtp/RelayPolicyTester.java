package dev.mailpath.diag.smtp;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DomainName;
import dev.mailpath.diag.core.HostAndPort;
import dev.mailpath.diag.core.MailAddress;
import dev.mailpath.diag.core.TlsFailurePolicy;
import dev.mailpath.diag.core.TlsMode;
import dev.mailpath.diag.core.internal.CancellableCall;
import dev.mailpath.diag.core.internal.Checks;
import dev.mailpath.diag.smtp.internal.Inputs;
import dev.mailpath.diag.smtp.internal.Options;
import dev.mailpath.diag.smtp.internal.RelayRun;
import dev.mailpath.diag.smtp.internal.RelaySettings;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Finds out whether a mail server is an open relay, the way an administrator would by hand with
 * telnet, and more thoroughly: a battery of relay attempts ({@link RelayVariant}, a superset of
 * nmap's {@code smtp-open-relay}), two controls, an anonymous and an optional authenticated pass.
 *
 * <pre>{@code
 * RelayPolicyTester tester = RelayPolicyTester.builder()
 *     .server("mx1.example.org", 25)
 *     .localDomain("example.org")                      // what the server receives mail for
 *     .localRecipient("postmaster@example.org")        // a real local mailbox (the default)
 *     .externalDomain("relay-test.example.net")        // what it must not relay to
 *     .credentials(SmtpCredentials.of("alice", "s3cret"))   // optional: the authenticated pass
 *     .build();                                        // immutable, thread-safe, reusable
 * RelayReport report = tester.test();
 * report.verdict();            // OPEN_RELAY, CLOSED, AUTHENTICATED_ONLY, REFUSES_ALL or INCONCLUSIVE
 * report.acceptedVariants();   // [external-sender, percent-hack, ...] for an open relay
 * System.out.println(report);  // the verdict, the variants table, findings and transcripts
 * }</pre>
 *
 * <p>What happens on the wire. Each attempt is {@code MAIL FROM}, {@code RCPT TO}, then {@code
 * RSET}, a few attempts per connection ({@link Builder#attemptsPerConnection(int)}, 5 by default)
 * after EHLO, and QUIT on every connection that is still up. DATA is never sent unless {@link
 * Builder#sendTestMessage(boolean)} asks for it: the verdict rests on the reply to RCPT, because a
 * server that accepts the recipient has already agreed to relay. The anonymous pass runs the
 * controls first ({@link RelayVariant#LOCAL_DELIVERY} must be accepted, so a server that refuses
 * everything is not mistaken for a closed one; {@link RelayVariant#UNKNOWN_LOCAL_USER} should be
 * refused, so a server that accepts every RCPT is recognised), then the chosen relay variants. With
 * credentials, an authenticated pass repeats {@link RelayVariant#EXTERNAL_SENDER} and {@link
 * RelayVariant#LOCAL_SENDER} after AUTH, with STARTTLS first whenever it is offered (credentials go
 * in clear text only with {@link Builder#tlsMode(TlsMode) tlsMode(TlsMode.NONE)}).
 *
 * <p>Where simpler checkers misjudge, this one does not: a 4xx (greylisting, {@code 454 4.7.1 Relay
 * access denied}) is a deferral, not proof of "closed"; {@code 530 Must issue a STARTTLS command
 * first} is not "authentication required" (the attempt is repeated inside TLS); a server that
 * throttles or drops a client after some refusals (Postfix's {@code smtpd_soft_error_limit}, {@code
 * smtpd_hard_error_limit}, {@code smtpd_error_sleep_time}) gets the remaining attempts on fresh
 * connections with fewer attempts each, so its limits decide nothing; a failed AUTH makes the
 * authenticated pass inconclusive, not closed.
 *
 * <p>Safety: only the host given is contacted (a host name may resolve to several addresses, tried
 * in turn); at most {@link Builder#maxConnections(int)} connections are opened per test (16 by
 * default, never more than 100); the whole test ends by the client's {@link SmtpClient#deadline()}.
 *
 * <p>Errors: everything the server or network does (refused connections, timeouts, 4xx/5xx replies,
 * dropped connections, TLS failures) ends up in the returned {@link RelayReport} as attempts and
 * findings; {@link #test()} never throws for it. Builders throw {@link IllegalArgumentException}
 * (naming the parameter) or {@link NullPointerException} for bad input, CR, LF or NUL included.
 * Interrupting {@link #test()} ends it with a {@link java.util.concurrent.CancellationException}.
 *
 * <p>Immutable and thread-safe: one tester may run many tests, from many threads at once.
 */
public final class RelayPolicyTester {

  private final Builder config;

  private RelayPolicyTester(Builder b) {
    this.config = b.copy();
  }

  /**
   * Starts configuring a tester.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this tester's settings, to derive a variant.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return config.copy();
  }

  /**
   * Runs the battery against the server and returns what it showed. Never throws for anything the
   * server or network does.
   *
   * @return the report
   * @throws java.util.concurrent.CancellationException when the thread is interrupted (the
   *     interrupt flag stays set)
   */
  public RelayReport test() {
    RelayRun run = new RelayRun(config.settings());
    // Inside a cancellable call (an async investigation), cancelling closes this run too.
    CancellableCall.registerWithCurrent(run::abort);
    return run.run();
  }

  /**
   * Runs the battery on the environment's executor. Cancelling the future closes the connection in
   * progress and stops the test.
   *
   * @return the future report
   */
  public CompletableFuture<RelayReport> testAsync() {
    return CancellableCall.start(config.client.environment().executor(), call -> test());
  }

  /**
   * Returns the SMTP client the tests talk through.
   *
   * @return the client
   */
  public SmtpClient client() {
    return config.client;
  }

  /**
   * Returns the host as given.
   *
   * @return the host
   */
  public String host() {
    return config.host;
  }

  /**
   * Returns the port.
   *
   * @return the port
   */
  public int port() {
    return config.port;
  }

  /**
   * Returns the relay variants of the anonymous pass, controls excluded, in the order they run.
   *
   * @return the variants
   */
  public List<RelayVariant> variants() {
    return List.copyOf(config.variants);
  }

  /**
   * Returns the most connections one test opens.
   *
   * @return the cap
   */
  public int maxConnections() {
    return config.maxConnections;
  }

  /** Returns the target, domains and main settings, never the password. */
  @Override
  public String toString() {
    return "RelayPolicyTester["
        + config.host
        + ":"
        + config.port
        + ", localDomain="
        + config.localDomain
        + ", externalDomain="
        + config.externalDomain()
        + ", variants="
        + config.variants.size()
        + (config.credentials != null ? ", credentials=" + config.credentials.username() : "")
        + (config.tlsMode != null ? ", tlsMode=" + config.tlsMode : "")
        + "]";
  }

  /**
   * Configures a {@link RelayPolicyTester}. Every setter checks its argument at once and throws
   * {@link IllegalArgumentException} naming the parameter; {@link #build()} checks that the server
   * and both domains were given. Not thread-safe.
   */
  public static final class Builder {
    /** The default {@link #attemptsPerConnection(int)}: below Postfix's soft error limit of 10. */
    public static final int DEFAULT_ATTEMPTS_PER_CONNECTION = 5;

    /** The default {@link #maxConnections(int)}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 16;

    /** The largest {@link #maxConnections(int)} allowed. */
    public static final int MAX_CONNECTIONS_CAP = 100;

    private static final SmtpClient DEFAULT_CLIENT =
        SmtpClient.builder()
            .timeouts(
                SmtpTimeouts.all(Duration.ofSeconds(60)).toBuilder()
                    .connect(Duration.ofSeconds(30))
                    .build())
            .deadline(Duration.ofMinutes(5))
            .tls(t -> t.failurePolicy(TlsFailurePolicy.REPORT_AND_CONTINUE))
            .build();

    private String host;
    private int port;
    private String localDomain;
    private String localRecipient;
    private String externalDomain;
    private String externalRecipient;
    private SmtpCredentials credentials;
    private TlsMode tlsMode;
    private Set<RelayVariant> variants = EnumSet.copyOf(RelayVariant.relayVariants());
    private int attemptsPerConnection = DEFAULT_ATTEMPTS_PER_CONNECTION;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private boolean sendTestMessage;
    private SmtpClient client = DEFAULT_CLIENT;

    private Builder() {}

    private Builder copy() {
      Builder b = new Builder();
      b.host = host;
      b.port = port;
      b.localDomain = localDomain;
      b.localRecipient = localRecipient;
      b.externalDomain = externalDomain;
      b.externalRecipient = externalRecipient;
      b.credentials = credentials;
      b.tlsMode = tlsMode;
      b.variants = EnumSet.copyOf(variants);
      b.attemptsPerConnection = attemptsPerConnection;
      b.maxConnections = maxConnections;
      b.sendTestMessage = sendTestMessage;
      b.client = client;
      return b;
    }

    /**
     * Sets the server to test. Required.
     *
     * @param host an IP literal ({@code [::1]} or {@code ::1}), {@code localhost}, or a host name
     *     resolved through the client's DNS settings
     * @param port the port, usually 25
     * @return this builder
     * @throws IllegalArgumentException when the host is malformed or the port outside 1-65535
     */
    public Builder server(String host, int port) {
      return server(HostAndPort.of(host, port));
    }

    /**
     * Sets the server to test. Required.
     *
     * @param server the server
     * @return this builder
     */
    public Builder server(HostAndPort server) {
      requireNonNull(server, "server");
      this.host = server.host();
      this.port = server.port();
      return this;
    }

    /**
     * Sets the domain the server is meant to receive mail for. Required.
     *
     * @param domain for example {@code example.org}
     * @return this builder
     * @throws IllegalArgumentException when blank, not a plain domain, or holding CR, LF or NUL
     */
    public Builder localDomain(String domain) {
      return localDomain(domain("localDomain", domain));
    }

    /**
     * Sets the domain the server is meant to receive mail for. Required.
     *
     * @param domain the domain
     * @return this builder
     */
    public Builder localDomain(DomainName domain) {
      this.localDomain = requireNonNull(domain, "domain").ascii();
      return this;
    }

    /**
     * Sets a real mailbox in the local domain for the local-delivery control; {@code
     * postmaster@<localDomain>} by default (RFC 5321 §4.5.1 requires it to exist).
     *
     * @param address for example {@code alice@example.org}, checked by {@link MailAddress#of}
     * @return this builder
     * @throws IllegalArgumentException naming the problem when it is not a plain mailbox
     */
    public Builder localRecipient(String address) {
      return localRecipient(address("localRecipient", address));
    }

    /**
     * Sets a real mailbox in the local domain for the local-delivery control.
     *
     * @param address the mailbox, with a domain name (not an address literal)
     * @return this builder
     * @throws IllegalArgumentException when its domain is an address literal
     */
    public Builder localRecipient(MailAddress address) {
      this.localRecipient = named("localRecipient", address).toString();
      return this;
    }

    /**
     * Sets the domain the server must not relay to. Required (or implied by {@link
     * #externalRecipient(String)}). Only a name: it is never resolved or contacted, unless the
     * server relays and {@link #sendTestMessage(boolean)} is on.
     *
     * @param domain for example {@code relay-test.example.net}; a domain you own is best
     * @return this builder
     * @throws IllegalArgumentException when blank, not a plain domain, or holding CR, LF or NUL
     */
    public Builder externalDomain(String domain) {
      return externalDomain(domain("externalDomain", domain));
    }

    /**
     * Sets the domain the server must not relay to.
     *
     * @param domain the domain
     * @return this builder
     */
    public Builder externalDomain(DomainName domain) {
      this.externalDomain = requireNonNull(domain, "domain").ascii();
      return this;
    }

    /**
     * Sets the external recipient of the relay variants; {@code relaytest@<externalDomain>} by
     * default. Its domain becomes the external domain.
     *
     * @param address for example {@code me@relay-test.example.net}, checked by {@link
     *     MailAddress#of}
     * @return this builder
     * @throws IllegalArgumentException naming the problem when it is not a plain mailbox
     */
    public Builder externalRecipient(String address) {
      return externalRecipient(address("externalRecipient", address));
    }

    /**
     * Sets the external recipient of the relay variants; its domain becomes the external domain.
     *
     * @param address the mailbox, with a domain name (not an address literal)
     * @return this builder
     * @throws IllegalArgumentException when its domain is an address literal
     */
    public Builder externalRecipient(MailAddress address) {
      this.externalRecipient = named("externalRecipient", address).toString();
      return this;
    }

    /**
     * Adds an authenticated pass with these credentials (see {@link RelayPass#AUTHENTICATED}).
     *
     * @param credentials the user name and password
     * @return this builder
     */
    public Builder credentials(SmtpCredentials credentials) {
      this.credentials = requireNonNull(credentials, "credentials");
      return this;
    }

    /**
     * Chooses when TLS is used. Not set (the default), the anonymous pass talks in clear text as
     * most spam software does and switches to STARTTLS only when the server demands it ({@code 530
     * ... STARTTLS}: the attempt is repeated inside TLS), and the authenticated pass always uses
     * STARTTLS before AUTH when it is offered: credentials never go in clear text to a server that
     * offers TLS, and when it offers none, AUTH is not sent and the pass is inconclusive.
     *
     * <ul>
     *   <li>{@link TlsMode#STARTTLS_IF_OFFERED}: STARTTLS on every connection where the EHLO reply
     *       offers it, as a sending MTA does; AUTH never in clear text.
     *   <li>{@link TlsMode#STARTTLS_REQUIRED}: STARTTLS on every connection; a connection without
     *       it leaves its attempts unanswered.
     *   <li>{@link TlsMode#IMPLICIT}: TLS from the first byte (port 465).
     *   <li>{@link TlsMode#NONE}: never STARTTLS; a server that demands it leaves the attempts
     *       {@link RelayResponse#STARTTLS_REQUIRED}. With credentials this is the explicit opt-in
     *       to AUTH in clear text, and a {@link RelayFinding#CREDENTIALS_IN_CLEAR} finding says
     *       that the password went over the network unencrypted.
     * </ul>
     *
     * @param mode the mode
     * @return this builder
     */
    public Builder tlsMode(TlsMode mode) {
      this.tlsMode = requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Chooses the relay variants of the anonymous pass (all by default); the controls always run
     * and are ignored here.
     *
     * @param variants the variants
     * @return this builder
     * @throws IllegalArgumentException when no relay variant is left
     */
    public Builder variants(RelayVariant... variants) {
      return variants(List.of(requireNonNull(variants, "variants")));
    }

    /**
     * Chooses the relay variants of the anonymous pass; the controls always run and are ignored
     * here.
     *
     * @param variants the variants
     * @return this builder
     * @throws IllegalArgumentException when no relay variant is left
     */
    public Builder variants(Collection<RelayVariant> variants) {
      requireNonNull(variants, "variants");
      Set<RelayVariant> set = EnumSet.noneOf(RelayVariant.class);
      for (RelayVariant v : variants) {
        if (!requireNonNull(v, "variants element").isControl()) {
          set.add(v);
        }
      }
      if (set.isEmpty()) {
        throw new IllegalArgumentException(
            "variants must name at least one relay variant (controls always run)");
      }
      this.variants = set;
      return this;
    }

    /**
     * Sets how many attempts share a connection before a fresh one is opened; {@value
     * #DEFAULT_ATTEMPTS_PER_CONNECTION} by default, so that each connection stays below the error
     * limits servers use against dictionary attacks. The tester lowers it by itself when a server
     * drops connections earlier.
     *
     * @param attempts 1 to 100
     * @return this builder
     */
    public Builder attemptsPerConnection(int attempts) {
      this.attemptsPerConnection = Checks.range("attemptsPerConnection", attempts, 1, 100);
      return this;
    }

    /**
     * Sets the most connections one test may open, both passes and retries included; {@value
     * #DEFAULT_MAX_CONNECTIONS} by default. Attempts left when it is reached are reported as not
     * tried.
     *
     * @param connections 1 to {@value #MAX_CONNECTIONS_CAP}
     * @return this builder
     */
    public Builder maxConnections(int connections) {
      this.maxConnections = Checks.range("maxConnections", connections, 1, MAX_CONNECTIONS_CAP);
      return this;
    }

    /**
     * Opts in to sending a real test message: after the first relay recipient accepted in each
     * pass, DATA and a short message saying what it is are sent, and the reply to the final dot is
     * kept ({@link RelayAttempt#dataReply()}). If the server relays, the message WILL be delivered
     * to the external recipient: use a recipient you own. Off by default.
     *
     * @param send whether to send the message
     * @return this builder
     */
    public Builder sendTestMessage(boolean send) {
      this.sendTestMessage = send;
      return this;
    }

    /**
     * Sets the SMTP client the test talks through: its DNS settings resolve the host, its timeouts
     * bound every reply, its deadline bounds the whole test (both passes), its TLS settings judge
     * certificates, its EHLO name (the external domain when it has none, as nmap does) greets, and
     * its environment's executor runs {@link RelayPolicyTester#testAsync()}. By default {@link
     * #defaultClient()}.
     *
     * @param client the client
     * @return this builder
     */
    public Builder client(SmtpClient client) {
      this.client = requireNonNull(client, "client");
      return this;
    }

    /**
     * Changes some settings of the current client, keeping the others.
     *
     * <pre>{@code
     * RelayPolicyTester.builder().client(c -> c.dns(d -> d.server("127.0.0.1:5353")))
     * }</pre>
     *
     * @param changes edits to a builder initialised from the current client
     * @return this builder
     */
    public Builder client(Consumer<SmtpClient.Builder> changes) {
      requireNonNull(changes, "changes");
      SmtpClient.Builder b = client.toBuilder();
      changes.accept(b);
      return client(b.build());
    }

    /**
     * Returns the client a tester uses unless told otherwise: 30 s to connect and 60 s for every
     * reply (shorter than RFC 5321's minimums because a relay test is interactive; raise them for
     * tarpits), a 5 minute deadline for the whole test, the JDK's trust store with certificate
     * problems reported and the test continued inside TLS (relaying is the question, so a bad
     * certificate is a warning, never hidden), the system's DNS and environment.
     *
     * @return the default client of relay tests
     */
    public static SmtpClient defaultClient() {
      return DEFAULT_CLIENT;
    }

    /**
     * Builds the tester.
     *
     * @return the immutable, reusable tester
     * @throws IllegalStateException when the server, the local domain or the external domain is
     *     missing, or the external domain is the local domain
     */
    public RelayPolicyTester build() {
      if (host == null) {
        throw new IllegalStateException("server(host, port) is required");
      }
      if (localDomain == null) {
        throw new IllegalStateException(
            "localDomain(domain) is required: the domain the server receives mail for");
      }
      String ext = externalDomain();
      if (ext == null) {
        throw new IllegalStateException(
            "externalDomain(domain) or externalRecipient(address) is required: a domain the server must not relay to");
      }
      if (externalDomain != null
          && externalRecipient != null
          && !ext.equalsIgnoreCase(externalDomain)) {
        throw new IllegalStateException(
            "externalRecipient "
                + externalRecipient
                + " is not in externalDomain "
                + externalDomain
                + "; set one of them");
      }
      if (ext.equalsIgnoreCase(localDomain)) {
        throw new IllegalStateException("externalDomain must differ from localDomain: " + ext);
      }
      return new RelayPolicyTester(this);
    }

    private String externalDomain() {
      if (externalRecipient != null) {
        return externalRecipient.substring(externalRecipient.lastIndexOf('@') + 1);
      }
      return externalDomain;
    }

    RelaySettings settings() {
      Options o = client.options(SmtpConversation.to(host, port).options());
      if (tlsMode == TlsMode.IMPLICIT) {
        o.tlsMode = TlsMode.IMPLICIT;
      }
      RelaySettings s = new RelaySettings();
      s.options = o;
      s.localDomain = localDomain;
      s.localRecipient = localRecipient != null ? localRecipient : "postmaster@" + localDomain;
      s.externalDomain = externalDomain();
      s.externalUser =
          externalRecipient != null
              ? externalRecipient.substring(0, externalRecipient.lastIndexOf('@'))
              : "relaytest";
      s.ehloName = client.ehloName().orElse(s.externalDomain);
      s.credentials = credentials;
      s.tlsMode = tlsMode;
      s.variants = List.copyOf(variants);
      s.deadline = client.deadline();
      s.attemptsPerConnection = attemptsPerConnection;
      s.maxConnections = maxConnections;
      s.sendTestMessage = sendTestMessage;
      return s;
    }

    private static DomainName domain(String name, String value) {
      requireNonNull(value, name);
      try {
        return DomainName.of(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name + " '" + value + "': " + e.getMessage(), e);
      }
    }

    private static MailAddress address(String name, String value) {
      return Inputs.mailAddress(name, value);
    }

    private static MailAddress named(String name, MailAddress address) {
      requireNonNull(address, name);
      if (address.domainName().isEmpty()) {
        throw new IllegalArgumentException(
            name + " must have a domain name, not an address literal: " + address);
      }
      return address;
    }
  }
}
