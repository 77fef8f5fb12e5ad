package dev.mailpath.diag.smtp;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DomainName;
import dev.mailpath.diag.core.HostAndPort;
import dev.mailpath.diag.core.MailAddress;
import dev.mailpath.diag.core.TlsFailurePolicy;
import dev.mailpath.diag.core.TlsMode;
import dev.mailpath.diag.core.internal.Addresses;
import dev.mailpath.diag.core.internal.Checks;
import dev.mailpath.diag.dns.AddressFamily;
import dev.mailpath.diag.dns.MxResolver;
import dev.mailpath.diag.smtp.internal.DeliveryPathRun;
import dev.mailpath.diag.smtp.internal.DeliveryTargets;
import dev.mailpath.diag.smtp.internal.HostResolver;
import dev.mailpath.diag.smtp.internal.Inputs;
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
 *     .client(c -> c
 *         .dns(d -> d.server("127.0.0.1:5353"))              // like nslookup's "server"
 *         .ehloName("probe.example.org")                      // your sending host's name
 *         .timeouts(SmtpTimeouts.all(Duration.ofSeconds(10))))
 *     .sender("postmaster@example.org")
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
 * <p><b>Concurrency.</b> Exchanges are checked concurrently, up to {@link Builder#maxInFlight(int)}
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

  private static final SmtpClient DEFAULT_CLIENT =
      SmtpClient.builder()
          .ehloName("mailpath.invalid")
          .timeouts(SmtpTimeouts.all(Duration.ofSeconds(30)))
          .deadline(Duration.ofMinutes(5))
          .tls(t -> t.failurePolicy(TlsFailurePolicy.REPORT_AND_CONTINUE))
          .build();

  private final SmtpClient client;
  private final MxResolver resolver;
  private final int smtpPort;
  private final Function<InetSocketAddress, InetSocketAddress> connectTo;
  private final String sender;
  private final TlsMode tlsMode;
  private final int maxExchanges;
  private final AddressPreference addressPreference;
  private final boolean stopAtFirstAccepting;
  private final int maxInFlight;
  private final boolean reverseDns;

  private DeliveryPathCheck(Builder b) {
    this.client = b.client;
    this.addressPreference = b.addressPreference;
    this.resolver = buildResolver(b);
    this.smtpPort = b.smtpPort;
    this.connectTo = b.connectTo;
    this.sender = b.sender;
    this.tlsMode = b.tlsMode;
    this.maxExchanges = b.maxExchanges;
    this.stopAtFirstAccepting = b.stopAtFirstAccepting;
    this.maxInFlight = b.maxInFlight;
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
        .dns(b.client.dns())
        .addressFamily(family)
        .environment(b.client.environment())
        .build();
  }

  /**
   * Starts configuring a check.
   *
   * @return a new builder with the defaults: {@link Builder#defaultClient()} (the system's DNS
   *     servers, EHLO name {@code mailpath.invalid}, 30 s for every SMTP phase, a 5 minute overall
   *     deadline, certificate problems reported and the session continued), SMTP port 25, the null
   *     sender {@code <>}, STARTTLS when offered, at most 10 exchanges, IPv6 before IPv4, stop at
   *     the first exchange that accepts, 4 exchanges at once, reverse DNS on
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
    b.client = client;
    b.smtpPort = smtpPort;
    b.connectTo = connectTo;
    b.sender = sender;
    b.tlsMode = tlsMode;
    b.maxExchanges = maxExchanges;
    b.addressPreference = addressPreference;
    b.stopAtFirstAccepting = stopAtFirstAccepting;
    b.maxInFlight = maxInFlight;
    b.reverseDns = reverseDns;
    return b;
  }

  /**
   * Follows the delivery path to an address or domain and waits for the verdict.
   *
   * @param addressOrDomain a recipient such as {@code alice@example.org} (checked by {@link
   *     MailAddress#of}) or a domain such as {@code example.org} (checked by {@link
   *     DomainName#of}), in which case {@code postmaster@example.org} is asked for; Unicode domains
   *     are converted to A-labels
   * @return the report; DNS and SMTP failures are findings in it
   * @throws IllegalArgumentException when the input is blank, holds CR, LF or NUL, has an empty
   *     local part, an invalid or literal domain, or is longer than RFC 5321 allows
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public DeliveryPathReport check(String addressOrDomain) {
    return await(checkAsync(addressOrDomain), addressOrDomain);
  }

  /**
   * Follows the delivery path to an address and waits for the verdict.
   *
   * @param address the recipient; its domain must be a name, not an address literal
   * @return the report; DNS and SMTP failures are findings in it
   * @throws IllegalArgumentException when the domain is an address literal
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public DeliveryPathReport check(MailAddress address) {
    return await(checkAsync(address), String.valueOf(address));
  }

  /**
   * Follows the delivery path to {@code postmaster} of a domain and waits for the verdict.
   *
   * @param domain the domain
   * @return the report; DNS and SMTP failures are findings in it
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public DeliveryPathReport check(DomainName domain) {
    return await(checkAsync(domain), String.valueOf(domain));
  }

  private static DeliveryPathReport await(
      CompletableFuture<DeliveryPathReport> f, String addressOrDomain) {
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
    return start(DeliveryTargets.parse(addressOrDomain));
  }

  /**
   * Follows the delivery path to an address without blocking the caller; see {@link
   * #checkAsync(String)}.
   *
   * @param address the recipient; its domain must be a name, not an address literal
   * @return a future of the report; cancelling it closes the connections still open
   * @throws IllegalArgumentException at once when the domain is an address literal
   */
  public CompletableFuture<DeliveryPathReport> checkAsync(MailAddress address) {
    requireNonNull(address, "address");
    return start(DeliveryTargets.of(address.toString(), address));
  }

  /**
   * Follows the delivery path to {@code postmaster} of a domain without blocking the caller; see
   * {@link #checkAsync(String)}.
   *
   * @param domain the domain
   * @return a future of the report; cancelling it closes the connections still open
   */
  public CompletableFuture<DeliveryPathReport> checkAsync(DomainName domain) {
    requireNonNull(domain, "domain");
    return start(DeliveryTargets.of(domain.given(), "postmaster", domain));
  }

  private CompletableFuture<DeliveryPathReport> start(DeliveryPathRun.Target target) {
    DeliveryPathRun.Settings settings =
        new DeliveryPathRun.Settings(
            resolver,
            smtpPort,
            connectTo,
            addressPreference,
            stopAtFirstAccepting,
            maxInFlight,
            maxExchanges,
            client.deadline(),
            reverseDns,
            client.environment(),
            sender,
            this::conversation);
    return new DeliveryPathRun(settings, target).start();
  }

  /** Builds the script for one address: the telnet session of the field guide, without DATA. */
  private CompletableFuture<SmtpReport> conversation(
      String tlsName,
      InetSocketAddress target,
      String recipient,
      Duration left,
      HostResolver reverse) {
    SmtpConversation c =
        SmtpConversation.to(HostAndPort.of(Addresses.format(target.getAddress()), target.getPort()))
            // The check looked up the reverse DNS of the address from DNS itself (not of a
            // mapped lab address), so the banner and EHLO names are compared with that.
            .hostResolver(reverse);
    if (isHostName(tlsName)) {
      // SNI and the certificate name check use the MX host name, as an MTA's TLS would.
      c = c.expectedTlsName(tlsName);
    }
    if (tlsMode == TlsMode.IMPLICIT) {
      c = c.tlsMode(TlsMode.IMPLICIT);
    }
    c = c.ehlo(client.ehloName().orElse("mailpath.invalid"));
    if (tlsMode == TlsMode.STARTTLS_IF_OFFERED) {
      c = c.startTlsIfOffered();
    } else if (tlsMode == TlsMode.STARTTLS_REQUIRED) {
      c = c.startTls();
    }
    if (!recipient.chars().allMatch(ch -> ch < 0x80)) {
      // RFC 6531: a non-ASCII local part needs SMTPUTF8 (a finding says so when not offered).
      c = c.smtpUtf8();
    }
    c = sender.equals("<>") ? c.mailFrom("") : c.mailFrom(MailAddress.of(unbracket(sender)));
    c = c.rcptTo(MailAddress.of(recipient)).rset();
    // Each conversation gets what is left of the check's deadline.
    return client.toBuilder().deadline(left).build().runAsync(c);
  }

  private static String unbracket(String path) {
    return path.substring(1, path.length() - 1);
  }

  private static boolean isHostName(String name) {
    return !name.isEmpty()
        && name.chars().noneMatch(Character::isWhitespace)
        && name.length() <= 255;
  }

  /**
   * Returns the SMTP client the conversations run on (DNS, timeouts, deadline, TLS, environment).
   *
   * @return the client
   */
  public SmtpClient client() {
    return client;
  }

  /**
   * Returns when TLS starts in each conversation.
   *
   * @return the mode; {@link TlsMode#STARTTLS_IF_OFFERED} by default
   */
  public TlsMode tlsMode() {
    return tlsMode;
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
    return "DeliveryPathCheck[client="
        + client
        + ", port="
        + smtpPort
        + ", tlsMode="
        + tlsMode
        + ", sender="
        + sender
        + ", "
        + addressPreference
        + ", maxExchanges="
        + maxExchanges
        + ", maxInFlight="
        + maxInFlight
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
    private SmtpClient client = DEFAULT_CLIENT;
    private int smtpPort = 25;
    private Function<InetSocketAddress, InetSocketAddress> connectTo = Function.identity();
    private String sender = "<>";
    private TlsMode tlsMode = TlsMode.STARTTLS_IF_OFFERED;
    private int maxExchanges = 10;
    private AddressPreference addressPreference = AddressPreference.IPV6_FIRST;
    private boolean stopAtFirstAccepting = true;
    private int maxInFlight = 4;
    private boolean reverseDns = true;

    private Builder() {}

    /**
     * Sets the SMTP client of the check: its DNS settings look up the MX records, addresses and
     * reverse DNS; its timeouts bound every SMTP phase; its deadline bounds the whole check (each
     * conversation gets what is left of it); its TLS settings judge certificates; its EHLO name
     * (use your sending host's fully qualified name, ideally its PTR name) greets; its environment
     * runs the work. By default {@link #defaultClient()}.
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
     * DeliveryPathCheck.builder().client(c -> c.dns(d -> d.server("127.0.0.1:5353")))
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
     * Returns the client a check uses unless told otherwise: the system's DNS servers, EHLO name
     * {@code mailpath.invalid}, 30 s for every SMTP phase, a 5 minute overall deadline, the JDK's
     * trust store with certificate problems reported and the session continued (opportunistic TLS,
     * as an MTA does), the system environment.
     *
     * @return the default client of delivery path checks
     */
    public static SmtpClient defaultClient() {
      return DEFAULT_CLIENT;
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
     * Sets the reverse path sent in MAIL FROM. Some receiving systems compare its domain with the
     * reverse DNS of the connecting address; the field guide's advice is to use your actual domain
     * when testing an outside system.
     *
     * @param sender an address such as {@code postmaster@example.org} (checked by {@link
     *     MailAddress#of}), or {@code ""} or {@code <>} (the default, the null sender recipient
     *     callouts use)
     * @return this builder
     * @throws IllegalArgumentException naming the problem when it is not a plain mailbox
     */
    public Builder sender(String sender) {
      requireNonNull(sender, "sender");
      if (Inputs.nullSender(sender)) {
        this.sender = "<>";
        return this;
      }
      return sender(Inputs.mailAddress("sender", sender));
    }

    /**
     * Sets the reverse path sent in MAIL FROM.
     *
     * @param sender the sender
     * @return this builder
     */
    public Builder sender(MailAddress sender) {
      this.sender = "<" + requireNonNull(sender, "sender") + ">";
      return this;
    }

    /**
     * Sets when TLS starts in each conversation: {@link TlsMode#STARTTLS_IF_OFFERED} (the default)
     * negotiates STARTTLS when the EHLO reply offers it, as sending MTAs do (RFC 3207); {@link
     * TlsMode#STARTTLS_REQUIRED} ends a session that offers none (as an MTA with a TLS policy
     * would); {@link TlsMode#NONE} stays in clear text; {@link TlsMode#IMPLICIT} is for labs whose
     * exchanges listen for SMTPS.
     *
     * @param mode the mode
     * @return this builder
     */
    public Builder tlsMode(TlsMode mode) {
      this.tlsMode = requireNonNull(mode, "mode");
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
     * @param maxInFlight 1 to 64; default 4; 1 checks one exchange after the other, as an MTA does
     * @return this builder
     */
    public Builder maxInFlight(int maxInFlight) {
      this.maxInFlight = Checks.range("maxInFlight", maxInFlight, 1, 64);
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
     * Builds the check.
     *
     * @return an immutable, thread-safe check
     * @throws IllegalStateException when the client names no DNS servers and the system has none
     */
    public DeliveryPathCheck build() {
      return new DeliveryPathCheck(this);
    }
  }
}
