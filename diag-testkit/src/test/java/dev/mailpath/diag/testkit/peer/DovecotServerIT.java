package dev.mailpath.diag.testkit.peer;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.testkit.TestCertificates;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ring 3: a real Dovecot IMAP server from Debian, started on loopback with a throwaway
 * configuration. Skipped when Dovecot's IMAP service or root is missing, unless {@code
 * -Dpeers.required=true}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DovecotServerIT {

  static byte[] message(String id) {
    return ("From: alice@example.org\r\nTo: bob@example.net\r\nSubject: test "
            + id
            + "\r\nMessage-ID: <"
            + id
            + "@example.org>\r\nDate: Tue, 2 Jan 2024 09:00:00 +0000\r\n\r\nHello\r\n")
        .getBytes(US_ASCII);
  }

  static Store login(String protocol, int port, String user, String password, Properties extra)
      throws Exception {
    Properties p = new Properties();
    p.setProperty("mail." + protocol + ".connectiontimeout", "5000");
    p.setProperty("mail." + protocol + ".timeout", "5000");
    p.putAll(extra);
    Store store = Session.getInstance(p).getStore(protocol);
    store.connect("127.0.0.1", port, user, password);
    return store;
  }

  @Test
  void start_maildir_servesSpecialUseFoldersAndMailDeliveredByTheLda() throws Exception {
    DovecotServer.requireInstalled();
    try (DovecotServer imap =
        DovecotServer.builder().user("bob", "b0b-Pa55").user("carol", "c4rol").start()) {
      imap.deliver("bob", message("one"));
      imap.deliver("bob", "Junk", message("two"));
      imap.doveadm("flags", "add", "-u", "bob", "\\Deleted", "mailbox", "Junk", "ALL");

      Store store = login("imap", imap.imapPort(), "bob", "b0b-Pa55", new Properties());
      try {
        Map<String, String[]> attributes = new HashMap<>();
        for (Folder f : store.getDefaultFolder().list("*")) {
          attributes.put(f.getFullName(), ((IMAPFolder) f).getAttributes());
        }
        assertThat(attributes).containsKeys("INBOX", "Junk", "Trash", "Sent", "Drafts", "Archive");
        assertThat(Arrays.asList(attributes.get("Junk"))).contains("\\Junk");
        assertThat(Arrays.asList(attributes.get("Trash"))).contains("\\Trash");

        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        assertThat(inbox.getMessageCount()).isEqualTo(1);
        assertThat(inbox.getMessage(1).getHeader("Message-ID"))
            .containsExactly("<one@example.org>");
        inbox.close(false);
        Folder junk = store.getFolder("Junk");
        junk.open(Folder.READ_ONLY);
        Message m = junk.getMessage(1);
        assertThat(m.getFlags().contains(Flags.Flag.DELETED)).isTrue();
        junk.close(false);
      } finally {
        store.close();
      }
      assertThat(Files.isDirectory(imap.mailbox("bob").resolve("new"))).isTrue();
      assertThat(imap.mailLocation()).startsWith("maildir:").endsWith("/%n");
      assertThat(imap.mailUid()).isPositive();
      assertThat(imap.logText()).contains("Login: user=<bob>");
      assertThatThrownBy(() -> login("imap", imap.imapPort(), "bob", "wrong", new Properties()))
          .isInstanceOf(jakarta.mail.AuthenticationFailedException.class);
    }
  }

  @Test
  void start_mbox_keepsTheInboxInAnMboxFile() throws Exception {
    DovecotServer.requireInstalled();
    try (DovecotServer imap =
        DovecotServer.builder()
            .user("bob", "b0b-Pa55")
            .format(DovecotServer.MailFormat.MBOX)
            .start()) {
      imap.deliver("bob", message("mbox-1"));

      Store store = login("imap", imap.imapPort(), "bob", "b0b-Pa55", new Properties());
      try {
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        assertThat(inbox.getMessageCount()).isEqualTo(1);
        inbox.close(false);
      } finally {
        store.close();
      }
      assertThat(Files.readString(imap.mailbox("bob").resolve("inbox"), US_ASCII))
          .startsWith("From ")
          .contains("<mbox-1@example.org>");
      assertThat(imap.format()).isEqualTo(DovecotServer.MailFormat.MBOX);
    }
  }

  @Test
  void start_withTls_offersImapsWithTheCertificate() throws Exception {
    DovecotServer.requireInstalled();
    TestCertificates.ServerCertificate cert = TestCertificates.selfSigned("imap.dovecot.test");
    try (DovecotServer imap = DovecotServer.builder().user("bob", "b0b-Pa55").tls(cert).start()) {
      Properties tls = new Properties();
      tls.put("mail.imaps.ssl.socketFactory", cert.clientContext().getSocketFactory());
      tls.setProperty("mail.imaps.ssl.checkserveridentity", "false");
      Store store = login("imaps", imap.imapsPort().orElseThrow(), "bob", "b0b-Pa55", tls);
      assertThat(store.isConnected()).isTrue();
      store.close();
    }
  }

  @Test
  void close_stopsDovecotAndDeletesItsDirectory() {
    DovecotServer.requireInstalled();
    DovecotServer imap = DovecotServer.builder().user("bob", "b0b-Pa55").start();
    Path dir = imap.directory();
    assertThat(imap.running()).isTrue();

    imap.close();
    imap.close();

    assertThat(imap.running()).isFalse();
    assertThat(dir).doesNotExist();
    assertThat(imap.logText()).contains("starting up");
  }

  @Test
  void builder_badInput_throwsBeforeStarting() {
    assertThatThrownBy(() -> DovecotServer.builder().user("Bob Smith", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DovecotServer.builder().user("bob", "a:b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DovecotServer.builder().folder("a/b", ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DovecotServer.builder().folder("Spam", "Junk"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DovecotServer.builder().port(25))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DovecotServer.builder().start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("user(name, password)");
  }
}
