package dev.mailpath.diag.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mailpath.diag.auth.internal.DkimCanon;
import dev.mailpath.diag.auth.internal.DkimEngine;
import dev.mailpath.diag.auth.internal.DkimHeaderBlock;
import dev.mailpath.diag.auth.internal.DkimKey;
import dev.mailpath.diag.auth.internal.DkimSignature;
import dev.mailpath.diag.auth.internal.DkimTagList;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;

/**
 * Fuzz targets for everything the DKIM verifier reads from strangers: signature tag lists, key
 * records, header blocks and whole messages (Jazzer, {@code @FuzzTest}). A plain build runs each
 * target over its committed seeds in {@code DkimFuzzTestInputs/<method>/}. The promise: no
 * exception, output bounded by the input.
 */
class DkimFuzzTest {
  private static LocalDnsZoneServer zone;
  private static DkimVerifier verifier;

  static synchronized DkimVerifier verifier() {
    if (verifier == null) {
      zone =
          LocalDnsZoneServer.builder()
              .zone(
                  "$ORIGIN example.com.\n$TTL 300\n@ SOA ns h 1 3600 600 86400 300\n@ NS ns\n"
                      + DkimTestSigner.txt("brisbane._domainkey.football", DkimVerifierTest.ED_KEY)
                      + DkimTestSigner.txt("test._domainkey.football", DkimVerifierTest.RSA_KEY))
              .start();
      verifier =
          DkimVerifier.builder()
              .dns(d -> d.server(zone.address()).timeout(Duration.ofMillis(500)).retries(0))
              .build();
    }
    return verifier;
  }

  @FuzzTest
  void tagList(byte[] input) {
    String text = new String(input, StandardCharsets.ISO_8859_1);
    DkimTagList t = DkimTagList.parse(text);
    assertThat(t.tags().size()).isLessThanOrEqualTo(text.length() / 2 + 1);
  }

  @FuzzTest
  void keyRecord(byte[] input) {
    DkimKey k = DkimKey.parse(new String(input, StandardCharsets.ISO_8859_1));
    assertThat(k.key().isPresent()).isEqualTo(k.problem().isEmpty());
  }

  @FuzzTest
  void signedData(byte[] input) throws Exception {
    int end = DkimHeaderBlock.findEnd(input, 0, input.length);
    DkimHeaderBlock hb = DkimHeaderBlock.parse(input, end < 0 ? input.length : end, end >= 0);
    for (DkimHeaderBlock.Field f : hb.fields()) {
      DkimSignature sig = DkimSignature.parse(f, 0);
      if (sig.problem.isEmpty()) {
        byte[] data = DkimEngine.signedData(hb, sig);
        assertThat(data.length)
            .isLessThanOrEqualTo(input.length * (sig.signedHeaders.size() + 1) + 2);
      }
    }
    for (boolean relaxed : new boolean[] {false, true}) {
      DkimCanon.Body b = new DkimCanon.Body(relaxed, MessageDigest.getInstance("SHA-256"), -1);
      b.update(input, 0, input.length);
      b.finish();
      assertThat(b.canonicalLength()).isLessThanOrEqualTo(2L * input.length + 2);
    }
  }

  @FuzzTest
  void verify(byte[] input) {
    DkimReport r = verifier().verify(input);
    assertThat(r.signatures().size()).isLessThanOrEqualTo(DkimEngine.MAX_SIGNATURES);
    assertThat(r.toString()).isNotEmpty();
  }
}
