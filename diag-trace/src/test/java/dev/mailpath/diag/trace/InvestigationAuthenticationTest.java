package dev.mailpath.diag.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.auth.DkimResult;
import dev.mailpath.diag.auth.DmarcResult;
import dev.mailpath.diag.auth.SpfResult;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import jakarta.mail.Flags;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The investigation's authentication verdict: a message in Junk (GreenMail over IMAP, its source
 * fetched and checked against a local DNS zone) and a message refused with 5.7.1 in a Postfix log
 * (its connection checked), with and without {@link MessageAuthentication} configured.
 */
class InvestigationAuthenticationTest {
  static final String ALICE = "alice@example.org";
  static final String BOB = "bob@example.net";
  static final Instant TEN = Instant.parse("2024-01-02T10:00:00Z");

  /** alice@example.org refused at RCPT by an SPF policy service (5.7.1); mallory: unknown user. */
  static final List<String> LOG =
      List.of(
          "Jan  2 10:30:00 mx postfix/smtpd[190]: NOQUEUE: reject: RCPT from spoofer.example.com[127.0.0.66]: 550 5.7.1 <bob@example.net>: Recipient address rejected: SPF check failed; from=<alice@example.org> to=<bob@example.net> proto=ESMTP helo=<spoofer.example.com>",
          "Jan  2 10:31:00 mx postfix/smtpd[191]: NOQUEUE: reject: RCPT from other.example.com[127.0.0.67]: 550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown in virtual mailbox table; from=<carol@example.org> to=<bob@example.net> proto=ESMTP helo=<other.example.com>");

  static LocalMailbox mail;
  static LocalDnsZoneServer dns;
  static MessageAuthentication auth;

  @BeforeAll
  static void start() throws Exception {
    mail = LocalMailbox.start();
    dns =
        LocalDnsZoneServer.builder()
            .zone(MessageAuthenticationTest.ROOT)
            .zone(MessageAuthenticationTest.ZONE)
            .zone(MessageAuthenticationTest.ZONE_NET)
            .start();
    auth =
        MessageAuthentication.builder()
            .dns(d -> d.server(dns.address()).timeout(Duration.ofSeconds(2)))
            .build();
  }

  @AfterAll
  static void stop() {
    mail.close();
    dns.close();
  }

  @BeforeEach
  void clear() throws Exception {
    mail.clear();
  }

  static MessageQuery from(String sender) {
    return MessageQuery.builder()
        .sender(sender)
        .recipient(BOB)
        .around(TEN, Duration.ofHours(2))
        .build();
  }

  static PostfixLogSource log() {
    return PostfixLogSource.builder().name("postfix mx mail.log").year(2024).lines(LOG).build();
  }

  /** A message from 127.0.0.66, which the SPF record of example.org (-all) does not list. */
  static final String SPOOFED =
      "Return-Path: <alice@example.org>\r\n"
          + "Received: from spoofer.example.com (spoofer.example.com [127.0.0.66]) by mx.example.net"
          + " with ESMTP id 1; Tue, 2 Jan 2024 10:00:00 +0000\r\n"
          + "Message-ID: <spoofed-1@example.org>\r\n"
          + "From: Alice <alice@example.org>\r\n"
          + "To: bob@example.net\r\n"
          + "Subject: Invoice\r\n"
          + "Date: Tue, 2 Jan 2024 09:59:58 +0000\r\n"
          + "\r\n"
          + "Please pay.\r\n";

  static void junk(String raw) throws Exception {
    mail.append(
        "Junk",
        new MimeMessage(
            Session.getInstance(new Properties()),
            new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))),
        new Flags(),
        Date.from(TEN.plusSeconds(1)));
  }

  static List<String> codes(List<Finding> findings) {
    return findings.stream().map(Finding::code).toList();
  }

  // ------------------------------------------------------------------ Junk

  @Test
  void junkHit_withAuthentication_fetchesItsSource_andPutsTheSpfFixFirst() throws Exception {
    junk(SPOOFED);

    InvestigationReport r =
        MissingMessageInvestigation.builder()
            .mailbox(mail.search().build())
            .authentication(auth)
            .build()
            .investigate(from(ALICE));

    assertThat(r.conclusion()).as("%s", r).isEqualTo(Conclusion.IN_MAILBOX_MOVED);
    MessageAuthenticationReport a = r.authentication().orElseThrow();
    assertThat(a.fromDomain()).contains("example.org");
    assertThat(a.clientIp()).contains(InetAddress.getByName("127.0.0.66"));
    assertThat(a.spf().orElseThrow().result()).isEqualTo(SpfResult.FAIL);
    assertThat(a.dkim().result()).isEqualTo(DkimResult.NONE);
    assertThat(a.dmarc().orElseThrow().result()).isEqualTo(DmarcResult.FAIL);
    assertThat(r.nextSteps().get(0))
        .isEqualTo(
            "Add 127.0.0.66 (or the sending provider's include:) to the SPF record of example.org:"
                + " it says -all and does not list it");
    assertThat(r.nextSteps())
        .contains(
            "Sign the messages with DKIM, d=example.org",
            "The DMARC policy p=reject of example.org applied",
            "Check the Junk E-mail folder: the message is in \"Junk\"; mark it as not junk");
    assertThat(r.nextSteps().indexOf("The DMARC policy p=reject of example.org applied"))
        .isLessThan(
            r.nextSteps()
                .indexOf(
                    "Check the Junk E-mail folder: the message is in \"Junk\"; mark it as not junk"));
    assertThat(r.toBuilder().build()).isEqualTo(r);
    assertThat(r.toBuilder().authentication(null).build()).isNotEqualTo(r);
    assertThat(codes(r.findings()))
        .startsWith("trace.investigation.in-mailbox-moved")
        .contains("trace.investigation.authentication-failed", "trace.auth.dmarc-fail");
    assertThat(dev.mailpath.diag.json.DiagJson.toJson(r))
        .contains("\"authentication\":{")
        .contains("DMARC fail for From: example.org");
    String text = r.toString();
    int part4 = text.indexOf("Part 4");
    assertThat(text.indexOf("Authentication: DMARC fail for From: example.org"))
        .as(text)
        .isGreaterThan(part4);
    // the message stays unread: the source was fetched with BODY.PEEK[]
    MailboxHit hit = r.location().orElseThrow();
    MailboxSearchReport again = mail.search().build().search(from(ALICE));
    assertThat(again.hits()).singleElement().satisfies(h -> assertThat(h.seen()).isFalse());
    assertThat(hit.folder()).isEqualTo("Junk");
  }

  @Test
  void junkHit_withoutAuthentication_nothingChanges() throws Exception {
    junk(SPOOFED);

    InvestigationReport r =
        MissingMessageInvestigation.builder()
            .mailbox(mail.search().build())
            .build()
            .investigate(from(ALICE));

    assertThat(r.authentication()).isEmpty();
    assertThat(r.nextSteps().get(0))
        .isEqualTo("Check the Junk E-mail folder: the message is in \"Junk\"; mark it as not junk");
    assertThat(codes(r.findings())).noneMatch(c -> c.startsWith("trace.auth."));
    assertThat(r.toString()).doesNotContain("Authentication:");
  }

  @Test
  void junkHit_thatPasses_hasTheVerdictButNoFix() throws Exception {
    junk(SPOOFED.replace("127.0.0.66", "127.0.0.20"));

    InvestigationReport r =
        MissingMessageInvestigation.builder()
            .mailbox(mail.search().build())
            .authentication(auth)
            .build()
            .investigate(from(ALICE));

    assertThat(r.authentication().orElseThrow().dmarc().orElseThrow().result())
        .isEqualTo(DmarcResult.PASS);
    assertThat(r.nextSteps().get(0))
        .isEqualTo("Check the Junk E-mail folder: the message is in \"Junk\"; mark it as not junk");
    assertThat(codes(r.findings())).doesNotContain("trace.investigation.authentication-failed");
  }

  @Test
  void junkHit_largerThanTheLimit_isNotFetched_andSaysSo() throws Exception {
    junk(SPOOFED);

    InvestigationReport r =
        MissingMessageInvestigation.builder()
            .mailbox(mail.search().maxSourceSize(100).build())
            .authentication(auth)
            .build()
            .investigate(from(ALICE));

    assertThat(r.conclusion()).isEqualTo(Conclusion.IN_MAILBOX_MOVED);
    assertThat(r.authentication()).isEmpty();
    assertThat(codes(r.findings())).contains("trace.auth.source-too-large");
  }

  @Test
  void inboxHit_withAuthentication_isNotChecked() throws Exception {
    mail.append(
        "INBOX",
        new MimeMessage(
            Session.getInstance(new Properties()),
            new ByteArrayInputStream(SPOOFED.getBytes(StandardCharsets.US_ASCII))),
        new Flags(),
        Date.from(TEN.plusSeconds(1)));

    InvestigationReport r =
        MissingMessageInvestigation.builder()
            .mailbox(mail.search().build())
            .authentication(auth)
            .build()
            .investigate(from(ALICE));

    assertThat(r.conclusion()).isEqualTo(Conclusion.IN_INBOX);
    assertThat(r.authentication()).isEmpty();
  }

  // ------------------------------------------------------------------ fetchSource

  @Test
  void fetchSource_returnsTheMessageAsStored_withoutMarkingItRead() throws Exception {
    junk(SPOOFED);
    MailboxSearch search = mail.search().build();
    MailboxHit hit = search.search(from(ALICE)).hits().get(0);

    MessageSourceReport src = search.fetchSource(hit);

    assertThat(src.fetched()).as("%s", src).isTrue();
    assertThat(src.findings()).isEmpty();
    String text = new String(src.source(), StandardCharsets.US_ASCII);
    assertThat(text).contains("Message-ID: <spoofed-1@example.org>", "Please pay.");
    assertThat(src.size()).isPresent();
    assertThat(src.toString()).doesNotContain(LocalMailbox.PASSWORD).doesNotContain("Please pay");
    assertThat(search.search(from(ALICE)).hits().get(0).seen()).isFalse();
    assertThat(search.fetchSourceAsync(hit).get().fetched()).isTrue();
  }

  @Test
  void fetchSource_goneOrWithoutUid_orRefusedLogin_isAFinding() throws Exception {
    junk(SPOOFED);
    MailboxSearch search = mail.search().build();
    MailboxHit hit = search.search(from(ALICE)).hits().get(0);

    MailboxHit noUid =
        new MailboxHit(
            hit.folder(),
            hit.role(),
            OptionalLong.empty(),
            Set.of(),
            hit.internalDate(),
            hit.messageId(),
            hit.from(),
            hit.subject(),
            hit.receivedChain());
    assertThat(codes(search.fetchSource(noUid).findings()))
        .containsExactly("trace.auth.source-unavailable");

    MailboxHit gone =
        new MailboxHit(
            hit.folder(),
            hit.role(),
            OptionalLong.of(hit.uid().getAsLong() + 1000),
            Set.of(),
            hit.internalDate(),
            hit.messageId(),
            hit.from(),
            hit.subject(),
            hit.receivedChain());
    MessageSourceReport g = search.fetchSource(gone);
    assertThat(g.fetched()).isFalse();
    assertThat(g.source()).isEmpty();
    assertThat(codes(g.findings())).containsExactly("trace.auth.source-unavailable");

    MessageSourceReport refused =
        mail.search().credentials(LocalMailbox.LOGIN, "wrong-Pa55").build().fetchSource(hit);
    assertThat(codes(refused.findings())).containsExactly("trace.imap.auth-failed");
    assertThat(refused.findings().toString()).doesNotContain("wrong-Pa55");
  }

  // ------------------------------------------------------------------ refused with 5.7.x

  @Test
  void rejected571_withAuthentication_checksTheLoggedConnection() throws Exception {
    InvestigationReport r =
        MissingMessageInvestigation.builder()
            .serverLog(log())
            .authentication(auth)
            .build()
            .investigate(from(ALICE));

    assertThat(r.conclusion()).as("%s", r).isEqualTo(Conclusion.REACHED_SERVER_NOT_MAILBOX);
    assertThat(r.reason()).contains(UndeliveredReason.REJECTED);
    assertThat(r.serverLogs().get(0).records().get(0).helo()).contains("spoofer.example.com");
    MessageAuthenticationReport a = r.authentication().orElseThrow();
    assertThat(a.clientIp()).contains(InetAddress.getByName("127.0.0.66"));
    assertThat(a.helo()).contains("spoofer.example.com");
    assertThat(a.mailFrom()).isEqualTo(ALICE);
    assertThat(a.fromDomain()).isEmpty();
    assertThat(a.dkim().result()).isEqualTo(DkimResult.NONE);
    assertThat(a.dmarc().orElseThrow().result()).isEqualTo(DmarcResult.FAIL);
    assertThat(a.verdict()).contains("From: and DKIM were not available");
    assertThat(r.nextSteps())
        .startsWith(
            "Add 127.0.0.66 (or the sending provider's include:) to the SPF record of example.org:"
                + " it says -all and does not list it",
            "The DMARC policy p=reject of example.org (the MAIL FROM domain) applied");
    assertThat(r.nextSteps())
        .contains("Ask the sender for the bounce message (NDR) they received, and its exact time");
    assertThat(codes(r.findings()))
        .contains("trace.investigation.authentication-failed", "trace.auth.dmarc-fail");
    String json = dev.mailpath.diag.json.DiagJson.toJson(r);
    assertThat(json)
        .contains("\"authentication\":{")
        .contains("From: and DKIM were not available")
        .contains("127.0.0.66");
    String text = r.toString();
    int part3 = text.indexOf("Part 3");
    int part4 = text.indexOf("Part 4");
    int verdict = text.indexOf("Authentication: No message: From: and DKIM were not available");
    assertThat(verdict).as(text).isGreaterThan(part3).isLessThan(part4);
  }

  @Test
  void rejected571_withoutAuthentication_nothingChanges() {
    InvestigationReport r =
        MissingMessageInvestigation.builder().serverLog(log()).build().investigate(from(ALICE));

    assertThat(r.authentication()).isEmpty();
    assertThat(r.nextSteps().get(0))
        .isEqualTo("Ask the sender for the bounce message (NDR) they received, and its exact time");
  }

  @Test
  void rejected571_onTheGateway_withoutMessageTracking_isCheckedToo() throws Exception {
    InvestigationReport r =
        MissingMessageInvestigation.builder()
            .gatewayLog(log())
            .authentication(auth)
            .build()
            .investigate(from(ALICE));

    assertThat(r.conclusion()).as("%s", r).isEqualTo(Conclusion.REACHED_US_NOT_SERVER);
    assertThat(r.authentication().orElseThrow().clientIp())
        .contains(InetAddress.getByName("127.0.0.66"));
    assertThat(r.nextSteps().get(0)).startsWith("Add 127.0.0.66");
  }

  @Test
  void rejected511_isNotAnAuthenticationMatter() {
    InvestigationReport r =
        MissingMessageInvestigation.builder()
            .serverLog(log())
            .authentication(auth)
            .build()
            .investigate(from("carol@example.org"));

    assertThat(r.reason()).contains(UndeliveredReason.REJECTED);
    assertThat(r.authentication()).isEmpty();
  }

  // ------------------------------------------------------------------ the fix, from the reports

  static MessageAuthenticationReport fabricated(
      dev.mailpath.diag.auth.SpfReport spf,
      dev.mailpath.diag.auth.DkimReport dkim,
      dev.mailpath.diag.auth.DmarcReport dmarc)
      throws Exception {
    return new MessageAuthenticationReport(
        java.util.Optional.of(InetAddress.getByName("127.0.0.20")),
        java.util.Optional.of("out.example.net"),
        "bounce@bounces.example.net",
        MessageAuthenticationReport.Source.RECEIVED,
        java.util.Optional.of("example.org"),
        java.util.Optional.of(spf),
        dkim,
        java.util.Optional.of(dmarc),
        0,
        List.of(),
        "DMARC fail for From: example.org.",
        List.of(),
        List.of(),
        Instant.EPOCH,
        Duration.ZERO);
  }

  @Test
  void fixSteps_misalignedDkimAndSpf_sayWhichDomainToUse_andThePolicyThatApplied()
      throws Exception {
    var spf =
        dev.mailpath.diag.auth.SpfReport.builder()
            .result(SpfResult.PASS)
            .identity(dev.mailpath.diag.auth.SpfIdentity.MAIL_FROM)
            .domain("bounces.example.net")
            .build();
    var dkim =
        dev.mailpath.diag.auth.DkimReport.builder()
            .addSignature(
                new dev.mailpath.diag.auth.DkimSignatureResult(
                    DkimResult.PASS,
                    "mailer.example.net",
                    "s1",
                    "rsa-sha256",
                    java.util.Optional.empty()))
            .build();
    var dmarc =
        dev.mailpath.diag.auth.DmarcReport.builder()
            .fromDomain("example.org")
            .result(DmarcResult.FAIL)
            .policy(
                dev.mailpath.diag.auth.DmarcRecordReport.builder()
                    .domain("example.org")
                    .applied("p", dev.mailpath.diag.auth.DmarcPolicy.QUARANTINE)
                    .build())
            .addIdentifier(
                new dev.mailpath.diag.auth.DmarcIdentifierCheck(
                    dev.mailpath.diag.auth.DmarcIdentifierCheck.Kind.SPF,
                    "bounces.example.net",
                    true,
                    false,
                    "SPF bounces.example.net does not align"))
            .addIdentifier(
                new dev.mailpath.diag.auth.DmarcIdentifierCheck(
                    dev.mailpath.diag.auth.DmarcIdentifierCheck.Kind.DKIM,
                    "mailer.example.net",
                    true,
                    false,
                    "DKIM d=mailer.example.net does not align"))
            .disposition(dev.mailpath.diag.auth.DmarcDisposition.QUARANTINE)
            .build();

    MessageAuthenticationReport a = fabricated(spf, dkim, dmarc);

    assertThat(MissingMessageInvestigation.authFailed(a)).isTrue();
    assertThat(MessageAuthenticationRun.fixes(a))
        .containsExactly(
            "SPF passes for the MAIL FROM domain bounces.example.net, which does not align with"
                + " From: example.org: use a MAIL FROM (Return-Path) address in example.org",
            "DKIM d=mailer.example.net does not align with From: example.org: sign with"
                + " d=example.org (publish the sending provider's key for example.org under"
                + " <selector>._domainkey.example.org; providers usually give a CNAME)",
            "The DMARC policy p=quarantine of example.org applied");
  }

  @Test
  void fixSteps_missingDkimKey_saysWhereToPublishIt() throws Exception {
    junk(
        SPOOFED.replace(
            "Message-ID:",
            "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=s1;"
                + " h=from:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;"
                + " b=dGVzdA==\r\nMessage-ID:"));

    InvestigationReport r =
        MissingMessageInvestigation.builder()
            .mailbox(mail.search().build())
            .authentication(auth)
            .build()
            .investigate(from(ALICE));

    assertThat(r.authentication().orElseThrow().dkim().signatures()).hasSize(1);
    assertThat(r.nextSteps())
        .as("%s", r)
        .contains("Publish the DKIM key of selector s1 at s1._domainkey.example.org");
  }

  @Test
  void clientAddress_readsTheBracketsWithoutDns() throws Exception {
    assertThat(MissingMessageInvestigation.clientAddress("unknown[203.0.113.9]"))
        .contains(InetAddress.getByName("203.0.113.9"));
    assertThat(MissingMessageInvestigation.clientAddress("mx.example[IPv6:2001:db8::1]"))
        .contains(InetAddress.getByName("2001:db8::1"));
    assertThat(MissingMessageInvestigation.clientAddress("mail.example.org")).isEmpty();
    assertThat(MissingMessageInvestigation.clientAddress("x[not.an.ip]")).isEmpty();
  }
}
