package dev.mailpath.diag.benchmarks;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * dnsjava 3.7's {@code SimpleResolver.sendAsync}, composed the same way (MX, then A per exchange),
 * with a semaphore for the domains in flight. Without an executor dnsjava completes replies on
 * {@code CompletableFuture}'s default pool, which on a 2-core machine is a new thread per task; the
 * "executor" variant hands it a dedicated pool.
 */
final class DnsjavaClient implements BulkClient {
  private final boolean dedicatedExecutor;

  DnsjavaClient(boolean dedicatedExecutor) {
    this.dedicatedExecutor = dedicatedExecutor;
  }

  @Override
  public String name() {
    return dedicatedExecutor ? "dnsjava-executor" : "dnsjava";
  }

  @Override
  public Outcome run(InetSocketAddress server, List<String> domains, int inFlight)
      throws Exception {
    SimpleResolver resolver = new SimpleResolver(server);
    resolver.setTimeout(Duration.ofSeconds(2));
    ExecutorService executor =
        dedicatedExecutor
            ? Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors())
            : null;
    Semaphore permits = new Semaphore(inFlight);
    AtomicInteger verified = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicLong queries = new AtomicLong();
    long start = System.nanoTime();
    try {
      for (String domain : domains) {
        permits.acquire();
        queries.incrementAndGet();
        send(resolver, executor, query(domain, Type.MX))
            .thenCompose(
                mx -> {
                  List<CompletableFuture<BenchZone.Seen>> exchanges = new ArrayList<>();
                  for (org.xbill.DNS.Record r : mx.getSection(Section.ANSWER)) {
                    if (r instanceof MXRecord m) {
                      queries.incrementAndGet();
                      exchanges.add(
                          send(resolver, executor, query(m.getTarget().toString(), Type.A))
                              .thenApply(a -> seen(m, a)));
                    }
                  }
                  return CompletableFuture.allOf(exchanges.toArray(new CompletableFuture<?>[0]))
                      .thenApply(v -> exchanges.stream().map(CompletableFuture::join).toList());
                })
            .whenComplete(
                (seen, error) -> {
                  if (error == null && BenchZone.verify(domain, seen)) {
                    verified.incrementAndGet();
                  } else {
                    failed.incrementAndGet();
                  }
                  permits.release();
                });
      }
      permits.acquire(inFlight);
    } finally {
      if (executor != null) {
        executor.shutdown();
        executor.awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    long nanos = System.nanoTime() - start;
    return new Outcome(
        verified.get(), queries.get(), nanos, failed.get() == 0 ? "" : failed.get() + " failed");
  }

  private static CompletableFuture<Message> send(
      SimpleResolver resolver, ExecutorService executor, Message query) {
    return (executor == null ? resolver.sendAsync(query) : resolver.sendAsync(query, executor))
        .toCompletableFuture();
  }

  private static Message query(String name, int type) {
    return Message.newQuery(
        org.xbill.DNS.Record.newRecord(
            Name.fromConstantString(name.endsWith(".") ? name : name + "."), type, DClass.IN));
  }

  private static BenchZone.Seen seen(MXRecord m, Message a) {
    List<String> addresses = new ArrayList<>();
    for (org.xbill.DNS.Record r : a.getSection(Section.ANSWER)) {
      if (r instanceof ARecord ar) {
        addresses.add(ar.getAddress().getHostAddress());
      }
    }
    return new BenchZone.Seen(m.getPriority(), m.getTarget().toString(), addresses);
  }
}
