package dev.mailpath.diag.posture.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.dns.DnssecStatus;
import dev.mailpath.diag.posture.AddressPosture;
import dev.mailpath.diag.posture.ExchangePosture;
import dev.mailpath.diag.posture.PostureCategory;
import dev.mailpath.diag.posture.PostureScore;
import dev.mailpath.diag.posture.PostureTest;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PostureScoringTest {
  @Test
  void theAllTermsQualifierIsRead() {
    assertThat(PostureScoring.allQualifier("v=spf1 mx -all")).isEqualTo("-");
    assertThat(PostureScoring.allQualifier("v=spf1 ~ALL")).isEqualTo("~");
    assertThat(PostureScoring.allQualifier("v=spf1 a all")).isEqualTo("+");
    assertThat(PostureScoring.allQualifier("v=spf1 ?all")).isEqualTo("?");
    assertThat(PostureScoring.allQualifier("v=spf1 redirect=_spf.example.net")).isEmpty();
    assertThat(PostureScoring.allQualifier("v=spf1 include:all.example.net")).isEmpty();
  }

  @Test
  void protocolsOlderThanTls12AreOld() {
    assertThat(ExchangeProber.oldProtocol("TLSv1.1")).isTrue();
    assertThat(ExchangeProber.oldProtocol("TLSv1")).isTrue();
    assertThat(ExchangeProber.oldProtocol("SSLv3")).isTrue();
    assertThat(ExchangeProber.oldProtocol("TLSv1.2")).isFalse();
    assertThat(ExchangeProber.oldProtocol("TLSv1.3")).isFalse();
  }

  static ExchangePosture exchange(String host, int ipv6, AddressPosture... addresses) {
    return new ExchangePosture(host, 10, DnssecStatus.SECURE, List.of(addresses), ipv6, List.of());
  }

  static AddressPosture address(String ip, boolean six, boolean reachable) {
    return new AddressPosture(
        ip, six, reachable, false, Optional.empty(), Optional.empty(), List.of());
  }

  static PostureScore score(PostureCategory c, List<ExchangePosture> exchanges) {
    return PostureScoring.score(
            new PostureScoring.Facts(
                exchanges,
                true,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                false,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                false))
        .stream()
        .filter(s -> s.category() == c)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void ipv6FailsForTheExchangeWithoutAnAddressAndForADeadOne() {
    PostureScore s =
        score(
            PostureCategory.IPV6,
            List.of(
                exchange(
                    "mx1.test",
                    1,
                    address("192.0.2.1", false, true),
                    address("2001:db8::1", true, false)),
                exchange("mx2.test", 0, address("192.0.2.2", false, true))));
    assertThat(s.tests())
        .extracting(PostureTest::id, PostureTest::result, PostureTest::detail)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "ipv6.addresses", Outcome.FAIL, "no IPv6 address: mx2.test"),
            org.assertj.core.groups.Tuple.tuple(
                "ipv6.reachable", Outcome.FAIL, "IPv6 address without SMTP answer: mx1.test"));
    assertThat(s.score()).hasValue(0);
  }

  @Test
  void aTemporaryDnsFailureIsUndecidedNotNoRecord() {
    dev.mailpath.diag.auth.SpfRecordReport spf =
        dev.mailpath.diag.auth.SpfRecordReport.builder()
            .domain("x.test")
            .addFinding(dev.mailpath.diag.auth.SpfFinding.TEMPERROR.finding("SERVFAIL for x.test"))
            .build();
    List<PostureTest> auth =
        PostureScoring.score(
                new PostureScoring.Facts(
                    List.of(),
                    true,
                    Optional.empty(),
                    Optional.of(spf),
                    Optional.empty(),
                    List.of(),
                    false,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    List.of(),
                    false))
            .get(PostureCategory.AUTHENTICATION.ordinal())
            .tests();
    assertThat(auth)
        .filteredOn(t -> t.id().equals("spf.record"))
        .singleElement()
        .satisfies(t -> assertThat(t.result()).isEqualTo(Outcome.INCONCLUSIVE));
    assertThat(PostureScoring.temporary(spf.findings())).isTrue();
  }

  @Test
  void partsThatDidNotFinishAreUndecidedNeverFailed() {
    List<PostureScore> all =
        PostureScoring.score(
            new PostureScoring.Facts(
                List.of(),
                false,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                false,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                false));
    assertThat(all).hasSize(PostureCategory.values().length);
    assertThat(all).allSatisfy(s -> assertThat(s.score()).isEmpty());
    assertThat(all.stream().flatMap(s -> s.tests().stream()))
        .allSatisfy(t -> assertThat(t.result()).isEqualTo(Outcome.INCONCLUSIVE));
  }
}
