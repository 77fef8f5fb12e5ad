package dev.mailpath.diag.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.smtp.DeliveryPathCheck;
import dev.mailpath.diag.smtp.DeliveryPathReport;
import dev.mailpath.diag.smtp.DeliveryStage;
import dev.mailpath.diag.smtp.SmtpTimeouts;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Part 2 of the guide, "start at the outside and work your way in": the investigation's inbound
 * route stage with a real {@link DeliveryPathCheck} (a local DNS zone, GreenMail as the MX) and its
 * test-message stage with a {@link RoundTripProbe}, when message tracking has no record.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InvestigationOutsideChecksTest {
  static final String ZONE =
      """
      $ORIGIN example.net.
      $TTL 300
      @      IN SOA ns1 hostmaster 1 3600 600 86400 300
      @      IN NS  ns1
      ns1    IN A   127.0.0.1
      @      IN MX  10 mx
      mx     IN A   127.0.0.3
      down   IN MX  10 mx-down
      mx-down IN A  127.0.0.2
      """;

  static LocalMailbox mail;
  static LocalDnsZoneServer dns;
  static int closedPort;

  @BeforeAll
  static void start() throws Exception {
    mail = LocalMailbox.start();
    dns = LocalDnsZoneServer.builder().zone(ZONE).start();
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = s.getLocalPort();
    }
  }

  @AfterAll
  static void stop() {
    dns.close();
    mail.close();
  }

  @BeforeEach
  void reset() throws Exception {
    mail.clear();
    mail.next(LocalMailbox.Delivery.INBOX);
  }

  /** Exchanges on 127.0.0.3 are GreenMail; 127.0.0.2 is a port where nothing listens. */
  static DeliveryPathCheck deliveryPath() throws Exception {
    InetAddress gm = InetAddress.getByName("127.0.0.3");
    InetAddress down = InetAddress.getByName("127.0.0.2");
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    return DeliveryPathCheck.builder()
        .client(c -> c.dns(d -> d.server(dns.address()).timeout(Duration.ofSeconds(2))))
        .connectTo(
            a ->
                a.getAddress().equals(gm)
                    ? new InetSocketAddress(loopback, mail.smtpPort())
                    : a.getAddress().equals(down) ? new InetSocketAddress(loopback, closedPort) : a)
        .client(c -> c.ehloName("probe.outside.test"))
        .sender("postmaster@outside.test")
        .reverseDns(false)
        .client(c -> c.timeouts(SmtpTimeouts.all(Duration.ofSeconds(3))))
        .build();
  }

  static PostfixLogSource emptyLog() {
    return PostfixLogSource.builder()
        .name("postfix (no record)")
        .year(2024)
        .lines(List.of())
        .build();
  }

  static MessageQuery question(String recipient) {
    return MessageQuery.builder()
        .sender("alice@example.org")
        .recipient(recipient)
        .around(Instant.parse("2024-01-02T09:00:00Z"), Duration.ofHours(2))
        .build();
  }

  @Test
  void investigate_notFoundAndTheMxAcceptsTheRecipient_routeCheckedOk() throws Exception {
    InvestigationReport r =
        MissingMessageInvestigation.builder()
            .serverLog(emptyLog())
            .deliveryPath(deliveryPath())
            .build()
            .investigate(question("bob@example.net"));

    assertThat(r.conclusion()).as("%s", r).isEqualTo(Conclusion.NEVER_REACHED_US);
    StageResult route = r.stage(InvestigationStage.INBOUND_ROUTE);
    assertThat(route.status()).isEqualTo(StageStatus.CHECKED_OK);
    assertThat(route.source()).isEqualTo("delivery path of example.net");
    assertThat(r.inboundRoute()).containsInstanceOf(DeliveryPathReport.class);
    assertThat(((DeliveryPathReport) r.inboundRoute().orElseThrow()).stage())
        .isEqualTo(DeliveryStage.ACCEPTED);
    assertThat(r.summary()).doesNotContain("fails now");
  }

  @Test
  void investigate_notFoundAndTheMxIsDown_routeProblemInTheConclusion() throws Exception {
    InvestigationReport r =
        MissingMessageInvestigation.builder()
            .serverLog(emptyLog())
            .deliveryPath(deliveryPath())
            .build()
            .investigate(question("bob@down.example.net"));

    assertThat(r.conclusion()).as("%s", r).isEqualTo(Conclusion.NEVER_REACHED_US);
    assertThat(r.stage(InvestigationStage.INBOUND_ROUTE).status()).isEqualTo(StageStatus.PROBLEM);
    assertThat(((DeliveryPathReport) r.inboundRoute().orElseThrow()).stage())
        .isEqualTo(DeliveryStage.UNREACHABLE);
    assertThat(r.summary()).contains("inbound mail fails now as well");
    assertThat(r.toString())
        .contains("[PROBLEM] Inbound route (delivery path of down.example.net)");
  }

  @Test
  void investigate_notFoundAndATestMessageArrives_testMessageCheckedOk() {
    RoundTripProbe probe = mail.probe().build();

    InvestigationReport r =
        MissingMessageInvestigation.builder()
            .serverLog(emptyLog())
            .testMessage(probe)
            .build()
            .investigate(question(LocalMailbox.EMAIL));

    assertThat(r.stage(InvestigationStage.TEST_MESSAGE).status())
        .as("%s", r)
        .isEqualTo(StageStatus.CHECKED_OK);
    assertThat(r.stage(InvestigationStage.TEST_MESSAGE).summary())
        .startsWith("a test message arrived in INBOX (inbox) after");
    assertThat(r.testMessage().orElseThrow().arrived()).isTrue();
    assertThat(r.conclusion()).isEqualTo(Conclusion.NEVER_REACHED_US);
  }

  @Test
  void investigate_notFoundAndTheTestMessageIsLostToo_testMessageProblem() {
    mail.next(LocalMailbox.Delivery.DROP);
    RoundTripProbe probe = mail.probe().deadline(Duration.ofMillis(500)).build();

    InvestigationReport r =
        MissingMessageInvestigation.builder()
            .serverLog(emptyLog())
            .testMessage(probe)
            .build()
            .investigate(question(LocalMailbox.EMAIL));

    assertThat(r.stage(InvestigationStage.TEST_MESSAGE).status()).isEqualTo(StageStatus.PROBLEM);
    assertThat(r.stage(InvestigationStage.TEST_MESSAGE).summary())
        .isEqualTo("a test message was accepted but never arrived");
    assertThat(r.summary()).contains("inbound mail fails now as well");
    assertThat(r.nextSteps())
        .first()
        .asString()
        .startsWith("Check message tracking (the delivery log) on the server that accepted it");
  }
}
