package dev.mailpath.diag.testkit;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LinearTimeTest {
  /** A sink the JIT cannot prove unused. */
  static volatile long sink;

  @Test
  void assertLinear_linearWork_passes() {
    assertThatCode(
            () ->
                LinearTime.assertLinear(
                    "a linear sum",
                    n ->
                        () -> {
                          long s = 0;
                          for (int i = 0; i < n; i++) {
                            s += i ^ (s >>> 3);
                          }
                          sink = s;
                        },
                    20_000))
        .doesNotThrowAnyException();
  }

  @Test
  void assertLinear_quadraticWork_failsNamingTheWork() {
    assertThatThrownBy(
            () ->
                LinearTime.assertLinear(
                    "a quadratic loop",
                    n ->
                        () -> {
                          long s = 0;
                          for (int i = 0; i < n; i++) {
                            for (int j = 0; j < n; j++) {
                              s += i ^ j ^ (s >>> 3);
                            }
                          }
                          sink = s;
                        },
                    1_000))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("a quadratic loop");
  }
}
