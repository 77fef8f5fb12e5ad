package dev.mailpath.diag.posture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.FindingCatalog;
import dev.mailpath.diag.core.Severity;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DnsblFindingTest {

  @Test
  void everyCode_isDnsblNamespaced_unique_explained_andInTheCatalog() {
    Set<String> ids = new HashSet<>();
    for (DnsblFinding f : DnsblFinding.values()) {
      assertThat(f.id()).matches("dnsbl\\.[a-z0-9-]+");
      assertThat(ids.add(f.id())).as(f.id()).isTrue();
      assertThat(f.title()).isNotBlank();
      assertThat(f.explanation()).isNotBlank();
      assertThat(f.nextSteps()).isNotEmpty();
      assertThat(FindingCatalog.lookup(f.id())).as(f.id()).contains(f);
    }
    assertThat(ids)
        .containsExactlyInAnyOrder(
            "dnsbl.listed",
            "dnsbl.policy-listed",
            "dnsbl.inconclusive",
            "dnsbl.list-misconfigured",
            "dnsbl.no-lists");
    // a policy listing (PBL) is not spam: it must rank below a real listing
    assertThat(DnsblFinding.POLICY_LISTED.defaultSeverity())
        .isLessThan(DnsblFinding.LISTED.defaultSeverity());
    assertThat(DnsblFinding.INCONCLUSIVE.defaultSeverity()).isLessThan(Severity.ERROR);
  }

  @Test
  void listConstants_readSpamhausCodes_andNeverAnErrorCodeAsAListing() {
    assertThat(DnsblList.SPAMHAUS_ZEN.meaning("127.0.0.4").orElseThrow().category())
        .isEqualTo(DnsblList.Category.ABUSE);
    assertThat(DnsblList.SPAMHAUS_ZEN.meaning("127.0.0.10").orElseThrow().category())
        .isEqualTo(DnsblList.Category.POLICY);
    assertThat(DnsblList.SPAMHAUS_ZEN.meaning("127.0.0.11").orElseThrow().category())
        .isEqualTo(DnsblList.Category.POLICY);
    for (String code : new String[] {"127.255.255.252", "127.255.255.254", "127.255.255.255"}) {
      assertThat(DnsblList.SPAMHAUS_ZEN.meaning(code).orElseThrow().category())
          .as(code)
          .isEqualTo(DnsblList.Category.ERROR);
      assertThat(DnsblList.SPAMCOP.meaning(code).orElseThrow().category())
          .as(code)
          .isEqualTo(DnsblList.Category.ERROR);
    }
    assertThat(DnsblList.SPAMHAUS_DBL.meaning("127.0.1.255").orElseThrow().category())
        .isEqualTo(DnsblList.Category.ERROR);
    assertThat(DnsblList.SPAMHAUS_DBL.kind()).isEqualTo(DnsblList.Kind.DOMAIN);
    assertThat(DnsblList.SPAMCOP.meaning("10.0.0.1")).isEmpty();
    assertThat(DnsblList.ip("BL.Example.").zone()).isEqualTo("bl.example");
  }
}
