package dev.mailpath.diag.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.TlsMode;
import jakarta.mail.Flags;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MailboxSearchTest {
  static final String PASSWORD = "s3cret-Pa55";
  static GreenMail greenMail;
  static int imapPort;
  static int imapsPort;

  @BeforeAll
  static void start() throws Exception {
    greenMail =
        new GreenMail(
            new ServerSetup[] {
              new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP),
              new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAPS)
            });
    greenMail.start();
    imapPort = greenMail.getImap().getPort();
    imapsPort = greenMail.getImaps().getPort();
    GreenMailUser bob = greenMail.setUser("bob@example.net", "bob", PASSWORD);
    ImapHostManager m = greenMail.getManagers().getImapHostManager();
    MailFolder inbox = m.getInbox(bob);
    MailFolder junk = m.createMailbox(bob, "Junk E-mail");
    MailFolder trash = m.createMailbox(bob, "Deleted Items");
    MailFolder projects = m.createMailbox(bob, "Projects");
    m.createMailbox(bob, "Spam");

    inbox.appendMessage(
        message("inbox-1@example.org", "alice@example.org", "Weekly report"),
        new Flags(Flags.Flag.SEEN),
        date("2024-01-02T08:00:00Z"));
    inbox.appendMessage(
        message("inbox-2@example.org", "malice@example.org", "Weekly report too"),
        new Flags(),
        date("2024-01-02T09:00:00Z"));
    inbox.appendMessage(
        message("late@example.org", "alice@example.org", "Weekly report, late"),
        new Flags(),
        date("2024-01-02T23:00:00Z"));
    junk.appendMessage(
        message("numbers@example.org", "alice@example.org", "Quarterly numbers"),
        new Flags(),
        date("2024-01-02T09:00:43Z"));
    trash.appendMessage(
        message("gone@example.org", "carol@example.org", "Lunch"),
        new Flags(Flags.Flag.DELETED),
        date("2024-01-03T12:00:00Z"));
    projects.appendMessage(
        message("moved@example.org", "dave@example.org", "Project X"),
        new Flags(),
        date("2024-01-04T12:00:00Z"));
    projects.appendMessage(
        message("old-numbers@example.org", "dave@example.org", "Old numbers"),
        new Flags(),
        date("2023-01-04T12:00:00Z"));
  }

  @AfterAll
  static void stop() {
    greenMail.stop();
  }

  static Date date(String iso) {
    return Date.from(Instant.parse(iso));
  }

  static MimeMessage message(String id, String from, String subject) throws Exception {
    String raw =
        "Received: from submit.example.org (submit.example.org [198.51.100.7])\r\n"
            + "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\r\n"
            + "\tby mx.example.net (Postfix) with ESMTPS id 4T4Bq41XkLz9sP\r\n"
            + "\tfor <bob@example.net>; Tue,  2 Jan 2024 09:00:02 +0000 (UTC)\r\n"
            + "Received: from laptop (unknown [203.0.113.5])\r\n"
            + "\tby submit.example.org (Postfix) with ESMTPSA id 4T4Bq3Qw1M\r\n"
            + "\tfor <bob@example.net>; Tue,  2 Jan 2024 10:00:00 +0100\r\n"
            + "Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=example.org; dmarc=pass header.from=example.org\r\n"
            + "Message-ID: <"
            + id
            + ">\r\n"
            + "From: "
            + from
            + "\r\n"
            + "To: Bob <bob@example.net>\r\n"
            + "Subject: "
            + subject
            + "\r\n"
            + "Date: Tue, 2 Jan 2024 10:00:00 +0100\r\n"
            + "\r\n"
            + "Body of "
            + id
            + "\r\n";
    return new MimeMessage(
        Session.getInstance(new Properties()),
        new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
  }

  static MailboxSearch.Builder plain() {
    return MailboxSearch.builder()
        .server("127.0.0.1", imapPort)
        .tlsMode(TlsMode.NONE)
        .credentials("bob", PASSWORD)
        .connectTimeout(Duration.ofSeconds(5))
        .timeout(Duration.ofSeconds(5));
  }

  static List<String> codes(MailboxSearchReport r) {
    return r.findings().stream().map(Finding::code).toList();
  }

  @Test
  void search_messageIdInJunkEmail_findsHitWithRoleFromName() {
    MailboxSearchReport r = plain().build().search(MessageQuery.byMessageId("numbers@example.org"));

    assertThat(r.hits())
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.folder()).isEqualTo("Junk E-mail");
              assertThat(h.role()).isEqualTo(FolderRole.JUNK);
              assertThat(h.messageId()).contains("<numbers@example.org>");
              assertThat(h.from()).containsExactly("alice@example.org");
              assertThat(h.internalDate()).contains(Instant.parse("2024-01-02T09:00:43Z"));
              assertThat(h.uid()).isPresent();
              assertThat(h.receivedChain().hops()).hasSize(2);
              assertThat(h.receivedChain().hops().get(1).by()).contains("mx.example.net");
              assertThat(h.receivedChain().authenticationResults()).hasSize(1);
            });
    assertThat(codes(r)).containsExactly("trace.mailbox.found-in-junk");
    assertThat(r.outcome()).isEqualTo(Outcome.WARN);
    assertThat(r.folders())
        .extracting(MailboxFolder::name)
        .contains("INBOX", "Junk E-mail", "Deleted Items", "Projects", "Spam");
    assertThat(r.folders())
        .filteredOn(f -> f.name().equals("Spam"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.role()).isEqualTo(FolderRole.JUNK);
              assertThat(f.specialUse()).isFalse();
            });
  }

  @Test
  void search_deletedMessageInDeletedItems_reportsTrashAndDeletedFlag() {
    MailboxSearchReport r = plain().build().search(MessageQuery.byMessageId("<gone@example.org>"));

    assertThat(r.hits())
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.role()).isEqualTo(FolderRole.TRASH);
              assertThat(h.deleted()).isTrue();
            });
    assertThat(codes(r))
        .containsExactly("trace.mailbox.found-in-trash", "trace.mailbox.deleted-flag");
  }

  @Test
  void search_messageMovedToOtherFolder_reportsFoundInFolder() {
    MailboxSearchReport r =
        plain().build().search(MessageQuery.builder().subject("project x").build());

    assertThat(r.hits()).extracting(MailboxHit::folder).containsExactly("Projects");
    assertThat(codes(r)).containsExactly("trace.mailbox.found-in-folder");
  }

  @Test
  void search_messageIdSubstringOnServer_matchesExactIdOnClient() {
    MailboxSearchReport r = plain().build().search(MessageQuery.byMessageId("numbers@example.org"));

    // IMAP HEADER search is a substring match: <old-numbers@example.org> is a server-side
    // candidate, and the client drops it
    assertThat(r.folders())
        .filteredOn(f -> f.name().equals("Projects"))
        .singleElement()
        .satisfies(f -> assertThat(f.candidates()).isEqualTo(1));
    assertThat(r.hits())
        .extracting(h -> h.messageId().orElseThrow())
        .containsExactly("<numbers@example.org>");
  }

  @Test
  void search_senderAddress_matchesExactAddressOnClient() {
    MailboxSearchReport r =
        plain()
            .build()
            .search(MessageQuery.builder().sender("alice@example.org").subject("Weekly").build());

    assertThat(r.hits())
        .extracting(h -> h.messageId().orElseThrow())
        .containsExactlyInAnyOrder("<inbox-1@example.org>", "<late@example.org>");
  }

  @Test
  void search_timeWindow_isExactAlthoughImapSearchesByDay() {
    MessageQuery q =
        MessageQuery.builder()
            .sender("alice@example.org")
            .window(Instant.parse("2024-01-02T07:00:00Z"), Instant.parse("2024-01-02T12:00:00Z"))
            .build();

    MailboxSearchReport r = plain().build().search(q);

    assertThat(r.hits())
        .extracting(h -> h.messageId().orElseThrow())
        .containsExactlyInAnyOrder("<inbox-1@example.org>", "<numbers@example.org>");
    assertThat(r.hits())
        .filteredOn(h -> h.role() == FolderRole.INBOX)
        .singleElement()
        .satisfies(h -> assertThat(h.seen()).isTrue());
    assertThat(codes(r))
        .containsExactlyInAnyOrder("trace.mailbox.found", "trace.mailbox.found-in-junk");
  }

  @Test
  void search_recipient_findsThroughToHeader() {
    MailboxSearchReport r =
        plain()
            .build()
            .search(
                MessageQuery.builder()
                    .recipient("bob@example.net")
                    .sender("dave@example.org")
                    .build());

    assertThat(r.hits()).extracting(MailboxHit::folder).containsExactly("Projects", "Projects");
  }

  @Test
  void search_nothingMatches_reportsNotFound() {
    MailboxSearchReport r =
        plain().build().search(MessageQuery.byMessageId("never-sent@example.org"));

    assertThat(r.hits()).isEmpty();
    assertThat(codes(r)).containsExactly("trace.mailbox.not-found");
    assertThat(r.outcome()).isEqualTo(Outcome.WARN);
  }

  @Test
  void search_countsCommandsAndBytesAndKeepsTranscript() {
    MailboxSearchReport r = plain().build().search(MessageQuery.byMessageId("numbers@example.org"));

    assertThat(r.commands()).isGreaterThan(5);
    assertThat(r.bytesSent()).isPositive();
    assertThat(r.bytesReceived()).isGreaterThan(r.bytesSent());
    String transcript = r.transcript().toString();
    assertThat(transcript).contains(" -> ", "EXAMINE", "SEARCH", "FETCH", "[redacted]");
    assertThat(transcript).doesNotContainIgnoringCase("RFC822.TEXT").doesNotContain("BODY[]");
    assertThat(r.toString()).contains("Junk E-mail", "IMAP: ").doesNotContain(PASSWORD);
  }

  @Test
  void search_wrongPassword_reportsAuthFailedWithoutPassword() {
    MailboxSearchReport r =
        plain()
            .credentials("bob", "wrong-" + PASSWORD)
            .build()
            .search(MessageQuery.byMessageId("x@example.org"));

    assertThat(codes(r)).containsExactly("trace.imap.auth-failed");
    assertThat(r.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    assertThat(r.toString() + r.transcript()).doesNotContain(PASSWORD);
  }

  @Test
  void search_portClosed_reportsConnectFailed() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }

    MailboxSearchReport r =
        plain()
            .server("127.0.0.1", closed)
            .build()
            .search(MessageQuery.byMessageId("x@example.org"));

    assertThat(codes(r)).containsExactly("trace.imap.connect-failed");
    assertThat(r.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
  }

  @Test
  void search_serverNeverGreets_reportsTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      MailboxSearchReport r =
          plain()
              .server("127.0.0.1", silent.getLocalPort())
              .timeout(Duration.ofMillis(300))
              .build()
              .search(MessageQuery.byMessageId("x@example.org"));

      assertThat(codes(r)).containsExactly("trace.imap.timeout");
      assertThat(r.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    }
  }

  @Test
  void search_imapsWithTrustedContext_findsMessage() throws Exception {
    SSLContext trustAll = SSLContext.getInstance("TLS");
    trustAll.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());

    MailboxSearchReport r =
        plain()
            .server("127.0.0.1", imapsPort)
            .tlsMode(TlsMode.IMPLICIT)
            .tls(t -> t.sslContext(trustAll))
            .build()
            .search(MessageQuery.byMessageId("numbers@example.org"));

    assertThat(r.hits()).hasSize(1);
    assertThat(r.server()).startsWith("imaps://bob@127.0.0.1:");
    assertThat(r.transcript().lines())
        .anySatisfy(l -> assertThat(l.direction().insideTls()).isTrue());
  }

  @Test
  void search_imapsWithUntrustedCertificate_reportsTlsFailed() {
    MailboxSearchReport r =
        plain()
            .server("127.0.0.1", imapsPort)
            .tlsMode(TlsMode.IMPLICIT)
            .tls(t -> t.expectedName("imap.example.net"))
            .build()
            .search(MessageQuery.byMessageId("numbers@example.org"));

    assertThat(codes(r)).containsExactly("trace.imap.tls-failed");
    assertThat(r.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
  }

  @Test
  void searchAsync_completesWithReport() throws Exception {
    MailboxSearchReport r =
        plain().build().searchAsync(MessageQuery.byMessageId("moved@example.org")).get();

    assertThat(r.hits()).hasSize(1);
  }

  @Test
  void builder_missingServerOrCredentials_throwsWithFix() {
    assertThatThrownBy(() -> MailboxSearch.builder().credentials("a", "b").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("server(host, port)");
    assertThatThrownBy(() -> MailboxSearch.builder().server("127.0.0.1", 143).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("credentials");
    assertThatThrownBy(() -> MailboxSearch.builder().server("bad host", 143))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MailboxSearch.builder().credentials("bob\r\nA1 LOGOUT", "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toString_neverShowsPassword() {
    MailboxSearch s = plain().build();

    assertThat(s.toString()).isEqualTo("MailboxSearch[imap://bob@127.0.0.1:" + imapPort + "]");
  }

  /** Trusts every certificate; an extended manager, so the JDK adds no host-name check. */
  static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
