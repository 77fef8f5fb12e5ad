package dev.mailpath.diag.smtp;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.TlsFailurePolicy;
import dev.mailpath.diag.core.internal.Checks;
import dev.mailpath.diag.dns.MxResolver;
import dev.mailpath.diag.smtp.internal.Options;
import dev.mailpath.diag.smtp.internal.RelayRun;
import dev.mailpath.diag.smtp.internal.RelaySettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

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
 * RelayVariant#LOCAL_SENDER} after AUTH (with STARTTLS first when AUTH is only offered inside TLS).
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
 * default, never more than 100); the whole test ends by {@link Builder#deadline(Duration)}.
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
    return new RelayRun(config.settings()).run();
  }

  /**
   * Runs the battery on the environment's executor. Cancelling the future closes the connection in
   * progress and stops the test.
   *
   * @return the future report
   */
  public CompletableFuture<RelayReport> testAsync() {
    RelayRun run = new RelayRun(config.settings());
    CompletableFuture<RelayReport> f = new CompletableFuture<>();
    f.whenComplete(
        (r, t) -> {
          if (f.isCancelled()) {
            run.abort();
          }
        });
    config
        .environment
        .executor()
        .execute(
            () -> {
              if (f.isDone()) {
                return;
              }
              try {
                f.complete(run.run());
              } catch (Throwable t) {
                f.completeExceptionally(t);
              }
            });
    return f;
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
        + ", tls="
        + config.tlsMode
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

    private String host;
    private int port;
    private String localDomain;
    private String localRecipient;
    private String externalDomain;
    private String externalRecipient;
    private String ehloName;
    private SmtpCredentials credentials;
    private RelayTlsMode tlsMode = RelayTlsMode.WHEN_REQUIRED;
    private X509TrustManager trustManager;
    private SSLContext sslContext;
    private String expectedTlsName;
    private TlsFailurePolicy tlsFailure = TlsFailurePolicy.REPORT_AND_CONTINUE;
    private Set<RelayVariant> variants = EnumSet.copyOf(RelayVariant.relayVariants());
    private SmtpTimeouts timeouts =
        SmtpTimeouts.all(Duration.ofSeconds(60)).toBuilder()
            .connect(Duration.ofSeconds(30))
            .build();
    private Duration deadline = Duration.ofMinutes(5);
    private int attemptsPerConnection = DEFAULT_ATTEMPTS_PER_CONNECTION;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private boolean sendTestMessage;
    private DiagEnvironment environment = DiagEnvironment.system();
    private List<InetSocketAddress> dnsServers = List.of();
    private MxResolver resolver;

    private Builder() {}

    private Builder copy() {
      Builder b = new Builder();
      b.host = host;
      b.port = port;
      b.localDomain = localDomain;
      b.localRecipient = localRecipient;
      b.externalDomain = externalDomain;
      b.externalRecipient = externalRecipient;
      b.ehloName = ehloName;
      b.credentials = credentials;
      b.tlsMode = tlsMode;
      b.trustManager = trustManager;
      b.sslContext = sslContext;
      b.expectedTlsName = expectedTlsName;
      b.tlsFailure = tlsFailure;
      b.variants = EnumSet.copyOf(variants);
      b.timeouts = timeouts;
      b.deadline = deadline;
      b.attemptsPerConnection = attemptsPerConnection;
      b.maxConnections = maxConnections;
      b.sendTestMessage = sendTestMessage;
      b.environment = environment;
      b.dnsServers = dnsServers;
      b.resolver = resolver;
      return b;
    }

    /**
     * Sets the server to test. Required.
     *
     * @param host an IP literal, {@code localhost}, or a host name resolved through diag-dns (see
     *     {@link #dnsServers(InetSocketAddress...)})
     * @param port the port, usually 25
     * @return this builder
     * @throws IllegalArgumentException when the host is blank or holds CR, LF, NUL or spaces, or
     *     the port is outside 1-65535
     */
    public Builder server(String host, int port) {
      Checks.noLineBreaks("host", host);
      if (host.isBlank() || host.strip().chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException(
            "host must be a host name or IP address without spaces: '" + host + "'");
      }
      this.port = Checks.port("port", port);
      this.host = host.strip();
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
      this.localDomain = domain("localDomain", domain);
      return this;
    }

    /**
     * Sets a real mailbox in the local domain for the local-delivery control; {@code
     * postmaster@<localDomain>} by default (RFC 5321 §4.5.1 requires it to exist).
     *
     * @param address for example {@code alice@example.org}, with or without angle brackets
     * @return this builder
     * @throws IllegalArgumentException when it is not a plain {@code local@domain} address
     */
    public Builder localRecipient(String address) {
      this.localRecipient = address("localRecipient", address);
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
      this.externalDomain = domain("externalDomain", domain);
      return this;
    }

    /**
     * Sets the external recipient of the relay variants; {@code relaytest@<externalDomain>} by
     * default. Its domain becomes the external domain.
     *
     * @param address for example {@code me@relay-test.example.net}
     * @return this builder
     * @throws IllegalArgumentException when it is not a plain {@code local@domain} address
     */
    public Builder externalRecipient(String address) {
      this.externalRecipient = address("externalRecipient", address);
      return this;
    }

    /**
     * Sets the EHLO argument; the external domain by default, as nmap does.
     *
     * @param name a host name or address literal
     * @return this builder
     * @throws IllegalArgumentException when blank, over 255 characters, or holding spaces, CR, LF
     *     or NUL
     */
    public Builder ehloName(String name) {
      this.ehloName = SmtpConversation.domainArg("ehloName", name);
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
     * Chooses when STARTTLS is used; {@link RelayTlsMode#WHEN_REQUIRED} by default.
     *
     * @param mode the mode
     * @return this builder
     */
    public Builder tlsMode(RelayTlsMode mode) {
      this.tlsMode = requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Validates the server's certificate chain with this trust manager instead of the JDK's trust
     * store.
     *
     * @param trustManager the trust manager
     * @return this builder
     */
    public Builder trustManager(X509TrustManager trustManager) {
      this.trustManager = requireNonNull(trustManager, "trustManager");
      return this;
    }

    /**
     * Uses this TLS context for STARTTLS.
     *
     * @param sslContext the context
     * @return this builder
     */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = requireNonNull(sslContext, "sslContext");
      return this;
    }

    /**
     * Sets the name sent as SNI and checked against the certificate when connecting by address.
     *
     * @param name the expected host name
     * @return this builder
     * @throws IllegalArgumentException when blank or holding spaces, CR, LF or NUL
     */
    public Builder expectedTlsName(String name) {
      this.expectedTlsName = SmtpConversation.domainArg("expectedTlsName", name);
      return this;
    }

    /**
     * Chooses what an invalid certificate does. {@link TlsFailurePolicy#REPORT_AND_CONTINUE} by
     * default: relaying is the question, so the test goes on inside TLS and the certificate problem
     * is reported as a warning (never hidden); with {@link TlsFailurePolicy#FAIL} the attempts that
     * need TLS stay unanswered.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder tlsFailure(TlsFailurePolicy policy) {
      this.tlsFailure = requireNonNull(policy, "policy");
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
     * Sets the per-phase timeouts: 30 s to connect and 60 s for every reply by default, shorter
     * than RFC 5321's minimums because a relay test is interactive; raise them for tarpits.
     *
     * @param timeouts the timeouts
     * @return this builder
     */
    public Builder timeouts(SmtpTimeouts timeouts) {
      this.timeouts = requireNonNull(timeouts, "timeouts");
      return this;
    }

    /**
     * Sets the deadline for a whole test (5 minutes by default); what is not done by then is
     * reported as not tried.
     *
     * @param deadline positive, at most a day
     * @return this builder
     */
    public Builder deadline(Duration deadline) {
      this.deadline = Checks.positive("deadline", deadline);
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
     * Sets the environment: clock, socket factory, TLS context, executor for {@link
     * RelayPolicyTester#testAsync()}, random source (for the made-up local user), event listener.
     *
     * @param environment the environment
     * @return this builder
     */
    public Builder environment(DiagEnvironment environment) {
      this.environment = requireNonNull(environment, "environment");
      return this;
    }

    /**
     * Changes some seams of the current environment.
     *
     * @param changes edits applied to a builder initialised from the current environment
     * @return this builder
     */
    public Builder environment(Consumer<DiagEnvironment.Builder> changes) {
      this.environment = environment.with(requireNonNull(changes, "changes"));
      return this;
    }

    /**
     * Resolves a host name with these DNS servers (through diag-dns).
     *
     * @param servers the DNS servers
     * @return this builder
     * @throws IllegalArgumentException when none is given
     */
    public Builder dnsServers(InetSocketAddress... servers) {
      requireNonNull(servers, "servers");
      if (servers.length == 0) {
        throw new IllegalArgumentException("dnsServers needs at least one server");
      }
      for (InetSocketAddress s : servers) {
        requireNonNull(s, "servers element");
      }
      this.dnsServers = List.of(servers);
      return this;
    }

    /**
     * Resolves a host name with this diag-dns resolver.
     *
     * @param resolver the resolver
     * @return this builder
     */
    public Builder resolver(MxResolver resolver) {
      this.resolver = requireNonNull(resolver, "resolver");
      return this;
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
      Options o = new Options();
      o.host = host;
      o.port = port;
      o.timeouts = timeouts;
      o.deadline = deadline;
      o.trustManager = trustManager;
      o.sslContext = sslContext;
      o.expectedTlsName = expectedTlsName;
      o.tlsFailure = tlsFailure;
      o.environment = environment;
      o.dnsServers = dnsServers;
      o.mxResolver = resolver;
      RelaySettings s = new RelaySettings();
      s.options = o;
      s.localDomain = localDomain;
      s.localRecipient = localRecipient != null ? localRecipient : "postmaster@" + localDomain;
      s.externalDomain = externalDomain();
      s.externalUser =
          externalRecipient != null
              ? externalRecipient.substring(0, externalRecipient.lastIndexOf('@'))
              : "relaytest";
      s.ehloName = ehloName != null ? ehloName : s.externalDomain;
      s.credentials = credentials;
      s.tlsMode = tlsMode;
      s.variants = List.copyOf(variants);
      s.deadline = deadline;
      s.attemptsPerConnection = attemptsPerConnection;
      s.maxConnections = maxConnections;
      s.sendTestMessage = sendTestMessage;
      return s;
    }

    private static String domain(String name, String value) {
      String d = SmtpConversation.domainArg(name, value);
      if (d.endsWith(".")) {
        d = d.substring(0, d.length() - 1);
      }
      if (d.isEmpty()
          || !d.matches("[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?")
          || d.contains("..")) {
        throw new IllegalArgumentException(
            name + " must be a domain name such as example.org: '" + value + "'");
      }
      return d;
    }

    private static String address(String name, String value) {
      Checks.noLineBreaks(name, value);
      String a = value.strip();
      if (a.startsWith("<") && a.endsWith(">")) {
        a = a.substring(1, a.length() - 1).strip();
      }
      int at = a.lastIndexOf('@');
      if (at <= 0
          || at == a.length() - 1
          || a.chars().anyMatch(c -> Character.isWhitespace(c) || c == '<' || c == '>')
          || a.length() > 254) {
        throw new IllegalArgumentException(
            name + " must be an address such as user@example.org: '" + value + "'");
      }
      domain(name, a.substring(at + 1));
      return a;
    }
  }
}
