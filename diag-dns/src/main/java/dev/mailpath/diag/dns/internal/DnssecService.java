package dev.mailpath.diag.dns.internal;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DiagEventListener;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.dns.DnsFinding;
import dev.mailpath.diag.dns.DnsRecord;
import dev.mailpath.diag.dns.DnsSettings;
import dev.mailpath.diag.dns.DnssecReport;
import dev.mailpath.diag.dns.DnssecStatus;
import dev.mailpath.diag.dns.RecordType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * The engine behind {@code DnssecValidator}: asks the configured servers with RD, CD and DO set (so
 * a validating resolver hands over what it has without judging it, and an authoritative server that
 * holds the whole lab answers for every zone), runs {@link DnssecEngine} under the call's deadline,
 * and turns the verdict into a report. Immutable and thread-safe.
 */
public final class DnssecService {
  private final DnsSettings dns;
  private final List<InetSocketAddress> servers;
  private final DiagEnvironment environment;
  private final DnssecEngine engine;
  private final NioDnsTransport transport;
  private final Probe probe;

  /**
   * Creates the service.
   *
   * @param dns servers, timeouts, retries, deadline
   * @param transport the transport of the settings' budget ({@link DnsBudget}), shared with every
   *     other engine built from the same settings
   * @param environment clock, executor, random source
   * @param anchors trust anchors as parsed by {@link #parseAnchors}
   */
  public DnssecService(
      DnsSettings dns,
      NioDnsTransport transport,
      DiagEnvironment environment,
      List<Object> anchors) {
    this.dns = dns;
    this.servers = dns.serversOrSystem();
    this.environment = environment;
    List<Record> records = new ArrayList<>();
    for (Object o : anchors) {
      records.add((Record) o);
    }
    this.engine = new DnssecEngine(records);
    this.transport = transport;
    this.probe =
        new Probe(
            transport,
            environment.random(),
            new Probe.Settings(
                dns.timeout(),
                dns.retries(),
                true,
                true,
                true,
                QueryEngine.EDNS_PAYLOAD,
                true,
                false));
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
   * Parses trust anchors in zone-file presentation ({@code . IN DS 20326 8 2 E06D...} or {@code .
   * IN DNSKEY 257 3 8 AwEA...}), one record per string.
   *
   * @param texts the records
   * @return opaque anchor values for the constructor
   * @throws IllegalArgumentException when a text is not a DS or DNSKEY record
   */
  public static List<Object> parseAnchors(List<String> texts) {
    List<Object> out = new ArrayList<>();
    for (String t : texts) {
      Record r;
      try (Master m =
          new Master(
              new java.io.ByteArrayInputStream(t.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
              Name.root,
              3600)) {
        r = m.nextRecord();
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("trustAnchor is not a DS or DNSKEY record: " + t, e);
      }
      if (!(r instanceof DSRecord) && !(r instanceof DNSKEYRecord)) {
        throw new IllegalArgumentException("trustAnchor is not a DS or DNSKEY record: " + t);
      }
      out.add(r);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("trustAnchors must not be empty");
    }
    return out;
  }

  /**
   * Validates one name and type without blocking the caller; the future completes on the
   * environment's executor and its {@code cancel} stops the queries.
   *
   * @param name the name
   * @param type the type
   * @return the future report
   */
  public CompletableFuture<DnssecReport> validateAsync(String name, RecordType type) {
    Questions.checkType(type);
    Name qname = Questions.toName(name);
    CallScope scope = new CallScope(environment.timeSource(), dns.deadline());
    Instant startedAt = environment.timeSource().instant();
    long start = environment.timeSource().nanoTime();
    CompletableFuture<DnssecReport> work = new CompletableFuture<>();
    environment
        .executor()
        .execute(
            () -> {
              try {
                DnssecEngine.Verdict v =
                    engine.validate(
                        (n, t) -> fetch(scope, n, t),
                        qname,
                        type.code(),
                        environment.timeSource().instant());
                Duration elapsed = Duration.ofNanos(environment.timeSource().nanoTime() - start);
                work.complete(report(qname, type, v, startedAt, elapsed));
              } catch (CancellationException e) {
                work.cancel(true);
              } catch (RuntimeException | Error e) {
                work.completeExceptionally(e);
              }
            });
    return scope.publish(work, environment.executor());
  }

  private DnssecEngine.Reply fetch(CallScope scope, Name name, int type) {
    String last = "no server";
    for (InetSocketAddress server : servers) {
      scope.checkNotCancelled();
      if (scope.remaining().isZero() || scope.remaining().isNegative()) {
        return DnssecEngine.Reply.failed("the deadline passed");
      }
      Probe.Result r =
          Futures.await(
              probe.exchangeAsync(
                  scope, server, name, type, dns.tcpOnly(), DiagEventListener.NONE, l -> {}));
      DnsExchange ex = r.exchange();
      if (ex.status() != DnsExchange.Status.ANSWER || ex.response() == null) {
        last = ex.error() == null ? ex.status().toString().toLowerCase() : ex.error();
        continue;
      }
      Message m = ex.response();
      int rcode = m.getRcode();
      if (rcode != 0 && rcode != 3 && servers.size() > 1) {
        last = "the server answered " + org.xbill.DNS.Rcode.string(rcode);
        continue;
      }
      return new DnssecEngine.Reply(
          rcode, m.getSectionRRsets(Section.ANSWER), m.getSectionRRsets(Section.AUTHORITY), null);
    }
    return DnssecEngine.Reply.failed(last);
  }

  private static DnssecReport report(
      Name qname, RecordType type, DnssecEngine.Verdict v, Instant startedAt, Duration elapsed) {
    DnssecStatus status = DnssecStatus.valueOf(v.status().name());
    List<DnsRecord> records = new ArrayList<>();
    for (Record r : v.records()) {
      records.add(Replies.record(r));
    }
    List<Finding> findings = new ArrayList<>();
    String what = qname + " " + type;
    Evidence name = Evidence.of("name", qname.toString());
    switch (status) {
      case BOGUS ->
          findings.add(DnsFinding.DNSSEC_BOGUS.finding(what + " is bogus: " + v.reason(), name));
      case INSECURE ->
          findings.add(
              DnsFinding.DNSSEC_INSECURE.finding(what + " is insecure: " + v.reason(), name));
      case INDETERMINATE ->
          findings.add(
              DnsFinding.DNSSEC_INDETERMINATE.finding(
                  what + " could not be validated: " + v.reason(), name));
      default -> {}
    }
    return new DnssecReport(
        qname.toString(),
        type,
        status,
        v.reason().isEmpty() ? Optional.empty() : Optional.of(v.reason()),
        v.chain(),
        records,
        findings,
        startedAt,
        elapsed);
  }
}
