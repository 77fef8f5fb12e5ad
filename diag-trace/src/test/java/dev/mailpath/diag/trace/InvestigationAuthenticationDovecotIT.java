package dev.mailpath.diag.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.auth.DmarcResult;
import dev.mailpath.diag.core.TlsMode;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import dev.mailpath.diag.testkit.TestCertificates;
import dev.mailpath.diag.testkit.peer.DovecotServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ring 3: the Junk case against a real Dovecot (implicit TLS, special-use Junk folder, the message
 * delivered by Dovecot's own LDA): the investigation finds the message in Junk, fetches its source
 * with BODY.PEEK[] (Dovecot leaves it unread) and checks SPF and DMARC against a local DNS zone.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InvestigationAuthenticationDovecotIT {
  static final TestCertificates.ServerCertificate IMAP_CERT =
      TestCertificates.selfSigned("imap.auth.test");
  static final String PASSWORD = "b0b-Dovecot-Auth";

  static DovecotServer dovecot;
  static LocalDnsZoneServer dns;

  @BeforeAll
  static void start() {
    DovecotServer.requireInstalled();
    dovecot = DovecotServer.builder().user("bob", PASSWORD).tls(IMAP_CERT).start();
    dns =
        LocalDnsZoneServer.builder()
            .zone(MessageAuthenticationTest.ROOT)
            .zone(MessageAuthenticationTest.ZONE)
            .zone(MessageAuthenticationTest.ZONE_NET)
            .start();
  }

  @AfterAll
  static void stop() {
    if (dovecot != null) {
      dovecot.close();
    }
    if (dns != null) {
      dns.close();
    }
  }

  static MailboxSearch bobsMailbox() {
    return MailboxSearch.builder()
        .server(dovecot.host(), dovecot.imapsPort().orElseThrow())
        .tlsMode(TlsMode.IMPLICIT)
        .tls(t -> t.expectedName("imap.auth.test").sslContext(IMAP_CERT.clientContext()))
        .credentials("bob", PASSWORD)
        .connectTimeout(Duration.ofSeconds(5))
        .timeout(Duration.ofSeconds(10))
        .build();
  }

  @Test
  void junkInDovecot_sourceFetchedUnread_andTheSpfFixComesFirst() {
    dovecot.deliver(
        "bob", "Junk", InvestigationAuthenticationTest.SPOOFED.getBytes(StandardCharsets.US_ASCII));
    MailboxSearch mailbox = bobsMailbox();

    InvestigationReport r =
        MissingMessageInvestigation.builder()
            .mailbox(mailbox)
            .authentication(
                MessageAuthentication.builder()
                    .dns(d -> d.server(dns.address()).timeout(Duration.ofSeconds(2)))
                    .build())
            .build()
            .investigate(
                MessageQuery.builder()
                    .sender(InvestigationAuthenticationTest.ALICE)
                    .recipient(InvestigationAuthenticationTest.BOB)
                    .messageId("<spoofed-1@example.org>")
                    .build());

    assertThat(r.conclusion()).as("%s", r).isEqualTo(Conclusion.IN_MAILBOX_MOVED);
    assertThat(r.location().orElseThrow().role()).isEqualTo(FolderRole.JUNK);
    assertThat(r.authentication().orElseThrow().dmarc().orElseThrow().result())
        .isEqualTo(DmarcResult.FAIL);
    assertThat(r.nextSteps().get(0))
        .isEqualTo(
            "Add 127.0.0.66 (or the sending provider's include:) to the SPF record of example.org:"
                + " it says -all and does not list it");
    MessageSourceReport src = mailbox.fetchSource(r.location().orElseThrow());
    assertThat(new String(src.source(), StandardCharsets.US_ASCII))
        .contains("Message-ID: <spoofed-1@example.org>", "Please pay.");
    MailboxSearchReport again =
        mailbox.search(MessageQuery.builder().messageId("<spoofed-1@example.org>").build());
    assertThat(again.hits())
        .filteredOn(h -> h.role() == FolderRole.JUNK)
        .singleElement()
        .satisfies(h -> assertThat(h.seen()).as("fetched with BODY.PEEK[]").isFalse());
  }
}
