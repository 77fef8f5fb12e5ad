package dev.mailpath.diag.dns.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.dns.DnssecLab;
import dev.mailpath.diag.dns.internal.DnssecEngine.Status;
import dev.mailpath.diag.dns.internal.DnssecEngine.Verdict;
import dev.mailpath.diag.testkit.DnssecTestSigner;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

class DnssecEngineTest {

  private static Verdict validate(DnssecLab lab, String name, int type) {
    return validate(lab, lab.fetcher(), name, type, Instant.now());
  }

  private static Verdict validate(
      DnssecLab lab, DnssecEngine.Fetcher f, String name, int type, Instant now) {
    return new DnssecEngine(lab.anchorRecords()).validate(f, DnssecLab.name(name), type, now);
  }

  @Test
  void signedAnswerIsSecureWithTheWholeChain() {
    DnssecLab lab = new DnssecLab();
    Verdict v = validate(lab, "www.example.test.", Type.A);
    assertThat(v.status()).as(v.reason()).isEqualTo(Status.SECURE);
    assertThat(v.records()).extracting(Record::rdataToString).containsExactly("192.0.2.10");
    assertThat(String.join("\n", v.chain()))
        .contains("DNSKEY . key " + lab.root.keyTag() + " alg 13 matches the trust anchor")
        .contains("RRSIG DS test. by .")
        .contains("DNSKEY test. key " + lab.test.keyTag() + " alg 13 matches the DS")
        .contains("RRSIG DS example.test. by test.")
        .contains("RRSIG A www.example.test. by example.test. key " + lab.example.keyTag());
  }

  @Test
  void tlsaUnderUnderscoreLabelsIsSecure() {
    Verdict v = validate(new DnssecLab(), "_25._tcp.mx1.example.test.", Type.TLSA);
    assertThat(v.status()).as(v.reason()).isEqualTo(Status.SECURE);
    assertThat(v.records()).hasSize(1);
  }

  @Test
  void nodataAndNxdomainAreProvenByNsec() {
    DnssecLab lab = new DnssecLab();
    Verdict nodata = validate(lab, "www.example.test.", Type.AAAA);
    assertThat(nodata.status()).as(nodata.reason()).isEqualTo(Status.SECURE);
    assertThat(nodata.chain()).anyMatch(s -> s.startsWith("NSEC www.example.test. proves"));
    Verdict nx = validate(lab, "nope.example.test.", Type.A);
    assertThat(nx.status()).as(nx.reason()).isEqualTo(Status.SECURE);
    assertThat(nx.chain()).anyMatch(s -> s.contains("proves that nope.example.test."));
  }

  @Test
  void unsignedZoneBelowADelegationWithoutDsIsInsecure() {
    Verdict v = validate(new DnssecLab(), "www.insecure.test.", Type.A);
    assertThat(v.status()).as(v.reason()).isEqualTo(Status.INSECURE);
    assertThat(v.reason()).contains("insecure.test.").contains("without DS");
  }

  @Test
  void recordEditedAfterSigningIsBogus() {
    DnssecLab valid = new DnssecLab();
    String edited = valid.bad.sign(DnssecLab.badText()).replace("192.0.2.30", "192.0.2.99");
    DnssecLab lab = withBad(valid, edited);
    Verdict v = validate(lab, "www.bad.test.", Type.A);
    assertThat(v.status()).isEqualTo(Status.BOGUS);
    assertThat(v.reason()).contains("A www.bad.test.").contains("bad signature");
  }

  @Test
  void expiredSignatureIsBogusWithTheExpiry() {
    DnssecLab valid = new DnssecLab();
    Instant now = Instant.now();
    String expired =
        valid.bad.sign(DnssecLab.badText(), now.minusSeconds(20 * 86400), now.minusSeconds(86400));
    Verdict v = validate(withBad(valid, expired), "www.bad.test.", Type.A);
    assertThat(v.status()).isEqualTo(Status.BOGUS);
    assertThat(v.reason()).contains("expired");
  }

  @Test
  void expiredZoneOfTheLabIsBogus() {
    Verdict v = validate(new DnssecLab(), "www.expired.test.", Type.A);
    assertThat(v.status()).isEqualTo(Status.BOGUS);
    assertThat(v.reason()).contains("DNSKEY expired.test.").contains("expired signature");
  }

  @Test
  void signatureNotYetValidIsBogus() {
    DnssecLab lab = new DnssecLab();
    Verdict v =
        validate(
            lab, lab.fetcher(), "www.example.test.", Type.A, Instant.now().minusSeconds(5 * 86400));
    assertThat(v.status()).isEqualTo(Status.BOGUS);
    assertThat(v.reason()).contains("not yet valid");
  }

  @Test
  void zoneSignedWithAKeyTheParentDoesNotNameIsBogusNoDsMatch() {
    DnssecLab valid = new DnssecLab();
    String other = DnssecTestSigner.create("bad.test.").sign(DnssecLab.badText());
    Verdict v = validate(withBad(valid, other), "www.bad.test.", Type.A);
    assertThat(v.status()).isEqualTo(Status.BOGUS);
    assertThat(v.reason()).contains("no DS match").contains("bad.test.");
  }

  @Test
  void missingRrsigIsBogusNotInsecure() {
    DnssecLab valid = new DnssecLab();
    StringBuilder stripped = new StringBuilder();
    for (String line : valid.bad.sign(DnssecLab.badText()).split("\n")) {
      if (!(line.startsWith("www.bad.test.") && line.contains("RRSIG\tA "))) {
        stripped.append(line).append('\n');
      }
    }
    Verdict v = validate(withBad(valid, stripped.toString()), "www.bad.test.", Type.A);
    assertThat(v.status()).isEqualTo(Status.BOGUS);
    assertThat(v.reason()).contains("missing signature");
  }

  @Test
  void wrongTrustAnchorMakesEverythingBogus() {
    DnssecLab lab = new DnssecLab();
    List<Record> other = DnssecLab.parse(".", DnssecTestSigner.create(".").ds());
    Verdict v =
        new DnssecEngine(other)
            .validate(lab.fetcher(), DnssecLab.name("www.example.test."), Type.A, Instant.now());
    assertThat(v.status()).isEqualTo(Status.BOGUS);
    assertThat(v.reason()).contains("no DNSKEY of . matches its trust anchor");
  }

  @Test
  void garbageRrsigsAreBogusAndBounded() {
    DnssecLab lab = new DnssecLab();
    DnssecEngine.Fetcher real = lab.fetcher();
    DnssecEngine.Fetcher hostile =
        (name, type) -> {
          DnssecEngine.Reply r = real.fetch(name, type);
          if (type != Type.A) {
            return r;
          }
          List<RRset> answer = new ArrayList<>();
          for (RRset s : r.answer()) {
            RRset copy = new RRset();
            s.rrs().forEach(copy::addRR);
            for (int i = 0; i < 1000; i++) {
              RRSIGRecord good = s.sigs().get(0);
              byte[] junk = new byte[64];
              junk[0] = (byte) i;
              copy.addRR(
                  new RRSIGRecord(
                      good.getName(),
                      good.getDClass(),
                      good.getTTL(),
                      good.getTypeCovered(),
                      good.getAlgorithm(),
                      good.getOrigTTL(),
                      good.getExpire(),
                      good.getTimeSigned(),
                      i % 2 == 0 ? good.getFootprint() : i,
                      i % 3 == 0 ? Name.root : good.getSigner(),
                      junk));
            }
            answer.add(copy);
          }
          return new DnssecEngine.Reply(r.rcode(), answer, r.authority(), null);
        };
    Verdict v = validate(lab, hostile, "www.example.test.", Type.A, Instant.now());
    assertThat(v.status()).isEqualTo(Status.BOGUS);
    assertThat(v.reason()).contains("does not verify").contains("the rest were not tried");
  }

  @Test
  void dsSignedByItsOwnZoneIsALoopAndBogus() {
    DnssecLab lab = new DnssecLab();
    DnssecEngine.Fetcher real = lab.fetcher();
    DnssecEngine.Fetcher loop =
        (name, type) -> {
          if (type == Type.DS && name.equals(DnssecLab.name("example.test."))) {
            // The DS answer as the child zone itself would sign it: a chain that points at itself.
            DnssecEngine.Reply keys = real.fetch(name, Type.DNSKEY);
            RRset ds = real.fetch(name, Type.DS).answer().get(0);
            RRset forged = new RRset();
            ds.rrs().forEach(forged::addRR);
            RRSIGRecord keySig = keys.answer().get(0).sigs().get(0);
            forged.addRR(
                new RRSIGRecord(
                    name,
                    1,
                    300,
                    Type.DS,
                    13,
                    300,
                    keySig.getExpire(),
                    keySig.getTimeSigned(),
                    keySig.getFootprint(),
                    name,
                    keySig.getSignature()));
            return new DnssecEngine.Reply(0, List.of(forged), List.of(), null);
          }
          return real.fetch(name, type);
        };
    Verdict v = validate(lab, loop, "www.example.test.", Type.A, Instant.now());
    assertThat(v.status()).isEqualTo(Status.BOGUS);
    assertThat(v.reason()).contains("cannot sign");
  }

  @Test
  void failedQuestionIsIndeterminate() {
    DnssecLab lab = new DnssecLab();
    DnssecEngine.Fetcher real = lab.fetcher();
    DnssecEngine.Fetcher failing =
        (name, type) ->
            type == Type.DNSKEY && name.equals(DnssecLab.name("test."))
                ? DnssecEngine.Reply.failed("timeout")
                : real.fetch(name, type);
    Verdict v = validate(lab, failing, "www.example.test.", Type.A, Instant.now());
    assertThat(v.status()).isEqualTo(Status.INDETERMINATE);
    assertThat(v.reason()).contains("DNSKEY").contains("timeout");
  }

  @Test
  void questionsAreCachedWithinOneValidation() {
    DnssecLab lab = new DnssecLab();
    DnssecEngine.Fetcher f = lab.fetcher();
    validate(lab, f, "www.example.test.", Type.A, Instant.now());
    // A, DS and DNSKEY of example.test., test. and . (no DS for the anchor): 6 questions.
    assertThat(lab.questions.get()).isEqualTo(6);
  }

  private static DnssecLab withBad(DnssecLab valid, String badZone) {
    // Keep the keys of `valid`: the bad zone's text was signed with valid.bad's key.
    valid.zones.put("bad.test.", badZone);
    return valid;
  }
}
