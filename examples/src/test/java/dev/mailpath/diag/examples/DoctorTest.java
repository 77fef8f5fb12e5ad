package dev.mailpath.diag.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DoctorTest {

  @Test
  void main_noArguments_walksTheLabAndSummarises() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Outcome worst = Doctor.run(new String[0], new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);

    assertThat(out)
        .contains("example.com\tMX preference = 10, mail exchanger = mail1.example.com")
        .contains(" -> RCPT TO:<alice@example.com>")
        .contains("<-  250 2.0.0 Ok: queued")
        .contains("dns.root.serial-mismatch")
        .contains("path.fallback")
        .contains("OPEN_RELAY")
        .contains("AUTHENTICATED_ONLY")
        .contains("relay.open")
        .contains("trace.investigation.in-mailbox-moved")
        .contains("trace.investigation.reached-server-not-mailbox")
        .contains("dns.root.slow")
        .contains("example.com.\t3600\tIN\tMX\t10 mail1.example.com.")
        .contains("== Summary")
        .contains("Overall: ");
    assertThat(out).doesNotContain("smtp.banner.rdns-mismatch");
    assertThat(worst).isEqualTo(Outcome.FAIL);
  }
}
