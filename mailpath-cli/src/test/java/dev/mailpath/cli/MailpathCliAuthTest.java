package dev.mailpath.cli;

import static dev.mailpath.cli.MailpathCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonToken;
import dev.mailpath.cli.MailpathCliTest.Run;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mailpath spf}, {@code dkim}, {@code dmarc} and {@code auth} on an embedded DNS server. */
class MailpathCliAuthTest {
  static LocalDnsZoneServer dns;

  @BeforeAll
  static void start() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    String p = Base64.getEncoder().encodeToString(g.generateKeyPair().getPublic().getEncoded());
    String zone =
        """
        $ORIGIN example.org.
        $TTL 300
        @ IN SOA ns1 hostmaster 1 3600 600 86400 300
        @ IN NS ns1
        ns1 IN A 127.0.0.1
        @ IN TXT "v=spf1 ip4:127.0.0.20 -all"
        _dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.org"
        """
            + "s1._domainkey IN TXT \"v=DKIM1; k=rsa; p="
            + p.substring(0, 200)
            + "\" \""
            + p.substring(200)
            + "\"\n";
    String root =
        """
        $ORIGIN .
        $TTL 300
        @ IN SOA ns1.example.org. hostmaster.example.org. 1 3600 600 86400 300
        @ IN NS ns1.example.org.
        """;
    dns = LocalDnsZoneServer.builder().zone(root).zone(zone).start();
  }

  @AfterAll
  static void stop() {
    dns.close();
  }

  static String dnsArg() {
    return "127.0.0.1:" + dns.port();
  }

  @Test
  void spf_authorizedIpPasses_otherIpFails_withExitCodes() {
    Run pass = run("spf", "alice@example.org", "--ip", "127.0.0.20", "--dns", dnsArg());
    assertThat(pass.code()).as(pass.err()).isZero();
    assertThat(pass.out()).contains("PASS");
    assertThat(pass.err()).contains("DNS servers: 127.0.0.1:" + dns.port());

    Run fail = run("spf", "alice@example.org", "--ip", "127.0.0.66", "--dns", dnsArg());
    assertThat(fail.out()).contains("FAIL");
    assertThat(fail.code()).isEqualTo(2);
  }

  @Test
  void spf_recordAnalysis_json_parses() throws Exception {
    Run r = run("spf", "example.org", "--dns", dnsArg(), "--json");
    assertThat(r.out()).contains("\"@type\" : \"SpfRecordReport\"").contains("ip4:127.0.0.20");
    assertThat(MailpathJarIT.parse(r.out())).isEqualTo(JsonToken.START_OBJECT);
  }

  @Test
  void spf_nameForIp_andMalformedDomain_areUsageErrors_beforeAnyQuery() {
    long before = dns.queryCount();
    Run name = run("spf", "alice@example.org", "--ip", "mail.example.org", "--dns", dnsArg());
    assertThat(name.code()).isEqualTo(64);
    assertThat(name.err()).contains("--ip needs an IP address");
    Run bad = run("spf", "bad..name", "--dns", dnsArg());
    assertThat(bad.code()).isEqualTo(64);
    assertThat(dns.queryCount()).isEqualTo(before);
  }

  @Test
  void dmarc_showsThePolicy_andManyDomainsAreCheckedFirst() {
    Run r = run("dmarc", "example.org", "--dns", dnsArg());
    assertThat(r.out()).containsIgnoringCase("reject");
    long before = dns.queryCount();
    Run bad = run("dmarc", "example.org", "bad..name", "--dns", dnsArg());
    assertThat(bad.code()).isEqualTo(64);
    assertThat(dns.queryCount()).isEqualTo(before);
  }

  @Test
  void dkim_keyRecord_andUnsignedMessage(@TempDir Path dir) throws Exception {
    Run key =
        run("dkim", "example.org", "--selector", "s1", "--dns", dnsArg(), "--format", "jsonl");
    assertThat(key.out()).contains("DkimKeyReport").contains("2048");

    Path eml = dir.resolve("m.eml");
    Files.writeString(
        eml, "From: a@example.org\r\nSubject: x\r\n\r\nhi\r\n", StandardCharsets.UTF_8);
    Run msg = run("dkim", eml.toString(), "--dns", dnsArg());
    assertThat(msg.out()).contains("NONE");
  }

  @Test
  void auth_message_givesTheDmarcVerdict(@TempDir Path dir) throws Exception {
    Path eml = dir.resolve("spoofed.eml");
    Files.writeString(
        eml,
        "Received-SPF: fail client-ip=127.0.0.66; helo=spoofer.example.com;"
            + " envelope-from=alice@example.org;\r\n"
            + "Authentication-Results: mx.example.net; spf=fail; dmarc=fail\r\n"
            + "From: alice@example.org\r\nSubject: urgent\r\n\r\npay now\r\n",
        StandardCharsets.UTF_8);
    Run r = run("auth", eml.toString(), "--dns", dnsArg());
    assertThat(r.out())
        .contains("DMARC fail for From: example.org")
        .contains("asks receivers to reject it");
    assertThat(r.code()).isEqualTo(2);

    Run explicit =
        run(
            "auth",
            eml.toString(),
            "--ip",
            "127.0.0.20",
            "--helo",
            "out.example.org",
            "--mail-from",
            "alice@example.org",
            "--dns",
            dnsArg());
    assertThat(explicit.out()).contains("DMARC pass");
    Run half = run("auth", eml.toString(), "--ip", "127.0.0.20", "--dns", dnsArg());
    assertThat(half.code()).isEqualTo(64);
  }
}
