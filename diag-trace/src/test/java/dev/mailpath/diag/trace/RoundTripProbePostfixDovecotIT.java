package dev.mailpath.diag.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.TlsMode;
import dev.mailpath.diag.smtp.SmtpClient;
import dev.mailpath.diag.smtp.SmtpCredentials;
import dev.mailpath.diag.smtp.SmtpTimeouts;
import dev.mailpath.diag.testkit.TestCertificates;
import dev.mailpath.diag.testkit.peer.DovecotServer;
import dev.mailpath.diag.testkit.peer.PostfixServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ring 3, one full round trip through real servers from Debian: a Postfix on loopback takes the
 * probe over SMTP (STARTTLS with a certificate made at test time, AUTH through Dovecot SASL),
 * delivers it with its {@code virtual} agent into a Maildir, and a separate Dovecot IMAP server
 * (implicit TLS) serves that Maildir to the probe's mailbox search. The investigation then reads
 * the real Postfix log as message tracking.
 *
 * <p>{@link PostfixServer} delivers only to local users; this test switches the instance to virtual
 * mailbox delivery into {@link DovecotServer}'s store with {@code postconf} and {@code postfix
 * reload}: the harness's own files are not changed, only the running instance.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RoundTripProbePostfixDovecotIT {
  static final TestCertificates.ServerCertificate SMTP_CERT =
      TestCertificates.selfSigned("mx.postfix.test");
  static final TestCertificates.ServerCertificate IMAP_CERT =
      TestCertificates.selfSigned("imap.postfix.test");
  static final String ALICE_PASSWORD = "4lice-Smtp";
  static final String BOB_PASSWORD = "b0b-Imap";

  static DovecotServer dovecot;
  static PostfixServer postfix;

  @BeforeAll
  static void start() {
    DovecotServer.requireInstalled();
    dovecot = DovecotServer.builder().user("bob", BOB_PASSWORD).tls(IMAP_CERT).start();
    postfix =
        PostfixServer.builder()
            .myHostname("mx.postfix.test")
            .domain("postfix.test")
            .user("alice", ALICE_PASSWORD)
            .tls(SMTP_CERT)
            .saslWithDovecot()
            .tlsAuthOnly(true)
            .start();
    deliverInto(postfix, dovecot, "postfix.test");
  }

  @AfterAll
  static void stop() {
    if (postfix != null) {
      postfix.close();
    }
    if (dovecot != null) {
      dovecot.close();
    }
  }

  /**
   * Makes the running Postfix deliver mail for {@code domain} to the Dovecot users' Maildirs with
   * its virtual(8) agent, writing as the store's owner, then reloads it.
   */
  static void deliverInto(PostfixServer postfix, DovecotServer dovecot, String domain) {
    Path conf = postfix.directory().resolve("conf");
    StringBuilder map = new StringBuilder();
    for (String user : dovecot.users()) {
      map.append(user)
          .append('@')
          .append(domain)
          .append(' ')
          .append(user)
          .append("/\n"); // trailing slash: Maildir
    }
    try {
      Files.writeString(conf.resolve("vmailbox"), map.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String c = conf.toString();
    run(
        "postconf",
        "-c",
        c,
        "-e",
        "mydestination=localhost",
        "virtual_mailbox_domains=" + domain,
        "virtual_mailbox_base=" + dovecot.mailRoot(),
        "virtual_mailbox_maps=hash:" + conf.resolve("vmailbox"),
        "virtual_uid_maps=static:" + dovecot.mailUid(),
        "virtual_gid_maps=static:" + dovecot.mailGid(),
        "virtual_minimum_uid=1");
    run("postconf", "-c", c, "-M", "virtual/unix=virtual unix - n n - - virtual");
    run("postmap", "-c", c, "hash:" + conf.resolve("vmailbox"));
    run("postfix", "-c", c, "reload");
  }

  static void run(String... command) {
    List<String> cmd = new ArrayList<>(List.of(command));
    cmd.set(0, "/usr/sbin/" + command[0]);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError(
            String.join(" ", cmd) + " failed:\n" + out + "\n" + String.join("\n", postfix.log()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  static MailboxSearch bobsMailbox() {
    return MailboxSearch.builder()
        .server(dovecot.host(), dovecot.imapsPort().orElseThrow())
        .tlsMode(TlsMode.IMPLICIT)
        .tls(t -> t.expectedName("imap.postfix.test").sslContext(IMAP_CERT.clientContext()))
        .credentials("bob", BOB_PASSWORD)
        .connectTimeout(Duration.ofSeconds(5))
        .timeout(Duration.ofSeconds(10))
        .build();
  }

  @Test
  void run_postfixToDovecot_arrivesInTheInboxWithItsReceivedChain() {
    RoundTripProbe probe =
        RoundTripProbe.builder()
            .smtpServer(postfix.host(), postfix.port())
            .tlsMode(TlsMode.STARTTLS_REQUIRED)
            .client(
                SmtpClient.builder()
                    .tls(
                        t ->
                            t.trustManager(SMTP_CERT.trustManager())
                                .expectedName("mx.postfix.test"))
                    .timeouts(SmtpTimeouts.all(Duration.ofSeconds(10)))
                    .build())
            .credentials(SmtpCredentials.of("alice", ALICE_PASSWORD))
            .ehloName("client.postfix.test")
            .from("alice@postfix.test")
            .to("bob@postfix.test")
            .mailbox(bobsMailbox())
            .pollInterval(Duration.ofMillis(100), Duration.ofSeconds(1))
            .deadline(Duration.ofSeconds(60))
            .build();

    RoundTripReport r = probe.run();

    String context =
        r
            + "\n--- postfix log ---\n"
            + String.join("\n", postfix.log())
            + "\n--- dovecot log ---\n"
            + dovecot.logText();
    assertThat(r.accepted()).as(context).isTrue();
    assertThat(r.smtp().tls().orElseThrow().verified()).as(context).isTrue();
    assertThat(r.arrived()).as(context).isTrue();
    assertThat(r.folder()).contains("INBOX");
    assertThat(r.delay()).hasValueSatisfying(d -> assertThat(d).isLessThan(Duration.ofSeconds(60)));
    assertThat(r.hasFinding(TraceFinding.ROUNDTRIP_ARRIVED)).as(context).isTrue();
    assertThat(r.outcome()).as(context).isIn(Outcome.PASS, Outcome.WARN);
    ReceivedChainReport chain = r.receivedChain().orElseThrow();
    assertThat(chain.hops())
        .as(context)
        .anySatisfy(
            h -> {
              assertThat(h.by()).contains("mx.postfix.test");
              assertThat(h.with()).hasValueSatisfying(w -> assertThat(w).startsWith("ESMTPSA"));
              assertThat(h.security()).isEqualTo(TransportSecurity.TLS);
            });
    assertThat(r.smtp().transcript().toString()).doesNotContain(ALICE_PASSWORD);

    // Message tracking from the real Postfix log, and the mailbox: the investigation finds it in
    // the Inbox.
    PostfixLogSource log =
        PostfixLogSource.builder().name("postfix (test instance)").lines(postfix.log()).build();
    InvestigationReport inv =
        MissingMessageInvestigation.builder()
            .serverLog(log)
            .mailbox(bobsMailbox())
            .build()
            .investigate(
                MessageQuery.builder()
                    .sender("alice@postfix.test")
                    .recipient("bob@postfix.test")
                    .around(r.sentAt().orElseThrow(), Duration.ofMinutes(10))
                    .build());
    assertThat(inv.stage(InvestigationStage.SERVER_LOG).status())
        .as("%s\n%s", inv, context)
        .isEqualTo(StageStatus.CHECKED_OK);
    assertThat(inv.stage(InvestigationStage.SERVER_LOG).summary())
        .contains("delivered to the mailbox", "by virtual");
    assertThat(inv.conclusion()).as("%s", inv).isEqualTo(Conclusion.IN_INBOX);
    assertThat(inv.location().orElseThrow().messageId()).contains(r.messageId());
  }
}
