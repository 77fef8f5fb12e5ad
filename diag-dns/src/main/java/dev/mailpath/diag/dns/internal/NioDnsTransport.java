package dev.mailpath.diag.dns.internal;

import dev.mailpath.diag.core.TimeSource;
import dev.mailpath.diag.core.internal.Checks;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;

/**
 * A non-blocking DNS transport: UDP over a few pooled {@link DatagramChannel}s per server and one
 * selector thread, TCP when an answer is truncated (RFC 7766 §5), every reply checked by {@link
 * ReplyCheck} before use, and futures instead of threads per query.
 *
 * <p><b>Why this shape.</b> A bulk MX run keeps hundreds of queries in flight. A thread or a socket
 * per query (JNDI, dnsjava's {@code SimpleResolver}) spends its time in thread hand-offs and socket
 * set-up; here a selector thread owns its sockets, pending-query tables and timers, so none of them
 * needs a lock, and replies complete their futures on that thread, where the resolver's next step
 * (the A query for each exchange) is sent without another hand-off. Callers on other threads only
 * add to a queue and, when the loop sleeps, wake it. One thread is the default; {@code ioThreads}
 * deals new queries to several, each with its own sockets, for machines where the system calls of
 * one core are the limit.
 *
 * <p><b>Spoofing defences (RFC 5452).</b> Query IDs are random (chosen by {@link QueryEngine});
 * each server gets {@code socketsPerServer} sockets bound to port 0, so the operating system picks
 * a random source port for each (RFC 6056; Linux, the BSDs and Windows randomise), and a socket is
 * replaced by a fresh one, with a fresh port, after {@code queriesPerSocket} queries, a middle way
 * between a new port per query (RFC 5452 §9.2, costly at 30,000 queries a second) and a fixed port.
 * Sockets are connected, so the kernel only lets through datagrams from the server asked. A reply
 * must carry a pending ID, have QR set, and repeat the question; a reply that fails is ignored and
 * waiting goes on, so a forged or echoed packet cannot end a query early.
 *
 * <p><b>Bounds.</b> At most {@code maxInFlightPerServer} queries per server are on the wire at once
 * and, with a rate limit, at most that many start per second (a token bucket holding a tenth of a
 * second's worth); the rest wait in a queue, and their timeout starts when they are sent. Each
 * query has one deadline for UDP and the TCP retry together.
 *
 * <p><b>Lifecycle.</b> The selector thread (a daemon named {@code mailpath-dns-io-...}) starts with
 * the first query and stops, closing its sockets, after {@code idleTimeout} without work, so
 * resolvers need no {@code close()}. Thread-safe.
 */
public final class NioDnsTransport implements DnsTransport {
  private static final Logger log = LoggerFactory.getLogger(NioDnsTransport.class);

  /** Default cap of queries in flight per server. */
  public static final int DEFAULT_MAX_IN_FLIGHT_PER_SERVER = 1024;

  /** Default number of UDP sockets per server. */
  public static final int DEFAULT_SOCKETS_PER_SERVER = 4;

  /** Default number of queries a UDP socket carries before it is replaced. */
  public static final int DEFAULT_QUERIES_PER_SOCKET = 1000;

  /** Default time without work after which the selector thread stops. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(2);

  /** Big enough for any UDP datagram, so an oversize reply is seen whole (and reported). */
  private static final int MAX_DATAGRAM = 65_536;

  /** Replies to hundreds of queries can arrive between two reads; the default 208 KB drops some. */
  private static final int RECEIVE_BUFFER = 1 << 20;

  /** Bound on datagrams read per socket per wake-up, so one busy socket cannot starve the rest. */
  private static final int READS_PER_WAKEUP = 256;

  /** Bound on TCP frames read for one query per wake-up (RFC 7766 lets a stream carry many). */
  private static final int TCP_FRAMES_PER_WAKEUP = 32;

  /** Bound on pending queries scanned to attribute a reply with an unknown ID. */
  private static final int STRAY_SCAN_LIMIT = 256;

  private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final int maxInFlightPerServer;
  private final int rateLimit;

  /**
   * Each selector thread's share of the per-server cap and rate (queries from one thread stay
   * there).
   */
  private final int inFlightCap;

  private final double loopRate;
  private final int socketsPerServer;
  private final int queriesPerSocket;
  private final long idleNanos;
  private final TimeSource time;
  private final SecureRandom idRandom = new SecureRandom();
  private final Object lock = new Object();
  private final int ioThreads;

  /** One slot per selector thread; a slot is null while its thread is stopped. Guarded by lock. */
  private final Loop[] loops;

  private int nextLoop;
  private final LongAdder socketsOpened = new LongAdder();
  private final LongAdder udpQueries = new LongAdder();
  private final LongAdder tcpQueries = new LongAdder();
  private final LongAdder ignoredReplies = new LongAdder();
  private final LongAdder strayReplies = new LongAdder();
  private final LongAdder inFlightNow = new LongAdder();

  private NioDnsTransport(Builder b) {
    this.maxInFlightPerServer = b.maxInFlightPerServer;
    this.rateLimit = b.rateLimit;
    this.socketsPerServer = b.socketsPerServer;
    this.queriesPerSocket = b.queriesPerSocket;
    this.idleNanos = b.idleTimeout.toNanos();
    this.time = b.time;
    this.ioThreads = b.ioThreads;
    this.inFlightCap = Math.max(1, (maxInFlightPerServer + ioThreads - 1) / ioThreads);
    this.loopRate = (double) rateLimit / ioThreads;
    this.loops = new Loop[ioThreads];
  }

  /**
   * Starts configuring a transport.
   *
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Counters for tests and benchmarks.
   *
   * @param socketsOpened UDP sockets opened so far (rotation opens new ones)
   * @param udpQueries queries sent over UDP
   * @param tcpQueries queries sent over TCP (fallbacks and TCP-only)
   * @param ignoredReplies replies tied to a query but ignored (wrong question, QR clear...)
   * @param strayReplies replies that matched no pending query
   */
  public record Stats(
      long socketsOpened,
      long udpQueries,
      long tcpQueries,
      long ignoredReplies,
      long strayReplies) {}

  /**
   * Returns the counters.
   *
   * @return a snapshot
   */
  public Stats stats() {
    return new Stats(
        socketsOpened.sum(),
        udpQueries.sum(),
        tcpQueries.sum(),
        ignoredReplies.sum(),
        strayReplies.sum());
  }

  /**
   * Returns how many queries are on the wire now (sent and neither answered, timed out nor
   * cancelled); queries waiting for a slot are not counted.
   *
   * @return the number of queries in flight
   */
  public long inFlight() {
    return inFlightNow.sum();
  }

  /** The time source of the exchanges' elapsed times; {@link DnsBudget} keys transports by it. */
  TimeSource timeSource() {
    return time;
  }

  /**
   * Tells whether the selector thread is running (it stops by itself when idle).
   *
   * @return {@code true} while it runs
   */
  public boolean running() {
    synchronized (lock) {
      for (Loop l : loops) {
        if (l != null) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * Waits until the selector thread that is running now has stopped (it stops after the idle
   * timeout), for tests that check that nothing lingers.
   *
   * @param timeout how long to wait
   * @return {@code true} when no thread of this transport is running any more
   * @throws InterruptedException when interrupted while waiting
   */
  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    List<Loop> running = new ArrayList<>();
    synchronized (lock) {
      for (Loop l : loops) {
        if (l != null) {
          running.add(l);
        }
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Loop l : running) {
      l.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (l.thread.isAlive()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Tells whether the calling thread is the selector thread of any transport, where no blocking
   * call may run.
   *
   * @return {@code true} on a mailpath DNS I/O thread
   */
  public static boolean onIoThread() {
    return Thread.currentThread() instanceof IoThread;
  }

  /** Returns the loop whose thread is the calling thread, or null. */
  private Loop ownLoop() {
    return Thread.currentThread() instanceof IoThread t && t.transport == this ? t.loop : null;
  }

  /** A selector thread, marked so that the transport recognises its own threads. */
  private static final class IoThread extends Thread {
    final NioDnsTransport transport;
    final Loop loop;

    IoThread(NioDnsTransport transport, Loop loop, String name) {
      super(loop, name);
      this.transport = transport;
      this.loop = loop;
      setDaemon(true);
    }
  }

  @Override
  public boolean nonBlocking() {
    return true;
  }

  /**
   * Sends a query and waits for the exchange.
   *
   * @throws IllegalStateException when called on the transport's own selector thread, which would
   *     wait for itself
   */
  @Override
  public DnsExchange exchange(
      InetSocketAddress server, Message query, Duration timeout, boolean tcpOnly) {
    if (ownLoop() != null) {
      throw new IllegalStateException(
          "blocking DNS exchange on the transport's own selector thread; compose with"
              + " exchangeAsync instead");
    }
    return Futures.await(exchangeAsync(server, query, timeout, tcpOnly));
  }

  @Override
  public CompletableFuture<DnsExchange> exchangeAsync(
      InetSocketAddress server, Message query, Duration timeout, boolean tcpOnly) {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(query, "query");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    if (query.getQuestion() == null) {
      throw new IllegalArgumentException("query has no question");
    }
    if (server.isUnresolved()) {
      throw new IllegalArgumentException("server must be an IP address: " + server);
    }
    Pending p = new Pending(server, query, timeout.toNanos(), tcpOnly);
    submit(p);
    // A cancelled query gives its slot back at once, not at its deadline: the loop closes its TCP
    // connection, forgets its ID and starts the next queued query.
    p.future.whenComplete(
        (r, t) -> {
          Loop l = p.loop;
          if (p.future.isCancelled() && l != null) {
            l.cancels.add(p);
            if (ownLoop() != l) {
              l.wakeup();
            }
          }
        });
    return p.future;
  }

  private void submit(Pending p) {
    Loop l = ownLoop();
    if (l != null) {
      // A continuation of an earlier query (the A query after the MX answer): it stays on this
      // thread, with no hand-off and no wake-up.
      p.loop = l;
      l.dispatch(p);
      return;
    }
    synchronized (lock) {
      int slot = nextLoop;
      nextLoop = (nextLoop + 1) % ioThreads;
      l = loops[slot];
      if (l == null) {
        try {
          l = new Loop(slot);
        } catch (IOException e) {
          p.future.complete(
              failure(
                  p,
                  DnsExchange.Status.NETWORK_ERROR,
                  false,
                  "cannot open a selector: " + e,
                  null));
          return;
        }
        loops[slot] = l;
        p.loop = l;
        l.inbox.add(p);
        l.thread.start();
        return;
      }
      p.loop = l;
      l.inbox.add(p);
    }
    l.wakeup();
  }

  // ------------------------------------------------------------------------------ per query

  /**
   * One query, from submission to its exchange. Touched only by the selector thread once queued.
   */
  private final class Pending extends DeadlineHeap.Entry {
    final InetSocketAddress server;
    final long timeoutNanos;
    final boolean tcpOnly;
    final CompletableFuture<DnsExchange> future = new CompletableFuture<>();
    Message query;
    byte[] wire;
    int id;
    long startTime;
    ServerState serverState;
    volatile Loop loop;
    boolean started;
    UdpSocket udp;
    TcpConnection tcp;
    boolean truncatedRetry;
    boolean done;
    int ignored;
    String ignoredReason;
    DnsExchange.Problem garbled;
    String garbledDetail;

    Pending(InetSocketAddress server, Message query, long timeoutNanos, boolean tcpOnly) {
      this.server = server;
      this.query = query;
      this.wire = QueryWire.encode(query);
      this.id = query.getHeader().getID();
      this.timeoutNanos = timeoutNanos;
      this.tcpOnly = tcpOnly;
    }

    void ignore(String reason) {
      ignored++;
      if (ignoredReason == null) {
        ignoredReason = reason;
      }
    }
  }

  private DnsExchange failure(
      Pending p,
      DnsExchange.Status status,
      boolean tcp,
      String error,
      DnsExchange.Problem problem) {
    return new DnsExchange(
        status,
        p.server,
        null,
        tcp,
        p.truncatedRetry,
        elapsed(p),
        error,
        p.ignored,
        problem,
        p.ignoredReason,
        false,
        0);
  }

  private Duration elapsed(Pending p) {
    return p.startTime == 0
        ? Duration.ZERO
        : Duration.ofNanos(Math.max(0, time.nanoTime() - p.startTime));
  }

  /** A server's sockets, queue and rate-limit bucket. */
  private final class ServerState {
    final InetSocketAddress address;
    final UdpSocket[] sockets = new UdpSocket[socketsPerServer];
    final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    int cursor;
    int inFlight;
    boolean releasing;
    long lastActive;
    double tokens;
    long refilledAt;

    ServerState(InetSocketAddress address, long now) {
      this.address = address;
      this.lastActive = now;
      this.tokens = burst();
      this.refilledAt = now;
    }

    private double burst() {
      return Math.max(1, loopRate / 10.0);
    }

    boolean takeToken(long now) {
      if (loopRate == 0) {
        return true;
      }
      refill(now);
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }

    long nextToken(long now) {
      refill(now);
      return now + (long) Math.ceil(Math.max(0, 1 - tokens) * 1e9 / loopRate);
    }

    private void refill(long now) {
      tokens = Math.min(burst(), tokens + (now - refilledAt) * loopRate / 1e9);
      refilledAt = now;
    }
  }

  /** One pooled UDP socket, connected to its server. */
  private static final class UdpSocket {
    final ServerState server;
    final DatagramChannel channel;
    final Map<Integer, Pending> pending = new HashMap<>();
    SelectionKey key;
    ArrayDeque<Pending> writeQueue;
    int sent;
    boolean retired;
    boolean closed;

    UdpSocket(ServerState server, DatagramChannel channel) {
      this.server = server;
      this.channel = channel;
    }
  }

  /** One TCP connection carrying one query (RFC 7766 §6.2.1 reuse is not needed for fallbacks). */
  private static final class TcpConnection {
    final Pending pending;
    final ByteBuffer length = ByteBuffer.allocate(2);
    SocketChannel channel;
    SelectionKey key;
    ByteBuffer out;
    ByteBuffer body;

    TcpConnection(Pending pending) {
      this.pending = pending;
    }
  }

  // ------------------------------------------------------------------------------ the loop

  /** The selector thread and everything only it touches. */
  private final class Loop implements Runnable {
    final int slot;
    final Selector selector;
    final Thread thread;
    final ConcurrentLinkedQueue<Pending> inbox = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Pending> cancels = new ConcurrentLinkedQueue<>();
    final AtomicBoolean wakeupNeeded = new AtomicBoolean();
    final DeadlineHeap heap = new DeadlineHeap();
    final Map<InetSocketAddress, ServerState> servers = new HashMap<>();
    final Set<ServerState> throttled = new LinkedHashSet<>();
    final ByteBuffer readBuffer = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    int waitingCount;
    long nextSweep;

    Loop(int slot) throws IOException {
      this.slot = slot;
      this.selector = Selector.open();
      this.thread =
          new IoThread(
              NioDnsTransport.this,
              this,
              "mailpath-dns-io-" + Integer.toHexString(System.identityHashCode(this)));
    }

    void wakeup() {
      if (wakeupNeeded.compareAndSet(true, false)) {
        selector.wakeup();
      }
    }

    @Override
    public void run() {
      Throwable failure = null;
      try {
        long idleSince = System.nanoTime();
        nextSweep = idleSince + SWEEP_NANOS;
        while (true) {
          drainInbox();
          drainCancels();
          long now = System.nanoTime();
          expire(now);
          releaseThrottled(now);
          if (now - nextSweep >= 0) {
            sweep(now);
            nextSweep = now + SWEEP_NANOS;
          }
          boolean idle = heap.isEmpty() && waitingCount == 0 && inbox.isEmpty();
          if (!idle) {
            idleSince = now;
          } else if (now - idleSince >= idleNanos && tryStop()) {
            return;
          }
          long wait = waitNanos(now, idle, idleSince);
          wakeupNeeded.set(true);
          int selected;
          if (!inbox.isEmpty() || !cancels.isEmpty() || wait <= 0) {
            selected = selector.selectNow();
          } else {
            selected = selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999)));
          }
          wakeupNeeded.set(false);
          if (selected > 0) {
            handleSelected();
          }
        }
      } catch (Throwable t) {
        failure = t;
        log.error("DNS selector thread failed; failing its queries", t);
      } finally {
        shutdown(failure);
      }
    }

    private long waitNanos(long now, boolean idle, long idleSince) {
      long wait = nextSweep - now;
      DeadlineHeap.Entry first = heap.peek();
      if (first != null) {
        wait = Math.min(wait, first.deadline - now);
      }
      for (ServerState s : throttled) {
        wait = Math.min(wait, s.nextToken(now) - now);
      }
      if (idle) {
        wait = Math.min(wait, idleSince + idleNanos - now);
      }
      return wait;
    }

    /** Stops unless work arrived; the lock orders this against {@link #submit}. */
    private boolean tryStop() {
      synchronized (lock) {
        if (!inbox.isEmpty()) {
          return false;
        }
        loops[slot] = null;
        return true;
      }
    }

    private void shutdown(Throwable failure) {
      List<Pending> orphans = new ArrayList<>();
      synchronized (lock) {
        if (loops[slot] == this) {
          loops[slot] = null;
        }
        Pending p;
        while ((p = inbox.poll()) != null) {
          orphans.add(p);
        }
      }
      while (!heap.isEmpty()) {
        Pending p = (Pending) heap.peek();
        heap.remove(p);
        orphans.add(p);
      }
      for (ServerState s : servers.values()) {
        orphans.addAll(s.waiting);
        s.waiting.clear();
        for (UdpSocket u : s.sockets) {
          if (u != null) {
            closeSocket(u);
          }
        }
      }
      for (SelectionKey k : selector.keys()) {
        closeQuietly(k);
      }
      try {
        selector.close();
      } catch (IOException e) {
        log.debug("closing the selector: {}", e.toString());
      }
      for (Pending p : orphans) {
        if (failure != null) {
          p.future.completeExceptionally(failure);
        } else {
          // Cannot happen (the loop only stops when idle), but never leave a caller hanging.
          p.future.complete(
              failure(p, DnsExchange.Status.NETWORK_ERROR, false, "transport stopped", null));
        }
      }
    }

    private void drainCancels() {
      Pending p;
      while ((p = cancels.poll()) != null) {
        if (p.started && !p.done) {
          finish(p, failure(p, DnsExchange.Status.NETWORK_ERROR, p.tcp != null, "cancelled", null));
        }
      }
    }

    private void drainInbox() {
      Pending p;
      while ((p = inbox.poll()) != null) {
        if (!p.future.isDone()) {
          dispatch(p);
        }
      }
    }

    void dispatch(Pending p) {
      long now = System.nanoTime();
      ServerState s = servers.get(p.server);
      if (s == null) {
        s = new ServerState(p.server, now);
        servers.put(p.server, s);
      }
      p.serverState = s;
      s.lastActive = now;
      if (s.waiting.isEmpty() && s.inFlight < inFlightCap && s.takeToken(now)) {
        start(p, now);
      } else {
        s.waiting.add(p);
        waitingCount++;
        if (rateLimit > 0) {
          throttled.add(s);
        }
      }
    }

    /** Starts queued queries while the server's in-flight cap and rate limit allow. */
    private void release(ServerState s, long now) {
      if (s.releasing) {
        return; // an outer call on the stack is already draining this queue
      }
      s.releasing = true;
      try {
        throttled.remove(s);
        while (!s.waiting.isEmpty() && s.inFlight < inFlightCap) {
          if (!s.takeToken(now)) {
            throttled.add(s);
            return;
          }
          Pending p = s.waiting.poll();
          waitingCount--;
          if (!p.future.isDone()) {
            start(p, now);
          }
        }
      } finally {
        s.releasing = false;
      }
    }

    private void releaseThrottled(long now) {
      if (throttled.isEmpty()) {
        return;
      }
      for (ServerState s : new ArrayList<>(throttled)) {
        release(s, now);
      }
    }

    private void start(Pending p, long now) {
      ServerState s = p.serverState;
      s.inFlight++;
      inFlightNow.increment();
      p.started = true;
      p.deadline = now + p.timeoutNanos;
      p.startTime = time.nanoTime();
      heap.add(p);
      if (p.tcpOnly) {
        startTcp(p);
      } else {
        sendUdp(p);
      }
    }

    private void expire(long now) {
      DeadlineHeap.Entry first;
      while ((first = heap.peek()) != null && first.deadline - now <= 0) {
        Pending p = (Pending) first;
        finish(p, timedOut(p));
      }
    }

    private DnsExchange timedOut(Pending p) {
      if (p.garbled != null) {
        // Only unreadable replies came: report them (at the deadline, since a spoofer could
        // have sent them, and a good reply might still have followed).
        return failure(p, DnsExchange.Status.MALFORMED, p.tcp != null, p.garbledDetail, p.garbled);
      }
      if (p.tcp != null) {
        return failure(
            p,
            DnsExchange.Status.TIMEOUT,
            true,
            "TCP: no reply in time",
            p.truncatedRetry ? DnsExchange.Problem.TCP_FALLBACK_FAILED : null);
      }
      return failure(p, DnsExchange.Status.TIMEOUT, false, "no valid reply", null);
    }

    private void finish(Pending p, DnsExchange exchange) {
      if (p.done) {
        return;
      }
      p.done = true;
      heap.remove(p);
      detachUdp(p);
      closeTcp(p);
      ServerState s = p.serverState;
      s.inFlight--;
      inFlightNow.decrement();
      long now = System.nanoTime();
      s.lastActive = now;
      if (!s.waiting.isEmpty()) {
        release(s, now);
      }
      p.future.complete(exchange);
    }

    private void sweep(long now) {
      for (Iterator<ServerState> it = servers.values().iterator(); it.hasNext(); ) {
        ServerState s = it.next();
        if (s.inFlight == 0 && s.waiting.isEmpty() && now - s.lastActive >= idleNanos) {
          for (UdpSocket u : s.sockets) {
            if (u != null) {
              closeSocket(u);
            }
          }
          throttled.remove(s);
          it.remove();
        }
      }
    }

    // ---------------------------------------------------------------------------- UDP

    private void sendUdp(Pending p) {
      ServerState s = p.serverState;
      UdpSocket socket;
      try {
        socket = socketFor(s, p);
      } catch (IOException e) {
        finish(
            p,
            failure(
                p,
                DnsExchange.Status.NETWORK_ERROR,
                false,
                "cannot open a UDP socket: " + e,
                null));
        return;
      }
      socket.pending.put(p.id, p);
      p.udp = socket;
      udpQueries.increment();
      try {
        if (socket.writeQueue != null && !socket.writeQueue.isEmpty()) {
          socket.writeQueue.add(p);
        } else if (socket.channel.write(ByteBuffer.wrap(p.wire)) == 0) {
          queueWrite(socket, p);
        }
      } catch (PortUnreachableException e) {
        failSocket(socket, "port unreachable");
        return;
      } catch (IOException e) {
        finish(
            p, failure(p, DnsExchange.Status.NETWORK_ERROR, false, "UDP send failed: " + e, null));
        return;
      }
      if (++socket.sent >= queriesPerSocket && !socket.retired) {
        retire(socket);
      }
    }

    private void queueWrite(UdpSocket socket, Pending p) {
      // The socket's send buffer is full; the selector says when there is room again.
      if (socket.writeQueue == null) {
        socket.writeQueue = new ArrayDeque<>();
      }
      socket.writeQueue.add(p);
      socket.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }

    private UdpSocket socketFor(ServerState s, Pending p) throws IOException {
      for (int attempt = 0; attempt < 8; attempt++) {
        for (int i = 0; i < socketsPerServer; i++) {
          int index = s.cursor;
          s.cursor = (s.cursor + 1) % socketsPerServer;
          UdpSocket u = s.sockets[index];
          if (u == null || u.closed || u.retired) {
            u = open(s);
            s.sockets[index] = u;
          }
          if (!u.pending.containsKey(p.id)) {
            return u;
          }
        }
        // Every socket has a query with this ID in flight: give this one a fresh random ID
        // (RFC 5452 §4.3), on a copy, since the caller's message is not ours to change.
        Message copy = p.query.clone();
        copy.getHeader().setID(idRandom.nextInt(0x10000));
        p.query = copy;
        p.wire = QueryWire.encode(copy);
        p.id = copy.getHeader().getID();
      }
      throw new IOException("no free query ID");
    }

    private UdpSocket open(ServerState s) throws IOException {
      boolean v6 = s.address.getAddress() instanceof Inet6Address;
      DatagramChannel ch =
          DatagramChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
      try {
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
        // Port 0: the operating system picks a random ephemeral port (RFC 6056), which is the
        // source-port randomisation RFC 5452 §9.2 asks for; rotation renews it.
        ch.bind(null);
        // Connected: the kernel drops datagrams from any other address or port, and reports
        // ICMP port unreachable as an error on this socket.
        ch.connect(s.address);
        UdpSocket u = new UdpSocket(s, ch);
        u.key = ch.register(selector, SelectionKey.OP_READ, u);
        socketsOpened.increment();
        return u;
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
    }

    private void retire(UdpSocket u) {
      u.retired = true;
      ServerState s = u.server;
      for (int i = 0; i < s.sockets.length; i++) {
        if (s.sockets[i] == u) {
          s.sockets[i] = null; // a fresh socket, with a fresh port, is opened on next use
        }
      }
      if (u.pending.isEmpty()) {
        closeSocket(u);
      }
    }

    private void detachUdp(Pending p) {
      UdpSocket u = p.udp;
      if (u == null) {
        return;
      }
      p.udp = null;
      if (u.pending.get(p.id) == p) {
        u.pending.remove(p.id);
      }
      if (u.retired && u.pending.isEmpty()) {
        closeSocket(u);
      }
    }

    private void closeSocket(UdpSocket u) {
      if (u.closed) {
        return;
      }
      u.closed = true;
      ServerState s = u.server;
      for (int i = 0; i < s.sockets.length; i++) {
        if (s.sockets[i] == u) {
          s.sockets[i] = null;
        }
      }
      if (u.key != null) {
        u.key.cancel();
      }
      try {
        u.channel.close();
      } catch (IOException e) {
        log.debug("closing a UDP socket: {}", e.toString());
      }
    }

    /** Fails every query on a socket whose server's port is unreachable (an ICMP error). */
    private void failSocket(UdpSocket u, String why) {
      List<Pending> victims = new ArrayList<>(u.pending.values());
      closeSocket(u);
      for (Pending p : victims) {
        finish(p, failure(p, DnsExchange.Status.NETWORK_ERROR, false, why, null));
      }
    }

    private void flushUdp(UdpSocket u) {
      try {
        while (u.writeQueue != null && !u.writeQueue.isEmpty()) {
          Pending p = u.writeQueue.peek();
          if (p.done || p.udp != u) {
            u.writeQueue.poll();
            continue;
          }
          if (u.channel.write(ByteBuffer.wrap(p.wire)) == 0) {
            return;
          }
          u.writeQueue.poll();
        }
        u.key.interestOps(SelectionKey.OP_READ);
      } catch (PortUnreachableException e) {
        failSocket(u, "port unreachable");
      } catch (IOException e) {
        failSocket(u, "UDP send failed: " + e);
      }
    }

    private void readUdp(UdpSocket u) {
      for (int i = 0; i < READS_PER_WAKEUP && !u.closed; i++) {
        ByteBuffer b = readBuffer;
        b.clear();
        int n;
        try {
          n = u.channel.read(b);
        } catch (PortUnreachableException e) {
          failSocket(u, "port unreachable");
          return;
        } catch (IOException e) {
          failSocket(u, "UDP receive failed: " + e);
          return;
        }
        if (n <= 0) {
          return;
        }
        byte[] data = new byte[n];
        b.flip();
        b.get(data);
        onUdpReply(u, data);
      }
    }

    private void onUdpReply(UdpSocket u, byte[] data) {
      Pending p = data.length >= 2 ? u.pending.get(ReplyCheck.u16(data, 0)) : null;
      if (p == null || p.done) {
        attributeStray(u, data);
        return;
      }
      ReplyCheck.Verdict v = ReplyCheck.check(p.query, data, false);
      switch (v.kind()) {
        case ANSWER:
          finish(p, answer(p, v.message(), false, data.length));
          break;
        case TRUNCATED:
          startTcp(p);
          break;
        case IGNORE:
          ignoredReplies.increment();
          p.ignore(v.detail());
          log.debug("ignoring reply from {}: {}", p.server, v.detail());
          break;
        case MALFORMED:
          finish(p, failure(p, DnsExchange.Status.MALFORMED, false, v.detail(), v.problem()));
          break;
        case GARBLED:
        default:
          ignoredReplies.increment();
          if (p.garbled == null) {
            p.garbled = v.problem();
            p.garbledDetail = v.detail();
          }
          break;
      }
    }

    /**
     * A reply whose ID no query on this socket has: dropped, but if it repeats the question of one
     * that is waiting (a server that mangles IDs), that query notes it, so that its timeout can say
     * a reply came and was refused.
     */
    private void attributeStray(UdpSocket u, byte[] data) {
      strayReplies.increment();
      int scanned = 0;
      for (Pending p : u.pending.values()) {
        if (++scanned > STRAY_SCAN_LIMIT) {
          break;
        }
        if (ReplyCheck.questionMatches(p.query, data)) {
          p.ignore("wrong ID " + (data.length >= 2 ? ReplyCheck.u16(data, 0) : -1));
          return;
        }
      }
      log.debug(
          "dropping a {}-byte reply with an unknown ID from {}", data.length, u.server.address);
    }

    private DnsExchange answer(Pending p, Message response, boolean tcp, int size) {
      boolean oversize = !tcp && size > 512 && size > ReplyCheck.udpLimit(p.query);
      return new DnsExchange(
          DnsExchange.Status.ANSWER,
          p.server,
          response,
          tcp,
          p.truncatedRetry,
          elapsed(p),
          null,
          p.ignored,
          DnsExchange.Problem.NONE,
          p.ignoredReason,
          oversize,
          size);
    }

    // ---------------------------------------------------------------------------- TCP

    /** Asks over TCP: for TCP-only queries, or (RFC 7766 §5) after a UDP reply with TC set. */
    private void startTcp(Pending p) {
      if (p.udp != null) {
        p.truncatedRetry = true;
        detachUdp(p);
      }
      tcpQueries.increment();
      TcpConnection c = new TcpConnection(p);
      p.tcp = c;
      ByteBuffer out = ByteBuffer.allocate(p.wire.length + 2);
      out.putShort((short) p.wire.length).put(p.wire).flip();
      c.out = out;
      try {
        SocketChannel ch = SocketChannel.open();
        c.channel = ch;
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        boolean connected = ch.connect(p.server);
        c.key =
            ch.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, c);
      } catch (IOException e) {
        tcpFailed(p, "TCP: " + describe(e));
      }
    }

    private void handleTcp(TcpConnection c, SelectionKey k) {
      Pending p = c.pending;
      try {
        if (k.isConnectable()) {
          if (!c.channel.finishConnect()) {
            return;
          }
          k.interestOps(SelectionKey.OP_WRITE);
        }
        if (k.isValid() && k.isWritable()) {
          c.channel.write(c.out);
          if (!c.out.hasRemaining()) {
            k.interestOps(SelectionKey.OP_READ);
          }
        }
        if (k.isValid() && k.isReadable()) {
          readTcp(c);
        }
      } catch (IOException e) {
        tcpFailed(p, "TCP: " + describe(e));
      }
    }

    private void readTcp(TcpConnection c) throws IOException {
      Pending p = c.pending;
      // A server can stream frames that are not our answer without end. Read a bounded number
      // per wake-up, so other sockets, timers and queued queries get their turn, and end the
      // query at its deadline here too, since the stream may never pause for expire() to run.
      for (int frames = 0; !p.done; frames++) {
        if (System.nanoTime() - p.deadline >= 0) {
          finish(p, timedOut(p));
          return;
        }
        if (frames == TCP_FRAMES_PER_WAKEUP) {
          return; // the key stays readable: the next wake-up goes on from here
        }
        if (c.body == null) {
          if (c.channel.read(c.length) < 0) {
            tcpClosed(c);
            return;
          }
          if (c.length.hasRemaining()) {
            return;
          }
          int length = ((c.length.get(0) & 0xFF) << 8) | (c.length.get(1) & 0xFF);
          c.body = ByteBuffer.allocate(length);
        }
        if (c.body.hasRemaining() && c.channel.read(c.body) < 0) {
          tcpClosed(c);
          return;
        }
        if (c.body.hasRemaining()) {
          return;
        }
        byte[] data = c.body.array();
        c.body = null;
        c.length.clear();
        ReplyCheck.Verdict v = ReplyCheck.check(p.query, data, true);
        switch (v.kind()) {
          case ANSWER:
          case TRUNCATED:
            finish(p, answer(p, v.message(), true, data.length));
            return;
          case IGNORE:
            // RFC 7766 §7: a connection may carry other replies; keep reading for ours.
            ignoredReplies.increment();
            p.ignore(v.detail());
            break;
          case MALFORMED:
          case GARBLED:
          default:
            // Unlike a UDP datagram, a TCP stream cannot be injected off-path: its content is
            // the server's, so an unreadable frame ends the attempt.
            finish(
                p,
                failure(p, DnsExchange.Status.MALFORMED, true, "TCP: " + v.detail(), v.problem()));
            return;
        }
      }
    }

    private void tcpClosed(TcpConnection c) {
      Pending p = c.pending;
      if (c.body != null || c.length.position() == 1) {
        int promised = c.body != null ? c.body.capacity() : -1;
        int got = c.body != null ? c.body.position() : 0;
        String what =
            promised >= 0
                ? "the TCP length prefix promised "
                    + promised
                    + " bytes, but the server closed the"
                    + " connection after "
                    + got
                : "the server closed the TCP connection inside a length prefix";
        finish(
            p,
            failure(
                p,
                DnsExchange.Status.MALFORMED,
                true,
                what,
                DnsExchange.Problem.TCP_LENGTH_MISMATCH));
        return;
      }
      tcpFailed(p, "TCP: the server closed the connection without a reply");
    }

    private void tcpFailed(Pending p, String why) {
      finish(
          p,
          failure(
              p,
              DnsExchange.Status.NETWORK_ERROR,
              true,
              why,
              p.truncatedRetry ? DnsExchange.Problem.TCP_FALLBACK_FAILED : null));
    }

    private void closeTcp(Pending p) {
      TcpConnection c = p.tcp;
      if (c == null || c.channel == null) {
        return;
      }
      if (c.key != null) {
        c.key.cancel();
      }
      try {
        c.channel.close();
      } catch (IOException e) {
        log.debug("closing a TCP connection: {}", e.toString());
      }
    }

    // ---------------------------------------------------------------------------- keys

    private void handleSelected() {
      Iterator<SelectionKey> it = selector.selectedKeys().iterator();
      while (it.hasNext()) {
        SelectionKey k = it.next();
        it.remove();
        try {
          if (!k.isValid()) {
            continue;
          }
          Object a = k.attachment();
          if (a instanceof UdpSocket u) {
            if (k.isReadable()) {
              readUdp(u);
            }
            if (k.isValid() && k.isWritable()) {
              flushUdp(u);
            }
          } else if (a instanceof TcpConnection c) {
            handleTcp(c, k);
          }
        } catch (CancelledKeyException e) {
          // closed by a continuation that ran while handling an earlier key
        }
      }
    }
  }

  private static void closeQuietly(SelectionKey k) {
    try {
      k.channel().close();
    } catch (IOException e) {
      log.debug("closing a channel: {}", e.toString());
    }
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  /** Configures a {@link NioDnsTransport}; not thread-safe. */
  public static final class Builder {
    private int maxInFlightPerServer = DEFAULT_MAX_IN_FLIGHT_PER_SERVER;
    private int rateLimit;
    private int socketsPerServer = DEFAULT_SOCKETS_PER_SERVER;
    private int queriesPerSocket = DEFAULT_QUERIES_PER_SOCKET;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private TimeSource time = TimeSource.system();
    private int ioThreads = 1;

    private Builder() {}

    /**
     * Sets how many selector threads carry the queries. One thread sends and receives about 50,000
     * queries a second on one core; more threads spread the system calls over more cores. Queries
     * from callers are dealt to the threads in turn, and each query's follow-ups stay on its
     * thread; the per-server cap and rate limit are shared out between them.
     *
     * @param threads 1 to 64; default 1
     * @return this builder
     */
    public Builder ioThreads(int threads) {
      this.ioThreads = Checks.range("ioThreads", threads, 1, 64);
      return this;
    }

    /**
     * Caps the queries on the wire to one server; more wait in a queue.
     *
     * @param max 1 to 65,535
     * @return this builder
     */
    public Builder maxInFlightPerServer(int max) {
      this.maxInFlightPerServer = Checks.range("maxInFlightPerServer", max, 1, 65_535);
      return this;
    }

    /**
     * Limits the queries started per second to one server.
     *
     * @param queriesPerSecond 0 for no limit, else 1 to 1,000,000
     * @return this builder
     */
    public Builder rateLimit(int queriesPerSecond) {
      this.rateLimit =
          queriesPerSecond == 0 ? 0 : Checks.range("rateLimit", queriesPerSecond, 1, 1_000_000);
      return this;
    }

    /**
     * Sets how many UDP sockets each server gets.
     *
     * @param sockets 1 to 64
     * @return this builder
     */
    public Builder socketsPerServer(int sockets) {
      this.socketsPerServer = Checks.range("socketsPerServer", sockets, 1, 64);
      return this;
    }

    /**
     * Sets after how many queries a UDP socket is replaced by one with a fresh port.
     *
     * @param queries 1 to 1,000,000
     * @return this builder
     */
    public Builder queriesPerSocket(int queries) {
      this.queriesPerSocket = Checks.range("queriesPerSocket", queries, 1, 1_000_000);
      return this;
    }

    /**
     * Sets how long the selector thread idles before it stops and closes its sockets.
     *
     * @param idleTimeout a positive duration
     * @return this builder
     */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = Checks.positive("idleTimeout", idleTimeout);
      return this;
    }

    /**
     * Sets the clock that elapsed times are read from (deadlines always use real time).
     *
     * @param time the time source
     * @return this builder
     */
    public Builder timeSource(TimeSource time) {
      this.time = Objects.requireNonNull(time, "time");
      return this;
    }

    /**
     * Builds the transport; no thread starts until the first query.
     *
     * @return the transport
     */
    public NioDnsTransport build() {
      return new NioDnsTransport(this);
    }
  }
}
