package dev.mailpath.diag.posture.internal;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.auth.internal.AuthDns;
import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.IpAddressText;
import dev.mailpath.diag.dns.DnsLookup;
import dev.mailpath.diag.dns.DnsQuery;
import dev.mailpath.diag.dns.DnsQueryReport;
import dev.mailpath.diag.dns.DnsRecord;
import dev.mailpath.diag.dns.RecordType;
import dev.mailpath.diag.posture.DnsblFinding;
import dev.mailpath.diag.posture.DnsblList;
import dev.mailpath.diag.posture.DnsblReport;
import dev.mailpath.diag.posture.DnsblResult;
import dev.mailpath.diag.posture.DnsblResult.Verdict;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * Asks the configured lists, at most {@code maxInFlight} at a time, as chains of futures on one
 * {@link DnsQuery} (no thread per call), bounded by one deadline; reads each answer by the list's
 * return code table. Thread-safe.
 */
public final class DnsblEngine {
  /** Distinct answer codes kept per list; more are counted, not kept. */
  static final int MAX_CODES = 16;

  /** Characters of a TXT reason kept. */
  static final int MAX_REASON = 512;

  /** The target of a self-test report. */
  public static final String SELF_TEST_TARGET = "RFC 5782 test entries";

  /**
   * Fires deadlines; a cancelled deadline leaves the queue at once (unlike {@link
   * CompletableFuture#delayedExecutor}), so many short calls in a row, as {@code checkAll} makes,
   * do not keep their state until their deadlines would have passed. The work itself runs on the
   * environment's executor.
   */
  private static final ScheduledThreadPoolExecutor DEADLINES = deadlineTimer();

  private static ScheduledThreadPoolExecutor deadlineTimer() {
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread th = new Thread(r, "mailpath-dnsbl-deadline");
              th.setDaemon(true);
              return th;
            });
    t.setRemoveOnCancelPolicy(true);
    return t;
  }

  /**
   * Returns how many deadlines are waiting, for tests that check finished calls are not retained.
   *
   * @return the number of scheduled deadlines of calls still running
   */
  public static int pendingDeadlines() {
    return DEADLINES.getQueue().size();
  }

  private final DnsQuery query;
  private final List<DnsblList> lists;
  private final Duration deadline;
  private final int maxInFlight;
  private final DiagEnvironment environment;

  /**
   * Creates the engine.
   *
   * @param query the query client (recursion desired, the caller's DNS settings)
   * @param lists the configured lists, in order
   * @param deadline the bound of one call
   * @param maxInFlight how many lists are asked at once in one call
   * @param environment clock and executor
   */
  public DnsblEngine(
      DnsQuery query,
      List<DnsblList> lists,
      Duration deadline,
      int maxInFlight,
      DiagEnvironment environment) {
    this.query = requireNonNull(query, "query");
    this.lists = List.copyOf(lists);
    this.deadline = requireNonNull(deadline, "deadline");
    this.maxInFlight = maxInFlight;
    this.environment = requireNonNull(environment, "environment");
  }

  /** One question to one list, and what a correct list answers (self-test only). */
  private record Task(DnsblList list, String name, Verdict expected, boolean ipv6Form) {}

  /** RFC 5782 §5: the test entries of an IPv6 list, ::ffff:7f00:2 and ::ffff:7f00:1. */
  private static final String V6_TEST_LISTED =
      DnsblNames.nibbles(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 127, 0, 0, 2});

  private static final String V6_TEST_UNLISTED =
      DnsblNames.nibbles(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 127, 0, 0, 1});

  /** The state of one call. */
  private static final class Call {
    final Task[] tasks;
    final AtomicReferenceArray<DnsblResult> results;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger done = new AtomicInteger();
    final ConcurrentLinkedQueue<CompletableFuture<?>> inFlight = new ConcurrentLinkedQueue<>();
    final CompletableFuture<Void> all = new CompletableFuture<>();
    volatile boolean stopped;

    Call(List<Task> tasks) {
      this.tasks = tasks.toArray(new Task[0]);
      this.results = new AtomicReferenceArray<>(this.tasks.length);
    }

    void stop() {
      stopped = true;
      CompletableFuture<?> f;
      while ((f = inFlight.poll()) != null) {
        f.cancel(true);
      }
    }
  }

  /**
   * Checks an address on every IP list.
   *
   * @param address the address
   * @return the report
   * @throws IllegalArgumentException at once when a query name would be malformed
   */
  public CompletableFuture<DnsblReport> checkAsync(InetAddress address) {
    InetAddress a = DnsblNames.normalize(address);
    return run(
        IpAddressText.format(a), DnsblList.Kind.IP, l -> DnsblNames.forAddress(a, l.zone()), false);
  }

  /**
   * Checks a domain on every domain list.
   *
   * @param domainAscii the domain, A-labels
   * @return the report
   * @throws IllegalArgumentException at once when a query name would be malformed
   */
  public CompletableFuture<DnsblReport> checkAsync(String domainAscii) {
    return run(
        domainAscii,
        DnsblList.Kind.DOMAIN,
        l -> DnsblNames.forDomain(domainAscii, l.zone()),
        false);
  }

  /**
   * Asks every list for its RFC 5782 test entries.
   *
   * @return the report
   */
  public CompletableFuture<DnsblReport> selfTestAsync() {
    return run(SELF_TEST_TARGET, null, null, true);
  }

  private CompletableFuture<DnsblReport> run(
      String target, DnsblList.Kind kind, Function<DnsblList, String> nameFor, boolean selfTest) {
    List<Task> tasks = new ArrayList<>();
    for (DnsblList l : lists) {
      if (selfTest) {
        boolean ip = l.kind() == DnsblList.Kind.IP;
        tasks.add(new Task(l, (ip ? "2.0.0.127." : "test.") + l.zone(), Verdict.LISTED, false));
        tasks.add(
            new Task(l, (ip ? "1.0.0.127." : "invalid.") + l.zone(), Verdict.NOT_LISTED, false));
        if (ip) {
          // an IPv6 list holds the IPv6 test entries instead (RFC 5782 §5): either pair will do
          tasks.add(new Task(l, V6_TEST_LISTED + "." + l.zone(), Verdict.LISTED, true));
          tasks.add(new Task(l, V6_TEST_UNLISTED + "." + l.zone(), Verdict.NOT_LISTED, true));
        }
      } else if (l.kind() == kind) {
        tasks.add(new Task(l, nameFor.apply(l), null, false)); // may throw IAE: before any query
      }
    }
    Instant startedAt = environment.timeSource().instant();
    long t0 = environment.timeSource().nanoTime();
    Call c = new Call(tasks);
    if (tasks.isEmpty()) {
      c.all.complete(null);
    } else {
      for (int i = 0; i < Math.min(maxInFlight, tasks.size()); i++) {
        startNext(c);
      }
    }
    CompletableFuture<DnsblReport> work =
        c.all.thenApply(v -> report(c, target, kind, selfTest, startedAt, since(t0)));
    return bounded(c, work, () -> report(c, target, kind, selfTest, startedAt, since(t0)));
  }

  private void startNext(Call c) {
    int i = c.next.getAndIncrement();
    if (i >= c.tasks.length || c.stopped) {
      return;
    }
    Task t = c.tasks[i];
    CompletableFuture<DnsblResult> f;
    try {
      f = ask(c, t);
    } catch (RuntimeException e) {
      f = CompletableFuture.completedFuture(inconclusive(t, "query failed: " + e, List.of()));
    }
    f.whenComplete(
        (r, e) -> {
          c.results.set(
              i, r != null ? r : inconclusive(t, "query failed: " + describe(e), List.of()));
          if (c.done.incrementAndGet() == c.tasks.length) {
            c.all.complete(null);
          } else {
            startNext(c);
          }
        });
  }

  private CompletableFuture<DnsblResult> ask(Call c, Task t) {
    CompletableFuture<DnsQueryReport> a = track(c, query.askAsync(t.name(), RecordType.A));
    return a.thenCompose(
        r -> {
          DnsblResult first = classify(t, r);
          if (first.verdict() != Verdict.LISTED || c.stopped) {
            return CompletableFuture.completedFuture(first);
          }
          return track(c, query.askAsync(t.name(), RecordType.TXT))
              .handle(
                  (txt, e) -> {
                    List<DnsLookup> qs = new ArrayList<>(first.queries());
                    Optional<String> reason = Optional.empty();
                    if (txt != null) {
                      qs.add(txt.toLookup());
                      reason = reason(txt);
                    }
                    return new DnsblResult(
                        t.list(),
                        t.name(),
                        Verdict.LISTED,
                        first.codes(),
                        first.meanings(),
                        reason,
                        Optional.empty(),
                        qs);
                  });
        });
  }

  private static <T> CompletableFuture<T> track(Call c, CompletableFuture<T> f) {
    c.inFlight.add(f);
    f.whenComplete((v, e) -> c.inFlight.remove(f));
    if (c.stopped) {
      f.cancel(true);
    }
    return f;
  }

  /**
   * Reads the A answer of one list by RFC 5782 and the list's table.
   *
   * @param list the list
   * @param name the name asked
   * @param r the report of the A query
   * @return the result (without a TXT reason)
   */
  public static DnsblResult classify(DnsblList list, String name, DnsQueryReport r) {
    return classify(new Task(list, name, null, false), r);
  }

  private static DnsblResult classify(Task t, DnsQueryReport r) {
    List<DnsLookup> qs = List.of(r.toLookup());
    if (r.status() != DnsQueryReport.Status.ANSWERED) {
      String why =
          switch (r.status()) {
            case TIMEOUT -> "no reply (timeout)" + r.error().map(e -> ": " + e).orElse("");
            case MALFORMED -> "unreadable reply" + r.error().map(e -> ": " + e).orElse("");
            default -> r.error().orElse("network error");
          };
      return inconclusive(t, why, qs);
    }
    String rcode = r.rcode();
    if ("NXDOMAIN".equals(rcode)) {
      return new DnsblResult(
          t.list(),
          t.name(),
          Verdict.NOT_LISTED,
          List.of(),
          List.of(),
          Optional.empty(),
          Optional.empty(),
          qs);
    }
    if (!"NOERROR".equals(rcode)) {
      return inconclusive(t, "the server answered " + rcode, qs);
    }
    List<DnsRecord> as = r.answers(RecordType.A);
    if (as.isEmpty()) {
      Set<String> others = new TreeSet<>();
      for (DnsRecord rec : r.answer()) {
        others.add(rec.type().toString());
      }
      if (!others.isEmpty()) {
        return inconclusive(
            t, "the answer holds no A record, only " + String.join(", ", others) + " records", qs);
      }
      return new DnsblResult(
          t.list(),
          t.name(),
          Verdict.NOT_LISTED,
          List.of(),
          List.of(),
          Optional.empty(),
          Optional.empty(),
          qs);
    }
    Set<String> codes = new LinkedHashSet<>();
    int extra = 0;
    for (DnsRecord rec : as) {
      Optional<InetAddress> a = rec.address();
      if (a.isEmpty() || !(a.get() instanceof Inet4Address)) {
        return inconclusive(t, "an A record that cannot be read: " + clip(rec.data(), 80), qs);
      }
      String code = a.get().getHostAddress();
      if (codes.size() < MAX_CODES) {
        codes.add(code);
      } else if (!codes.contains(code)) {
        extra++;
      }
    }
    List<String> codeList = List.copyOf(codes);
    List<DnsblList.Code> meanings = new ArrayList<>();
    String foreign = null;
    String error = null;
    for (String code : codeList) {
      Optional<DnsblList.Code> m = t.list().meaning(code);
      if (m.isEmpty()) {
        foreign = foreign == null ? code : foreign;
        meanings.add(new DnsblList.Code("not a DNSBL answer", DnsblList.Category.ERROR));
        continue;
      }
      meanings.add(m.get());
      if (m.get().category() == DnsblList.Category.ERROR && error == null) {
        error = code + ": " + m.get().meaning();
      }
    }
    String why = null;
    if (foreign != null) {
      why =
          "the answer "
              + foreign
              + " is outside 127.0.0.0/8, so it is not a DNSBL answer (a resolver that rewrites"
              + " NXDOMAIN, or a list that no longer exists)";
    } else if (error != null) {
      why = "the list answered an error code, " + error;
    } else if (extra > 0) {
      why = "the answer holds more than " + MAX_CODES + " different return codes";
    }
    if (why != null) {
      return new DnsblResult(
          t.list(),
          t.name(),
          Verdict.INCONCLUSIVE,
          codeList,
          meanings,
          Optional.empty(),
          Optional.of(why),
          qs);
    }
    return new DnsblResult(
        t.list(),
        t.name(),
        Verdict.LISTED,
        codeList,
        meanings,
        Optional.empty(),
        Optional.empty(),
        qs);
  }

  private static Optional<String> reason(DnsQueryReport txt) {
    if (txt.status() != DnsQueryReport.Status.ANSWERED || !"NOERROR".equals(txt.rcode())) {
      return Optional.empty();
    }
    List<String> texts = new ArrayList<>();
    int total = 0;
    for (DnsRecord rec : txt.answers(RecordType.TXT)) {
      String s = clean(String.join("", AuthDns.txtStrings(rec.data())));
      if (!s.isEmpty() && !texts.contains(s)) {
        texts.add(s);
        total += s.length();
        if (total > MAX_REASON) {
          break;
        }
      }
    }
    return texts.isEmpty()
        ? Optional.empty()
        : Optional.of(clip(String.join(" / ", texts), MAX_REASON));
  }

  /** Replaces control characters, so a hostile TXT cannot forge lines in a report. */
  private static String clean(String s) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_REASON + 1));
    for (int i = 0; i < s.length() && sb.length() <= MAX_REASON; i++) {
      char ch = s.charAt(i);
      sb.append(Character.isISOControl(ch) ? ' ' : ch);
    }
    return sb.toString().strip();
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }

  private static DnsblResult inconclusive(Task t, String why, List<DnsLookup> qs) {
    return new DnsblResult(
        t.list(),
        t.name(),
        Verdict.INCONCLUSIVE,
        List.of(),
        List.of(),
        Optional.empty(),
        Optional.of(why),
        qs);
  }

  private DnsblReport report(
      Call c,
      String target,
      DnsblList.Kind kind,
      boolean selfTest,
      Instant startedAt,
      Duration elapsed) {
    DnsblReport.Builder b =
        DnsblReport.builder().target(target).startedAt(startedAt).elapsed(elapsed);
    if (c.tasks.length == 0) {
      b.addFinding(
          DnsblFinding.NO_LISTS.finding(
              selfTest
                  ? "no list is configured, so there is nothing to self-test"
                  : "no "
                      + (kind == DnsblList.Kind.IP ? "IP" : "domain")
                      + " list is configured, so "
                      + target
                      + " was not checked"));
    }
    for (int i = 0; i < c.tasks.length; i++) {
      Task t = c.tasks[i];
      DnsblResult r = c.results.get(i);
      if (r == null) {
        r =
            inconclusive(
                t, "no answer within the deadline of " + deadline.toMillis() + " ms", List.of());
      }
      b.addResult(r);
      Evidence name = Evidence.of("query", r.queryName());
      if (selfTest) {
        if (r.verdict() == Verdict.INCONCLUSIVE) {
          b.addFinding(
              DnsblFinding.INCONCLUSIVE.finding(
                  t.list().zone()
                      + " gave no usable answer for its test entry: "
                      + r.inconclusiveReason().orElse("unknown"),
                  name));
        } else if (r.verdict() != t.expected() && !otherFormListed(c, i)) {
          b.addFinding(
              DnsblFinding.LIST_MISCONFIGURED.finding(
                  t.list().zone()
                      + (t.expected() == Verdict.LISTED
                          ? " does not list its test entry "
                          : " lists its test entry ")
                      + r.queryName()
                      + (t.expected() == Verdict.LISTED && t.list().kind() == DnsblList.Kind.IP
                          ? " (nor its IPv6 form), which RFC 5782 says must be listed"
                          : t.expected() == Verdict.LISTED
                              ? ", which RFC 5782 says must be listed"
                              : ", which RFC 5782 says must never be listed"),
                  name,
                  Evidence.of(
                      "answer", r.codes().isEmpty() ? "NXDOMAIN" : String.join(", ", r.codes()))));
        }
        continue;
      }
      switch (r.verdict()) {
        case LISTED -> {
          String what = listing(r);
          Evidence[] ev =
              r.reason()
                  .map(x -> new Evidence[] {name, Evidence.of("reason", x)})
                  .orElse(new Evidence[] {name});
          b.addFinding(
              (r.policyOnly() ? DnsblFinding.POLICY_LISTED : DnsblFinding.LISTED)
                  .finding(target + " is listed on " + t.list().zone() + ": " + what, ev));
        }
        case INCONCLUSIVE ->
            b.addFinding(
                DnsblFinding.INCONCLUSIVE.finding(
                    t.list().zone()
                        + " gave no usable answer for "
                        + target
                        + ": "
                        + r.inconclusiveReason().orElse("unknown"),
                    name));
        default -> {}
      }
    }
    return b.build();
  }

  /**
   * For the "must be listed" entry of an IP list: whether the same entry in the other address
   * family is listed (an IPv4 list need not hold the IPv6 entry and the other way round). The IPv6
   * form's shortfall is reported with the IPv4 form's, once.
   */
  private static boolean otherFormListed(Call c, int i) {
    Task t = c.tasks[i];
    if (t.expected() != Verdict.LISTED || t.list().kind() != DnsblList.Kind.IP) {
      return false;
    }
    if (t.ipv6Form()) {
      return true; // reported (or not) with the IPv4 entry
    }
    DnsblResult other = c.results.get(i + 2);
    return other != null && other.verdict() != Verdict.NOT_LISTED;
  }

  private static String listing(DnsblResult r) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < r.codes().size(); i++) {
      parts.add(r.codes().get(i) + " (" + r.meanings().get(i).meaning() + ")");
    }
    return String.join(", ", parts);
  }

  // ---------------------------------------------------------------------------------------------
  // Time bound, executor, blocking

  /**
   * Completes the result on the environment's executor, or with what is known so far when the
   * deadline passes; either way (and on cancel) queries still in flight are cancelled.
   */
  private <T> CompletableFuture<T> bounded(
      Call c, CompletableFuture<T> work, java.util.function.Supplier<T> onTimeout) {
    Executor executor = environment.executor();
    CompletableFuture<T> out = new CompletableFuture<>();
    work.whenComplete(
        (v, e) ->
            executor.execute(
                () -> {
                  if (e != null) {
                    out.completeExceptionally(e);
                  } else {
                    out.complete(v);
                  }
                }));
    ScheduledFuture<?> timer =
        DEADLINES.schedule(
            () ->
                executor.execute(
                    () -> {
                      if (!out.isDone()) {
                        c.stopped = true;
                        out.complete(onTimeout.get());
                      }
                    }),
            deadline.toNanos(),
            TimeUnit.NANOSECONDS);
    out.whenComplete(
        (v, e) -> {
          timer.cancel(false); // removed from the queue at once: a finished call is not retained
          c.stop();
        });
    return out;
  }

  private Duration since(long t0) {
    return Duration.ofNanos(Math.max(0, environment.timeSource().nanoTime() - t0));
  }

  private static String describe(Throwable e) {
    Throwable x = e;
    while (x instanceof java.util.concurrent.CompletionException && x.getCause() != null) {
      x = x.getCause();
    }
    return x instanceof CancellationException ? "cancelled" : String.valueOf(x);
  }

  /**
   * Waits for a future the way the blocking forms do.
   *
   * @param <T> the result type
   * @param f the future
   * @return its value
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      CancellationException ce = new CancellationException("interrupted");
      ce.initCause(e);
      throw ce;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }
}
