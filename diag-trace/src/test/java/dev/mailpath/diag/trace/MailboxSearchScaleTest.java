package dev.mailpath.diag.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailpath.diag.core.TlsMode;
import jakarta.mail.Flags;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The "Measure" item of issue 8: a Message-ID search costs the same number of IMAP commands
 * whatever the size of the folder, because the server searches and only the hit is fetched. The
 * counts are recorded in docs/benchmarks.md ("Mailbox search"); this test guards the property, not
 * timings.
 */
class MailboxSearchScaleTest {
  static GreenMail greenMail;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP));
    greenMail.start();
    port = greenMail.getImap().getPort();
    fill(greenMail.setUser("small@example.net", "small", "pw-small"), 200);
    fill(greenMail.setUser("large@example.net", "large", "pw-large"), 2000);
  }

  @AfterAll
  static void stop() {
    greenMail.stop();
  }

  static void fill(GreenMailUser user, int n) throws Exception {
    MailFolder inbox = greenMail.getManagers().getImapHostManager().getInbox(user);
    Session session = Session.getInstance(new Properties());
    Instant t0 = Instant.parse("2024-01-01T00:00:00Z");
    for (int i = 0; i < n; i++) {
      String raw =
          "Received: from a.example (a.example [192.0.2.1]) by mx.example.net with ESMTPS id Q"
              + i
              + "; Mon, 1 Jan 2024 00:00:00 +0000\r\n"
              + "Message-ID: <m"
              + i
              + "@example.org>\r\n"
              + "From: sender"
              + (i % 50)
              + "@example.org\r\n"
              + "To: "
              + user.getEmail()
              + "\r\n"
              + "Subject: message "
              + i
              + "\r\n\r\nbody "
              + i
              + "\r\n";
      inbox.appendMessage(
          new MimeMessage(
              session, new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))),
          new Flags(),
          Date.from(t0.plusSeconds(60L * i)));
    }
  }

  static MailboxSearchReport search(String user, String password, String messageId) {
    return MailboxSearch.builder()
        .server("127.0.0.1", port)
        .tlsMode(TlsMode.NONE)
        .credentials(user, password)
        .timeout(Duration.ofSeconds(10))
        .build()
        .search(MessageQuery.byMessageId(messageId));
  }

  @Test
  void search_messageIdIn200vs2000MessageFolder_sameCommandCountAndBytesWithinBound() {
    MailboxSearchReport small = search("small", "pw-small", "m150@example.org");
    MailboxSearchReport large = search("large", "pw-large", "m1500@example.org");

    assertThat(small.hits()).hasSize(1);
    assertThat(large.hits()).hasSize(1);
    assertThat(large.folders().get(0).messages()).isEqualTo(2000);
    assertThat(large.commands()).isEqualTo(small.commands());
    // Only the counts in EXISTS/UIDNEXT and the ids differ by a few digits.
    assertThat(Math.abs(large.bytesSent() - small.bytesSent())).isLessThanOrEqualTo(16);
    assertThat(Math.abs(large.bytesReceived() - small.bytesReceived())).isLessThanOrEqualTo(64);
    assertThat(large.bytesReceived()).isLessThan(4096);
  }

  @Test
  void search_senderMatchingManyMessages_fetchesAtMostTheCandidateLimit() {
    MailboxSearchReport r =
        MailboxSearch.builder()
            .server("127.0.0.1", port)
            .tlsMode(TlsMode.NONE)
            .credentials("large", "pw-large")
            .maxCandidatesPerFolder(10)
            .build()
            .search(MessageQuery.builder().sender("sender7@example.org").build());

    // 40 of the 2000 messages are from sender7; only the newest 10 are fetched
    assertThat(r.folders().get(0).candidates()).isEqualTo(40);
    assertThat(r.hits()).hasSize(10);
    assertThat(r.hasFinding(TraceFinding.IMAP_TRUNCATED)).isTrue();
  }
}
