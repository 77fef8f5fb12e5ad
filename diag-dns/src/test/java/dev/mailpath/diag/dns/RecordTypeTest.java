package dev.mailpath.diag.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

class RecordTypeTest {

  @Test
  void code_matchesIanaAndDnsjava() {
    for (RecordType t : RecordType.values()) {
      if (t != RecordType.UNKNOWN) {
        assertThat(t.code()).as(t.name()).isEqualTo(Type.value(t.name()));
      }
    }
    assertThat(RecordType.MX.code()).isEqualTo(15);
    assertThat(RecordType.AAAA.code()).isEqualTo(28);
    assertThat(RecordType.CAA.code()).isEqualTo(257);
  }

  @Test
  void codes_areUnique() {
    Set<Integer> seen = new HashSet<>();
    for (RecordType t : RecordType.values()) {
      assertThat(seen.add(t.code())).as(t.name()).isTrue();
    }
  }

  @Test
  void of_acceptsMnemonicsInAnyCaseAndGenericForm() {
    assertThat(RecordType.of("mx")).isEqualTo(RecordType.MX);
    assertThat(RecordType.of(" Aaaa ")).isEqualTo(RecordType.AAAA);
    assertThat(RecordType.of("TYPE15")).isEqualTo(RecordType.MX);
  }

  @Test
  void of_rejectsUnknownNames() {
    assertThatThrownBy(() -> RecordType.of("MXX"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MXX");
    assertThatThrownBy(() -> RecordType.of("UNKNOWN")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RecordType.of("TYPE65280"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fromCode_findsListedTypesOnly() {
    assertThat(RecordType.fromCode(2)).contains(RecordType.NS);
    assertThat(RecordType.fromCode(65280)).isEmpty();
    assertThat(RecordType.fromCode(-1)).isEmpty();
  }

  @Test
  void askable_excludesTransfersOptAndUnknown() {
    assertThat(RecordType.MX.askable()).isTrue();
    assertThat(RecordType.ANY.askable()).isTrue();
    assertThat(RecordType.AXFR.askable()).isFalse();
    assertThat(RecordType.IXFR.askable()).isFalse();
    assertThat(RecordType.OPT.askable()).isFalse();
    assertThat(RecordType.UNKNOWN.askable()).isFalse();
  }

  @Test
  void dnsRecord_helpersReadTheData() {
    DnsRecord mx =
        new DnsRecord(
            "example.org.", RecordType.MX, Duration.ofSeconds(300), "10 MX1.Example.ORG.");
    DnsRecord a =
        new DnsRecord("mx1.example.org.", RecordType.A, Duration.ofSeconds(300), "192.0.2.1");
    DnsRecord aaaa =
        new DnsRecord("mx1.example.org.", RecordType.AAAA, Duration.ofSeconds(300), "2001:db8::1");
    DnsRecord soa =
        new DnsRecord(
            ".",
            RecordType.SOA,
            Duration.ofSeconds(86400),
            "a.root-servers.net. nstld.verisign-grs.com. 2026112800 1800 900 604800 86400");

    assertThat(mx.target()).contains("mx1.example.org.");
    assertThat(a.address())
        .hasValueSatisfying(x -> assertThat(x.getHostAddress()).isEqualTo("192.0.2.1"));
    assertThat(aaaa.address()).isPresent();
    assertThat(soa.soaSerial()).contains(2026112800L);
    assertThat(mx.address()).isEmpty();
    assertThat(a.target()).isEmpty();
    assertThat(mx.toString()).isEqualTo("example.org.\t300\tIN\tMX\t10 MX1.Example.ORG.");
  }

  @Test
  void dnsRecord_addressNeverLooksUpNames() {
    DnsRecord bogus = new DnsRecord("x.example.org.", RecordType.A, Duration.ZERO, "localhost");

    assertThat(bogus.address()).isEmpty();
  }

  @Test
  void dnsRecord_rejectsRelativeNamesAndNegativeTtl() {
    assertThatThrownBy(() -> new DnsRecord("example.org", RecordType.A, Duration.ZERO, "192.0.2.1"))
        .hasMessageContaining("name");
    assertThatThrownBy(
            () -> new DnsRecord("example.org.", RecordType.A, Duration.ofSeconds(-1), "192.0.2.1"))
        .hasMessageContaining("ttl");
  }
}
