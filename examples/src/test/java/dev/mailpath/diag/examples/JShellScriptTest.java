package dev.mailpath.diag.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the JShell scripts non-interactively with the JDK's own jshell and checks their output. */
class JShellScriptTest {

  static String runScript(String script) throws IOException, InterruptedException {
    Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
    assertThat(jshell).as("the JDK running the tests has jshell").exists();
    Path out = Files.createTempFile("jshell", ".out");
    Process p =
        new ProcessBuilder(
                List.of(
                    jshell.toString(),
                    "--class-path",
                    System.getProperty("java.class.path"),
                    "-R-Djdk.net.hosts.file=" + System.getProperty("jdk.net.hosts.file", ""),
                    "-R-Ddns.server=" + System.getProperty("dns.server", "127.0.0.1:9"),
                    Path.of("jshell", script).toString()))
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    boolean done = p.waitFor(120, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    String text = Files.readString(out, StandardCharsets.UTF_8);
    Files.deleteIfExists(out);
    assertThat(done).as("jshell finished; output so far:%n%s", text).isTrue();
    assertThat(p.exitValue()).as("jshell exit code; output:%n%s", text).isZero();
    return text;
  }

  @Test
  void mxScript_printsReportAndFindings() throws Exception {
    String out = runScript("mx.jsh");

    assertThat(out)
        .contains("example.com\tMX preference = 10, mail exchanger = mail1.example.com")
        .contains("first exchange: 10 mail1.example.com [127.0.3.1]")
        .contains("[dns.mx.null ERROR]")
        .doesNotContain("Exception");
  }
}
