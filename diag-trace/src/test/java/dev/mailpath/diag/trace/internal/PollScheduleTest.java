package dev.mailpath.diag.trace.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

class PollScheduleTest {
  static final long MS = 1_000_000L;

  @Test
  void nextWait_emptyPolls_doublesUpToTheCeiling() {
    PollSchedule s = new PollSchedule(Duration.ofMillis(500), Duration.ofSeconds(3));
    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      waits.add(s.nextWait(0, Long.MAX_VALUE / 2) / MS);
    }
    assertThat(waits).containsExactly(500L, 1000L, 2000L, 3000L, 3000L, 3000L);
  }

  @Test
  void nextWait_nearTheDeadline_waitsOnlyUntilTheDeadline() {
    PollSchedule s = new PollSchedule(Duration.ofSeconds(2), Duration.ofSeconds(8));
    long now = 10_000 * MS;

    assertThat(s.nextWait(now, now + 700 * MS)).isEqualTo(700 * MS);
    assertThat(s.nextWait(now, now)).isZero();
    assertThat(s.nextWait(now, now - MS)).isZero();
  }

  @Test
  void nextWait_fakeClockWalkingToTheDeadline_endsWithAPollAtTheDeadline() {
    PollSchedule s = new PollSchedule(Duration.ofMillis(100), Duration.ofMillis(400));
    long now = 0;
    long deadline = 1000 * MS;
    int polls = 1; // the first, at 0
    while (now < deadline) {
      now += s.nextWait(now, deadline);
      polls++;
    }
    assertThat(now).isEqualTo(deadline);
    assertThat(polls).isEqualTo(5); // at 0, 100, 300, 700 and 1000 ms
  }

  @Test
  void nextWait_hugeCeiling_neverOverflows() {
    PollSchedule s = new PollSchedule(Duration.ofDays(1), Duration.ofDays(1));
    for (int i = 0; i < 80; i++) {
      assertThat(s.nextWait(0, Long.MAX_VALUE)).isEqualTo(Duration.ofDays(1).toNanos());
    }
  }

  @Test
  void new_badIntervals_throw() {
    assertThatThrownBy(() -> new PollSchedule(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PollSchedule(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pause_interrupted_throwsCancellationAndKeepsTheFlag() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> PollSchedule.pause(Duration.ofSeconds(10).toNanos()))
          .isInstanceOf(CancellationException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
