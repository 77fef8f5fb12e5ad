package dev.mailpath.diag.posture;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.auth.DkimKeyReport;
import dev.mailpath.diag.auth.DmarcRecordReport;
import dev.mailpath.diag.auth.SpfRecordReport;
import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.ReportText;
import dev.mailpath.diag.dns.MxReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The mail posture of one domain ({@link MailPostureCheck#check(String)}): the reports of every
 * part (MX, SPF and DMARC records, DKIM keys, MTA-STS, TLS-RPT, DNSSEC and DANE, DNSBL), what each
 * exchange address showed over SMTP and STARTTLS, a score per {@link PostureCategory} with the
 * tests behind it, and the findings of all parts.
 *
 * <pre>{@code
 * MailPostureReport r = posture.check("example.org");
 * r.score();                                   // OptionalInt[72]: the mean of the categories
 * r.score(PostureCategory.STARTTLS_DANE);      // STARTTLS and DANE: 66% with its tests
 * r.exchanges().get(0).addresses().get(0).tls(); // TLSv1.3, certificate valid
 * }</pre>
 *
 * <p>A part that did not finish before the deadline is empty ({@link Optional#empty()}), {@link
 * #incomplete()} is true, and its tests are {@link Outcome#INCONCLUSIVE}, not failed. Immutable and
 * thread-safe.
 */
public final class MailPostureReport implements DiagnosticReport {
  private final String domain;
  private final List<String> dnsServers;
  private final Optional<MxReport> mx;
  private final Optional<SpfRecordReport> spf;
  private final Optional<DmarcRecordReport> dmarc;
  private final List<DkimKeyReport> dkim;
  private final Optional<MtaStsReport> mtaSts;
  private final Optional<TlsRptReport> tlsRpt;
  private final Optional<DaneReport> dane;
  private final List<ExchangePosture> exchanges;
  private final List<DnsblReport> dnsbl;
  private final List<PostureScore> scores;
  private final List<Finding> findings;
  private final boolean incomplete;
  private final Instant startedAt;
  private final Duration elapsed;

  private MailPostureReport(Builder b) {
    this.domain = requireNonNull(b.domain, "domain");
    this.dnsServers = List.copyOf(b.dnsServers);
    this.mx = b.mx;
    this.spf = b.spf;
    this.dmarc = b.dmarc;
    this.dkim = List.copyOf(b.dkim);
    this.mtaSts = b.mtaSts;
    this.tlsRpt = b.tlsRpt;
    this.dane = b.dane;
    this.exchanges = List.copyOf(b.exchanges);
    this.dnsbl = List.copyOf(b.dnsbl);
    this.scores = List.copyOf(b.scores);
    this.findings = List.copyOf(b.findings);
    this.incomplete = b.incomplete;
    this.startedAt = b.startedAt;
    this.elapsed = b.elapsed;
  }

  /**
   * Returns a builder, for tests and for tools that rebuild a report.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding this report's values.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.domain = domain;
    b.dnsServers.addAll(dnsServers);
    b.mx = mx;
    b.spf = spf;
    b.dmarc = dmarc;
    b.dkim.addAll(dkim);
    b.mtaSts = mtaSts;
    b.tlsRpt = tlsRpt;
    b.dane = dane;
    b.exchanges.addAll(exchanges);
    b.dnsbl.addAll(dnsbl);
    b.scores.addAll(scores);
    b.findings.addAll(findings);
    b.incomplete = incomplete;
    b.startedAt = startedAt;
    b.elapsed = elapsed;
    return b;
  }

  /**
   * Returns the domain checked.
   *
   * @return the domain in A-labels, without the trailing dot
   */
  public String domain() {
    return domain;
  }

  /**
   * Returns the DNS servers every part asked.
   *
   * @return {@code ip:port} texts, or {@code "system resolvers"} when none was configured
   */
  public List<String> dnsServers() {
    return dnsServers;
  }

  /**
   * Returns the MX lookup.
   *
   * @return the report, empty when it did not finish in time
   */
  public Optional<MxReport> mx() {
    return mx;
  }

  /**
   * Returns the SPF record check.
   *
   * @return the report, empty when it did not finish in time
   */
  public Optional<SpfRecordReport> spf() {
    return spf;
  }

  /**
   * Returns the DMARC record check.
   *
   * @return the report, empty when it did not finish in time
   */
  public Optional<DmarcRecordReport> dmarc() {
    return dmarc;
  }

  /**
   * Returns the DKIM keys of the selectors the caller named.
   *
   * @return one report per selector, in the order named; empty when none was named
   */
  public List<DkimKeyReport> dkim() {
    return dkim;
  }

  /**
   * Returns the MTA-STS check.
   *
   * @return the report, empty when it did not finish in time
   */
  public Optional<MtaStsReport> mtaSts() {
    return mtaSts;
  }

  /**
   * Returns the TLS-RPT check.
   *
   * @return the report, empty when it did not finish in time
   */
  public Optional<TlsRptReport> tlsRpt() {
    return tlsRpt;
  }

  /**
   * Returns DNSSEC and DANE: the validated status of the MX records and, per exchange, of its
   * addresses and TLSA records, and the TLSA match against the certificate the exchange sent.
   *
   * @return the report, empty when the MX validation did not finish in time
   */
  public Optional<DaneReport> dane() {
    return dane;
  }

  /**
   * Returns what each exchange showed over SMTP.
   *
   * @return the exchanges in preference order (at most 10)
   */
  public List<ExchangePosture> exchanges() {
    return exchanges;
  }

  /**
   * Returns the blocklist answers: one report per exchange address, then the domain's when domain
   * lists are configured.
   *
   * @return the reports; empty when no list was configured
   */
  public List<DnsblReport> dnsbl() {
    return dnsbl;
  }

  /**
   * Returns the score of every category, in {@link PostureCategory} order.
   *
   * @return the scores
   */
  public List<PostureScore> scores() {
    return scores;
  }

  /**
   * Returns the score of one category.
   *
   * @param category the category
   * @return its score, empty when the report has none for it
   */
  public Optional<PostureScore> score(PostureCategory category) {
    requireNonNull(category, "category");
    return scores.stream().filter(s -> s.category() == category).findFirst();
  }

  /**
   * Returns the overall score: the mean of the category scores that are present, rounded down
   * (every category weighs the same, as in internet.nl).
   *
   * @return 0 to 100, empty when no category could be scored
   */
  public OptionalInt score() {
    List<Integer> present = new ArrayList<>();
    for (PostureScore s : scores) {
      s.score().ifPresent(present::add);
    }
    if (present.isEmpty()) {
      return OptionalInt.empty();
    }
    int sum = 0;
    for (int v : present) {
      sum += v;
    }
    return OptionalInt.of(sum / present.size());
  }

  /**
   * Returns every test of every category.
   *
   * @return the tests, category by category
   */
  public List<PostureTest> tests() {
    List<PostureTest> out = new ArrayList<>();
    for (PostureScore s : scores) {
      out.addAll(s.tests());
    }
    return List.copyOf(out);
  }

  /**
   * Tells whether the deadline cut the check short (some parts are missing).
   *
   * @return true when incomplete
   */
  public boolean incomplete() {
    return incomplete;
  }

  @Override
  public List<Finding> findings() {
    return findings;
  }

  @Override
  public Instant startedAt() {
    return startedAt;
  }

  @Override
  public Duration elapsed() {
    return elapsed;
  }

  @Override
  public Outcome outcome() {
    Outcome o = Outcome.fromFindings(findings);
    if (o == Outcome.PASS && score().isEmpty()) {
      return Outcome.INCONCLUSIVE;
    }
    return o;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MailPostureReport r
        && domain.equals(r.domain)
        && dnsServers.equals(r.dnsServers)
        && mx.equals(r.mx)
        && spf.equals(r.spf)
        && dmarc.equals(r.dmarc)
        && dkim.equals(r.dkim)
        && mtaSts.equals(r.mtaSts)
        && tlsRpt.equals(r.tlsRpt)
        && dane.equals(r.dane)
        && exchanges.equals(r.exchanges)
        && dnsbl.equals(r.dnsbl)
        && scores.equals(r.scores)
        && findings.equals(r.findings)
        && incomplete == r.incomplete
        && startedAt.equals(r.startedAt)
        && elapsed.equals(r.elapsed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(domain, exchanges, scores, findings);
  }

  /** Returns the scores with their tests, the exchanges, and the findings. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Mail posture of ").append(domain).append(": ");
    OptionalInt s = score();
    sb.append(s.isPresent() ? s.getAsInt() + "%" : "not scored");
    if (incomplete) {
      sb.append(" (incomplete: the deadline passed)");
    }
    sb.append("\n  DNS servers: ").append(String.join(", ", dnsServers));
    for (PostureScore score : scores) {
      sb.append("\n  ").append(score);
    }
    if (!exchanges.isEmpty()) {
      sb.append("\n  Exchanges:");
      for (ExchangePosture e : exchanges) {
        sb.append("\n    ").append(e);
      }
    }
    return ReportText.of(sb.toString()).render(this, elapsed);
  }

  /** Builds a {@link MailPostureReport}. Not thread-safe. */
  public static final class Builder {
    private String domain;
    private final List<String> dnsServers = new ArrayList<>();
    private Optional<MxReport> mx = Optional.empty();
    private Optional<SpfRecordReport> spf = Optional.empty();
    private Optional<DmarcRecordReport> dmarc = Optional.empty();
    private final List<DkimKeyReport> dkim = new ArrayList<>();
    private Optional<MtaStsReport> mtaSts = Optional.empty();
    private Optional<TlsRptReport> tlsRpt = Optional.empty();
    private Optional<DaneReport> dane = Optional.empty();
    private final List<ExchangePosture> exchanges = new ArrayList<>();
    private final List<DnsblReport> dnsbl = new ArrayList<>();
    private final List<PostureScore> scores = new ArrayList<>();
    private final List<Finding> findings = new ArrayList<>();
    private boolean incomplete;
    private Instant startedAt = Instant.EPOCH;
    private Duration elapsed = Duration.ZERO;

    private Builder() {}

    /**
     * Sets the domain.
     *
     * @param domain A-labels, no trailing dot
     * @return this builder
     */
    public Builder domain(String domain) {
      this.domain = requireNonNull(domain, "domain");
      return this;
    }

    /**
     * Adds a DNS server the parts asked.
     *
     * @param server {@code ip:port} text
     * @return this builder
     */
    public Builder addDnsServer(String server) {
      dnsServers.add(requireNonNull(server, "server"));
      return this;
    }

    /**
     * Sets the MX lookup.
     *
     * @param mx the report
     * @return this builder
     */
    public Builder mx(MxReport mx) {
      this.mx = Optional.of(mx);
      return this;
    }

    /**
     * Sets the SPF record check.
     *
     * @param spf the report
     * @return this builder
     */
    public Builder spf(SpfRecordReport spf) {
      this.spf = Optional.of(spf);
      return this;
    }

    /**
     * Sets the DMARC record check.
     *
     * @param dmarc the report
     * @return this builder
     */
    public Builder dmarc(DmarcRecordReport dmarc) {
      this.dmarc = Optional.of(dmarc);
      return this;
    }

    /**
     * Adds a DKIM key report.
     *
     * @param key the report
     * @return this builder
     */
    public Builder addDkim(DkimKeyReport key) {
      dkim.add(requireNonNull(key, "key"));
      return this;
    }

    /**
     * Sets the MTA-STS check.
     *
     * @param mtaSts the report
     * @return this builder
     */
    public Builder mtaSts(MtaStsReport mtaSts) {
      this.mtaSts = Optional.of(mtaSts);
      return this;
    }

    /**
     * Sets the TLS-RPT check.
     *
     * @param tlsRpt the report
     * @return this builder
     */
    public Builder tlsRpt(TlsRptReport tlsRpt) {
      this.tlsRpt = Optional.of(tlsRpt);
      return this;
    }

    /**
     * Sets the DNSSEC and DANE check.
     *
     * @param dane the report
     * @return this builder
     */
    public Builder dane(DaneReport dane) {
      this.dane = Optional.of(dane);
      return this;
    }

    /**
     * Adds an exchange.
     *
     * @param exchange what it showed
     * @return this builder
     */
    public Builder addExchange(ExchangePosture exchange) {
      exchanges.add(requireNonNull(exchange, "exchange"));
      return this;
    }

    /**
     * Adds a blocklist report.
     *
     * @param report the report
     * @return this builder
     */
    public Builder addDnsbl(DnsblReport report) {
      dnsbl.add(requireNonNull(report, "report"));
      return this;
    }

    /**
     * Adds a category score.
     *
     * @param score the score
     * @return this builder
     */
    public Builder addScore(PostureScore score) {
      scores.add(requireNonNull(score, "score"));
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
     * Records that the deadline cut the check short.
     *
     * @param incomplete whether it did
     * @return this builder
     */
    public Builder incomplete(boolean incomplete) {
      this.incomplete = incomplete;
      return this;
    }

    /**
     * Sets when the check started.
     *
     * @param startedAt the instant
     * @return this builder
     */
    public Builder startedAt(Instant startedAt) {
      this.startedAt = requireNonNull(startedAt, "startedAt");
      return this;
    }

    /**
     * Sets how long the check took.
     *
     * @param elapsed the duration
     * @return this builder
     */
    public Builder elapsed(Duration elapsed) {
      this.elapsed = requireNonNull(elapsed, "elapsed");
      return this;
    }

    /**
     * Builds the report.
     *
     * @return the report
     * @throws NullPointerException when the domain is missing
     */
    public MailPostureReport build() {
      return new MailPostureReport(this);
    }
  }
}
