package dev.mailpath.diag.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RootServersTest {

  @Test
  void main_noArguments_primesAsksEveryRootAndTraces() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    RootServers.run(new String[0], new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);

    assertThat(out)
        .contains("> priming: are the root hints current?")
        .contains("13 replies of 13")
        .contains("referral com.")
        .contains("dns.root.serial-mismatch")
        .contains("example.com.\t3600\tIN\tMX\t20 mail2.example.com.");
  }
}
