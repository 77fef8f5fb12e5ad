package dev.mailpath.diag.examples;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.IpAddressText;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.TlsFailurePolicy;
import dev.mailpath.diag.dns.AddressFamily;
import dev.mailpath.diag.dns.DelegationTrace;
import dev.mailpath.diag.dns.DnsSettings;
import dev.mailpath.diag.dns.MailExchange;
import dev.mailpath.diag.dns.MxReport;
import dev.mailpath.diag.dns.MxResolver;
import dev.mailpath.diag.dns.RecordType;
import dev.mailpath.diag.dns.RootHints;
import dev.mailpath.diag.dns.RootServerQuery;
import dev.mailpath.diag.html.DiagHtml;
import dev.mailpath.diag.posture.MailPostureCheck;
import dev.mailpath.diag.smtp.DeliveryPathCheck;
import dev.mailpath.diag.smtp.RelayPolicyTester;
import dev.mailpath.diag.smtp.SmtpClient;
import dev.mailpath.diag.smtp.SmtpConversation;
import dev.mailpath.diag.smtp.SmtpCredentials;
import dev.mailpath.diag.smtp.SmtpPhase;
import dev.mailpath.diag.smtp.SmtpTimeouts;
import dev.mailpath.diag.trace.InvestigationReport;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.X509TrustManager;

/**
 * The doctor: the field guide's whole troubleshooting walk in one run. Without arguments it starts
 * the embedded {@link DemoLab} (DNS with fake roots, policy-driven SMTP servers, GreenMail) and
 * prints, as a person would want to read it: the MX lookup, a telnet-style SMTP transcript, where
 * mail for an address would go, the relay verdicts of three servers (closed, open relay, relay
 * after AUTH), three "I never received that message" investigations (one ending in each of the
 * field guide's parts 2, 3 and 4), the root-server table, a delegation trace and the domain's mail
 * posture (as {@code mailpath posture}), then a summary.
 *
 * <pre>
 * Doctor                                           # the embedded lab, no network needed
 * Doctor --domain example.org                      # real servers: the system's resolvers, port 25
 * Doctor --domain example.org --dns 192.0.2.53 --ehlo probe.example.net --from me@example.net
 * Doctor --html doctor.html                        # also writes the whole run as one HTML page
 * Doctor --expect-lab-outcomes                     # exit 0 when the lab's faults show as intended
 * </pre>
 *
 * <p>Against real servers it never sends a message: the SMTP check stops after RCPT TO, and it asks
 * the real root servers only when run with {@code --domain}.
 *
 * <p>Exit code: 0 when the overall outcome is PASS, 1 WARN, 2 FAIL, 4 INCONCLUSIVE, 64 a usage
 * error. The lab is built to show faults: {@code legacy.example.com} (127.0.3.3) is an open relay
 * on purpose, so a run against the lab ends in FAIL and exit code 2; so does its mail posture (an
 * MTA-STS policy but no STARTTLS, unsigned zones); a down exchange, the three "never received"
 * stories and a stale root server give WARNs. {@code --expect-lab-outcomes} says that these
 * outcomes are expected: a step counts as passed when it came out as the lab intends and as FAIL
 * when it did not, so the exit code is 0 exactly when the demo works. The summary marks each such
 * step "expected". README's first command passes it (the {@code demo.args} default in {@code
 * examples/pom.xml}).
 */
public final class Doctor {
  private Doctor() {}

  /** Why the lab's posture step fails, as the summary says it. */
  static final String POSTURE_STORY =
      "example.com's MTA-STS policy asks for TLS but its exchanges offer no STARTTLS, and the"
          + " lab's zones are not signed";

  static final String USAGE =
      String.join(
          "\n",
          "Usage: Doctor [--expect-lab-outcomes] [--html FILE]",
          "       Doctor --domain D [--dns IP[:PORT]] [--port N] [--ehlo NAME] [--from ADDR]"
              + " [--to ADDR] [--html FILE]",
          "Walks the field guide: MX lookup, a telnet-style SMTP session, where mail would go, relay"
              + " checks,",
          "\"I never received that message\" investigations, the root servers, a delegation trace"
              + " and the",
          "mail posture (in the lab), then a summary.",
          "  (no --domain)        the embedded lab on loopback, no network needed",
          "  --domain D           real servers for domain D (never sends a message)",
          "  --dns IP[:PORT]      with --domain: the DNS server to ask (default: the system's)",
          "  --port N             with --domain: the SMTP port (default 25)",
          "  --ehlo NAME          with --domain: the EHLO name",
          "  --from ADDR          with --domain: MAIL FROM, to test RCPT TO as well",
          "  --to ADDR            with --domain: RCPT TO (default postmaster@D)",
          "  --html FILE          also write the whole run as one HTML page",
          "  --expect-lab-outcomes  the lab's deliberate faults (an open relay, a weak mail posture:"
              + " FAIL; a down exchange,",
          "                       three lost messages, a stale root: WARN) are expected: exit code 0",
          "                       when every step comes out as the lab intends",
          "  -h, --help           print this help and exit",
          "Exit code: 0 PASS, 1 WARN, 2 FAIL, 4 INCONCLUSIVE, 64 usage error.");

  /**
   * Runs the doctor and exits with its code (see the class comment); returns normally when the code
   * is 0, so that README's first command, which runs it inside Maven, is not cut short.
   *
   * @param args {@code [--expect-lab-outcomes] [--html FILE]}, or {@code --domain D [--dns
   *     IP[:PORT]] [--port N] [--ehlo NAME] [--from ADDR] [--to ADDR] [--html FILE]}, or {@code
   *     --help}
   */
  public static void main(String[] args) {
    int code = execute(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Runs the doctor and returns its exit code: 0 PASS, 1 WARN, 2 FAIL, 4 INCONCLUSIVE (with {@code
   * --expect-lab-outcomes}, a lab step that came out as intended counts as PASS), 64 a usage error.
   * {@code --help} prints the usage and returns 0 without running anything.
   *
   * @param args as for {@link #main}
   * @param out where the walk and the help go
   * @param err where usage errors go
   * @return the exit code
   */
  public static int execute(String[] args, PrintStream out, PrintStream err) {
    Map<String, String> opts;
    try {
      opts = options(args);
    } catch (IllegalArgumentException e) {
      err.println("Doctor: " + e.getMessage());
      err.println(USAGE);
      return 64;
    }
    if (opts.containsKey("help")) {
      out.println(USAGE);
      return 0;
    }
    return exitCode(walk(opts, out).effectiveOutcome());
  }

  /**
   * Runs the doctor, printing to {@code out}.
   *
   * @param args as for {@link #main}
   * @param out where to print
   * @return the worst outcome of all checks (the lab's deliberate faults included)
   */
  public static Outcome run(String[] args, PrintStream out) {
    return walk(options(args), out).worst;
  }

  /**
   * Maps an overall outcome to the exit code: PASS 0, WARN 1, FAIL 2, INCONCLUSIVE 4.
   *
   * @param outcome the outcome
   * @return the exit code
   */
  static int exitCode(Outcome outcome) {
    switch (outcome) {
      case PASS:
        return 0;
      case WARN:
        return 1;
      case INCONCLUSIVE:
        return 4;
      default:
        return 2;
    }
  }

  private static final List<String> FLAGS = List.of("help", "expect-lab-outcomes");
  private static final List<String> VALUED =
      List.of("domain", "dns", "port", "ehlo", "from", "to", "html");

  private static Map<String, String> options(String[] args) {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h")) {
        a = "--help";
      }
      String name = a.startsWith("--") ? a.substring(2) : null;
      if (name != null && FLAGS.contains(name)) {
        opts.put(name, "true");
      } else if (name != null && VALUED.contains(name)) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(a + " needs a value");
        }
        opts.put(name, args[++i]);
      } else {
        throw new IllegalArgumentException("unknown option " + a);
      }
    }
    return opts;
  }

  private static Walk walk(Map<String, String> opts, PrintStream out) {
    if (opts.containsKey("domain")) {
      return real(opts, out);
    }
    try (DemoLab lab = DemoLab.start()) {
      Walk walk = new Walk(out, 12, opts.get("html"));
      out.println("mailpath doctor: the embedded lab (no network needed)");
      out.println(
          "  DNS     example.com on "
              + IpAddressText.format(lab.dns())
              + ", 13 fake roots on 127.0.1.1-13");
      out.println(
          "  SMTP    mail2 127.0.3.2 (closed), legacy 127.0.3.3 (open relay), submission 127.0.3.4"
              + " (relay after AUTH), all on port "
              + lab.smtpPort());
      out.println(
          "  HTTPS   mta-sts.example.com 127.0.7.3 port "
              + lab.policyPort()
              + " (MTA-STS policy, testing mode)");
      out.println("  Mailbox GreenMail SMTP " + lab.mailbox().smtpPort());
      MxResolver resolver =
          MxResolver.builder().dns(d -> d.server(lab.dns()).timeout(Duration.ofSeconds(2))).build();

      MxReport mx =
          walk.step("nslookup -type=mx example.com", () -> resolver.resolve("example.com"));
      walk.step(
          "telnet mail2.example.com " + lab.smtpPort() + " (EHLO, MAIL FROM, RCPT TO, DATA, QUIT)",
          () ->
              SmtpClient.builder()
                  .dns(d -> d.server(lab.dns()).timeout(Duration.ofSeconds(2)))
                  .timeouts(SmtpTimeouts.all(Duration.ofSeconds(5)))
                  .build()
                  .run(
                      SmtpConversation.to("127.0.3.2", lab.smtpPort())
                          .ehlo("client.example.net")
                          .mailFrom("sender@example.net")
                          .rcptTo("alice@example.com")
                          .data(
                              Map.of("Subject", "Test message via Telnet"),
                              "This is a test\nPlease reply if received\n")
                          .quit()));
      boolean expected = opts.containsKey("expect-lab-outcomes");
      walk.expect(Outcome.WARN, "mail1.example.com is down on purpose: mail falls back", expected);
      walk.step(
          "where would mail for alice@example.com go? (nslookup, then telnet to each exchange)",
          () ->
              DeliveryPathCheck.builder()
                  .client(
                      c ->
                          c.dns(d -> d.server(lab.dns()).timeout(Duration.ofSeconds(2)))
                              .ehloName("client.example.net")
                              .timeouts(SmtpTimeouts.all(Duration.ofSeconds(5))))
                  .smtpPort(lab.smtpPort())
                  .sender("sender@example.net")
                  .build()
                  .check("alice@example.com"));
      relay(walk, "is mail2.example.com an open relay?", "127.0.3.2", lab.smtpPort(), null, null);
      // The lab's deliberate open relay: FAIL is the right answer here.
      walk.expect(Outcome.FAIL, "legacy.example.com is the lab's deliberate open relay", expected);
      relay(walk, "is legacy.example.com an open relay?", "127.0.3.3", lab.smtpPort(), null, null);
      relay(
          walk,
          "does submission.example.com relay only for logged-in users?",
          "127.0.3.4",
          lab.smtpPort(),
          SmtpCredentials.of(DemoLab.RELAY_USER, DemoLab.RELAY_PASSWORD),
          lab.submissionTrust());
      // The three investigations share one local mail system, so they run together in the
      // first step; the summary shows the time of all three there.
      List<InvestigationReport> investigations = new ArrayList<>();
      String[] senders = {"alice@example.org", "carol@example.com", "dave@example.com"};
      String[] stories = {
        "the lab files this message in Junk", "the lab's mailbox is full", "the lab never got it"
      };
      for (int i = 0; i < senders.length; i++) {
        int index = i;
        walk.expect(Outcome.WARN, stories[i], expected);
        walk.step(
            "\"I never received that message\" from "
                + senders[i]
                + " (message tracking, the mailbox, a test message)",
            () -> {
              if (investigations.isEmpty()) {
                investigations.addAll(MissingMessage.investigations());
              }
              return investigations.get(index);
            });
      }
      RootHints hints = lab.rootHints();
      walk.expect(Outcome.WARN, "the lab's C-root serves an older root zone", expected);
      walk.step(
          "what the root servers say about example.com (no recursion, every root)",
          () ->
              RootServerQuery.builder()
                  .hints(hints)
                  .addressFamily(AddressFamily.IPV4)
                  .dns(d -> d.timeout(Duration.ofSeconds(1)))
                  .build()
                  .ask("example.com", RecordType.MX));
      walk.step(
          "the delegation from the roots to example.com's servers (dig +trace)",
          () ->
              DelegationTrace.builder()
                  .hints(hints)
                  .addressFamily(AddressFamily.IPV4)
                  .port(lab.dnsPort())
                  .dns(d -> d.timeout(Duration.ofSeconds(1)))
                  .compareWith(resolver)
                  .build()
                  .trace("example.com", RecordType.MX));
      walk.expect(Outcome.FAIL, POSTURE_STORY, expected);
      walk.step(
          "the mail posture of example.com (mailpath posture: SPF, DMARC, DKIM, MTA-STS,"
              + " TLS-RPT, DNSSEC, STARTTLS and IPv6 of every exchange, scored)",
          () ->
              MailPostureCheck.builder()
                  .dns(d -> d.server(lab.dns()).timeout(Duration.ofSeconds(1)))
                  // The policy host's certificate is the lab's own.
                  .tls(t -> t.trustManager(lab.policyTrust()))
                  // mail1 has nothing listening: short SMTP timeouts and deadline keep it quick.
                  .timeouts(SmtpTimeouts.all(Duration.ofSeconds(2)))
                  .smtpPort(lab.smtpPort())
                  .policyPort(lab.policyPort())
                  .deadline(Duration.ofSeconds(4))
                  .build()
                  .check("example.com"));
      out.println();
      out.println(
          "Exchanges of example.com in delivery order: "
              + mx.exchanges().stream().map(MailExchange::host).toList());
      walk.summary();
      return walk;
    }
  }

  private static Walk real(Map<String, String> opts, PrintStream out) {
    String domain = opts.get("domain");
    int port = Integer.parseInt(opts.getOrDefault("port", "25"));
    DnsSettings.Builder db = DnsSettings.builder().timeout(Duration.ofSeconds(5));
    if (opts.containsKey("dns")) {
      String[] hp = opts.get("dns").split(":");
      db.server(
          new InetSocketAddress(literal(hp[0]), hp.length > 1 ? Integer.parseInt(hp[1]) : 53));
    }
    DnsSettings dns = db.build();
    MxResolver resolver = MxResolver.builder().dns(dns).build();
    Walk walk = new Walk(out, 4, opts.get("html"));
    out.println("mailpath doctor: " + domain + " against real servers");
    MxReport mx = walk.step("nslookup -type=mx " + domain, () -> resolver.resolve(domain));
    List<MailExchange> exchanges =
        mx.exchanges().stream().filter(e -> !e.addresses().isEmpty()).toList();
    if (exchanges.isEmpty()) {
      walk.skip("telnet to the lowest-preference exchange", "no exchange with an address");
    } else {
      MailExchange first = exchanges.get(0);
      walk.step(
          "telnet " + first.host() + " " + port + " (stops after RCPT TO: nothing is sent)",
          () -> {
            SmtpClient client =
                SmtpClient.builder()
                    .dns(dns)
                    .tls(t -> t.failurePolicy(TlsFailurePolicy.REPORT_AND_CONTINUE))
                    .timeouts(SmtpTimeouts.all(Duration.ofSeconds(20)))
                    .build();
            SmtpConversation c =
                SmtpConversation.to(first.addresses().get(0).getHostAddress(), port)
                    .expectedTlsName(first.host())
                    .ehlo(opts.getOrDefault("ehlo", "probe.mailpath.invalid"))
                    .startTlsIfOffered();
            if (opts.containsKey("from")) {
              c =
                  c.mailFrom(opts.get("from"))
                      .rcptTo(opts.getOrDefault("to", "postmaster@" + domain));
            }
            return client.run(c.quitAfter(SmtpPhase.RCPT));
          });
    }
    walk.step(
        "what the root servers say about " + domain,
        () -> RootServerQuery.builder().build().ask(domain, RecordType.MX));
    walk.step(
        "the delegation from the roots (dig +trace)",
        () -> DelegationTrace.builder().compareWith(resolver).build().trace(domain, RecordType.MX));
    walk.summary();
    return walk;
  }

  private static void relay(
      Walk walk,
      String title,
      String host,
      int port,
      SmtpCredentials credentials,
      X509TrustManager trust) {
    walk.step(
        title + " (EHLO, MAIL FROM, RCPT TO, RSET: nothing is delivered)",
        () -> {
          RelayPolicyTester.Builder b =
              RelayPolicyTester.builder()
                  .server(host, port)
                  .localDomain("example.com")
                  .externalDomain("relay-test.example.net")
                  .client(
                      c -> {
                        c.timeouts(SmtpTimeouts.all(Duration.ofSeconds(5)));
                        if (trust != null) {
                          // The lab's submission server has a self-signed certificate.
                          c.tls(t -> t.trustManager(trust).expectedName("submission.example.com"));
                        }
                      });
          if (credentials != null) {
            // AUTH goes inside STARTTLS, which the submission server offers (the default).
            b.credentials(credentials);
          }
          return b.build().test();
        });
  }

  private static InetAddress literal(String ip) {
    return DemoLab.address(ip);
  }

  /** Numbers the steps, shows progress, prints each report and collects outcomes. */
  private static final class Walk {
    /** Width of the summary's step column; titles and findings wrap at words, never cut. */
    private static final int WIDTH = 62;

    private static final String INDENT = " ".repeat(35);

    private final PrintStream out;
    private final int total;
    private final List<Step> steps = new ArrayList<>();
    private final List<DiagnosticReport> reports = new ArrayList<>();
    private final String html;
    private Outcome worst = Outcome.PASS;
    private Expectation next;
    private int n;

    /** What the next step should come to, and whether the run was told so. */
    private record Expectation(Outcome outcome, String why, boolean accepted) {}

    /** One line of the summary. */
    private record Step(
        int number,
        String title,
        DiagnosticReport report,
        Duration duration,
        Expectation expected,
        String skipped) {}

    Walk(PrintStream out, int total, String html) {
      this.out = out;
      this.total = total;
      this.html = html;
    }

    /** Marks the next step as one with a known, deliberate outcome. */
    void expect(Outcome outcome, String why, boolean accepted) {
      next = new Expectation(outcome, why, accepted);
    }

    <R extends DiagnosticReport> R step(String title, java.util.function.Supplier<R> check) {
      n++;
      out.println();
      out.println("== [" + n + "/" + Math.max(n, total) + "] " + title);
      out.println("   ...running");
      long start = System.nanoTime();
      R report = check.get();
      Duration wall = Duration.ofNanos(System.nanoTime() - start);
      out.println(report);
      reports.add(report);
      // The step's wall time, or the report's own elapsed time when that is longer: the three
      // investigations run together in the first of their steps (whose time includes all three),
      // and the other two would say 0 ms.
      Duration took = report.elapsed().compareTo(wall) > 0 ? report.elapsed() : wall;
      steps.add(new Step(n, title, report, took, next, null));
      next = null;
      if (rank(report.outcome()) > rank(worst)) {
        worst = report.outcome();
      }
      return report;
    }

    void skip(String title, String why) {
      n++;
      out.println();
      out.println("== [" + n + "/" + Math.max(n, total) + "] " + title + ": skipped, " + why);
      steps.add(new Step(n, title, null, Duration.ZERO, null, why));
    }

    /**
     * The outcome the exit code follows: the worst of all steps, except that a step whose
     * deliberate outcome was accepted ({@code --expect-lab-outcomes}) counts as PASS when it came
     * out as expected, and as FAIL when it did not.
     */
    Outcome effectiveOutcome() {
      Outcome o = Outcome.PASS;
      for (Step s : steps) {
        if (s.report() == null) {
          continue;
        }
        Outcome counted = s.report().outcome();
        if (s.expected() != null && s.expected().accepted()) {
          counted = counted == s.expected().outcome() ? Outcome.PASS : Outcome.FAIL;
        }
        if (rank(counted) > rank(o)) {
          o = counted;
        }
      }
      return o;
    }

    void summary() {
      out.println();
      out.println("== Summary");
      out.println(String.format("  %-13s %8s %8s  %s", "outcome", "time", "findings", "step"));
      Finding worstFinding = null;
      Step worstStep = null;
      for (Step s : steps) {
        String title = "[" + s.number() + "] " + s.title();
        if (s.report() == null) {
          print(
              String.format("  %-13s %8s %8s  ", "SKIPPED", "", ""),
              title + " (" + s.skipped() + ")");
          continue;
        }
        DiagnosticReport r = s.report();
        print(
            String.format(
                "  %-13s %8s %8d  ", r.outcome(), duration(s.duration()), r.findings().size()),
            title);
        Finding f = worst(r.findings());
        if (f != null) {
          print(INDENT, "worst: " + f.severity() + " " + f.code());
          if (worstFinding == null || f.severity().compareTo(worstFinding.severity()) > 0) {
            worstFinding = f;
            worstStep = s;
          }
        }
        if (s.expected() != null) {
          print(
              INDENT,
              (r.outcome() == s.expected().outcome() ? "expected: " : "NOT as expected: ")
                  + s.expected().why()
                  + " ("
                  + s.expected().outcome()
                  + ")");
        }
      }
      out.println("Overall: " + worst);
      if (worstFinding != null) {
        print(
            "Worst finding: ",
            worstFinding.severity()
                + " "
                + worstFinding.code()
                + " in ["
                + worstStep.number()
                + "]: "
                + worstFinding.summary());
      }
      Outcome effective = effectiveOutcome();
      boolean marked = false;
      boolean accepted = false;
      for (Step s : steps) {
        marked |= s.expected() != null;
        accepted |= s.expected() != null && s.expected().accepted();
      }
      if (marked) {
        print(
            "Note: ",
            accepted
                ? "--expect-lab-outcomes: the steps marked expected count as passed when they came"
                    + " out as the lab intends (and as FAIL when they did not)."
                : "the lab shows faults on purpose (the steps marked expected);"
                    + " --expect-lab-outcomes makes the exit code 0 when they come out as intended.");
      }
      out.println("Exit code: " + exitCode(effective) + " (" + effective + ")");
      if (html != null) {
        try {
          java.nio.file.Files.writeString(
              java.nio.file.Path.of(html), DiagHtml.renderAll("mailpath doctor", reports));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException("cannot write " + html, e);
        }
        out.println("Wrote " + html);
      }
    }

    /** Prints {@code text} after {@code head}, wrapped at words; never cuts one. */
    private void print(String head, String text) {
      String pad = " ".repeat(head.length());
      StringBuilder line = new StringBuilder(head);
      int used = 0;
      for (String word : text.split(" ")) {
        if (used > 0 && used + 1 + word.length() > WIDTH) {
          out.println(line);
          line = new StringBuilder(pad);
          used = 0;
        }
        if (used > 0) {
          line.append(' ');
          used++;
        }
        line.append(word);
        used += word.length();
      }
      out.println(line);
    }

    private static Finding worst(List<Finding> findings) {
      Finding w = null;
      for (Finding f : findings) {
        if (w == null || f.severity().compareTo(w.severity()) > 0) {
          w = f;
        }
      }
      return w;
    }

    private static String duration(Duration d) {
      long ms = d.toMillis();
      if (ms < 10_000) {
        return ms + " ms";
      }
      return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    private static int rank(Outcome o) {
      switch (o) {
        case PASS:
          return 0;
        case WARN:
          return 1;
        case INCONCLUSIVE:
          return 2;
        default:
          return 3;
      }
    }
  }
}
