package dev.mailpath.diag.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.internal.Checks;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChecksTest {

  @Test
  void noLineBreaks_crLfNul_areRejectedWithParameterName() {
    assertThatThrownBy(() -> Checks.noLineBreaks("ehloName", "a\r\nMAIL FROM:<x>"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ehloName")
        .hasMessageContaining("CR")
        .hasMessageContaining("a\\r\\nMAIL");
    assertThatThrownBy(() -> Checks.noLineBreaks("address", "a\nb")).hasMessageContaining("LF");
    assertThatThrownBy(() -> Checks.noLineBreaks("address", "a\0b")).hasMessageContaining("NUL");
    assertThat(Checks.noLineBreaks("address", "<\"odd local\"@example.org>"))
        .isEqualTo("<\"odd local\"@example.org>");
  }

  @Test
  void port_outOfRange_isRejected() {
    assertThatThrownBy(() -> Checks.port("port", 0)).hasMessageContaining("port must be between");
    assertThatThrownBy(() -> Checks.port("port", 65536))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Checks.port("port", 65535)).isEqualTo(65535);
  }

  @Test
  void positive_zeroNegativeOrHuge_isRejected() {
    assertThatThrownBy(() -> Checks.positive("timeout", Duration.ZERO))
        .hasMessageContaining("timeout must be positive");
    assertThatThrownBy(() -> Checks.positive("timeout", Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Checks.positive("timeout", Duration.ofDays(2)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void environment_with_changesOneSeam() {
    java.util.Random random = new java.util.Random(1);
    DiagEnvironment env = DiagEnvironment.system().with(b -> b.random(random));

    assertThat(env.random()).isSameAs(random);
    assertThat(env.timeSource()).isSameAs(DiagEnvironment.system().timeSource());
    assertThat(env.executor()).isSameAs(DiagEnvironment.system().executor());
  }

  @Test
  void timings_addUpAndKeepOrder() {
    Timings t =
        Timings.builder()
            .add("connect", Duration.ofMillis(3))
            .add("banner", Duration.ofMillis(5))
            .add("connect", Duration.ofMillis(2))
            .build();

    assertThat(t.phases().keySet()).containsExactly("connect", "banner");
    assertThat(t.get("connect")).contains(Duration.ofMillis(5));
    assertThat(t.total()).isEqualTo(Duration.ofMillis(10));
    assertThat(t).hasToString("connect=5ms, banner=5ms");
  }
}
