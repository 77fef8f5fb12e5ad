package dev.mailpath.diag.core.internal;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * A blocking diagnosis run on an executor whose future really stops it: {@code cancel(true)} closes
 * every resource the call registered (its sockets) and interrupts the worker thread, so a call
 * blocked in a read returns within one timeout tick instead of running on unseen. What {@code
 * CompletableFuture.supplyAsync} cannot do.
 *
 * @param <T> the result type
 */
public final class CancellableCall<T> extends CompletableFuture<T> {
  /** The call running on this thread, so nested blocking work can register its sockets too. */
  private static final ThreadLocal<CancellableCall<?>> CURRENT = new ThreadLocal<>();

  private final Object lock = new Object();
  private final List<Closeable> resources = new ArrayList<>();
  private Thread worker;
  private boolean finished;

  private CancellableCall() {}

  /**
   * Starts a call on the executor.
   *
   * @param executor where the blocking body runs
   * @param body the body; it receives the call to register its resources with
   * @param <T> the result type
   * @return the future of the result; cancelling it stops the body
   */
  public static <T> CancellableCall<T> start(
      Executor executor, Function<CancellableCall<T>, T> body) {
    CancellableCall<T> call = new CancellableCall<>();
    try {
      executor.execute(() -> call.run(body));
    } catch (RejectedExecutionException e) {
      call.completeExceptionally(e);
    }
    return call;
  }

  private void run(Function<CancellableCall<T>, T> body) {
    synchronized (lock) {
      if (isDone()) {
        return; // cancelled before it started
      }
      worker = Thread.currentThread();
    }
    CURRENT.set(this);
    try {
      complete(body.apply(this));
    } catch (CancellationException e) {
      cancel(false);
    } catch (Throwable t) {
      completeExceptionally(t);
    } finally {
      CURRENT.remove();
      synchronized (lock) {
        finished = true;
        worker = null;
      }
      // Clear an interrupt meant for this call so the pool thread starts clean.
      Thread.interrupted();
    }
  }

  /**
   * Registers a resource with the call running on this thread, if any: blocking work nested in a
   * cancellable call (a mailbox search inside an investigation) is stopped with it.
   *
   * @param resource the resource, usually a socket
   */
  public static void registerWithCurrent(Closeable resource) {
    CancellableCall<?> call = CURRENT.get();
    if (call != null) {
      call.register(resource);
    }
  }

  /**
   * Registers a resource to close when the call is cancelled; closes it at once when the call is
   * already cancelled.
   *
   * @param resource the resource, usually a socket
   */
  public void register(Closeable resource) {
    boolean closeNow;
    synchronized (lock) {
      closeNow = isCancelled();
      if (!closeNow) {
        resources.add(resource);
      }
    }
    if (closeNow) {
      closeQuietly(resource);
    }
  }

  /**
   * Cancels the call: completes the future as cancelled, closes the registered resources and, when
   * {@code mayInterruptIfRunning}, interrupts the worker.
   *
   * @param mayInterruptIfRunning whether to interrupt the worker thread
   * @return whether this call cancelled the future
   */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    List<Closeable> toClose;
    Thread t;
    synchronized (lock) {
      toClose = new ArrayList<>(resources);
      resources.clear();
      t = finished ? null : worker;
    }
    toClose.forEach(CancellableCall::closeQuietly);
    if (mayInterruptIfRunning && t != null) {
      t.interrupt();
    }
    return cancelled;
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException | RuntimeException e) {
      // Closing to stop a cancelled call; a failure to close changes nothing for the caller.
    }
  }
}
