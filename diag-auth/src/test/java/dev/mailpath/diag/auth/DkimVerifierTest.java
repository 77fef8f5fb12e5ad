package dev.mailpath.diag.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.FakeTimeSource;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DkimVerifier against the RFC 8463 Appendix A vector (a message signed with both an Ed25519 and an
 * RSA key, keys as printed in the RFC) and against messages signed here with generated keys, all
 * keys served by the test kit's DNS server on loopback.
 */
class DkimVerifierTest {
  /** RFC 8463 Appendix A.2 and A.3: the public keys, as DNS records. */
  static final String ED_KEY = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

  static final String RSA_KEY =
      "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5"
          + "qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3"
          + "rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB";

  /** RFC 8463 Appendix A.3: the signed message (LF line ends here; CRLF made by crlf()). */
  static final String RFC8463 =
      """
      DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;
       d=football.example.com; i=@football.example.com;
       q=dns/txt; s=brisbane; t=1528637909; h=from : to :
       subject : date : message-id : from : subject : date;
       bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;
       b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus
       Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==
      DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;
       d=football.example.com; i=@football.example.com;
       q=dns/txt; s=test; t=1528637909; h=from : to : subject :
       date : message-id : from : subject : date;
       bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;
       b=F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3
       DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz
       dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=
      From: Joe SixPack <joe@football.example.com>
      To: Suzie Q <suzie@shopping.example.net>
      Subject: Is dinner ready?
      Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)
      Message-ID: <20030712040037.46341.5F8J@football.example.com>

      Hi.

      We lost the game.  Are you hungry yet?

      Joe.
      """;

  static final String PLAIN =
      crlf(
          """
          From: Alice <alice@signer.example>
          To: Bob <bob@example.net>
          Subject: hello
          Date: Mon, 7 Dec 2026 20:00:00 +0000

          Hello Bob,
          how are you?
          """);

  static KeyPair rsa2048;
  static KeyPair rsa512;
  static KeyPair ed;
  static LocalDnsZoneServer zone;

  static String crlf(String lf) {
    return lf.replace("\n", "\r\n");
  }

  @BeforeAll
  static void start() {
    rsa2048 = DkimTestSigner.rsa(2048);
    rsa512 = DkimTestSigner.rsa(512);
    ed = DkimTestSigner.ed25519();
    String rsa = DkimTestSigner.publicKey(rsa2048);
    StringBuilder z =
        new StringBuilder(
            """
            $ORIGIN example.com.
            $TTL 300
            @ SOA ns hostmaster 1 3600 600 86400 300
            @ NS ns
            ns A 127.0.0.1
            """);
    z.append(DkimTestSigner.txt("brisbane._domainkey.football", ED_KEY));
    z.append(DkimTestSigner.txt("test._domainkey.football", RSA_KEY));
    StringBuilder s =
        new StringBuilder(
            """
            $ORIGIN signer.example.
            $TTL 300
            @ SOA ns hostmaster 1 3600 600 86400 300
            @ NS ns
            ns A 127.0.0.1
            """);
    s.append(DkimTestSigner.txt("rsa._domainkey", "v=DKIM1; k=rsa; p=" + rsa));
    s.append(
        DkimTestSigner.txt(
            "ed._domainkey", "v=DKIM1; k=ed25519; p=" + DkimTestSigner.publicKey(ed)));
    s.append(
        DkimTestSigner.txt("short._domainkey", "v=DKIM1; p=" + DkimTestSigner.publicKey(rsa512)));
    s.append(DkimTestSigner.txt("strict._domainkey", "v=DKIM1; t=s; p=" + rsa));
    s.append(DkimTestSigner.txt("testing._domainkey", "v=DKIM1; t=y; p=" + rsa));
    s.append(DkimTestSigner.txt("revoked._domainkey", "v=DKIM1; k=rsa; p="));
    s.append(DkimTestSigner.txt("sha1only._domainkey", "v=DKIM1; h=sha1; p=" + rsa));
    s.append(DkimTestSigner.txt("webonly._domainkey", "v=DKIM1; s=web; p=" + rsa));
    s.append(
        DkimTestSigner.txt(
            "edasrsa._domainkey", "v=DKIM1; k=ed25519; p=" + DkimTestSigner.publicKey(ed)));
    s.append(DkimTestSigner.txt("garbage._domainkey", "v=DKIM1; p=!!!notbase64"));
    s.append(DkimTestSigner.txt("badversion._domainkey", "v=DKIM2; p=" + rsa));
    s.append(DkimTestSigner.txt("twice._domainkey", "v=DKIM1; p=" + rsa));
    s.append(DkimTestSigner.txt("twice._domainkey", "v=DKIM1; n=second; p=" + rsa));
    zone = LocalDnsZoneServer.builder().zone(z.toString()).zone(s.toString()).start();
  }

  @AfterAll
  static void stop() {
    zone.close();
  }

  static DkimVerifier verifier() {
    return DkimVerifier.builder()
        .dns(d -> d.server(zone.address()).timeout(Duration.ofSeconds(2)).retries(0))
        .build();
  }

  static DkimReport verify(String message) {
    return verifier().verify(message.getBytes(StandardCharsets.ISO_8859_1));
  }

  static List<String> codes(DkimSignatureResult r) {
    return r.findings().stream().map(Finding::code).toList();
  }

  static String signRsa(String message, String selector, String extra) {
    return DkimTestSigner.sign(
        message,
        "rsa-sha256",
        "relaxed/relaxed",
        "signer.example",
        selector,
        extra,
        "from:to:subject:date",
        -1,
        rsa2048);
  }

  // ------------------------------------------------------------ RFC 8463 Appendix A

  @Test
  void rfc8463_bothSignaturesPass_rsa1024Warned() {
    DkimReport r = verify(crlf(RFC8463));

    assertThat(r.result()).isEqualTo(DkimResult.PASS);
    assertThat(r.signatures())
        .extracting(DkimSignatureResult::result)
        .containsExactly(DkimResult.PASS, DkimResult.PASS);
    DkimSignatureResult ed = r.signatures().get(0);
    assertThat(ed.algorithm()).isEqualTo("ed25519-sha256");
    assertThat(ed.domain()).isEqualTo("football.example.com");
    assertThat(ed.selector()).isEqualTo("brisbane");
    assertThat(ed.canonicalization()).isEqualTo("relaxed/relaxed");
    assertThat(ed.identity()).contains("@football.example.com");
    assertThat(ed.findings()).isEmpty();
    assertThat(codes(r.signatures().get(1))).containsExactly("dkim.key-weak");
    assertThat(r.outcome()).isEqualTo(Outcome.WARN);
  }

  @Test
  void rfc8463_bareLfLineEnds_verifyAsTheirCrlfForm() {
    DkimReport r = verify(RFC8463);

    assertThat(r.signatures())
        .extracting(DkimSignatureResult::result)
        .containsExactly(DkimResult.PASS, DkimResult.PASS);
  }

  @Test
  void rfc8463_fromStreamAndAsync_sameVerdicts() throws Exception {
    byte[] m = crlf(RFC8463).getBytes(StandardCharsets.ISO_8859_1);
    DkimReport s = verifier().verify(new ByteArrayInputStream(m));
    DkimReport a = verifier().verifyAsync(m).get(10, TimeUnit.SECONDS);
    DkimReport as = verifier().verifyAsync(new ByteArrayInputStream(m)).get(10, TimeUnit.SECONDS);

    for (DkimReport r : List.of(s, a, as)) {
      assertThat(r.signatures())
          .extracting(DkimSignatureResult::result)
          .containsExactly(DkimResult.PASS, DkimResult.PASS);
    }
  }

  @Test
  void rfc8463_oneKeyQueryPerSelector() {
    long before = zone.queryCount();
    verify(
        crlf(RFC8463)
            .replace("s=test;", "s=brisbane;")
            .replace("a=rsa-sha256", "a=ed25519-sha256"));

    assertThat(zone.queryCount() - before).isEqualTo(1);
  }

  @Test
  void tampered_footerAdded_failsBodyHash() {
    DkimReport r = verify(crlf(RFC8463 + "--\nSent from my list\n"));

    assertThat(r.result()).isEqualTo(DkimResult.FAIL);
    for (DkimSignatureResult s : r.signatures()) {
      assertThat(s.result()).isEqualTo(DkimResult.FAIL);
      assertThat(codes(s)).first().isEqualTo("dkim.body-hash");
      assertThat(s.reason()).get().asString().contains("footer");
    }
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void tampered_trailingEmptyLinesAndRelaxedWhitespace_stillPass() {
    // relaxed body: trailing empty lines and whitespace changes do not matter
    DkimReport r =
        verify(
            crlf(RFC8463.replace("We lost the game.  Are", "We lost the game. \t Are") + "\n\n"));

    assertThat(r.result()).isEqualTo(DkimResult.PASS);
    assertThat(r.signatures()).allMatch(s -> s.result() == DkimResult.PASS);
  }

  @Test
  void tampered_subjectChanged_failsSignature() {
    DkimReport r = verify(crlf(RFC8463.replace("Is dinner ready?", "Is dinner ready?!")));

    for (DkimSignatureResult s : r.signatures()) {
      assertThat(s.result()).isEqualTo(DkimResult.FAIL);
      assertThat(codes(s)).first().isEqualTo("dkim.signature");
      assertThat(s.reason()).get().asString().contains("signed header field changed");
    }
  }

  @Test
  void headers_reorderedDistinctFields_stillPass_butAnAddedOversignedFieldFails() {
    String reordered =
        RFC8463.replace(
            "From: Joe SixPack <joe@football.example.com>\nTo: Suzie Q <suzie@shopping.example.net>\n",
            "To: Suzie Q <suzie@shopping.example.net>\nFrom: Joe SixPack <joe@football.example.com>\n");
    assertThat(reordered).isNotEqualTo(RFC8463);
    assertThat(verify(crlf(reordered)).signatures()).allMatch(s -> s.result() == DkimResult.PASS);

    // From is signed twice (over-signed): a second From added below is picked up bottom-up
    String added = RFC8463.replace("\n\nHi.", "\nFrom: Mallory <m@evil.example>\n\nHi.");
    DkimReport r = verify(crlf(added));
    assertThat(r.signatures())
        .allMatch(s -> s.result() == DkimResult.FAIL && s.has(DkimFinding.SIGNATURE));

    // two Subject fields swapped: bottom-up selection sees a different order
    String twoSubjects =
        RFC8463.replace(
            "Subject: Is dinner ready?\n", "Subject: Is dinner ready?\nSubject: second\n");
    String swapped =
        RFC8463.replace(
            "Subject: Is dinner ready?\n", "Subject: second\nSubject: Is dinner ready?\n");
    assertThat(verify(crlf(twoSubjects)).result()).isEqualTo(DkimResult.FAIL);
    assertThat(verify(crlf(swapped)).result()).isEqualTo(DkimResult.FAIL);
  }

  @Test
  void minimumRsaKeyBits2048_rsa1024IsPolicy_messageStillPassesByEd25519() {
    DkimReport r =
        verifier().toBuilder()
            .minimumRsaKeyBits(2048)
            .build()
            .verify(crlf(RFC8463).getBytes(StandardCharsets.ISO_8859_1));

    assertThat(r.signatures())
        .extracting(DkimSignatureResult::result)
        .containsExactly(DkimResult.PASS, DkimResult.POLICY);
    assertThat(r.result()).isEqualTo(DkimResult.PASS);
    DkimSignatureResult rsa = r.signatures().get(1);
    assertThat(codes(rsa)).containsExactly("dkim.key-too-short");
    // softened: the message passes through the other signature
    assertThat(rsa.findings().get(0).severity()).isEqualTo(Severity.WARNING);
  }

  @Test
  void identityOutsideDomain_permerror() {
    DkimReport r = verify(crlf(RFC8463.replace("i=@football.example.com", "i=@evil.example")));

    assertThat(r.signatures())
        .allMatch(s -> s.result() == DkimResult.PERMERROR && s.has(DkimFinding.IDENTITY_MISMATCH));
  }

  @Test
  void missingKey_permerror_andServfail_temperror() throws Exception {
    DkimReport missing = verify(crlf(RFC8463.replace("s=brisbane", "s=nosuch")));
    assertThat(missing.signatures().get(0).result()).isEqualTo(DkimResult.PERMERROR);
    assertThat(codes(missing.signatures().get(0))).containsExactly("dkim.key-missing");

    try (LocalDnsZoneServer failing =
        LocalDnsZoneServer.builder().zone(zoneText()).fault(DnsFault.servfail()).start()) {
      DkimReport r =
          DkimVerifier.builder()
              .dns(d -> d.server(failing.address()).retries(0))
              .build()
              .verify(crlf(RFC8463).getBytes(StandardCharsets.ISO_8859_1));
      assertThat(r.signatures())
          .allMatch(s -> s.result() == DkimResult.TEMPERROR && s.has(DkimFinding.TEMPERROR));
      assertThat(r.result()).isEqualTo(DkimResult.TEMPERROR);
    }
  }

  @Test
  void droppedQueries_temperrorWithinTheTimeout() {
    try (LocalDnsZoneServer silent =
        LocalDnsZoneServer.builder().zone(zoneText()).fault(DnsFault.drop()).start()) {
      long t0 = System.nanoTime();
      DkimReport r =
          DkimVerifier.builder()
              .dns(d -> d.server(silent.address()).retries(0))
              .timeout(Duration.ofMillis(300))
              .build()
              .verify(crlf(RFC8463).getBytes(StandardCharsets.ISO_8859_1));
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
      assertThat(r.signatures()).allMatch(s -> s.result() == DkimResult.TEMPERROR);
    }
  }

  static String zoneText() {
    return "$ORIGIN example.com.\n$TTL 300\n@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n"
        + DkimTestSigner.txt("brisbane._domainkey.football", ED_KEY);
  }

  // ------------------------------------------------------------ key records

  @Test
  void keyRecords_eachProblemHasItsCode() {
    record Case(String selector, DkimResult result, String code) {}
    List<Case> cases =
        List.of(
            new Case("revoked", DkimResult.PERMERROR, "dkim.key-revoked"),
            new Case("sha1only", DkimResult.PERMERROR, "dkim.key-hash-not-allowed"),
            new Case("webonly", DkimResult.PERMERROR, "dkim.key-service"),
            new Case("edasrsa", DkimResult.PERMERROR, "dkim.key-type-mismatch"),
            new Case("garbage", DkimResult.PERMERROR, "dkim.key-syntax"),
            new Case("badversion", DkimResult.PERMERROR, "dkim.key-syntax"),
            new Case("short", DkimResult.PERMERROR, "dkim.key-too-short"),
            new Case("nosuch", DkimResult.PERMERROR, "dkim.key-missing"));
    for (Case c : cases) {
      DkimSignatureResult s = verify(signRsa(PLAIN, c.selector(), "")).signatures().get(0);
      assertThat(s.result()).as(c.selector()).isEqualTo(c.result());
      assertThat(codes(s)).as(c.selector()).containsExactly(c.code());
    }
  }

  @Test
  void shortKey_signedWithIt_isPermerrorByDefault_butAcceptedWhenTheMinimumIsLowered() {
    String m =
        DkimTestSigner.sign(
            PLAIN,
            "rsa-sha256",
            "simple/simple",
            "signer.example",
            "short",
            "",
            "from:subject",
            -1,
            rsa512);
    assertThat(verify(m).signatures().get(0).result()).isEqualTo(DkimResult.PERMERROR);

    DkimSignatureResult lowered =
        verifier().toBuilder()
            .minimumRsaKeyBits(512)
            .build()
            .verify(m.getBytes(StandardCharsets.ISO_8859_1))
            .signatures()
            .get(0);
    assertThat(lowered.result()).isEqualTo(DkimResult.PASS);
    assertThat(lowered.findings())
        .extracting(Finding::code, Finding::severity)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("dkim.key-too-short", Severity.WARNING));
  }

  @Test
  void ownKeys_rsa2048AndEd25519_allCanonicalizations_pass() {
    for (String canon :
        List.of("simple/simple", "simple/relaxed", "relaxed/simple", "relaxed/relaxed")) {
      String rsa =
          DkimTestSigner.sign(
              PLAIN,
              "rsa-sha256",
              canon,
              "signer.example",
              "rsa",
              "",
              "from:to:subject:date:from",
              -1,
              rsa2048);
      String e =
          DkimTestSigner.sign(
              rsa,
              "ed25519-sha256",
              canon,
              "signer.example",
              "ed",
              "",
              "from:to:subject:date:dkim-signature",
              -1,
              ed);
      DkimReport r = verify(e);
      assertThat(r.signatures())
          .as(canon)
          .extracting(DkimSignatureResult::result)
          .containsExactly(DkimResult.PASS, DkimResult.PASS);
      assertThat(r.findings()).as(canon).isEmpty();
      assertThat(r.outcome()).isEqualTo(Outcome.PASS);
    }
  }

  @Test
  void testingFlag_noted_strictFlag_rejectsSubdomainIdentity() {
    DkimSignatureResult testing = verify(signRsa(PLAIN, "testing", "")).signatures().get(0);
    assertThat(testing.result()).isEqualTo(DkimResult.PASS);
    assertThat(codes(testing)).containsExactly("dkim.testing");

    assertThat(verify(signRsa(PLAIN, "strict", "i=@signer.example;")).signatures().get(0).result())
        .isEqualTo(DkimResult.PASS);
    DkimSignatureResult sub =
        verify(signRsa(PLAIN, "strict", "i=alice@mail.signer.example;")).signatures().get(0);
    assertThat(sub.result()).isEqualTo(DkimResult.PERMERROR);
    assertThat(codes(sub)).containsExactly("dkim.key-strict");
  }

  @Test
  void expiry_decidedByTheEnvironmentClock() {
    String m = signRsa(PLAIN, "rsa", "t=1700000000; x=1700003600;");
    DkimVerifier before =
        verifier().toBuilder()
            .environment(e -> e.timeSource(FakeTimeSource.of(Instant.ofEpochSecond(1700001000))))
            .build();
    DkimVerifier after =
        verifier().toBuilder()
            .environment(e -> e.timeSource(FakeTimeSource.of(Instant.ofEpochSecond(1700007200))))
            .build();

    assertThat(before.verify(m.getBytes(StandardCharsets.ISO_8859_1)).result())
        .isEqualTo(DkimResult.PASS);
    DkimSignatureResult s =
        after.verify(m.getBytes(StandardCharsets.ISO_8859_1)).signatures().get(0);
    assertThat(s.result()).isEqualTo(DkimResult.PERMERROR);
    assertThat(codes(s)).containsExactly("dkim.expired");
  }

  @Test
  void lengthTag_appendedContentStillPasses_withAWarning() {
    int sep = PLAIN.indexOf("\r\n\r\n");
    long bodyLen = PLAIN.length() - sep - 4;
    String m =
        DkimTestSigner.sign(
            PLAIN,
            "rsa-sha256",
            "simple/simple",
            "signer.example",
            "rsa",
            "",
            "from:to:subject:date",
            bodyLen,
            rsa2048);
    DkimSignatureResult s = verify(m + "PS: appended by someone else\r\n").signatures().get(0);

    assertThat(s.result()).isEqualTo(DkimResult.PASS);
    assertThat(s.bodyLength()).contains(bodyLen);
    assertThat(codes(s)).containsExactly("dkim.length-tag");
    assertThat(s.findings().get(0).summary()).contains("30 bytes after them are unsigned");

    DkimSignatureResult truncated =
        verify(m.substring(0, m.length() - 10) + "\r\n").signatures().get(0);
    assertThat(truncated.result()).isEqualTo(DkimResult.PERMERROR);
    assertThat(codes(truncated)).contains("dkim.length-too-long");
  }

  @Test
  void rsaSha1_policyByDefault_passWhenAllowed() {
    String m =
        DkimTestSigner.sign(
            PLAIN,
            "rsa-sha1",
            "relaxed/simple",
            "signer.example",
            "rsa",
            "",
            "from:subject",
            -1,
            rsa2048);
    DkimSignatureResult def = verify(m).signatures().get(0);
    assertThat(def.result()).isEqualTo(DkimResult.POLICY);
    assertThat(codes(def)).containsExactly("dkim.sha1");

    DkimSignatureResult allowed =
        verifier().toBuilder()
            .allowRsaSha1(true)
            .build()
            .verify(m.getBytes(StandardCharsets.ISO_8859_1))
            .signatures()
            .get(0);
    assertThat(allowed.result()).isEqualTo(DkimResult.PASS);
    assertThat(allowed.findings()).extracting(Finding::severity).containsExactly(Severity.WARNING);
  }

  // ------------------------------------------------------------ malformed signatures and messages

  @Test
  void malformedSignatures_giveFindingsNotExceptions() {
    record Case(String from, String to, DkimResult result, String code) {}
    List<Case> cases =
        List.of(
            new Case(
                " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\n",
                "",
                DkimResult.PERMERROR,
                "dkim.missing-tag"),
            new Case(
                "h=from : to :\n subject : date : message-id : from : subject : date;",
                "h=to : subject;",
                DkimResult.PERMERROR,
                "dkim.from-not-signed"),
            new Case("v=1; a=ed25519", "v=2; a=ed25519", DkimResult.NEUTRAL, "dkim.version"),
            new Case("a=ed25519-sha256", "a=ed448-sha512", DkimResult.PERMERROR, "dkim.algorithm"),
            new Case(
                "c=relaxed/relaxed;\n d=football",
                "c=relaxed/fancy;\n d=football",
                DkimResult.PERMERROR,
                "dkim.syntax"),
            new Case(
                "q=dns/txt; s=brisbane",
                "q=dns/txt; ;; = ; s=brisbane",
                DkimResult.PERMERROR,
                "dkim.syntax"),
            new Case("s=brisbane;", "s=brisbane; s=again;", DkimResult.PERMERROR, "dkim.syntax"),
            new Case("b=/gCrinpc", "b=/gC!!!rinpc", DkimResult.PERMERROR, "dkim.syntax"),
            new Case("t=1528637909;", "t=1528637909; x=12;", DkimResult.PERMERROR, "dkim.syntax"),
            new Case(
                "d=football.example.com;",
                "d=foot ball..example;",
                DkimResult.PERMERROR,
                "dkim.syntax"),
            new Case(
                "d=football.example.com; i=@football.example.com;",
                "d=" + "a".repeat(60) + ("." + "b".repeat(60)).repeat(3) + ";",
                DkimResult.PERMERROR,
                "dkim.syntax"));
    String edOnly =
        RFC8463.substring(0, RFC8463.indexOf("DKIM-Signature: v=1; a=rsa"))
            + RFC8463.substring(RFC8463.indexOf("From: Joe"));
    for (Case c : cases) {
      String m = edOnly.replace(c.from(), c.to());
      assertThat(m).as(c.code()).isNotEqualTo(edOnly);
      DkimSignatureResult s = verify(crlf(m)).signatures().get(0);
      assertThat(s.result()).as(c.to()).isEqualTo(c.result());
      assertThat(codes(s)).as(c.to()).containsExactly(c.code());
    }
  }

  @Test
  void garbage_hugeAndBinary_neverThrow() {
    String huge =
        "DKIM-Signature: "
            + "v=1;".repeat(2500)
            + "a".repeat(10_000)
            + "\r\nFrom: x\r\n\r\nbody\r\n";
    assertThat(verify(huge).signatures().get(0).result()).isEqualTo(DkimResult.PERMERROR);

    byte[] binary = new byte[100_000];
    new java.util.Random(7).nextBytes(binary);
    DkimReport r = verifier().verify(binary);
    assertThat(r).isNotNull();

    String many =
        "DKIM-Signature: v=1; a=rsa-sha256; d=x; s=y; h=from; bh=AAAA; b=AAAA\r\n".repeat(40)
            + "From: a@x\r\n\r\nhi\r\n";
    DkimReport m = verify(many);
    assertThat(m.signatures()).hasSize(16);
    assertThat(m.findings()).extracting(Finding::code).contains("dkim.too-many-signatures");
  }

  @Test
  void twoKeyRecords_warned_mboxFromLineSkipped() {
    DkimSignatureResult s = verify(signRsa(PLAIN, "twice", "")).signatures().get(0);
    assertThat(s.result()).isEqualTo(DkimResult.PASS);
    assertThat(codes(s)).containsExactly("dkim.key-multiple");
    assertThat(verifier().key("twice", "signer.example").findings())
        .extracting(Finding::code)
        .containsExactly("dkim.key-multiple");

    DkimReport mbox =
        verify(
            "From alice@signer.example Mon Dec  7 20:00:00 2026\r\n" + signRsa(PLAIN, "rsa", ""));
    assertThat(mbox.result()).isEqualTo(DkimResult.PASS);
    assertThat(mbox.findings()).extracting(Finding::code).containsExactly("dkim.malformed-header");
  }

  @Test
  void unsignedMessage_resultNone() {
    DkimReport r = verify(PLAIN);
    assertThat(r.result()).isEqualTo(DkimResult.NONE);
    assertThat(r.signatures()).isEmpty();
    assertThat(r.findings()).extracting(Finding::code).containsExactly("dkim.unsigned");
  }

  @Test
  void noHeaderBodySeparator_findingNoException() {
    String m = crlf(RFC8463.substring(0, RFC8463.indexOf("\n\nHi.") + 1));
    DkimReport r = verify(m);
    assertThat(r.findings()).extracting(Finding::code).contains("dkim.no-body-separator");
    assertThat(r.signatures())
        .allMatch(s -> s.result() == DkimResult.FAIL && s.has(DkimFinding.BODY_HASH));
    assertThat(verify("").findings()).extracting(Finding::code).contains("dkim.no-body-separator");
  }

  @Test
  void headerLargerThanOneMebibyte_finding() {
    String big = "X-Big: " + "a".repeat(1100 * 1024) + "\r\n" + crlf(RFC8463);
    DkimReport r = verify(big);
    assertThat(r.findings()).extracting(Finding::code).containsExactly("dkim.header-too-large");
    DkimReport s =
        verifier().verify(new ByteArrayInputStream(big.getBytes(StandardCharsets.ISO_8859_1)));
    assertThat(s.findings()).extracting(Finding::code).containsExactly("dkim.header-too-large");
  }

  @Test
  void failingStream_readErrorFinding() {
    InputStream broken =
        new InputStream() {
          int n;

          @Override
          public int read() throws IOException {
            if (n++ > 100) {
              throw new IOException("disk on fire");
            }
            return 'a';
          }
        };
    DkimReport r = verifier().verify(broken);
    assertThat(r.findings()).extracting(Finding::code).containsExactly("dkim.read-error");
  }

  // ------------------------------------------------------------ key(...)

  @Test
  void key_checksTheRecordOnItsOwn() {
    DkimKeyReport ed = verifier().key("brisbane", "football.example.com");
    assertThat(ed.usable()).isTrue();
    assertThat(ed.keyType()).contains("ed25519");
    assertThat(ed.keyBits()).contains(256);
    assertThat(ed.findings()).isEmpty();
    assertThat(ed.name()).isEqualTo("brisbane._domainkey.football.example.com");

    DkimKeyReport rsa = verifier().key("test", "Football.Example.com");
    assertThat(rsa.keyBits()).contains(1024);
    assertThat(rsa.findings()).extracting(Finding::code).containsExactly("dkim.key-weak");

    assertThat(verifier().key("nosuch", "signer.example").findings())
        .extracting(Finding::code)
        .containsExactly("dkim.key-missing");
    DkimKeyReport revoked = verifier().key("revoked", "signer.example");
    assertThat(revoked.usable()).isFalse();
    assertThat(revoked.findings()).extracting(Finding::code).containsExactly("dkim.key-revoked");
    DkimKeyReport testing = verifier().key("testing", "signer.example");
    assertThat(testing.testing()).isTrue();
    assertThat(testing.keyBits()).contains(2048);
    assertThat(testing.findings()).extracting(Finding::code).containsExactly("dkim.testing");
    assertThat(verifier().key("short", "signer.example").findings())
        .extracting(Finding::code)
        .containsExactly("dkim.key-too-short");
    assertThat(verifier().key("strict", "signer.example").strict()).isTrue();
    assertThat(ed.toBuilder().build()).isEqualTo(ed);
  }

  @Test
  void key_badArguments_throw() {
    assertThatThrownBy(() -> verifier().key("bad selector", "example.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("selector");
    assertThatThrownBy(() -> verifier().key("s", "exa mple.com"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DkimVerifier.builder().minimumRsaKeyBits(100))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DkimVerifier.builder().timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void report_builderRoundTrip() {
    DkimReport r = verify(crlf(RFC8463));
    assertThat(r.toBuilder().build()).isEqualTo(r);
    assertThat(r.toString()).contains("d=football.example.com s=brisbane ed25519-sha256");
    DkimSignatureResult legacy =
        new DkimSignatureResult(
            DkimResult.PASS, "a.example", "s", "rsa-sha256", java.util.Optional.empty());
    assertThat(legacy.findings()).isEmpty();
  }

  /** Endless body text, counting what was read. */
  static InputStream endless(java.util.concurrent.atomic.AtomicLong read) {
    return new InputStream() {
      @Override
      public int read() {
        read.incrementAndGet();
        return 'a';
      }

      @Override
      public int read(byte[] b, int off, int len) {
        java.util.Arrays.fill(b, off, off + len, (byte) 'a');
        read.addAndGet(len);
        return len;
      }
    };
  }

  static InputStream signedHeaderThenEndlessBody(java.util.concurrent.atomic.AtomicLong read) {
    String m = crlf(RFC8463);
    byte[] header = m.substring(0, m.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.ISO_8859_1);
    return new java.io.SequenceInputStream(new ByteArrayInputStream(header), endless(read));
  }

  @Test
  void verifyAsync_cancelled_stopsReadingTheStream() throws Exception {
    java.util.concurrent.atomic.AtomicLong read = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.CompletableFuture<DkimReport> f =
        verifier().verifyAsync(signedHeaderThenEndlessBody(read));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (read.get() < 4 << 20 && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertThat(f.cancel(true)).isTrue();
    Thread.sleep(100);
    long after = read.get();
    Thread.sleep(300);
    assertThat(read.get() - after).as("bytes read after cancellation settled").isZero();
    assertThat(f).isCancelled();
  }

  @Test
  void verify_interrupted_throwsCancellationAndKeepsTheFlag() {
    java.util.concurrent.atomic.AtomicLong read = new java.util.concurrent.atomic.AtomicLong();
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> verifier().verify(signedHeaderThenEndlessBody(read)))
          .isInstanceOf(java.util.concurrent.CancellationException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
