package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.ReportText;
import dev.mailpath.diag.dns.internal.Questions;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One question put to one server and everything that came back, like the output of {@code dig
 * @server name type}: the header (ID, opcode, response code, flags), every section as {@link
 * DnsRecord}s, the EDNS data (including the server's NSID identity), the round-trip time, the size
 * of the reply, and findings for what went wrong (no reply, SERVFAIL, REFUSED, NXDOMAIN).
 *
 * <p>{@code toString()} prints a dig-like view:
 *
 * <pre>{@code
 * ; <<>> mailpath <<>> @127.0.1.1#5353 example.org. MX +norec
 * ;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 4242
 * ;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
 *
 * ;; QUESTION SECTION:
 * ;example.org.            IN  MX
 *
 * ;; AUTHORITY SECTION:
 * org.    172800  IN  NS  ns1.nic.org.
 * ...
 * ;; Query time: 1 msec
 * ;; SERVER: 127.0.1.1#5353 (UDP)
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@link #builder()} is public so that users can fake reports in
 * their own tests.
 */
public final class DnsQueryReport implements DiagnosticReport {

  /** What happened to the query. */
  public enum Status {
    /**
     * A reply arrived that matches the query (ID, QR, question). Its rcode may still be an error.
     */
    ANSWERED,
    /** No valid reply within the timeout, after every retry. */
    TIMEOUT,
    /** Sending or receiving failed: port unreachable, connection refused or reset. */
    NETWORK_ERROR,
    /** Only unreadable replies arrived. */
    MALFORMED
  }

  private final InetSocketAddress server;
  private final String name;
  private final RecordType type;
  private final boolean recursionDesired;
  private final Status status;
  private final String error;
  private final int id;
  private final String opcode;
  private final String rcode;
  private final Set<DnsFlag> flags;
  private final List<DnsRecord> answer;
  private final List<DnsRecord> authority;
  private final List<DnsRecord> additional;
  private final Edns edns;
  private final boolean tcp;
  private final boolean truncatedRetry;
  private final int responseSize;
  private final Duration elapsed;
  private final int attempts;
  private final int ignoredReplies;
  private final Instant startedAt;
  private final List<Finding> findings;
  private final Outcome outcome;
  private final Referral referral;

  private DnsQueryReport(Builder b) {
    this.server = requireNonNull(b.server, "server");
    this.name = requireNonNull(b.name, "name");
    this.type = requireNonNull(b.type, "type");
    this.recursionDesired = b.recursionDesired;
    this.status = requireNonNull(b.status, "status");
    this.error = b.error;
    this.id = b.id;
    this.opcode = b.opcode;
    this.rcode = status == Status.ANSWERED ? requireNonNull(b.rcode, "rcode") : status.name();
    this.flags =
        Collections.unmodifiableSet(
            b.flags.isEmpty() ? EnumSet.noneOf(DnsFlag.class) : EnumSet.copyOf(b.flags));
    this.answer = List.copyOf(b.answer);
    this.authority = List.copyOf(b.authority);
    this.additional = List.copyOf(b.additional);
    this.edns = b.edns;
    this.tcp = b.tcp;
    this.truncatedRetry = b.truncatedRetry;
    this.responseSize = b.responseSize;
    this.elapsed = requireNonNull(b.elapsed, "elapsed");
    this.attempts = b.attempts;
    this.ignoredReplies = b.ignoredReplies;
    this.startedAt = requireNonNull(b.startedAt, "startedAt");
    this.findings = List.copyOf(b.findings);
    this.outcome =
        b.outcome != null
            ? b.outcome
            : status != Status.ANSWERED ? Outcome.INCONCLUSIVE : Outcome.fromFindings(findings);
    this.referral = findReferral();
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
    b.server = server;
    b.name = name;
    b.type = type;
    b.recursionDesired = recursionDesired;
    b.status = status;
    b.error = error;
    b.id = id;
    b.opcode = opcode;
    b.rcode = status == Status.ANSWERED ? rcode : null;
    b.flags.addAll(flags);
    b.answer.addAll(answer);
    b.authority.addAll(authority);
    b.additional.addAll(additional);
    b.edns = edns;
    b.tcp = tcp;
    b.truncatedRetry = truncatedRetry;
    b.responseSize = responseSize;
    b.elapsed = elapsed;
    b.attempts = attempts;
    b.ignoredReplies = ignoredReplies;
    b.startedAt = startedAt;
    b.findings.addAll(findings);
    b.outcome = outcome;
    return b;
  }

  /**
   * Returns the server asked.
   *
   * @return the address and port
   */
  public InetSocketAddress server() {
    return server;
  }

  /**
   * Returns the query name, absolute with the final dot ({@code example.org.}, or {@code .} for the
   * root).
   *
   * @return the name as asked
   */
  public String name() {
    return name;
  }

  /**
   * Returns the record type asked for.
   *
   * @return the type
   */
  public RecordType type() {
    return type;
  }

  /**
   * Tells whether the query had RD set (dig's default; {@code +norec} clears it).
   *
   * @return the RD flag of the query
   */
  public boolean recursionDesired() {
    return recursionDesired;
  }

  /**
   * Returns what happened to the query.
   *
   * @return the status
   */
  public Status status() {
    return status;
  }

  /**
   * Tells whether a matching reply arrived (whatever its response code).
   *
   * @return {@code true} for {@link Status#ANSWERED}
   */
  public boolean answered() {
    return status == Status.ANSWERED;
  }

  /**
   * Returns why no reply was usable: {@code no valid reply}, {@code port unreachable}, ...
   *
   * @return the error, or empty when a reply arrived
   */
  public Optional<String> error() {
    return Optional.ofNullable(error);
  }

  /**
   * Returns the message ID of the reply (equal to the query's).
   *
   * @return the ID, or 0 without a reply
   */
  public int id() {
    return id;
  }

  /**
   * Returns the opcode of the reply.
   *
   * @return {@code QUERY} normally; empty without a reply
   */
  public Optional<String> opcode() {
    return Optional.ofNullable(opcode);
  }

  /**
   * Returns the response code name ({@code NOERROR}, {@code NXDOMAIN}, {@code SERVFAIL}, {@code
   * REFUSED}, ...), or without a reply the status ({@code TIMEOUT}, {@code NETWORK_ERROR}, {@code
   * MALFORMED}), as {@link DnsLookup#rcode()} does.
   *
   * @return the rcode or status name
   */
  public String rcode() {
    return rcode;
  }

  /**
   * Returns the header flags of the reply.
   *
   * @return the flags set; empty without a reply
   */
  public Set<DnsFlag> flags() {
    return flags;
  }

  /**
   * Tells whether a flag is set in the reply.
   *
   * @param flag the flag
   * @return {@code true} when set
   */
  public boolean hasFlag(DnsFlag flag) {
    return flags.contains(flag);
  }

  /**
   * Tells whether the reply was authoritative (AA): the server holds the zone.
   *
   * @return the AA flag
   */
  public boolean authoritative() {
    return flags.contains(DnsFlag.AA);
  }

  /**
   * Tells whether the server offers recursion (RA).
   *
   * @return the RA flag
   */
  public boolean recursionAvailable() {
    return flags.contains(DnsFlag.RA);
  }

  /**
   * Returns the answer section.
   *
   * @return the records, in the order sent
   */
  public List<DnsRecord> answer() {
    return answer;
  }

  /**
   * Returns the authority section: the NS set of a referral, or the SOA of a negative answer.
   *
   * @return the records, in the order sent
   */
  public List<DnsRecord> authority() {
    return authority;
  }

  /**
   * Returns the additional section without the OPT pseudo-record (see {@link #edns()}).
   *
   * @return the records, in the order sent
   */
  public List<DnsRecord> additional() {
    return additional;
  }

  /**
   * Returns the answer records of one type.
   *
   * @param recordType the type
   * @return the matching answer records
   */
  public List<DnsRecord> answers(RecordType recordType) {
    return answer.stream().filter(r -> r.type() == recordType).toList();
  }

  /**
   * Returns the EDNS data of the reply.
   *
   * @return the OPT record's data, or empty when the reply had none
   */
  public Optional<Edns> edns() {
    return Optional.ofNullable(edns);
  }

  /**
   * Returns the server's identity from the NSID option (RFC 5001), when asked for and offered.
   *
   * @return the identity, for example the anycast instance of a root server
   */
  public Optional<String> nsid() {
    return edns == null ? Optional.empty() : edns.nsid();
  }

  /**
   * Returns the referral this reply makes: no answer, an NS set in the authority section and no SOA
   * there.
   *
   * @return the referral, or empty when the reply is an answer, a negative answer or an error
   */
  public Optional<Referral> referral() {
    return Optional.ofNullable(referral);
  }

  /**
   * Returns the serial of an SOA record in the answer or authority section: the zone's version.
   *
   * @return the serial, or empty when the reply holds no SOA
   */
  public Optional<Long> soaSerial() {
    for (List<DnsRecord> section : List.of(answer, authority)) {
      for (DnsRecord r : section) {
        if (r.type() == RecordType.SOA) {
          return r.soaSerial();
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Tells whether the reply came over TCP.
   *
   * @return {@code true} for TCP (asked for, or after a truncated UDP reply)
   */
  public boolean tcp() {
    return tcp;
  }

  /**
   * Tells whether a truncated UDP reply was repeated over TCP.
   *
   * @return {@code true} when TC forced a TCP retry
   */
  public boolean truncatedRetry() {
    return truncatedRetry;
  }

  /**
   * Returns the size of the reply in bytes (dig's {@code MSG SIZE rcvd}).
   *
   * @return the size, or 0 without a reply
   */
  public int responseSize() {
    return responseSize;
  }

  /**
   * Returns the round-trip time of the last attempt (dig's {@code Query time}); for a timeout the
   * time waited.
   *
   * @return the round-trip time
   */
  public Duration elapsed() {
    return elapsed;
  }

  /**
   * Returns how many queries were sent (1 plus retries after timeouts).
   *
   * @return the attempts
   */
  public int attempts() {
    return attempts;
  }

  /**
   * Returns how many packets were ignored because they did not match the query (wrong ID, QR clear,
   * another question): a sign of spoofing attempts or a confused middlebox.
   *
   * @return the count
   */
  public int ignoredReplies() {
    return ignoredReplies;
  }

  /**
   * Returns when the query was sent.
   *
   * @return the timestamp, from the environment's clock
   */
  public Instant startedAt() {
    return startedAt;
  }

  /**
   * Returns the findings: no reply, error response codes, NXDOMAIN, truncation.
   *
   * @return the findings
   */
  @Override
  public List<Finding> findings() {
    return findings;
  }

  /**
   * Returns the outcome: INCONCLUSIVE without a reply, otherwise derived from the findings.
   *
   * @return the outcome
   */
  @Override
  public Outcome outcome() {
    return outcome;
  }

  /**
   * Returns this query as a {@link DnsLookup}, the summary other reports list.
   *
   * @return the lookup
   */
  public DnsLookup toLookup() {
    String plain =
        name.length() > 1 && name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    return new DnsLookup(
        plain, type.name(), server, rcode, authoritative(), tcp, truncatedRetry, elapsed);
  }

  private Referral findReferral() {
    if (status != Status.ANSWERED || !rcode.equals("NOERROR") || !answer.isEmpty()) {
      return null;
    }
    String zone = null;
    List<String> ns = new ArrayList<>();
    for (DnsRecord r : authority) {
      if (r.type() == RecordType.SOA) {
        return null; // a negative answer (RFC 2308), not a referral
      }
      if (r.type() == RecordType.NS) {
        String owner = r.name().toLowerCase(Locale.ROOT);
        if (zone == null) {
          zone = owner;
        }
        if (owner.equals(zone)) {
          r.target().ifPresent(ns::add);
        }
      }
    }
    if (zone == null) {
      return null;
    }
    List<DnsRecord> glue = new ArrayList<>();
    for (DnsRecord r : additional) {
      if ((r.type() == RecordType.A || r.type() == RecordType.AAAA)
          && ns.contains(r.name().toLowerCase(Locale.ROOT))) {
        glue.add(r);
      }
    }
    return new Referral(zone, ns, glue);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DnsQueryReport r)) {
      return false;
    }
    return server.equals(r.server)
        && name.equals(r.name)
        && type == r.type
        && recursionDesired == r.recursionDesired
        && status == r.status
        && Objects.equals(error, r.error)
        && id == r.id
        && Objects.equals(opcode, r.opcode)
        && rcode.equals(r.rcode)
        && flags.equals(r.flags)
        && answer.equals(r.answer)
        && authority.equals(r.authority)
        && additional.equals(r.additional)
        && Objects.equals(edns, r.edns)
        && tcp == r.tcp
        && truncatedRetry == r.truncatedRetry
        && responseSize == r.responseSize
        && elapsed.equals(r.elapsed)
        && attempts == r.attempts
        && ignoredReplies == r.ignoredReplies
        && startedAt.equals(r.startedAt)
        && findings.equals(r.findings)
        && outcome == r.outcome;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        server, name, type, status, id, rcode, flags, answer, authority, additional);
  }

  /** Returns the dig-like view: header, flags, EDNS, sections, query time, server, findings. */
  @Override
  public String toString() {
    String hostPort = hostPort(server);
    String header =
        "; <<>> mailpath <<>> @"
            + hostPort
            + ' '
            + name
            + ' '
            + type
            + (recursionDesired ? "" : " +norec")
            + (tcp && !truncatedRetry ? " +tcp" : "");
    StringBuilder sb = new StringBuilder();
    if (status != Status.ANSWERED) {
      sb.append(";; communications error to ")
          .append(hostPort)
          .append(": ")
          .append(
              status == Status.TIMEOUT
                  ? "timed out"
                  : status == Status.MALFORMED ? "unreadable reply" : "network error")
          .append(error == null ? "" : " (" + error + ")")
          .append(" after ")
          .append(attempts)
          .append(attempts == 1 ? " attempt" : " attempts")
          .append('\n');
      sb.append(";; no servers could be reached\n");
    } else {
      sb.append(";; ->>HEADER<<- opcode: ")
          .append(opcode == null ? "QUERY" : opcode)
          .append(", status: ")
          .append(rcode)
          .append(", id: ")
          .append(id)
          .append('\n');
      sb.append(";; flags:");
      for (DnsFlag f : flags) {
        sb.append(' ').append(f.mnemonic());
      }
      sb.append("; QUERY: 1, ANSWER: ")
          .append(answer.size())
          .append(", AUTHORITY: ")
          .append(authority.size())
          .append(", ADDITIONAL: ")
          .append(additional.size() + (edns == null ? 0 : 1))
          .append('\n');
      if (edns != null) {
        sb.append("\n;; OPT PSEUDOSECTION:\n").append(edns).append('\n');
      }
      sb.append("\n;; QUESTION SECTION:\n;")
          .append(name)
          .append("\t\tIN\t")
          .append(type)
          .append('\n');
      section(sb, "ANSWER", answer);
      section(sb, "AUTHORITY", authority);
      section(sb, "ADDITIONAL", additional);
      sb.append('\n');
      sb.append(";; Query time: ").append(elapsed.toMillis()).append(" msec\n");
      sb.append(";; SERVER: ").append(hostPort).append(tcp ? " (TCP)" : " (UDP)").append('\n');
      sb.append(";; WHEN: ").append(startedAt).append('\n');
      sb.append(";; MSG SIZE  rcvd: ").append(responseSize).append('\n');
    }
    return ReportText.of(header).body(sb).render(this, elapsed);
  }

  private static void section(StringBuilder sb, String title, List<DnsRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    sb.append("\n;; ").append(title).append(" SECTION:\n");
    for (DnsRecord r : records) {
      sb.append(r).append('\n');
    }
  }

  static String hostPort(InetSocketAddress a) {
    return Questions.hostPort(a);
  }

  /** Builds a {@link DnsQueryReport}; not thread-safe. */
  public static final class Builder {
    private InetSocketAddress server;
    private String name;
    private RecordType type;
    private boolean recursionDesired = true;
    private Status status = Status.ANSWERED;
    private String error;
    private int id;
    private String opcode = "QUERY";
    private String rcode = "NOERROR";
    private final Set<DnsFlag> flags = EnumSet.noneOf(DnsFlag.class);
    private final List<DnsRecord> answer = new ArrayList<>();
    private final List<DnsRecord> authority = new ArrayList<>();
    private final List<DnsRecord> additional = new ArrayList<>();
    private Edns edns;
    private boolean tcp;
    private boolean truncatedRetry;
    private int responseSize;
    private Duration elapsed = Duration.ZERO;
    private int attempts = 1;
    private int ignoredReplies;
    private Instant startedAt = Instant.EPOCH;
    private final List<Finding> findings = new ArrayList<>();
    private Outcome outcome;

    private Builder() {}

    /**
     * Sets the server asked.
     *
     * @param server the server
     * @return this builder
     */
    public Builder server(InetSocketAddress server) {
      this.server = requireNonNull(server, "server");
      return this;
    }

    /**
     * Sets the query name, absolute with the final dot.
     *
     * @param name the name
     * @return this builder
     * @throws IllegalArgumentException when the name does not end with a dot
     */
    public Builder name(String name) {
      requireNonNull(name, "name");
      if (!name.endsWith(".")) {
        throw new IllegalArgumentException("name must be absolute, ending with a dot: " + name);
      }
      this.name = name;
      return this;
    }

    /**
     * Sets the type asked for.
     *
     * @param type the type
     * @return this builder
     */
    public Builder type(RecordType type) {
      this.type = requireNonNull(type, "type");
      return this;
    }

    /**
     * Sets whether the query had RD set; default {@code true}.
     *
     * @param recursionDesired the RD flag of the query
     * @return this builder
     */
    public Builder recursionDesired(boolean recursionDesired) {
      this.recursionDesired = recursionDesired;
      return this;
    }

    /**
     * Sets what happened; default {@link Status#ANSWERED}.
     *
     * @param status the status
     * @return this builder
     */
    public Builder status(Status status) {
      this.status = requireNonNull(status, "status");
      return this;
    }

    /**
     * Sets why no reply was usable.
     *
     * @param error the error, or {@code null}
     * @return this builder
     */
    public Builder error(String error) {
      this.error = error;
      return this;
    }

    /**
     * Sets the message ID.
     *
     * @param id 0 to 65535
     * @return this builder
     */
    public Builder id(int id) {
      this.id = dev.mailpath.diag.core.internal.Checks.range("id", id, 0, 0xFFFF);
      return this;
    }

    /**
     * Sets the opcode name; default {@code QUERY}.
     *
     * @param opcode the opcode, or {@code null} without a reply
     * @return this builder
     */
    public Builder opcode(String opcode) {
      this.opcode = opcode;
      return this;
    }

    /**
     * Sets the response code name of a reply; default {@code NOERROR}.
     *
     * @param rcode for example {@code NXDOMAIN}
     * @return this builder
     */
    public Builder rcode(String rcode) {
      this.rcode = requireNonNull(rcode, "rcode");
      return this;
    }

    /**
     * Sets a header flag of the reply.
     *
     * @param flag the flag
     * @return this builder
     */
    public Builder addFlag(DnsFlag flag) {
      flags.add(requireNonNull(flag, "flag"));
      return this;
    }

    /**
     * Adds an answer record.
     *
     * @param record the record
     * @return this builder
     */
    public Builder addAnswer(DnsRecord record) {
      answer.add(requireNonNull(record, "record"));
      return this;
    }

    /**
     * Adds an authority record.
     *
     * @param record the record
     * @return this builder
     */
    public Builder addAuthority(DnsRecord record) {
      authority.add(requireNonNull(record, "record"));
      return this;
    }

    /**
     * Adds an additional record (not OPT; see {@link #edns(Edns)}).
     *
     * @param record the record
     * @return this builder
     */
    public Builder addAdditional(DnsRecord record) {
      additional.add(requireNonNull(record, "record"));
      return this;
    }

    /**
     * Sets the EDNS data of the reply.
     *
     * @param edns the data, or {@code null} when the reply had no OPT record
     * @return this builder
     */
    public Builder edns(Edns edns) {
      this.edns = edns;
      return this;
    }

    /**
     * Sets whether the reply came over TCP.
     *
     * @param tcp {@code true} for TCP
     * @return this builder
     */
    public Builder tcp(boolean tcp) {
      this.tcp = tcp;
      return this;
    }

    /**
     * Sets whether a truncated UDP reply was repeated over TCP.
     *
     * @param truncatedRetry the flag
     * @return this builder
     */
    public Builder truncatedRetry(boolean truncatedRetry) {
      this.truncatedRetry = truncatedRetry;
      return this;
    }

    /**
     * Sets the reply size.
     *
     * @param responseSize bytes, 0 without a reply
     * @return this builder
     */
    public Builder responseSize(int responseSize) {
      this.responseSize =
          dev.mailpath.diag.core.internal.Checks.range("responseSize", responseSize, 0, 0xFFFF);
      return this;
    }

    /**
     * Sets the round-trip time.
     *
     * @param elapsed the time
     * @return this builder
     */
    public Builder elapsed(Duration elapsed) {
      this.elapsed = requireNonNull(elapsed, "elapsed");
      return this;
    }

    /**
     * Sets the number of queries sent; default 1.
     *
     * @param attempts at least 1
     * @return this builder
     */
    public Builder attempts(int attempts) {
      this.attempts = dev.mailpath.diag.core.internal.Checks.range("attempts", attempts, 1, 100);
      return this;
    }

    /**
     * Sets how many non-matching packets were ignored.
     *
     * @param ignoredReplies the count
     * @return this builder
     */
    public Builder ignoredReplies(int ignoredReplies) {
      this.ignoredReplies =
          dev.mailpath.diag.core.internal.Checks.range(
              "ignoredReplies", ignoredReplies, 0, Integer.MAX_VALUE);
      return this;
    }

    /**
     * Sets when the query was sent; default the epoch.
     *
     * @param startedAt the timestamp
     * @return this builder
     */
    public Builder startedAt(Instant startedAt) {
      this.startedAt = requireNonNull(startedAt, "startedAt");
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
     * Sets the outcome; by default INCONCLUSIVE without a reply, else from the findings.
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
     * @throws NullPointerException when server, name or type was not set
     */
    public DnsQueryReport build() {
      return new DnsQueryReport(this);
    }
  }
}
