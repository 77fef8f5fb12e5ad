package dev.mailpath.diag.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.testkit.peer.Peers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The test kit's DNSSEC signer checked by an independent verifier: {@code ldns-verify-zone}
 * (Debian's {@code ldnsutils}) checks the signatures and the NSEC or NSEC3 chain of what {@link
 * DnssecTestSigner} signed; a copy with one NSEC3 record removed must fail.
 */
class DnssecTestSignerIT {

  static final String ZONE =
      "$ORIGIN example.test.\n"
          + "$TTL 300\n"
          + "@ SOA ns hostmaster 1 3600 600 86400 300\n"
          + "@ NS ns\n"
          + "ns A 127.0.0.1\n"
          + "www A 192.0.2.10\n"
          + "@ MX 10 www\n"
          + "*.wild A 192.0.2.12\n"
          + "deep.below.empty TXT \"an empty non-terminal above\"\n"
          + "signed NS ns.signed\n"
          + "ns.signed A 127.0.0.1\n"
          + "signed DS 12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
          + "unsigned NS ns.unsigned\n"
          + "ns.unsigned A 127.0.0.1\n";

  @ParameterizedTest(name = "salt {0}, {1} iterations, opt-out {2}")
  @CsvSource({"-, 0, false", "aabbccdd, 10, false", "-, 0, true", "01, 5, true"})
  void ldnsVerifiesTheNsec3SignedZone(
      String salt, int iterations, boolean optOut, @TempDir Path dir) throws Exception {
    Path verify =
        Peers.requireExecutable(
            "ldns-verify-zone", "apt-get install ldnsutils", "ldns-verify-zone");
    DnssecTestSigner signer = DnssecTestSigner.create("example.test.");
    String signed = signer.signNsec3(ZONE, salt, iterations, optOut);
    assertThat(signed).contains("NSEC3PARAM\t1 0 " + iterations + " ");
    Result ok = run(verify, dir, "ok.zone", signed);
    assertThat(ok.exitOk).as(ok.output + "\n" + signed).isTrue();

    String withoutOne = dropFirstNsec3Besides(signed, "NSEC3PARAM");
    Result broken = run(verify, dir, "broken.zone", withoutOne);
    assertThat(broken.exitOk).as("a gap in the NSEC3 chain: " + broken.output).isFalse();
  }

  @Test
  void ldnsVerifiesTheNsecSignedZone(@TempDir Path dir) throws Exception {
    Path verify =
        Peers.requireExecutable(
            "ldns-verify-zone", "apt-get install ldnsutils", "ldns-verify-zone");
    String signed = DnssecTestSigner.create("example.test.").sign(ZONE);
    Result ok = run(verify, dir, "ok.zone", signed);
    assertThat(ok.exitOk).as(ok.output + "\n" + signed).isTrue();
  }

  /** Removes the first NSEC3 record and its RRSIG. */
  static String dropFirstNsec3Besides(String zone, String keep) {
    List<String> lines = zone.lines().toList();
    String owner = null;
    for (String l : lines) {
      if (l.contains("\tNSEC3\t")) {
        owner = l.substring(0, l.indexOf('\t'));
        break;
      }
    }
    assertThat(owner).as("the zone has NSEC3 records").isNotNull();
    String o = owner;
    return lines.stream()
            .filter(l -> !l.startsWith(o + "\t") || l.contains(keep))
            .collect(Collectors.joining("\n"))
        + "\n";
  }

  record Result(boolean exitOk, String output) {}

  static Result run(Path verify, Path dir, String file, String zone)
      throws IOException, InterruptedException {
    Files.writeString(dir.resolve(file), zone);
    Process p =
        new ProcessBuilder(verify.toString(), dir.resolve(file).toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean done = p.waitFor(60, TimeUnit.SECONDS);
    return new Result(done && p.exitValue() == 0, out);
  }
}
