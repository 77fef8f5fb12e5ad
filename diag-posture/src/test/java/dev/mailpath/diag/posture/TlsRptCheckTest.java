package dev.mailpath.diag.posture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TlsRptCheckTest {
  static final String ZONE =
      String.join(
          "\n",
          "$ORIGIN test.",
          "$TTL 300",
          "@ SOA ns1 hostmaster 1 3600 600 86400 300",
          "@ NS ns1",
          "ns1 A 127.0.0.1",
          "_smtp._tls.good TXT \"v=TLSRPTv1; rua=mailto:tls@good.test,"
              + " https://reports.good.test/tlsrpt;\"",
          "_smtp._tls.none TXT \"v=spf1 -all\"",
          "_smtp._tls.multi TXT \"v=TLSRPTv1; rua=mailto:a@multi.test\"",
          "_smtp._tls.multi TXT \"v=TLSRPTv1; rua=mailto:b@multi.test\"",
          "_smtp._tls.http TXT \"v=TLSRPTv1; rua=http://reports.http.test/x,mailto:a@http.test\"",
          "_smtp._tls.ftp TXT \"v=TLSRPTv1; rua=ftp://reports.ftp.test/x\"",
          "_smtp._tls.tworua TXT \"v=TLSRPTv1; rua=mailto:a@tworua.test; rua=mailto:b@tworua.test\"",
          "_smtp._tls.norua TXT \"v=TLSRPTv1; ruf=mailto:a@norua.test\"",
          "_smtp._tls.badaddr TXT \"v=TLSRPTv1; rua=mailto:\"",
          "");

  static LocalDnsZoneServer zone;

  @BeforeAll
  static void start() {
    zone =
        LocalDnsZoneServer.builder()
            .zone(ZONE)
            .fault(DnsFault.servfail().forName("_smtp._tls.broken.test"))
            .start();
  }

  @AfterAll
  static void stop() {
    zone.close();
  }

  static TlsRptCheck check() {
    return TlsRptCheck.builder()
        .dns(d -> d.server(zone.address()).timeout(Duration.ofSeconds(2)).retries(0))
        .build();
  }

  static List<String> codes(TlsRptReport r) {
    return r.findings().stream().map(Finding::code).toList();
  }

  @Test
  void validRecord_withTwoDestinations() throws Exception {
    TlsRptReport r = check().checkAsync("good.test").get(10, TimeUnit.SECONDS);

    assertThat(r.findings()).isEmpty();
    assertThat(r.rua()).containsExactly("mailto:tls@good.test", "https://reports.good.test/tlsrpt");
    assertThat(r.record()).get().asString().startsWith("v=TLSRPTv1;");
    assertThat(r.queries()).hasSize(1);
    assertThat(r.toString()).contains("reports to mailto:tls@good.test");
  }

  @Test
  void absent_whenNoTlsRptRecordAmongTheTxtRecords() {
    assertThat(codes(check().check("none.test"))).containsExactly("tlsrpt.absent");
    assertThat(codes(check().check("nxdomain.test"))).containsExactly("tlsrpt.absent");
  }

  @Test
  void severalRecords() {
    TlsRptReport r = check().check("multi.test");
    assertThat(codes(r)).containsExactly("tlsrpt.multiple-records");
    assertThat(r.rua()).isEmpty();
  }

  @Test
  void plainHttp_isReportedAsInsecure_andTheOtherDestinationKept() {
    TlsRptReport r = check().check("http.test");
    assertThat(codes(r)).containsExactly("tlsrpt.rua-scheme");
    assertThat(r.findings().get(0).summary()).contains("plain http");
    assertThat(r.rua()).containsExactly("mailto:a@http.test");
  }

  @Test
  void otherScheme() {
    TlsRptReport r = check().check("ftp.test");
    assertThat(codes(r)).containsExactly("tlsrpt.rua-scheme");
    assertThat(r.findings().get(0).summary()).contains("neither mailto: nor https:");
  }

  @Test
  void twoRuaFields_missingRua_andEmptyAddress_areSyntaxErrors() {
    TlsRptReport two = check().check("tworua.test");
    assertThat(codes(two)).containsExactly("tlsrpt.syntax");
    assertThat(two.findings().get(0).summary()).contains("more than one rua");
    assertThat(two.rua()).containsExactly("mailto:a@tworua.test");
    assertThat(codes(check().check("norua.test"))).containsExactly("tlsrpt.syntax");
    assertThat(codes(check().check("badaddr.test"))).containsExactly("tlsrpt.syntax");
  }

  @Test
  void servfail_isATemporaryError() {
    assertThat(codes(check().check("broken.test"))).containsExactly("mta-sts.temperror");
  }

  @Test
  void misuse() {
    assertThatThrownBy(() -> check().check("a..b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TlsRptCheck.builder().deadline(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deadline");
  }
}
