package dev.mailpath.diag.testkit.junit5;

import static java.util.Objects.requireNonNull;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import dev.mailpath.diag.testkit.PolicySmtpServer;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A small mail platform on loopback for one test or one test class: an authoritative DNS server
 * ({@link LocalDnsZoneServer}) for the lab's zones, GreenMail receiving SMTP and serving the
 * mailboxes over IMAP, and any number of named {@link PolicySmtpServer}s with relay policies. All
 * of it listens on {@code 127.0.0.1}, ephemeral ports.
 *
 * <pre>{@code
 * try (MailLab lab = MailLab.builder()
 *         .domain("example.com")                                  // SOA, NS, MX 10 mx.example.com -> 127.0.0.1
 *         .mailbox("alice@example.com", "alice", "secret")       // a GreenMail user, IMAP login alice/secret
 *         .relayServer("closed", PolicySmtpServer.Relay.NONE)     // closed.example.com, relays for nobody
 *         .relayServer("open", PolicySmtpServer.Relay.ANYONE)     // an open relay
 *         .start()) {
 *   lab.dnsAddress();                  // point MxResolver here
 *   lab.smtpPort();                    // GreenMail SMTP on lab.smtpHost()
 *   lab.relayServer("closed").port();  // the closed server
 *   lab.receivedMessages("alice@example.com");
 * }
 * }</pre>
 *
 * <p>In JUnit 5 tests, let {@link LocalMailLab @LocalMailLab} or {@link MailLabExtension} start and
 * close the lab instead.
 *
 * <p>What {@link Builder#domain(String, String...)} writes, so that nobody has to know zone syntax:
 *
 * <pre>{@code
 * $ORIGIN example.com.
 * $TTL 300
 * @       SOA ns1 hostmaster 1 3600 600 86400 300
 * @       NS  ns1
 * @       MX  10 mx
 * ns1     A   127.0.0.1
 * mx      A   127.0.0.1          ; where GreenMail listens (on lab.smtpPort(), not 25)
 * closed  A   127.0.0.1          ; one per relay server named for this domain
 * }</pre>
 *
 * <p>Relay servers receive mail for every lab domain (those given to {@code domain} and those of
 * the mailboxes); once mailboxes exist they accept only those and {@code postmaster} (550 5.1.1 for
 * others), and they offer AUTH PLAIN and LOGIN with the mailboxes' logins and passwords, which is
 * what {@link PolicySmtpServer.Relay#AUTHENTICATED} checks. GreenMail, by contrast, accepts every
 * recipient (see {@link dev.mailpath.diag.testkit.GreenMailSmtp} for its limits).
 *
 * <p>Instances are thread-safe; {@link #close()} stops every server and is idempotent.
 */
public final class MailLab implements AutoCloseable {

  /** The address every server of the lab listens on. */
  public static final String HOST = "127.0.0.1";

  private static final int MAX_ACTIVITY_QUERIES = 50;
  private static final int MAX_ACTIVITY_MESSAGES = 20;

  private final LocalDnsZoneServer dns;
  private final GreenMail greenMail;
  private final Map<String, PolicySmtpServer> relayServers;
  private final List<Mailbox> mailboxes;
  private final List<String> domains;
  private final AtomicBoolean closed = new AtomicBoolean();

  private MailLab(
      LocalDnsZoneServer dns,
      GreenMail greenMail,
      Map<String, PolicySmtpServer> relayServers,
      List<Mailbox> mailboxes,
      List<String> domains) {
    this.dns = dns;
    this.greenMail = greenMail;
    this.relayServers = Collections.unmodifiableMap(new LinkedHashMap<>(relayServers));
    this.mailboxes = List.copyOf(mailboxes);
    this.domains = List.copyOf(domains);
  }

  /**
   * Starts describing a lab.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- DNS

  /**
   * Returns the address of the lab's DNS server, for {@code MxResolver.builder().dns(d ->
   * d.server(...))}.
   *
   * @return 127.0.0.1 and the DNS port (UDP and TCP)
   */
  public InetSocketAddress dnsAddress() {
    return dns.address();
  }

  /**
   * Returns the lab's DNS server, to inject faults ({@link LocalDnsZoneServer#setFaults}) or read
   * the queries it received.
   *
   * @return the DNS server
   */
  public LocalDnsZoneServer dns() {
    return dns;
  }

  /**
   * Returns the domains whose zones the lab wrote ({@link Builder#domain(String, String...)}), in
   * the order given.
   *
   * @return the domains, lower case, without a trailing dot
   */
  public List<String> domains() {
    return domains;
  }

  // ---------------------------------------------------------------- GreenMail

  /**
   * Returns the address GreenMail's SMTP server listens on.
   *
   * @return {@value #HOST}
   */
  public String smtpHost() {
    return HOST;
  }

  /**
   * Returns GreenMail's SMTP port, where the lab's MX records point.
   *
   * @return the port
   */
  public int smtpPort() {
    return greenMail.getSmtp().getPort();
  }

  /**
   * Returns GreenMail's SMTP address.
   *
   * @return 127.0.0.1 and {@link #smtpPort()}
   */
  public InetSocketAddress smtpAddress() {
    return new InetSocketAddress(loopback(), smtpPort());
  }

  /**
   * Returns the address GreenMail's IMAP server listens on.
   *
   * @return {@value #HOST}
   */
  public String imapHost() {
    return HOST;
  }

  /**
   * Returns GreenMail's IMAP port; log in with a mailbox's {@link Mailbox#login()} and {@link
   * Mailbox#password()}.
   *
   * @return the port
   */
  public int imapPort() {
    return greenMail.getImap().getPort();
  }

  /**
   * Returns GreenMail's IMAP address.
   *
   * @return 127.0.0.1 and {@link #imapPort()}
   */
  public InetSocketAddress imapAddress() {
    return new InetSocketAddress(loopback(), imapPort());
  }

  /**
   * Returns the underlying GreenMail, for anything this class does not offer.
   *
   * @return the running GreenMail
   */
  public GreenMail greenMail() {
    return greenMail;
  }

  /**
   * Returns every message GreenMail received, in arrival order.
   *
   * @return a snapshot
   */
  public List<MimeMessage> receivedMessages() {
    return List.of(greenMail.getReceivedMessages());
  }

  /**
   * Returns the messages delivered into one mailbox (by envelope recipient, so Bcc counts).
   *
   * @param address the mailbox address, for example {@code alice@example.com}
   * @return a snapshot, empty when nothing arrived for it
   */
  public List<MimeMessage> receivedMessages(String address) {
    requireNonNull(address, "address");
    return greenMail
        .findReceivedMessages(u -> address.equalsIgnoreCase(u.getEmail()), m -> true)
        .collect(Collectors.toUnmodifiableList());
  }

  /**
   * Waits until GreenMail has received at least {@code count} messages in all.
   *
   * @param count how many messages
   * @param timeout how long to wait at most
   * @return {@code true} when they arrived in time
   */
  public boolean awaitMessages(int count, Duration timeout) {
    requireNonNull(timeout, "timeout");
    return greenMail.waitForIncomingEmail(Math.max(1, timeout.toMillis()), count);
  }

  // ---------------------------------------------------------------- mailboxes

  /**
   * Returns the mailboxes, in the order given.
   *
   * @return the mailboxes
   */
  public List<Mailbox> mailboxes() {
    return mailboxes;
  }

  /**
   * Returns a mailbox by address or login.
   *
   * @param addressOrLogin for example {@code alice@example.com} or {@code alice}
   * @return the mailbox
   * @throws IllegalArgumentException when the lab has no such mailbox
   */
  public Mailbox mailbox(String addressOrLogin) {
    requireNonNull(addressOrLogin, "addressOrLogin");
    for (Mailbox m : mailboxes) {
      if (m.address().equalsIgnoreCase(addressOrLogin) || m.login().equals(addressOrLogin)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "no mailbox '"
            + addressOrLogin
            + "' in this lab; mailboxes: "
            + mailboxes.stream().map(Mailbox::address).collect(Collectors.toList()));
  }

  /**
   * Returns a mailbox's password, for IMAP login or SMTP AUTH.
   *
   * @param addressOrLogin for example {@code alice@example.com} or {@code alice}
   * @return the password
   * @throws IllegalArgumentException when the lab has no such mailbox
   */
  public String password(String addressOrLogin) {
    return mailbox(addressOrLogin).password();
  }

  // ---------------------------------------------------------------- relay servers

  /**
   * Returns a relay policy server by the name it was declared with.
   *
   * @param name for example {@code "closed"}
   * @return the running server
   * @throws IllegalArgumentException when no server has that name
   */
  public PolicySmtpServer relayServer(String name) {
    PolicySmtpServer server = relayServers.get(requireNonNull(name, "name"));
    if (server == null) {
      throw new IllegalArgumentException(
          "no relay server named '" + name + "' in this lab; declared: " + relayServers.keySet());
    }
    return server;
  }

  /**
   * Returns every relay policy server by name, in declaration order.
   *
   * @return an unmodifiable map
   */
  public Map<String, PolicySmtpServer> relayServers() {
    return relayServers;
  }

  // ---------------------------------------------------------------- life cycle and reporting

  /**
   * Tells whether {@link #close()} was called.
   *
   * @return {@code true} once closed
   */
  public boolean isClosed() {
    return closed.get();
  }

  /**
   * Describes what the lab saw, for a failing test's report: its servers, the latest DNS queries,
   * the messages GreenMail received and each relay server's connections and messages.
   *
   * @return multi-line text
   */
  public String activity() {
    StringBuilder sb = new StringBuilder(toString()).append('\n');
    List<LocalDnsZoneServer.ReceivedQuery> queries = dns.queries();
    sb.append("DNS queries received: ").append(dns.queryCount()).append('\n');
    int from = Math.max(0, queries.size() - MAX_ACTIVITY_QUERIES);
    if (from > 0) {
      sb.append("  ... ").append(from).append(" earlier\n");
    }
    for (LocalDnsZoneServer.ReceivedQuery q : queries.subList(from, queries.size())) {
      sb.append("  ")
          .append(q.tcp() ? "tcp " : "udp ")
          .append(q.name())
          .append(' ')
          .append(q.typeName())
          .append('\n');
    }
    MimeMessage[] received = greenMail.getReceivedMessages();
    sb.append("GreenMail messages received: ").append(received.length).append('\n');
    for (int i = Math.max(0, received.length - MAX_ACTIVITY_MESSAGES); i < received.length; i++) {
      sb.append("  ").append(describe(received[i])).append('\n');
    }
    for (Map.Entry<String, PolicySmtpServer> e : relayServers.entrySet()) {
      PolicySmtpServer s = e.getValue();
      sb.append("relay server ")
          .append(e.getKey())
          .append(" (")
          .append(s.relay())
          .append("): ")
          .append(s.connectionCount())
          .append(" connection(s), ")
          .append(s.messages().size())
          .append(" message(s)\n");
      for (String m : s.messages()) {
        sb.append("  ").append(m.lines().findFirst().orElse("")).append('\n');
      }
    }
    return sb.toString();
  }

  private static String describe(MimeMessage m) {
    try {
      Address[] from = m.getFrom();
      Address[] to = m.getAllRecipients();
      return "from "
          + (from == null ? "[]" : Arrays.toString(from))
          + " to "
          + (to == null ? "[]" : Arrays.toString(to))
          + " subject "
          + (m.getSubject() == null ? "(none)" : "\"" + m.getSubject() + "\"");
    } catch (MessagingException e) {
      return "(unreadable message: " + e.getMessage() + ")";
    }
  }

  /**
   * Stops every server of the lab (relay servers, GreenMail, DNS). Calling it again has no effect.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<AutoCloseable> all = new ArrayList<>(relayServers.values());
    all.add(greenMail::stop);
    all.add(dns);
    closeAll(all);
  }

  /**
   * Returns e.g. {@code MailLab[dns=127.0.0.1:40123, smtp=127.0.0.1:40125, imap=127.0.0.1:40127,
   * domains=[example.com], mailboxes=[alice@example.com], relay=[closed=127.0.0.1:40129 NONE]]}.
   */
  @Override
  public String toString() {
    String ports =
        closed.get()
            ? "closed"
            : "dns="
                + HOST
                + ":"
                + dns.port()
                + ", smtp="
                + HOST
                + ":"
                + smtpPort()
                + ", imap="
                + HOST
                + ":"
                + imapPort();
    return "MailLab["
        + ports
        + ", domains="
        + domains
        + ", mailboxes="
        + mailboxes.stream().map(Mailbox::address).collect(Collectors.toList())
        + ", relay="
        + relayServers.entrySet().stream()
            .map(
                e ->
                    e.getKey()
                        + "="
                        + HOST
                        + ":"
                        + e.getValue().port()
                        + " "
                        + e.getValue().relay())
            .collect(Collectors.joining(", ", "[", "]"))
        + "]";
  }

  private static void closeAll(List<AutoCloseable> resources) {
    RuntimeException first = null;
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception e) {
        if (first == null) {
          first = new IllegalStateException("could not stop every server of the lab", e);
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a 4-byte address is always valid", e);
    }
  }

  // ---------------------------------------------------------------- mailbox value

  /**
   * A mailbox of the lab: a GreenMail user (IMAP login) and, on every relay server, a local
   * recipient and an AUTH user.
   *
   * @param address the mail address, for example {@code alice@example.com}
   * @param login the IMAP and SMTP AUTH user name, for example {@code alice}
   * @param password the password
   */
  public record Mailbox(String address, String login, String password) {

    /**
     * Checks the components.
     *
     * @param address the mail address: one {@code @} with text on both sides, no spaces
     * @param login the user name: not blank, no spaces or {@code ':'}
     * @param password the password: not empty
     * @throws IllegalArgumentException when a component is malformed or holds CR, LF or NUL
     */
    public Mailbox {
      requireNonNull(address, "address");
      requireNonNull(login, "login");
      requireNonNull(password, "password");
      int at = address.lastIndexOf('@');
      if (at <= 0
          || at == address.length() - 1
          || address.chars().anyMatch(c -> c <= ' ' || c == ':')) {
        throw new IllegalArgumentException(
            "address must look like alice@example.com (no spaces or ':'), got '" + address + "'");
      }
      if (login.isBlank() || login.chars().anyMatch(c -> c <= ' ' || c == ':')) {
        throw new IllegalArgumentException(
            "login must be a user name without spaces or ':', got '" + login + "'");
      }
      if (password.isEmpty() || password.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
        throw new IllegalArgumentException("password must be non-empty and hold no CR, LF or NUL");
      }
    }

    /**
     * Parses {@code "address:login:password"}, for example {@code
     * "alice@example.com:alice:secret"}; the password may itself contain {@code ':'}.
     *
     * @param spec the mailbox description
     * @return the mailbox
     * @throws IllegalArgumentException when {@code spec} does not have three parts
     */
    public static Mailbox parse(String spec) {
      requireNonNull(spec, "spec");
      String[] parts = spec.split(":", 3);
      if (parts.length != 3) {
        throw new IllegalArgumentException(
            "mailbox must be \"address:login:password\", e.g. \"alice@example.com:alice:secret\", got '"
                + spec
                + "'");
      }
      return new Mailbox(parts[0].strip(), parts[1].strip(), parts[2]);
    }

    /**
     * Returns the domain part of the address, lower case.
     *
     * @return for example {@code example.com}
     */
    public String domain() {
      return address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }

    /**
     * Returns {@code Mailbox[alice@example.com, login=alice, password=***]}; never the password.
     */
    @Override
    public String toString() {
      return "Mailbox[" + address + ", login=" + login + ", password=***]";
    }
  }

  // ---------------------------------------------------------------- builder

  /**
   * Describes a {@link MailLab}. Setters check their arguments at once and throw {@link
   * IllegalArgumentException} naming what is wrong. Not thread-safe; {@link #start()} only reads
   * the builder, and each call starts a new, independent lab.
   */
  public static final class Builder {
    private static final Pattern DOMAIN =
        Pattern.compile(
            "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private final Map<String, List<String>> domains = new LinkedHashMap<>();
    private final List<String[]> zones = new ArrayList<>(); // {origin or null, text}
    private final Map<String, Mailbox> mailboxes = new LinkedHashMap<>();
    private final Map<String, RelaySpec> relays = new LinkedHashMap<>();
    private final List<DnsFault> faults = new ArrayList<>();

    private Builder() {}

    /** The copy the extension keeps, so later changes to a builder never reach running labs. */
    Builder copy() {
      Builder b = new Builder();
      domains.forEach((d, records) -> b.domains.put(d, List.copyOf(records)));
      zones.forEach(z -> b.zones.add(z.clone()));
      b.mailboxes.putAll(mailboxes);
      b.relays.putAll(relays);
      b.faults.addAll(faults);
      return b;
    }

    /**
     * Serves a zone for {@code domain} that sends its mail to the lab: SOA, NS {@code ns1}, MX 10
     * {@code mx.<domain>}, A records for {@code ns1}, {@code mx} and every relay server named for
     * this domain, all 127.0.0.1, followed by {@code extraRecords}.
     *
     * @param domain for example {@code example.com} (a trailing dot is optional)
     * @param extraRecords master-file lines relative to the domain, e.g. {@code "www A 127.0.0.2"}
     *     or {@code "@ TXT \"v=spf1 -all\""}
     * @return this builder
     * @throws IllegalArgumentException when {@code domain} is not a host name, was already given,
     *     or the zone with the extra records does not parse
     */
    public Builder domain(String domain, String... extraRecords) {
      String d = normalizeDomain(domain);
      if (domains.containsKey(d)) {
        throw new IllegalArgumentException("domain: " + d + " was already added");
      }
      List<String> records = List.of(requireNonNull(extraRecords, "extraRecords"));
      for (String r : records) {
        requireNonNull(r, "extraRecords element");
      }
      LocalDnsZoneServer.builder()
          .zone(domainZone(d, records, List.of())); // parse now: IAE on bad records
      domains.put(d, records);
      return this;
    }

    /**
     * Serves a zone given as master-file text (RFC 1035 §5) whose origin comes from its {@code
     * $ORIGIN} (or its SOA owner); see {@link LocalDnsZoneServer.Builder#zone(String)}.
     *
     * @param masterFileText the zone text
     * @return this builder
     * @throws IllegalArgumentException when the text does not parse
     */
    public Builder zone(String masterFileText) {
      requireNonNull(masterFileText, "masterFileText");
      LocalDnsZoneServer.builder().zone(masterFileText);
      zones.add(new String[] {null, masterFileText});
      return this;
    }

    /**
     * Serves a zone given as master-file text with relative names taken relative to {@code origin};
     * see {@link LocalDnsZoneServer.Builder#zone(String, String)}.
     *
     * @param origin the zone origin, for example {@code example.org}
     * @param masterFileText the zone text
     * @return this builder
     * @throws IllegalArgumentException when the origin or the text does not parse
     */
    public Builder zone(String origin, String masterFileText) {
      requireNonNull(origin, "origin");
      requireNonNull(masterFileText, "masterFileText");
      LocalDnsZoneServer.builder().zone(origin, masterFileText);
      zones.add(new String[] {origin, masterFileText});
      return this;
    }

    /**
     * Serves a zone read from a class-path resource holding master-file text.
     *
     * @param resource for example {@code "zones/example.org.zone"}
     * @return this builder
     * @throws IllegalArgumentException when the resource is missing or does not parse
     */
    public Builder zoneResource(String resource) {
      return zone(readResource(resource, Thread.currentThread().getContextClassLoader()));
    }

    /**
     * Adds a mailbox: a GreenMail user that IMAP can log in as, and on every relay server a local
     * recipient and an AUTH user.
     *
     * @param address the mail address, for example {@code alice@example.com}
     * @param login the user name, for example {@code alice}
     * @param password the password
     * @return this builder
     * @throws IllegalArgumentException when a value is malformed (see {@link Mailbox}) or the
     *     address or login was already used
     */
    public Builder mailbox(String address, String login, String password) {
      return mailbox(new Mailbox(address, login, password));
    }

    /**
     * Adds a mailbox given as {@code "address:login:password"}, for example {@code
     * "alice@example.com:alice:secret"}.
     *
     * @param spec the mailbox description
     * @return this builder
     * @throws IllegalArgumentException as {@link Mailbox#parse(String)} and {@link #mailbox(String,
     *     String, String)}
     */
    public Builder mailbox(String spec) {
      return mailbox(Mailbox.parse(spec));
    }

    private Builder mailbox(Mailbox m) {
      String key = m.address().toLowerCase(Locale.ROOT);
      if (mailboxes.containsKey(key)) {
        throw new IllegalArgumentException("mailbox: " + m.address() + " was already added");
      }
      for (Mailbox other : mailboxes.values()) {
        if (other.login().equals(m.login())) {
          throw new IllegalArgumentException(
              "mailbox: login " + m.login() + " is already used by " + other.address());
        }
      }
      mailboxes.put(key, m);
      return this;
    }

    /**
     * Adds a {@link PolicySmtpServer} named {@code name} with this relay policy, listening on
     * 127.0.0.1, an ephemeral port, introducing itself as {@code <name>.<first domain>}.
     *
     * @param name a DNS label, for example {@code "closed"}, {@code "open"} or {@code "submission"}
     * @param relay whom it relays for
     * @return this builder
     * @throws IllegalArgumentException when the name is not a DNS label or is already taken
     */
    public Builder relayServer(String name, PolicySmtpServer.Relay relay) {
      return relayServer(name, relay, b -> {});
    }

    /**
     * Adds a {@link PolicySmtpServer} as {@link #relayServer(String, PolicySmtpServer.Relay)} does,
     * then lets {@code customizer} change its builder (host name, more users, STARTTLS, a fixed
     * port or another loopback address) before it starts. The customizer runs once per lab started.
     *
     * @param name a DNS label, for example {@code "submission"}
     * @param relay whom it relays for
     * @param customizer changes to the server's builder
     * @return this builder
     * @throws IllegalArgumentException when the name is not a DNS label or is already taken
     */
    public Builder relayServer(
        String name, PolicySmtpServer.Relay relay, Consumer<PolicySmtpServer.Builder> customizer) {
      requireNonNull(name, "name");
      requireNonNull(relay, "relay");
      requireNonNull(customizer, "customizer");
      if (!LABEL.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "relay server name must be a lower-case DNS label such as \"closed\", got '"
                + name
                + "'");
      }
      if (relays.containsKey(name)) {
        throw new IllegalArgumentException("relay server name '" + name + "' is already taken");
      }
      relays.put(name, new RelaySpec(name, relay, customizer));
      return this;
    }

    /**
     * Adds a fault to the lab's DNS server; see {@link LocalDnsZoneServer.Builder#fault(DnsFault)}.
     *
     * @param fault the fault
     * @return this builder
     */
    public Builder dnsFault(DnsFault fault) {
      faults.add(requireNonNull(fault, "fault"));
      return this;
    }

    /**
     * Checks that the zones load together (no origin twice) without starting anything.
     *
     * @throws IllegalArgumentException when they do not
     */
    void validate() {
      dnsBuilder();
    }

    /**
     * Starts DNS, GreenMail (SMTP and IMAP) and the relay servers; when one fails to start, those
     * already started are stopped again.
     *
     * @return the running lab; close it when done
     * @throws IllegalArgumentException when the zones do not load together (an origin twice)
     * @throws UncheckedIOException when a server cannot bind
     */
    public MailLab start() {
      LocalDnsZoneServer.Builder dnsBuilder = dnsBuilder();
      List<AutoCloseable> started = new ArrayList<>();
      try {
        LocalDnsZoneServer dns = dnsBuilder.start();
        started.add(dns);
        GreenMail greenMail = startGreenMail();
        started.add(0, greenMail::stop);
        Map<String, PolicySmtpServer> servers = new LinkedHashMap<>();
        for (RelaySpec r : relays.values()) {
          PolicySmtpServer server = relayBuilder(r).start();
          started.add(0, server);
          servers.put(r.name(), server);
        }
        return new MailLab(
            dns,
            greenMail,
            servers,
            List.copyOf(mailboxes.values()),
            List.copyOf(domains.keySet()));
      } catch (RuntimeException | Error e) {
        try {
          closeAll(started);
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }

    private LocalDnsZoneServer.Builder dnsBuilder() {
      LocalDnsZoneServer.Builder b = LocalDnsZoneServer.builder();
      for (Map.Entry<String, List<String>> d : domains.entrySet()) {
        List<String> relayNames =
            d.getKey().equals(firstDomain()) ? List.copyOf(relays.keySet()) : List.of();
        b.zone(domainZone(d.getKey(), d.getValue(), relayNames));
      }
      for (String[] z : zones) {
        if (z[0] == null) {
          b.zone(z[1]);
        } else {
          b.zone(z[0], z[1]);
        }
      }
      faults.forEach(b::fault);
      return b;
    }

    private GreenMail startGreenMail() {
      ServerSetup smtp = new ServerSetup(0, HOST, ServerSetup.PROTOCOL_SMTP).dynamicPort();
      ServerSetup imap = new ServerSetup(0, HOST, ServerSetup.PROTOCOL_IMAP).dynamicPort();
      GreenMailConfiguration config = GreenMailConfiguration.aConfig();
      for (Mailbox m : mailboxes.values()) {
        config = config.withUser(m.address(), m.login(), m.password());
      }
      GreenMail greenMail = new GreenMail(new ServerSetup[] {smtp, imap});
      greenMail.withConfiguration(config);
      greenMail.start();
      return greenMail;
    }

    private PolicySmtpServer.Builder relayBuilder(RelaySpec r) {
      PolicySmtpServer.Builder b =
          PolicySmtpServer.builder()
              .hostname(r.name() + "." + firstDomain())
              .relay(r.relay())
              .bindAddress(loopback());
      Set<String> local = new LinkedHashSet<>(domains.keySet());
      mailboxes.values().forEach(m -> local.add(m.domain()));
      local.forEach(b::localDomain);
      if (!mailboxes.isEmpty()) {
        for (Mailbox m : mailboxes.values()) {
          b.localUser(m.address());
          b.user(m.login(), m.password());
        }
        local.forEach(d -> b.localUser("postmaster@" + d));
      }
      r.customizer().accept(b);
      return b;
    }

    /** The domain relay servers are named in: the first domain given, else the first mailbox's. */
    private String firstDomain() {
      if (!domains.isEmpty()) {
        return domains.keySet().iterator().next();
      }
      return mailboxes.isEmpty() ? "lab.test" : mailboxes.values().iterator().next().domain();
    }

    static String domainZone(String domain, List<String> extraRecords, List<String> relayNames) {
      StringBuilder z = new StringBuilder();
      z.append("$ORIGIN ").append(domain).append(".\n");
      z.append("$TTL 300\n");
      z.append("@ SOA ns1 hostmaster 1 3600 600 86400 300\n");
      z.append("@ NS ns1\n");
      z.append("@ MX 10 mx\n");
      z.append("ns1 A ").append(HOST).append('\n');
      z.append("mx A ").append(HOST).append('\n');
      for (String name : relayNames) {
        if (!name.equals("ns1") && !name.equals("mx")) {
          z.append(name).append(" A ").append(HOST).append('\n');
        }
      }
      for (String r : extraRecords) {
        z.append(r).append('\n');
      }
      return z.toString();
    }

    private static String normalizeDomain(String domain) {
      requireNonNull(domain, "domain");
      String d = domain.strip().toLowerCase(Locale.ROOT);
      if (d.endsWith(".")) {
        d = d.substring(0, d.length() - 1);
      }
      if (d.length() > 253 || !DOMAIN.matcher(d).matches()) {
        throw new IllegalArgumentException(
            "domain must be a host name such as example.com, got '" + domain + "'");
      }
      return d;
    }

    static String readResource(String resource, ClassLoader loader) {
      requireNonNull(resource, "resource");
      String name = resource.startsWith("/") ? resource.substring(1) : resource;
      ClassLoader cl = loader != null ? loader : MailLab.class.getClassLoader();
      try (InputStream in = cl.getResourceAsStream(name)) {
        if (in == null) {
          throw new IllegalArgumentException(
              "zone resource not found on the class path: " + resource);
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read zone resource " + resource, e);
      }
    }
  }

  private record RelaySpec(
      String name, PolicySmtpServer.Relay relay, Consumer<PolicySmtpServer.Builder> customizer) {}
}
