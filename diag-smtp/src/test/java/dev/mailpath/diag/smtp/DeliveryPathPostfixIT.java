package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.testkit.TestCertificates;
import dev.mailpath.diag.testkit.peer.NsdServer;
import dev.mailpath.diag.testkit.peer.PostfixServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ring 3: the delivery path through real peers. NSD serves a zone whose primary exchange has an
 * address where nothing listens and whose backup is a real Postfix (local domain path.test,
 * STARTTLS with a certificate for the backup's MX name, unknown users refused with 5.1.1, relaying
 * denied). Postfix listens on 127.0.0.1 only, so the backup's DNS address 127.0.0.3 is mapped to
 * it; the primary's 127.0.0.2 is reached on Postfix's port, where nothing listens. Skipped when
 * NSD, Postfix or root is missing, unless {@code -Dpeers.required=true}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DeliveryPathPostfixIT {

  private static final TestCertificates.ServerCertificate CERT =
      TestCertificates.selfSigned("mx2.path.test");

  private static NsdServer nsd;
  private static PostfixServer postfix;

  @BeforeAll
  static void start() {
    NsdServer.requireInstalled();
    postfix =
        PostfixServer.builder()
            .myHostname("mx2.path.test")
            .domain("path.test")
            .user("alice", "s3cret")
            .tls(CERT)
            .start();
    nsd =
        NsdServer.builder()
            .zone(
                "path.test.",
                """
            $TTL 300
            @      SOA ns1 hostmaster 1 3600 600 86400 300
            @      NS  ns1
            ns1    A   127.0.0.1
            @      MX  10 mx1
            @      MX  20 mx2
            mx1    A   127.0.0.2
            mx2    A   127.0.0.3
            relay  MX  10 mx2
            """)
            .zone(
                "0.0.127.in-addr.arpa.",
                """
            $TTL 300
            @      SOA ns1.path.test. hostmaster.path.test. 1 3600 600 86400 300
            @      NS  ns1.path.test.
            2      PTR mx1.path.test.
            3      PTR mx2.path.test.
            """)
            .start();
  }

  @AfterAll
  static void stop() {
    if (nsd != null) {
      nsd.close();
    }
    if (postfix != null) {
      postfix.close();
    }
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal); // a literal: parsed, never looked up
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static DeliveryPathCheck.Builder check() {
    InetSocketAddress postfixAddress = new InetSocketAddress(ip(postfix.host()), postfix.port());
    InetAddress mx2 = ip("127.0.0.3");
    return DeliveryPathCheck.builder()
        .client(c -> c.dns(d -> d.server(nsd.address()).timeout(Duration.ofSeconds(2))))
        .smtpPort(postfix.port())
        .connectTo(a -> a.getAddress().equals(mx2) ? postfixAddress : a)
        .client(c -> c.ehloName("probe.client.test"))
        .sender("postmaster@client.test")
        .client(c -> c.timeouts(SmtpTimeouts.all(Duration.ofSeconds(10))));
  }

  private static List<String> codes(DeliveryPathReport r) {
    return r.findings().stream().map(Finding::code).toList();
  }

  @Test
  void check_primaryDownBackupIsPostfix_acceptsOverVerifiedTls() {
    DeliveryPathReport r =
        check()
            .client(c -> c.tls(t -> t.trustManager(CERT.trustManager())))
            .maxInFlight(1)
            .build()
            .check("alice@path.test");

    assertThat(r.stage()).as("%s\n%s", r, postfix.log()).isEqualTo(DeliveryStage.ACCEPTED);
    assertThat(r.mx().authoritative()).isTrue();
    assertThat(r.exchanges())
        .extracting(ExchangeCheck::host)
        .containsExactly("mx1.path.test", "mx2.path.test");
    assertThat(r.exchanges().get(0).status()).isEqualTo(AddressCheck.Status.UNREACHABLE);
    AddressCheck a = r.decidingAddress().orElseThrow();
    assertThat(a.exchange()).isEqualTo("mx2.path.test");
    assertThat(a.tls().orElseThrow().verified()).isTrue();
    assertThat(a.bannerName()).contains("mx2.path.test");
    assertThat(a.bannerNameConfirmed()).isTrue();
    assertThat(a.rcptReply().orElseThrow().code()).isEqualTo(250);
    assertThat(a.smtp().orElseThrow().transcript().toString())
        .contains(" ~> RSET")
        .doesNotContain("DATA");
    assertThat(codes(r))
        .contains("path.accepted", "path.fallback.exchange", "smtp.connect.refused")
        .doesNotContain("smtp.tls.certificate-invalid", "smtp.banner.rdns-mismatch");
    assertThat(r.outcome()).isEqualTo(Outcome.WARN);
  }

  @Test
  void check_domainOnly_asksPostfixForPostmaster() {
    DeliveryPathReport r =
        check()
            .client(c -> c.tls(t -> t.trustManager(CERT.trustManager())))
            .build()
            .check("path.test");

    assertThat(r.recipient()).isEqualTo("postmaster@path.test");
    assertThat(r.stage()).as("%s", r).isEqualTo(DeliveryStage.ACCEPTED);
  }

  @Test
  void check_unknownUser_isRefusedWith511AfterTheFallback() {
    DeliveryPathReport r =
        check()
            .client(c -> c.tls(t -> t.trustManager(CERT.trustManager())))
            .build()
            .check("nobody@path.test");

    assertThat(r.stage()).as("%s", r).isEqualTo(DeliveryStage.RECIPIENT_REFUSED);
    assertThat(r.decidingAddress().orElseThrow().rcptReply().orElseThrow().enhancedStatus())
        .contains("5.1.1");
    assertThat(codes(r)).contains("path.recipient-refused", "path.fallback.exchange");
  }

  @Test
  void check_domainPostfixDoesNotField_isRelayDenied() {
    DeliveryPathReport r =
        check()
            .client(c -> c.tls(t -> t.trustManager(CERT.trustManager())))
            .build()
            .check("alice@relay.path.test");

    assertThat(r.stage()).as("%s", r).isEqualTo(DeliveryStage.RECIPIENT_REFUSED);
    assertThat(r.decidingAddress().orElseThrow().rcptReply().orElseThrow().firstLine())
        .contains("5.7.1")
        .contains("Relay access denied");
  }

  @Test
  void check_defaultTrustStore_reportsSelfSignedCertificateAndStillDelivers() {
    DeliveryPathReport r = check().build().check("alice@path.test");

    assertThat(r.stage()).as("%s", r).isEqualTo(DeliveryStage.ACCEPTED);
    assertThat(r.decidingAddress().orElseThrow().tls().orElseThrow().chainValid()).isFalse();
    assertThat(codes(r)).contains("smtp.tls.certificate-invalid", "path.tls.unverified");
  }
}
