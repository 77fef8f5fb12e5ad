package dev.mailpath.diag.trace;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.auth.DkimReport;
import dev.mailpath.diag.auth.DmarcReport;
import dev.mailpath.diag.auth.SpfReport;
import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.ReportText;
import dev.mailpath.diag.core.internal.Addresses;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What {@link MessageAuthentication} found for one message: the connection it evaluated and where
 * that came from, the SPF, DKIM and DMARC reports, the ARC sets, the receiver's own {@code
 * Authentication-Results} compared method by method, and a one-paragraph verdict.
 *
 * @param clientIp the connecting IP of the receiving hop, when known
 * @param helo the HELO/EHLO name of that connection, when known
 * @param mailFrom the MAIL FROM address; empty for a bounce or when unknown
 * @param connectionSource where the connection facts came from
 * @param fromDomain the domain of the From: field, when readable
 * @param spf the SPF report; empty when SPF could not run (no connecting IP)
 * @param dkim the DKIM report (result NONE when unsigned)
 * @param dmarc the DMARC report; empty when there is no usable From: domain
 * @param arcSets the number of ARC sets ({@code ARC-Seal} fields)
 * @param comparisons the receiver's results next to mailpath's, per method
 * @param verdict the verdict in a sentence or two
 * @param fixes what to change, most useful first (the SPF entry to add, the DKIM key to publish,
 *     the signing domain to use); empty when nothing needs fixing
 * @param findings what went wrong
 * @param startedAt when the check started
 * @param elapsed how long it took
 */
public record MessageAuthenticationReport(
    Optional<InetAddress> clientIp,
    Optional<String> helo,
    String mailFrom,
    Source connectionSource,
    Optional<String> fromDomain,
    Optional<SpfReport> spf,
    DkimReport dkim,
    Optional<DmarcReport> dmarc,
    int arcSets,
    List<Comparison> comparisons,
    String verdict,
    List<String> fixes,
    List<Finding> findings,
    Instant startedAt,
    Duration elapsed)
    implements DiagnosticReport {

  /** Where the connection facts (IP, HELO, MAIL FROM) came from. */
  public enum Source {
    /** The topmost {@code Received-SPF} field (RFC 7208 §9.1). */
    RECEIVED_SPF,
    /** The receiving hop's {@code Received} field and the {@code Return-Path}. */
    RECEIVED,
    /** The caller. */
    CALLER,
    /** Nowhere: the message does not say. */
    UNKNOWN
  }

  /**
   * One method's result as the receiver recorded it, next to mailpath's.
   *
   * @param method {@code spf}, {@code dkim} or {@code dmarc}
   * @param authservId the receiver that recorded it, or empty text when the field has none
   * @param receiver the receiver's result, lower case ({@code pass}, {@code fail}, ...)
   * @param mailpath mailpath's result, lower case
   */
  public record Comparison(String method, String authservId, String receiver, String mailpath) {
    /**
     * Checks the components.
     *
     * @param method the method
     * @param authservId the receiver's id
     * @param receiver the receiver's result
     * @param mailpath mailpath's result
     */
    public Comparison {
      requireNonNull(method, "method");
      requireNonNull(authservId, "authservId");
      requireNonNull(receiver, "receiver");
      requireNonNull(mailpath, "mailpath");
    }

    /**
     * Tells whether both say the same.
     *
     * @return true when the results are equal
     */
    public boolean agrees() {
      return receiver.equals(mailpath);
    }
  }

  /**
   * Checks the components and copies the lists.
   *
   * @param clientIp the connecting IP
   * @param helo the HELO name
   * @param mailFrom the MAIL FROM
   * @param connectionSource where the connection came from
   * @param fromDomain the From: domain
   * @param spf the SPF report
   * @param dkim the DKIM report
   * @param dmarc the DMARC report
   * @param arcSets the ARC sets
   * @param comparisons the comparisons
   * @param verdict the verdict
   * @param fixes what to change
   * @param findings the findings
   * @param startedAt the start
   * @param elapsed the duration
   */
  public MessageAuthenticationReport {
    requireNonNull(clientIp, "clientIp");
    requireNonNull(helo, "helo");
    requireNonNull(mailFrom, "mailFrom");
    requireNonNull(connectionSource, "connectionSource");
    requireNonNull(fromDomain, "fromDomain");
    requireNonNull(spf, "spf");
    requireNonNull(dkim, "dkim");
    requireNonNull(dmarc, "dmarc");
    requireNonNull(verdict, "verdict");
    requireNonNull(startedAt, "startedAt");
    requireNonNull(elapsed, "elapsed");
    comparisons = List.copyOf(comparisons);
    fixes = List.copyOf(fixes);
    findings = List.copyOf(findings);
  }

  @Override
  public Outcome outcome() {
    return Outcome.fromFindings(findings);
  }

  /** Returns the verdict, the three results and the findings. */
  @Override
  public String toString() {
    StringBuilder body = new StringBuilder();
    body.append("Connection: ")
        .append(clientIp.map(Addresses::format).orElse("(unknown IP)"))
        .append(" HELO ")
        .append(helo.orElse("(unknown)"))
        .append(" MAIL FROM <")
        .append(mailFrom)
        .append("> (from ")
        .append(connectionSource)
        .append(")\n");
    body.append("SPF:   ")
        .append(spf.map(s -> s.result() + " (" + s.domain() + ")").orElse("not checked"))
        .append('\n');
    body.append("DKIM:  ").append(dkim.result()).append('\n');
    body.append("DMARC: ").append(dmarc.map(d -> d.result().toString()).orElse("not checked"));
    if (arcSets > 0) {
      body.append("\nARC:   ").append(arcSets).append(" set(s), not validated");
    }
    for (Comparison c : comparisons) {
      body.append("\nReceiver ")
          .append(c.authservId().isEmpty() ? "(no authserv-id)" : c.authservId())
          .append(": ")
          .append(c.method())
          .append('=')
          .append(c.receiver())
          .append(c.agrees() ? " (same)" : ", mailpath: " + c.mailpath());
    }
    for (String fix : fixes) {
      body.append("\nFix:   ").append(fix);
    }
    boolean connectionOnly =
        findings.stream().anyMatch(f -> f.is(TraceFinding.AUTH_CONNECTION_ONLY));
    String head =
        connectionOnly
            ? "Authentication of a connection from "
                + clientIp.map(Addresses::format).orElse("(unknown IP)")
                + " (no message)"
            : "Authentication of a message from " + fromDomain.orElse("(no From:)");
    return ReportText.of(head).body(verdict + "\n" + body).render(this, elapsed);
  }
}
