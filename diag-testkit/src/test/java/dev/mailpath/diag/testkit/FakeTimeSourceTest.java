package dev.mailpath.diag.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FakeTimeSourceTest {

  @Test
  void advance_movesInstantAndNanoTimeTogether() {
    FakeTimeSource time = FakeTimeSource.of(Instant.parse("2025-03-01T00:00:00Z"));

    time.advance(Duration.ofMillis(250)).advance(Duration.ofSeconds(1));

    assertThat(time.instant()).isEqualTo(Instant.parse("2025-03-01T00:00:01.250Z"));
    assertThat(time.nanoTime()).isEqualTo(Duration.ofMillis(1250).toNanos());
    assertThat(time.elapsed()).isEqualTo(Duration.ofMillis(1250));
  }

  @Test
  void epoch_standsStillUntilAdvanced() {
    FakeTimeSource time = FakeTimeSource.epoch();

    assertThat(time.instant()).isEqualTo(Instant.EPOCH);
    assertThat(time.instant()).isEqualTo(Instant.EPOCH);
    assertThat(time.nanoTime()).isZero();
  }

  @Test
  void advance_negative_isRejected() {
    assertThatThrownBy(() -> FakeTimeSource.epoch().advance(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("amount");
  }
}
