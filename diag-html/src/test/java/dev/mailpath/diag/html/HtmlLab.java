package dev.mailpath.diag.html;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.TlsFailurePolicy;
import dev.mailpath.diag.core.TlsMode;
import dev.mailpath.diag.dns.AddressFamily;
import dev.mailpath.diag.dns.DelegationTrace;
import dev.mailpath.diag.dns.DnsQuery;
import dev.mailpath.diag.dns.MxResolver;
import dev.mailpath.diag.dns.RecordType;
import dev.mailpath.diag.dns.RootHints;
import dev.mailpath.diag.dns.RootServer;
import dev.mailpath.diag.dns.RootServerQuery;
import dev.mailpath.diag.smtp.DeliveryPathCheck;
import dev.mailpath.diag.smtp.RelayPolicyTester;
import dev.mailpath.diag.smtp.SmtpClient;
import dev.mailpath.diag.smtp.SmtpConversation;
import dev.mailpath.diag.smtp.SmtpTimeouts;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import dev.mailpath.diag.testkit.PolicySmtpServer;
import dev.mailpath.diag.testkit.TestCertificates;
import dev.mailpath.diag.trace.MailboxSearch;
import dev.mailpath.diag.trace.MessageQuery;
import dev.mailpath.diag.trace.MissingMessageInvestigation;
import dev.mailpath.diag.trace.PostfixLogSource;
import dev.mailpath.diag.trace.ReceivedChain;
import dev.mailpath.diag.trace.RoundTripProbe;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A small lab on loopback and the reports of real runs against it, one per kind the pages show.
 * Every use of the clients' builders is here, so that a renamed setter is fixed in one place.
 */
final class HtmlLab implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final List<AutoCloseable> resources = new ArrayList<>();

  /** The lab roots (set by {@link #roots()}): their hints and the one port they all listen on. */
  private RootHints rootHints;

  private int rootPort;

  /**
   * Starts the lab and runs every check.
   *
   * @return the reports by file name stem, in page order
   */
  Map<String, DiagnosticReport> run() {
    LocalDnsZoneServer dns =
        keep(
            LocalDnsZoneServer.builder()
                .zone(ZONE)
                .zone(REVERSE)
                .bindAddress(ip("127.0.0.1"))
                .start());
    TestCertificates.ServerCertificate cert = TestCertificates.selfSigned("mail2.example.com");
    PolicySmtpServer mail2 =
        keep(
            PolicySmtpServer.builder()
                .hostname("mail2.example.com")
                .localDomain("example.com")
                .localUser("alice@example.com")
                .startTls(cert.serverContext())
                .bindAddress(ip("127.0.3.2"))
                .start());
    int port = mail2.port();
    keep(
        PolicySmtpServer.builder()
            .hostname("mail3.example.com")
            .localDomain("example.com")
            .bindAddress(ip("127.0.3.3"))
            .port(port)
            .start());
    PolicySmtpServer openRelay =
        keep(
            PolicySmtpServer.builder()
                .hostname("legacy.example.com")
                .localDomain("example.com")
                .localUser("postmaster@example.com")
                .relay(PolicySmtpServer.Relay.ANYONE)
                .bindAddress(ip("127.0.3.4"))
                .port(port)
                .start());

    MxResolver resolver =
        MxResolver.builder().dns(d -> d.server(dns.address()).timeout(TIMEOUT)).build();
    SmtpClient client =
        SmtpClient.builder()
            .dns(d -> d.server(dns.address()).timeout(TIMEOUT))
            .timeouts(SmtpTimeouts.all(TIMEOUT))
            .ehloName("client.example.net")
            .tls(
                t ->
                    t.sslContext(cert.clientContext())
                        .failurePolicy(TlsFailurePolicy.REPORT_AND_CONTINUE))
            .build();
    Map<String, DiagnosticReport> out = new LinkedHashMap<>();
    out.put("delivery-path", deliveryPath(client, port));
    out.put("received-chain", ReceivedChain.parse(CHAIN));
    out.put("root-servers", roots());
    out.put(
        "relay-open",
        RelayPolicyTester.builder()
            .server("127.0.3.4", openRelay.port())
            .localDomain("example.com")
            .externalDomain("relay-test.example.net")
            .client(client)
            .build()
            .test());
    out.put("mx", resolver.resolve("example.com"));
    out.put("address", resolver.addresses("mail2.example.com"));
    out.put("reverse", resolver.reverse(ip("127.0.3.2")));
    out.put(
        "smtp",
        client.run(
            SmtpConversation.to("127.0.3.2", port)
                .ehlo("client.example.net")
                .startTls()
                .mailFrom("sender@example.net")
                .rcptTo("alice@example.com")
                .quit()));
    out.put(
        "dns-query",
        DnsQuery.builder()
            .dns(d -> d.server(dns.address()).timeout(TIMEOUT))
            .build()
            .ask("example.com", RecordType.MX));
    out.put(
        "priming",
        RootServerQuery.builder()
            .hints(rootHints)
            .addressFamily(AddressFamily.IPV4)
            .dns(d -> d.timeout(TIMEOUT))
            .build()
            .prime());
    out.put("trace", trace());
    mailbox(out);
    return out;
  }

  /** Follows the referrals from the lab roots through {@code com.} to {@code example.com.}. */
  private DiagnosticReport trace() {
    keep(
        LocalDnsZoneServer.builder().zone(TLD).bindAddress(ip("127.0.7.1")).port(rootPort).start());
    keep(
        LocalDnsZoneServer.builder()
            .zone(DELEGATED)
            .bindAddress(ip("127.0.7.2"))
            .port(rootPort)
            .start());
    return DelegationTrace.builder()
        .hints(rootHints)
        .addressFamily(AddressFamily.IPV4)
        .port(rootPort)
        .dns(d -> d.timeout(TIMEOUT).retries(0))
        .environment(e -> e.random(new Random(1)))
        .build()
        .trace("example.com", RecordType.MX);
  }

  /**
   * GreenMail with SMTP and IMAP on 127.0.0.1: one message delivered and searched for, a round
   * trip, the Postfix log's record of that message, and an investigation of it.
   */
  private void mailbox(Map<String, DiagnosticReport> out) {
    GreenMail greenMail =
        new GreenMail(
            new ServerSetup[] {
              new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort(),
              new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort()
            });
    greenMail.start();
    keep(greenMail::stop);
    greenMail.setUser(BOB, BOB_LOGIN, BOB_PASSWORD);
    int smtpPort = greenMail.getSmtp().getPort();
    int imapPort = greenMail.getImap().getPort();
    SmtpClient plain = SmtpClient.builder().timeouts(SmtpTimeouts.all(TIMEOUT)).build();

    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("From", "carol@example.org");
    headers.put("To", BOB);
    headers.put("Subject", "quarterly figures");
    headers.put("Message-ID", "<" + MESSAGE_ID + ">");
    plain.run(
        SmtpConversation.to("127.0.0.1", smtpPort)
            .tlsMode(TlsMode.NONE)
            .ehlo("client.example.net")
            .mailFrom("carol@example.org")
            .rcptTo(BOB)
            .data(headers, "Figures attached.\r\n")
            .quit());
    if (!greenMail.waitForIncomingEmail(TIMEOUT.toMillis(), 1)) {
      throw new IllegalStateException("GreenMail did not receive the lab message");
    }

    MailboxSearch search =
        MailboxSearch.builder()
            .server("127.0.0.1", imapPort)
            .tlsMode(TlsMode.NONE)
            .credentials(BOB_LOGIN, BOB_PASSWORD)
            .connectTimeout(TIMEOUT)
            .timeout(TIMEOUT)
            .build();
    MessageQuery query = MessageQuery.builder().messageId(MESSAGE_ID).recipient(BOB).build();
    out.put("mailbox-search", search.search(query));
    out.put(
        "round-trip",
        RoundTripProbe.builder()
            .smtpServer("127.0.0.1", smtpPort)
            .tlsMode(TlsMode.NONE)
            .client(plain)
            .from("alice@example.org")
            .to(BOB)
            .mailbox(search)
            .pollInterval(Duration.ofMillis(50), Duration.ofMillis(200))
            .deadline(Duration.ofSeconds(5))
            .build()
            .run());
    PostfixLogSource log =
        PostfixLogSource.builder().name("mx maillog").lines(POSTFIX_LOG).year(2024).build();
    out.put("delivery-log", log.find(query));
    out.put(
        "investigation",
        MissingMessageInvestigation.builder()
            .mailbox(search)
            .serverLog(log)
            .build()
            .investigate(query));
  }

  private DiagnosticReport deliveryPath(SmtpClient client, int port) {
    return DeliveryPathCheck.builder()
        .client(client)
        .smtpPort(port)
        .sender("sender@example.net")
        .stopAtFirstAccepting(false)
        .build()
        .check("alice@example.com");
  }

  private DiagnosticReport roots() {
    // Four roots; the third serves an older zone, so its serial is the odd one.
    List<RootServer> roots = new ArrayList<>();
    int port = 0;
    String[] letters = {"a", "b", "c", "d"};
    for (int i = 0; i < letters.length; i++) {
      LocalDnsZoneServer s =
          keep(
              LocalDnsZoneServer.builder()
                  .zone(rootZone(i == 2 ? 2026112700L : 2026112800L))
                  .bindAddress(ip("127.0.1." + (i + 1)))
                  .port(port)
                  .start());
      port = s.port();
      rootPort = port;
      roots.add(
          RootServer.of(letters[i], letters[i] + ".root-servers.lab", "127.0.1." + (i + 1), null)
              .withPort(port));
    }
    rootHints = RootHints.of(roots);
    return RootServerQuery.builder()
        .hints(rootHints)
        .addressFamily(AddressFamily.IPV4)
        .dns(d -> d.timeout(TIMEOUT))
        .build()
        .ask("example.com", RecordType.MX);
  }

  private <T extends AutoCloseable> T keep(T resource) {
    resources.add(resource);
    return resource;
  }

  @Override
  public void close() {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        // close the rest anyway
      }
    }
  }

  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal); // an IP literal: parsed, never looked up
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static String rootZone(long serial) {
    return "$ORIGIN .\n$TTL 86400\n@ SOA a.root-servers.lab. nstld.lab. "
        + serial
        + " 1800 900 604800 86400\n@ NS a.root-servers.lab.\n"
        + "a.root-servers.lab. A 127.0.1.1\n"
        + "com. 172800 NS ns1.nic.com.\nns1.nic.com. 172800 A 127.0.7.1\n";
  }

  private static final String BOB = "bob@example.net";
  private static final String BOB_LOGIN = "bob";
  private static final String BOB_PASSWORD = "b0b-imap-Pa55";
  private static final String MESSAGE_ID = "figures-1@example.org";

  /** The mail server's log of the lab message: accepted, then handed to the mailbox over LMTP. */
  private static final List<String> POSTFIX_LOG =
      List.of(
          "Jan  2 09:00:01 mx postfix/smtpd[100]: 1A2B3C4D5E:"
              + " client=mail.example.org[198.51.100.10]",
          "Jan  2 09:00:01 mx postfix/cleanup[101]: 1A2B3C4D5E: message-id=<" + MESSAGE_ID + ">",
          "Jan  2 09:00:01 mx postfix/qmgr[102]: 1A2B3C4D5E: from=<carol@example.org>, size=1200,"
              + " nrcpt=1 (queue active)",
          "Jan  2 09:00:02 mx postfix/lmtp[103]: 1A2B3C4D5E: to=<bob@example.net>,"
              + " relay=mail.example.net[private/dovecot-lmtp], delay=1.1,"
              + " delays=0.1/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 <bob@example.net> Saved)",
          "Jan  2 09:00:02 mx postfix/qmgr[102]: 1A2B3C4D5E: removed");

  /** The {@code com.} zone the lab roots delegate to (ns1.nic.com. at 127.0.7.1). */
  private static final String TLD =
      """
      $ORIGIN com.
      $TTL 172800
      @                SOA  ns1.nic.com. hostmaster.nic.com. 2026112801 1800 900 604800 86400
      @                NS   ns1.nic.com.
      ns1.nic          A    127.0.7.1
      example          NS   ns1.example.com.
      ns1.example      A    127.0.7.2
      """;

  /** {@code example.com.} as its delegated server at 127.0.7.2 serves it. */
  private static final String DELEGATED =
      """
      $ORIGIN example.com.
      $TTL 3600
      @      SOA  ns1 hostmaster 2026112801 3600 600 86400 300
      @      NS   ns1
      ns1    A    127.0.7.2
      @      MX   10 mail2
      mail2  A    127.0.3.2
      """;

  private static final String ZONE =
      """
      $ORIGIN example.com.
      $TTL 3600
      @      SOA  ns1 hostmaster 2026112801 3600 600 86400 300
      @      NS   ns1
      ns1    A    127.0.0.1
      @      MX   10 mail1
      @      MX   20 mail2
      @      MX   30 mail3
      mail1  A    127.0.3.1
      mail2  A    127.0.3.2
      mail3  A    127.0.3.3
      """;

  private static final String REVERSE =
      """
      $ORIGIN 3.0.127.in-addr.arpa.
      $TTL 3600
      @   SOA  ns1.example.com. hostmaster.example.com. 2026112801 3600 600 86400 300
      @   NS   ns1.example.com.
      2   PTR  mail2.example.com.
      3   PTR  mail3.example.com.
      """;

  /**
   * A message that went through a submission server whose clock is two minutes fast, waited three
   * hours, then bounced between a content filter and the exchange (a loop) before delivery.
   */
  static final String CHAIN =
      "Received: from mx.example.net (localhost [127.0.0.1]) by mailstore.example.net"
          + " with LMTP id h7; Tue, 2 Jan 2024 12:04:09 +0000\r\n"
          + "Received: from filter.example.net (localhost [127.0.0.1]) by mx.example.net"
          + " with ESMTP id h6; Tue, 2 Jan 2024 12:04:06 +0000\r\n"
          + "Received: from mx.example.net (localhost [127.0.0.1]) by filter.example.net"
          + " with ESMTP id h5; Tue, 2 Jan 2024 12:04:04 +0000\r\n"
          + "Received: from filter.example.net (localhost [127.0.0.1]) by mx.example.net"
          + " with ESMTP id h4; Tue, 2 Jan 2024 12:04:01 +0000\r\n"
          + "Received: from mx.example.net (localhost [127.0.0.1]) by filter.example.net"
          + " with ESMTP id h3; Tue, 2 Jan 2024 12:03:59 +0000\r\n"
          + "Received: from submit.example.org (submit.example.org [198.51.100.7])"
          + " (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))"
          + " by mx.example.net with ESMTPS id h2; Tue, 2 Jan 2024 09:03:58 +0000\r\n"
          + "Received: from laptop (unknown [203.0.113.5]) by submit.example.org"
          + " with ESMTPSA id h1; Tue, 2 Jan 2024 09:06:00 +0000\r\n"
          + "Message-ID: <lab-1@example.org>\r\n"
          + "Subject: <script>alert(1)</script> where did the three hours go?\r\n"
          + "\r\nbody\r\n";
}
