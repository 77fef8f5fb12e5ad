package dev.mailpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailpath.diag.examples.DemoLab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every subcommand of the packaged jar ({@code java -jar target/mailpath.jar}) as a separate
 * process against the embedded lab: exit codes, and that json and jsonl output parses.
 */
class MailpathJarIT {
  static DemoLab lab;
  static GreenMail imap;
  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    lab = DemoLab.start();
    imap = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
    imap.setUser("alice@example.com", "alice", "alice-password");
    imap.start();
  }

  @AfterAll
  static void stop() {
    if (imap != null) {
      imap.stop();
    }
    if (lab != null) {
      lab.close();
    }
  }

  record Run(int code, String out, String err) {}

  static Run mailpath(String... args) throws Exception {
    return mailpathWith(Map.of(), args);
  }

  static Run mailpathWith(Map<String, String> env, String... args) throws Exception {
    Path jar = Path.of("target", "mailpath.jar");
    assertThat(jar).exists();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("mailpath did not end: " + cmd);
    }
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** Parses one JSON document completely and returns its first token. */
  static JsonToken parse(String json) throws IOException {
    try (JsonParser p = new JsonFactory().createParser(json)) {
      JsonToken first = p.nextToken();
      assertThat(first).isIn(JsonToken.START_OBJECT, JsonToken.START_ARRAY);
      p.skipChildren();
      assertThat(p.nextToken()).as("nothing after the document").isNull();
      return first;
    }
  }

  static void parseLines(String jsonl, int expected) throws IOException {
    List<String> lines = jsonl.lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).hasSize(expected);
    for (String l : lines) {
      assertThat(parse(l)).isEqualTo(JsonToken.START_OBJECT);
    }
  }

  String dns() {
    return "127.0.7.2:" + lab.dnsPort();
  }

  String smtpPort() {
    return String.valueOf(lab.smtpPort());
  }

  @Test
  void noArguments_usageAndExit64() throws Exception {
    Run r = mailpath();
    assertThat(r.code()).isEqualTo(64);
    assertThat(r.err()).contains("Usage: mailpath");
  }

  @Test
  void version() throws Exception {
    Run r = mailpath("--version");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("mailpath ");
  }

  @Test
  void mx_json_jsonl_input() throws Exception {
    Run one = mailpath("mx", "example.com", "--dns", dns(), "--format", "json");
    assertThat(one.code()).isZero();
    assertThat(parse(one.out())).isEqualTo(JsonToken.START_OBJECT);
    assertThat(one.err()).contains("DNS servers: " + dns() + " (--dns)");

    Run two = mailpath("mx", "example.com", "nomail.example.com", "--dns", dns(), "--json");
    assertThat(two.code()).isEqualTo(2);
    assertThat(parse(two.out())).isEqualTo(JsonToken.START_ARRAY);

    Path list = dir.resolve("domains.txt");
    Files.writeString(list, "# lab domains\nexample.com\n\nweb.example.com\nbroken.example.com\n");
    Run bulk = mailpath("mx", "--input", list.toString(), "--dns", dns(), "--format", "jsonl");
    parseLines(bulk.out(), 3);
    assertThat(bulk.code()).isGreaterThan(0);

    Run brief = mailpath("mx", "nomail.example.com", "--dns", dns(), "--brief");
    assertThat(brief.out().lines().findFirst().orElseThrow()).startsWith("nomail.example.com: ");
  }

  @Test
  void smtp_ipLiteral_noDns_json() throws Exception {
    Run r =
        mailpath(
            "smtp",
            "127.0.3.2:" + smtpPort(),
            "--ehlo",
            "probe.example.net",
            "--from",
            "me@example.net",
            "--to",
            "alice@example.com",
            "--quit-after",
            "RCPT",
            "--format",
            "json");
    assertThat(r.code()).isBetween(0, 1);
    assertThat(parse(r.out())).isEqualTo(JsonToken.START_OBJECT);
    assertThat(r.err()).contains("DNS servers: none");
  }

  @Test
  void smtp_badHostPort_isUsageErrorWithoutStackTrace() throws Exception {
    Run r = mailpath("smtp", "[::1");
    assertThat(r.code()).isEqualTo(64);
    assertThat(r.err())
        .startsWith("mailpath: ")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  @Test
  void path_jsonl() throws Exception {
    Run r =
        mailpath(
            "path",
            "alice@example.com",
            "example.com",
            "--dns",
            dns(),
            "--port",
            smtpPort(),
            "--from",
            "me@example.net",
            "--format",
            "jsonl");
    parseLines(r.out(), 2);
    assertThat(r.code()).isNotEqualTo(64).isNotEqualTo(70);
  }

  @Test
  void relay_openAndClosed_andStartTlsWithCaFile() throws Exception {
    Run open =
        mailpath(
            "relay",
            "127.0.3.3",
            "--port",
            smtpPort(),
            "--local-domain",
            "example.com",
            "--external-domain",
            "relay-test.example.net");
    assertThat(open.code()).isEqualTo(3);
    assertThat(open.out()).contains("OPEN_RELAY");

    Path ca = dir.resolve("submission.pem");
    Files.writeString(ca, lab.submissionCertificatePem());
    Run tls =
        mailpathWith(
            Map.of("RELAY_PASSWORD", DemoLab.RELAY_PASSWORD),
            "relay",
            "127.0.3.4:" + smtpPort(),
            "--tls-mode",
            "starttls",
            "--ca-file",
            ca.toString(),
            "--local-domain",
            "example.com",
            "--external-domain",
            "relay-test.example.net",
            "--user",
            DemoLab.RELAY_USER,
            "--password-env",
            "RELAY_PASSWORD",
            "--format",
            "json");
    assertThat(parse(tls.out())).isEqualTo(JsonToken.START_OBJECT);
    assertThat(tls.out()).doesNotContain("tls.certificate");
    assertThat(tls.code()).isBetween(0, 2);
  }

  @Test
  void roots_and_trace_againstTheLabRoots() throws Exception {
    StringBuilder hints = new StringBuilder();
    for (int i = 0; i < 13; i++) {
      String name = (char) ('a' + i) + ".root-servers.lab.";
      hints.append(".  3600000  NS  ").append(name).append('\n');
      hints.append(name).append("  3600000  A  127.0.1.").append(i + 1).append('\n');
    }
    Path file = dir.resolve("named.root");
    Files.writeString(file, hints);
    String port = String.valueOf(lab.dnsPort());

    Run roots =
        mailpath(
            "roots", "example.com", "MX", "--hints", file.toString(), "--port", port, "--json");
    assertThat(roots.code()).isNotEqualTo(64).isNotEqualTo(70);
    assertThat(parse(roots.out())).isEqualTo(JsonToken.START_OBJECT);

    Run trace =
        mailpath(
            "trace",
            "example.com",
            "MX",
            "--hints",
            file.toString(),
            "--port",
            port,
            "--format",
            "jsonl");
    assertThat(trace.code()).isNotEqualTo(64).isNotEqualTo(70);
    parseLines(trace.out(), 1);
  }

  @Test
  void headers_json_and_html() throws Exception {
    Path eml = dir.resolve("m.eml");
    Files.writeString(
        eml,
        "Received: from mail.example.net (mail.example.net [127.0.0.5])\r\n"
            + "\tby mx.example.com (Postfix) with ESMTPS id 4ABC123\r\n"
            + "\tfor <you@example.com>; Sat, 28 Nov 2026 08:00:05 +0000\r\n"
            + "Subject: hi\r\n\r\nbody\r\n");
    Run json = mailpath("headers", eml.toString(), "--format", "json");
    assertThat(json.code()).isBetween(0, 1);
    assertThat(parse(json.out())).isEqualTo(JsonToken.START_OBJECT);

    Path html = dir.resolve("report.html");
    Run page = mailpath("headers", eml.toString(), "--format", "html", "--output", html.toString());
    assertThat(page.code()).isBetween(0, 1);
    assertThat(Files.readString(html)).contains("<html");

    assertThat(mailpath("headers", eml.toString(), "--dns", dns()).code()).isEqualTo(64);
  }

  @Test
  void spf_dkim_dmarc_auth_exitCodes_andJsonParses() throws Exception {
    Run spf = mailpath("spf", "example.com", "--dns", dns(), "--format", "json");
    assertThat(spf.code()).as(spf.err()).isBetween(0, 4);
    assertThat(parse(spf.out())).isEqualTo(JsonToken.START_OBJECT);
    Run check =
        mailpath("spf", "postmaster@example.com", "--ip", "127.0.0.9", "--dns", dns(), "--json");
    assertThat(check.code()).as(check.err()).isBetween(0, 4);
    assertThat(check.out()).contains("\"@type\" : \"SpfReport\"");

    Run key = mailpath("dkim", "example.com", "--selector", "s1", "--dns", dns(), "--json");
    assertThat(key.code()).as(key.err()).isBetween(0, 4);
    assertThat(parse(key.out())).isEqualTo(JsonToken.START_OBJECT);

    Run dmarc =
        mailpath("dmarc", "example.com", "web.example.com", "--dns", dns(), "--format", "jsonl");
    assertThat(dmarc.code()).as(dmarc.err()).isBetween(0, 4);
    parseLines(dmarc.out(), 2);

    Path eml = dir.resolve("auth.eml");
    Files.writeString(
        eml,
        "Received-SPF: none client-ip=127.0.0.9; helo=mail.example.net;"
            + " envelope-from=a@example.com;\r\nFrom: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n");
    Run auth = mailpath("auth", eml.toString(), "--dns", dns(), "--format", "json");
    assertThat(auth.code()).as(auth.err()).isBetween(0, 4);
    assertThat(parse(auth.out())).isEqualTo(JsonToken.START_OBJECT);
    assertThat(auth.out()).contains("\"@type\" : \"MessageAuthenticationReport\"");
    assertThat(mailpath("dkim", dir.resolve("missing.eml").toString(), "--dns", dns()).code())
        .isEqualTo(66);
    assertThat(mailpath("dmarc", "bad..name", "--dns", dns()).code()).isEqualTo(64);
  }

  @Test
  void posture_againstTheLab_textJsonAndUsageErrors() throws Exception {
    Path ca = dir.resolve("policy-host.pem");
    Files.writeString(ca, lab.policyCertificatePem());
    String[] labOptions = {
      "--dns",
      dns(),
      "--smtp-port",
      smtpPort(),
      "--policy-port",
      String.valueOf(lab.policyPort()),
      "--ca-file",
      ca.toString(),
      "--timeout",
      "1s",
      "--deadline",
      "20s"
    };
    List<String> json = new ArrayList<>(List.of("posture", "example.com", "nomail.example.com"));
    json.addAll(List.of(labOptions));
    json.add("--json");
    Run two = mailpath(json.toArray(String[]::new));
    assertThat(parse(two.out())).as(two.err()).isEqualTo(JsonToken.START_ARRAY);
    assertThat(two.out())
        .contains("\"@type\" : \"MailPostureReport\"")
        .contains("posture.starttls.missing")
        .contains("mta-sts.mode-testing");
    assertThat(two.out().indexOf("\"domain\" : \"example.com\""))
        .isNotNegative()
        .isLessThan(two.out().indexOf("\"domain\" : \"nomail.example.com\""));
    // The lab's zones are unsigned under the root's trust anchor: DNSSEC bogus, CRITICAL.
    assertThat(two.code()).isEqualTo(3);

    List<String> text = new ArrayList<>(List.of("posture", "example.com"));
    text.addAll(List.of(labOptions));
    Run one = mailpath(text.toArray(String[]::new));
    assertThat(one.out())
        .startsWith("Mail posture of example.com: ")
        .contains("mail2.example.com (preference 20");
    assertThat(one.err()).contains("DNS servers: " + dns() + " (--dns)");

    Run bad = mailpath("posture", "example.com", "bad..name", "--dns", dns());
    assertThat(bad.code()).isEqualTo(64);
    assertThat(bad.out()).isEmpty();
    assertThat(bad.err())
        .startsWith("mailpath: ")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  @Test
  void find_overImap() throws Exception {
    Run r =
        mailpathWith(
            Map.of("IMAP_PASSWORD", "alice-password"),
            "find",
            "--imap",
            "127.0.0.1:" + imap.getImap().getPort(),
            "--tls-mode",
            "none",
            "--user",
            "alice",
            "--password-env",
            "IMAP_PASSWORD",
            "--subject",
            "nothing like this",
            "--format",
            "jsonl");
    assertThat(r.code()).isNotEqualTo(64).isNotEqualTo(70);
    parseLines(r.out(), 1);
  }

  @Test
  void investigate_withLogAndPath() throws Exception {
    Path log = dir.resolve("mail.log");
    Files.writeString(
        log,
        "Nov 28 08:00:01 mx postfix/qmgr[900]: 7C1A22E0123: from=<carol@example.net>, size=812,"
            + " nrcpt=1 (queue active)\n");
    Run r =
        mailpath(
            "investigate",
            "--sender",
            "carol@example.net",
            "--recipient",
            "alice@example.com",
            "--around",
            "2026-11-28T08:00:00Z",
            "--postfix-log",
            log.toString(),
            "--check-path",
            "--path-port",
            smtpPort(),
            "--dns",
            dns(),
            "--format",
            "json");
    assertThat(r.code()).isNotEqualTo(64).isNotEqualTo(70);
    assertThat(parse(r.out())).isEqualTo(JsonToken.START_OBJECT);
  }
}
