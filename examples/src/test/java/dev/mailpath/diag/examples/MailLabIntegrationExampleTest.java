package dev.mailpath.diag.examples;

import static dev.mailpath.diag.assertj.DiagAssertions.assertThat;

import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.dns.MxReport;
import dev.mailpath.diag.dns.MxResolver;
import dev.mailpath.diag.smtp.SmtpConversation;
import dev.mailpath.diag.smtp.SmtpPhase;
import dev.mailpath.diag.smtp.SmtpReport;
import dev.mailpath.diag.testkit.junit5.MailLabExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What an outside project writes: an MX and SMTP integration test against a lab on loopback. */
class MailLabIntegrationExampleTest {
  @RegisterExtension
  static MailLabExtension lab =
      MailLabExtension.builder()
          .domain("example.com")
          .mailbox("alice@example.com", "alice", "secret")
          .build();

  @Test
  void mailForAlice_isAcceptedByTheDomainsExchange() {
    MxReport mx =
        MxResolver.builder().dns(d -> d.server(lab.dnsAddress())).build().resolve("example.com");
    assertThat(mx).hasExchanges("mx.example.com").hasNoFindingAtOrAbove(Severity.WARNING);

    SmtpReport smtp =
        SmtpConversation.to(mx.addresses().get(0).getHostAddress(), lab.smtpPort())
            .ehlo("client.example.net")
            .mailFrom("bob@example.net")
            .rcptTo("alice@example.com")
            .quitAfter(SmtpPhase.RCPT)
            .run();
    assertThat(smtp)
        .isCompleted()
        .transcript()
        .containsCommand("RCPT TO:<alice@example.com>")
        .hasReply(250);
  }
}
