package dev.mailpath.diag.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.auth.internal.AuthDns;
import dev.mailpath.diag.dns.DnsLookup;
import dev.mailpath.diag.testkit.peer.DigClient;
import dev.mailpath.diag.testkit.peer.NsdServer;
import dev.mailpath.diag.testkit.peer.Peers;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The DNS Tree Walk against a real authoritative server: NSD from Debian on loopback serving a
 * "test." zone in which "test" itself is a public suffix domain ({@code psd=y}); every record the
 * walk used is cross-checked with dig. Skipped when NSD or dig is absent, failed with {@code
 * -Dpeers.required=true}.
 */
class DmarcNsdIT {
  static NsdServer nsd;
  static DigClient dig;

  static final String ZONE =
      String.join(
          "\n",
          "$ORIGIN test.",
          "$TTL 300",
          "@ SOA ns1 hostmaster 1 3600 600 86400 300",
          "@ NS ns1",
          "ns1 A 127.0.0.1",
          "_dmarc TXT \"v=DMARC1; p=reject; psd=y\"",
          "_dmarc.example TXT \"v=DMARC1; p=reject; sp=quarantine;"
              + " rua=mailto:a@example.test,mailto:b@agg.reports.test,mailto:c@nobody.test\"",
          "example A 192.0.2.1",
          "news.example A 192.0.2.2",
          "a.b.c.d.e.f.g.example A 192.0.2.3",
          "example.test._report._dmarc.agg.reports TXT \"v=DMARC1\"",
          "mail.shop A 192.0.2.4",
          "_dmarc.strict TXT \"v=DMARC1; p=quarantine; adkim=s\" \"; aspf=s\"",
          "strict A 192.0.2.5",
          "");

  @BeforeAll
  static void startNsd() {
    Peers.requirePeer("NSD", NsdServer.INSTALL_HINT, NsdServer.findExecutable().isPresent());
    dig = DigClient.require();
    nsd = NsdServer.builder().zone("test", ZONE).start();
  }

  @AfterAll
  static void stopNsd() {
    if (nsd != null) {
      nsd.close();
    }
  }

  static DmarcCheck check() {
    return DmarcCheck.builder()
        .dns(d -> d.server(nsd.address()).timeout(Duration.ofSeconds(2)).retries(1))
        .timeout(Duration.ofSeconds(20))
        .build();
  }

  static List<String> txtNames(List<DnsLookup> queries) {
    return queries.stream()
        .filter(q -> q.type().equals("TXT") && q.name().startsWith("_dmarc."))
        .map(DnsLookup::name)
        .toList();
  }

  /** The record text as dig prints it, its strings joined the way RFC 9989 says. */
  static String digText(String name) {
    List<String> lines = dig.query(nsd.address(), name, "TXT");
    assertThat(lines).hasSize(1);
    return String.join("", AuthDns.txtStrings(lines.get(0)));
  }

  @Test
  void record_nineLabels_walksEightNamesAndInheritsTheOrganizationsSp() {
    DmarcRecordReport r = check().record("a.b.c.d.e.f.g.example.test");

    assertThat(txtNames(r.queries()))
        .containsExactly(
            "_dmarc.a.b.c.d.e.f.g.example.test",
            "_dmarc.c.d.e.f.g.example.test",
            "_dmarc.d.e.f.g.example.test",
            "_dmarc.e.f.g.example.test",
            "_dmarc.f.g.example.test",
            "_dmarc.g.example.test",
            "_dmarc.example.test",
            "_dmarc.test");
    assertThat(r.queries()).allSatisfy(q -> assertThat(q.authoritative()).isTrue());
    assertThat(r.policyDomain()).contains("example.test");
    assertThat(r.domainExists()).contains(true);
    assertThat(r.appliedTag()).contains("sp");
    assertThat(r.appliedPolicy()).contains(DmarcPolicy.QUARANTINE);
    assertThat(r.organizationalDomain())
        .isEqualTo(
            new DmarcOrganizationalDomain(
                "example.test", DmarcOrganizationalDomain.Basis.BELOW_PSD_Y));
    assertThat(r.record().orElseThrow().text()).isEqualTo(digText("_dmarc.example.test"));
  }

  @Test
  void record_underPublicSuffixWithoutOwnRecord_takesThePsdPolicy() {
    DmarcRecordReport r = check().record("mail.shop.test");

    assertThat(txtNames(r.queries()))
        .containsExactly("_dmarc.mail.shop.test", "_dmarc.shop.test", "_dmarc.test");
    assertThat(r.policyDomain()).contains("test");
    assertThat(r.organizationalDomain().domain()).isEqualTo("shop.test");
    assertThat(r.appliedPolicy()).contains(DmarcPolicy.REJECT);
    assertThat(r.record().orElseThrow().text()).isEqualTo(digText("_dmarc.test"));
  }

  @Test
  void record_externalDestinations_matchWhatDigSees() {
    DmarcRecordReport r = check().record("example.test");

    assertThat(r.record().orElseThrow().aggregateReports())
        .extracting(DmarcReportUri::destination)
        .containsExactly(
            DmarcReportUri.Destination.SAME_ORGANIZATION,
            DmarcReportUri.Destination.AUTHORIZED,
            DmarcReportUri.Destination.NOT_AUTHORIZED);
    assertThat(dig.query(nsd.address(), "example.test._report._dmarc.agg.reports.test", "TXT"))
        .hasSize(1);
    assertThat(dig.query(nsd.address(), "example.test._report._dmarc.nobody.test", "TXT"))
        .isEmpty();
  }

  @Test
  void record_multiStringRecord_isJoinedLikeDig() {
    DmarcRecordReport r = check().record("strict.test");

    assertThat(r.record().orElseThrow().text())
        .isEqualTo(digText("_dmarc.strict.test"))
        .isEqualTo("v=DMARC1; p=quarantine; adkim=s; aspf=s");
    assertThat(r.record().orElseThrow().spfAlignment()).isEqualTo(DmarcAlignment.STRICT);
  }

  @Test
  void evaluate_relaxedDkimFromASubdomain_passesAndStrictFails() {
    DkimReport dkim =
        DkimReport.builder()
            .addSignature(
                new DkimSignatureResult(
                    DkimResult.PASS, "mail.example.test", "s1", "ed25519-sha256", Optional.empty()))
            .build();
    SpfReport spf =
        SpfReport.builder()
            .result(SpfResult.PASS)
            .identity(SpfIdentity.MAIL_FROM)
            .domain("bounce.strict.test")
            .build();

    DmarcReport relaxed = check().evaluate("news.example.test", spf, dkim);
    DmarcReport strict = check().evaluate("strict.test", spf, dkim);

    assertThat(relaxed.result()).isEqualTo(DmarcResult.PASS);
    assertThat(relaxed.alignedIdentifier().orElseThrow().domain()).isEqualTo("mail.example.test");
    assertThat(strict.result()).isEqualTo(DmarcResult.FAIL);
    assertThat(strict.disposition()).isEqualTo(DmarcDisposition.QUARANTINE);
  }
}
