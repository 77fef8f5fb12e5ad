package dev.mailpath.diag.posture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.dns.DnssecStatus;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.DnssecTestSigner;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DaneCheckTest {
  static final String ROOT =
      "$ORIGIN .\n$TTL 300\n@ SOA ns.test. h.test. 1 3600 600 86400 300\n@ NS ns.test.\n"
          + "test. NS ns.test.\nns.test. A 127.0.0.1\n";
  static final String TEST =
      "$ORIGIN test.\n$TTL 300\n@ SOA ns h 1 3600 600 86400 300\n@ NS ns\nns A 127.0.0.1\n"
          + "@ MX 10 mx1\nmx1 A 127.0.0.1\n_25._tcp.mx1 TLSA 3 1 1 00\n";

  @Test
  void badInputThrowsBeforeAnyQuery() {
    assertThatThrownBy(() -> DaneCheck.builder().build().check("bad..domain"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DaneCheck.builder().port(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port");
    assertThatThrownBy(() -> DaneCheck.builder().deadline(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deadline");
    assertThatThrownBy(() -> DaneCheck.builder().trustAnchors(List.of("nonsense")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anUnsignedDomainUnderASignedAnchorIsBogusAndNoSessionIsMade() {
    try (LocalDnsZoneServer dns =
        LocalDnsZoneServer.builder().zone(".", ROOT).zone("test.", TEST).start()) {
      DaneReport r =
          DaneCheck.builder()
              .dns(d -> d.server(dns.address()))
              .trustAnchors(List.of(DnssecTestSigner.create(".").ds()))
              .port(1)
              .build()
              .check("test");
      assertThat(r.mxStatus()).isEqualTo(DnssecStatus.BOGUS);
      assertThat(r.exchanges()).hasSize(1);
      DaneExchangeResult mx1 = r.exchanges().get(0);
      assertThat(mx1.tlsaStatus()).isEqualTo(DnssecStatus.BOGUS);
      assertThat(mx1.daneApplies()).isFalse();
      assertThat(mx1.certificates()).isZero();
      assertThat(r.hasFinding(DaneFinding.TLSA_BOGUS)).isTrue();
      assertThat(r.hasFinding("dnssec.bogus")).isTrue();
      assertThat(r.toString()).contains("mx1.test.");
    }
  }

  @Test
  void dnsThatNeverAnswersEndsWithinTheDeadline() {
    try (LocalDnsZoneServer dns =
        LocalDnsZoneServer.builder().zone(".", ROOT).fault(DnsFault.drop()).start()) {
      DaneCheck check =
          DaneCheck.builder()
              .dns(d -> d.server(dns.address()).timeout(Duration.ofMillis(200)).retries(10))
              .deadline(Duration.ofMillis(500))
              .build();
      long start = System.nanoTime();
      DaneReport r = check.check("test");
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took).isLessThan(Duration.ofSeconds(2));
      assertThat(r.mxStatus()).isEqualTo(DnssecStatus.INDETERMINATE);
      assertThat(r.exchanges()).isEmpty();
      assertThat(r.hasFinding("dnssec.indeterminate")).isTrue();
    }
  }
}
