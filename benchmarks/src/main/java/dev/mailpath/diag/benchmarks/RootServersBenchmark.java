package dev.mailpath.diag.benchmarks;

import dev.mailpath.diag.core.DiagEventListener;
import dev.mailpath.diag.dns.AddressFamily;
import dev.mailpath.diag.dns.RecordType;
import dev.mailpath.diag.dns.RootHints;
import dev.mailpath.diag.dns.RootServer;
import dev.mailpath.diag.dns.RootServerQuery;
import dev.mailpath.diag.dns.RootServerReport;
import dev.mailpath.diag.dns.RootServerResult;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;

/**
 * Asks thirteen lab roots in parallel with {@link RootServerQuery#ask} and measures how much the
 * wall time of one call exceeds the slowest root's round trip. The target (issue 7): at most the
 * slowest single root's round trip plus 20 ms.
 *
 * <pre>
 * ./mvnw -q -o -pl benchmarks org.codehaus.mojo:exec-maven-plugin:3.5.1:java \
 *     -Dexec.mainClass=dev.mailpath.diag.benchmarks.RootServersBenchmark \
 *     -Dexec.args="--rounds 200 --warmup 30"
 * options: [--rounds 200] [--warmup 30] [--delays 10,26,42,...,200] [--timeout-ms 2000]
 * </pre>
 *
 * <p>Thirteen {@link LocalDnsZoneServer}s serve the same small root zone on 127.0.1.1 to
 * 127.0.1.13, one port, each delaying every reply by its own injected delay (by default 10 to 200
 * ms, evenly spread). Each round is one {@code ask("example.org", MX)}: thirteen referrals plus
 * thirteen root SOA queries. Per round it records the wall time of the call, the slowest question
 * round trip the report shows, the slowest of all round trips (question or SOA) and the largest
 * injected delay, and prints min / median / p90 / max of the differences. The first call of the JVM
 * (class loading, JIT, thread creation) is shown apart. Everything stays on loopback. A benchmark,
 * not a test: nothing here asserts timings.
 */
public final class RootServersBenchmark {
  /** Thirteen delays from 10 to 200 ms, evenly spread. */
  static final List<Duration> DEFAULT_DELAYS = spread(10, 200, 13);

  private static final String[] LETTERS = {
    "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m"
  };
  private static final long SERIAL = 2026112800L;

  private RootServersBenchmark() {}

  /**
   * Settings from the command line.
   *
   * @param rounds measured rounds
   * @param warmup unmeasured rounds before them (after the first call, which is reported apart)
   * @param delays the injected delay of each root, one to thirteen of them
   * @param timeout the per-query timeout of the root query
   */
  record Settings(int rounds, int warmup, List<Duration> delays, Duration timeout) {
    Settings {
      if (rounds < 1 || warmup < 0) {
        throw new IllegalArgumentException("rounds must be at least 1 and warmup at least 0");
      }
      if (delays.isEmpty() || delays.size() > 13) {
        throw new IllegalArgumentException("between 1 and 13 delays, one per root");
      }
      delays = List.copyOf(delays);
    }

    static Settings parse(String[] args) {
      int rounds = 200;
      int warmup = 30;
      List<Duration> delays = DEFAULT_DELAYS;
      Duration timeout = Duration.ofSeconds(2);
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--rounds" -> rounds = Integer.parseInt(args[++i]);
          case "--warmup" -> warmup = Integer.parseInt(args[++i]);
          case "--delays" ->
              delays =
                  Arrays.stream(args[++i].split(","))
                      .map(s -> Duration.ofMillis(Long.parseLong(s.trim())))
                      .toList();
          case "--timeout-ms" -> timeout = Duration.ofMillis(Long.parseLong(args[++i]));
          default ->
              throw new IllegalArgumentException(
                  "unknown option " + a + "; see the Javadoc of RootServersBenchmark");
        }
      }
      return new Settings(rounds, warmup, delays, timeout);
    }
  }

  /**
   * One call of {@code ask}.
   *
   * @param wallNanos the wall time of the call, measured around it
   * @param slowestQuestionNanos the largest round trip of a question, as the report shows it
   * @param slowestAnyNanos the largest round trip of any query of the call (question or SOA)
   * @param maxDelayNanos the largest injected delay
   * @param lastSentNanos from the start of the call until the last query was handed to the
   *     transport (the listener's {@code dnsQueryStart})
   * @param afterLastReplyNanos from the end of the last exchange (the listener's {@code
   *     dnsQueryEnd}) until the call returned: report building, joining, analysis
   * @param answered how many roots answered both queries
   * @param roots how many roots were asked
   */
  record Round(
      long wallNanos,
      long slowestQuestionNanos,
      long slowestAnyNanos,
      long maxDelayNanos,
      long lastSentNanos,
      long afterLastReplyNanos,
      int answered,
      int roots) {

    long overQuestion() {
      return wallNanos - slowestQuestionNanos;
    }

    long overAny() {
      return wallNanos - slowestAnyNanos;
    }

    long overDelay() {
      return wallNanos - maxDelayNanos;
    }
  }

  /**
   * What a run measured.
   *
   * @param first the first call of the JVM (cold)
   * @param rounds the measured rounds
   */
  record Summary(Round first, List<Round> rounds) {}

  /**
   * Runs the benchmark and prints its figures.
   *
   * @param args the options shown in the class comment
   */
  public static void main(String[] args) {
    Settings s = Settings.parse(args);
    System.out.printf(
        Locale.ROOT,
        "RootServerQuery.ask(\"example.org\", MX) against %d lab roots on loopback, injected"
            + " delays %s ms; %d warm-up + %d measured rounds; %d CPUs, Java %s, load %s%n",
        s.delays().size(),
        s.delays().stream().map(Duration::toMillis).toList(),
        s.warmup(),
        s.rounds(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.version(),
        loadAverage());
    print(run(s));
  }

  /**
   * Starts the lab, runs the rounds and stops the lab.
   *
   * @param s the settings
   * @return the measurements
   */
  static Summary run(Settings s) {
    try (Lab lab = Lab.start(s.delays())) {
      AtomicReference<Timing> timing = new AtomicReference<>();
      RootServerQuery roots =
          RootServerQuery.builder()
              .hints(lab.hints())
              .addressFamily(AddressFamily.IPV4)
              .dns(d -> d.timeout(s.timeout()).retries(0))
              .environment(
                  e ->
                      e.eventListenerFactory(
                          what -> {
                            Timing t = new Timing();
                            timing.set(t);
                            return t;
                          }))
              .build();
      long maxDelay = s.delays().stream().mapToLong(Duration::toNanos).max().orElseThrow();
      Round first = round(roots, maxDelay, timing);
      for (int i = 0; i < s.warmup(); i++) {
        round(roots, maxDelay, timing);
      }
      List<Round> rounds = new ArrayList<>();
      for (int i = 0; i < s.rounds(); i++) {
        rounds.add(round(roots, maxDelay, timing));
      }
      return new Summary(first, rounds);
    }
  }

  private static Round round(
      RootServerQuery roots, long maxDelayNanos, AtomicReference<Timing> timing) {
    long t0 = System.nanoTime();
    RootServerReport r = roots.ask("example.org", RecordType.MX);
    long end = System.nanoTime();
    long wall = end - t0;
    Timing t = timing.get();
    long slowestQuestion = 0;
    long slowestAny = 0;
    int answered = 0;
    for (RootServerResult res : r.results()) {
      long q = res.rtt().toNanos();
      long soa = res.soaResponse().map(x -> x.elapsed().toNanos()).orElse(0L);
      slowestQuestion = Math.max(slowestQuestion, q);
      slowestAny = Math.max(slowestAny, Math.max(q, soa));
      boolean soaAnswered = res.soaResponse().map(x -> x.answered()).orElse(true);
      if (res.answered() && soaAnswered && res.referral().isPresent()) {
        answered++;
      }
    }
    return new Round(
        wall,
        slowestQuestion,
        slowestAny,
        maxDelayNanos,
        t.lastStart.get() - t0,
        end - t.lastEnd.get(),
        answered,
        r.results().size());
  }

  /** Records when the last query of a call was sent and when the last one ended. */
  private static final class Timing extends DiagEventListener {
    final AtomicLong lastStart = new AtomicLong(Long.MIN_VALUE);
    final AtomicLong lastEnd = new AtomicLong(Long.MIN_VALUE);

    @Override
    public void dnsQueryStart(InetSocketAddress server, String name, String type) {
      long now = System.nanoTime();
      lastStart.accumulateAndGet(now, Math::max);
    }

    @Override
    public void dnsQueryEnd(
        InetSocketAddress server, String name, String type, String rcode, Duration elapsed) {
      long now = System.nanoTime();
      lastEnd.accumulateAndGet(now, Math::max);
    }
  }

  private static void print(Summary sum) {
    List<Round> rs = sum.rounds();
    long incomplete = rs.stream().filter(r -> r.answered() != r.roots()).count();
    System.out.printf(
        Locale.ROOT,
        "first call (cold JVM): wall %.1f ms, slowest question RTT %.1f ms, over it %.1f ms%n",
        ms(sum.first().wallNanos()),
        ms(sum.first().slowestQuestionNanos()),
        ms(sum.first().overQuestion()));
    System.out.printf(
        Locale.ROOT,
        "rounds where a root did not answer both queries: %d of %d%n%n",
        incomplete,
        rs.size());
    System.out.printf(
        Locale.ROOT, "| %-36s | %6s | %6s | %6s | %6s |%n", "ms", "min", "median", "p90", "max");
    System.out.println(
        "|" + "-".repeat(38) + "|" + "-------:|".repeat(4).substring(0, 4 * 9 - 1) + "|");
    row("wall time of ask()", rs, Round::wallNanos);
    row("slowest question RTT (report)", rs, Round::slowestQuestionNanos);
    row("slowest RTT, question or SOA", rs, Round::slowestAnyNanos);
    row("wall - slowest question RTT", rs, Round::overQuestion);
    row("wall - slowest RTT (question or SOA)", rs, Round::overAny);
    row("wall - max injected delay", rs, Round::overDelay);
    row("call start -> last query sent", rs, Round::lastSentNanos);
    row("last reply -> call returns", rs, Round::afterLastReplyNanos);
    long[] over = rs.stream().mapToLong(Round::overQuestion).sorted().toArray();
    long within = Arrays.stream(over).filter(n -> n <= 20_000_000L).count();
    System.out.printf(
        Locale.ROOT,
        "%nrounds within slowest question RTT + 20 ms: %d of %d (%.1f%%)%n",
        within,
        over.length,
        100.0 * within / over.length);
  }

  private static void row(String label, List<Round> rounds, ToLongFunction<Round> column) {
    long[] v = rounds.stream().mapToLong(column).sorted().toArray();
    System.out.printf(
        Locale.ROOT,
        "| %-36s | %6.1f | %6.1f | %6.1f | %6.1f |%n",
        label,
        ms(v[0]),
        ms(percentile(v, 50)),
        ms(percentile(v, 90)),
        ms(v[v.length - 1]));
  }

  /** The nearest-rank percentile of sorted values. */
  static long percentile(long[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** The one-minute load average, to show how busy the machine was. */
  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  static List<Duration> spread(long fromMillis, long toMillis, int n) {
    List<Duration> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Duration.ofMillis(Math.round(fromMillis + (toMillis - fromMillis) * i / (n - 1.0))));
    }
    return List.copyOf(out);
  }

  // ------------------------------------------------------------------ the lab

  /** Thirteen delaying roots on 127.0.1.1 to 127.0.1.13, one port. */
  static final class Lab implements AutoCloseable {
    final List<LocalDnsZoneServer> roots = new ArrayList<>();
    int port;

    static Lab start(List<Duration> delays) {
      UncheckedIOException last = null;
      // The first root takes an ephemeral port and the rest bind the same one; when another
      // process holds it on one of the addresses, start over.
      for (int attempt = 0; attempt < 5; attempt++) {
        Lab lab = new Lab();
        try {
          for (int i = 0; i < delays.size(); i++) {
            LocalDnsZoneServer s =
                LocalDnsZoneServer.builder()
                    .zone(rootZone())
                    .bindAddress(loopback("127.0.1." + (i + 1)))
                    .port(lab.port)
                    .fault(DnsFault.delay(delays.get(i)))
                    .start();
            lab.roots.add(s);
            lab.port = s.port();
          }
          return lab;
        } catch (UncheckedIOException e) {
          last = e;
          lab.close();
        }
      }
      throw last;
    }

    RootHints hints() {
      List<RootServer> list = new ArrayList<>();
      for (int i = 0; i < roots.size(); i++) {
        list.add(
            RootServer.of(LETTERS[i], LETTERS[i] + ".root-servers.lab", "127.0.1." + (i + 1), null)
                .withPort(port));
      }
      return RootHints.of(list);
    }

    @Override
    public void close() {
      roots.forEach(LocalDnsZoneServer::close);
    }
  }

  static String rootZone() {
    StringBuilder sb = new StringBuilder("$ORIGIN .\n$TTL 86400\n");
    sb.append("@ SOA a.root-servers.lab. nstld.lab. ")
        .append(SERIAL)
        .append(" 1800 900 604800 86400\n");
    for (int i = 0; i < 13; i++) {
      sb.append("@ 518400 NS ").append(LETTERS[i]).append(".root-servers.lab.\n");
      sb.append(LETTERS[i])
          .append(".root-servers.lab. 518400 A 127.0.1.")
          .append(i + 1)
          .append('\n');
    }
    sb.append("org. 172800 NS ns1.nic.org.\n");
    sb.append("ns1.nic.org. 172800 A 127.0.7.1\n");
    return sb.toString();
  }

  private static InetAddress loopback(String literal) {
    try {
      return InetAddress.getByName(literal); // an IP literal: parsed, never looked up
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
