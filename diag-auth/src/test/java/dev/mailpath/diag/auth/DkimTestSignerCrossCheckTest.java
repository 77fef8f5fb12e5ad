package dev.mailpath.diag.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.testkit.DkimTestSigner;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link DkimVerifier} against the test kit's independent signer (itself checked against dkimpy in
 * {@code DkimTestSignerIT}): every algorithm and canonicalization passes, LF-only files too, and a
 * changed body or header fails with the right reason.
 */
class DkimTestSignerCrossCheckTest {

  static final String MESSAGE =
      "From: Alice <alice@example.org>\r\nTo: bob@example.net\r\nSubject:  a   test \r\n"
          + "Date: Mon, 07 Dec 2026 20:00:00 +0000\r\nMessage-ID: <2@example.org>\r\n\r\n"
          + "Hello \t Bob,  \r\n\r\nSee you.\r\n\r\n";

  @Test
  void everyAlgorithmAndCanonicalization_verifies_andChangesFail() {
    DkimTestSigner rsa = DkimTestSigner.rsa("example.org", "r1");
    DkimTestSigner ed = DkimTestSigner.ed25519("example.org", "e1");
    String zone =
        "$ORIGIN example.org.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 86400 300\n"
            + "@ IN NS ns1\nns1 IN A 127.0.0.1\n"
            + rsa.zoneRecord()
            + "\n"
            + ed.zoneRecord()
            + "\n";
    try (LocalDnsZoneServer dns = LocalDnsZoneServer.builder().zone(zone).start()) {
      DkimVerifier verifier =
          DkimVerifier.builder()
              .dns(d -> d.server(dns.address()).timeout(Duration.ofSeconds(2)))
              .build();
      for (DkimTestSigner base : List.of(rsa, ed)) {
        for (String canon :
            List.of("relaxed/relaxed", "simple/simple", "relaxed/simple", "simple/relaxed")) {
          DkimTestSigner signer = base.canonicalization(canon);
          byte[] signed = signer.sign(MESSAGE.getBytes(StandardCharsets.UTF_8));
          DkimReport ok = verifier.verify(signed);
          assertThat(ok.result()).as(signer + "\n" + ok).isEqualTo(DkimResult.PASS);

          String lf = new String(signed, StandardCharsets.UTF_8).replace("\r\n", "\n");
          assertThat(verifier.verify(lf.getBytes(StandardCharsets.UTF_8)).result())
              .as(signer + " stored with LF line ends")
              .isEqualTo(DkimResult.PASS);

          String footer = new String(signed, StandardCharsets.UTF_8) + "-- \r\nSent by a list\r\n";
          DkimReport body = verifier.verify(footer.getBytes(StandardCharsets.UTF_8));
          assertThat(body.result()).as(signer + " footer").isEqualTo(DkimResult.FAIL);
          assertThat(body.signatures().get(0).has(DkimFinding.BODY_HASH)).isTrue();

          String subject =
              new String(signed, StandardCharsets.UTF_8).replace("a   test", "a test!");
          DkimReport header = verifier.verify(subject.getBytes(StandardCharsets.UTF_8));
          assertThat(header.result()).as(signer + " subject").isEqualTo(DkimResult.FAIL);
          assertThat(header.signatures().get(0).has(DkimFinding.BODY_HASH)).isFalse();
        }
      }
    }
  }
}
