package dev.mailpath.diag.smtp;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DomainName;
import dev.mailpath.diag.core.TlsFailurePolicy;
import dev.mailpath.diag.core.internal.Addresses;
import dev.mailpath.diag.core.internal.Checks;
import dev.mailpath.diag.dns.AddressFamily;
import dev.mailpath.diag.dns.MxResolver;
import dev.mailpath.diag.smtp.internal.DeliveryPathRun;
import dev.mailpath.diag.smtp.internal.HostResolver;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

/**
 * Follows the path a message to an address would take, the way a sending MTA does and the way the
 * field guide does it by hand: {@code nslookup -type=mx}, then {@code telnet} to each exchange in
 * preference order. It resolves the MX set with {@link MxResolver} (null MX, implicit MX and every
 * DNS finding carried into the report), then, for each exchange in RFC 5321 §5.1 delivery order and
 * each of its addresses, connects, reads the banner, says EHLO, negotiates STARTTLS when offered
 * (opportunistic TLS: a bad certificate is a finding, not a stop), and sends MAIL FROM, RCPT TO for
 * the address (or {@code postmaster@domain} when only a domain is given), RSET and QUIT. It never
 * sends DATA: no message is delivered.
 *
 * <pre>{@code
 * DeliveryPathCheck check = DeliveryPathCheck.builder()
 *     .dnsServer(new InetSocketAddress("127.0.0.1", 5353))   // like nslookup's "server"
 *     .ehloName("probe.example.org")                          // your sending host's name
 *     .sender("postmaster@example.org")
 *     .timeouts(SmtpTimeouts.all(Duration.ofSeconds(10)))
 *     .build();
 * DeliveryPathReport report = check.check("alice@example.net");
 * report.stage();          // ACCEPTED, RECIPIENT_REFUSED, UNREACHABLE, NULL_MX, ...
 * report.acceptedBy();     // the exchange that would take the mail
 * System.out.println(report);   // the narrated path, transcripts' gist and findings
 * }</pre>
 *
 * <p><b>Fallback, as an MTA does it.</b> The addresses of an exchange are tried in the preferred
 * family's order ({@link AddressPreference#IPV6_FIRST} by default), and the next address, then the
 * next exchange, is tried when one cannot be reached, breaks the session, refuses the client (5xx
 * greeting) or answers with a temporary session failure. An accepted, refused or deferred recipient
 * and a refused sender are decisive: an MTA stops there, and so does the verdict. Every fallback
 * taken is reported ({@code path.fallback.ipv4}, {@code path.fallback.exchange}).
 *
 * <p><b>Concurrency.</b> Exchanges are checked concurrently, up to {@link Builder#concurrency(int)}
 * at once, on the environment's executor; the addresses of one exchange are tried one after the
 * other. The verdict always follows delivery order, whatever order the answers came in. With {@link
 * Builder#stopAtFirstAccepting(boolean)} (the default), checking stops once the verdict is an
 * acceptance: later exchanges not yet started are not tried and running conversations are
 * cancelled; exchanges that happened to finish in parallel stay in the report. Turn it off to check
 * every address of every exchange (up to the limits).
 *
 * <p><b>Errors.</b> Everything the DNS, the network or a server does (NXDOMAIN, a null MX, refused
 * connections, timeouts, 4xx/5xx replies, TLS problems) is a finding in a normally returned {@link
 * DeliveryPathReport}; {@link #check(String)} never throws for it. Exceptions are for misuse: an
 * invalid address or domain throws {@link IllegalArgumentException} before anything is sent,
 * builders reject bad settings at once, and interrupting a blocking {@link #check} ends it with a
 * {@link CancellationException} (the interrupt flag is set again).
 *
 * <p>Immutable and thread-safe once built; one instance serves any number of checks.
 */
public final class DeliveryPathCheck {

  /** RFC 5321 §4.5.3.1.3: a path is at most 256 octets. */
  private static final int MAX_PATH = 256;

  private final MxResolver resolver;
  private final boolean resolverGiven;
  private final List<InetSocketAddress> dnsServers;
  private final int smtpPort;
  private final Function<InetSocketAddress, InetSocketAddress> connectTo;
  private final String ehloName;
  private final String sender;
  private final boolean startTls;
  private final TlsFailurePolicy tlsFailure;
  private final X509TrustManager trustManager;
  private final SSLContext sslContext;
  private final SmtpTimeouts timeouts;
  private final Duration deadline;
  private final int maxExchanges;
  private final AddressPreference addressPreference;
  private final boolean stopAtFirstAccepting;
  private final int concurrency;
  private final boolean reverseDns;
  private final DiagEnvironment environment;

  private DeliveryPathCheck(Builder b) {
    this.resolverGiven = b.resolver != null;
    this.dnsServers = List.copyOf(b.dnsServers);
    this.environment = b.environment;
    this.addressPreference = b.addressPreference;
    this.resolver = b.resolver != null ? b.resolver : buildResolver(b);
    this.smtpPort = b.smtpPort;
    this.connectTo = b.connectTo;
    this.ehloName = b.ehloName;
    this.sender = b.sender;
    this.startTls = b.startTls;
    this.tlsFailure = b.tlsFailure;
    this.trustManager = b.trustManager;
    this.sslContext = b.sslContext;
    this.timeouts = b.timeouts;
    this.deadline = b.deadline;
    this.maxExchanges = b.maxExchanges;
    this.stopAtFirstAccepting = b.stopAtFirstAccepting;
    this.concurrency = b.concurrency;
    this.reverseDns = b.reverseDns;
  }

  private static MxResolver buildResolver(Builder b) {
    // Only the families the check will use are looked up, so an IPv4-only check asks no AAAA.
    AddressFamily family =
        b.addressPreference == AddressPreference.IPV4_ONLY
            ? AddressFamily.IPV4
            : b.addressPreference == AddressPreference.IPV6_ONLY
                ? AddressFamily.IPV6
                : AddressFamily.BOTH;
    return MxResolver.builder()
        .servers(b.dnsServers)
        .addressFamily(family)
        .environment(b.environment)
        .build();
  }

  /**
   * Starts configuring a check.
   *
   * @return a new builder with the defaults: the system's DNS servers, SMTP port 25, EHLO name
   *     {@code mailpath.invalid}, the null sender {@code <>}, STARTTLS when offered with
   *     certificate problems reported and the session continued, 30 s for every SMTP phase, a 5
   *     minute overall deadline, at most 10 exchanges, IPv6 before IPv4, stop at the first exchange
   *     that accepts, 4 exchanges at once, reverse DNS on, the system environment
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
    if (resolverGiven) {
      b.resolver = resolver;
    }
    b.dnsServers.addAll(dnsServers);
    b.smtpPort = smtpPort;
    b.connectTo = connectTo;
    b.ehloName = ehloName;
    b.sender = sender;
    b.startTls = startTls;
    b.tlsFailure = tlsFailure;
    b.trustManager = trustManager;
    b.sslContext = sslContext;
    b.timeouts = timeouts;
    b.deadline = deadline;
    b.maxExchanges = maxExchanges;
    b.addressPreference = addressPreference;
    b.stopAtFirstAccepting = stopAtFirstAccepting;
    b.concurrency = concurrency;
    b.reverseDns = reverseDns;
    b.environment = environment;
    return b;
  }

  /**
   * Follows the delivery path to an address or domain and waits for the verdict.
   *
   * @param addressOrDomain a recipient such as {@code alice@example.org} (angle brackets allowed)
   *     or a domain such as {@code example.org}, in which case {@code postmaster@example.org} is
   *     asked for; Unicode domains are converted to A-labels
   * @return the report; DNS and SMTP failures are findings in it
   * @throws IllegalArgumentException when the input is blank, holds CR, LF or NUL, has an empty
   *     local part, an invalid or literal domain, or is longer than RFC 5321 allows
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public DeliveryPathReport check(String addressOrDomain) {
    CompletableFuture<DeliveryPathReport> f = checkAsync(addressOrDomain);
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new CancellationException("delivery path check of " + addressOrDomain + " interrupted");
    } catch (ExecutionException e) {
      Throwable cause =
          e.getCause() instanceof CompletionException && e.getCause().getCause() != null
              ? e.getCause().getCause()
              : e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }

  /**
   * Follows the delivery path without blocking the caller: the MX query goes out at once, and the
   * conversations run on the environment's executor. Cancelling the future stops the check and
   * closes the connections still open.
   *
   * @param addressOrDomain as for {@link #check(String)}
   * @return a future of the report; it never completes exceptionally for DNS or SMTP failures
   * @throws IllegalArgumentException at once when the input is invalid
   */
  public CompletableFuture<DeliveryPathReport> checkAsync(String addressOrDomain) {
    DeliveryPathRun.Target target = parseTarget(addressOrDomain);
    DeliveryPathRun.Settings settings =
        new DeliveryPathRun.Settings(
            resolver,
            smtpPort,
            connectTo,
            addressPreference,
            stopAtFirstAccepting,
            concurrency,
            maxExchanges,
            deadline,
            reverseDns,
            environment,
            sender,
            this::conversation);
    return new DeliveryPathRun(settings, target).start();
  }

  /** Builds the script for one address: the telnet session of the field guide, without DATA. */
  private SmtpConversation conversation(
      String tlsName,
      InetSocketAddress target,
      String recipient,
      Duration left,
      HostResolver reverse) {
    SmtpConversation c =
        SmtpConversation.to(Addresses.format(target.getAddress()), target.getPort())
            .timeouts(timeouts)
            .deadline(left)
            .environment(environment)
            .tlsFailure(tlsFailure)
            // The check looked up the reverse DNS of the address from DNS itself (not of a
            // mapped lab address), so the banner and EHLO names are compared with that.
            .hostResolver(reverse);
    if (isHostName(tlsName)) {
      // SNI and the certificate name check use the MX host name, as an MTA's TLS would.
      c = c.expectedTlsName(tlsName);
    }
    if (trustManager != null) {
      c = c.trustManager(trustManager);
    }
    if (sslContext != null) {
      c = c.sslContext(sslContext);
    }
    c = c.ehlo(ehloName);
    if (startTls) {
      c = c.startTlsIfOffered();
    }
    if (!recipient.chars().allMatch(ch -> ch < 0x80)) {
      // RFC 6531: a non-ASCII local part needs SMTPUTF8 (a finding says so when not offered).
      c = c.smtpUtf8();
    }
    return c.mailFrom(sender).rcptTo(recipient).rset();
  }

  private static boolean isHostName(String name) {
    return !name.isEmpty()
        && name.chars().noneMatch(Character::isWhitespace)
        && name.length() <= 255;
  }

  private static DeliveryPathRun.Target parseTarget(String addressOrDomain) {
    Checks.noLineBreaks("addressOrDomain", addressOrDomain);
    String s = addressOrDomain.strip();
    if (s.startsWith("<") && s.endsWith(">")) {
      s = s.substring(1, s.length() - 1).strip();
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException(
          "addressOrDomain must be an address such as alice@example.org or a domain");
    }
    int at = s.lastIndexOf('@');
    String local = at < 0 ? "postmaster" : s.substring(0, at);
    String domainText = at < 0 ? s : s.substring(at + 1);
    if (local.isEmpty()) {
      throw new IllegalArgumentException(
          "addressOrDomain has an empty local part: '" + addressOrDomain + "'");
    }
    boolean quoted = local.length() >= 2 && local.startsWith("\"") && local.endsWith("\"");
    if (!quoted && local.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          "addressOrDomain has a space in its local part; quote the local part (RFC 5321 §4.1.2): '"
              + addressOrDomain
              + "'");
    }
    if (domainText.startsWith("[")) {
      throw new IllegalArgumentException(
          "addressOrDomain has an address literal as domain; a delivery path starts from a domain's MX"
              + " records (use SmtpConversation to talk to an address): '"
              + addressOrDomain
              + "'");
    }
    DomainName domain;
    try {
      domain = DomainName.of(domainText);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("addressOrDomain: " + e.getMessage(), e);
    }
    String recipient = local + "@" + domain.ascii();
    if (recipient.length() > MAX_PATH) {
      throw new IllegalArgumentException(
          "addressOrDomain is "
              + recipient.length()
              + " characters; RFC 5321 §4.5.3.1.3 allows 256");
    }
    return new DeliveryPathRun.Target(addressOrDomain, recipient, domain.given(), domain.ascii());
  }

  /**
   * Returns the resolver the MX records and reverse DNS are looked up with.
   *
   * @return the resolver
   */
  public MxResolver resolver() {
    return resolver;
  }

  /**
   * Returns the SMTP port every exchange is contacted on (before {@code connectTo} mapping).
   *
   * @return the port; 25 unless a lab says otherwise
   */
  public int smtpPort() {
    return smtpPort;
  }

  /** Returns the main settings, for logs. */
  @Override
  public String toString() {
    return "DeliveryPathCheck[dns="
        + resolver.servers()
        + ", port="
        + smtpPort
        + ", ehlo="
        + ehloName
        + ", sender="
        + sender
        + ", "
        + addressPreference
        + ", maxExchanges="
        + maxExchanges
        + ", concurrency="
        + concurrency
        + ", stopAtFirstAccepting="
        + stopAtFirstAccepting
        + "]";
  }

  /**
   * Which address families to try, and in which order, for each exchange. Sending MTAs differ (Exim
   * and most modern stacks prefer IPv6, RFC 6724; Postfix's {@code smtp_address_preference}
   * defaults to either); a failed first family falls back to the other.
   */
  public enum AddressPreference {
    /** IPv6 addresses first, then IPv4 (the default). */
    IPV6_FIRST,
    /** IPv4 addresses first, then IPv6. */
    IPV4_FIRST,
    /** IPv4 only; IPv6 addresses are listed as not tried. */
    IPV4_ONLY,
    /** IPv6 only; IPv4 addresses are listed as not tried. */
    IPV6_ONLY;

    /**
     * Returns the addresses to try, in order.
     *
     * @param addresses an exchange's addresses as DNS gave them
     * @return the addresses of the used families, the preferred family first, DNS order kept within
     *     a family
     */
    public List<InetAddress> order(List<InetAddress> addresses) {
      List<InetAddress> v4 = new ArrayList<>();
      List<InetAddress> v6 = new ArrayList<>();
      for (InetAddress a : addresses) {
        (a instanceof Inet6Address ? v6 : v4).add(a);
      }
      List<InetAddress> out = new ArrayList<>();
      switch (this) {
        case IPV6_FIRST:
          out.addAll(v6);
          out.addAll(v4);
          break;
        case IPV4_FIRST:
          out.addAll(v4);
          out.addAll(v6);
          break;
        case IPV4_ONLY:
          out.addAll(v4);
          break;
        default:
          out.addAll(v6);
      }
      return List.copyOf(out);
    }
  }

  /**
   * Configures a {@link DeliveryPathCheck}. Not thread-safe; setters validate at once and name the
   * bad parameter.
   */
  public static final class Builder {
    private MxResolver resolver;
    private final List<InetSocketAddress> dnsServers = new ArrayList<>();
    private int smtpPort = 25;
    private Function<InetSocketAddress, InetSocketAddress> connectTo = Function.identity();
    private String ehloName = "mailpath.invalid";
    private String sender = "<>";
    private boolean startTls = true;
    private TlsFailurePolicy tlsFailure = TlsFailurePolicy.REPORT_AND_CONTINUE;
    private X509TrustManager trustManager;
    private SSLContext sslContext;
    private SmtpTimeouts timeouts = SmtpTimeouts.all(Duration.ofSeconds(30));
    private Duration deadline = Duration.ofMinutes(5);
    private int maxExchanges = 10;
    private AddressPreference addressPreference = AddressPreference.IPV6_FIRST;
    private boolean stopAtFirstAccepting = true;
    private int concurrency = 4;
    private boolean reverseDns = true;
    private DiagEnvironment environment = DiagEnvironment.system();

    private Builder() {}

    /**
     * Looks up MX records, addresses and reverse DNS with this resolver (its servers, timeouts,
     * address families and environment); replaces any {@link #dnsServer} setting.
     *
     * @param resolver the resolver
     * @return this builder
     */
    public Builder resolver(MxResolver resolver) {
      this.resolver = requireNonNull(resolver, "resolver");
      dnsServers.clear();
      return this;
    }

    /**
     * Asks only this DNS server, like nslookup's {@code server} command; replaces a {@link
     * #resolver(MxResolver)} set before.
     *
     * @param server an address with port, for example {@code 127.0.0.1:5353}
     * @return this builder
     * @throws IllegalArgumentException when the address is unresolved
     */
    public Builder dnsServer(InetSocketAddress server) {
      return dnsServers(List.of(requireNonNull(server, "server")));
    }

    /**
     * Asks these DNS servers, in order; an empty list means the system's resolvers.
     *
     * @param servers the servers
     * @return this builder
     * @throws IllegalArgumentException when an address is unresolved
     */
    public Builder dnsServers(List<InetSocketAddress> servers) {
      requireNonNull(servers, "servers");
      List<InetSocketAddress> copy = new ArrayList<>();
      for (InetSocketAddress s : servers) {
        requireNonNull(s, "servers element");
        if (s.isUnresolved()) {
          throw new IllegalArgumentException(
              "dnsServers must be IP addresses, not unresolved names: " + s.getHostString());
        }
        copy.add(s);
      }
      this.resolver = null;
      dnsServers.clear();
      dnsServers.addAll(copy);
      return this;
    }

    /**
     * Sets the port every exchange is contacted on. MX records carry no port, so a lab whose
     * servers all listen on one port sets it here.
     *
     * @param port 1 to 65535; default 25
     * @return this builder
     */
    public Builder smtpPort(int port) {
      this.smtpPort = Checks.port("smtpPort", port);
      return this;
    }

    /**
     * Maps the address a sending MTA would connect to (an exchange's address and {@link #smtpPort})
     * to the address to connect to instead, for labs where each exchange listens on its own port.
     * The report keeps the address from DNS, names the mapped one as the target, and checks reverse
     * DNS and TLS names against the DNS address and the exchange name.
     *
     * <pre>{@code
     * .connectTo(a -> a.getAddress().equals(mx1) ? greenMail : a)
     * }</pre>
     *
     * @param connectTo a function returning a resolved socket address; it must not return {@code
     *     null} (a check fails with {@link IllegalStateException} when it does)
     * @return this builder
     */
    public Builder connectTo(Function<InetSocketAddress, InetSocketAddress> connectTo) {
      this.connectTo = requireNonNull(connectTo, "connectTo");
      return this;
    }

    /**
     * Sets the name sent with EHLO. Use your sending host's fully qualified name (ideally its PTR
     * name): receiving systems compare it with the reverse DNS of the connecting address, and some
     * refuse names they cannot resolve.
     *
     * @param name the host name or address literal; default {@code mailpath.invalid}
     * @return this builder
     * @throws IllegalArgumentException when blank, with spaces, over 255 characters, or holding CR,
     *     LF or NUL
     */
    public Builder ehloName(String name) {
      this.ehloName = SmtpConversation.domainArg("ehloName", name);
      return this;
    }

    /**
     * Sets the reverse path sent in MAIL FROM. Some receiving systems compare its domain with the
     * reverse DNS of the connecting address; the field guide's advice is to use your actual domain
     * when testing an outside system.
     *
     * @param sender an address such as {@code postmaster@example.org}, or {@code <>} (the default,
     *     the null sender recipient callouts use)
     * @return this builder
     * @throws IllegalArgumentException when blank, over 256 characters, or holding CR, LF or NUL
     */
    public Builder sender(String sender) {
      this.sender = SmtpConversation.path("sender", sender);
      return this;
    }

    /**
     * Sets whether to negotiate STARTTLS when the EHLO reply offers it (opportunistic TLS, RFC
     * 3207, as sending MTAs do); without it every session stays in clear text.
     *
     * @param startTls default {@code true}
     * @return this builder
     */
    public Builder startTls(boolean startTls) {
      this.startTls = startTls;
      return this;
    }

    /**
     * Chooses what a certificate problem does. The default, {@link
     * TlsFailurePolicy#REPORT_AND_CONTINUE}, is what an MTA doing opportunistic TLS does: the
     * problem is a finding and the session goes on, so the recipient is still asked. With {@link
     * TlsFailurePolicy#FAIL} the session ends, as it would for a sender that requires verified TLS,
     * and the path falls back to the next address.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder tlsFailure(TlsFailurePolicy policy) {
      this.tlsFailure = requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Validates certificates with this trust manager instead of the JDK's trust store.
     *
     * @param trustManager the trust manager, for example one trusting a test certificate
     * @return this builder
     */
    public Builder trustManager(X509TrustManager trustManager) {
      this.trustManager = requireNonNull(trustManager, "trustManager");
      return this;
    }

    /**
     * Uses this TLS context for STARTTLS as is (see {@link SmtpConversation#sslContext}).
     *
     * @param sslContext the context
     * @return this builder
     */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = requireNonNull(sslContext, "sslContext");
      return this;
    }

    /**
     * Sets the per-phase SMTP timeouts of every conversation. The default, 30 s for every phase,
     * suits a diagnosis; an MTA waits longer (RFC 5321 §4.5.3.2, {@link SmtpTimeouts#rfc5321()}).
     *
     * @param timeouts the timeouts
     * @return this builder
     */
    public Builder timeouts(SmtpTimeouts timeouts) {
      this.timeouts = requireNonNull(timeouts, "timeouts");
      return this;
    }

    /**
     * Sets the overall deadline of a check. Each conversation gets what is left of it; addresses
     * not started when it passes are reported as not tried, with a {@code path.deadline-exceeded}
     * finding. DNS lookups are bounded by the resolver's own timeouts.
     *
     * @param deadline positive, at most a day; default 5 minutes
     * @return this builder
     */
    public Builder deadline(Duration deadline) {
      this.deadline = Checks.positive("deadline", deadline);
      return this;
    }

    /**
     * Sets how many exchanges, in delivery order, may be tried; the rest are listed as not tried
     * with a {@code path.exchange-limit} finding.
     *
     * @param maxExchanges 1 to 100; default 10
     * @return this builder
     */
    public Builder maxExchanges(int maxExchanges) {
      this.maxExchanges = Checks.range("maxExchanges", maxExchanges, 1, 100);
      return this;
    }

    /**
     * Sets the address families to try and their order.
     *
     * @param preference default {@link AddressPreference#IPV6_FIRST}
     * @return this builder
     */
    public Builder addressPreference(AddressPreference preference) {
      this.addressPreference = requireNonNull(preference, "preference");
      return this;
    }

    /**
     * Sets whether checking stops once an exchange accepts and every exchange before it in delivery
     * order has answered (an MTA stops there too). Off, every address of every exchange is checked,
     * which shows backups that are down or disagree with the primary.
     *
     * @param stop default {@code true}
     * @return this builder
     */
    public Builder stopAtFirstAccepting(boolean stop) {
      this.stopAtFirstAccepting = stop;
      return this;
    }

    /**
     * Sets how many exchanges are checked at once.
     *
     * @param concurrency 1 to 64; default 4; 1 checks one exchange after the other, as an MTA does
     * @return this builder
     */
    public Builder concurrency(int concurrency) {
      this.concurrency = Checks.range("concurrency", concurrency, 1, 64);
      return this;
    }

    /**
     * Sets whether to look up the reverse DNS (and forward confirmation) of every address tried,
     * and compare the banner and EHLO names with it.
     *
     * @param reverseDns default {@code true}
     * @return this builder
     */
    public Builder reverseDns(boolean reverseDns) {
      this.reverseDns = reverseDns;
      return this;
    }

    /**
     * Sets the environment: clock, socket factory, TLS context, executor, random source (for the
     * order among equal MX preferences when the check builds its resolver) and event listeners.
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
     * Builds the check.
     *
     * @return an immutable, thread-safe check
     * @throws IllegalStateException when neither a resolver nor DNS servers were set and the system
     *     has no DNS servers
     */
    public DeliveryPathCheck build() {
      return new DeliveryPathCheck(this);
    }
  }
}
