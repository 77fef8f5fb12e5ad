package dev.mailpath.diag.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every case of {@link SpfCases} against the embedded DNS server. */
class SpfCheckCasesTest {
  static LocalDnsZoneServer dns;
  static SpfCheck spf;

  @BeforeAll
  static void start() {
    LocalDnsZoneServer.Builder b = LocalDnsZoneServer.builder();
    for (String[] z : SpfZones.all()) {
      b.zone(z[0], z[1]);
    }
    // Names outside the test zones get NXDOMAIN, as from a resolver, not REFUSED.
    b.zone(".", SpfZones.root());
    dns = b.start();
    spf =
        SpfCheck.builder()
            .dns(d -> d.server(dns.address()).timeout(Duration.ofSeconds(2)).retries(0))
            .timeout(Duration.ofSeconds(10))
            .build();
  }

  @AfterAll
  static void stop() {
    dns.close();
  }

  static List<SpfCases.Case> cases() {
    return SpfCases.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void check_suiteCase_givesRfcResult(SpfCases.Case c) throws Exception {
    SpfReport r = spf.check(InetAddress.getByName(c.host()), c.mailFrom(), c.helo());

    assertThat(r.result()).as(r.toString()).isEqualTo(c.result());
    if (c.explanation() != null) {
      if (c.explanation().isEmpty()) {
        assertThat(r.explanation()).as(r.toString()).isEmpty();
      } else {
        assertThat(r.explanation()).as(r.toString()).contains(c.explanation());
      }
    }
  }
}
