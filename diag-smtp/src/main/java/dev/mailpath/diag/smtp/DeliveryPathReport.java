package dev.mailpath.diag.smtp;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.ReportText;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.core.Timings;
import dev.mailpath.diag.core.internal.Addresses;
import dev.mailpath.diag.dns.MailExchange;
import dev.mailpath.diag.dns.MxReport;
import dev.mailpath.diag.dns.ReverseReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer to "where would mail for this address go, and where does it stop?": the MX lookup,
 * then each exchange in delivery order with what each of its addresses said, the verdict ({@link
 * #stage()}, and the exchange that decided it), and the findings. Immutable and thread-safe.
 *
 * <p>{@link #toString()} narrates the path the way a person would after running {@code nslookup}
 * and {@code telnet host 25}: the MX records, each exchange and what it answered, then where the
 * mail would go and the findings with their next steps. Everything printed has an accessor.
 *
 * <p><b>Findings</b> come in this order: the verdict finding ({@link DeliveryStage#finding()}), the
 * DNS findings of the MX lookup, the path findings (fallbacks, disagreeing exchanges), then each
 * address's reverse DNS and SMTP findings, tagged with {@code exchange} and {@code address}
 * evidence. When an exchange accepts, errors from the addresses that did not decide the verdict (a
 * backup that is down, an IPv6 address that refuses) are reported as warnings, since mail still
 * flows.
 *
 * <p><b>Outcome</b> follows the verdict rather than the worst finding alone: {@link Outcome#PASS}
 * when an exchange accepts and nothing is worth a warning, {@link Outcome#WARN} when it accepts
 * with warnings or errors on the way (a failed fallback, an invalid certificate that opportunistic
 * TLS ignores) or when only temporary failures were seen, {@link Outcome#INCONCLUSIVE} when DNS
 * gave no answer or the deadline cut the check short before any exchange answered, and {@link
 * Outcome#FAIL} otherwise (and for a CRITICAL finding).
 *
 * <p>{@link #builder()} is public so that users can fake reports in their own tests.
 */
public final class DeliveryPathReport implements DiagnosticReport {

  private final String input;
  private final String recipient;
  private final String domain;
  private final String sender;
  private final MxReport mx;
  private final List<ExchangeCheck> exchanges;
  private final DeliveryStage stage;
  private final String verdict;
  private final Optional<ExchangeCheck> decidingExchange;
  private final Optional<AddressCheck> decidingAddress;
  private final boolean incomplete;
  private final Instant startedAt;
  private final Duration elapsed;
  private final Timings timings;
  private final List<Finding> findings;
  private final Outcome outcome;

  private DeliveryPathReport(Builder b) {
    this.input = requireNonNull(b.input, "input");
    this.recipient = requireNonNull(b.recipient, "recipient");
    this.domain = requireNonNull(b.domain, "domain");
    this.sender = requireNonNull(b.sender, "sender");
    this.mx = requireNonNull(b.mx, "mx");
    this.exchanges = List.copyOf(b.exchanges);
    this.stage = requireNonNull(b.stage, "stage");
    this.verdict = b.verdict != null ? b.verdict : stage.name();
    this.decidingExchange = Optional.ofNullable(b.decidingExchange);
    this.decidingAddress = Optional.ofNullable(b.decidingAddress);
    this.incomplete = b.incomplete;
    this.startedAt = requireNonNull(b.startedAt, "startedAt");
    this.elapsed = requireNonNull(b.elapsed, "elapsed");
    this.timings = requireNonNull(b.timings, "timings");
    this.findings = List.copyOf(b.findings);
    this.outcome = b.outcome != null ? b.outcome : outcomeOf(stage, findings, incomplete);
  }

  /**
   * Derives the outcome of a verdict as the class description explains.
   *
   * @param stage the verdict
   * @param findings the findings
   * @param incomplete whether the deadline or a limit left addresses untried
   * @return the outcome
   */
  static Outcome outcomeOf(DeliveryStage stage, List<Finding> findings, boolean incomplete) {
    boolean critical = findings.stream().anyMatch(f -> f.severity() == Severity.CRITICAL);
    switch (stage) {
      case ACCEPTED:
        if (critical) {
          return Outcome.FAIL;
        }
        return findings.stream().anyMatch(f -> f.severity().isAtLeast(Severity.WARNING))
            ? Outcome.WARN
            : Outcome.PASS;
      case TEMPORARY_FAILURE:
        return critical ? Outcome.FAIL : Outcome.WARN;
      case DNS_FAILED:
        return Outcome.INCONCLUSIVE;
      case UNREACHABLE:
        return incomplete ? Outcome.INCONCLUSIVE : Outcome.FAIL;
      default:
        return Outcome.FAIL;
    }
  }

  /**
   * Starts building a report (for fakes in tests; checks build their own).
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this report's values.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.input = input;
    b.recipient = recipient;
    b.domain = domain;
    b.sender = sender;
    b.mx = mx;
    b.exchanges.addAll(exchanges);
    b.stage = stage;
    b.verdict = verdict;
    b.decidingExchange = decidingExchange.orElse(null);
    b.decidingAddress = decidingAddress.orElse(null);
    b.incomplete = incomplete;
    b.startedAt = startedAt;
    b.elapsed = elapsed;
    b.timings = timings;
    b.findings.addAll(findings);
    b.outcome = outcome;
    return b;
  }

  /**
   * Returns the address or domain as given to {@link DeliveryPathCheck#check(String)}.
   *
   * @return the input
   */
  public String input() {
    return input;
  }

  /**
   * Returns the recipient asked for in RCPT TO: the address given, or {@code postmaster@domain}
   * when only a domain was given (RFC 5321 §4.5.1 requires every domain to accept it).
   *
   * @return the recipient, without angle brackets
   */
  public String recipient() {
    return recipient;
  }

  /**
   * Returns the recipient domain as queried (ASCII, A-labels for internationalised names).
   *
   * @return the domain
   */
  public String domain() {
    return domain;
  }

  /**
   * Returns the reverse path sent in MAIL FROM.
   *
   * @return the sender in angle brackets, {@code <>} for the null sender
   */
  public String sender() {
    return sender;
  }

  /**
   * Returns the MX lookup, with every DNS finding.
   *
   * @return the MX report
   */
  public MxReport mx() {
    return mx;
  }

  /**
   * Returns the exchanges in RFC 5321 §5.1 delivery order, each with its address checks; exchanges
   * beyond the check's limit are listed with nothing tried.
   *
   * @return the exchange checks
   */
  public List<ExchangeCheck> exchanges() {
    return exchanges;
  }

  /**
   * Returns where delivery ends: {@link DeliveryStage#ACCEPTED}, or where it stops.
   *
   * @return the stage
   */
  public DeliveryStage stage() {
    return stage;
  }

  /**
   * Tells whether an exchange would take the mail.
   *
   * @return {@code true} when the stage is {@link DeliveryStage#ACCEPTED}
   */
  public boolean delivered() {
    return stage.delivered();
  }

  /**
   * Returns the verdict in one sentence, for example {@code "mx2.example.org (192.0.2.2) would take
   * the mail for alice@example.org, after mx1.example.org could not be reached"}.
   *
   * @return the verdict
   */
  public String verdict() {
    return verdict;
  }

  /**
   * Returns the exchange whose answer decided the verdict, following delivery order as an MTA does:
   * the one that accepted, refused the sender or the recipient, or deferred the recipient.
   *
   * @return the exchange, or empty when no exchange gave a decisive answer
   */
  public Optional<ExchangeCheck> decidingExchange() {
    return decidingExchange;
  }

  /**
   * Returns the address whose answer decided the verdict.
   *
   * @return the address check, or empty when no exchange gave a decisive answer
   */
  public Optional<AddressCheck> decidingAddress() {
    return decidingAddress;
  }

  /**
   * Returns the exchange that would take the mail.
   *
   * @return the exchange, or empty unless the stage is {@link DeliveryStage#ACCEPTED}
   */
  public Optional<ExchangeCheck> acceptedBy() {
    return stage.delivered() ? decidingExchange : Optional.empty();
  }

  /**
   * Tells whether the overall deadline or a limit left addresses untried that could have changed
   * the verdict.
   *
   * @return {@code true} when the check was cut short
   */
  public boolean incomplete() {
    return incomplete;
  }

  /**
   * Returns when the check started.
   *
   * @return the start time from the environment's time source
   */
  public Instant startedAt() {
    return startedAt;
  }

  /**
   * Returns how long the whole check took.
   *
   * @return the elapsed time
   */
  public Duration elapsed() {
    return elapsed;
  }

  /**
   * Returns the timings of the check's phases: {@code dns.mx} and {@code smtp} (from the first
   * conversation started to the last one finished); each address has its own in {@link
   * AddressCheck#timings()}.
   *
   * @return the timings
   */
  public Timings timings() {
    return timings;
  }

  /**
   * Returns every finding: the verdict, DNS, path, then per-address findings.
   *
   * @return the findings
   */
  @Override
  public List<Finding> findings() {
    return findings;
  }

  /**
   * Returns the findings with the given code.
   *
   * @param code the code
   * @return matching findings, possibly empty
   */
  public List<Finding> findings(FindingCode code) {
    return findings.stream().filter(f -> f.is(code)).toList();
  }

  /**
   * Returns the outcome, which follows the verdict (see the class description).
   *
   * @return the outcome
   */
  @Override
  public Outcome outcome() {
    return outcome;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DeliveryPathReport r)) {
      return false;
    }
    return input.equals(r.input)
        && recipient.equals(r.recipient)
        && domain.equals(r.domain)
        && sender.equals(r.sender)
        && mx.equals(r.mx)
        && exchanges.equals(r.exchanges)
        && stage == r.stage
        && verdict.equals(r.verdict)
        && decidingExchange.equals(r.decidingExchange)
        && decidingAddress.equals(r.decidingAddress)
        && incomplete == r.incomplete
        && startedAt.equals(r.startedAt)
        && elapsed.equals(r.elapsed)
        && timings.equals(r.timings)
        && findings.equals(r.findings)
        && outcome == r.outcome;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        input,
        recipient,
        domain,
        sender,
        mx,
        exchanges,
        stage,
        verdict,
        decidingExchange,
        decidingAddress,
        incomplete,
        startedAt,
        elapsed,
        timings,
        findings,
        outcome);
  }

  /**
   * Returns the narrated path: the MX records, each exchange and what its addresses answered, the
   * verdict, then the findings with their next steps.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append("> nslookup -type=mx ").append(domain).append('\n');
    if (mx.nullMx()) {
      sb.append("  null MX: ").append(domain).append(" accepts no mail\n");
    } else if (mx.exchanges().isEmpty()) {
      sb.append("  no exchange found");
      mx.rcode()
          .ifPresentOrElse(
              rc -> sb.append(" (").append(rc).append(')'), () -> sb.append(" (no answer)"));
      sb.append('\n');
    } else {
      if (mx.implicitMx()) {
        sb.append("  no MX records: the implicit MX is the domain itself\n");
      }
      for (MailExchange e : mx.exchanges()) {
        sb.append("  ").append(e).append('\n');
      }
    }
    for (ExchangeCheck e : exchanges) {
      narrate(sb, e);
    }
    sb.append("Verdict: ").append(stage).append(". ").append(verdict).append('\n');
    return ReportText.of(
            "Delivery path for "
                + recipient
                + " (MAIL FROM:"
                + sender
                + " RCPT TO:<"
                + recipient
                + ">)")
        .body(sb)
        .render(this, elapsed);
  }

  private static void narrate(StringBuilder sb, ExchangeCheck e) {
    sb.append("> telnet ")
        .append(e.host())
        .append(" 25   (")
        .append(ordinal(e.position()))
        .append(" exchange, preference ")
        .append(e.preference())
        .append(")\n");
    if (e.addresses().isEmpty()) {
      sb.append("    (no address)\n");
    }
    for (AddressCheck a : e.addresses()) {
      sb.append("    ").append(a.addressText());
      a.target()
          .filter(t -> !(t.getAddress().equals(a.address()) && t.getPort() == 25))
          .ifPresent(t -> sb.append(" via ").append(Addresses.format(t)));
      a.reverse().ifPresent(r -> sb.append(" (").append(describe(r)).append(')'));
      sb.append('\n');
      a.smtp()
          .ifPresent(
              r -> {
                for (SmtpExchange s : r.steps()) {
                  if (s.phase() == SmtpPhase.QUIT || s.phase() == SmtpPhase.OTHER) {
                    continue;
                  }
                  sb.append("        ")
                      .append(s.command().isEmpty() ? "(greeting)" : s.command())
                      .append(" -> ")
                      .append(s.reply().firstLine())
                      .append('\n');
                }
                r.tls().ifPresent(t -> sb.append("        TLS: ").append(tlsLine(t)).append('\n'));
              });
      sb.append("      => ").append(a.status()).append(": ").append(a.summary());
      if (a.smtp().isPresent()) {
        sb.append(" (").append(a.elapsed().toMillis()).append(" ms)");
      }
      sb.append('\n');
    }
  }

  private static String describe(ReverseReport r) {
    if (r.names().isEmpty()) {
      return "no PTR";
    }
    return "PTR "
        + String.join(", ", r.names())
        + (r.forwardConfirmed() ? ", forward-confirmed" : ", not forward-confirmed");
  }

  private static String tlsLine(TlsInfo t) {
    if (!t.established()) {
      return "handshake failed" + t.error().map(x -> ": " + x).orElse("");
    }
    List<String> problems = new ArrayList<>();
    if (!t.chainValid()) {
      problems.add("chain not trusted");
    }
    if (t.expired()) {
      problems.add("expired");
    }
    if (!t.hostnameValid()) {
      problems.add("name does not match" + t.serverName().map(n -> " " + n).orElse(""));
    }
    return t.protocol().orElse("?")
        + ", certificate "
        + t.subject().orElse("(none)")
        + (problems.isEmpty() ? ", verified" : ", NOT verified: " + String.join(", ", problems));
  }

  private static String ordinal(int n) {
    int mod100 = n % 100;
    String suffix =
        mod100 >= 11 && mod100 <= 13
            ? "th"
            : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
    return n + suffix;
  }

  /** Builds a {@link DeliveryPathReport}; not thread-safe. */
  public static final class Builder {
    private String input;
    private String recipient;
    private String domain;
    private String sender = "<>";
    private MxReport mx;
    private final List<ExchangeCheck> exchanges = new ArrayList<>();
    private DeliveryStage stage;
    private String verdict;
    private ExchangeCheck decidingExchange;
    private AddressCheck decidingAddress;
    private boolean incomplete;
    private Instant startedAt = Instant.EPOCH;
    private Duration elapsed = Duration.ZERO;
    private Timings timings = Timings.empty();
    private final List<Finding> findings = new ArrayList<>();
    private Outcome outcome;

    private Builder() {}

    /**
     * Sets what was checked.
     *
     * @param input the address or domain as given
     * @param recipient the recipient sent in RCPT TO, without angle brackets
     * @param domain the recipient domain, ASCII
     * @return this builder
     */
    public Builder target(String input, String recipient, String domain) {
      this.input = requireNonNull(input, "input");
      this.recipient = requireNonNull(recipient, "recipient");
      this.domain = requireNonNull(domain, "domain");
      return this;
    }

    /**
     * Sets the reverse path sent in MAIL FROM.
     *
     * @param sender the sender in angle brackets; default {@code <>}
     * @return this builder
     */
    public Builder sender(String sender) {
      this.sender = requireNonNull(sender, "sender");
      return this;
    }

    /**
     * Sets the MX lookup.
     *
     * @param mx the MX report
     * @return this builder
     */
    public Builder mx(MxReport mx) {
      this.mx = requireNonNull(mx, "mx");
      return this;
    }

    /**
     * Adds an exchange check; add them in delivery order.
     *
     * @param exchange the exchange check
     * @return this builder
     */
    public Builder addExchange(ExchangeCheck exchange) {
      exchanges.add(requireNonNull(exchange, "exchange"));
      return this;
    }

    /**
     * Sets the verdict.
     *
     * @param stage where delivery ends
     * @param verdict the verdict in one sentence
     * @return this builder
     */
    public Builder verdict(DeliveryStage stage, String verdict) {
      this.stage = requireNonNull(stage, "stage");
      this.verdict = requireNonNull(verdict, "verdict");
      return this;
    }

    /**
     * Sets the exchange and address whose answer decided the verdict.
     *
     * @param exchange the exchange, or {@code null}
     * @param address the address, or {@code null}
     * @return this builder
     */
    public Builder decidedBy(ExchangeCheck exchange, AddressCheck address) {
      this.decidingExchange = exchange;
      this.decidingAddress = address;
      return this;
    }

    /**
     * Marks the check as cut short by the deadline or a limit.
     *
     * @param incomplete whether addresses were left untried
     * @return this builder
     */
    public Builder incomplete(boolean incomplete) {
      this.incomplete = incomplete;
      return this;
    }

    /**
     * Sets the start time.
     *
     * @param startedAt the start time
     * @return this builder
     */
    public Builder startedAt(Instant startedAt) {
      this.startedAt = requireNonNull(startedAt, "startedAt");
      return this;
    }

    /**
     * Sets the total elapsed time.
     *
     * @param elapsed the elapsed time
     * @return this builder
     */
    public Builder elapsed(Duration elapsed) {
      this.elapsed = requireNonNull(elapsed, "elapsed");
      return this;
    }

    /**
     * Sets the timings.
     *
     * @param timings the timings
     * @return this builder
     */
    public Builder timings(Timings timings) {
      this.timings = requireNonNull(timings, "timings");
      return this;
    }

    /**
     * Adds a finding.
     *
     * @param finding the finding
     * @return this builder
     */
    public Builder addFinding(Finding finding) {
      findings.add(requireNonNull(finding, "finding"));
      return this;
    }

    /**
     * Sets the outcome; by default it follows the verdict (see {@link DeliveryPathReport}).
     *
     * @param outcome the outcome, or {@code null} for the default
     * @return this builder
     */
    public Builder outcome(Outcome outcome) {
      this.outcome = outcome;
      return this;
    }

    /**
     * Builds the report.
     *
     * @return the immutable report
     * @throws NullPointerException when the target, MX report or verdict was not set
     */
    public DeliveryPathReport build() {
      return new DeliveryPathReport(this);
    }
  }
}
