package dev.mailpath.diag.benchmarks;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.naming.Context;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * The JDK's JNDI DNS provider ({@code com.sun.jndi.dns}), which only blocks: one thread per domain
 * in flight, each with its own context (contexts are not thread-safe).
 */
final class JndiClient implements BulkClient {

  @Override
  public String name() {
    return "jndi";
  }

  @Override
  public Outcome run(InetSocketAddress server, List<String> domains, int inFlight)
      throws Exception {
    Hashtable<String, String> env = new Hashtable<>();
    env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
    env.put(
        Context.PROVIDER_URL,
        "dns://" + server.getAddress().getHostAddress() + ":" + server.getPort());
    env.put("com.sun.jndi.dns.timeout.initial", "2000");
    env.put("com.sun.jndi.dns.timeout.retries", "3");
    AtomicInteger next = new AtomicInteger();
    AtomicInteger verified = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicLong queries = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(inFlight);
    long start = System.nanoTime();
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < inFlight; w++) {
        workers.add(
            pool.submit(
                () -> {
                  DirContext ctx = new InitialDirContext(env);
                  try {
                    for (int i = next.getAndIncrement();
                        i < domains.size();
                        i = next.getAndIncrement()) {
                      String domain = domains.get(i);
                      try {
                        if (BenchZone.verify(domain, resolve(ctx, domain, queries))) {
                          verified.incrementAndGet();
                        } else {
                          failed.incrementAndGet();
                        }
                      } catch (NamingException e) {
                        failed.incrementAndGet();
                      }
                    }
                  } finally {
                    ctx.close();
                  }
                  return null;
                }));
      }
      for (Future<?> f : workers) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    long nanos = System.nanoTime() - start;
    return new Outcome(
        verified.get(), queries.get(), nanos, failed.get() == 0 ? "" : failed.get() + " failed");
  }

  private static List<BenchZone.Seen> resolve(DirContext ctx, String domain, AtomicLong queries)
      throws NamingException {
    queries.incrementAndGet();
    Attributes mx = ctx.getAttributes(domain, new String[] {"MX"});
    List<BenchZone.Seen> out = new ArrayList<>();
    Attribute values = mx.get("MX");
    if (values == null) {
      return out;
    }
    NamingEnumeration<?> all = values.getAll();
    while (all.hasMore()) {
      String[] parts = all.next().toString().trim().split("\\s+");
      String host = parts[1];
      queries.incrementAndGet();
      Attribute a = ctx.getAttributes(host, new String[] {"A"}).get("A");
      List<String> addresses = new ArrayList<>();
      if (a != null) {
        NamingEnumeration<?> as = a.getAll();
        while (as.hasMore()) {
          addresses.add(as.next().toString());
        }
      }
      out.add(new BenchZone.Seen(Integer.parseInt(parts[0]), host, addresses));
    }
    return out;
  }
}
