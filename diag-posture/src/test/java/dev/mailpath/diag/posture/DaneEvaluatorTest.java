package dev.mailpath.diag.posture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.dns.DnsRecord;
import dev.mailpath.diag.dns.DnssecReport;
import dev.mailpath.diag.dns.DnssecStatus;
import dev.mailpath.diag.dns.RecordType;
import dev.mailpath.diag.posture.internal.DaneEvaluator;
import dev.mailpath.diag.posture.internal.DaneEvaluator.TlsOutcome;
import dev.mailpath.diag.posture.internal.TlsaMatcher;
import dev.mailpath.diag.testkit.LinearTime;
import dev.mailpath.diag.testkit.TestCertificates;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DaneEvaluatorTest {
  static final String MX = "mx1.example.test.";
  static final X509Certificate CERT = TestCertificates.selfSigned("mx1.example.test").certificate();
  static final X509Certificate OTHER =
      TestCertificates.selfSigned("mx1.example.test").certificate();

  static DnssecReport report(String name, RecordType type, DnssecStatus s, String... data) {
    List<DnsRecord> records = new ArrayList<>();
    for (String d : data) {
      records.add(new DnsRecord(name, type, Duration.ofSeconds(300), d));
    }
    return new DnssecReport(
        name,
        type,
        s,
        s == DnssecStatus.SECURE ? Optional.empty() : Optional.of("because " + s),
        List.of(),
        records,
        List.of(),
        Instant.EPOCH,
        Duration.ZERO);
  }

  static DnssecReport address(DnssecStatus s) {
    return report(MX, RecordType.A, s, "127.0.0.1");
  }

  static DnssecReport tlsa(DnssecStatus s, String... data) {
    return report("_25._tcp." + MX, RecordType.TLSA, s, data);
  }

  static String eeSpkiSha256(X509Certificate c) {
    return "3 1 1 " + TlsaMatcher.associationData(c, 1, 1);
  }

  static DaneExchangeResult eval(DnssecReport tlsa, List<X509Certificate> chain) {
    return DaneEvaluator.evaluate(
        MX,
        DnssecStatus.SECURE,
        address(DnssecStatus.SECURE),
        tlsa,
        () -> new TlsOutcome(chain, Optional.empty()));
  }

  @Test
  void matchingDaneEeRecordIsAMatch() {
    DaneExchangeResult r = eval(tlsa(DnssecStatus.SECURE, eeSpkiSha256(CERT)), List.of(CERT));
    assertThat(r.daneApplies()).isTrue();
    assertThat(r.matched()).hasSize(1);
    assertThat(r.deliverable()).isTrue();
    assertThat(r.findings()).extracting(f -> f.code()).containsExactly("dane.match");
  }

  @Test
  void aChangedKeyIsACriticalMismatchNamingTheKeyPresented() {
    DaneExchangeResult r = eval(tlsa(DnssecStatus.SECURE, eeSpkiSha256(OTHER)), List.of(CERT));
    assertThat(r.deliverable()).isFalse();
    assertThat(r.findings()).extracting(f -> f.code()).containsExactly("dane.mismatch");
    assertThat(r.findings().get(0).summary()).contains(TlsaMatcher.associationData(CERT, 1, 1));
  }

  @Test
  void oneMatchingAndOneOtherRecordIsARolloverInPlace() {
    DaneExchangeResult r =
        eval(tlsa(DnssecStatus.SECURE, eeSpkiSha256(CERT), eeSpkiSha256(OTHER)), List.of(CERT));
    assertThat(r.deliverable()).isTrue();
    assertThat(r.findings()).extracting(f -> f.code()).containsExactly("dane.rollover");
  }

  @ParameterizedTest(name = "selector {0}, matching type {1}")
  @CsvSource({"0,0", "0,1", "0,2", "1,0", "1,1", "1,2"})
  void everySelectorAndMatchingTypeMatches(int selector, int matchingType) {
    String rec =
        "3 "
            + selector
            + " "
            + matchingType
            + " "
            + TlsaMatcher.associationData(CERT, selector, matchingType);
    assertThat(eval(tlsa(DnssecStatus.SECURE, rec), List.of(CERT)).matched()).hasSize(1);
    assertThat(eval(tlsa(DnssecStatus.SECURE, rec), List.of(OTHER)).matched()).isEmpty();
  }

  @Test
  void daneTaMustBeAboveTheLeafAndHaveSignedIt() {
    String ta = "2 0 1 " + TlsaMatcher.associationData(OTHER, 0, 1);
    // OTHER is in the chain but did not sign the leaf: no match.
    assertThat(eval(tlsa(DnssecStatus.SECURE, ta), List.of(CERT, OTHER)).matched()).isEmpty();
    // A DANE-TA record naming the leaf itself is not a trust anchor above it.
    String leafAsTa = "2 0 1 " + TlsaMatcher.associationData(CERT, 0, 1);
    assertThat(eval(tlsa(DnssecStatus.SECURE, leafAsTa), List.of(CERT)).matched()).isEmpty();
  }

  @Test
  void pkixUsagesAreNotForSmtpAndNoSessionIsMade() {
    AtomicInteger sessions = new AtomicInteger();
    String data = TlsaMatcher.associationData(CERT, 1, 1);
    DaneExchangeResult r =
        DaneEvaluator.evaluate(
            MX,
            DnssecStatus.SECURE,
            address(DnssecStatus.SECURE),
            tlsa(DnssecStatus.SECURE, "0 1 1 " + data, "1 1 1 " + data),
            () -> {
              sessions.incrementAndGet();
              return new TlsOutcome(List.of(CERT), Optional.empty());
            });
    assertThat(sessions).hasValue(0);
    assertThat(r.daneApplies()).isFalse();
    assertThat(r.findings())
        .extracting(f -> f.code())
        .containsExactly("dane.tlsa.pkix-usage", "dane.tlsa.pkix-usage", "dane.tlsa.no-usable");
  }

  @Test
  void unknownParametersAndGarbageAreFindingsNeverExceptions() {
    String data = TlsaMatcher.associationData(CERT, 1, 1);
    DaneExchangeResult r =
        eval(
            tlsa(
                DnssecStatus.SECURE,
                "7 1 1 " + data,
                "3 9 1 " + data,
                "3 1 9 " + data,
                "3 1 1 abcd",
                "3 1 2 " + data,
                "x y z",
                "300 1 1 " + data,
                "3 1 1 zz",
                eeSpkiSha256(CERT)),
            List.of(CERT));
    assertThat(r.matched()).hasSize(1);
    assertThat(r.findings().stream().filter(f -> f.code().equals("dane.tlsa.unusable"))).hasSize(6);
    assertThat(r.tlsaRecords()).hasSize(6);
  }

  @Test
  void thousandsOfRecordsAndHugeDataStayLinear() {
    LinearTime.assertLinear(
        "TLSA records of one exchange",
        n -> {
          String[] data = new String[n];
          for (int i = 0; i < n; i++) {
            data[i] = "3 1 1 " + "ab".repeat(32 + i % 50);
          }
          DnssecReport t = tlsa(DnssecStatus.SECURE, data);
          return () -> eval(t, List.of(CERT));
        },
        2000);
    DaneExchangeResult big =
        eval(tlsa(DnssecStatus.SECURE, "3 0 0 " + "ab".repeat(40_000)), List.of(CERT));
    assertThat(big.matched()).isEmpty();
  }

  @Test
  void bogusTlsaIsCriticalAndNoSessionIsMade() {
    AtomicInteger sessions = new AtomicInteger();
    DaneExchangeResult r =
        DaneEvaluator.evaluate(
            MX,
            DnssecStatus.SECURE,
            address(DnssecStatus.SECURE),
            tlsa(DnssecStatus.BOGUS, eeSpkiSha256(CERT)),
            () -> {
              sessions.incrementAndGet();
              return new TlsOutcome(List.of(CERT), Optional.empty());
            });
    assertThat(sessions).hasValue(0);
    assertThat(r.findings()).extracting(f -> f.code()).containsExactly("dane.tlsa.bogus");
  }

  @Test
  void insecureTlsaAndInsecureMxMeanDaneDoesNotApply() {
    DaneExchangeResult insecure =
        eval(tlsa(DnssecStatus.INSECURE, eeSpkiSha256(CERT)), List.of(CERT));
    assertThat(insecure.daneApplies()).isFalse();
    assertThat(insecure.findings()).extracting(f -> f.code()).contains("dane.tlsa.insecure");

    DaneExchangeResult mxInsecure =
        DaneEvaluator.evaluate(
            MX,
            DnssecStatus.INSECURE,
            address(DnssecStatus.SECURE),
            tlsa(DnssecStatus.SECURE, eeSpkiSha256(CERT)),
            () -> new TlsOutcome(List.of(CERT), Optional.empty()));
    assertThat(mxInsecure.daneApplies()).isFalse();
    assertThat(mxInsecure.findings()).extracting(f -> f.code()).contains("dane.mx.not-secure");

    DaneExchangeResult addressInsecure =
        DaneEvaluator.evaluate(
            MX,
            DnssecStatus.SECURE,
            address(DnssecStatus.INSECURE),
            tlsa(DnssecStatus.SECURE, eeSpkiSha256(CERT)),
            () -> new TlsOutcome(List.of(CERT), Optional.empty()));
    assertThat(addressInsecure.daneApplies()).isFalse();
    assertThat(addressInsecure.findings())
        .extracting(f -> f.code())
        .contains("dane.address.not-secure");
  }

  @Test
  void secureDenialIsNoTlsa() {
    DaneExchangeResult r = eval(tlsa(DnssecStatus.SECURE), List.of(CERT));
    assertThat(r.daneApplies()).isFalse();
    assertThat(r.findings()).extracting(f -> f.code()).containsExactly("dane.tlsa.none");
  }

  @Test
  void failedStarttlsWithUsableRecordsIsCritical() {
    DaneExchangeResult r =
        DaneEvaluator.evaluate(
            MX,
            DnssecStatus.SECURE,
            address(DnssecStatus.SECURE),
            tlsa(DnssecStatus.SECURE, eeSpkiSha256(CERT)),
            () -> new TlsOutcome(List.of(), Optional.of("STARTTLS not offered")));
    assertThat(r.deliverable()).isFalse();
    assertThat(r.findings()).extracting(f -> f.code()).containsExactly("dane.starttls.failed");
    assertThat(r.tlsError()).contains("STARTTLS not offered");
  }

  @Test
  void tlsaRecordParsing() {
    assertThat(TlsaRecord.parse("3 1 1 AB CD")).contains(new TlsaRecord(3, 1, 1, "abcd"));
    assertThat(TlsaRecord.parse("")).isEmpty();
    assertThat(TlsaRecord.parse("3 1")).isEmpty();
    assertThat(TlsaRecord.parse("-1 1 1 ab")).isEmpty();
    assertThat(new TlsaRecord(7, 1, 1, "").problem()).contains("unknown certificate usage 7");
  }
}
