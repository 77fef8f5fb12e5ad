package dev.mailpath.diag.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import dev.mailpath.diag.testkit.peer.Peers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DmarcCheck against OpenDMARC's library (Debian's libopendmarc2, RFC 7489 with the Public Suffix
 * List), driven through ctypes by {@code dmarc/opendmarc_oracle.py} and told to ask only the local
 * zone server. There is no DMARCbis oracle in Debian, so only the cases where the PSL and the DNS
 * Tree Walk give the same Organizational Domain are compared; the cases where RFC 9989 differs on
 * purpose ({@code psd=y}, {@code t=y}) are listed and checked to differ. Skipped when the library,
 * the list or Debian's python3 is absent, failed with {@code -Dpeers.required=true}.
 */
class DmarcOpendmarcIT {
  static final Path LIB = Path.of("/usr/lib/x86_64-linux-gnu/libopendmarc.so.2");
  static final Path PSL = Path.of("/usr/share/publicsuffix/public_suffix_list.dat");
  static final Path PYTHON = Path.of("/usr/bin/python3");

  static LocalDnsZoneServer zone;

  @BeforeAll
  static void start() {
    Peers.requirePeer(
        "OpenDMARC library and the Public Suffix List",
        "apt-get install libopendmarc2 publicsuffix python3",
        Files.exists(LIB) && Files.exists(PSL) && Files.isExecutable(PYTHON));
    zone = LocalDnsZoneServer.builder().zone(DmarcZones.lab()).start();
  }

  @AfterAll
  static void stop() {
    if (zone != null) {
      zone.close();
    }
  }

  /** One message: From domain, SPF MAIL FROM domain and result, DKIM d= and result. */
  record Case(String from, String spfDomain, String spf, String dkimDomain, String dkim) {
    String line() {
      return String.join("|", from, spfDomain, spf, dkimDomain, dkim);
    }
  }

  static List<String> opendmarc(List<Case> cases) throws IOException, InterruptedException {
    Path script = Files.createTempFile("opendmarc_oracle", ".py");
    try (InputStream in =
        DmarcOpendmarcIT.class.getResourceAsStream("/dmarc/opendmarc_oracle.py")) {
      Files.write(script, in.readAllBytes());
    }
    try {
      Process p =
          new ProcessBuilder(
                  PYTHON.toString(),
                  script.toString(),
                  "127.0.0.1",
                  String.valueOf(zone.port()),
                  PSL.toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      try (OutputStream out = p.getOutputStream()) {
        for (Case c : cases) {
          out.write((c.line() + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("oracle exit code").isZero();
      return text.lines().toList();
    } finally {
      Files.deleteIfExists(script);
    }
  }

  /** Ours, in the oracle's words: from|policy|utilized domain. */
  static String ours(Case c) {
    DmarcCheck check =
        DmarcCheck.builder()
            .dns(d -> d.server(zone.address()).timeout(Duration.ofSeconds(2)).retries(0))
            .build();
    SpfReport spf =
        SpfReport.builder()
            .result(c.spf().equals("pass") ? SpfResult.PASS : SpfResult.NONE)
            .identity(SpfIdentity.MAIL_FROM)
            .domain(c.spfDomain())
            .build();
    DkimReport.Builder dkim = DkimReport.builder();
    if (!c.dkim().equals("none")) {
      dkim.addSignature(
          new DkimSignatureResult(
              c.dkim().equals("pass") ? DkimResult.PASS : DkimResult.FAIL,
              c.dkimDomain(),
              "s1",
              "rsa-sha256",
              Optional.empty()));
    }
    DmarcReport r = check.evaluate(c.from(), spf, dkim.build());
    String policy =
        switch (r.result()) {
          case PASS -> "pass";
          case NONE -> "absent";
          case FAIL -> r.disposition().name().toLowerCase(java.util.Locale.ROOT);
          default -> r.result().name();
        };
    return c.from() + "|" + policy + "|" + r.policy().policyDomain().orElse("");
  }

  /** The oracle's line without the query status; without a record, without the domain too. */
  static String withoutStatus(String oracleLine) {
    String s = oracleLine.substring(0, oracleLine.lastIndexOf('|'));
    // Without a record OpenDMARC still names the last domain it asked; mailpath names none.
    return s.contains("|absent|") ? s.substring(0, s.lastIndexOf('|') + 1) : s;
  }

  @Test
  void evaluate_casesWherePslAndTreeWalkAgree_matchOpendmarc() throws Exception {
    List<Case> cases =
        List.of(
            new Case("example.org", "example.org", "pass", "", "none"),
            new Case("example.org", "bounces.example.org", "pass", "", "none"),
            new Case("example.org", "elsewhere.example", "none", "mailer.example.net", "pass"),
            new Case("example.org", "elsewhere.example", "none", "mail.example.org", "pass"),
            new Case("example.org", "elsewhere.example", "none", "example.org", "fail"),
            new Case("news.example.org", "elsewhere.example", "none", "", "none"),
            new Case("news.example.org", "elsewhere.example", "none", "example.org", "pass"),
            new Case("strict.test", "bounces.strict.test", "pass", "", "none"),
            new Case("strict.test", "elsewhere.example", "none", "mail.strict.test", "pass"),
            new Case("strict.test", "strict.test", "pass", "", "none"),
            new Case("reports.test", "elsewhere.example", "none", "", "none"),
            new Case("nowhere.example", "nowhere.example", "pass", "", "none"),
            new Case("a.b.c.d.e.f.g.example.org", "elsewhere.example", "none", "", "none"),
            new Case("a.b.c.d.e.f.g.example.org", "x.example.org", "pass", "", "none"));

    List<String> theirs = opendmarc(cases);

    assertThat(theirs).hasSameSizeAs(cases);
    List<String> mismatches = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      String expected = withoutStatus(theirs.get(i));
      String actual = ours(cases.get(i));
      if (!expected.equals(actual)) {
        mismatches.add("opendmarc " + expected + " / mailpath " + actual);
      }
    }
    System.out.println(
        "DmarcOpendmarcIT: "
            + (cases.size() - mismatches.size())
            + " of "
            + cases.size()
            + " cases agree with OpenDMARC");
    assertThat(mismatches).isEmpty();
  }

  @Test
  void evaluate_rfc9989Differences_differFromOpendmarcAsExpected() throws Exception {
    // psd=y: RFC 9989 applies the public suffix's policy; the PSL reading finds no record.
    // t=y: RFC 9989 asks receivers not to apply the policy; RFC 7489 does not know the tag.
    List<Case> cases =
        List.of(
            new Case("mail.foo.bank", "elsewhere.example", "none", "", "none"),
            new Case("testing.test", "elsewhere.example", "none", "", "none"));

    List<String> theirs = opendmarc(cases);

    assertThat(theirs)
        .extracting(DmarcOpendmarcIT::withoutStatus)
        .containsExactly("mail.foo.bank|absent|", "testing.test|reject|testing.test");
    assertThat(cases)
        .extracting(DmarcOpendmarcIT::ours)
        .containsExactly("mail.foo.bank|reject|bank", "testing.test|none|testing.test");
  }
}
