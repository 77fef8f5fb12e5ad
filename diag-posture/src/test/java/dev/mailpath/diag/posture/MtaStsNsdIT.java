package dev.mailpath.diag.posture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.testkit.MtaStsPolicyServer;
import dev.mailpath.diag.testkit.peer.DigClient;
import dev.mailpath.diag.testkit.peer.NsdServer;
import dev.mailpath.diag.testkit.peer.Peers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MTA-STS and TLS-RPT against real peers: NSD from Debian on loopback serves the zone (records
 * cross-checked with dig), and OpenSSL's {@code s_client} fetches the policy from the test kit's
 * {@link MtaStsPolicyServer} with SNI and host name verification, so the test kit's server is
 * checked by an independent TLS client and the checker's view of the policy by an independent one.
 * Skipped when NSD, dig or openssl is absent, failed with {@code -Dpeers.required=true}.
 */
class MtaStsNsdIT {
  static final String ZONE =
      MtaStsCheckTest.ZONE
          + String.join(
              "\n",
              "_smtp._tls.good TXT \"v=TLSRPTv1; rua=mailto:tls@good.test,http://r.good.test/x\"",
              "");

  static NsdServer nsd;
  static DigClient dig;
  static Path openssl;
  static MtaStsPolicyServer web;

  @BeforeAll
  static void start() {
    Peers.requirePeer("NSD", NsdServer.INSTALL_HINT, NsdServer.findExecutable().isPresent());
    dig = DigClient.require();
    openssl = Peers.requireExecutable("OpenSSL", "apt-get install openssl", "openssl");
    nsd = NsdServer.builder().zone("test", ZONE).start();
    web =
        MtaStsPolicyServer.builder()
            .domain("good.test")
            .policy("version: STSv1\nmode: enforce\nmx: mx1.good.test\nmax_age: 1209600\n")
            .start();
  }

  @AfterAll
  static void stop() {
    if (web != null) {
      web.close();
    }
    if (nsd != null) {
      nsd.close();
    }
  }

  static MtaStsCheck check() {
    return MtaStsCheck.builder()
        .dns(d -> d.server(nsd.address()).timeout(Duration.ofSeconds(2)).retries(1))
        .tls(t -> t.trustManager(web.trustManager()))
        .policyPort(web.port())
        .deadline(Duration.ofSeconds(20))
        .build();
  }

  @Test
  void policyThroughNsd_matchesWhatDigAndOpensslSee(@TempDir Path dir) throws Exception {
    MtaStsReport r = check().check("good.test");

    // the record as dig reads it from NSD
    List<String> txt = dig.query(nsd.address(), "_mta-sts.good.test", "TXT");
    assertThat(txt).containsExactly("\"v=STSv1; id=20260101T000000\"");
    assertThat(r.record()).contains("v=STSv1; id=20260101T000000");
    assertThat(dig.query(nsd.address(), "mta-sts.good.test", "A")).containsExactly("127.0.0.1");
    assertThat(r.policyAddress()).contains("127.0.0.1");

    // the body as OpenSSL fetches it, verifying the name mta-sts.good.test
    Path ca = dir.resolve("ca.pem");
    Files.writeString(ca, web.certificate().certificatePem());
    String fetched = opensslGet(ca, "mta-sts.good.test");
    assertThat(fetched).startsWith("HTTP/1.1 200 OK");
    String body = fetched.substring(fetched.indexOf("\r\n\r\n") + 4);
    assertThat(r.policyText()).contains(body.substring(0, body.indexOf("max_age: 1209600\n") + 17));

    // one MX host (mx2.backup.good.test) is not in this enforce policy
    assertThat(r.exchanges())
        .extracting(MtaStsExchange::host)
        .containsExactly("mx1.good.test", "mx2.backup.good.test");
    assertThat(r.findings()).extracting(Finding::code).containsExactly("mta-sts.mx-not-covered");
  }

  @Test
  void wrongNameCertificate_isRejectedByOpensslAndByTheCheck(@TempDir Path dir) throws Exception {
    web.behaviour(MtaStsPolicyServer.Behaviour.WRONG_CERTIFICATE_NAME);
    try {
      MtaStsReport r = check().check("good.test");
      assertThat(r.findings())
          .extracting(Finding::code)
          .containsExactly("mta-sts.certificate-invalid");
      Path ca = dir.resolve("ca.pem");
      Files.writeString(ca, web.certificate().certificatePem());
      assertThat(opensslGet(ca, "mta-sts.good.test")).doesNotContain("HTTP/1.1 200");
    } finally {
      web.behaviour(MtaStsPolicyServer.Behaviour.NORMAL);
    }
  }

  @Test
  void tlsRptThroughNsd_flagsThePlainHttpDestination() {
    TlsRptReport r =
        TlsRptCheck.builder()
            .dns(d -> d.server(nsd.address()).timeout(Duration.ofSeconds(2)).retries(1))
            .build()
            .check("good.test");

    assertThat(dig.query(nsd.address(), "_smtp._tls.good.test", "TXT")).hasSize(1);
    assertThat(r.rua()).containsExactly("mailto:tls@good.test");
    assertThat(r.findings()).extracting(Finding::code).containsExactly("tlsrpt.rua-scheme");
  }

  /**
   * Runs openssl s_client with SNI and host name verification (aborting when it fails) and one GET;
   * returns its output.
   */
  static String opensslGet(Path ca, String name) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                openssl.toString(),
                "s_client",
                "-connect",
                "127.0.0.1:" + web.port(),
                "-servername",
                name,
                "-verify_hostname",
                name,
                "-CAfile",
                ca.toString(),
                "-ign_eof",
                "-quiet",
                "-verify_quiet",
                "-verify_return_error")
            .redirectErrorStream(true)
            .start();
    p.getOutputStream()
        .write(
            ("GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: "
                    + name
                    + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    p.getOutputStream().close();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = p.getInputStream()) {
      in.transferTo(out);
    }
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return out.toString(StandardCharsets.ISO_8859_1);
  }
}
