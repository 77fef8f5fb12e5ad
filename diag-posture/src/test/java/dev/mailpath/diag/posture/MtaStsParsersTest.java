package dev.mailpath.diag.posture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.posture.internal.MtaStsParsers;
import dev.mailpath.diag.testkit.LinearTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MtaStsParsersTest {

  @Test
  void policy_lfAndCrlfAndTrailingSpace_unknownFieldsIgnored() {
    MtaStsParsers.PolicyResult r =
        MtaStsParsers.parsePolicy(
            "version: STSv1\nmode:enforce  \r\nmx: MX1.Example.org\nfuture_field: x\nmax_age: 604800");
    assertThat(r.problems()).isEmpty();
    assertThat(r.policy())
        .contains(
            new MtaStsPolicy(MtaStsMode.ENFORCE, List.of("mx1.example.org"), Duration.ofDays(7)));
  }

  @Test
  void policy_missingAndInvalidFields() {
    assertThat(MtaStsParsers.parsePolicy("").policy()).isEmpty();
    assertThat(MtaStsParsers.parsePolicy("").problems())
        .anyMatch(p -> p.contains("no version"))
        .anyMatch(p -> p.contains("no mode"))
        .anyMatch(p -> p.contains("no max_age"));
    MtaStsParsers.PolicyResult r =
        MtaStsParsers.parsePolicy(
            "version: STSv2\nmode: ENFORCE\nmx: *\nmx: a..b\nmax_age: 31557601\n");
    assertThat(r.policy()).isEmpty();
    assertThat(r.problems())
        .anyMatch(p -> p.contains("not STSv1"))
        .anyMatch(p -> p.contains("not enforce, testing or none"))
        .anyMatch(p -> p.contains("invalid mx pattern: *"))
        .anyMatch(p -> p.contains("above the maximum"));
  }

  @Test
  void policy_enforceWithoutMx_isUnusable_noneWithoutMx_isFine() {
    assertThat(
            MtaStsParsers.parsePolicy("version: STSv1\nmode: enforce\nmax_age: 86400\n").policy())
        .isEmpty();
    assertThat(MtaStsParsers.parsePolicy("version: STSv1\nmode: none\nmax_age: 86400\n").policy())
        .isPresent();
  }

  @Test
  void policy_repeatedModeCountsFirst_butIsAProblem() {
    MtaStsParsers.PolicyResult r =
        MtaStsParsers.parsePolicy(
            "version: STSv1\nmode: testing\nmode: enforce\nmx: a.example\nmax_age: 86400\n");
    assertThat(r.policy().orElseThrow().mode()).isEqualTo(MtaStsMode.TESTING);
    assertThat(r.problems()).containsExactly("line 3 repeats mode");
  }

  @Test
  void policy_problemsAreBounded_andControlCharactersEscaped() {
    MtaStsParsers.PolicyResult r = MtaStsParsers.parsePolicy("\u0001junk\n".repeat(1000));
    assertThat(r.problems()).hasSizeLessThanOrEqualTo(21);
    assertThat(r.problems().get(0)).contains("\\x01junk");
  }

  @Test
  void record_grammar() {
    assertThat(MtaStsParsers.parseRecord("v=STSv1; id=20190429T010101;").id())
        .contains("20190429T010101");
    assertThat(MtaStsParsers.parseRecord("v=STSv1;id=abc; ext=1").id()).contains("abc");
    assertThat(MtaStsParsers.parseRecord("v=STSv1;").problems()).contains("no id field");
    assertThat(MtaStsParsers.parseRecord("v=STSv1; id=" + "a".repeat(33)).id()).isEmpty();
    assertThat(MtaStsParsers.parseRecord("v=STSv1; id=1; id=2").problems())
        .contains("id appears more than once");
    assertThat(MtaStsParsers.isStsRecord("v=STSv10; id=1")).isFalse();
    assertThat(MtaStsParsers.isStsRecord("v=STSv1")).isTrue();
  }

  @Test
  void parsers_runInLinearTime() {
    LinearTime.assertLinear(
        "MTA-STS policy parser on many mx lines",
        n -> {
          String body =
              "version: STSv1\r\nmode: enforce\r\n"
                  + "mx: *.a.example\r\n".repeat(n)
                  + "max_age: 1\r\n";
          return () -> MtaStsParsers.parsePolicy(body);
        },
        4 * 1024);
    LinearTime.assertLinear(
        "MTA-STS policy parser on one long line",
        n -> {
          String body = "mx: " + "a".repeat(n) + ":" + ".".repeat(n);
          return () -> MtaStsParsers.parsePolicy(body);
        },
        32 * 1024);
    LinearTime.assertLinear(
        "MTA-STS policy parser on colons and CRs",
        n -> {
          String body = ":\r".repeat(n);
          return () -> MtaStsParsers.parsePolicy(body);
        },
        32 * 1024);
    LinearTime.assertLinear(
        "TLS-RPT parser on many destinations",
        n -> {
          String rec = "v=TLSRPTv1; rua=" + "mailto:a@b.example,".repeat(n);
          return () -> MtaStsParsers.parseTlsRpt(rec);
        },
        4 * 1024);
    LinearTime.assertLinear(
        "STS record parser on many fields",
        n -> {
          String rec = "v=STSv1; id=1;" + " x=y;".repeat(n);
          return () -> MtaStsParsers.parseRecord(rec);
        },
        4 * 1024);
  }
}
