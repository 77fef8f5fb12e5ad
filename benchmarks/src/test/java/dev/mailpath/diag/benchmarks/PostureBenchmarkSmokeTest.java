package dev.mailpath.diag.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.testkit.peer.NsdServer;
import dev.mailpath.diag.testkit.peer.Peers;
import org.junit.jupiter.api.Test;

/**
 * Runs the posture benchmark's harness on 50 domains, so that the lab and the report checks keep
 * working: every report complete and right (DNSSEC secure, STARTTLS verified, DANE where the zone
 * has it, MTA-STS policies fetched), and the exchange cache of {@code checkAll} seen at the
 * servers: one SMTP connection per exchange address per run. Skipped, or failed with {@code
 * -Dpeers.required=true}, when NSD is missing. No timing is asserted: the figures come from whole
 * runs (docs/benchmarks.md, section Mail posture).
 */
class PostureBenchmarkSmokeTest {

  @Test
  void run_fiftyDomains_everyReportRightAndOneProbePerExchangeHost() throws Exception {
    Peers.requirePeer("NSD", NsdServer.INSTALL_HINT, NsdServer.findExecutable().isPresent());
    PostureLab.Layout layout = new PostureLab.Layout(50, 8, 10);

    PostureBenchmark.Result r =
        PostureBenchmark.run(
            new PostureBenchmark.Settings(layout, new int[] {4, 32}, 2, null, true), false);

    assertThat(r.single().problem()).isNull();
    assertThat(r.bulks()).hasSize(2);
    for (PostureBenchmark.Bulk b : r.bulks()) {
      String what = "maxInFlight " + b.inFlight();
      assertThat(b.reports()).as(what).isEqualTo(50);
      assertThat(b.firstProblem()).as(what).isNull();
      assertThat(b.right()).as(what).isEqualTo(50);
      int[] c = b.connections();
      for (int k = 0; k < layout.hosts(); k++) {
        assertThat(c[k]).as(what + ": connections to " + PostureLab.Layout.exchange(k)).isOne();
      }
      assertThat(c[layout.hosts()]).as(what + ": full.lab's exchange is not in the run").isZero();
      assertThat(c[layout.hosts() + 1])
          .as(what + ": ::1 is one address of hosts mx0 and mx4, each probed once")
          .isEqualTo(layout.usedIpv6Hosts())
          .isEqualTo(2);
      assertThat(c[layout.hosts() + 2])
          .as(what + ": one policy fetch per MTA-STS domain")
          .isEqualTo(5);
      assertThat(b.peakHeap()).isPositive();
    }
  }
}
