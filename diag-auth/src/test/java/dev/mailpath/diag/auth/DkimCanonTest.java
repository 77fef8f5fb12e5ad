package dev.mailpath.diag.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.auth.internal.DkimCanon;
import dev.mailpath.diag.auth.internal.DkimEngine;
import dev.mailpath.diag.auth.internal.DkimHeaderBlock;
import dev.mailpath.diag.auth.internal.DkimSignature;
import dev.mailpath.diag.auth.internal.DkimTagList;
import dev.mailpath.diag.testkit.LinearTime;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

/** Canonicalization (RFC 6376 §3.4), the tag-list and header parsers, and their linear time. */
class DkimCanonTest {

  @Test
  void rfc6376_3_4_6_example_headers() {
    assertThat(DkimCanon.header("A: X\r\n", true)).isEqualTo("a:X\r\n");
    assertThat(DkimCanon.header("B : Y\t\r\n\tZ  \r\n", true)).isEqualTo("b:Y Z\r\n");
    assertThat(DkimCanon.header("B : Y\t\r\n\tZ  \r\n", false)).isEqualTo("B : Y\t\r\n\tZ  \r\n");
  }

  @Test
  void rfc6376_3_4_6_example_body() {
    String body = " C \r\nD \t E\r\n\r\n\r\n";
    assertThat(DkimCanon.body(body, true)).isEqualTo(" C\r\nD E\r\n");
    assertThat(DkimCanon.body(body, false)).isEqualTo(" C \r\nD \t E\r\n");
  }

  @Test
  void emptyBody_simpleIsOneCrlf_relaxedIsEmpty() {
    assertThat(DkimCanon.body("", false)).isEqualTo("\r\n");
    assertThat(DkimCanon.body("", true)).isEmpty();
    assertThat(DkimCanon.body("\r\n\r\n", false)).isEqualTo("\r\n");
    assertThat(DkimCanon.body("\r\n \t\r\n", true)).isEmpty();
  }

  @Test
  void missingFinalCrlf_added_bareLfIsCrlf_loneCrIsContent() {
    assertThat(DkimCanon.body("abc", false)).isEqualTo("abc\r\n");
    assertThat(DkimCanon.body("abc  ", true)).isEqualTo("abc\r\n");
    assertThat(DkimCanon.body("a\nb\n\n\n", false)).isEqualTo("a\r\nb\r\n");
    assertThat(DkimCanon.body("a\n\nb\n", true)).isEqualTo("a\r\n\r\nb\r\n");
    assertThat(DkimCanon.body("a\rb\r\n", false)).isEqualTo("a\rb\r\n");
    assertThat(DkimCanon.body("a\r", false)).isEqualTo("a\r\r\n");
  }

  @Test
  void bodyHash_sameWhateverTheChunking() throws Exception {
    byte[] body =
        " line one  \r\n\tline\t two\r\n\n\r\nlast \r\n\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1);
    for (boolean relaxed : new boolean[] {false, true}) {
      byte[] whole = hash(body, relaxed, body.length);
      for (int chunk = 1; chunk < 8; chunk++) {
        assertThat(hash(body, relaxed, chunk)).as("chunk " + chunk).isEqualTo(whole);
      }
    }
  }

  static byte[] hash(byte[] body, boolean relaxed, int chunk) throws Exception {
    DkimCanon.Body b = new DkimCanon.Body(relaxed, MessageDigest.getInstance("SHA-256"), -1);
    for (int off = 0; off < body.length; off += chunk) {
      b.update(body, off, Math.min(chunk, body.length - off));
    }
    return b.finish();
  }

  @Test
  void tagList_parsesFoldedValues_rejectsDuplicatesAndBadNames() {
    DkimTagList t = DkimTagList.parse(" v = 1 ;\r\n\ta=rsa-sha256; h=from :\r\n to; b=ab\r\n cd;");
    assertThat(t.error()).isEmpty();
    assertThat(t.tags()).containsEntry("v", "1").containsEntry("a", "rsa-sha256");
    assertThat(DkimTagList.stripWs(t.get("b").orElseThrow())).isEqualTo("abcd");
    assertThat(DkimTagList.parse("a=1; a=2").error()).get().asString().contains("twice");
    assertThat(DkimTagList.parse("1a=1").error()).isPresent();
    assertThat(DkimTagList.parse("novalue").error()).isPresent();
    assertThat(DkimTagList.parse("").tags()).isEmpty();
  }

  @Test
  void withoutB_emptiesOnlyTheBValue_keepingOtherBytes() {
    String raw = "DKIM-Signature: v=1; bh=xyz;\r\n b=ab\r\n cd; s=sel\r\n";
    assertThat(DkimSignature.withoutB(raw)).isEqualTo("DKIM-Signature: v=1; bh=xyz;\r\n b=; s=sel");
    assertThat(DkimSignature.withoutB("DKIM-Signature: a=1; b = ab c\r\n"))
        .isEqualTo("DKIM-Signature: a=1; b =");
  }

  @Test
  void headerSelection_bottomUp_overSignedAbsentFieldsAddNothing() {
    String msg =
        "DKIM-Signature: v=1; a=rsa-sha256; d=x.example; s=s; h=subject:subject:subject:from:x-absent; bh=AA==; b=AA==\r\n"
            + "Subject: one\r\nFrom: f@x.example\r\nSubject: two\r\n\r\n";
    byte[] raw = msg.getBytes(StandardCharsets.ISO_8859_1);
    DkimHeaderBlock hb =
        DkimHeaderBlock.parse(raw, DkimHeaderBlock.findEnd(raw, 0, raw.length), true);
    DkimSignature sig = DkimSignature.parse(hb.fields().get(0), 0);
    assertThat(sig.problem).isEmpty();
    String data = new String(DkimEngine.signedData(hb, sig), StandardCharsets.ISO_8859_1);
    assertThat(data)
        .isEqualTo(
            "Subject: two\r\nSubject: one\r\nFrom: f@x.example\r\n"
                + "DKIM-Signature: v=1; a=rsa-sha256; d=x.example; s=s; h=subject:subject:subject:from:x-absent; bh=AA==; b=");
  }

  @Test
  void tagListParser_isLinear() {
    LinearTime.assertLinear(
        "DkimTagList.parse over many tags",
        n -> {
          StringBuilder sb = new StringBuilder();
          for (int i = 0; sb.length() < n; i++) {
            sb.append("t").append(i).append(" = v").append(i).append(" ;\r\n ");
          }
          String s = sb.toString();
          return () -> DkimTagList.parse(s);
        },
        64 * 1024);
    LinearTime.assertLinear(
        "DkimTagList.parse over one long value with whitespace",
        n -> {
          String s = "b=" + "ab \r\n ".repeat(n / 6);
          return () -> DkimTagList.stripWs(DkimTagList.parse(s).get("b").orElseThrow());
        },
        64 * 1024);
  }

  @Test
  void headerParser_andSignedData_areLinear() {
    LinearTime.assertLinear(
        "DkimHeaderBlock.parse and signedData over many fields",
        n -> {
          StringBuilder h =
              new StringBuilder("DKIM-Signature: v=1; a=rsa-sha256; d=x.example; s=s; h=from");
          StringBuilder fields = new StringBuilder();
          for (int i = 0; fields.length() < n; i++) {
            h.append(":x-h").append(i % 50);
            fields
                .append("X-H")
                .append(i % 50)
                .append(": value ")
                .append(i)
                .append("\r\n  folded\r\n");
          }
          byte[] raw =
              (h + "; bh=AA==; b=AA==\r\n" + fields + "From: a@x.example\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1);
          return () -> {
            int end = DkimHeaderBlock.findEnd(raw, 0, raw.length);
            DkimHeaderBlock hb = DkimHeaderBlock.parse(raw, end, true);
            DkimEngine.signedData(hb, DkimSignature.parse(hb.fields().get(0), 0));
          };
        },
        64 * 1024);
  }

  /** RFC 6376 §3.4.3 and §3.4.4 written the obvious way, on whole strings, as a reference. */
  static String reference(String body, boolean relaxed) {
    String crlf = body.replaceAll("(?<!\r)\n", "\r\n");
    java.util.List<String> lines =
        new java.util.ArrayList<>(java.util.Arrays.asList(crlf.split("\r\n", -1)));
    if (lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1); // the text after the last CRLF
    }
    if (relaxed) {
      lines.replaceAll(l -> l.replaceAll("[ \t]+", " ").replaceAll(" \\z", ""));
    }
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    if (lines.isEmpty()) {
      return relaxed ? "" : "\r\n";
    }
    return String.join("\r\n", lines) + "\r\n";
  }

  @Test
  void randomBodies_matchTheReference_whateverTheChunkingAndLength() throws Exception {
    java.util.Random rnd = new java.util.Random(6376);
    String alphabet = "ab \t\r\n\n\nxyz  ";
    for (int round = 0; round < 340; round++) {
      StringBuilder sb = new StringBuilder();
      int n = rnd.nextInt(round < 300 ? 60 : 30_000);
      for (int i = 0; i < n; i++) {
        // long runs of ordinary characters now and then, past the 8 KiB output buffer
        if (rnd.nextInt(200) == 0) {
          sb.append("q".repeat(rnd.nextInt(20_000)));
        }
        sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      String body = sb.toString();
      byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
      for (boolean relaxed : new boolean[] {false, true}) {
        String ref = reference(body, relaxed);
        assertThat(DkimCanon.body(body, relaxed))
            .as(
                "round %d relaxed %s body %s",
                round,
                relaxed,
                body.replace("\r", "<CR>").replace("\n", "<LF>").replace("\t", "<TAB>"))
            .isEqualTo(ref);
        int chunk = 1 + rnd.nextInt(Math.max(1, bytes.length));
        long limit = ref.isEmpty() ? 0 : rnd.nextInt(ref.length() + 1);
        DkimCanon.Body b = new DkimCanon.Body(relaxed, MessageDigest.getInstance("SHA-256"), limit);
        for (int off = 0; off < bytes.length; off += chunk) {
          b.update(bytes, off, Math.min(chunk, bytes.length - off));
        }
        byte[] expected =
            MessageDigest.getInstance("SHA-256")
                .digest(ref.substring(0, (int) limit).getBytes(StandardCharsets.ISO_8859_1));
        assertThat(b.finish())
            .as("round %d relaxed %s chunk %d l=%d", round, relaxed, chunk, limit)
            .isEqualTo(expected);
        assertThat(b.canonicalLength()).isEqualTo(ref.length());
      }
    }
  }
}
