package dev.mailpath.diag.core;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import javax.net.SocketFactory;

/**
 * The seams every diagnosis runs through: time, sockets, threads, randomness and event listeners.
 * One immutable value; builders of every client take it with {@code .environment(env)}, so tests
 * and unusual networks swap one piece without global state.
 *
 * <pre>{@code
 * DiagEnvironment env = DiagEnvironment.system().toBuilder()
 *     .random(new java.util.Random(42))     // reproducible choice among equal MX preferences
 *     .build();
 * }</pre>
 *
 * <p>DNS seams (servers, transport, root hints) live on the DNS builders, so this type stays free
 * of DNS types. Thread-safe.
 */
public final class DiagEnvironment {

  private static final DiagEnvironment SYSTEM = new Builder().build();

  private final TimeSource timeSource;
  private final SocketFactory socketFactory;
  private final Executor executor;
  private final RandomGenerator random;
  private final DiagEventListener.Factory eventListenerFactory;

  private DiagEnvironment(Builder b) {
    this.timeSource = b.timeSource;
    this.socketFactory = b.socketFactory;
    this.executor = b.executor != null ? b.executor : DefaultExecutor.INSTANCE;
    this.random = b.random != null ? b.random : new SecureRandom();
    this.eventListenerFactory = b.eventListenerFactory;
  }

  /**
   * Returns the defaults: system clock, plain sockets, a shared pool of daemon threads, a {@link
   * SecureRandom}, no event listener.
   *
   * @return the system environment
   */
  public static DiagEnvironment system() {
    return SYSTEM;
  }

  /**
   * Starts from the system defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this environment's seams.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.timeSource = timeSource;
    b.socketFactory = socketFactory;
    b.executor = executor;
    b.random = random;
    b.eventListenerFactory = eventListenerFactory;
    return b;
  }

  /**
   * Derives an environment by changing some seams of this one.
   *
   * @param changes edits applied to a builder initialised from this environment
   * @return the new environment
   */
  public DiagEnvironment with(Consumer<Builder> changes) {
    Builder b = toBuilder();
    changes.accept(b);
    return b.build();
  }

  /**
   * Returns the clock used for timestamps, durations and deadlines.
   *
   * @return the time source
   */
  public TimeSource timeSource() {
    return timeSource;
  }

  /**
   * Returns the factory for plain TCP sockets.
   *
   * @return the socket factory
   */
  public SocketFactory socketFactory() {
    return socketFactory;
  }

  /**
   * Returns the executor async and bulk calls run on.
   *
   * @return the executor
   */
  public Executor executor() {
    return executor;
  }

  /**
   * Returns the random source (for example for ordering MX hosts of equal preference).
   *
   * @return the random source; shared, so it must be thread-safe
   */
  public RandomGenerator random() {
    return random;
  }

  /**
   * Returns the factory that creates an event listener per diagnosis.
   *
   * @return the factory
   */
  public DiagEventListener.Factory eventListenerFactory() {
    return eventListenerFactory;
  }

  /** Builds a {@link DiagEnvironment}; not thread-safe. */
  public static final class Builder {
    private TimeSource timeSource = TimeSource.system();
    private SocketFactory socketFactory = SocketFactory.getDefault();
    private Executor executor;
    private RandomGenerator random;
    private DiagEventListener.Factory eventListenerFactory = what -> DiagEventListener.NONE;

    private Builder() {}

    /**
     * Sets the clock.
     *
     * @param timeSource the time source
     * @return this builder
     */
    public Builder timeSource(TimeSource timeSource) {
      this.timeSource = requireNonNull(timeSource, "timeSource");
      return this;
    }

    /**
     * Sets the factory for plain TCP sockets (to bind a local address, use a proxy, count
     * connections in a test).
     *
     * @param socketFactory the factory
     * @return this builder
     */
    public Builder socketFactory(SocketFactory socketFactory) {
      this.socketFactory = requireNonNull(socketFactory, "socketFactory");
      return this;
    }

    /**
     * Sets the executor for async and bulk calls.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets the random source; it is shared between threads, so it must be thread-safe ({@link
     * java.util.Random} and {@link SecureRandom} are).
     *
     * @param random the random source
     * @return this builder
     */
    public Builder random(RandomGenerator random) {
      this.random = requireNonNull(random, "random");
      return this;
    }

    /**
     * Sets one listener for every diagnosis.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder eventListener(DiagEventListener listener) {
      requireNonNull(listener, "listener");
      this.eventListenerFactory = what -> listener;
      return this;
    }

    /**
     * Sets a factory that creates a listener per diagnosis.
     *
     * @param factory the factory
     * @return this builder
     */
    public Builder eventListenerFactory(DiagEventListener.Factory factory) {
      this.eventListenerFactory = requireNonNull(factory, "factory");
      return this;
    }

    /**
     * Builds the environment.
     *
     * @return the immutable environment
     */
    public DiagEnvironment build() {
      return new DiagEnvironment(this);
    }
  }

  /** A cached pool of daemon threads, created on first use, shared by default environments. */
  private static final class DefaultExecutor {
    static final ExecutorService INSTANCE = create();

    private static ExecutorService create() {
      AtomicInteger n = new AtomicInteger();
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              0,
              256,
              30,
              TimeUnit.SECONDS,
              new SynchronousQueue<>(),
              r -> {
                Thread t = new Thread(r, "mailpath-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              },
              new ThreadPoolExecutor.CallerRunsPolicy());
      return pool;
    }
  }
}
