package dev.mailpath.diag.testkit.junit5;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.PolicySmtpServer;
import jakarta.mail.internet.MimeMessage;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A {@link MailLab} configured in code, for {@code @RegisterExtension}: a static field gets one lab
 * for the test class (started before {@code @BeforeAll} methods), an instance field one lab per
 * test.
 *
 * <pre>{@code
 * class MailPlatformTest {
 *   @RegisterExtension
 *   static MailLabExtension lab = MailLabExtension.builder()
 *       .domain("example.com")                                     // SOA, NS, MX 10 mx.example.com -> 127.0.0.1
 *       .mailbox("alice@example.com", "alice", "secret")
 *       .relayServer("closed", PolicySmtpServer.Relay.NONE)
 *       .relayServer("submission", PolicySmtpServer.Relay.AUTHENTICATED, b -> b.startTls(serverContext))
 *       .dnsFault(DnsFault.servfail().forName("broken.example.com"))
 *       .build();
 *
 *   @Test
 *   void mailForAliceIsAccepted() {
 *     MxReport mx = MxResolver.builder().dns(d -> d.server(lab.dnsAddress())).build().resolve("example.com");
 *     SmtpReport smtp = SmtpConversation.to(lab.smtpHost(), lab.smtpPort())
 *         .ehlo("client.example.net").mailFrom("bob@example.net").rcptTo("alice@example.com")
 *         .quitAfter(SmtpPhase.RCPT).run();
 *   }
 *
 *   @Test
 *   void closedServerRefusesRelay(MailLab running) {          // or take the lab as a parameter
 *     running.relayServer("closed").port();
 *   }
 * }
 * }</pre>
 *
 * <p>The lab lives in the {@link ExtensionContext.Store} of the class (static field) or of the test
 * (instance field), which closes it when that context ends; {@code @Nested} classes share their
 * outer class's lab. The extension keeps only its immutable configuration and a non-owning view of
 * the labs it started, so that {@link #get()} and the accessors work in test bodies. A test may
 * also declare a {@code MailLab} parameter (without {@link LocalMailLab}) to receive the lab; with
 * two such extensions registered, use {@link #get()} instead. When a test fails, the lab publishes
 * its {@link MailLab#activity()} as the report entry {@code mailLab}.
 *
 * <p>The builder checks its arguments at once ({@link IllegalArgumentException}, thrown where the
 * field is initialized); calling {@link #get()} while no lab runs is an {@link
 * IllegalStateException}. The extension is thread-safe; in parallel runs call {@link #get()} from
 * the test's own thread, or take the lab as a parameter.
 */
public final class MailLabExtension
    implements BeforeAllCallback,
        BeforeEachCallback,
        AfterTestExecutionCallback,
        AfterEachCallback,
        AfterAllCallback,
        ParameterResolver {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(MailLabExtension.class);

  private final MailLab.Builder spec;

  /** Non-owning: the lab the current thread's test or class uses (the store owns and closes it). */
  private final ThreadLocal<MailLab> bound = new ThreadLocal<>();

  /** Non-owning: labs started and not yet closed, for {@link #get()} off the test thread. */
  private final Set<MailLab> running = ConcurrentHashMap.newKeySet();

  private MailLabExtension(MailLab.Builder spec) {
    this.spec = spec;
  }

  /**
   * Starts describing the lab.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- the running lab

  /**
   * Returns the lab of the current test: the class's lab for a static field, the test's own for an
   * instance field.
   *
   * @return the running lab
   * @throws IllegalStateException when no lab is running (outside tests and lifecycle methods), or
   *     several are and this thread runs none of them
   */
  public MailLab get() {
    MailLab lab = bound.get();
    if (lab != null && !lab.isClosed()) {
      return lab;
    }
    List<MailLab> live = running.stream().filter(l -> !l.isClosed()).toList();
    if (live.size() == 1) {
      return live.get(0);
    }
    if (live.isEmpty()) {
      throw new IllegalStateException(
          "no MailLab is running: the extension starts one before all tests (static @RegisterExtension field)"
              + " or before each test (instance field); call get() from a test or a lifecycle method");
    }
    throw new IllegalStateException(
        live.size()
            + " labs of this extension are running and this thread runs none of them;"
            + " call get() on the test's own thread or declare a MailLab parameter");
  }

  /**
   * Returns the address of the lab's DNS server; see {@link MailLab#dnsAddress()}.
   *
   * @return 127.0.0.1 and the DNS port
   * @throws IllegalStateException as {@link #get()}
   */
  public InetSocketAddress dnsAddress() {
    return get().dnsAddress();
  }

  /**
   * Returns the address GreenMail's SMTP server listens on; see {@link MailLab#smtpHost()}.
   *
   * @return {@value MailLab#HOST}
   * @throws IllegalStateException as {@link #get()}
   */
  public String smtpHost() {
    return get().smtpHost();
  }

  /**
   * Returns GreenMail's SMTP port; see {@link MailLab#smtpPort()}.
   *
   * @return the port
   * @throws IllegalStateException as {@link #get()}
   */
  public int smtpPort() {
    return get().smtpPort();
  }

  /**
   * Returns GreenMail's IMAP port; see {@link MailLab#imapPort()}.
   *
   * @return the port
   * @throws IllegalStateException as {@link #get()}
   */
  public int imapPort() {
    return get().imapPort();
  }

  /**
   * Returns a relay policy server by name; see {@link MailLab#relayServer(String)}.
   *
   * @param name for example {@code "closed"}
   * @return the running server
   * @throws IllegalArgumentException when no server has that name
   * @throws IllegalStateException as {@link #get()}
   */
  public PolicySmtpServer relayServer(String name) {
    return get().relayServer(name);
  }

  /**
   * Returns every message GreenMail received; see {@link MailLab#receivedMessages()}.
   *
   * @return a snapshot
   * @throws IllegalStateException as {@link #get()}
   */
  public List<MimeMessage> receivedMessages() {
    return get().receivedMessages();
  }

  /**
   * Returns the messages delivered into one mailbox; see {@link MailLab#receivedMessages(String)}.
   *
   * @param address the mailbox address
   * @return a snapshot
   * @throws IllegalStateException as {@link #get()}
   */
  public List<MimeMessage> receivedMessages(String address) {
    return get().receivedMessages(address);
  }

  /**
   * Returns a mailbox's password; see {@link MailLab#password(String)}.
   *
   * @param addressOrLogin for example {@code alice@example.com} or {@code alice}
   * @return the password
   * @throws IllegalArgumentException when the lab has no such mailbox
   * @throws IllegalStateException as {@link #get()}
   */
  public String password(String addressOrLogin) {
    return get().password(addressOrLogin);
  }

  // ---------------------------------------------------------------- callbacks

  /**
   * Starts the class's lab, unless an enclosing class's lab already runs (for {@code @Nested}).
   *
   * @param context the class's context
   */
  @Override
  public void beforeAll(ExtensionContext context) {
    LabHolder holder = own(context);
    bound.set((holder != null ? holder : start(context)).lab());
  }

  /**
   * Starts the test's own lab when no class lab runs (an instance field), and binds the lab to the
   * test's thread for {@link #get()}.
   *
   * @param context the test's context
   */
  @Override
  public void beforeEach(ExtensionContext context) {
    LabHolder holder = own(context);
    bound.set((holder != null ? holder : start(context)).lab());
  }

  /**
   * Publishes the lab's activity as the report entry {@code mailLab} when the test failed.
   *
   * @param context the test's context
   */
  @Override
  public void afterTestExecution(ExtensionContext context) {
    if (context.getExecutionException().isPresent()) {
      LabHolder holder = own(context);
      if (holder != null) {
        holder.publish(context);
      }
    }
  }

  /**
   * Binds the class's lab (if any) to the thread again.
   *
   * @param context the test's context
   */
  @Override
  public void afterEach(ExtensionContext context) {
    LabHolder classLab = context.getParent().map(this::own).orElse(null);
    if (classLab == null) {
      bound.remove();
    } else {
      bound.set(classLab.lab());
    }
  }

  /**
   * Unbinds the lab from the thread; the store closes it.
   *
   * @param context the class's context
   */
  @Override
  public void afterAll(ExtensionContext context) {
    bound.remove();
  }

  /**
   * Supports {@code MailLab} parameters that carry no {@link LocalMailLab} annotation.
   *
   * @param parameter the parameter
   * @param context the context
   * @return whether this extension supplies it
   */
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == MailLab.class
        && !parameter.isAnnotated(LocalMailLab.class);
  }

  /**
   * Returns the running lab.
   *
   * @param parameter the parameter
   * @param context the context
   * @return the lab
   * @throws ParameterResolutionException when no lab runs yet (a constructor parameter with an
   *     instance field)
   */
  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    LabHolder holder = own(context);
    if (holder == null) {
      throw new ParameterResolutionException(
          "no MailLab is running yet for "
              + parameter.getParameter()
              + "; a MailLabExtension in an instance field starts its lab before each test, after the constructor");
    }
    return holder.lab();
  }

  /** Finds this extension's lab in the context or an enclosing one. */
  private LabHolder own(ExtensionContext context) {
    return context.getStore(NS).get(this, LabHolder.class);
  }

  private LabHolder start(ExtensionContext context) {
    MailLab lab;
    try {
      lab = spec.start();
    } catch (IllegalArgumentException e) {
      throw new ExtensionConfigurationException("MailLabExtension: " + e.getMessage(), e);
    }
    running.add(lab);
    LabHolder holder = new LabHolder(null, lab, () -> running.remove(lab));
    context.getStore(NS).put(this, holder);
    return holder;
  }

  /** Returns e.g. {@code MailLabExtension[1 running]}. */
  @Override
  public String toString() {
    return "MailLabExtension[" + running.size() + " running]";
  }

  // ---------------------------------------------------------------- builder

  /**
   * Describes the lab the extension starts; the methods are those of {@link MailLab.Builder}. Not
   * thread-safe; {@link #build()} takes a copy, so later changes do not reach the extension.
   */
  public static final class Builder {
    private final MailLab.Builder lab = MailLab.builder();

    private Builder() {}

    /**
     * Serves a zone for {@code domain} that sends its mail to the lab; see {@link
     * MailLab.Builder#domain(String, String...)}.
     *
     * @param domain for example {@code example.com}
     * @param extraRecords master-file lines relative to the domain, e.g. {@code "www A 127.0.0.2"}
     * @return this builder
     * @throws IllegalArgumentException when the domain is malformed or repeated, or a record does
     *     not parse
     */
    public Builder domain(String domain, String... extraRecords) {
      lab.domain(domain, extraRecords);
      return this;
    }

    /**
     * Serves a zone given as master-file text; see {@link MailLab.Builder#zone(String)}.
     *
     * @param masterFileText the zone text, starting with {@code $ORIGIN}
     * @return this builder
     * @throws IllegalArgumentException when the text does not parse
     */
    public Builder zone(String masterFileText) {
      lab.zone(masterFileText);
      return this;
    }

    /**
     * Serves a zone with relative names taken relative to {@code origin}; see {@link
     * MailLab.Builder#zone(String, String)}.
     *
     * @param origin the zone origin
     * @param masterFileText the zone text
     * @return this builder
     * @throws IllegalArgumentException when the origin or the text does not parse
     */
    public Builder zone(String origin, String masterFileText) {
      lab.zone(origin, masterFileText);
      return this;
    }

    /**
     * Serves a zone read from a class-path resource; see {@link
     * MailLab.Builder#zoneResource(String)}.
     *
     * @param resource for example {@code "zones/example.org.zone"}
     * @return this builder
     * @throws IllegalArgumentException when the resource is missing or does not parse
     */
    public Builder zoneResource(String resource) {
      lab.zoneResource(resource);
      return this;
    }

    /**
     * Adds a mailbox; see {@link MailLab.Builder#mailbox(String, String, String)}.
     *
     * @param address for example {@code alice@example.com}
     * @param login for example {@code alice}
     * @param password the password
     * @return this builder
     * @throws IllegalArgumentException when a value is malformed or repeated
     */
    public Builder mailbox(String address, String login, String password) {
      lab.mailbox(address, login, password);
      return this;
    }

    /**
     * Adds a mailbox given as {@code "address:login:password"}; see {@link
     * MailLab.Builder#mailbox(String)}.
     *
     * @param spec for example {@code "alice@example.com:alice:secret"}
     * @return this builder
     * @throws IllegalArgumentException when the description is malformed or repeated
     */
    public Builder mailbox(String spec) {
      lab.mailbox(spec);
      return this;
    }

    /**
     * Adds a named relay policy server; see {@link MailLab.Builder#relayServer(String,
     * PolicySmtpServer.Relay)}.
     *
     * @param name a DNS label, for example {@code "closed"}
     * @param relay whom it relays for
     * @return this builder
     * @throws IllegalArgumentException when the name is malformed or taken
     */
    public Builder relayServer(String name, PolicySmtpServer.Relay relay) {
      lab.relayServer(name, relay);
      return this;
    }

    /**
     * Adds a named relay policy server and changes its builder; see {@link
     * MailLab.Builder#relayServer(String, PolicySmtpServer.Relay, Consumer)}. The customizer runs
     * once for every lab the extension starts.
     *
     * @param name a DNS label, for example {@code "submission"}
     * @param relay whom it relays for
     * @param customizer changes to the server's builder
     * @return this builder
     * @throws IllegalArgumentException when the name is malformed or taken
     */
    public Builder relayServer(
        String name, PolicySmtpServer.Relay relay, Consumer<PolicySmtpServer.Builder> customizer) {
      lab.relayServer(name, relay, customizer);
      return this;
    }

    /**
     * Adds a fault to the lab's DNS server; see {@link MailLab.Builder#dnsFault(DnsFault)}.
     *
     * @param fault the fault
     * @return this builder
     */
    public Builder dnsFault(DnsFault fault) {
      lab.dnsFault(requireNonNull(fault, "fault"));
      return this;
    }

    /**
     * Checks that the zones load together and returns the extension; nothing starts until JUnit
     * calls it.
     *
     * @return the extension, for a {@code @RegisterExtension} field
     * @throws IllegalArgumentException when two zones have the same origin
     */
    public MailLabExtension build() {
      MailLab.Builder copy = lab.copy();
      copy.validate();
      return new MailLabExtension(copy);
    }
  }
}
