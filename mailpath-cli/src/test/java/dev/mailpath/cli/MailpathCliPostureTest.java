package dev.mailpath.cli;

import static dev.mailpath.cli.MailpathCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.mailpath.cli.MailpathCliTest.Run;
import dev.mailpath.diag.testkit.DnssecTestSigner;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import dev.mailpath.diag.testkit.MtaStsPolicyServer;
import dev.mailpath.diag.testkit.PolicySmtpServer;
import dev.mailpath.diag.testkit.TestCertificates;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mailpath posture} against a lab on loopback: a DNS zone, an SMTP exchange with STARTTLS on
 * 127.0.0.1 and ::1, and an MTA-STS policy host, each with a throwaway certificate the command is
 * told to trust ({@code --ca-file}).
 */
class MailpathCliPostureTest {
  static final String ROOT =
      "$ORIGIN .\n$TTL 300\n@ SOA ns.test. h.test. 1 3600 600 86400 300\n@ NS ns.test.\n"
          + "test. NS ns.test.\nns.test. A 127.0.0.1\n";

  static TestCertificates.ServerCertificate cert;
  static PolicySmtpServer smtp4;
  static PolicySmtpServer smtp6;
  static MtaStsPolicyServer web;
  static LocalDnsZoneServer dns;
  static String anchor = DnssecTestSigner.create(".").ds();
  @TempDir static Path dir;
  static Path smtpPem;
  static Path policyPem;

  @BeforeAll
  static void start() throws Exception {
    cert = TestCertificates.selfSigned("mx.good.test");
    smtp4 =
        PolicySmtpServer.builder()
            .hostname("mx.good.test")
            .localDomain("good.test")
            .startTls(cert.serverContext())
            .bindAddress(InetAddress.getByName("127.0.0.1"))
            .start();
    smtp6 =
        PolicySmtpServer.builder()
            .hostname("mx.good.test")
            .localDomain("good.test")
            .startTls(cert.serverContext())
            .bindAddress(InetAddress.getByName("::1"))
            .port(smtp4.port())
            .start();
    web =
        MtaStsPolicyServer.builder()
            .domain("good.test")
            .policy("version: STSv1\nmode: enforce\nmx: mx.good.test\nmax_age: 1209600\n")
            .start();
    smtpPem = Files.writeString(dir.resolve("smtp.pem"), cert.certificatePem());
    policyPem = Files.writeString(dir.resolve("policy.pem"), web.certificate().certificatePem());
    String zone =
        String.join(
            "\n",
            "$ORIGIN test.",
            "$TTL 300",
            "@ SOA ns h 1 3600 600 86400 300",
            "@ NS ns",
            "ns A 127.0.0.1",
            "good MX 10 mx.good",
            "mx.good A 127.0.0.1",
            "mx.good AAAA ::1",
            "good TXT \"v=spf1 ip4:127.0.0.1 -all\"",
            "_dmarc.good TXT \"v=DMARC1; p=reject; rua=mailto:d@good.test\"",
            "_mta-sts.good TXT \"v=STSv1; id=2026120801\"",
            "mta-sts.good A 127.0.0.1",
            "_smtp._tls.good TXT \"v=TLSRPTv1; rua=mailto:tls@good.test\"",
            "bad MX 10 mx.bad",
            "mx.bad A 127.0.0.9",
            "bad TXT \"v=spf1 +all\"",
            "null MX 0 .",
            "");
    dns = LocalDnsZoneServer.builder().zone(".", ROOT).zone("test.", zone).start();
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {dns, web, smtp6, smtp4}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // best effort
      }
    }
  }

  /** The command line for the lab, then {@code more}. */
  static Run posture(String... more) {
    List<String> args = new ArrayList<>();
    args.add("posture");
    args.addAll(List.of(more));
    args.addAll(
        List.of(
            "--dns",
            "127.0.0.1:" + dns.port(),
            "--timeout",
            "2s",
            "--smtp-port",
            String.valueOf(smtp4.port()),
            "--policy-port",
            String.valueOf(web.port()),
            "--ca-file",
            smtpPem.toString(),
            "--ca-file",
            policyPem.toString(),
            "--trust-anchor",
            anchor,
            "--deadline",
            "30s"));
    return run(args.toArray(String[]::new));
  }

  @Test
  void text_showsScoresTestsExchangesAndFindings() {
    Run r = posture("good.test");

    assertThat(r.out())
        .as(r.err())
        .startsWith("Mail posture of good.test: ")
        .contains("IPv6: 100%")
        .contains("mx.good.test")
        .contains("STARTTLS TLSv1.3")
        .contains("starttls.offered")
        .contains("mta-sts.policy               mode enforce")
        // The lab's zone is unsigned under a signed anchor: DNSSEC fails, as it should.
        .contains("posture.dnssec.domain")
        .contains("CRITICAL dnssec.bogus");
    assertThat(r.err()).contains("mailpath: DNS servers: 127.0.0.1:" + dns.port() + " (--dns)");
    // The exit code follows the worst finding (the bogus MX records), as for every command.
    assertThat(r.code()).isEqualTo(3);
  }

  @Test
  void json_parsesAndHasTheScores() throws Exception {
    Run r = posture("good.test", "--json");

    assertThat(MailpathJarIT.parse(r.out())).as(r.err()).isEqualTo(JsonToken.START_OBJECT);
    assertThat(r.out())
        .contains("\"@type\" : \"MailPostureReport\"")
        .contains("\"domain\" : \"good.test\"")
        .contains("\"scores\"")
        .contains("\"MTA_STS\"")
        .contains("\"STARTTLS_DANE\"");
    assertThat(r.code()).isEqualTo(3);
  }

  @Test
  void severalDomains_areReportedInInputOrder_jsonIsOneArray() throws Exception {
    Run r =
        posture(
            "null.test",
            "bad.test",
            "good.test",
            "--json",
            "--max-in-flight",
            "3",
            "--max-connections-per-host",
            "1");

    assertThat(MailpathJarIT.parse(r.out())).as(r.err()).isEqualTo(JsonToken.START_ARRAY);
    assertThat(topLevelDomains(r.out())).containsExactly("null.test", "bad.test", "good.test");
    // The worst report decides: good.test's bogus DNSSEC is CRITICAL.
    assertThat(r.code()).isEqualTo(3);
  }

  /** The {@code domain} member of each report in a JSON array of reports. */
  static List<String> topLevelDomains(String json) throws Exception {
    List<String> domains = new ArrayList<>();
    try (JsonParser p = new JsonFactory().createParser(json)) {
      assertThat(p.nextToken()).isEqualTo(JsonToken.START_ARRAY);
      while (p.nextToken() == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken value = p.nextToken();
          if (name.equals("domain")) {
            domains.add(p.getText());
          } else if (value.isStructStart()) {
            p.skipChildren();
          }
        }
      }
    }
    return domains;
  }

  @Test
  void jsonl_isOneReportPerLine_brief_isOneVerdictPerDomain() throws Exception {
    Run jsonl = posture("null.test", "good.test", "--format", "jsonl");
    MailpathJarIT.parseLines(jsonl.out(), 2);

    Run brief = posture("null.test", "good.test", "--brief");
    assertThat(brief.out().lines().filter(l -> !l.startsWith(" ")))
        .extracting(l -> l.substring(0, l.indexOf(':')))
        .containsExactly("null.test", "good.test");
  }

  @Test
  void badDomain_isAUsageError_beforeAnyQueryOrConnection() {
    long queries = dns.queryCount();
    int connections = smtp4.connectionCount();

    Run r = posture("good.test", "bad..name");

    assertThat(r.code()).isEqualTo(64);
    assertThat(r.err()).startsWith("mailpath: ").contains("empty label");
    assertThat(r.out()).isEmpty();
    assertThat(dns.queryCount()).isEqualTo(queries);
    assertThat(smtp4.connectionCount()).isEqualTo(connections);
  }

  @Test
  void badOptions_areUsageErrorsNamingTheOption_beforeAnyQuery() {
    long queries = dns.queryCount();
    String lab = "127.0.0.1:" + dns.port();

    Run inFlight = posture("good.test", "--max-in-flight", "0");
    assertThat(inFlight.code()).isEqualTo(64);
    assertThat(inFlight.err()).contains("--max-in-flight");
    Run perHost = posture("good.test", "--max-connections-per-host", "0");
    assertThat(perHost.code()).isEqualTo(64);
    assertThat(perHost.err()).contains("--max-connections-per-host");
    Run perMinute = posture("good.test", "--max-connections-per-minute-per-host", "-1");
    assertThat(perMinute.code()).isEqualTo(64);
    assertThat(perMinute.err()).contains("--max-connections-per-minute-per-host");

    Run port = run("posture", "good.test", "--dns", lab, "--smtp-port", "0");
    assertThat(port.code()).isEqualTo(64);
    assertThat(port.err()).contains("--smtp-port");

    Run policyPort = run("posture", "good.test", "--dns", lab, "--policy-port", "70000");
    assertThat(policyPort.code()).isEqualTo(64);
    assertThat(policyPort.err()).contains("--policy-port");

    Run deadline = run("posture", "good.test", "--dns", lab, "--deadline", "0s");
    assertThat(deadline.code()).isEqualTo(64);
    assertThat(deadline.err()).contains("--deadline");

    Run selector = run("posture", "good.test", "--dns", lab, "--dkim-selector", "a b");
    assertThat(selector.code()).isEqualTo(64);
    assertThat(selector.err()).contains("not a DKIM selector");

    Run anchorText = run("posture", "good.test", "--dns", lab, "--trust-anchor", "not a record");
    assertThat(anchorText.code()).isEqualTo(64);
    assertThat(anchorText.err()).startsWith("mailpath: ");

    Run list = run("posture", "good.test", "--dns", lab, "--dnsbl", "bad..zone");
    assertThat(list.code()).isEqualTo(64);

    Run none = run("posture", "--dns", lab);
    assertThat(none.code()).isEqualTo(64);
    assertThat(none.err()).contains("no DOMAIN given");

    assertThat(dns.queryCount()).isEqualTo(queries);
  }

  @Test
  void dkimSelectorsAndBlocklists_areAskedWhenNamed() {
    long before = dns.queryCount();
    Run r = posture("good.test", "--dkim-selector", "s1", "--dnsbl", "bl.test", "--json");

    assertThat(r.out())
        .as(r.err())
        .contains("\"selector\" : \"s1\"")
        .contains("bl.test")
        .contains("\"DNSBL\"");
    assertThat(dns.queryCount()).isGreaterThan(before);
  }

  @Test
  void help_namesTheOptions() {
    Run r = run("posture", "--help");

    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("--dkim-selector", "--dnsbl", "--dnsbl-domain", "--smtp-port", "--policy-port")
        .contains("--trust-anchor", "--max-in-flight", "--deadline", "--json", "--dns");
  }
}
