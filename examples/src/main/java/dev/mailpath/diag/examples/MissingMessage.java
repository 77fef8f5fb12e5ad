package dev.mailpath.diag.examples;

import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailpath.diag.core.TlsMode;
import dev.mailpath.diag.smtp.SmtpClient;
import dev.mailpath.diag.smtp.SmtpConversation;
import dev.mailpath.diag.smtp.SmtpReport;
import dev.mailpath.diag.smtp.SmtpTimeouts;
import dev.mailpath.diag.trace.InvestigationReport;
import dev.mailpath.diag.trace.MailboxSearch;
import dev.mailpath.diag.trace.MessageQuery;
import dev.mailpath.diag.trace.MissingMessageInvestigation;
import dev.mailpath.diag.trace.PostfixLogSource;
import dev.mailpath.diag.trace.RoundTripProbe;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The field guide's "I never received that message" investigation, walked on a local mail system:
 * GreenMail plays the mail server (SMTP and IMAP on loopback, nothing leaves the machine) and a
 * Postfix-style log plays message tracking. Three users report a missing message, and each
 * investigation ends in a different part of the guide:
 *
 * <ol>
 *   <li>Part 4: alice's "Quarterly numbers" was delivered, and the spam filter filed it in Junk
 *       E-mail;
 *   <li>Part 3: carol's message is in the mail server's queue, deferred (the mailbox is over
 *       quota);
 *   <li>Part 2: nothing anywhere has dave's message; a test message from outside shows that inbound
 *       mail works right now.
 * </ol>
 *
 * <p>Each investigation prints its narration: Part 1's questions and answers, what each stage
 * found, the conclusion and the next steps.
 */
public final class MissingMessage {
  static final String BOB = "bob@example.net";
  static final String BOB_PASSWORD = "b0b-imap-pw";
  private static final DateTimeFormatter SYSLOG =
      DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private MissingMessage() {}

  /**
   * Runs the example.
   *
   * @param args none
   */
  public static void main(String[] args) {
    run(System.out);
  }

  /**
   * Runs the example, printing to {@code out}.
   *
   * @param out where to print
   */
  public static void run(PrintStream out) {
    for (InvestigationReport report : investigations()) {
      out.println("=".repeat(100));
      out.println(report);
      out.println();
    }
  }

  /**
   * Runs the three investigations against a fresh local mail system and returns their reports (Part
   * 4: in Junk E-mail; Part 3: deferred in the queue; Part 2: never reached us).
   *
   * @return the reports, in that order
   */
  public static List<InvestigationReport> investigations() {
    GreenMail greenMail =
        new GreenMail(
            new ServerSetup[] {
              new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
              new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)
            });
    greenMail.start();
    try {
      return walk(greenMail);
    } catch (Exception e) {
      throw new IllegalStateException("the local mail server failed: " + e, e);
    } finally {
      greenMail.stop();
    }
  }

  private static List<InvestigationReport> walk(GreenMail greenMail) throws Exception {
    GreenMailUser bob = greenMail.setUser(BOB, "bob", BOB_PASSWORD);
    ImapHostManager folders = greenMail.getManagers().getImapHostManager();
    MailFolder junk = folders.createMailbox(bob, "Junk E-mail");
    folders.createMailbox(bob, "Deleted Items");
    int smtpPort = greenMail.getSmtp().getPort();
    MailboxSearch bobsMailbox =
        MailboxSearch.builder()
            .server("127.0.0.1", greenMail.getImap().getPort())
            .tlsMode(TlsMode.NONE) // loopback only; use IMAPS for real servers
            .credentials("bob", BOB_PASSWORD)
            .timeout(Duration.ofSeconds(10))
            .build();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    List<String> mailLog = new ArrayList<>();

    // alice's message really goes through SMTP; the server logs its delivery, then the spam
    // filter files it in Junk E-mail.
    SmtpReport sent =
        SmtpClient.builder()
            .timeouts(SmtpTimeouts.all(Duration.ofSeconds(10)))
            .build()
            .run(
                SmtpConversation.to("127.0.0.1", smtpPort)
                    .ehlo("mail.example.org")
                    .mailFrom("alice@example.org")
                    .rcptTo(BOB)
                    .data(
                        List.of(
                            "From: alice@example.org",
                            "To: " + BOB,
                            "Subject: Quarterly numbers",
                            "Message-ID: <numbers-q3@example.org>"),
                        "Here are the numbers.\n")
                    .quit());
    if (!sent.completed() || !greenMail.waitForIncomingEmail(10_000, 1)) {
      throw new IllegalStateException("the local SMTP server did not take the message:\n" + sent);
    }
    MailFolder inbox = folders.getInbox(bob);
    for (long uid : inbox.getMessageUids()) {
      inbox.moveMessage(uid, junk);
    }
    String t = SYSLOG.format(now);
    mailLog.addAll(
        List.of(
            t + " mx postfix/smtpd[2101]: 4T4Bq41XkLz9sP: client=mail.example.org[198.51.100.7]",
            t + " mx postfix/cleanup[2105]: 4T4Bq41XkLz9sP: message-id=<numbers-q3@example.org>",
            t
                + " mx postfix/qmgr[900]: 4T4Bq41XkLz9sP: from=<alice@example.org>, size=2417, nrcpt=1 (queue active)",
            t
                + " mx postfix/lmtp[2120]: 4T4Bq41XkLz9sP: to=<bob@example.net>, relay=mail.example.net[private/dovecot-lmtp],"
                + " delay=0.52, delays=0.1/0.01/0.06/0.35, dsn=2.0.0, status=sent (250 2.0.0 <bob@example.net> Saved)",
            t + " mx postfix/qmgr[900]: 4T4Bq41XkLz9sP: removed"));
    // carol's message is stuck: the mailbox store defers it.
    mailLog.addAll(
        List.of(
            t + " mx postfix/smtpd[2130]: 7C1A22E0123: client=mail.example.com[203.0.113.25]",
            t + " mx postfix/cleanup[2105]: 7C1A22E0123: message-id=<invoice-42@example.com>",
            t
                + " mx postfix/qmgr[900]: 7C1A22E0123: from=<carol@example.com>, size=81234, nrcpt=1 (queue active)",
            t
                + " mx postfix/lmtp[2131]: 7C1A22E0123: to=<bob@example.net>, relay=mail.example.net[private/dovecot-lmtp],"
                + " delay=1.2, delays=0.1/0/0.1/1, dsn=4.2.2, status=deferred (host mail.example.net[private/dovecot-lmtp] said:"
                + " 452 4.2.2 <bob@example.net> Quota exceeded (mailbox for user is full) (in reply to end of DATA command))"));
    PostfixLogSource messageTracking =
        PostfixLogSource.builder()
            .name("postfix /var/log/mail.log (sample)")
            .lines(mailLog)
            .year(now.atZone(ZoneOffset.UTC).getYear())
            .build();

    MissingMessageInvestigation investigation =
        MissingMessageInvestigation.builder()
            .serverLog(
                messageTracking) // "Use Message Tracking to confirm whether it was delivered"
            .mailbox(bobsMailbox) // "If necessary may I open your mailbox to investigate?"
            .testMessage(
                RoundTripProbe.builder() // "Test inbound routing by sending a message from outside"
                    .smtpServer("127.0.0.1", smtpPort)
                    .tlsMode(TlsMode.NONE)
                    .from("postmaster@outside.example")
                    .to(BOB)
                    .mailbox(bobsMailbox)
                    .pollInterval(Duration.ofMillis(100), Duration.ofSeconds(1))
                    .deadline(Duration.ofSeconds(30))
                    .build())
            .build();

    List<InvestigationReport> reports = new ArrayList<>();
    for (String sender : List.of("alice@example.org", "carol@example.com", "dave@example.com")) {
      reports.add(
          investigation.investigate(
              MessageQuery.builder()
                  .sender(sender) // "What was the sending address?"
                  .recipient(BOB)
                  .around(
                      now, Duration.ofHours(1)) // "Approximately what time was the message sent?"
                  .build()));
    }
    return reports;
  }
}
