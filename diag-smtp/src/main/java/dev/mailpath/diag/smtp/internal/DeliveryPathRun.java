package dev.mailpath.diag.smtp.internal;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.TimeSource;
import dev.mailpath.diag.dns.MailExchange;
import dev.mailpath.diag.dns.MxReport;
import dev.mailpath.diag.dns.MxResolver;
import dev.mailpath.diag.dns.ReverseReport;
import dev.mailpath.diag.smtp.AddressCheck;
import dev.mailpath.diag.smtp.DeliveryPathCheck;
import dev.mailpath.diag.smtp.DeliveryPathReport;
import dev.mailpath.diag.smtp.DeliveryStage;
import dev.mailpath.diag.smtp.SmtpReport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One delivery-path check in progress: the MX lookup, then the exchanges, up to {@code concurrency}
 * at once, each trying its addresses one after the other, and finally the verdict. Everything is a
 * chain of futures on the environment's executor (no task waits for another task), so a small or
 * single-thread executor only makes the check slower, never stuck.
 *
 * <p>State that several completions touch is guarded by {@code lock}; futures are completed and new
 * work is started outside it, so that code chained onto a future never runs under the lock.
 */
public final class DeliveryPathRun {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryPathRun.class);

  /** Postfix's smtp_mx_address_limit is 5 for all exchanges; a host with more is unusual. */
  static final int MAX_ADDRESSES_PER_EXCHANGE = 8;

  /** Creates the conversation for one address; supplied by {@code DeliveryPathCheck}. */
  @FunctionalInterface
  public interface Conversations {
    /**
     * Starts the conversation with one address on the check's client.
     *
     * @param tlsName the exchange's host name, for SNI and the certificate name check
     * @param target where to connect
     * @param recipient the forward path, without angle brackets
     * @param left what is left of the overall deadline; positive
     * @param reverse the reverse DNS seam for the banner and EHLO name checks
     * @return the running conversation; cancelling it closes the connection
     */
    CompletableFuture<SmtpReport> start(
        String tlsName,
        InetSocketAddress target,
        String recipient,
        Duration left,
        HostResolver reverse);
  }

  /**
   * The check's settings.
   *
   * @param resolver MX, address and reverse lookups
   * @param port the SMTP port before mapping
   * @param connectTo the lab's address mapper
   * @param preference address families and order
   * @param stopAtFirstAccepting whether to stop once an acceptance decides
   * @param concurrency exchanges at once
   * @param maxExchanges exchanges tried at most
   * @param deadline the overall deadline
   * @param reverseDns whether to look up reverse DNS
   * @param environment clock and executor
   * @param sender the reverse path, for the report
   * @param conversations the script factory
   */
  public record Settings(
      MxResolver resolver,
      int port,
      Function<InetSocketAddress, InetSocketAddress> connectTo,
      DeliveryPathCheck.AddressPreference preference,
      boolean stopAtFirstAccepting,
      int concurrency,
      int maxExchanges,
      Duration deadline,
      boolean reverseDns,
      DiagEnvironment environment,
      String sender,
      Conversations conversations) {

    /**
     * Checks the components.
     *
     * @param resolver MX, address and reverse lookups
     * @param port the SMTP port before mapping
     * @param connectTo the lab's address mapper
     * @param preference address families and order
     * @param stopAtFirstAccepting whether to stop once an acceptance decides
     * @param concurrency exchanges at once
     * @param maxExchanges exchanges tried at most
     * @param deadline the overall deadline
     * @param reverseDns whether to look up reverse DNS
     * @param environment clock and executor
     * @param sender the reverse path, for the report
     * @param conversations the script factory
     */
    public Settings {
      requireNonNull(resolver, "resolver");
      requireNonNull(connectTo, "connectTo");
      requireNonNull(preference, "preference");
      requireNonNull(deadline, "deadline");
      requireNonNull(environment, "environment");
      requireNonNull(sender, "sender");
      requireNonNull(conversations, "conversations");
    }
  }

  /**
   * What is checked, already validated.
   *
   * @param input the address or domain as given
   * @param recipient the forward path without angle brackets, domain in ASCII
   * @param domain the domain as given (for the MX lookup)
   * @param asciiDomain the domain in ASCII
   */
  public record Target(String input, String recipient, String domain, String asciiDomain) {}

  /** One exchange within the limit: its addresses to try and what each did. */
  static final class Slot {
    final int position;
    final MailExchange exchange;
    final List<InetAddress> plan;
    final List<InetAddress> excluded;
    final AddressCheck[] results;
    boolean done;

    Slot(int position, MailExchange exchange, List<InetAddress> plan, List<InetAddress> excluded) {
      this.position = position;
      this.exchange = exchange;
      this.plan = plan;
      this.excluded = excluded;
      this.results = new AddressCheck[plan.size()];
    }
  }

  private final Settings s;
  private final Target t;
  private final TimeSource time;
  private final long startNanos;
  private final Instant startedAt;
  private final CompletableFuture<DeliveryPathReport> result = new CompletableFuture<>();
  private final Set<CompletableFuture<?>> running = ConcurrentHashMap.newKeySet();
  private final Object lock = new Object();

  // Guarded by lock.
  private MxReport mx;
  private final List<Slot> slots = new ArrayList<>();
  private final List<MailExchange> beyondLimit = new ArrayList<>();
  private int next;
  private int inFlight;
  private boolean stopped;
  private String stopReason;
  private boolean finished;
  private boolean deadlineHit;
  private long dnsNanos;
  private long smtpFirstStart = -1;
  private long smtpLastEnd = -1;

  /**
   * Prepares a check.
   *
   * @param settings the settings
   * @param target what to check
   */
  public DeliveryPathRun(Settings settings, Target target) {
    this.s = requireNonNull(settings, "settings");
    this.t = requireNonNull(target, "target");
    this.time = settings.environment().timeSource();
    this.startNanos = time.nanoTime();
    this.startedAt = time.instant();
  }

  /**
   * Starts the check: the MX query goes out at once.
   *
   * @return the future report; cancelling it stops the check and closes open connections
   */
  public CompletableFuture<DeliveryPathReport> start() {
    result.whenComplete(
        (r, x) -> {
          if (result.isCancelled()) {
            stopAll("cancelled");
          }
        });
    LOG.debug("delivery path check of {}: MX lookup of {}", t.recipient(), t.domain());
    s.resolver()
        .resolveAsync(t.domain())
        .whenComplete(
            (m, x) -> {
              if (x != null) {
                fail(x);
              } else {
                guard(() -> onMx(m));
              }
            });
    return result;
  }

  private void guard(Runnable r) {
    try {
      r.run();
    } catch (Throwable x) {
      fail(x);
    }
  }

  private void fail(Throwable x) {
    Throwable cause = x instanceof CompletionException && x.getCause() != null ? x.getCause() : x;
    stopAll("failed");
    result.completeExceptionally(cause);
  }

  private void stopAll(String why) {
    List<CompletableFuture<?>> toCancel;
    synchronized (lock) {
      if (!stopped) {
        stopped = true;
        stopReason = why;
      }
      toCancel = new ArrayList<>(running);
    }
    toCancel.forEach(f -> f.cancel(true));
  }

  private long elapsedNanos() {
    return time.nanoTime() - startNanos;
  }

  // ------------------------------------------------------------------ DNS

  private void onMx(MxReport m) {
    DeliveryStage dnsStage = DeliveryPathVerdict.dnsStage(m);
    synchronized (lock) {
      mx = m;
      dnsNanos = elapsedNanos();
      if (dnsStage == null) {
        List<MailExchange> exchanges = m.exchanges();
        for (int i = 0; i < exchanges.size(); i++) {
          MailExchange e = exchanges.get(i);
          if (i >= s.maxExchanges()) {
            beyondLimit.add(e);
            continue;
          }
          List<InetAddress> ordered = s.preference().order(e.addresses());
          List<InetAddress> plan =
              ordered.size() > MAX_ADDRESSES_PER_EXCHANGE
                  ? ordered.subList(0, MAX_ADDRESSES_PER_EXCHANGE)
                  : ordered;
          List<InetAddress> excluded = new ArrayList<>();
          for (InetAddress a : e.addresses()) {
            if (!plan.contains(a)) {
              excluded.add(a);
            }
          }
          slots.add(new Slot(i + 1, e, List.copyOf(plan), List.copyOf(excluded)));
        }
      }
    }
    if (dnsStage != null) {
      complete();
      return;
    }
    LOG.debug("delivery path check of {}: {} exchange(s)", t.recipient(), m.exchanges().size());
    schedule();
  }

  // ------------------------------------------------------------------ scheduling

  private void schedule() {
    List<Slot> toStart = new ArrayList<>();
    boolean finish = false;
    synchronized (lock) {
      while (!stopped && inFlight < s.concurrency() && next < slots.size()) {
        Slot sl = slots.get(next++);
        if (sl.plan.isEmpty()) {
          sl.done = true;
          continue;
        }
        inFlight++;
        toStart.add(sl);
      }
      if (!finished && inFlight == 0 && toStart.isEmpty() && (stopped || next >= slots.size())) {
        finished = true;
        finish = true;
      }
    }
    for (Slot sl : toStart) {
      guard(() -> tryAddress(sl, 0));
    }
    if (finish) {
      complete();
    }
  }

  private void tryAddress(Slot sl, int j) {
    InetAddress a = sl.plan.get(j);
    String skip = null;
    long left = s.deadline().toNanos() - elapsedNanos();
    synchronized (lock) {
      if (stopped) {
        skip = "not tried: " + stopReason;
      } else if (left <= 0) {
        deadlineHit = true;
        skip = "not tried: the overall deadline of " + Durations.format(s.deadline()) + " passed";
      }
    }
    if (skip != null) {
      markRest(sl, j, skip, null);
      exchangeDone(sl);
      return;
    }
    InetSocketAddress target = target(a);
    // The PTR lookup runs beside the connection; it is queued before the conversation, so even
    // a single-thread executor runs it first and the conversation never waits on queued work.
    // (reverseAsync would complete on the executor after the conversation, which with one
    // thread is a deadlock: DeliveryPathCheckTest.check_singleThreadExecutor_...)
    CompletableFuture<ReverseReport> reverse =
        s.reverseDns()
            ? CompletableFuture.supplyAsync(
                () -> s.resolver().reverse(a), s.environment().executor())
            : CompletableFuture.completedFuture(null);
    synchronized (lock) {
      if (smtpFirstStart < 0) {
        smtpFirstStart = elapsedNanos();
      }
    }
    LOG.debug(
        "delivery path check of {}: trying {} {} at {}",
        t.recipient(),
        sl.exchange.host(),
        a,
        target);
    CompletableFuture<SmtpReport> conversation =
        s.conversations()
            .start(
                sl.exchange.host(),
                target,
                t.recipient(),
                Duration.ofNanos(left),
                new DeliveryPathReverse(reverse));
    running.add(conversation);
    boolean cancel;
    synchronized (lock) {
      // Whoever set stopped took its snapshot of running under the lock: either it saw this
      // conversation, or this check sees stopped.
      cancel = stopped;
    }
    if (cancel || result.isDone()) {
      conversation.cancel(true);
    }
    conversation.whenComplete(
        (report, x) -> {
          running.remove(conversation);
          // Wait for the PTR lookup too; it is bounded by the resolver's timeouts.
          reverse.whenComplete(
              (rr, y) -> guard(() -> afterConversation(sl, j, target, report, x, rr, y)));
        });
  }

  private InetSocketAddress target(InetAddress a) {
    InetSocketAddress base = new InetSocketAddress(a, s.port());
    InetSocketAddress mapped = s.connectTo().apply(base);
    if (mapped == null || mapped.isUnresolved()) {
      throw new IllegalStateException(
          "connectTo must return a resolved socket address; it returned "
              + mapped
              + " for "
              + base);
    }
    return mapped;
  }

  private void afterConversation(
      Slot sl,
      int j,
      InetSocketAddress target,
      SmtpReport report,
      Throwable x,
      ReverseReport rr,
      Throwable y) {
    if (y != null) {
      throw unchecked(y);
    }
    AddressCheck check;
    InetAddress a = sl.plan.get(j);
    if (x != null) {
      Throwable cause = x instanceof CompletionException && x.getCause() != null ? x.getCause() : x;
      String why;
      synchronized (lock) {
        why = stopped ? stopReason : null;
      }
      if (!(cause instanceof CancellationException) || why == null) {
        throw unchecked(cause);
      }
      check = DeliveryPathVerdict.notTried(sl.exchange.host(), a, target, rr, "stopped: " + why);
    } else {
      check = DeliveryPathVerdict.check(sl.exchange.host(), a, target, rr, report);
    }
    boolean tryNext;
    String restReason = null;
    synchronized (lock) {
      sl.results[j] = check;
      smtpLastEnd = elapsedNanos();
      if (DeliveryPathVerdict.hitOverallDeadline(check)) {
        deadlineHit = true;
      }
      boolean more = j + 1 < sl.plan.size();
      // An MTA moves to the next address only when this one gave no decisive answer; a full
      // check tries them all.
      tryNext = more && !stopped && (!check.status().decisive() || !s.stopAtFirstAccepting());
      if (more && !tryNext) {
        restReason =
            stopped
                ? "not tried: " + stopReason
                : "not needed: "
                    + check.addressText()
                    + " already answered for "
                    + sl.exchange.host();
      }
    }
    if (tryNext) {
      tryAddress(sl, j + 1);
      return;
    }
    if (restReason != null) {
      markRest(sl, j + 1, restReason, null);
    }
    exchangeDone(sl);
  }

  private static RuntimeException unchecked(Throwable x) {
    if (x instanceof RuntimeException re) {
      return re;
    }
    if (x instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(x);
  }

  private void markRest(Slot sl, int from, String reason, ReverseReport rr) {
    synchronized (lock) {
      for (int k = from; k < sl.plan.size(); k++) {
        if (sl.results[k] == null) {
          sl.results[k] =
              DeliveryPathVerdict.notTried(sl.exchange.host(), sl.plan.get(k), null, rr, reason);
        }
      }
    }
  }

  private void exchangeDone(Slot sl) {
    List<CompletableFuture<?>> toCancel = null;
    synchronized (lock) {
      sl.done = true;
      inFlight--;
      if (s.stopAtFirstAccepting() && !stopped) {
        String acceptedBy = acceptanceDecided();
        if (acceptedBy != null) {
          stopped = true;
          stopReason = acceptedBy + " already accepts the recipient";
          toCancel = new ArrayList<>(running);
        }
      }
    }
    if (toCancel != null) {
      LOG.debug(
          "delivery path check of {}: decided, cancelling {} conversation(s)",
          t.recipient(),
          toCancel.size());
      toCancel.forEach(f -> f.cancel(true));
    }
    schedule();
  }

  /**
   * Walks the exchanges in delivery order, as far as they are done, and returns the host that
   * accepted when an acceptance is the verdict whatever the unfinished exchanges say.
   */
  private String acceptanceDecided() {
    for (Slot sl : slots) {
      if (!sl.done && !sl.plan.isEmpty()) {
        return null;
      }
      for (AddressCheck a : sl.results) {
        if (a != null && a.status().decisive()) {
          return a.status() == AddressCheck.Status.ACCEPTED ? sl.exchange.host() : null;
        }
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ verdict

  private void complete() {
    DeliveryPathReport report;
    synchronized (lock) {
      DeliveryPathVerdict.Input in =
          new DeliveryPathVerdict.Input(
              t,
              s.sender(),
              mx,
              slots,
              beyondLimit,
              s.preference(),
              deadlineHit,
              s.deadline(),
              startedAt,
              Duration.ofNanos(Math.max(0, elapsedNanos())),
              Duration.ofNanos(Math.max(0, dnsNanos)),
              smtpFirstStart < 0
                  ? null
                  : Duration.ofNanos(Math.max(0, smtpLastEnd - smtpFirstStart)),
              stopped ? stopReason : null);
      report = DeliveryPathVerdict.report(in);
    }
    LOG.debug("delivery path check of {}: {}", t.recipient(), report.stage());
    result.complete(report);
  }
}
