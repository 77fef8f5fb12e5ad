package dev.mailpath.diag.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.testkit.peer.Peers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test kit's DKIM signer checked by a real verifier: dkimpy (Debian's {@code python3-dkim})
 * verifies what {@link DkimTestSigner} signed, with the key record handed to it directly (no DNS),
 * for both algorithms and all four canonicalizations; a tampered copy must fail.
 */
class DkimTestSignerIT {
  static final Path PYTHON = Path.of("/usr/bin/python3");

  static final String MESSAGE =
      "From: Alice <alice@example.org>\r\n"
          + "To: bob@example.net\r\n"
          + "Subject:   spaced    subject  \r\n"
          + "Date: Mon, 07 Dec 2026 20:00:00 +0000\r\n"
          + "Message-ID: <1@example.org>\r\n"
          + "\r\n"
          + "Hello  Bob,\t \r\n"
          + "\r\n"
          + "a line with trailing space \r\n"
          + "\r\n"
          + "\r\n";

  /** Prints "True" or "False" per message file: dkim.verify with the key record from argv[1]. */
  static final String VERIFY =
      """
      import sys, dkim
      record = open(sys.argv[1], 'rb').read().strip()
      for f in sys.argv[2:]:
          print(dkim.verify(open(f, 'rb').read(), dnsfunc=lambda name, timeout=5: record))
      """;

  @Test
  void dkimpyVerifiesWhatItSigned_andRejectsTamperedCopies(@TempDir Path dir) throws Exception {
    boolean present =
        Files.isExecutable(PYTHON) && run(dir, List.of("-c", "import dkim, nacl")).exitOk;
    Peers.requirePeer("dkimpy", "apt-get install python3-dkim python3-nacl", present);
    Files.writeString(dir.resolve("verify.py"), VERIFY);
    for (DkimTestSigner base :
        List.of(
            DkimTestSigner.rsa("example.org", "s1"), DkimTestSigner.ed25519("example.org", "e1"))) {
      Files.writeString(dir.resolve("key.txt"), base.keyRecord());
      List<String> args = new ArrayList<>(List.of(dir.resolve("verify.py").toString(), "key.txt"));
      int n = 0;
      for (String canon :
          List.of("relaxed/relaxed", "simple/simple", "relaxed/simple", "simple/relaxed")) {
        byte[] signed = base.canonicalization(canon).sign(MESSAGE.getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("ok" + n + ".eml"), signed);
        String tampered =
            new String(signed, StandardCharsets.UTF_8).replace("Hello  Bob", "Hello  Eve");
        Files.writeString(dir.resolve("bad" + n + ".eml"), tampered);
        args.add("ok" + n + ".eml");
        args.add("bad" + n + ".eml");
        n++;
      }
      Result r = run(dir, args);
      assertThat(r.exitOk).as(r.output).isTrue();
      assertThat(r.output.strip().split("\\s+"))
          .as(base + ": ok, tampered for each canonicalization")
          .containsExactly("True", "False", "True", "False", "True", "False", "True", "False");
    }
  }

  record Result(boolean exitOk, String output) {}

  static Result run(Path dir, List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(PYTHON.toString()));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean done = p.waitFor(60, TimeUnit.SECONDS);
    return new Result(done && p.exitValue() == 0, out);
  }
}
