package dev.mailpath.diag.examples;

import dev.mailpath.diag.core.DiagnosticReport;
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
 * field guide's parts 2, 3 and 4), the root-server table and a delegation trace, then a summary.
 *
 * <pre>
 * Doctor                                           # the embedded lab, no network needed
 * Doctor --domain example.org                      # real servers: the system's resolvers, port 25
 * Doctor --domain example.org --dns 192.0.2.53 --ehlo probe.example.net --from me@example.net
 * Doctor --html doctor.html                        # also writes the whole run as one HTML page
 * </pre>
 *
 * <p>Against real servers it never sends a message: the SMTP check stops after RCPT TO, and it asks
 * the real root servers only when run with {@code --domain}.
 */
public final class Doctor {
  private Doctor() {}

  /**
   * Runs the doctor.
   *
   * @param args {@code [--domain D [--dns IP[:PORT]] [--port N] [--ehlo NAME] [--from ADDR] [--to
   *     ADDR]] [--html FILE]}
   */
  public static void main(String[] args) {
    run(args, System.out);
  }

  /**
   * Runs the doctor, printing to {@code out}.
   *
   * @param args as for {@link #main}
   * @param out where to print
   * @return the worst outcome of all checks
   */
  public static Outcome run(String[] args, PrintStream out) {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option value pairs, got " + args[i]);
      }
      opts.put(args[i].substring(2), args[i + 1]);
    }
    if (opts.containsKey("domain")) {
      return real(opts, out);
    }
    try (DemoLab lab = DemoLab.start()) {
      Walk walk = new Walk(out, 11, opts.get("html"));
      out.println("mailpath doctor: the embedded lab (no network needed)");
      out.println(
          "  DNS     example.com on "
              + IpAddressText.format(lab.dns())
              + ", 13 fake roots on 127.0.1.1-13");
      out.println(
          "  SMTP    mail2 127.0.3.2 (closed), legacy 127.0.3.3 (open relay), submission 127.0.3.4"
              + " (relay after AUTH), all on port "
              + lab.smtpPort());
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
      for (int i = 0; i < senders.length; i++) {
        int index = i;
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
      out.println();
      out.println(
          "Exchanges of example.com in delivery order: "
              + mx.exchanges().stream().map(MailExchange::host).toList());
      return walk.summary();
    }
  }

  private static Outcome real(Map<String, String> opts, PrintStream out) {
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
    return walk.summary();
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
    private final PrintStream out;
    private final int total;
    private final List<String> lines = new ArrayList<>();
    private final List<DiagnosticReport> reports = new ArrayList<>();
    private final String html;
    private Outcome worst = Outcome.PASS;
    private int n;

    Walk(PrintStream out, int total, String html) {
      this.out = out;
      this.total = total;
      this.html = html;
    }

    <R extends DiagnosticReport> R step(String title, java.util.function.Supplier<R> check) {
      n++;
      out.println();
      out.println("== [" + n + "/" + Math.max(n, total) + "] " + title);
      out.println("   ...running");
      long start = System.nanoTime();
      R report = check.get();
      long ms = (System.nanoTime() - start) / 1_000_000;
      out.println(report);
      reports.add(report);
      String shortTitle = title.length() > 78 ? title.substring(0, 75) + "..." : title;
      lines.add(
          String.format(
              "  %-13s %-78s %5d ms  %d finding(s)",
              report.outcome(), shortTitle, ms, report.findings().size()));
      if (rank(report.outcome()) > rank(worst)) {
        worst = report.outcome();
      }
      return report;
    }

    void skip(String title, String why) {
      n++;
      out.println();
      out.println("== [" + n + "/" + Math.max(n, total) + "] " + title + ": skipped, " + why);
      lines.add(String.format("  %-13s %s (%s)", "SKIPPED", title, why));
    }

    Outcome summary() {
      out.println();
      out.println("== Summary");
      lines.forEach(out::println);
      out.println("Overall: " + worst);
      if (html != null) {
        try {
          java.nio.file.Files.writeString(
              java.nio.file.Path.of(html), DiagHtml.renderAll("mailpath doctor", reports));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException("cannot write " + html, e);
        }
        out.println("Wrote " + html);
      }
      return worst;
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
