package dev.mailpath.diag.dns.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.dns.DnssecLab;
import dev.mailpath.diag.dns.internal.DnssecEngine.Status;
import dev.mailpath.diag.dns.internal.DnssecEngine.Verdict;
import dev.mailpath.diag.testkit.DnssecTestSigner;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.NSEC3Record;
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
  void oneEngineRemembersProvenKeysUntilTheyExpire() {
    DnssecLab lab = new DnssecLab();
    DnssecEngine engine = new DnssecEngine(lab.anchorRecords());
    Instant now = Instant.now();
    Verdict first =
        engine.validate(lab.fetcher(), DnssecLab.name("www.example.test."), Type.A, now);
    int asked = lab.questions.get();
    Verdict second =
        engine.validate(
            lab.fetcher(), DnssecLab.name("_25._tcp.mx1.example.test."), Type.TLSA, now);
    assertThat(first.status()).isEqualTo(Status.SECURE);
    assertThat(second.status()).as(second.reason()).isEqualTo(Status.SECURE);
    // Only the TLSA question itself: the keys of ., test. and example.test. came from the cache.
    assertThat(lab.questions.get() - asked).isEqualTo(1);
    assertThat(second.chain())
        .anyMatch(l -> l.startsWith("DNSKEY example.test.:") && l.contains("key cache"));
    // Past the keys' TTL (300 s in the lab) the chain is checked again from the anchor.
    int before = lab.questions.get();
    Verdict later =
        engine.validate(
            lab.fetcher(), DnssecLab.name("www.example.test."), Type.A, now.plusSeconds(3600));
    assertThat(later.status()).as(later.reason()).isEqualTo(Status.SECURE);
    assertThat(lab.questions.get() - before).isGreaterThan(1);
    assertThat(later.chain()).noneMatch(l -> l.contains("key cache"));
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

  @Test
  void nxdomainInAnNsecZoneNeedsTheWildcardProofToo() {
    DnssecLab lab = new DnssecLab();
    DnssecEngine.Fetcher real = lab.fetcher();
    // Only the NSEC covering the name, not the one proving that no wildcard exists.
    DnssecEngine.Fetcher partial =
        (name, type) -> {
          DnssecEngine.Reply r = real.fetch(name, type);
          if (!name.equals(DnssecLab.name("nope.example.test."))) {
            return r;
          }
          List<RRset> authority = new ArrayList<>();
          for (RRset s : r.authority()) {
            // The apex's NSEC (example.test. -> mx1.example.test.) covers *.example.test.
            if (s.getType() != Type.NSEC || !s.getName().equals(DnssecLab.name("example.test."))) {
              authority.add(s);
            }
          }
          return new DnssecEngine.Reply(r.rcode(), r.answer(), authority, null);
        };
    Verdict v = validate(lab, partial, "nope.example.test.", Type.A, Instant.now());
    assertThat(v.status()).isEqualTo(Status.BOGUS);
    assertThat(v.reason()).contains("wildcard *.example.test.");
  }

  @Test
  void wildcardAnswerInAnNsecZoneIsSecureWithItsProof() {
    DnssecLab lab = new DnssecLab();
    Verdict v = validate(lab, "host.wild.example.test.", Type.A);
    assertThat(v.status()).as(v.reason()).isEqualTo(Status.SECURE);
    assertThat(v.records()).extracting(Record::rdataToString).containsExactly("192.0.2.12");
    assertThat(String.join("\n", v.chain()))
        .contains("expanded from the wildcard *.wild.example.test.")
        .contains("proves that host.wild.example.test. does not exist");
    Verdict nodata = validate(lab, "host.wild.example.test.", Type.AAAA);
    assertThat(nodata.status()).as(nodata.reason()).isEqualTo(Status.SECURE);
    assertThat(String.join("\n", nodata.chain())).contains("the wildcard has no AAAA");
  }

  @Test
  void wildcardAnswerWithoutTheProofIsBogus() {
    DnssecLab lab = new DnssecLab();
    for (String name : List.of("host.wild.example.test.", "host.wild.nsec3.test.")) {
      Verdict v = validate(lab, withoutAuthority(lab.fetcher(), name), name, Type.A, Instant.now());
      assertThat(v.status()).as(name).isEqualTo(Status.BOGUS);
      assertThat(v.reason()).contains("missing wildcard proof");
    }
  }

  @Test
  void nsec3NxdomainIsSecureWithTheClosestEncloserProof() {
    DnssecLab lab = new DnssecLab();
    Verdict v = validate(lab, "nope.nsec3.test.", Type.A);
    assertThat(v.status()).as(v.reason()).isEqualTo(Status.SECURE);
    assertThat(String.join("\n", v.chain()))
        .contains("matches the closest encloser nsec3.test.")
        .contains("covers the next closer name nope.nsec3.test.")
        .contains("covers the wildcard *.nsec3.test.");
    Verdict deep = validate(lab, "a.b.c.nsec3.test.", Type.A);
    assertThat(deep.status()).as(deep.reason()).isEqualTo(Status.SECURE);
    assertThat(String.join("\n", deep.chain())).contains("next closer name c.nsec3.test.");
  }

  @Test
  void nsec3NodataIsSecureAtANameAndAtAnEmptyNonTerminal() {
    DnssecLab lab = new DnssecLab();
    Verdict v = validate(lab, "www.nsec3.test.", Type.AAAA);
    assertThat(v.status()).as(v.reason()).isEqualTo(Status.SECURE);
    assertThat(String.join("\n", v.chain()))
        .contains("matches www.nsec3.test. and proves that AAAA does not exist");
    Verdict ent = validate(lab, "ent.nsec3.test.", Type.TXT);
    assertThat(ent.status()).as(ent.reason()).isEqualTo(Status.SECURE);
    Verdict positive = validate(lab, "deep.ent.nsec3.test.", Type.TXT);
    assertThat(positive.status()).as(positive.reason()).isEqualTo(Status.SECURE);
  }

  @Test
  void nsec3WildcardAnswerAndWildcardNodataAreSecure() {
    DnssecLab lab = new DnssecLab();
    Verdict v = validate(lab, "host.wild.nsec3.test.", Type.A);
    assertThat(v.status()).as(v.reason()).isEqualTo(Status.SECURE);
    assertThat(v.records()).extracting(Record::rdataToString).containsExactly("192.0.2.52");
    assertThat(String.join("\n", v.chain()))
        .contains("covers the next closer name host.wild.nsec3.test.");
    Verdict nodata = validate(lab, "host.wild.nsec3.test.", Type.MX);
    assertThat(nodata.status()).as(nodata.reason()).isEqualTo(Status.SECURE);
    assertThat(String.join("\n", nodata.chain()))
        .contains("the wildcard *.wild.nsec3.test. has no MX");
  }

  @Test
  void unsignedDelegationUnderAnNsec3ParentIsInsecure() {
    DnssecLab lab = new DnssecLab();
    Verdict v = validate(lab, "www.unsigned.nsec3.test.", Type.A);
    assertThat(v.status()).as(v.reason()).isEqualTo(Status.INSECURE);
    assertThat(v.reason())
        .startsWith("NSEC3 ")
        .contains("proves a delegation of unsigned.nsec3.test. without DS");
    Verdict ds = validate(lab, "unsigned.nsec3.test.", Type.DS);
    assertThat(ds.status()).as(ds.reason()).isEqualTo(Status.SECURE);
  }

  @Test
  void optOutMakesTheUnsignedDelegationInsecureAndNxdomainInsecure() {
    DnssecLab lab = new DnssecLab();
    Verdict v = validate(lab, "www.child.optout.test.", Type.A);
    assertThat(v.status()).as(v.reason()).isEqualTo(Status.INSECURE);
    assertThat(v.reason()).contains("opt-out").contains("child.optout.test.");
    Verdict ds = validate(lab, "child.optout.test.", Type.DS);
    assertThat(ds.status()).as(ds.reason()).isEqualTo(Status.INSECURE);
    assertThat(ds.reason()).contains("opt-out");
    Verdict nx = validate(lab, "nope.optout.test.", Type.A);
    assertThat(nx.status()).as(nx.reason()).isEqualTo(Status.INSECURE);
    Verdict signed = validate(lab, "www.optout.test.", Type.A);
    assertThat(signed.status()).as(signed.reason()).isEqualTo(Status.SECURE);
    Verdict nodata = validate(lab, "www.optout.test.", Type.AAAA);
    assertThat(nodata.status()).as(nodata.reason()).isEqualTo(Status.SECURE);
  }

  @Test
  void withoutOptOutAMissingNsec3ForADelegationIsBogus() {
    DnssecLab lab = new DnssecLab();
    // The same opt-out zone signed without opt-out, then the child's NSEC3 removed: the DS denial
    // has only a covering record without the flag.
    String text =
        DnssecLab.soa("optout.test.")
            + "ns A 127.0.0.1\nwww A 192.0.2.60\nchild NS ns.child\nns.child A 127.0.0.1\n";
    String signed = lab.optout.signNsec3(text, "-", 0, false);
    List<Record> records = DnssecLab.parse("optout.test.", signed);
    Name childHash = null;
    for (Record r : records) {
      if (r instanceof NSEC3Record n3 && n3.hasType(Type.NS) && !n3.hasType(Type.SOA)) {
        childHash = n3.getName();
      }
    }
    StringBuilder edited = new StringBuilder();
    for (String line : signed.split("\n")) {
      if (!line.startsWith(childHash + "\t")) {
        edited.append(line).append('\n');
      }
    }
    lab.zones.put("optout.test.", edited.toString());
    Verdict v = validate(lab, "www.child.optout.test.", Type.A);
    assertThat(v.status()).as(v.reason()).isEqualTo(Status.BOGUS);
  }

  @Test
  void forgedOrMissingNsec3IsBogus() {
    DnssecLab lab = new DnssecLab();
    DnssecEngine.Fetcher real = lab.fetcher();
    Name nope = DnssecLab.name("nope.nsec3.test.");
    // One record of the proof left out at a time: each gap makes the NXDOMAIN bogus.
    DnssecEngine.Reply full = real.fetch(nope, Type.A);
    List<RRset> nsec3s = full.authority().stream().filter(s -> s.getType() == Type.NSEC3).toList();
    assertThat(nsec3s).hasSizeBetween(2, 3);
    for (RRset drop : nsec3s) {
      DnssecEngine.Fetcher gap =
          (name, type) -> {
            DnssecEngine.Reply r = real.fetch(name, type);
            if (!name.equals(nope)) {
              return r;
            }
            List<RRset> authority = new ArrayList<>(r.authority());
            authority.removeIf(s -> s.getName().equals(drop.getName()));
            return new DnssecEngine.Reply(r.rcode(), r.answer(), authority, null);
          };
      Verdict v = validate(lab, gap, "nope.nsec3.test.", Type.A, Instant.now());
      // Each record set plays at least one part of the proof.
      assertThat(v.status()).as(drop.getName() + ": " + v.reason()).isEqualTo(Status.BOGUS);
    }
    // An NSEC3 record whose next hash was changed after signing: the signature fails.
    DnssecEngine.Fetcher forged =
        (name, type) -> {
          DnssecEngine.Reply r = real.fetch(name, type);
          if (!name.equals(nope)) {
            return r;
          }
          List<RRset> authority = new ArrayList<>();
          for (RRset s : r.authority()) {
            if (s.getType() != Type.NSEC3) {
              authority.add(s);
              continue;
            }
            NSEC3Record n3 = (NSEC3Record) s.first();
            byte[] next = n3.getNext().clone();
            next[next.length - 1] ^= 1;
            RRset copy =
                new RRset(
                    new NSEC3Record(
                        n3.getName(),
                        n3.getDClass(),
                        n3.getTTL(),
                        n3.getHashAlgorithm(),
                        n3.getFlags(),
                        n3.getIterations(),
                        n3.getSalt(),
                        next,
                        n3.getTypes()));
            s.sigs().forEach(copy::addRR);
            authority.add(copy);
          }
          return new DnssecEngine.Reply(r.rcode(), r.answer(), authority, null);
        };
    Verdict v = validate(lab, forged, "nope.nsec3.test.", Type.A, Instant.now());
    assertThat(v.status()).isEqualTo(Status.BOGUS);
    assertThat(v.reason()).contains("NSEC3").contains("bad signature");
    // A signed NODATA without its NSEC3 record.
    Verdict missing =
        validate(
            lab,
            withoutAuthority(real, "www.nsec3.test."),
            "www.nsec3.test.",
            Type.AAAA,
            Instant.now());
    assertThat(missing.status()).isEqualTo(Status.BOGUS);
    assertThat(missing.reason()).contains("no NSEC or NSEC3 record");
  }

  @Test
  void nsec3RecordsChangedAfterSigningAreBogusButThePositiveAnswerIsSecure() {
    DnssecLab lab = new DnssecLab();
    Verdict nx = validate(lab, "nope.forged.test.", Type.A);
    assertThat(nx.status()).isEqualTo(Status.BOGUS);
    assertThat(nx.reason()).contains("RRSIG of NSEC3").contains("bad signature");
    Verdict positive = validate(lab, "www.forged.test.", Type.A);
    assertThat(positive.status()).as(positive.reason()).isEqualTo(Status.SECURE);
  }

  @Test
  void nsec3WithAnUnknownHashAlgorithmIsInsecure() {
    DnssecLab lab = new DnssecLab();
    DnssecEngine.Fetcher real = lab.fetcher();
    // A validly signed NSEC3 record with hash algorithm 2, which no RFC defines.
    String owner = "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.nsec3.test.";
    String signed =
        lab.nsec3.sign(
            DnssecLab.nsec3Text()
                + owner
                + " 300 IN NSEC3 2 0 0 - 0p9mhaveqvm6t7vbl5lop2u3t2rp3too A RRSIG\n");
    RRset fake = new RRset();
    for (Record r : DnssecLab.parse("nsec3.test.", signed)) {
      int t = r instanceof RRSIGRecord sig ? sig.getTypeCovered() : r.getType();
      if (r.getName().equals(DnssecLab.name(owner)) && t == Type.NSEC3) {
        fake.addRR(r);
      }
    }
    assertThat(fake.sigs()).hasSize(1);
    Name nope = DnssecLab.name("nope.nsec3.test.");
    DnssecEngine.Fetcher unknown =
        (name, type) -> {
          DnssecEngine.Reply r = real.fetch(name, type);
          if (!name.equals(nope)) {
            return r;
          }
          List<RRset> authority = new ArrayList<>();
          for (RRset s : r.authority()) {
            if (s.getType() == Type.SOA) {
              authority.add(s);
            }
          }
          authority.add(fake);
          return new DnssecEngine.Reply(r.rcode(), r.answer(), authority, null);
        };
    Verdict v = validate(lab, unknown, "nope.nsec3.test.", Type.A, Instant.now());
    assertThat(v.status()).as(v.reason()).isEqualTo(Status.INSECURE);
    assertThat(v.reason()).contains("hash algorithms this validator does not know");
  }

  @Test
  void nsec3AboveTheIterationLimitIsInsecure() {
    DnssecLab lab = new DnssecLab();
    Verdict nx = validate(lab, "nope.iterations.test.", Type.A);
    assertThat(nx.status()).as(nx.reason()).isEqualTo(Status.INSECURE);
    assertThat(nx.reason())
        .contains(DnssecLab.HIGH_ITERATIONS + " hash iterations")
        .contains("RFC 9276");
    Verdict nodata = validate(lab, "www.iterations.test.", Type.AAAA);
    assertThat(nodata.status()).as(nodata.reason()).isEqualTo(Status.INSECURE);
    Verdict positive = validate(lab, "www.iterations.test.", Type.A);
    assertThat(positive.status()).as(positive.reason()).isEqualTo(Status.SECURE);
  }

  @Test
  void manyNsec3RecordsAndLongNamesCostBoundedWork() {
    DnssecLab lab = new DnssecLab();
    DnssecEngine.Fetcher real = lab.fetcher();
    StringBuilder longName = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      longName.append("a.");
    }
    longName.append("nsec3.test.");
    Name qname = DnssecLab.name(longName.toString());
    DnssecEngine.Fetcher flood =
        (name, type) -> {
          DnssecEngine.Reply r = real.fetch(name, type);
          if (!name.equals(qname)) {
            return r;
          }
          // The real proof repeated 200 times.
          List<RRset> authority = new ArrayList<>();
          for (int i = 0; i < 200; i++) {
            authority.addAll(r.authority());
          }
          return new DnssecEngine.Reply(r.rcode(), r.answer(), authority, null);
        };
    Verdict v = validate(lab, flood, longName.toString(), Type.A, Instant.now());
    // The first record sets hold the proof; the rest are ignored, and the chain says so.
    assertThat(v.status()).as(v.reason()).isEqualTo(Status.SECURE);
    assertThat(v.chain()).anyMatch(s -> s.contains("the rest were ignored"));
    assertThat(v.chain().stream().filter(s -> s.startsWith("RRSIG NSEC3")).count())
        .isLessThanOrEqualTo(DnssecEngine.MAX_PROOF_RRSETS);
  }

  @Test
  void nsec3RecordsWithManyParameterSetsStopAtTheHashBudget() {
    DnssecLab lab = new DnssecLab();
    DnssecEngine.Fetcher real = lab.fetcher();
    // Eight validly signed NSEC3 records, each with its own salt and 150 iterations (the most
    // computed), none matching: every label of a long name would need eight hashes.
    StringBuilder text = new StringBuilder(DnssecLab.nsec3Text());
    List<Name> owners = new ArrayList<>();
    for (int i = 1; i <= DnssecEngine.MAX_PROOF_RRSETS; i++) {
      String owner = String.format("%032d", i) + ".nsec3.test.";
      owners.add(DnssecLab.name(owner));
      text.append(owner)
          .append(" 300 IN NSEC3 1 0 150 0")
          .append(i)
          .append(' ')
          .append(String.format("%032d", i + 1))
          .append(" A RRSIG\n");
    }
    List<Record> signed = DnssecLab.parse("nsec3.test.", lab.nsec3.sign(text.toString()));
    List<RRset> fakes = new ArrayList<>();
    for (Name owner : owners) {
      RRset set = new RRset();
      for (Record r : signed) {
        int t = r instanceof RRSIGRecord sig ? sig.getTypeCovered() : r.getType();
        if (r.getName().equals(owner) && t == Type.NSEC3) {
          set.addRR(r);
        }
      }
      fakes.add(set);
    }
    StringBuilder longName = new StringBuilder();
    for (int i = 0; i < 120; i++) {
      longName.append("a.");
    }
    Name qname = DnssecLab.name(longName + "nsec3.test.");
    DnssecEngine.Fetcher hostile =
        (name, type) -> {
          DnssecEngine.Reply r = real.fetch(name, type);
          if (!name.equals(qname)) {
            return r;
          }
          List<RRset> authority = new ArrayList<>();
          for (RRset s : r.authority()) {
            if (s.getType() == Type.SOA) {
              authority.add(s);
            }
          }
          authority.addAll(fakes);
          return new DnssecEngine.Reply(r.rcode(), r.answer(), authority, null);
        };
    Verdict v = validate(lab, hostile, qname.toString(), Type.A, Instant.now());
    assertThat(v.status()).as(v.reason()).isEqualTo(Status.BOGUS);
    assertThat(v.reason()).contains("more than " + DnssecEngine.MAX_NSEC3_HASHES + " NSEC3 hashes");
  }

  @Test
  void nsec3HashMatchesRfc5155AppendixA() {
    // RFC 5155 Appendix A: example, salt aabbccdd, 12 iterations.
    byte[] h = Nsec3Proof.hash(DnssecLab.name("example."), HexFormat.of().parseHex("aabbccdd"), 12);
    assertThat(
            new org.xbill.DNS.utils.base32(
                    org.xbill.DNS.utils.base32.Alphabet.BASE32HEX, false, true)
                .toString(h))
        .isEqualTo("0p9mhaveqvm6t7vbl5lop2u3t2rp3tom");
  }

  /** Drops the NSEC and NSEC3 records from the replies about one name (the SOA stays). */
  private static DnssecEngine.Fetcher withoutAuthority(DnssecEngine.Fetcher real, String target) {
    Name t = DnssecLab.name(target);
    return (name, type) -> {
      DnssecEngine.Reply r = real.fetch(name, type);
      if (!name.equals(t)) {
        return r;
      }
      List<RRset> authority = new ArrayList<>();
      for (RRset s : r.authority()) {
        if (s.getType() == Type.SOA) {
          authority.add(s);
        }
      }
      return new DnssecEngine.Reply(r.rcode(), r.answer(), authority, null);
    };
  }

  private static DnssecLab withBad(DnssecLab valid, String badZone) {
    // Keep the keys of `valid`: the bad zone's text was signed with valid.bad's key.
    valid.zones.put("bad.test.", badZone);
    return valid;
  }
}
