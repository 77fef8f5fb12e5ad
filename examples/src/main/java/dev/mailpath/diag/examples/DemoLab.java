package dev.mailpath.diag.examples;

import dev.mailpath.diag.dns.RootHints;
import dev.mailpath.diag.dns.RootServer;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.GreenMailSmtp;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import dev.mailpath.diag.testkit.MtaStsPolicyServer;
import dev.mailpath.diag.testkit.PolicySmtpServer;
import dev.mailpath.diag.testkit.TestCertificates;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.X509TrustManager;

/**
 * The embedded lab the doctor demo and the examples run against, entirely on loopback: a fake root
 * hierarchy (13 roots on 127.0.1.1-13, the {@code com.} server on 127.0.7.1, {@code example.com.}
 * on 127.0.7.2, all on one port), policy-driven SMTP servers on 127.0.3.x (a closed exchange, an
 * open relay, one that relays after AUTH), an MTA-STS policy host for {@code example.com} (HTTPS on
 * 127.0.7.3, a policy in testing mode) and GreenMail for SMTP and IMAP.
 *
 * <pre>{@code
 * try (DemoLab lab = DemoLab.start()) {
 *   MxResolver resolver = MxResolver.builder().dns(d -> d.server(lab.dns())).build();
 *   resolver.resolve("example.com");
 * }
 * }</pre>
 *
 * <p>{@code mail1.example.com} (127.0.3.1) has nothing listening, so senders fall back to {@code
 * mail2.example.com}, whose IPv6 address (::1) has nothing listening either. C-root serves an older
 * root zone and K-root answers slowly, so the root table has something to say.
 */
public final class DemoLab implements AutoCloseable {
  /** Letters of the thirteen roots. */
  static final String[] LETTERS = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m"};

  /** The AUTH user of the relay-after-AUTH server. */
  public static final String RELAY_USER = "relayuser";

  /** Its password (a lab secret, not a real one). */
  public static final String RELAY_PASSWORD = "lab-password";

  private final List<AutoCloseable> resources = new ArrayList<>();
  private int dnsPort;
  private int smtpPort;
  private RootHints hints;
  private PolicySmtpServer closed;
  private PolicySmtpServer openRelay;
  private PolicySmtpServer authRelay;
  // The submission server's certificate: the relay test's AUTH goes inside STARTTLS, as it must.
  private final TestCertificates.ServerCertificate submissionCertificate =
      TestCertificates.selfSigned("submission.example.com");
  private GreenMailSmtp mailbox;
  private MtaStsPolicyServer policyHost;

  private DemoLab() {}

  /**
   * Starts every server of the lab.
   *
   * @return the running lab
   */
  public static DemoLab start() {
    DemoLab lab = new DemoLab();
    try {
      lab.startDns();
      lab.startSmtp();
      lab.startPolicyHost();
      return lab;
    } catch (RuntimeException e) {
      lab.close();
      throw e;
    }
  }

  private void startDns() {
    int port = 0;
    List<RootServer> roots = new ArrayList<>();
    for (int i = 1; i <= 13; i++) {
      LocalDnsZoneServer.Builder b =
          LocalDnsZoneServer.builder()
              .zone(rootZone(i == 3 ? 2026112700L : 2026112800L))
              .bindAddress(address("127.0.1." + i))
              .port(port);
      if (i == 11) {
        b.fault(DnsFault.delay(Duration.ofMillis(300)));
      }
      LocalDnsZoneServer s = b.start();
      resources.add(s);
      port = s.port();
    }
    dnsPort = port;
    for (int i = 1; i <= 13; i++) {
      roots.add(
          RootServer.of(LETTERS[i - 1], LETTERS[i - 1] + ".root-servers.lab", "127.0.1." + i, null)
              .withPort(port));
    }
    hints = RootHints.of(roots);
    resources.add(
        LocalDnsZoneServer.builder()
            .zone(COM)
            .bindAddress(address("127.0.7.1"))
            .port(port)
            .start());
    resources.add(
        LocalDnsZoneServer.builder()
            .zone(DemoZones.exampleCom())
            .zone(DemoZones.reverse())
            // Also com., so that the examples that use this server as their resolver get an
            // answer (NXDOMAIN) for other names under com., as from a resolver, not REFUSED.
            .zone(COM)
            .bindAddress(address("127.0.7.2"))
            .port(port)
            .start());
  }

  private void startSmtp() {
    closed =
        PolicySmtpServer.builder()
            .hostname("mail2.example.com")
            .localDomain("example.com")
            .localUser("postmaster@example.com")
            .localUser("alice@example.com")
            .bindAddress(address("127.0.3.2"))
            .start();
    resources.add(closed);
    smtpPort = closed.port();
    openRelay =
        PolicySmtpServer.builder()
            .hostname("legacy.example.com")
            .localDomain("example.com")
            .localUser("postmaster@example.com")
            .relay(PolicySmtpServer.Relay.ANYONE)
            .bindAddress(address("127.0.3.3"))
            .port(smtpPort)
            .start();
    resources.add(openRelay);
    authRelay =
        PolicySmtpServer.builder()
            .hostname("submission.example.com")
            .localDomain("example.com")
            .localUser("postmaster@example.com")
            .relay(PolicySmtpServer.Relay.AUTHENTICATED)
            .user(RELAY_USER, RELAY_PASSWORD)
            .startTls(submissionCertificate.serverContext())
            .bindAddress(address("127.0.3.4"))
            .port(smtpPort)
            .start();
    resources.add(authRelay);
    mailbox = GreenMailSmtp.builder().user("alice@example.com", "alice", "alice-password").start();
    resources.add(mailbox);
  }

  private void startPolicyHost() {
    // MTA-STS (RFC 8461) in testing mode: senders should use TLS to these exchanges and report
    // when they cannot, but deliver anyway. Neither exchange offers STARTTLS in the lab.
    policyHost =
        MtaStsPolicyServer.builder()
            .domain("example.com")
            .policy(
                "version: STSv1\r\nmode: testing\r\nmx: mail1.example.com\r\n"
                    + "mx: mail2.example.com\r\nmax_age: 86400\r\n")
            .bindAddress(address("127.0.7.3"))
            .start();
    resources.add(policyHost);
  }

  /**
   * Returns the DNS server authoritative for {@code example.com}, used as the resolver.
   *
   * @return 127.0.7.2 and the lab's DNS port
   */
  public InetSocketAddress dns() {
    return new InetSocketAddress(address("127.0.7.2"), dnsPort);
  }

  /**
   * Returns the port every DNS server of the lab listens on.
   *
   * @return the port
   */
  public int dnsPort() {
    return dnsPort;
  }

  /**
   * Returns the lab's root hints (13 roots on 127.0.1.1-13 with the lab's port).
   *
   * @return the hints
   */
  public RootHints rootHints() {
    return hints;
  }

  /**
   * Returns the port every SMTP server on 127.0.3.x listens on (the lab's "port 25").
   *
   * @return the port
   */
  public int smtpPort() {
    return smtpPort;
  }

  /**
   * Returns the closed exchange {@code mail2.example.com} (127.0.3.2).
   *
   * @return the server
   */
  public PolicySmtpServer closedServer() {
    return closed;
  }

  /**
   * Returns the open relay {@code legacy.example.com} (127.0.3.3).
   *
   * @return the server
   */
  public PolicySmtpServer openRelay() {
    return openRelay;
  }

  /**
   * Returns the server that relays after AUTH, {@code submission.example.com} (127.0.3.4).
   *
   * @return the server
   */
  public PolicySmtpServer authRelay() {
    return authRelay;
  }

  /**
   * Returns the submission server's self-signed certificate in PEM, for the command line's {@code
   * --ca-file}.
   *
   * @return the PEM text
   */
  public String submissionCertificatePem() {
    return submissionCertificate.certificatePem();
  }

  /**
   * Returns a trust manager that trusts the submission server's self-signed certificate, for the
   * {@code TlsSettings} of a client that talks to {@link #authRelay()}.
   *
   * @return the trust manager
   */
  public X509TrustManager submissionTrust() {
    return submissionCertificate.trustManager();
  }

  /**
   * Returns the HTTPS port of the MTA-STS policy host {@code mta-sts.example.com} (127.0.7.3), the
   * lab's "port 443".
   *
   * @return the port
   */
  public int policyPort() {
    return policyHost.port();
  }

  /**
   * Returns a trust manager that trusts the policy host's self-signed certificate, for the {@code
   * TlsSettings} of a check that fetches the MTA-STS policy.
   *
   * @return the trust manager
   */
  public X509TrustManager policyTrust() {
    return policyHost.certificate().trustManager();
  }

  /**
   * Returns the policy host's self-signed certificate in PEM, for the command line's {@code
   * --ca-file}.
   *
   * @return the PEM text
   */
  public String policyCertificatePem() {
    return policyHost.certificate().certificatePem();
  }

  /**
   * Returns GreenMail (SMTP, SMTPS and the IMAP mailboxes).
   *
   * @return the server
   */
  public GreenMailSmtp mailbox() {
    return mailbox;
  }

  /** Stops every server. */
  @Override
  public void close() {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        // closing the rest anyway
      }
    }
    resources.clear();
  }

  static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal); // an IP literal: parsed, never looked up
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static String rootZone(long serial) {
    StringBuilder sb = new StringBuilder("$ORIGIN .\n$TTL 86400\n");
    sb.append("@ SOA a.root-servers.lab. nstld.lab. ")
        .append(serial)
        .append(" 1800 900 604800 86400\n");
    for (String l : LETTERS) {
      sb.append("@ 518400 NS ").append(l).append(".root-servers.lab.\n");
    }
    for (int i = 1; i <= 13; i++) {
      sb.append(LETTERS[i - 1])
          .append(".root-servers.lab. 518400 A 127.0.1.")
          .append(i)
          .append('\n');
    }
    sb.append("com. 172800 NS ns1.nic.com.\nns1.nic.com. 172800 A 127.0.7.1\n");
    return sb.toString();
  }

  private static final String COM =
      """
      $ORIGIN com.
      $TTL 86400
      @            SOA ns1.nic.com. hostmaster.nic.com. 1 3600 600 86400 300
      @            NS  ns1.nic.com.
      ns1.nic      A   127.0.7.1
      example      NS  ns1.example.com.
      ns1.example  A   127.0.7.2
      """;
}
