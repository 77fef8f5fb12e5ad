package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import dev.mailpath.diag.testkit.ScriptedSmtpServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Host names and reverse DNS through diag-dns against a local zone server; never system DNS. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SmtpConversationDnsTest {

  private static LocalDnsZoneServer dns;

  @BeforeAll
  static void startDns() {
    dns =
        LocalDnsZoneServer.builder()
            .zone(
                """
                $ORIGIN mail.test.
                $TTL 300
                @    IN SOA ns1 hostmaster 1 3600 600 86400 300
                @    IN NS  ns1
                ns1  IN A   127.0.0.1
                mx1  IN A   127.0.0.1
                """)
            .zone(
                """
                $ORIGIN 0.0.127.in-addr.arpa.
                $TTL 300
                @    IN SOA ns1.mail.test. hostmaster.mail.test. 1 3600 600 86400 300
                @    IN NS  ns1.mail.test.
                1    IN PTR mx1.mail.test.
                """)
            .start();
  }

  @AfterAll
  static void stopDns() {
    dns.close();
  }

  private static SmtpClient client() {
    return SmtpClient.builder()
        .dns(d -> d.server(dns.address()))
        .timeouts(SmtpTimeouts.all(Duration.ofSeconds(2)))
        .build();
  }

  private static SmtpConversation to(String host, ScriptedSmtpServer server) {
    return SmtpConversation.to(host, server.port());
  }

  @Test
  void run_hostName_isResolvedThroughGivenDnsServer() {
    try (ScriptedSmtpServer server =
        ScriptedSmtpServer.builder().reply(220, "mx1.mail.test ESMTP").start()) {
      SmtpReport r = client().run(to("mx1.mail.test", server));

      assertThat(r.completed()).as("%s", r).isTrue();
      assertThat(r.findings()).isEmpty();
      assertThat(r.remoteAddress()).contains("127.0.0.1:" + server.port());
      assertThat(r.transcript().toString()).contains("mx1.mail.test resolves to 127.0.0.1");
    }
  }

  @Test
  void run_bannerNameDiffersFromReverseDns_reportsRdnsMismatch() {
    try (ScriptedSmtpServer server =
        ScriptedSmtpServer.builder().reply(220, "smtp.other.test ESMTP").start()) {
      SmtpReport r = client().run(to("127.0.0.1", server));

      assertThat(r.findings(SmtpFinding.BANNER_RDNS_MISMATCH))
          .singleElement()
          .satisfies(f -> assertThat(f.summary()).contains("smtp.other.test", "mx1.mail.test"));
    }
  }

  @Test
  void run_ehloNameDiffersFromReverseDns_reportsEhloRdnsMismatch() {
    try (ScriptedSmtpServer server =
        ScriptedSmtpServer.builder()
            .reply(220, "mx1.mail.test ESMTP")
            .expect("EHLO")
            .reply(250, "relay.other.test")
            .start()) {
      SmtpReport r = client().run(to("127.0.0.1", server).ehlo("c.test"));

      assertThat(r.hasFinding(SmtpFinding.BANNER_RDNS_MISMATCH)).isFalse();
      assertThat(r.findings(SmtpFinding.EHLO_RDNS_MISMATCH))
          .singleElement()
          .satisfies(f -> assertThat(f.summary()).contains("relay.other.test", "mx1.mail.test"));
    }
  }

  @Test
  void run_unknownHostName_reportsUnresolved() {
    try (ScriptedSmtpServer server =
        ScriptedSmtpServer.builder().reply(220, "mx1.mail.test").start()) {
      SmtpReport r = client().run(to("nope.mail.test", server));

      assertThat(r.hasFinding(SmtpFinding.HOST_UNRESOLVED)).as("%s", r).isTrue();
      assertThat(r.endedAt()).contains(SmtpPhase.CONNECT);
      assertThat(server.connectionCount()).isZero();
    }
  }
}
