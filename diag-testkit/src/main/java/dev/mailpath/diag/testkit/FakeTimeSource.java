package dev.mailpath.diag.testkit;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link TimeSource} that stands still until a test moves it, for logic that reads time:
 * timestamps, elapsed times, deadlines, "nothing in the future" guesses.
 *
 * <pre>{@code
 * FakeTimeSource time = FakeTimeSource.of(Instant.parse("2025-03-01T00:00:00Z"));
 * DiagEnvironment env = DiagEnvironment.system().with(e -> e.timeSource(time));
 * time.advance(Duration.ofMillis(250));     // instant() and nanoTime() move together
 * }</pre>
 *
 * <p>{@link #nanoTime()} starts at 0 and {@link #instant()} at the given start; {@link
 * #advance(Duration)} moves both. Sockets still time out in real time: use short real timeouts for
 * them, this clock for logic. Thread-safe.
 */
public final class FakeTimeSource implements TimeSource {

  private final Instant start;
  private final AtomicLong nanos = new AtomicLong();

  private FakeTimeSource(Instant start) {
    this.start = start;
  }

  /**
   * Creates a clock standing at {@code start}.
   *
   * @param start what {@link #instant()} returns until the clock is advanced
   * @return the clock
   */
  public static FakeTimeSource of(Instant start) {
    return new FakeTimeSource(requireNonNull(start, "start"));
  }

  /**
   * Creates a clock standing at 1970-01-01T00:00:00Z.
   *
   * @return the clock
   */
  public static FakeTimeSource epoch() {
    return of(Instant.EPOCH);
  }

  /**
   * Moves the clock forward.
   *
   * @param amount how far; zero or positive
   * @return this clock
   * @throws IllegalArgumentException when {@code amount} is negative (monotonic time never goes
   *     back)
   */
  public FakeTimeSource advance(Duration amount) {
    requireNonNull(amount, "amount");
    if (amount.isNegative()) {
      throw new IllegalArgumentException("amount must not be negative: " + amount);
    }
    nanos.addAndGet(amount.toNanos());
    return this;
  }

  /**
   * Returns how far the clock was advanced since it was made.
   *
   * @return the total of every {@link #advance(Duration)}
   */
  public Duration elapsed() {
    return Duration.ofNanos(nanos.get());
  }

  @Override
  public Instant instant() {
    return start.plusNanos(nanos.get());
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  @Override
  public String toString() {
    return "FakeTimeSource{" + instant() + "}";
  }
}
