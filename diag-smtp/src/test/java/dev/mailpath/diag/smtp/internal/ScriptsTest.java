package dev.mailpath.diag.smtp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.TlsMode;
import dev.mailpath.diag.smtp.SmtpPhase;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScriptsTest {
  static final Step EHLO = Step.of(Step.Kind.EHLO, SmtpPhase.EHLO, "client.test");
  static final Step TLS = Scripts.startTlsStep(TlsMode.STARTTLS_IF_OFFERED);

  @Test
  void aStartTlsStepWithoutEhloBeforeItGetsOne() {
    List<Step> played = Scripts.played(List.of(TLS), TlsMode.NONE);
    assertThat(played).extracting(Step::kind).containsExactly(Step.Kind.EHLO, TLS.kind());
    assertThat(played.get(0).text()).isEmpty(); // the client's own EHLO name
  }

  @Test
  void aScriptWithItsOwnEhloIsPlayedAsWritten() {
    assertThat(Scripts.played(List.of(EHLO, TLS), TlsMode.NONE)).containsExactly(EHLO, TLS);
  }

  @Test
  void aStartTlsModeAddsEhloAndStartTlsToAnEmptyScript() {
    assertThat(Scripts.played(List.of(), TlsMode.STARTTLS_REQUIRED))
        .extracting(Step::kind)
        .containsExactly(Step.Kind.EHLO, Step.Kind.STARTTLS);
  }
}
