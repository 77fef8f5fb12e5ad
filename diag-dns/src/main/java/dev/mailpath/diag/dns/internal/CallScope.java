package dev.mailpath.diag.dns.internal;

import dev.mailpath.diag.core.TimeSource;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The life of one public call (one resolve, one question, one priming): the exchanges it has on the
 * wire, whether it was cancelled, and the deadline of the whole call.
 *
 * <p>Cancelling the future a call hands out ({@link #publish}) cancels every exchange it has in
 * flight, which makes the transport free their query slots at once, and stops any further attempt:
 * a retry or a CNAME hop that would start after the cancel never goes on the wire. The deadline
 * bounds the call however many retries and hops remain (an attempt gets at most the time that is
 * left); past it, attempts end as timeouts without being sent. Thread-safe.
 */
public final class CallScope {
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
  private final TimeSource time;
  private final long deadline;
  private volatile boolean cancelled;

  /**
   * Starts a call.
   *
   * @param time the clock the deadline is measured on
   * @param deadline the bound on the whole call
   */
  public CallScope(TimeSource time, Duration deadline) {
    this.time = time;
    this.deadline = time.nanoTime() + deadline.toNanos();
  }

  /**
   * Returns a scope without a deadline worth speaking of (a day), for internal callers that bound
   * their work themselves.
   *
   * @param time the clock
   * @return a new scope
   */
  public static CallScope unbounded(TimeSource time) {
    return new CallScope(time, Duration.ofDays(1));
  }

  /**
   * Tells whether the call was cancelled.
   *
   * @return {@code true} after {@link #cancel()}
   */
  public boolean cancelled() {
    return cancelled;
  }

  /**
   * Returns the time left before the deadline.
   *
   * @return the time left, zero or negative once it has passed
   */
  public Duration remaining() {
    return Duration.ofNanos(deadline - time.nanoTime());
  }

  /**
   * Returns the timeout for the next attempt: the per-attempt timeout, or less when the deadline is
   * nearer.
   *
   * @param perAttempt the per-attempt timeout
   * @return the timeout, or {@code null} when no time is left
   */
  public Duration attemptTimeout(Duration perAttempt) {
    long left = deadline - time.nanoTime();
    if (left <= 0) {
      return null;
    }
    return left < perAttempt.toNanos() ? Duration.ofNanos(left) : perAttempt;
  }

  /**
   * Builds the exchange of an attempt that was not sent because the deadline had passed.
   *
   * @param server the server it would have gone to
   * @return a timeout exchange
   */
  public static DnsExchange deadlinePassed(InetSocketAddress server) {
    return new DnsExchange(
        DnsExchange.Status.TIMEOUT,
        server,
        null,
        false,
        false,
        Duration.ZERO,
        "the deadline of the call passed",
        0,
        DnsExchange.Problem.NONE,
        null,
        false,
        0);
  }

  /**
   * Sends an exchange as part of this call: it is tracked so that {@link #cancel()} reaches it.
   *
   * @param exchange the transport's future
   * @param <T> the value type
   * @return the same future
   */
  public <T> CompletableFuture<T> track(CompletableFuture<T> exchange) {
    inFlight.add(exchange);
    exchange.whenComplete((v, t) -> inFlight.remove(exchange));
    if (cancelled) {
      exchange.cancel(true);
    }
    return exchange;
  }

  /**
   * Cancels the call: every tracked exchange is cancelled and no new one will be sent.
   *
   * @throws CancellationException never; declared for clarity of intent only
   */
  public void cancel() {
    cancelled = true;
    for (CompletableFuture<?> f : inFlight) {
      f.cancel(true);
    }
  }

  /**
   * Checks before an attempt whether the call was cancelled.
   *
   * @throws CancellationException when it was
   */
  public void checkNotCancelled() {
    if (cancelled) {
      throw new CancellationException("the call was cancelled");
    }
  }

  /**
   * Hands the result of the call to the caller: a future that completes on the executor (never on a
   * transport thread, so code chained onto it may block or make more calls) and whose {@code
   * cancel} cancels the call.
   *
   * @param work the internal chain of the call
   * @param executor where the returned future completes
   * @param <T> the result type
   * @return the public future
   */
  public <T> CompletableFuture<T> publish(CompletableFuture<T> work, Executor executor) {
    CompletableFuture<T> out = new CompletableFuture<>();
    out.whenComplete(
        (v, t) -> {
          if (out.isCancelled()) {
            cancel();
          }
        });
    work.whenComplete(
        (v, t) -> {
          if (out.isDone()) {
            return;
          }
          Runnable complete =
              () -> {
                if (t != null) {
                  out.completeExceptionally(Futures.unwrap(t));
                } else {
                  out.complete(v);
                }
              };
          try {
            executor.execute(complete);
          } catch (RejectedExecutionException e) {
            // A shut-down executor: better to complete here than never.
            complete.run();
          }
        });
    return out;
  }
}
