package dev.mailpath.diag.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DnssecValidatorTest {

  private static LocalDnsZoneServer unsignedLab() {
    return LocalDnsZoneServer.builder()
        .zone(".", DnssecLab.soa(".") + "test. NS ns.test.\nns.test. A 127.0.0.1\n")
        .zone("test.", DnssecLab.soa("test.") + "ns A 127.0.0.1\nwww A 192.0.2.1\n")
        .start();
  }

  @Test
  void defaultAnchorIsTheIanaRootKsk2017() {
    assertThat(DnssecValidator.builder().build().trustAnchors())
        .containsExactly(DnssecValidator.IANA_ROOT_KSK_2017_DS);
    assertThat(DnssecValidator.IANA_ROOT_KSK_2017_DS).contains("DS 20326 8 2 ");
  }

  @Test
  void anUnsignedAnswerUnderASignedAnchorIsBogusMissingSignatures() {
    DnssecLab lab = new DnssecLab();
    try (LocalDnsZoneServer server = unsignedLab()) {
      DnssecReport r =
          DnssecValidator.builder()
              .dns(d -> d.server(server.address()))
              .trustAnchors(lab.anchors())
              .build()
              .validate("www.test", RecordType.A);
      assertThat(r.status()).isEqualTo(DnssecStatus.BOGUS);
      assertThat(r.name()).isEqualTo("www.test.");
      assertThat(r.records()).extracting(DnsRecord::data).containsExactly("192.0.2.1");
      assertThat(r.hasFinding(DnsFinding.DNSSEC_BOGUS)).isTrue();
      assertThat(r.toString()).contains("BOGUS");
    }
  }

  @Test
  void aServerThatNeverAnswersGivesIndeterminateWithinTheDeadline() {
    try (LocalDnsZoneServer server =
        LocalDnsZoneServer.builder().zone(".", DnssecLab.soa(".")).fault(DnsFault.drop()).start()) {
      DnssecValidator v =
          DnssecValidator.builder()
              .dns(
                  d ->
                      d.server(server.address())
                          .timeout(Duration.ofMillis(200))
                          .retries(5)
                          .deadline(Duration.ofMillis(500)))
              .build();
      long start = System.nanoTime();
      DnssecReport r = v.validate("www.test", RecordType.A);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(r.status()).isEqualTo(DnssecStatus.INDETERMINATE);
      assertThat(r.hasFinding(DnsFinding.DNSSEC_INDETERMINATE)).isTrue();
      assertThat(took).isLessThan(Duration.ofSeconds(2));
    }
  }

  @Test
  void servfailIsIndeterminateNotBogus() {
    try (LocalDnsZoneServer server =
        LocalDnsZoneServer.builder()
            .zone(".", DnssecLab.soa("."))
            .fault(DnsFault.servfail())
            .start()) {
      DnssecReport r =
          DnssecValidator.builder()
              .dns(d -> d.server(server.address()).retries(0))
              .build()
              .validate("www.test", RecordType.A);
      assertThat(r.status()).isEqualTo(DnssecStatus.INDETERMINATE);
      assertThat(r.reason()).get().asString().contains("SERVFAIL");
    }
  }

  @Test
  void badInputThrowsBeforeAnyQuery() {
    assertThatThrownBy(() -> DnssecValidator.builder().trustAnchors(List.of("garbage")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trustAnchor");
    assertThatThrownBy(() -> DnssecValidator.builder().trustAnchors(List.of(". IN A 192.0.2.1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DnssecValidator.builder().trustAnchors(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    DnssecValidator v = DnssecValidator.builder().dns(d -> d.server("127.0.0.1:1")).build();
    assertThatThrownBy(() -> v.validate("bad..name", RecordType.A))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
