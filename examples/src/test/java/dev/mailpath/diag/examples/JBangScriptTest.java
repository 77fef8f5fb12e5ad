package dev.mailpath.diag.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JBang script ({@code examples/jbang/MxCheck.java}) compiles against the current API, runs
 * against the embedded DNS server, and its {@code //DEPS} name this build's artifacts and version.
 */
class JBangScriptTest {
  static final Path SCRIPT = Path.of("jbang", "MxCheck.java");

  @Test
  void deps_nameThisBuildsModulesAndVersions() throws Exception {
    String script = Files.readString(SCRIPT, StandardCharsets.UTF_8);
    String parent = Files.readString(Path.of("..", "pom.xml"), StandardCharsets.UTF_8);
    Matcher v =
        Pattern.compile("<artifactId>mailpath-parent</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(parent);
    assertThat(v.find()).isTrue();
    Matcher slf4j = Pattern.compile("<slf4j.version>([^<]+)</slf4j.version>").matcher(parent);
    assertThat(slf4j.find()).isTrue();

    Matcher deps = Pattern.compile("(?m)^//DEPS ([^:]+):([^:]+):(\\S+)$").matcher(script);
    int n = 0;
    while (deps.find()) {
      n++;
      if (deps.group(1).equals("dev.mailpath")) {
        assertThat(Path.of("..", deps.group(2), "pom.xml")).as(deps.group()).exists();
        assertThat(deps.group(3)).as(deps.group()).isEqualTo(v.group(1));
      } else {
        assertThat(deps.group(3)).as(deps.group()).isEqualTo(slf4j.group(1));
      }
    }
    assertThat(n).isEqualTo(3);
    assertThat(script).startsWith("///usr/bin/env jbang \"$0\" \"$@\" ; exit $?\n");
  }

  @Test
  void script_compilesAndLooksUpTheLabDomain(@TempDir Path out) throws Exception {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    String cp = System.getProperty("java.class.path");
    int compiled =
        javac.run(
            null, null, null, "-d", out.toString(), "-cp", cp, "-Xlint:all", SCRIPT.toString());
    assertThat(compiled).as("javac exit code").isZero();

    try (LocalDnsZoneServer dns =
        LocalDnsZoneServer.builder().zone(DemoZones.exampleCom()).start()) {
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      Path log = out.resolve("run.out");
      Process p =
          new ProcessBuilder(
                  List.of(
                      java.toString(),
                      "-cp",
                      out + File.pathSeparator + cp,
                      "MxCheck",
                      "example.com",
                      "--dns",
                      "127.0.0.1:" + dns.port()))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String text = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(text)
          .contains("example.com\tMX preference = 10, mail exchanger = mail1.example.com");
      assertThat(p.exitValue()).as(text).isZero();
    }
  }
}
