package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.ReportText;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer to "where does mail for this domain go, and what is wrong with that?": the mail
 * exchanges in RFC 5321 §5.1 delivery order, with their addresses, and the findings.
 *
 * <p>{@code toString()} prints an nslookup-like view:
 *
 * <pre>{@code
 * Server:  127.0.0.1#5353
 * Non-authoritative answer:
 * example.org     MX preference = 10, mail exchanger = mx1.example.org
 * mx1.example.org internet address = 192.0.2.1
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@link #builder()} is public so that users can fake reports in
 * their own tests.
 */
public final class MxReport implements DiagnosticReport {
  private final String domain;
  private final String asciiDomain;
  private final String rcode;
  private final boolean authoritative;
  private final InetSocketAddress server;
  private final Instant startedAt;
  private final Duration elapsed;
  private final List<MailExchange> exchanges;
  private final boolean nullMx;
  private final boolean implicitMx;
  private final List<DnsLookup> lookups;
  private final List<Finding> findings;
  private final Outcome outcome;

  private MxReport(Builder b) {
    this.domain = requireNonNull(b.domain, "domain");
    this.asciiDomain = b.asciiDomain != null ? b.asciiDomain : b.domain;
    this.rcode = b.rcode;
    this.authoritative = b.authoritative;
    this.server = b.server;
    this.startedAt = requireNonNull(b.startedAt, "startedAt");
    this.elapsed = requireNonNull(b.elapsed, "elapsed");
    this.exchanges = List.copyOf(b.exchanges);
    this.nullMx = b.nullMx;
    this.implicitMx = b.implicitMx;
    this.lookups = List.copyOf(b.lookups);
    this.findings = List.copyOf(b.findings);
    this.outcome = b.outcome != null ? b.outcome : Outcome.fromFindings(findings);
  }

  /**
   * Starts building a report (for tests that need a fake one).
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this report.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.domain = domain;
    b.asciiDomain = asciiDomain;
    b.rcode = rcode;
    b.authoritative = authoritative;
    b.server = server;
    b.startedAt = startedAt;
    b.elapsed = elapsed;
    b.exchanges.addAll(exchanges);
    b.nullMx = nullMx;
    b.implicitMx = implicitMx;
    b.lookups.addAll(lookups);
    b.findings.addAll(findings);
    b.outcome = outcome;
    return b;
  }

  /**
   * Returns the domain as the caller gave it (Unicode allowed, no final dot).
   *
   * @return the domain
   */
  public String domain() {
    return domain;
  }

  /**
   * Returns the domain as queried: ASCII, A-labels for internationalised names.
   *
   * @return the ASCII domain
   */
  public String asciiDomain() {
    return asciiDomain;
  }

  /**
   * Returns the response code of the MX query ({@code NOERROR}, {@code NXDOMAIN}, {@code SERVFAIL},
   * ...), or empty when no server answered (timeouts, network errors).
   *
   * @return the rcode name
   */
  public Optional<String> rcode() {
    return Optional.ofNullable(rcode);
  }

  /**
   * Tells whether the MX answer was authoritative (AA set). {@code false} is nslookup's
   * "Non-authoritative answer": a resolver answered from its cache.
   *
   * @return the AA flag of the MX answer
   */
  public boolean authoritative() {
    return authoritative;
  }

  /**
   * Returns the server that answered the MX query.
   *
   * @return the server, or empty when none answered
   */
  public Optional<InetSocketAddress> server() {
    return Optional.ofNullable(server);
  }

  /**
   * Returns how long the whole resolution took (MX query and address lookups).
   *
   * @return elapsed time
   */
  public Duration elapsed() {
    return elapsed;
  }

  /**
   * Returns when the resolution started.
   *
   * @return the timestamp, from the environment's clock
   */
  public Instant startedAt() {
    return startedAt;
  }

  /**
   * Returns the exchanges in RFC 5321 §5.1 delivery order: ascending preference, random order among
   * equal preferences. Empty for a null MX, NXDOMAIN, or when no server answered; one exchange (the
   * domain itself, preference 0) for an implicit MX.
   *
   * @return the exchanges
   */
  public List<MailExchange> exchanges() {
    return exchanges;
  }

  /**
   * Returns every address of every exchange, in delivery order, without duplicates.
   *
   * @return the addresses a sender would try
   */
  public List<InetAddress> addresses() {
    List<InetAddress> all = new ArrayList<>();
    for (MailExchange e : exchanges) {
      for (InetAddress a : e.addresses()) {
        if (!all.contains(a)) {
          all.add(a);
        }
      }
    }
    return List.copyOf(all);
  }

  /**
   * Tells whether the domain publishes a null MX (RFC 7505): it accepts no mail.
   *
   * @return {@code true} for a null MX
   */
  public boolean nullMx() {
    return nullMx;
  }

  /**
   * Tells whether the domain has no MX and its own address serves as the only exchange.
   *
   * @return {@code true} for an implicit MX
   */
  public boolean implicitMx() {
    return implicitMx;
  }

  /**
   * Returns every DNS query made for this report, in order, with the server asked.
   *
   * @return the lookups
   */
  public List<DnsLookup> lookups() {
    return lookups;
  }

  /**
   * Returns the findings.
   *
   * @return the findings, most important first as found
   */
  @Override
  public List<Finding> findings() {
    return findings;
  }

  /**
   * Returns the outcome: FAIL when mail cannot be delivered, WARN for fragile setups, PASS, or
   * INCONCLUSIVE when no server answered.
   *
   * @return the outcome
   */
  @Override
  public Outcome outcome() {
    return outcome;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof MxReport r)) {
      return false;
    }
    return domain.equals(r.domain)
        && asciiDomain.equals(r.asciiDomain)
        && Objects.equals(rcode, r.rcode)
        && authoritative == r.authoritative
        && Objects.equals(server, r.server)
        && startedAt.equals(r.startedAt)
        && elapsed.equals(r.elapsed)
        && exchanges.equals(r.exchanges)
        && nullMx == r.nullMx
        && implicitMx == r.implicitMx
        && lookups.equals(r.lookups)
        && findings.equals(r.findings)
        && outcome == r.outcome;
  }

  @Override
  public int hashCode() {
    return Objects.hash(domain, rcode, server, exchanges, findings, outcome);
  }

  /** Returns the nslookup-like view: server, answer, addresses, then the findings. */
  @Override
  public String toString() {
    String header =
        "Server:  "
            + (server == null
                ? "(no answer)"
                : dev.mailpath.diag.core.internal.Addresses.format(server.getAddress())
                    + "#"
                    + server.getPort());
    StringBuilder sb = new StringBuilder();
    if (rcode == null) {
      sb.append("*** No answer for ").append(asciiDomain).append('\n');
    } else if (!rcode.equals("NOERROR")) {
      sb.append("*** ").append(asciiDomain).append(": ").append(rcode).append('\n');
    } else {
      if (!authoritative) {
        sb.append("Non-authoritative answer:\n");
      }
      if (nullMx) {
        sb.append(asciiDomain)
            .append("\tMX preference = 0, mail exchanger = . (null MX: accepts no mail)\n");
      } else if (implicitMx) {
        sb.append(asciiDomain).append("\thas no MX records; implicit MX is the domain itself\n");
      } else if (exchanges.isEmpty()) {
        sb.append(asciiDomain).append("\thas no MX records\n");
      }
      if (!implicitMx) {
        for (MailExchange e : exchanges) {
          sb.append(asciiDomain)
              .append("\tMX preference = ")
              .append(e.preference())
              .append(", mail exchanger = ")
              .append(e.host())
              .append('\n');
        }
      }
      for (MailExchange e : exchanges) {
        if (e.addresses().isEmpty()) {
          sb.append(e.host()).append("\t(no address)\n");
        }
        for (InetAddress a : e.addresses()) {
          sb.append(e.host())
              .append(
                  a.getAddress().length == 4 ? "\tinternet address = " : "\tAAAA IPv6 address = ")
              .append(dev.mailpath.diag.core.internal.Addresses.format(a))
              .append('\n');
        }
      }
    }
    return ReportText.of(header).body(sb).render(this, elapsed);
  }

  /** Builds an {@link MxReport}; not thread-safe. */
  public static final class Builder {
    private String domain;
    private String asciiDomain;
    private String rcode;
    private boolean authoritative;
    private InetSocketAddress server;
    private Instant startedAt = Instant.EPOCH;
    private Duration elapsed = Duration.ZERO;
    private final List<MailExchange> exchanges = new ArrayList<>();
    private boolean nullMx;
    private boolean implicitMx;
    private final List<DnsLookup> lookups = new ArrayList<>();
    private final List<Finding> findings = new ArrayList<>();
    private Outcome outcome;

    private Builder() {}

    /**
     * Sets the domain as given.
     *
     * @param domain the domain
     * @return this builder
     */
    public Builder domain(String domain) {
      this.domain = requireNonNull(domain, "domain");
      return this;
    }

    /**
     * Sets the domain as queried (ASCII); defaults to {@link #domain(String)}.
     *
     * @param asciiDomain the ASCII domain
     * @return this builder
     */
    public Builder asciiDomain(String asciiDomain) {
      this.asciiDomain = requireNonNull(asciiDomain, "asciiDomain");
      return this;
    }

    /**
     * Sets the MX query's response code name.
     *
     * @param rcode the rcode, or {@code null} when no server answered
     * @return this builder
     */
    public Builder rcode(String rcode) {
      this.rcode = rcode;
      return this;
    }

    /**
     * Sets whether the MX answer was authoritative.
     *
     * @param authoritative the AA flag
     * @return this builder
     */
    public Builder authoritative(boolean authoritative) {
      this.authoritative = authoritative;
      return this;
    }

    /**
     * Sets the server that answered.
     *
     * @param server the server, or {@code null}
     * @return this builder
     */
    public Builder server(InetSocketAddress server) {
      this.server = server;
      return this;
    }

    /**
     * Sets when the resolution started; default the epoch.
     *
     * @param startedAt the timestamp
     * @return this builder
     */
    public Builder startedAt(Instant startedAt) {
      this.startedAt = requireNonNull(startedAt, "startedAt");
      return this;
    }

    /**
     * Sets the total elapsed time.
     *
     * @param elapsed the time
     * @return this builder
     */
    public Builder elapsed(Duration elapsed) {
      this.elapsed = requireNonNull(elapsed, "elapsed");
      return this;
    }

    /**
     * Adds an exchange; add them in delivery order.
     *
     * @param exchange the exchange
     * @return this builder
     */
    public Builder addExchange(MailExchange exchange) {
      exchanges.add(requireNonNull(exchange, "exchange"));
      return this;
    }

    /**
     * Sets the null MX flag.
     *
     * @param nullMx whether the domain publishes a null MX
     * @return this builder
     */
    public Builder nullMx(boolean nullMx) {
      this.nullMx = nullMx;
      return this;
    }

    /**
     * Sets the implicit MX flag.
     *
     * @param implicitMx whether the domain's own address is the exchange
     * @return this builder
     */
    public Builder implicitMx(boolean implicitMx) {
      this.implicitMx = implicitMx;
      return this;
    }

    /**
     * Adds a lookup made for the report.
     *
     * @param lookup the lookup
     * @return this builder
     */
    public Builder addLookup(DnsLookup lookup) {
      lookups.add(requireNonNull(lookup, "lookup"));
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
     * Sets the outcome; by default it follows the worst finding.
     *
     * @param outcome the outcome
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
     * @throws NullPointerException when the domain was not set
     */
    public MxReport build() {
      return new MxReport(this);
    }
  }
}
