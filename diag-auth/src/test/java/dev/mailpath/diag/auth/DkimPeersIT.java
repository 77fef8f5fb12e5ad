package dev.mailpath.diag.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.testkit.peer.NsdServer;
import dev.mailpath.diag.testkit.peer.Peers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DkimVerifier against real DKIM implementations: keys made by {@code opendkim-genkey} (RSA 2048)
 * and dkimpy's {@code dknewkey} (Ed25519), published in a real NSD on loopback; messages signed by
 * dkimpy (both algorithms, all four canonicalization pairs) and by OpenDKIM's {@code
 * opendkim-testmsg}; every signed message and tampered copy verified by mailpath and by dkimpy
 * (whose DNS lookups go to the same NSD), and the verdicts compared one by one.
 */
class DkimPeersIT {
  static final String PY = "/usr/bin/python3";
  static final String DOMAIN = "peers.example";

  @TempDir static Path dir;
  static NsdServer nsd;
  static Path script;
  static Path rsaKey;
  static Path edKey;

  @BeforeAll
  static void start() throws Exception {
    NsdServer.requireInstalled();
    Peers.requireExecutable(
        "OpenDKIM tools", "apt-get install opendkim-tools", "opendkim-genkey", "/usr/sbin");
    Peers.requireExecutable(
        "OpenDKIM tools", "apt-get install opendkim-tools", "opendkim-testmsg", "/usr/sbin");
    Peers.requirePeer(
        "dkimpy and dnspython for /usr/bin/python3",
        "apt-get install python3-dkim python3-dnspython python3-nacl",
        Files.isExecutable(Path.of(PY))
            && run(List.of(PY, "-c", "import dkim, dns.resolver, nacl"), null).exit == 0);
    script = dir.resolve("dkim_peer.py");
    try (InputStream in = DkimPeersIT.class.getResourceAsStream("dkim_peer.py")) {
      Files.write(script, in.readAllBytes());
    }
    Path keys = Files.createDirectories(dir.resolve("keys"));
    check(
        run(
            List.of(
                tool("opendkim-genkey"),
                "--bits=2048",
                "--selector=odk",
                "--domain=" + DOMAIN,
                "--directory=" + keys),
            null));
    check(
        run(
            List.of(
                PY, "-m", "dkim.dknewkey", "--ktype", "ed25519", keys.resolve("edk").toString()),
            keys));
    rsaKey = keys.resolve("odk.private");
    edKey = keys.resolve("edk.key");
    String odkTxt = Files.readString(keys.resolve("odk.txt"));
    String p = odkTxt.replaceAll("(?s).*p=([^\"]*)\"\\s*\"([^\"]*)\".*", "$1$2");
    String zone =
        "$ORIGIN "
            + DOMAIN
            + ".\n$TTL 300\n@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n"
            + "ns A 127.0.0.1\n"
            + odkTxt
            + "\n" // as opendkim-genkey wrote it: h=sha256
            + DkimTestSigner.txt("odk2._domainkey", "v=DKIM1; k=rsa; p=" + p)
            + DkimTestSigner.txt(
                "edk._domainkey", Files.readString(keys.resolve("edk.dns")).strip());
    nsd = NsdServer.builder().zone(DOMAIN, zone).start();
  }

  @AfterAll
  static void stop() {
    if (nsd != null) {
      nsd.close();
    }
  }

  static String tool(String name) {
    return Peers.findExecutable(name, "/usr/sbin").orElseThrow().toString();
  }

  record Run(int exit, String out, String err) {}

  static Run run(List<String> cmd, Path stdin) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    if (stdin != null && Files.isRegularFile(stdin)) {
      pb.redirectInput(stdin.toFile());
    } else if (stdin != null) {
      pb.directory(stdin.toFile());
    }
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process proc = pb.start();
    if (!proc.waitFor(120, TimeUnit.SECONDS)) {
      proc.destroyForcibly();
      throw new AssertionError("timed out: " + cmd);
    }
    return new Run(
        proc.exitValue(),
        Files.readString(out, StandardCharsets.ISO_8859_1),
        Files.readString(err));
  }

  static Run check(Run r) {
    assertThat(r.exit).as(r.err).isZero();
    return r;
  }

  static DkimVerifier verifier() {
    return DkimVerifier.builder()
        .dns(d -> d.server(nsd.address()).timeout(Duration.ofSeconds(2)).retries(1))
        .build();
  }

  static String crlf(String s) {
    return s.replace("\n", "\r\n");
  }

  /** Messages that exercise canonicalization: whitespace, folding, empty lines, 8-bit text. */
  static Map<String, String> corpus() {
    Map<String, String> m = new LinkedHashMap<>();
    String head =
        "From: Alice <alice@peers.example>\nTo: Bob <bob@example.net>\n"
            + "Date: Mon, 7 Dec 2026 20:00:00 +0000\nMessage-ID: <%s@peers.example>\n";
    m.put("plain", crlf(head.formatted("plain") + "Subject: plain\n\nHello Bob,\nsee you.\n"));
    m.put(
        "spaces",
        crlf(
            head.formatted("spaces")
                + "Subject:   lots\t of   space  \n  folded onto two lines\n\n"
                + "  leading and trailing  \t\nin  the\t\tmiddle\n\n \t\n\n\n"));
    m.put("empty", crlf(head.formatted("empty") + "Subject: empty body\n\n"));
    m.put(
        "received",
        crlf(
            "Received: from a by b; Mon, 7 Dec 2026 19:59:00 +0000\n"
                + "Received: from c by d; Mon, 7 Dec 2026 19:58:00 +0000\n"
                + head.formatted("received")
                + "Subject: =?utf-8?q?gr=C3=BC=C3=9Fe?=\n"
                + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
                + "Grüße aus Köln\n"
                + "x".repeat(990)
                + "\n"));
    m.put("noeol", crlf(head.formatted("noeol") + "Subject: no final line end\n\nlast line"));
    return m;
  }

  /**
   * The copies of a signed message that must fail, and one that relaxed body canonicalization
   * forgives.
   */
  static Map<String, String> tampered(String signed) {
    Map<String, String> t = new LinkedHashMap<>();
    t.put(
        "footer",
        signed + (signed.endsWith("\r\n") ? "" : "\r\n") + "--\r\nmailing list footer\r\n");
    t.put("subject", signed.replaceFirst("\r\nSubject:([^\r]*)", "\r\nSubject:$1 [EXTERNAL]"));
    t.put(
        "from",
        signed.replace("From: Alice <alice@peers.example>", "From: Alice <alice@evil.example>"));
    int sep = signed.indexOf("\r\n\r\n");
    if (signed.indexOf(' ', sep) > 0) {
      t.put(
          "inner-space",
          signed.substring(0, sep + 4) + signed.substring(sep + 4).replaceFirst(" ", "  "));
    }
    return t;
  }

  static Map<Path, Boolean> dkimpyVerify(List<Path> files) throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of(PY, script.toString(), "verify", String.valueOf(nsd.port())));
    files.forEach(f -> cmd.add(f.toString()));
    Run r = check(run(cmd, null));
    Map<Path, Boolean> out = new LinkedHashMap<>();
    for (String line : r.out.split("\n")) {
      if (!line.isBlank()) {
        String[] parts = line.split("\t");
        out.put(Path.of(parts[0]), Boolean.parseBoolean(parts[1].strip()));
      }
    }
    return out;
  }

  @Test
  void dkimpySigned_allAlgorithmsAndCanonicalizations_verdictsAgreeOnEveryCopy() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    Path signedDir = Files.createDirectories(dir.resolve("signed"));
    List<String> cmd =
        new ArrayList<>(
            List.of(
                PY,
                script.toString(),
                "sign",
                rsaKey.toString(),
                edKey.toString(),
                DOMAIN,
                "odk",
                "edk",
                signedDir.toString()));
    for (Map.Entry<String, String> e : corpus().entrySet()) {
      Path f = in.resolve(e.getKey() + ".eml");
      Files.writeString(f, e.getValue(), StandardCharsets.UTF_8);
      cmd.add(f.toString());
    }
    List<Path> signed = check(run(cmd, null)).out.lines().map(Path::of).toList();
    assertThat(signed).hasSize(corpus().size() * 8);

    List<Path> all = new ArrayList<>(signed);
    Path tamperedDir = Files.createDirectories(dir.resolve("tampered"));
    for (Path s : signed) {
      String text = Files.readString(s, StandardCharsets.ISO_8859_1);
      for (Map.Entry<String, String> t : tampered(text).entrySet()) {
        Path f = tamperedDir.resolve(s.getFileName() + "." + t.getKey() + ".eml");
        Files.writeString(f, t.getValue(), StandardCharsets.ISO_8859_1);
        all.add(f);
      }
    }
    Map<Path, Boolean> theirs = dkimpyVerify(all);
    assertThat(theirs).hasSize(all.size());

    DkimVerifier v = verifier();
    int agree = 0;
    int passes = 0;
    List<String> disagreements = new ArrayList<>();
    for (Path f : all) {
      DkimReport r = v.verify(Files.readAllBytes(f));
      boolean ours = r.result() == DkimResult.PASS;
      String name = f.getFileName().toString();
      if (ours == theirs.get(f)) {
        agree++;
      } else {
        disagreements.add(name + " mailpath=" + r.result() + " dkimpy=" + theirs.get(f));
      }
      passes += ours ? 1 : 0;
      if (!name.contains(".eml.")) { // an untouched signed message
        assertThat(r.result()).as(name + "\n" + r).isEqualTo(DkimResult.PASS);
      } else if (name.endsWith(".footer.eml")) {
        assertThat(r.signatures().get(0).has(DkimFinding.BODY_HASH)).as(name).isTrue();
      } else if (name.endsWith(".subject.eml") || name.endsWith(".from.eml")) {
        assertThat(r.signatures().get(0).has(DkimFinding.SIGNATURE)).as(name + "\n" + r).isTrue();
      } else if (name.endsWith(".inner-space.eml")) {
        boolean relaxedBody = name.contains("-relaxed.eml.");
        assertThat(r.result() == DkimResult.PASS).as(name).isEqualTo(relaxedBody);
      }
    }
    System.out.printf(
        "DkimPeersIT: %d messages (%d signed by dkimpy, %d tampered), mailpath and dkimpy agree on"
            + " %d, %d pass%n",
        all.size(), signed.size(), all.size() - signed.size(), agree, passes);
    assertThat(disagreements).isEmpty();
  }

  @Test
  void opendkimSigned_rsaSha1_policyByDefault_passWhenAllowed_andKeyHashRestrictionHonoured()
      throws Exception {
    Path out = Files.createDirectories(dir.resolve("opendkim"));
    List<Path> files = new ArrayList<>();
    for (Map.Entry<String, String> e : corpus().entrySet()) {
      if (e.getKey().equals("empty")) {
        continue;
      }
      Path msg = out.resolve(e.getKey() + ".eml");
      // opendkim-testmsg wants Unix line ends on input; -C ends the signature's lines with CRLF
      Files.writeString(msg, e.getValue().replace("\r\n", "\n"), StandardCharsets.UTF_8);
      for (String sel : List.of("odk", "odk2")) {
        Run r =
            check(
                run(
                    List.of(
                        tool("opendkim-testmsg"),
                        "-C",
                        "-d",
                        DOMAIN,
                        "-s",
                        sel,
                        "-k",
                        rsaKey.toString()),
                    msg));
        Path signed = out.resolve(e.getKey() + "." + sel + ".signed.eml");
        Files.writeString(signed, r.out, StandardCharsets.ISO_8859_1);
        files.add(signed);
        Path tamperedFile = out.resolve(e.getKey() + "." + sel + ".footer.eml");
        Files.writeString(tamperedFile, r.out + "added footer\n", StandardCharsets.ISO_8859_1);
        files.add(tamperedFile);
      }
    }
    Map<Path, Boolean> theirs = dkimpyVerify(files);
    DkimVerifier strict = verifier();
    DkimVerifier lenient = verifier().toBuilder().allowRsaSha1(true).build();
    List<String> lines = new ArrayList<>();
    for (Path f : files) {
      String name = f.getFileName().toString();
      DkimReport def = strict.verify(Files.readAllBytes(f));
      DkimReport sha1ok = lenient.verify(Files.readAllBytes(f));
      DkimSignatureResult s = def.signatures().get(0);
      lines.add(
          name
              + " dkimpy="
              + theirs.get(f)
              + " mailpath="
              + s.result()
              + "/"
              + sha1ok.result()
              + " "
              + s.findings().stream().map(Finding::code).toList());
      assertThat(s.algorithm()).isEqualTo("rsa-sha1");
      if (name.contains(".odk.")) {
        // opendkim-genkey published h=sha256: a sha1 signature may not use this key
        assertThat(s.result()).as(name).isEqualTo(DkimResult.PERMERROR);
        assertThat(s.has(DkimFinding.KEY_HASH_NOT_ALLOWED)).isTrue();
      } else if (name.contains(".footer.")) {
        assertThat(sha1ok.result()).as(name).isEqualTo(DkimResult.FAIL);
        assertThat(sha1ok.signatures().get(0).has(DkimFinding.BODY_HASH)).isTrue();
        assertThat(theirs.get(f)).as(name).isFalse();
      } else {
        assertThat(s.result()).as(name).isEqualTo(DkimResult.POLICY);
        assertThat(s.has(DkimFinding.SHA1)).isTrue();
        assertThat(sha1ok.result()).as(name).isEqualTo(DkimResult.PASS);
        assertThat(theirs.get(f)).as(name).isTrue();
      }
    }
    System.out.println("DkimPeersIT opendkim-testmsg:\n  " + String.join("\n  ", lines));
  }

  @Test
  void keyRecordsFromTheGenerators_checkedOnTheirOwn() {
    DkimKeyReport odk = verifier().key("odk", DOMAIN);
    assertThat(odk.usable()).isTrue();
    assertThat(odk.keyBits()).contains(2048);
    assertThat(odk.findings()).isEmpty();
    DkimKeyReport edk = verifier().key("edk", DOMAIN);
    assertThat(edk.keyType()).contains("ed25519");
    assertThat(edk.usable()).isTrue();
  }
}
