package dev.mailpath.diag.dns.internal;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DiagEventListener;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.dns.DnsFinding;
import dev.mailpath.diag.dns.DnsLookup;
import dev.mailpath.diag.dns.DnsQueryReport;
import dev.mailpath.diag.dns.DnsSettings;
import dev.mailpath.diag.dns.RecordType;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * The engine behind {@code DnsQuery}, {@code RootServerQuery} and {@code DelegationTrace}: asks one
 * server one question on the non-blocking transport (with retries after timeouts and unreadable
 * replies) and turns the exchange into a dig-like {@link DnsQueryReport}. Immutable and
 * thread-safe.
 */
public final class DigEngine {
  private final Duration timeout;
  private final boolean recursionDesired;
  private final DiagEnvironment environment;
  private final NioDnsTransport transport;
  private final Probe probe;

  /**
   * Creates the engine.
   *
   * @param dns timeout, retries and EDNS (servers are not used)
   * @param transport the transport of the settings' budget ({@link DnsBudget}), shared with every
   *     other engine built from the same settings
   * @param recursionDesired set RD
   * @param checkingDisabled set CD
   * @param udpPayloadSize the EDNS payload size advertised
   * @param dnssecOk set DO
   * @param nsid ask for NSID
   * @param environment clock, random source
   */
  public DigEngine(
      DnsSettings dns,
      NioDnsTransport transport,
      boolean recursionDesired,
      boolean checkingDisabled,
      int udpPayloadSize,
      boolean dnssecOk,
      boolean nsid,
      DiagEnvironment environment) {
    this.timeout = dns.timeout();
    this.recursionDesired = recursionDesired;
    this.environment = environment;
    this.transport = transport;
    this.probe =
        new Probe(
            transport,
            environment.random(),
            new Probe.Settings(
                dns.timeout(),
                dns.retries(),
                recursionDesired,
                checkingDisabled,
                dns.edns(),
                udpPayloadSize,
                dnssecOk,
                nsid));
  }

  /**
   * Returns the transport.
   *
   * @return the transport
   */
  public NioDnsTransport transport() {
    return transport;
  }

  /**
   * Asks one server as part of a call. The future may complete on the transport's thread.
   *
   * @param scope the call: its deadline and cancellation
   * @param target the server
   * @param qname the name
   * @param type the type
   * @param tcpOnly ask over TCP only
   * @param listener receives query events
   * @param sink receives one lookup per attempt
   * @return a future of the report
   */
  public CompletableFuture<DnsQueryReport> askAsync(
      CallScope scope,
      InetSocketAddress target,
      Name qname,
      RecordType type,
      boolean tcpOnly,
      DiagEventListener listener,
      Consumer<DnsLookup> sink) {
    Instant at = environment.timeSource().instant();
    return probe
        .exchangeAsync(scope, target, qname, type.code(), tcpOnly, listener, sink)
        .thenApply(result -> report(target, qname, type, at, result));
  }

  private DnsQueryReport report(
      InetSocketAddress target, Name qname, RecordType type, Instant at, Probe.Result result) {
    DnsExchange ex = result.exchange();
    DnsQueryReport.Builder b =
        DnsQueryReport.builder()
            .server(target)
            .name(qname.toString())
            .type(type)
            .recursionDesired(recursionDesired)
            .tcp(ex.tcp())
            .truncatedRetry(ex.truncatedRetry())
            .elapsed(ex.elapsed())
            .attempts(result.attempts())
            .ignoredReplies(ex.ignoredReplies())
            .startedAt(at);
    String what = qname + " " + type;
    Evidence where = Evidence.of("server", Questions.hostPort(target));
    switch (ex.status()) {
      case TIMEOUT:
        return b.status(DnsQueryReport.Status.TIMEOUT)
            .error(ex.error())
            .opcode(null)
            .addFinding(
                DnsFinding.TIMEOUT.finding(
                    "no answer for "
                        + what
                        + " within "
                        + timeout.toMillis()
                        + " ms ("
                        + result.attempts()
                        + (result.attempts() == 1 ? " attempt)" : " attempts)"),
                    where,
                    Evidence.of("ignored-replies", ex.ignoredReplies())))
            .build();
      case NETWORK_ERROR:
        return b.status(DnsQueryReport.Status.NETWORK_ERROR)
            .error(ex.error())
            .opcode(null)
            .addFinding(
                DnsFinding.NETWORK_ERROR.finding(
                    "query for " + what + " failed: " + ex.error(), where))
            .build();
      case MALFORMED:
        return b.status(DnsQueryReport.Status.MALFORMED)
            .error(ex.error())
            .opcode(null)
            .addFinding(
                DnsFinding.MALFORMED_RESPONSE.finding(
                    "unreadable reply for " + what + ": " + ex.error(), where))
            .build();
      default:
        break;
    }
    Message m = ex.response();
    b.id(m.getHeader().getID())
        .opcode(Opcode.string(m.getHeader().getOpcode()))
        .rcode(Rcode.string(m.getRcode()))
        .responseSize(Math.min(0xFFFF, Math.max(0, m.numBytes())));
    Replies.flags(m.getHeader()).forEach(b::addFlag);
    Replies.section(m, Section.ANSWER).forEach(b::addAnswer);
    Replies.section(m, Section.AUTHORITY).forEach(b::addAuthority);
    Replies.section(m, Section.ADDITIONAL).forEach(b::addAdditional);
    Replies.edns(m).ifPresent(b::edns);
    int rc = m.getRcode();
    if (rc == Rcode.NXDOMAIN) {
      b.addFinding(DnsFinding.NXDOMAIN.finding(qname + " does not exist (NXDOMAIN)", where));
    } else if (rc == Rcode.SERVFAIL) {
      b.addFinding(DnsFinding.SERVFAIL.finding("SERVFAIL for " + what, where));
    } else if (rc == Rcode.REFUSED) {
      b.addFinding(DnsFinding.REFUSED.finding("REFUSED for " + what, where));
    } else if (rc != Rcode.NOERROR) {
      b.addFinding(DnsFinding.RCODE_ERROR.finding(Rcode.string(rc) + " for " + what, where));
    }
    if (ex.truncatedRetry()) {
      b.addFinding(
          DnsFinding.TRUNCATED_TCP_RETRY.finding(
              "the UDP answer for " + what + " was truncated; TCP was used", where));
    }
    return b.build();
  }
}
