package dev.mailpath.diag.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.auth.internal.AuthDns;
import org.junit.jupiter.api.Test;

class AuthDnsTest {

  @Test
  void txtStrings_splitsQuotedStringsAndDecodesEscapes() {
    assertThat(AuthDns.txtStrings("\"v=spf1 a\" \" -all\"")).containsExactly("v=spf1 a", " -all");
    assertThat(AuthDns.txtStrings("\"say \\\"hi\\\" \\\\ \\059\""))
        .containsExactly("say \"hi\" \\ ;");
    assertThat(AuthDns.txtStrings("\"caf\\195\\169\"")).containsExactly("café");
    assertThat(AuthDns.txtStrings("\"\"")).containsExactly("");
    assertThat(AuthDns.txtStrings("plain words")).containsExactly("plain", "words");
  }
}
