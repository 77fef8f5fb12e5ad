package dev.mailpath.diag.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Runs the root-server benchmark's harness for two rounds with small delays, so that the lab and
 * the measurements keep working. No timing is asserted: the figures come from whole runs
 * (docs/benchmarks.md, "Root servers in parallel").
 */
class RootServersBenchmarkSmokeTest {

  @Test
  void run_twoRoundsWithSmallDelays_everyRootAnswersEveryRound() {
    RootServersBenchmark.Settings s =
        new RootServersBenchmark.Settings(
            2, 1, RootServersBenchmark.spread(1, 13, 13), Duration.ofSeconds(2));

    RootServersBenchmark.Summary sum = RootServersBenchmark.run(s);

    assertThat(sum.rounds()).hasSize(2);
    assertThat(sum.rounds())
        .allSatisfy(
            r -> {
              assertThat(r.roots()).isEqualTo(13);
              assertThat(r.answered()).isEqualTo(13);
              assertThat(r.wallNanos()).isPositive();
              assertThat(r.slowestQuestionNanos()).isPositive();
              assertThat(r.maxDelayNanos()).isEqualTo(Duration.ofMillis(13).toNanos());
            });
    assertThat(sum.first().answered()).isEqualTo(13);
  }

  @Test
  void settings_parse_readsOptionsAndRejectsUnknownOnes() {
    RootServersBenchmark.Settings s =
        RootServersBenchmark.Settings.parse(
            new String[] {
              "--rounds", "5", "--warmup", "0", "--delays", "10,20", "--timeout-ms", "900"
            });

    assertThat(s.rounds()).isEqualTo(5);
    assertThat(s.warmup()).isZero();
    assertThat(s.delays()).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20));
    assertThat(s.timeout()).isEqualTo(Duration.ofMillis(900));
    assertThat(RootServersBenchmark.DEFAULT_DELAYS)
        .hasSize(13)
        .startsWith(Duration.ofMillis(10))
        .endsWith(Duration.ofMillis(200));
    assertThatThrownBy(() -> RootServersBenchmark.Settings.parse(new String[] {"--nope"}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void percentile_nearestRank() {
    long[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

    assertThat(RootServersBenchmark.percentile(sorted, 50)).isEqualTo(5);
    assertThat(RootServersBenchmark.percentile(sorted, 90)).isEqualTo(9);
    assertThat(RootServersBenchmark.percentile(new long[] {7}, 90)).isEqualTo(7);
  }
}
