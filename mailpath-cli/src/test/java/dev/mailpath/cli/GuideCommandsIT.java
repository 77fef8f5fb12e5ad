package dev.mailpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailpath.diag.examples.DemoLab;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every {@code bin/mailpath} command of {@code docs/guide.md} (code blocks and inline code)
 * with the packaged jar against the embedded lab, and checks that each works as written: no usage
 * error (64), no unreadable input (66), no crash (70), and a report on standard output.
 *
 * <p>The guide's commands name documentation addresses; the lab stands in for them, and nothing
 * else changes: {@code 192.0.2.53} and any DNS-using command without {@code --dns} get the lab's
 * DNS server (never the system resolver); SMTP commands get the lab's port ({@code --port}, {@code
 * --path-port}); {@code mail.example.com} is the lab's open relay, or its submission server (with
 * its certificate, {@code --ca-file}, and its user) when the command logs in; {@code
 * imap.example.net} is a GreenMail IMAP server without TLS ({@code --imaps} becomes {@code
 * --tls-mode none} for {@code find}; {@code investigate}, which has no such option, tries STARTTLS
 * and reports that it is not offered); {@code roots} and {@code trace} get the lab's root hints;
 * {@code posture} gets the lab's SMTP port and its MTA-STS policy host (port and certificate);
 * password variables, {@code message.eml}, {@code domains.txt} and {@code /var/log/mail.log} are
 * the lab's.
 */
class GuideCommandsIT {
  static DemoLab lab;
  static GreenMail imap;
  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    lab = DemoLab.start();
    imap = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
    imap.setUser("bob@example.net", "bob", "bob-password");
    imap.start();
    Files.writeString(
        dir.resolve("message.eml"),
        "Received: from mail.example.net (mail.example.net [127.0.0.5])\r\n"
            + "\tby mx.example.com (Postfix) with ESMTPS id 4ABC123\r\n"
            + "\tfor <you@example.com>; Sat, 28 Nov 2026 08:00:05 +0000\r\n"
            + "Subject: hi\r\n\r\nbody\r\n");
    Files.writeString(dir.resolve("domains.txt"), "example.com\nnomail.example.com\n");
    Files.writeString(
        dir.resolve("mail.log"),
        "Nov 28 09:00:01 mx postfix/qmgr[900]: 7C1A22E0123: from=<alice@example.org>, size=812,"
            + " nrcpt=1 (queue active)\n");
    Files.writeString(dir.resolve("submission.pem"), lab.submissionCertificatePem());
    Files.writeString(dir.resolve("policy-host.pem"), lab.policyCertificatePem());
    StringBuilder hints = new StringBuilder();
    for (int i = 0; i < 13; i++) {
      String name = (char) ('a' + i) + ".root-servers.lab.";
      hints.append(".  3600000  NS  ").append(name).append('\n');
      hints.append(name).append("  3600000  A  127.0.1.").append(i + 1).append('\n');
    }
    Files.writeString(dir.resolve("named.root"), hints);
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

  /** The guide's commands, continuation lines joined, comments and prompts removed. */
  static List<String> guideCommands() throws Exception {
    String guide = Files.readString(Path.of("..", "docs", "guide.md"), StandardCharsets.UTF_8);
    List<String> commands = new ArrayList<>();
    boolean code = false;
    StringBuilder pending = null;
    for (String line : guide.split("\n")) {
      if (line.startsWith("```")) {
        code = !code;
        continue;
      }
      if (!code) {
        continue;
      }
      String l = line.strip();
      if (pending != null) {
        pending.append(' ').append(l);
      } else if (l.contains("bin/mailpath")) {
        pending = new StringBuilder(l.startsWith("$ ") ? l.substring(2) : l);
      } else {
        continue;
      }
      if (pending.toString().endsWith("\\")) {
        pending.setLength(pending.length() - 1);
        continue;
      }
      String c = pending.toString();
      int comment = c.indexOf(" #");
      commands.add((comment < 0 ? c : c.substring(0, comment)).strip());
      pending = null;
    }
    // Inline code in the text, which may wrap over two lines.
    Matcher m = Pattern.compile("`(bin/mailpath [^`]+)`").matcher(guide);
    while (m.find()) {
      String c = m.group(1).replaceAll("\\s+", " ");
      if (c.split(" ").length > 2) {
        commands.add(c);
      }
    }
    return commands;
  }

  record Run(int code, String out, String err) {}

  @Test
  void everyGuideCommand_worksAsWritten() throws Exception {
    List<String> commands = guideCommands();
    assertThat(commands).hasSizeGreaterThanOrEqualTo(14);
    List<String> failures = new ArrayList<>();
    for (String command : commands) {
      Run r = run(command);
      if (r.code() == 64 || r.code() == 66 || r.code() == 70 || r.out().isBlank()) {
        failures.add(command + "\n  exit " + r.code() + "\n  " + r.err() + "\n  " + r.out());
      }
    }
    assertThat(failures).as("guide commands that did not work").isEmpty();
  }

  /** Runs one command of the guide with the lab in place of the addresses it names. */
  static Run run(String command) throws Exception {
    List<String> words = new ArrayList<>(Arrays.asList(command.split(" +")));
    Map<String, String> env = new HashMap<>();
    while (words.get(0).matches("[A-Z_]+=.*")) {
      String name = words.remove(0).split("=")[0];
      env.put(name, name.startsWith("IMAP") ? "bob-password" : DemoLab.RELAY_PASSWORD);
    }
    assertThat(words.remove(0)).isEqualTo("bin/mailpath");
    File stdin = null;
    int redirect = words.indexOf("<");
    if (redirect >= 0) {
      stdin = dir.resolve(words.get(redirect + 1)).toFile();
      words = new ArrayList<>(words.subList(0, redirect));
    }
    String sub = words.isEmpty() ? "" : words.get(0);
    String dns = "127.0.7.2:" + lab.dnsPort();
    String smtpPort = String.valueOf(lab.smtpPort());
    boolean login = words.contains("--user");
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      switch (w) {
        case "192.0.2.53" -> words.set(i, dns);
        case "mail.example.com" ->
            words.set(i, login ? "submission.example.com" : "legacy.example.com");
        case "imap.example.net" -> words.set(i, "127.0.0.1:" + imap.getImap().getPort());
        // find can turn TLS off; investigate has no --tls-mode, so it tries STARTTLS, which
        // GreenMail's plain IMAP does not offer: a finding, as the guide's reader would get.
        case "--imaps" -> words.set(i, sub.equals("find") ? "--tls-mode=none" : "");
        case "/var/log/mail.log" -> words.set(i, dir.resolve("mail.log").toString());
        default -> {}
      }
      if (sub.equals("relay") && w.equals("--user")) {
        words.set(i + 1, DemoLab.RELAY_USER);
      }
    }
    words.removeIf(String::isEmpty);
    List<String> dnsUsers =
        List.of("mx", "smtp", "path", "relay", "trace", "investigate", "posture");
    if (dnsUsers.contains(sub) && !words.contains("--dns")) {
      words.addAll(List.of("--dns", dns));
    }
    if (List.of("smtp", "path", "relay").contains(sub)) {
      words.addAll(List.of("--port", smtpPort));
    }
    if (sub.equals("relay") && login) {
      words.addAll(List.of("--ca-file", dir.resolve("submission.pem").toString()));
    }
    if (sub.equals("posture")) {
      // The lab's exchanges and MTA-STS policy host listen on the lab's ports, not 25 and 443.
      if (!words.contains("--smtp-port")) {
        words.addAll(List.of("--smtp-port", smtpPort));
      }
      if (!words.contains("--policy-port")) {
        words.addAll(
            List.of(
                "--policy-port",
                String.valueOf(lab.policyPort()),
                "--ca-file",
                dir.resolve("policy-host.pem").toString()));
      }
    }
    if (sub.equals("investigate") && words.contains("--check-path")) {
      words.addAll(List.of("--path-port", smtpPort));
    }
    if (sub.equals("roots") || sub.equals("trace")) {
      words.addAll(
          List.of(
              "--hints",
              dir.resolve("named.root").toString(),
              "--port",
              String.valueOf(lab.dnsPort())));
    }
    return mailpath(env, stdin, words);
  }

  static Run mailpath(Map<String, String> env, File stdin, List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(Path.of("target", "mailpath.jar").toAbsolutePath().toString());
    cmd.addAll(args);
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    if (stdin != null) {
      pb.redirectInput(stdin);
    }
    pb.environment().putAll(env);
    Process p = pb.start();
    if (stdin == null) {
      p.getOutputStream().close();
    }
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("mailpath did not end: " + cmd);
    }
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8) + " [" + String.join(" ", args) + "]");
  }
}
