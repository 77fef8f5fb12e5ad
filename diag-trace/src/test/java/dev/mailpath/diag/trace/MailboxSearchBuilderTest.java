package dev.mailpath.diag.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.smtp.SmtpCredentials;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Argument checks of the builders that take a server or a secret. */
class MailboxSearchBuilderTest {
  private static final String SECRET = "hunter2-very-secret";

  private static String everything(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {"\r", "\n", "\u0000"})
  void credentials_passwordWithLineBreak_throwsWithoutShowingThePassword(String bad) {
    assertThatThrownBy(() -> MailboxSearch.builder().credentials("bob", SECRET + bad + "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("password")
        .hasMessageContaining("index " + SECRET.length())
        .satisfies(e -> assertThat(everything(e)).doesNotContain("hunter2"));
  }

  @Test
  void roundTripProbeCredentials_passwordWithLineBreak_throwsWithoutShowingThePassword() {
    assertThatThrownBy(() -> SmtpCredentials.of("alice", SECRET + "\r\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(everything(e)).doesNotContain("hunter2"));
  }

  @ParameterizedTest
  @ValueSource(strings = {".:1", "1:2:3:4:5:6:7:8:9", "[mail.example.org]", "bad host", ""})
  void server_neitherHostNameNorLiteral_throwsNamingTheProblem(String host) {
    assertThatThrownBy(() -> MailboxSearch.builder().server(host, 993))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host");
  }

  @Test
  void server_ipv6LiteralInBrackets_isTakenAsTheAddress() {
    MailboxSearch s = MailboxSearch.builder().server("[::1]", 993).credentials("bob", "x").build();

    assertThat(s.toString()).isEqualTo("MailboxSearch[imaps://bob@[::1]:993]");
  }

  @Test
  void server_hostName_isKeptInItsAsciiForm() {
    MailboxSearch s =
        MailboxSearch.builder().server("imap.example.net", 993).credentials("bob", "x").build();

    assertThat(s.toString()).isEqualTo("MailboxSearch[imaps://bob@imap.example.net:993]");
  }
}
