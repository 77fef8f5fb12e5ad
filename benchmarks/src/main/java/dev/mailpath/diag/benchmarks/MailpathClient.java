package dev.mailpath.diag.benchmarks;

import dev.mailpath.diag.dns.AddressFamily;
import dev.mailpath.diag.dns.MailExchange;
import dev.mailpath.diag.dns.MxReport;
import dev.mailpath.diag.dns.MxResolver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/** mailpath's {@link MxResolver#resolveAll}: one selector thread, futures, verified replies. */
final class MailpathClient implements BulkClient {
  private final int ioThreads;

  MailpathClient(int ioThreads) {
    this.ioThreads = ioThreads;
  }

  @Override
  public String name() {
    return ioThreads == 1 ? "mailpath" : "mailpath-" + ioThreads + "io";
  }

  static MxResolver resolver(InetSocketAddress server, int ioThreads) {
    return MxResolver.builder()
        .dns(d -> d.server(server).timeout(Duration.ofSeconds(2)).retries(2).ioThreads(ioThreads))
        .addressFamily(AddressFamily.IPV4)
        .build();
  }

  @Override
  public Outcome run(InetSocketAddress server, List<String> domains, int inFlight) {
    MxResolver resolver = resolver(server, ioThreads);
    int verified = 0;
    long queries = 0;
    int failed = 0;
    long start = System.nanoTime();
    try (Stream<MxReport> reports = resolver.resolveAll(domains, inFlight)) {
      for (Iterator<MxReport> it = reports.iterator(); it.hasNext(); ) {
        MxReport r = it.next();
        queries += r.lookups().size();
        if (BenchZone.verify(r.domain(), seen(r))) {
          verified++;
        } else {
          failed++;
        }
      }
    }
    long nanos = System.nanoTime() - start;
    return new Outcome(verified, queries, nanos, failed == 0 ? "" : failed + " not verified");
  }

  static List<BenchZone.Seen> seen(MxReport r) {
    List<BenchZone.Seen> out = new ArrayList<>();
    for (MailExchange e : r.exchanges()) {
      out.add(
          new BenchZone.Seen(
              e.preference(),
              e.host(),
              e.addresses().stream().map(InetAddress::getHostAddress).toList()));
    }
    return out;
  }
}
