package dev.mailpath.diag.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RootPrimingTest {
  static RootLab lab;

  @BeforeAll
  static void startLab() {
    lab = RootLab.start();
  }

  @AfterAll
  static void stopLab() {
    lab.close();
  }

  static RootServerQuery.Builder roots(RootHints hints) {
    return RootServerQuery.builder()
        .hints(hints)
        .addressFamily(AddressFamily.IPV4)
        .dns(d -> d.timeout(Duration.ofMillis(300)).retries(0));
  }

  @Test
  void prime_currentHints_findsLiveListEqualToHints() {
    PrimingReport p = roots(lab.hints()).build().prime();

    assertThat(p.liveServers()).hasSize(13);
    assertThat(p.liveServers()).isEqualTo(lab.hints().servers());
    assertThat(p.differences()).isEmpty();
    assertThat(p.hintsCurrent()).isTrue();
    assertThat(p.findings()).isEmpty();
    assertThat(p.outcome()).isEqualTo(Outcome.PASS);
    assertThat(p.roots().results())
        .allSatisfy(
            r -> {
              assertThat(r.flags()).contains(DnsFlag.AA);
              assertThat(r.answer()).hasSize(13);
            });
    assertThat(lab.root(1).queries())
        .anySatisfy(
            q -> {
              assertThat(q.name()).isEqualTo(".");
              assertThat(q.typeName()).isEqualTo("NS");
              assertThat(q.recursionDesired()).isFalse();
              assertThat(q.edns()).isTrue();
            });
  }

  @Test
  void prime_hintWithRenumberedRoot_reportsStaleHints() {
    // B moved from 127.0.1.99 (the old address, still in these hints) to 127.0.1.2.
    List<RootServer> stale = new ArrayList<>(lab.hints().servers());
    stale.set(1, RootServer.of("B", "b.root-servers.lab", "127.0.1.99", null).withPort(lab.port));

    PrimingReport p = roots(RootHints.of(stale)).build().prime();

    assertThat(p.differences())
        .containsExactly(
            new PrimingReport.Difference("b.root-servers.lab.", "A", "127.0.1.99", "127.0.1.2"));
    assertThat(p.hintsCurrent()).isFalse();
    assertThat(p.findings())
        .extracting(Finding::code)
        .contains("dns.root.hints-stale", "dns.root.unreachable");
    assertThat(p.primedHints().find("B").orElseThrow().ipv4())
        .contains(RootLab.address("127.0.1.2"));
    assertThat(p.toString())
        .contains("differs: b.root-servers.lab. A: hints 127.0.1.99, live 127.0.1.2");
  }

  @Test
  void prime_hintsMissingARoot_reportsNsDifference() {
    PrimingReport p = roots(lab.hints(1, 2, 3)).build().prime();

    assertThat(p.differences())
        .hasSize(10)
        .allSatisfy(
            d -> {
              assertThat(d.field()).isEqualTo("NS");
              assertThat(d.hinted()).isEqualTo("-");
            });
    assertThat(p.findings()).extracting(Finding::code).containsExactly("dns.root.hints-stale");
    assertThat(p.liveServers()).hasSize(13);
  }

  @Test
  void prime_noRootAnswers_reportsPrimingFailed() {
    RootHints dead =
        RootHints.of(
            List.of(RootServer.of("A", "a.dead.lab", "127.0.1.41", null).withPort(lab.port)));

    PrimingReport p = roots(dead).build().prime();

    assertThat(p.findings())
        .extracting(Finding::code)
        .containsExactly("dns.root.all-unreachable", "dns.root.priming-failed");
    assertThat(p.liveServers()).isEmpty();
    assertThat(p.primedHints()).isEqualTo(dead);
    assertThat(p.outcome()).isEqualTo(Outcome.FAIL);
  }
}
