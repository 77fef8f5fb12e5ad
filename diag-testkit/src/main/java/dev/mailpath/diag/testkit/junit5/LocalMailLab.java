package dev.mailpath.diag.testkit.junit5;

import dev.mailpath.diag.testkit.PolicySmtpServer;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts a {@link MailLab} (DNS, GreenMail SMTP and IMAP, relay policy servers, all on 127.0.0.1)
 * for a field or parameter of that type and closes it afterwards, like JUnit's {@code @TempDir}.
 *
 * <pre>{@code
 * class DeliveryTest {
 *   @LocalMailLab(
 *       domains = "example.com",                           // SOA, NS, MX 10 mx.example.com -> 127.0.0.1
 *       mailboxes = "alice@example.com:alice:secret",
 *       relayServers = {
 *         @LocalMailLab.RelayServer(name = "closed", relay = PolicySmtpServer.Relay.NONE),
 *         @LocalMailLab.RelayServer(name = "open", relay = PolicySmtpServer.Relay.ANYONE)
 *       })
 *   static MailLab lab;                                      // one lab for the class
 *
 *   @Test
 *   void mxPointsAtTheLab() {
 *     MxReport mx = MxResolver.builder().dns(d -> d.server(lab.dnsAddress())).build().resolve("example.com");
 *     // ... SmtpConversation.to(lab.smtpHost(), lab.smtpPort()) ...
 *   }
 *
 *   @Test
 *   void freshLab(@LocalMailLab(domains = "example.org") MailLab own) { ... }   // one for this test
 * }
 * }</pre>
 *
 * <p>A static field gets one lab per test class; an instance field or a parameter one per test.
 * Zones come from {@link #domains()} (written for you), {@link #zones()} (master-file text) and
 * {@link #zoneResources()} (class-path resources). When a test fails, the lab's {@link
 * MailLab#activity()} (DNS queries, messages received) is published as a report entry.
 *
 * <p>A field of another type, a final field, a malformed mailbox, zone or relay server name, or a
 * missing resource is an {@link org.junit.jupiter.api.extension.ExtensionConfigurationException}
 * (for a parameter JUnit reports it as a {@link
 * org.junit.jupiter.api.extension.ParameterResolutionException}). Setups that need code (custom
 * relay server builders, DNS faults) use {@link MailLabExtension#builder()} instead.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(LocalMailLabExtension.class)
public @interface LocalMailLab {

  /**
   * Returns domains whose zones the lab writes: SOA, NS, MX 10 {@code mx.<domain>} and A records
   * for {@code ns1}, {@code mx} and the relay servers, all 127.0.0.1 (see {@link
   * MailLab.Builder#domain(String, String...)}).
   *
   * @return the domains, for example {@code "example.com"}
   */
  String[] domains() default {};

  /**
   * Returns zone texts in master-file format, each starting with {@code $ORIGIN}.
   *
   * @return the zones
   */
  String[] zones() default {};

  /**
   * Returns class-path resources holding zone texts, for example {@code "zones/example.org.zone"}.
   *
   * @return the resource names
   */
  String[] zoneResources() default {};

  /**
   * Returns mailboxes as {@code "address:login:password"}, for example {@code
   * "alice@example.com:alice:secret"}.
   *
   * @return the mailboxes
   */
  String[] mailboxes() default {};

  /**
   * Returns the relay policy servers to start.
   *
   * @return the servers
   */
  RelayServer[] relayServers() default {};

  /**
   * A {@link PolicySmtpServer} of the lab, found afterwards with {@link
   * MailLab#relayServer(String)}; see {@link MailLab.Builder#relayServer(String,
   * PolicySmtpServer.Relay)}.
   */
  @Target({})
  @Retention(RetentionPolicy.RUNTIME)
  @Documented
  @interface RelayServer {

    /**
     * Returns the server's name, a DNS label; it also introduces itself as {@code <name>.<first
     * domain>}.
     *
     * @return for example {@code "closed"}
     */
    String name();

    /**
     * Returns whom the server relays for.
     *
     * @return the relay policy; default {@link PolicySmtpServer.Relay#NONE}
     */
    PolicySmtpServer.Relay relay() default PolicySmtpServer.Relay.NONE;
  }
}
