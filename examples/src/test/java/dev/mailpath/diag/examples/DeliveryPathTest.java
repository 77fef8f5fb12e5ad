package dev.mailpath.diag.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeliveryPathTest {

  @Test
  void main_noArguments_narratesThePathsThroughTheEmbeddedLab() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Outcome worst =
        DeliveryPath.run(new String[0], new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);

    assertThat(out)
        .contains("Where does mail for alice@example.com go?")
        .contains("1. mail1.example.com (preference 10):")
        .contains("2. mail2.example.com (preference 20):")
        .contains("nobody answers")
        .contains(
            "=> ACCEPTED: mail2.example.com (127.0.3.2) would take the mail for alice@example.com")
        .contains("path.fallback.exchange")
        .contains("path.fallback.ipv4")
        .contains("Where does mail for nobody@example.com go?")
        .contains("=> RECIPIENT_REFUSED")
        .contains("5.1.1")
        .contains("Where does mail for postmaster@nomail.example.com go?")
        .contains("=> NULL_MX")
        .contains("=> UNREACHABLE")
        .contains("Next: Test with telnet to port 25 of the lowest-preference exchange");
    assertThat(out.indexOf("mail1.example.com (preference 10)"))
        .isLessThan(out.indexOf("mail2.example.com (preference 20)"));
    assertThat(worst).isEqualTo(Outcome.FAIL);
  }

  @Test
  void main_unknownOption_saysWhichOptionsExist() {
    assertThatThrownBy(() -> DeliveryPath.run(new String[] {"--server", "x"}, System.out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--dns");
    assertThatThrownBy(
            () ->
                DeliveryPath.run(new String[] {"--dns", "ns.example.test", "a@b.test"}, System.out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("IP address");
  }
}
