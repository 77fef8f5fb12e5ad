package dev.mailpath.diag.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AuthChecksTest {

  @Test
  void setUpChecks_thenTheNewsletterFailsDmarc_andTheFixedOnePasses() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    AuthChecks.run(new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);

    assertThat(out)
        .contains("DNS lookups: 2 of 10")
        .contains("DKIM key s2026._domainkey.example.org: rsa 2048 bits, usable")
        .contains("DMARC example.org: quarantine");
    String junk = out.substring(out.indexOf("== Why did"), out.indexOf("== The same"));
    assertThat(junk)
        .contains("DMARC: FAIL")
        .contains(
            "DKIM d=mailer.example.net does not align with From: example.org (relaxed: different"
                + " organizational domains)")
        .contains("asks receivers to quarantine it")
        .contains(
            "Fix:   DKIM d=mailer.example.net does not align with From: example.org: sign with"
                + " d=example.org")
        .contains("Fix:   The DMARC policy p=quarantine of example.org applied");
    String fixed = out.substring(out.indexOf("== The same"));
    assertThat(fixed).contains("DMARC: PASS").doesNotContain("Fix:");
  }
}
