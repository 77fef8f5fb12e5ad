package dev.mailpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.examples.DemoLab;
import dev.mailpath.diag.examples.DemoZones;
import dev.mailpath.diag.testkit.GreenMailSmtp;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailpathCliTest {
  static LocalDnsZoneServer dns;

  @BeforeAll
  static void start() {
    dns = LocalDnsZoneServer.builder().zone(DemoZones.exampleCom()).start();
  }

  @AfterAll
  static void stop() {
    dns.close();
  }

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        MailpathCli.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  String dnsArg() {
    return "127.0.0.1:" + dns.port();
  }

  @Test
  void mx_healthyDomain_printsExchangesAndExitsZero() {
    Run r = run("mx", "example.com", "--dns", dnsArg());

    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("example.com\tMX preference = 10, mail exchanger = mail1.example.com");
  }

  @Test
  void mx_nullMx_exitCodeFollowsWorstFinding() {
    assertThat(run("mx", "nomail.example.com", "--dns", dnsArg()).code()).isEqualTo(2);
    assertThat(run("mx", "web.example.com", "--dns", dnsArg()).code()).isEqualTo(1);
  }

  @Test
  void mx_json_printsDocumentedShape() {
    Run r = run("mx", "example.com", "--dns", dnsArg(), "--json");

    assertThat(r.out())
        .contains("\"@type\" : \"MxReport\"")
        .contains("\"host\" : \"mail1.example.com\"");
  }

  @Test
  void mx_progress_showsQueriesOnStandardError() {
    Run r = run("mx", "example.com", "--dns", dnsArg(), "--progress");

    assertThat(r.err()).contains("... MX example.com @127.0.0.1:" + dns.port() + " NOERROR");
  }

  @Test
  void mx_malformedDomain_isAUsageError() {
    Run r = run("mx", "bad..name", "--dns", dnsArg());

    assertThat(r.code()).isEqualTo(64);
    assertThat(r.err()).contains("mailpath: ").contains("empty label");
  }

  @Test
  void mx_unknownOption_isAUsageError() {
    assertThat(run("mx", "--bogus").code()).isEqualTo(64);
  }

  @Test
  void smtp_greenMail_printsTranscriptAndFindings() {
    try (GreenMailSmtp mail = GreenMailSmtp.builder().start()) {
      Run r =
          run(
              "smtp",
              "127.0.0.1",
              "--port",
              String.valueOf(mail.smtpPort()),
              "--ehlo",
              "probe.example.com",
              "--from",
              "me@example.com",
              "--to",
              "you@example.net",
              "--quit-after",
              "RCPT",
              "--dns",
              dnsArg());

      assertThat(r.out())
          .contains(" -> EHLO probe.example.com")
          .contains(" -> RCPT TO:<you@example.net>");
      assertThat(r.out()).contains("smtp.auth.offered-without-tls");
      assertThat(r.code()).isEqualTo(1);
    }
  }

  @Test
  void smtp_crlfInAddress_isRejectedBeforeConnecting() {
    Run r =
        run(
            "smtp",
            "127.0.0.1",
            "--port",
            "9",
            "--from",
            "a@b.test\r\nRCPT TO:<x@y>",
            "--dns",
            dnsArg());

    assertThat(r.code()).isEqualTo(64);
    assertThat(r.err()).contains("CR");
  }

  @Test
  void headers_messageFile_printsHopTable(@TempDir Path dir) throws Exception {
    Path eml = dir.resolve("m.eml");
    Files.writeString(
        eml,
        "Received: from mail.example.net (mail.example.net [127.0.0.5])\r\n"
            + "\tby mx.example.com (Postfix) with ESMTPS id 4ABC123\r\n"
            + "\tfor <you@example.com>; Sat, 28 Nov 2026 08:00:05 +0000\r\n"
            + "Received: from client (client [127.0.0.9]) by mail.example.net with ESMTPSA id X1;\r\n"
            + "\tSat, 28 Nov 2026 08:00:00 +0000\r\n"
            + "Subject: hi\r\n\r\nbody\r\n");

    Run r = run("headers", eml.toString());

    assertThat(r.out()).contains("mx.example.com").contains("mail.example.net");
    assertThat(r.code()).isLessThanOrEqualTo(1);
  }

  @Test
  void smtp_ipv6WithPort_isParsedByTheLibrary() {
    Run r = run("smtp", "[::1]:9", "--timeout", "1s");

    assertThat(r.code()).isNotEqualTo(64);
    assertThat(r.out()).contains("[::1]:9").doesNotContain(":9:25");
    assertThat(r.err()).contains("DNS servers: none");
  }

  @Test
  void smtp_badPort_isAUsageErrorNamingTheProblem() {
    Run r = run("smtp", "127.0.0.1:99999");

    assertThat(r.code()).isEqualTo(64);
    assertThat(r.err()).startsWith("mailpath: ").contains("65535");
  }

  @Test
  void noArguments_isAUsageError() {
    Run r = run();

    assertThat(r.code()).isEqualTo(64);
    assertThat(r.err()).contains("Usage: mailpath");
  }

  @Test
  void caFile_withoutCertificate_isAUsageError(@TempDir Path dir) throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.pem"), "nothing\n");

    Run r = run("smtp", "127.0.0.1:9", "--ca-file", empty.toString());

    assertThat(r.code()).isEqualTo(64);
    assertThat(r.err()).contains("no PEM certificate");
  }

  @Test
  void caFile_trustsExactlyItsCertificates(@TempDir Path dir) throws Exception {
    var trusted = dev.mailpath.diag.testkit.TestCertificates.selfSigned("mail.example.com");
    var other = dev.mailpath.diag.testkit.TestCertificates.selfSigned("other.example.com");
    Path pem = Files.writeString(dir.resolve("ca.pem"), trusted.certificatePem());

    javax.net.ssl.X509TrustManager tm = MailpathCli.trustManager(java.util.List.of(pem));

    String auth = trusted.certificate().getPublicKey().getAlgorithm();
    tm.checkServerTrusted(new java.security.cert.X509Certificate[] {trusted.certificate()}, auth);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                tm.checkServerTrusted(
                    new java.security.cert.X509Certificate[] {other.certificate()}, auth))
        .isInstanceOf(java.security.cert.CertificateException.class);
  }

  @Test
  void mx_twoDomainsJson_isOneArray_jsonlIsOnePerLine() {
    Run json = run("mx", "example.com", "web.example.com", "--dns", dnsArg(), "--json");
    Run jsonl = run("mx", "example.com", "web.example.com", "--dns", dnsArg(), "--format", "jsonl");

    assertThat(json.out()).startsWith("[");
    assertThat(json.out().strip()).endsWith("]");
    assertThat(jsonl.out().lines()).hasSize(2).allMatch(l -> l.startsWith("{") && l.endsWith("}"));
  }

  @Test
  void mx_announcesTheDnsServers() {
    Run r = run("mx", "example.com", "--dns", dnsArg());

    assertThat(r.err()).contains("mailpath: DNS servers: " + dnsArg() + " (--dns)");
  }

  @Test
  void everyOption_hasADescription() {
    picocli.CommandLine cli = new picocli.CommandLine(new MailpathCli());
    for (picocli.CommandLine sub : cli.getSubcommands().values()) {
      for (picocli.CommandLine.Model.OptionSpec o : sub.getCommandSpec().options()) {
        assertThat(o.description()).as(sub.getCommandName() + " " + o.longestName()).isNotEmpty();
      }
    }
  }

  @Test
  void subcommandHelp_printsItsOptions() {
    Run r = run("mx", "--help");

    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("--dns").contains("--json");
  }

  @Test
  void worse_ordersCriticalErrorInconclusiveWarningPass() {
    assertThat(MailpathCli.worse(4, 3)).isEqualTo(3);
    assertThat(MailpathCli.worse(2, 4)).isEqualTo(2);
    assertThat(MailpathCli.worse(1, 4)).isEqualTo(4);
    assertThat(MailpathCli.worse(0, 1)).isEqualTo(1);
  }

  @Test
  void help_listsEverySubcommand() {
    Run r = run("--help");

    assertThat(r.out())
        .contains(
            "mx",
            "smtp",
            "path",
            "relay",
            "roots",
            "trace",
            "headers",
            "find",
            "investigate",
            "posture");
  }

  @Test
  void pathRelayInvestigate_againstTheDemoLab_giveVerdictsAndExitCodes() {
    try (DemoLab lab = DemoLab.start()) {
      String labDns = "127.0.7.2:" + lab.dnsPort();
      String port = String.valueOf(lab.smtpPort());

      Run path =
          run(
              "path",
              "alice@example.com",
              "--dns",
              labDns,
              "--port",
              port,
              "--from",
              "me@example.net");
      assertThat(path.out()).contains("ACCEPTED").contains("mail2.example.com");

      Run open =
          run(
              "relay",
              "127.0.3.3",
              "--port",
              port,
              "--local-domain",
              "example.com",
              "--external-domain",
              "relay-test.example.net",
              "--dns",
              labDns);
      assertThat(open.out()).contains("OPEN_RELAY");
      assertThat(open.code()).isEqualTo(3);

      Run closed =
          run(
              "relay",
              "127.0.3.2",
              "--port",
              port,
              "--local-domain",
              "example.com",
              "--external-domain",
              "relay-test.example.net",
              "--dns",
              labDns,
              "--json");
      assertThat(closed.out()).contains("\"verdict\" : \"CLOSED\"");
    }
  }

  @Test
  void investigate_postfixLog_concludesFromMessageTracking(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("mail.log");
    Files.writeString(
        log,
        String.join(
                "\n",
                "Nov 28 08:00:01 mx postfix/smtpd[2130]: 7C1A22E0123: client=mail.example.com[127.0.0.25]",
                "Nov 28 08:00:01 mx postfix/cleanup[2105]: 7C1A22E0123: message-id=<invoice-42@example.com>",
                "Nov 28 08:00:01 mx postfix/qmgr[900]: 7C1A22E0123: from=<carol@example.com>, size=812, nrcpt=1 (queue active)",
                "Nov 28 08:00:02 mx postfix/lmtp[2131]: 7C1A22E0123: to=<bob@example.net>, relay=mail.example.net[private/dovecot-lmtp],"
                    + " delay=1.2, delays=0.1/0/0.1/1, dsn=4.2.2, status=deferred (452 4.2.2 Quota exceeded)")
            + "\n");

    Run r =
        run(
            "investigate",
            "--sender",
            "carol@example.com",
            "--recipient",
            "bob@example.net",
            "--around",
            "2026-11-28T08:00:00Z",
            "--postfix-log",
            log.toString());

    assertThat(r.out()).contains("REACHED_SERVER_NOT_MAILBOX").contains("deferred");
  }
}
