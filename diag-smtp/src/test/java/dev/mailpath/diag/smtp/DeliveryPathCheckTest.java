package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.FindingCatalog;
import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.core.TlsFailurePolicy;
import dev.mailpath.diag.dns.DnsFinding;
import dev.mailpath.diag.dns.MxResolver;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.GreenMailSmtp;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import dev.mailpath.diag.testkit.ScriptedSmtpServer;
import dev.mailpath.diag.testkit.TestCertificates;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The delivery path against an embedded DNS zone and loopback peers: GreenMail plays the exchange
 * that accepts, scripted servers the ones that refuse, defer or present a bad certificate, and
 * addresses where nothing listens play exchanges that are down. Every MX target is a 127.0.0.x (or
 * ::1) address; the lab's SMTP port is GreenMail's, and scripted peers are reached through the
 * {@code connectTo} mapper.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DeliveryPathCheckTest {

  private static final String ZONE =
      """
      $ORIGIN path.test.
      $TTL 300
      @           IN SOA ns1 hostmaster 1 3600 600 86400 300
      @           IN NS  ns1
      ns1         IN A   127.0.0.1
      mx-down     IN A   127.0.0.2
      mx-gm       IN A   127.0.0.3
      mx-a        IN A   127.0.0.4
      mx-b        IN A   127.0.0.5
      mx-v6       IN AAAA ::1
      mx-v6       IN A   127.0.0.3
      down-first  IN MX  10 mx-down
      down-first  IN MX  20 mx-gm
      two         IN MX  10 mx-a
      two         IN MX  20 mx-b
      backup-down IN MX  10 mx-gm
      backup-down IN MX  20 mx-down
      primary-a   IN MX  10 mx-a
      primary-a   IN MX  20 mx-gm
      v6          IN MX  10 mx-v6
      nullmx      IN MX  0 .
      implicit    IN A   127.0.0.3
      nomx        IN TXT "no mail here"
      dangling    IN MX  10 nohost
      broken      IN MX  10 mx-gm
      all-down    IN MX  10 mx-down
      many        IN MX  10 mx-down
      many        IN MX  20 mx-gm
      """;

  private static final String REVERSE =
      """
      $ORIGIN 0.0.127.in-addr.arpa.
      $TTL 300
      @    IN SOA ns1.path.test. hostmaster.path.test. 1 3600 600 86400 300
      @    IN NS  ns1.path.test.
      2    IN PTR mx-down.path.test.
      3    IN PTR mx-gm.path.test.
      4    IN PTR mx-a.path.test.
      5    IN PTR mx-b.path.test.
      """;

  private static final String REVERSE6 =
      """
      $ORIGIN 0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.
      $TTL 300
      @    IN SOA ns1.path.test. hostmaster.path.test. 1 3600 600 86400 300
      @    IN NS  ns1.path.test.
      1    IN PTR mx-v6.path.test.
      """;

  private static LocalDnsZoneServer dns;
  private static GreenMailSmtp greenMail;
  private static MxResolver resolver;

  private final Map<InetAddress, InetSocketAddress> lab = new HashMap<>();
  private final List<ScriptedSmtpServer> scripted = new java.util.ArrayList<>();

  @BeforeAll
  static void start() {
    dns =
        LocalDnsZoneServer.builder()
            .zone(ZONE)
            .zone(REVERSE)
            .zone(REVERSE6)
            .fault(DnsFault.servfail().forName("broken.path.test"))
            .start();
    greenMail = GreenMailSmtp.builder().start();
    resolver =
        MxResolver.builder()
            .dns(d -> d.server(dns.address()).timeout(Duration.ofSeconds(2)))
            .build();
  }

  @AfterAll
  static void stop() {
    greenMail.close();
    dns.close();
  }

  @AfterEach
  void closeScripted() {
    scripted.forEach(ScriptedSmtpServer::close);
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal); // a literal: parsed, never looked up
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Routes an exchange address of the lab to a scripted server. */
  private void route(String address, ScriptedSmtpServer server) {
    scripted.add(server);
    lab.put(ip(address), server.address());
  }

  /** The lab: every exchange on GreenMail's port; 127.0.0.3 is GreenMail itself. */
  private DeliveryPathCheck.Builder check() {
    lab.put(ip("127.0.0.3"), new InetSocketAddress(ip("127.0.0.1"), greenMail.smtpPort()));
    return DeliveryPathCheck.builder()
        .client(c -> c.dns(d -> d.server(dns.address()).timeout(Duration.ofSeconds(2))))
        .smtpPort(greenMail.smtpPort())
        .connectTo(a -> lab.getOrDefault(a.getAddress(), a))
        .client(c -> c.ehloName("probe.client.test"))
        .sender("postmaster@client.test")
        .client(c -> c.timeouts(SmtpTimeouts.all(Duration.ofSeconds(5))));
  }

  private static ScriptedSmtpServer.Builder greeting(String name) {
    return ScriptedSmtpServer.builder()
        .reply(220, name + " ESMTP scripted")
        .expect("EHLO")
        .reply(250, name, "PIPELINING");
  }

  private static ScriptedSmtpServer accepting(String name) {
    return greeting(name)
        .expect("MAIL FROM")
        .reply(250, "2.1.0 Ok")
        .expect("RCPT TO")
        .reply(250, "2.1.5 Ok")
        .expect("RSET")
        .reply(250, "2.0.0 Ok")
        .start();
  }

  private static ScriptedSmtpServer refusingRecipient(String name) {
    return greeting(name)
        .expect("MAIL FROM")
        .reply(250, "2.1.0 Ok")
        .expect("RCPT TO")
        .reply(550, "5.1.1 <nobody@two.path.test>: Recipient address rejected: User unknown")
        .start();
  }

  private static Set<String> codes(DeliveryPathReport r) {
    return r.findings().stream().map(Finding::code).collect(Collectors.toSet());
  }

  // ------------------------------------------------------------------ fallbacks

  @Test
  void check_firstExchangeDown_secondAccepts_fallsBackToNextExchange() {
    DeliveryPathReport r = check().maxInFlight(1).build().check("alice@down-first.path.test");

    assertThat(r.stage()).as("%s", r).isEqualTo(DeliveryStage.ACCEPTED);
    assertThat(r.acceptedBy()).map(ExchangeCheck::host).contains("mx-gm.path.test");
    assertThat(r.exchanges())
        .extracting(ExchangeCheck::host)
        .containsExactly("mx-down.path.test", "mx-gm.path.test");
    assertThat(r.exchanges().get(0).status()).isEqualTo(AddressCheck.Status.UNREACHABLE);
    assertThat(r.findings(DeliveryFinding.FALLBACK_EXCHANGE))
        .singleElement()
        .satisfies(f -> assertThat(f.summary()).contains("mx-down.path.test", "mx-gm.path.test"));
    assertThat(r.findings(SmtpFinding.CONNECT_REFUSED))
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.severity())
                    .as("softened: mail still flows")
                    .isEqualTo(Severity.WARNING))
        .satisfies(f -> assertThat(f.summary()).startsWith("mx-down.path.test [127.0.0.2]: "));
    assertThat(r.findings().get(0).code()).isEqualTo("path.accepted");
    assertThat(r.outcome()).isEqualTo(Outcome.WARN);
    assertThat(r.recipient()).isEqualTo("alice@down-first.path.test");
    assertThat(r.verdict())
        .contains("mx-gm.path.test (127.0.0.3) would take the mail", "after mx-down.path.test");
  }

  @Test
  void check_ipv6AddressRefuses_fallsBackToIpv4() {
    DeliveryPathReport r = check().build().check("alice@v6.path.test");

    assertThat(r.stage()).as("%s", r).isEqualTo(DeliveryStage.ACCEPTED);
    List<AddressCheck> addresses = r.exchanges().get(0).addresses();
    assertThat(addresses).extracting(AddressCheck::addressText).containsExactly("::1", "127.0.0.3");
    assertThat(addresses.get(0).status()).isEqualTo(AddressCheck.Status.UNREACHABLE);
    assertThat(addresses.get(0).reverse().orElseThrow().names()).containsExactly("mx-v6.path.test");
    assertThat(addresses.get(1).status()).isEqualTo(AddressCheck.Status.ACCEPTED);
    assertThat(r.decidingAddress()).contains(addresses.get(1));
    assertThat(r.findings(DeliveryFinding.FALLBACK_IPV4))
        .singleElement()
        .satisfies(f -> assertThat(f.summary()).contains("::1", "127.0.0.3"));
  }

  @Test
  void check_ipv4First_triesIpv4AndStopsThere() {
    DeliveryPathReport r =
        check()
            .addressPreference(DeliveryPathCheck.AddressPreference.IPV4_FIRST)
            .build()
            .check("alice@v6.path.test");

    List<AddressCheck> addresses = r.exchanges().get(0).addresses();
    assertThat(addresses).extracting(AddressCheck::addressText).containsExactly("127.0.0.3", "::1");
    assertThat(addresses)
        .extracting(AddressCheck::status)
        .containsExactly(AddressCheck.Status.ACCEPTED, AddressCheck.Status.NOT_TRIED);
    assertThat(codes(r)).doesNotContain("path.fallback.ipv4");
  }

  @Test
  void check_ipv4Only_asksNoAaaaAndTriesNoIpv6() {
    // The check's resolver is built from the client's DNS settings with only the families it
    // uses, so an IPv4-only check never learns (or lists) the IPv6 addresses.
    DeliveryPathReport r =
        check()
            .addressPreference(DeliveryPathCheck.AddressPreference.IPV4_ONLY)
            .build()
            .check("alice@v6.path.test");

    assertThat(r.stage()).isEqualTo(DeliveryStage.ACCEPTED);
    assertThat(r.exchanges().get(0).addresses()).noneMatch(AddressCheck::ipv6);
  }

  // ------------------------------------------------------------------ refusals and deferrals

  @Test
  void check_allExchangesRefuseRecipient_stopsAtRecipientRefused() {
    route("127.0.0.4", refusingRecipient("mx-a.path.test"));
    route("127.0.0.5", refusingRecipient("mx-b.path.test"));

    DeliveryPathReport r =
        check().stopAtFirstAccepting(false).build().check("nobody@two.path.test");

    assertThat(r.stage()).as("%s", r).isEqualTo(DeliveryStage.RECIPIENT_REFUSED);
    assertThat(r.decidingExchange()).map(ExchangeCheck::host).contains("mx-a.path.test");
    assertThat(r.exchanges())
        .extracting(ExchangeCheck::status)
        .containsExactly(
            AddressCheck.Status.RECIPIENT_REFUSED, AddressCheck.Status.RECIPIENT_REFUSED);
    assertThat(r.decidingAddress().orElseThrow().rcptReply().orElseThrow().code()).isEqualTo(550);
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.findings(DeliveryFinding.RECIPIENT_REFUSED))
        .singleElement()
        .satisfies(f -> assertThat(f.summary()).contains("5.1.1"))
        .satisfies(f -> assertThat(f.nextSteps()).anyMatch(s -> s.contains("spelling")));
    assertThat(codes(r)).doesNotContain("path.exchanges-disagree", "path.fallback.exchange");
  }

  @Test
  void check_allExchangesRefuseSender_stopsAtSenderRefused() {
    route(
        "127.0.0.4",
        greeting("mx-a.path.test").expect("MAIL FROM").reply(550, "5.7.1 Sender rejected").start());
    route(
        "127.0.0.5",
        greeting("mx-b.path.test")
            .expect("MAIL FROM")
            .reply(553, "5.1.8 Sender domain unknown")
            .start());

    DeliveryPathReport r = check().build().check("alice@two.path.test");

    assertThat(r.stage()).as("%s", r).isEqualTo(DeliveryStage.SENDER_REFUSED);
    assertThat(r.exchanges())
        .extracting(ExchangeCheck::status)
        .containsExactly(AddressCheck.Status.SENDER_REFUSED, AddressCheck.Status.SENDER_REFUSED);
    assertThat(r.verdict()).contains("refuses the sender <postmaster@client.test>", "550 5.7.1");
    assertThat(r.findings(DeliveryFinding.SENDER_REFUSED)).hasSize(1);
  }

  @Test
  void check_temporaryFailuresOnly_reportsTemporaryFailure() {
    route(
        "127.0.0.4",
        ScriptedSmtpServer.builder().reply(421, "4.3.2 mx-a.path.test busy, try later").start());
    route(
        "127.0.0.5",
        greeting("mx-b.path.test")
            .expect("MAIL FROM")
            .reply(250, "2.1.0 Ok")
            .expect("RCPT TO")
            .reply(451, "4.7.1 Greylisted, try again in 5 minutes")
            .start());

    DeliveryPathReport r = check().build().check("alice@two.path.test");

    assertThat(r.stage()).as("%s", r).isEqualTo(DeliveryStage.TEMPORARY_FAILURE);
    assertThat(r.exchanges())
        .extracting(ExchangeCheck::status)
        .containsExactly(
            AddressCheck.Status.SESSION_DEFERRED, AddressCheck.Status.RECIPIENT_DEFERRED);
    assertThat(r.decidingExchange()).map(ExchangeCheck::host).contains("mx-b.path.test");
    assertThat(r.outcome()).isEqualTo(Outcome.WARN);
    assertThat(codes(r))
        .contains("path.temporary-failure", "path.fallback.exchange", "smtp.banner.not-220");
  }

  @Test
  void check_everyExchangeBusy_reportsTemporaryFailureWithoutDecider() {
    route("127.0.0.4", ScriptedSmtpServer.builder().reply(421, "4.3.2 busy").start());
    route(
        "127.0.0.5",
        greeting("mx-b.path.test").expect("MAIL FROM").reply(451, "4.3.0 queue full").start());

    DeliveryPathReport r = check().build().check("alice@two.path.test");

    assertThat(r.stage()).as("%s", r).isEqualTo(DeliveryStage.TEMPORARY_FAILURE);
    assertThat(r.decidingExchange()).isEmpty();
    assertThat(r.exchanges())
        .extracting(ExchangeCheck::status)
        .containsExactly(AddressCheck.Status.SESSION_DEFERRED, AddressCheck.Status.SENDER_DEFERRED);
  }

  @Test
  void check_everyExchangeRefusesTheClient_reportsClientRefused() {
    route(
        "127.0.0.4",
        ScriptedSmtpServer.builder().reply(554, "5.7.1 You are on our blocklist").start());
    route(
        "127.0.0.5", ScriptedSmtpServer.builder().reply(554, "5.7.1 No SMTP service here").start());

    DeliveryPathReport r = check().build().check("alice@two.path.test");

    assertThat(r.stage()).as("%s", r).isEqualTo(DeliveryStage.CLIENT_REFUSED);
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void check_primaryRefusesBackupAccepts_verdictFollowsDeliveryOrder() {
    route("127.0.0.4", refusingRecipient("mx-a.path.test"));

    DeliveryPathReport r =
        check().stopAtFirstAccepting(false).build().check("nobody@primary-a.path.test");

    assertThat(r.stage()).as("%s", r).isEqualTo(DeliveryStage.RECIPIENT_REFUSED);
    assertThat(r.decidingExchange()).map(ExchangeCheck::host).contains("mx-a.path.test");
    assertThat(r.exchanges().get(1).status()).isEqualTo(AddressCheck.Status.ACCEPTED);
    assertThat(r.findings(DeliveryFinding.EXCHANGES_DISAGREE))
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.summary())
                    .contains("mx-a.path.test refuses", "mx-gm.path.test accepts"));
  }

  @Test
  void check_slowPrimaryAcceptsFastBackupAccepts_verdictIsThePrimary() {
    route(
        "127.0.0.4",
        greeting("mx-a.path.test")
            .expect("MAIL FROM")
            .reply(250, "2.1.0 Ok")
            .expect("RCPT TO")
            .pause(Duration.ofMillis(300))
            .reply(250, "2.1.5 Ok")
            .expect("RSET")
            .reply(250, "2.0.0 Ok")
            .start());

    DeliveryPathReport r = check().maxInFlight(2).build().check("alice@primary-a.path.test");

    assertThat(r.stage()).as("%s", r).isEqualTo(DeliveryStage.ACCEPTED);
    assertThat(r.acceptedBy()).map(ExchangeCheck::host).contains("mx-a.path.test");
    assertThat(r.exchanges().get(1).status())
        .as("checked in parallel, so it answered or was cancelled, but it does not decide")
        .isIn(AddressCheck.Status.ACCEPTED, AddressCheck.Status.NOT_TRIED);
    assertThat(codes(r)).doesNotContain("path.fallback.exchange");
  }

  @Test
  void check_stopAtFirstAcceptingWithConcurrencyOne_neverContactsLaterExchanges() {
    ScriptedSmtpServer backup = accepting("mx-b.path.test");
    route("127.0.0.4", accepting("mx-a.path.test"));
    route("127.0.0.5", backup);

    DeliveryPathReport r = check().maxInFlight(1).build().check("alice@two.path.test");

    assertThat(r.stage()).isEqualTo(DeliveryStage.ACCEPTED);
    assertThat(r.outcome()).as("%s", r).isEqualTo(Outcome.WARN); // no STARTTLS offered
    assertThat(backup.connectionCount()).isZero();
    assertThat(r.exchanges().get(1).addresses())
        .singleElement()
        .satisfies(a -> assertThat(a.status()).isEqualTo(AddressCheck.Status.NOT_TRIED))
        .satisfies(a -> assertThat(a.summary()).contains("mx-a.path.test already accepts"));
  }

  @Test
  void check_fullCheckWithBackupDown_reportsBackupFailed() {
    DeliveryPathReport r =
        check().stopAtFirstAccepting(false).build().check("alice@backup-down.path.test");

    assertThat(r.stage()).as("%s", r).isEqualTo(DeliveryStage.ACCEPTED);
    assertThat(r.acceptedBy()).map(ExchangeCheck::host).contains("mx-gm.path.test");
    assertThat(r.findings(DeliveryFinding.BACKUP_FAILED))
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.summary())
                    .contains("mx-down.path.test (preference 20) could not be reached"));
  }

  @Test
  void check_nothingListensAnywhere_reportsUnreachableWithGuideSteps() {
    DeliveryPathReport r = check().build().check("alice@all-down.path.test");

    assertThat(r.stage()).as("%s", r).isEqualTo(DeliveryStage.UNREACHABLE);
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.findings(DeliveryFinding.UNREACHABLE))
        .singleElement()
        .satisfies(
            f -> assertThat(f.nextSteps().get(0)).contains("telnet", "lowest-preference exchange"));
    assertThat(r.findings(SmtpFinding.CONNECT_REFUSED))
        .singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.ERROR));
  }

  // ------------------------------------------------------------------ TLS

  private static ScriptedSmtpServer tlsAccepting(
      String name, TestCertificates.ServerCertificate cert) {
    return ScriptedSmtpServer.builder()
        .reply(220, name + " ESMTP scripted")
        .expect("EHLO")
        .reply(250, name, "STARTTLS")
        .expect("STARTTLS")
        .reply(220, "2.0.0 Ready to start TLS")
        .startTls(cert.serverContext())
        .expect("EHLO")
        .reply(250, name, "PIPELINING")
        .expect("MAIL FROM")
        .reply(250, "2.1.0 Ok")
        .expect("RCPT TO")
        .reply(250, "2.1.5 Ok")
        .expect("RSET")
        .reply(250, "2.0.0 Ok")
        .start();
  }

  @Test
  void check_expiredCertificate_isReportedAndMailStillAcceptedLikeOpportunisticTls() {
    TestCertificates.ServerCertificate expired =
        TestCertificates.builder().dnsNames("mx-a.path.test").expired().build();
    route("127.0.0.4", tlsAccepting("mx-a.path.test", expired));

    DeliveryPathReport r =
        check()
            .client(c -> c.tls(t -> t.trustManager(expired.trustManager())))
            .build()
            .check("alice@primary-a.path.test");

    assertThat(r.stage()).as("%s", r).isEqualTo(DeliveryStage.ACCEPTED);
    AddressCheck a = r.decidingAddress().orElseThrow();
    assertThat(a.exchange()).isEqualTo("mx-a.path.test");
    assertThat(a.tls().orElseThrow().expired()).isTrue();
    assertThat(a.tls().orElseThrow().hostnameValid()).isTrue();
    assertThat(codes(r)).contains("smtp.tls.certificate-expired", "path.tls.unverified");
    assertThat(r.outcome()).isEqualTo(Outcome.WARN);
    assertThat(a.smtp().orElseThrow().transcript().toString())
        .contains(" ~> RCPT TO:<alice@primary-a.path.test>");
  }

  @Test
  void check_wrongNameCertificate_isCheckedAgainstTheMxHostName() {
    TestCertificates.ServerCertificate other = TestCertificates.selfSigned("mail.elsewhere.test");
    route("127.0.0.4", tlsAccepting("mx-a.path.test", other));

    DeliveryPathReport r =
        check()
            .client(c -> c.tls(t -> t.trustManager(other.trustManager())))
            .build()
            .check("alice@primary-a.path.test");

    assertThat(r.stage()).as("%s", r).isEqualTo(DeliveryStage.ACCEPTED);
    assertThat(r.findings(SmtpFinding.TLS_NAME_MISMATCH))
        .singleElement()
        .satisfies(f -> assertThat(f.summary()).contains("mx-a.path.test", "mail.elsewhere.test"));
    assertThat(r.decidingAddress().orElseThrow().tls().orElseThrow().serverName())
        .contains("mx-a.path.test");
  }

  @Test
  void check_badCertificateWithTlsFailurePolicyFail_fallsBackToNextExchange() {
    TestCertificates.ServerCertificate expired =
        TestCertificates.builder().dnsNames("mx-a.path.test").expired().build();
    route("127.0.0.4", tlsAccepting("mx-a.path.test", expired));

    DeliveryPathReport r =
        check()
            .client(c -> c.tls(t -> t.trustManager(expired.trustManager())))
            .client(c -> c.tls(t -> t.failurePolicy(TlsFailurePolicy.FAIL)))
            .maxInFlight(1)
            .build()
            .check("alice@primary-a.path.test");

    assertThat(r.stage()).as("%s", r).isEqualTo(DeliveryStage.ACCEPTED);
    assertThat(r.exchanges().get(0).status()).isEqualTo(AddressCheck.Status.SESSION_FAILED);
    assertThat(r.acceptedBy()).map(ExchangeCheck::host).contains("mx-gm.path.test");
    assertThat(codes(r)).contains("path.fallback.exchange", "smtp.tls.certificate-expired");
  }

  // ------------------------------------------------------------------ DNS stages

  @Test
  void check_nullMx_stopsBeforeAnyConnection() {
    DeliveryPathReport r = check().build().check("alice@nullmx.path.test");

    assertThat(r.stage()).isEqualTo(DeliveryStage.NULL_MX);
    assertThat(r.exchanges()).isEmpty();
    assertThat(r.mx().nullMx()).isTrue();
    assertThat(codes(r)).contains("path.null-mx", "dns.mx.null");
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void check_implicitMxDomainOnly_asksForPostmasterAtTheDomainsAddress() {
    DeliveryPathReport r = check().build().check("implicit.path.test");

    assertThat(r.recipient()).isEqualTo("postmaster@implicit.path.test");
    assertThat(r.mx().implicitMx()).isTrue();
    assertThat(r.stage()).as("%s", r).isEqualTo(DeliveryStage.ACCEPTED);
    assertThat(r.acceptedBy()).map(ExchangeCheck::host).contains("implicit.path.test");
    assertThat(codes(r)).contains("dns.mx.implicit");
  }

  @Test
  void check_noSuchDomain_reportsNoSuchDomain() {
    DeliveryPathReport r = check().build().check("alice@missing.path.test");

    assertThat(r.stage()).isEqualTo(DeliveryStage.NO_SUCH_DOMAIN);
    assertThat(r.hasFinding(DnsFinding.NXDOMAIN)).isTrue();
  }

  @Test
  void check_noMxNoAddress_reportsNoMx() {
    DeliveryPathReport r = check().build().check("alice@nomx.path.test");

    assertThat(r.stage()).isEqualTo(DeliveryStage.NO_MX);
    assertThat(codes(r)).contains("path.no-mx", "dns.mx.none");
  }

  @Test
  void check_danglingMx_reportsNoAddress() {
    DeliveryPathReport r = check().build().check("alice@dangling.path.test");

    assertThat(r.stage()).isEqualTo(DeliveryStage.NO_ADDRESS);
    assertThat(r.exchanges()).singleElement().satisfies(e -> assertThat(e.addresses()).isEmpty());
    assertThat(codes(r)).contains("path.no-address", "dns.mx.dangling");
  }

  @Test
  void check_servfail_reportsDnsFailedInconclusive() {
    DeliveryPathReport r = check().build().check("alice@broken.path.test");

    assertThat(r.stage()).isEqualTo(DeliveryStage.DNS_FAILED);
    assertThat(r.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    assertThat(codes(r)).contains("path.dns-failed", "dns.servfail");
  }

  // ------------------------------------------------------------------ deadline, cancel, limits

  @Test
  void check_deadlinePassesWhileFirstExchangeStalls_isInconclusive() {
    route("127.0.0.4", ScriptedSmtpServer.builder().stall().start());

    DeliveryPathReport r =
        check()
            .client(c -> c.deadline(Duration.ofMillis(400)))
            .maxInFlight(1)
            .build()
            .check("alice@two.path.test");

    assertThat(r.stage()).as("%s", r).isEqualTo(DeliveryStage.UNREACHABLE);
    assertThat(r.incomplete()).isTrue();
    assertThat(r.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    assertThat(r.exchanges().get(0).status()).isEqualTo(AddressCheck.Status.SESSION_FAILED);
    assertThat(r.exchanges().get(1).status()).isEqualTo(AddressCheck.Status.NOT_TRIED);
    assertThat(codes(r)).contains("path.deadline-exceeded");
  }

  @Test
  void checkAsync_cancelled_completesCancelled() {
    route("127.0.0.4", ScriptedSmtpServer.builder().stall().start());

    CompletableFuture<DeliveryPathReport> f = check().build().checkAsync("alice@two.path.test");
    f.cancel(true);

    assertThat(f).isCancelled();
  }

  @Test
  void checkAsync_cancelWhileExchangeStalls_closesTheConnectionAtOnce() throws Exception {
    try (StallingPeer peer = new StallingPeer()) {
      lab.put(ip("127.0.0.4"), peer.address());
      CompletableFuture<DeliveryPathReport> f =
          check()
              .client(c -> c.timeouts(SmtpTimeouts.all(Duration.ofSeconds(30))))
              .build()
              .checkAsync("alice@two.path.test");
      assertThat(peer.awaitConnected(Duration.ofSeconds(5))).isTrue();

      f.cancel(true);

      assertThat(peer.awaitClientGone(Duration.ofSeconds(3))).isTrue();
      assertThat(f).isCancelled();
    }
  }

  @Test
  void check_maxExchangesOne_listsTheRestAsNotTried() {
    DeliveryPathReport r = check().maxExchanges(1).build().check("alice@many.path.test");

    assertThat(r.stage()).isEqualTo(DeliveryStage.UNREACHABLE);
    assertThat(r.exchanges()).hasSize(2);
    assertThat(r.exchanges().get(1).addresses())
        .allSatisfy(a -> assertThat(a.summary()).contains("beyond the limit"));
    assertThat(r.incomplete()).isTrue();
    assertThat(r.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    assertThat(codes(r)).contains("path.exchange-limit");
  }

  @Test
  void check_singleThreadExecutor_completesWithoutDeadlock() {
    java.util.concurrent.ExecutorService one =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      DeliveryPathReport r =
          check()
              .client(c -> c.environment(DiagEnvironment.system().with(e -> e.executor(one))))
              .maxInFlight(4)
              .build()
              .check("alice@down-first.path.test");

      assertThat(r.stage()).as("%s", r).isEqualTo(DeliveryStage.ACCEPTED);
    } finally {
      one.shutdownNow();
    }
  }

  // ------------------------------------------------------------------ names, narration, catalog

  @Test
  void check_bannerNameDiffersFromPtr_comparesWithTheDnsAddressNotTheLabAddress() {
    route(
        "127.0.0.4",
        greeting("smtp.other.test")
            .expect("MAIL FROM")
            .reply(250, "2.1.0 Ok")
            .expect("RCPT TO")
            .reply(250, "2.1.5 Ok")
            .expect("RSET")
            .reply(250, "2.0.0 Ok")
            .start());

    DeliveryPathReport r = check().build().check("alice@primary-a.path.test");

    AddressCheck a = r.decidingAddress().orElseThrow();
    assertThat(a.reverse().orElseThrow().confirmedNames()).containsExactly("mx-a.path.test");
    assertThat(a.bannerName()).contains("smtp.other.test");
    assertThat(a.bannerNameConfirmed()).isFalse();
    assertThat(r.findings(SmtpFinding.BANNER_RDNS_MISMATCH))
        .singleElement()
        .satisfies(f -> assertThat(f.summary()).contains("smtp.other.test", "mx-a.path.test"));
  }

  @Test
  void check_matchingNames_areForwardConfirmed() {
    route("127.0.0.4", accepting("mx-a.path.test"));

    DeliveryPathReport r = check().build().check("alice@primary-a.path.test");

    AddressCheck a = r.decidingAddress().orElseThrow();
    assertThat(a.bannerNameConfirmed()).isTrue();
    assertThat(a.ehloNameConfirmed()).isTrue();
    assertThat(codes(r))
        .doesNotContain("smtp.banner.rdns-mismatch", "smtp.ehlo.rdns-mismatch", "dns.ptr.none");
    assertThat(a.timings().get("connect")).isPresent();
    assertThat(r.timings().get("dns.mx")).isPresent();
  }

  @Test
  void toString_narratesNslookupThenTelnetThenTheVerdict() {
    String text = check().maxInFlight(1).build().check("alice@down-first.path.test").toString();

    assertThat(text)
        .contains("> nslookup -type=mx down-first.path.test")
        .contains("> telnet mx-down.path.test 25   (1st exchange, preference 10)")
        .contains("> telnet mx-gm.path.test 25   (2nd exchange, preference 20)")
        .contains("RCPT TO:<alice@down-first.path.test> -> 250")
        .contains("=> UNREACHABLE")
        .contains("Verdict: ACCEPTED. mx-gm.path.test (127.0.0.3) would take the mail");
    assertThat(text.indexOf("mx-down.path.test 25")).isLessThan(text.indexOf("mx-gm.path.test 25"));
  }

  @Test
  void check_neverSendsData() {
    ScriptedSmtpServer server = accepting("mx-a.path.test");
    route("127.0.0.4", server);

    check().build().check("alice@primary-a.path.test");

    assertThat(server.commands())
        .noneMatch(c -> c.toUpperCase(java.util.Locale.ROOT).startsWith("DATA"));
    assertThat(server.mismatches()).isEmpty();
  }

  @Test
  void findings_everyEmittedCodeIsInTheCatalog() {
    route("127.0.0.4", refusingRecipient("mx-a.path.test"));
    Set<String> catalog =
        FindingCatalog.all().stream().map(FindingCode::id).collect(Collectors.toSet());

    for (String input :
        List.of(
            "alice@down-first.path.test",
            "nobody@primary-a.path.test",
            "v6.path.test",
            "nullmx.path.test",
            "alice@broken.path.test")) {
      DeliveryPathReport r = check().stopAtFirstAccepting(false).build().check(input);
      assertThat(catalog).as("codes of %s", input).containsAll(codes(r));
    }
    assertThat(catalog).contains("path.accepted", "path.fallback.ipv4", "path.recipient-refused");
  }
}
