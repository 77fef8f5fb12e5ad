package dev.mailpath.diag.testkit;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;

/**
 * Serves DNS zones authoritatively on a loopback address, over UDP and TCP on the same port, with
 * injectable faults: the DNS peer for tests of anything that resolves names.
 *
 * <pre>{@code
 * try (LocalDnsZoneServer dns = LocalDnsZoneServer.builder()
 *         .zone("""
 *             $ORIGIN example.org.
 *             $TTL 300
 *             @    IN SOA ns1 hostmaster 1 3600 600 86400 300
 *             @    IN NS  ns1
 *             ns1  IN A   127.0.0.1
 *             @    IN MX  10 mx1
 *             mx1  IN A   127.0.0.1
 *             """)
 *         .fault(DnsFault.servfail().forName("broken.example.org"))
 *         .start()) {
 *     InetSocketAddress server = dns.address();   // 127.0.0.1:<ephemeral port>, UDP and TCP
 *     // ... point the code under test at server ...
 *     dns.queries();                              // what it asked, in order
 *     dns.maxUnansweredQueries();                 // the most it held unanswered at once
 * }
 * }</pre>
 *
 * <p>The server answers like an authoritative-only server such as NSD or Knot: AA set for data from
 * a loaded zone; CNAME (and DNAME) chains chased inside the zone; referrals (AA clear, NS in
 * authority, glue in additional) below a delegation; NXDOMAIN and NODATA with the SOA in authority;
 * REFUSED for names outside every zone; addresses of in-zone MX, NS and SRV targets in additional;
 * OPT in replies to EDNS queries; FORMERR for queries it cannot parse. UDP replies over the payload
 * limit (512 bytes without EDNS, otherwise the client's size capped by {@link
 * Builder#maxUdpPayload(int)}) are truncated with TC set; TCP carries the full reply. It never
 * recurses and never contacts another server.
 *
 * <p>Each query gets the normal reply unless a {@link DnsFault} matches it (the first matching one
 * applies). Faults can be given to the builder and replaced at runtime with {@link
 * #setFaults(List)}.
 *
 * <p>Threads: one daemon thread receives UDP queries and answers them; one accepts TCP connections
 * and a small pool serves them (several queries per connection, RFC 7766 §6.2.1); one schedules
 * delayed replies. All are daemon threads named {@code local-dns-...}. Instances are thread-safe;
 * an exception thrown by a {@link DnsFault#rawReply} transformer is logged and the reply dropped.
 */
public final class LocalDnsZoneServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalDnsZoneServer.class);

  /** {@link #queries()} keeps this many of the most recent queries, so long runs stay bounded. */
  static final int MAX_RECORDED_QUERIES = 10_000;

  /** TCP connections served at once; more are closed right after accept. */
  private static final int MAX_TCP_CONNECTIONS = 16;

  private static final int BIND_ATTEMPTS = 5;
  private static final int MAX_UDP_DATAGRAM = 0xFFFF;
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(1);

  /** Bytes of frames written at once by {@link DnsFault#tcpFlood()}. */
  private static final int FLOOD_BURST_BYTES = 64 * 1024;

  private static final Name WRONG_QUESTION_NAME =
      Name.fromConstantString("wrong-question.invalid.");

  private final DnsZoneAnswerer answerer;
  private final InetAddress bindAddress;
  private final int port;
  private final boolean recursionAvailable;
  private final int tcpIdleMillis;
  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final Set<Thread> ownThreads = ConcurrentHashMap.newKeySet();
  private final Thread udpThread;
  private final Thread acceptThread;
  private final ThreadPoolExecutor tcpWorkers;
  private final ScheduledThreadPoolExecutor scheduler;
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private final AtomicLong queryCount = new AtomicLong();
  private final AtomicInteger unanswered = new AtomicInteger();
  private final AtomicInteger maxUnanswered = new AtomicInteger();
  private final Deque<ReceivedQuery> queries = new ArrayDeque<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile List<ActiveFault> faults;

  private LocalDnsZoneServer(Builder b, DatagramSocket udp, ServerSocket tcp) {
    this.answerer = new DnsZoneAnswerer(b.zones, b.recursionAvailable, b.maxUdpPayload);
    this.bindAddress = b.bindAddress;
    this.port = udp.getLocalPort();
    this.recursionAvailable = b.recursionAvailable;
    this.tcpIdleMillis = (int) Math.max(1, b.tcpIdleTimeout.toMillis());
    this.udp = udp;
    this.tcp = tcp;
    this.faults = activate(b.faults);
    this.udpThread = threadFactory("local-dns-udp-" + port).newThread(this::udpLoop);
    this.acceptThread =
        tcp == null
            ? null
            : threadFactory("local-dns-tcp-accept-" + port).newThread(this::acceptLoop);
    this.tcpWorkers =
        new ThreadPoolExecutor(
            0,
            MAX_TCP_CONNECTIONS,
            5,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            threadFactory("local-dns-tcp-" + port + "-"));
    this.scheduler = new ScheduledThreadPoolExecutor(1, threadFactory("local-dns-delay-" + port));
    scheduler.setRemoveOnCancelPolicy(true);
    scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /**
   * Returns a new builder with the defaults: no zones (every query REFUSED), 127.0.0.1, an
   * ephemeral port, TCP enabled, RA clear, no faults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- accessors

  /**
   * Returns the address clients should query: the bind address and the port that UDP and TCP share.
   *
   * @return the server address
   */
  public InetSocketAddress address() {
    return new InetSocketAddress(bindAddress, port);
  }

  /**
   * Returns the port that UDP and TCP share.
   *
   * @return the port, 1 to 65535
   */
  public int port() {
    return port;
  }

  /**
   * Returns how many messages the server has received over UDP and TCP, including ones it could not
   * parse (which {@link #queries()} does not list).
   *
   * @return the number of messages received since start
   */
  public long queryCount() {
    return queryCount.get();
  }

  /**
   * Returns how many queries the server holds now: received and neither answered nor dropped yet (a
   * delayed reply counts until it is sent).
   *
   * @return the number of queries not answered yet
   */
  public int unansweredQueries() {
    return unanswered.get();
  }

  /**
   * Returns the most queries the server has held at once since it started: the peak of {@link
   * #unansweredQueries()}, which is what a client's in-flight limit per server bounds. A query
   * counts from the moment it is read until just before its reply is sent, or until the server
   * decides to send none (a {@link DnsFault#drop()} or an ignored message); so a client that waits
   * for a reply before sending its next query is never counted twice. With {@link
   * DnsFault#delay(Duration)} replies, a client with {@code n} queries in flight makes this {@code
   * n}.
   *
   * @return the peak number of queries not answered at once
   */
  public int maxUnansweredQueries() {
    return maxUnanswered.get();
  }

  /**
   * Returns the queries received so far whose question could be read, oldest first; at most the
   * latest {@value #MAX_RECORDED_QUERIES}.
   *
   * @return an immutable snapshot
   */
  public List<ReceivedQuery> queries() {
    synchronized (queries) {
      return List.copyOf(queries);
    }
  }

  /**
   * Replaces the active faults; takes effect for the next query received. The {@link
   * DnsFault#times} budgets of the new faults start from zero, even for faults that were installed
   * before.
   *
   * @param faults the faults, first match wins; an empty list restores normal answers
   * @throws NullPointerException if {@code faults} or an element is null
   */
  public void setFaults(List<DnsFault> faults) {
    this.faults = activate(List.copyOf(faults));
  }

  /** Removes all faults, so every query gets the normal answer again. */
  public void clearFaults() {
    this.faults = List.of();
  }

  /**
   * Stops the server: closes its sockets and open TCP connections, drops delayed replies still
   * pending and waits briefly for its threads to end. After it returns the port can be bound again.
   * Calling it again has no effect.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    udp.close();
    closeQuietly(tcp);
    for (Socket socket : connections) {
      closeQuietly(socket);
    }
    scheduler.shutdownNow();
    tcpWorkers.shutdownNow();
    if (!ownThreads.contains(Thread.currentThread())) {
      // Waiting makes "closed" mean closed for the caller; a fault callback closing the server
      // from a server thread must not wait for itself.
      try {
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        udpThread.join(remainingMillis(deadline));
        if (acceptThread != null) {
          acceptThread.join(remainingMillis(deadline));
        }
        tcpWorkers.awaitTermination(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        scheduler.awaitTermination(remainingMillis(deadline), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    log.debug("closed local DNS server on {}", address());
  }

  /** Returns e.g. {@code LocalDnsZoneServer[127.0.0.1:40123 udp+tcp, zones=[example.org.]]}. */
  @Override
  public String toString() {
    return "LocalDnsZoneServer["
        + bindAddress.getHostAddress()
        + ":"
        + port
        + (tcp == null ? " udp" : " udp+tcp")
        + ", zones="
        + answerer.zones().stream()
            .map(z -> z.getOrigin().toString())
            .collect(Collectors.joining(", ", "[", "]"))
        + (closed.get() ? ", closed" : "")
        + "]";
  }

  // ---------------------------------------------------------------- query handling

  /** Answers one message; never throws, so neither the UDP thread nor a TCP worker dies. */
  private void handle(byte[] raw, boolean tcpQuery, Responder responder) {
    queryCount.incrementAndGet();
    Unanswered held = new Unanswered();
    try {
      Message query;
      try {
        query = new Message(raw);
      } catch (IOException | RuntimeException e) {
        log.debug("unparseable {}-byte query: {}", raw.length, e.toString());
        byte[] formErr = DnsWire.formErr(raw, recursionAvailable);
        if (formErr != null) {
          held.answer();
          send(responder, formErr);
        }
        return;
      }
      if (query.getHeader().getFlag(Flags.QR)) {
        // A response sent to a server is ignored, never answered (no reflection ping-pong).
        return;
      }
      Record question = query.getQuestion();
      if (question == null || query.getHeader().getCount(Section.QUESTION) != 1) {
        // RFC 9619: a query has exactly one question; anything else is a format error.
        held.answer();
        send(responder, answerer.error(query, Rcode.FORMERR).toWire());
        return;
      }
      record(query, question, tcpQuery);
      DnsFault fault = pickFault(question.getName(), question.getType(), tcpQuery);
      if (fault != null) {
        log.debug(
            "applying {} to {} {}", fault, question.getName(), Type.string(question.getType()));
      }
      byte[] reply = buildReply(query, raw, tcpQuery, fault);
      if (reply != null) {
        dispatch(responder, reply, fault, held);
      }
    } catch (RuntimeException e) {
      log.warn("local DNS server failed to answer a query; no reply sent", e);
    } finally {
      if (!held.delayed) {
        held.answer(); // no reply, or one sent already: no longer held
      }
    }
  }

  /**
   * One query in {@link #unansweredQueries()}: counted when read, uncounted once, just before its
   * reply goes out (so the client cannot send its next query while this one still counts).
   */
  private final class Unanswered {
    private final AtomicBoolean answered = new AtomicBoolean();

    /** Set (on the receiving thread) when the reply is left to the delay scheduler. */
    boolean delayed;

    Unanswered() {
      maxUnanswered.accumulateAndGet(unanswered.incrementAndGet(), Math::max);
    }

    void answer() {
      if (answered.compareAndSet(false, true)) {
        unanswered.decrementAndGet();
      }
    }
  }

  private void record(Message query, Record question, boolean tcpQuery) {
    ReceivedQuery received =
        new ReceivedQuery(
            question.getName().toString(),
            question.getType(),
            tcpQuery,
            query.getHeader().getFlag(Flags.RD),
            query.getOPT() != null,
            Instant.now());
    synchronized (queries) {
      if (queries.size() == MAX_RECORDED_QUERIES) {
        queries.removeFirst();
      }
      queries.addLast(received);
    }
  }

  private DnsFault pickFault(Name name, int type, boolean tcpQuery) {
    for (ActiveFault active : faults) {
      if (active.fault.matches(name, type, tcpQuery) && active.tryConsume()) {
        return active.fault;
      }
    }
    return null;
  }

  /** Returns the bytes to send (unframed), or null for no reply. */
  private byte[] buildReply(Message query, byte[] raw, boolean tcpQuery, DnsFault fault) {
    DnsFault.Kind kind = fault == null ? null : fault.kind();
    if (kind == DnsFault.Kind.DROP) {
      return null;
    }
    if (kind == DnsFault.Kind.ECHO_QUERY) {
      return raw.clone();
    }
    if (kind == DnsFault.Kind.COMPRESSION_LOOP) {
      return DnsWire.compressionLoop(answerer.headerAndQuestion(query));
    }
    if (kind == DnsFault.Kind.NXDOMAIN_WITHOUT_QUESTION) {
      return DnsWire.headerOnly(raw, Rcode.NXDOMAIN);
    }
    Message reply =
        kind == DnsFault.Kind.RCODE
            ? answerer.error(query, fault.rcodeValue())
            : answerer.answer(query);
    if (kind != null) {
      switch (kind) {
        case TRUNCATE:
          reply = DnsZoneAnswerer.truncatedCopy(reply);
          break;
        case TCP_FLOOD:
          if (tcpQuery) {
            reply.getHeader().setID((reply.getHeader().getID() + 1) & 0xFFFF);
          } else {
            reply = DnsZoneAnswerer.truncatedCopy(reply);
          }
          break;
        case WRONG_CLASS:
          reply = answersInClass(reply, DClass.CH);
          break;
        case NOT_AUTHORITATIVE:
          reply.getHeader().unsetFlag(Flags.AA);
          break;
        case WRONG_ID:
          reply.getHeader().setID((reply.getHeader().getID() + 1) & 0xFFFF);
          break;
        case WRONG_QUESTION:
          reply = DnsZoneAnswerer.renamedCopy(reply, WRONG_QUESTION_NAME);
          break;
        case OUT_OF_BAILIWICK_ADDITIONAL:
          reply.addRecord(
              addressRecord(fault.extraName(), fault.extraAddress()), Section.ADDITIONAL);
          break;
        default:
          break;
      }
    }
    byte[] wire;
    if (tcpQuery) {
      wire = reply.toWire(DnsZoneAnswerer.MAX_TCP_MESSAGE);
    } else if (kind == DnsFault.Kind.OVERSIZE_UDP_WITHOUT_TC) {
      wire = reply.toWire();
    } else {
      // Message.toWire(max) drops whole records that do not fit and sets TC (RFC 1035 §4.2.1,
      // RFC 2181 §9), keeping room for OPT.
      wire = reply.toWire(answerer.udpLimit(query));
    }
    if (kind == DnsFault.Kind.LYING_RECORD_COUNTS) {
      wire = DnsWire.withInflatedAnswerCount(wire);
    } else if (kind == DnsFault.Kind.RAW_REPLY) {
      wire = fault.rawReplyTransformer().apply(wire.clone());
    }
    return wire;
  }

  /** Returns a copy of {@code reply} whose answer records are of class {@code dclass}. */
  private static Message answersInClass(Message reply, int dclass) {
    Message out = new Message(reply.getHeader().getID());
    for (int flag = 0; flag < 16; flag++) {
      if (Flags.isFlag(flag) && reply.getHeader().getFlag(flag)) {
        out.getHeader().setFlag(flag);
      }
    }
    out.getHeader().setOpcode(reply.getHeader().getOpcode());
    out.getHeader().setRcode(reply.getHeader().getRcode());
    for (int section : new int[] {Section.QUESTION, Section.ANSWER, Section.AUTHORITY}) {
      for (Record r : reply.getSection(section)) {
        out.addRecord(
            section == Section.ANSWER
                ? Record.newRecord(
                    r.getName(), r.getType(), dclass, r.getTTL(), r.rdataToWireCanonical())
                : r,
            section);
      }
    }
    for (Record r : reply.getSection(Section.ADDITIONAL)) {
      out.addRecord(r, Section.ADDITIONAL); // OPT included, so EDNS replies stay EDNS replies
    }
    return out;
  }

  private static Record addressRecord(Name name, InetAddress address) {
    return address instanceof Inet4Address
        ? new ARecord(name, DClass.IN, 300, address)
        : new AAAARecord(name, DClass.IN, 300, address);
  }

  private void dispatch(Responder responder, byte[] reply, DnsFault fault, Unanswered held) {
    DnsFault.Kind kind = fault == null ? null : fault.kind();
    if (kind == DnsFault.Kind.DELAY) {
      responder.beginPending();
      held.delayed = true;
      try {
        scheduler.schedule(
            () -> {
              try {
                held.answer();
                send(responder, reply);
              } finally {
                responder.endPending();
              }
            },
            saturatedNanos(fault.delayDuration()),
            TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        held.answer();
        responder.endPending(); // closing: the reply is dropped like every pending one
      }
      return;
    }
    held.answer();
    if (kind == DnsFault.Kind.TCP_FLOOD) {
      try {
        responder.flood(reply);
      } catch (IOException e) {
        log.debug("flood ended: {}", e.toString());
      }
    } else if (kind == DnsFault.Kind.TCP_LENGTH_LIE) {
      try {
        responder.sendWithLengthLie(reply);
      } catch (IOException e) {
        log.debug("could not send reply: {}", e.toString());
      }
    } else {
      send(responder, reply);
    }
  }

  private static void send(Responder responder, byte[] reply) {
    try {
      responder.send(reply);
    } catch (IOException e) {
      // The client went away or the server is closing; nothing to tell anyone.
      log.debug("could not send reply: {}", e.toString());
    }
  }

  // ---------------------------------------------------------------- transports

  private void startThreads() {
    udpThread.start();
    if (acceptThread != null) {
      acceptThread.start();
    }
    log.debug("started {}", this);
  }

  private void udpLoop() {
    byte[] buffer = new byte[MAX_UDP_DATAGRAM];
    while (!closed.get()) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        udp.receive(packet);
      } catch (IOException e) {
        if (closed.get()) {
          return;
        }
        log.debug("UDP receive failed: {}", e.toString());
        continue;
      }
      byte[] query =
          Arrays.copyOfRange(
              packet.getData(), packet.getOffset(), packet.getOffset() + packet.getLength());
      handle(query, false, new UdpResponder(packet.getSocketAddress()));
    }
  }

  private void acceptLoop() {
    while (!closed.get()) {
      Socket socket;
      try {
        socket = tcp.accept();
      } catch (IOException e) {
        if (closed.get()) {
          return;
        }
        log.debug("TCP accept failed: {}", e.toString());
        continue;
      }
      connections.add(socket);
      if (closed.get()) { // close() may have swept the connections before this one was added
        closeQuietly(socket);
        return;
      }
      try {
        tcpWorkers.execute(() -> serveConnection(socket));
      } catch (RejectedExecutionException e) {
        log.debug("too many TCP connections; closing {}", socket.getRemoteSocketAddress());
        connections.remove(socket);
        closeQuietly(socket);
      }
    }
  }

  /**
   * Reads length-prefixed queries (RFC 1035 §4.2.2) until the client closes, the server closes or
   * the connection is idle for the configured time (RFC 7766 §6.2.3: servers close idle connections
   * to save resources). Several queries may arrive on one connection and be answered out of order
   * (RFC 7766 §6.2.1.1), as delayed ones are.
   */
  private void serveConnection(Socket socket) {
    TcpResponder responder;
    try {
      responder = new TcpResponder(socket);
    } catch (IOException e) {
      connections.remove(socket);
      closeQuietly(socket);
      return;
    }
    try {
      socket.setSoTimeout(tcpIdleMillis);
      socket.setTcpNoDelay(true);
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      while (!closed.get() && !socket.isClosed()) {
        int length;
        try {
          length = in.readUnsignedShort();
        } catch (SocketTimeoutException e) {
          if (responder.pending.get() > 0) {
            continue; // still owes a delayed reply: not idle
          }
          log.debug("closing idle TCP connection from {}", socket.getRemoteSocketAddress());
          break;
        }
        byte[] message = new byte[length];
        in.readFully(message);
        handle(message, true, responder);
      }
    } catch (EOFException e) {
      // The client closed its side; pending delayed replies are still sent.
    } catch (IOException e) {
      log.debug("TCP connection ended: {}", e.toString());
    } finally {
      responder.readerFinished();
    }
  }

  /** Where a reply goes: a UDP client address or a TCP connection. */
  private interface Responder {
    void send(byte[] reply) throws IOException;

    default void sendWithLengthLie(byte[] reply) throws IOException {
      send(reply);
    }

    /** Sends {@code reply} again and again until the peer or the server closes (TCP only). */
    default void flood(byte[] reply) throws IOException {
      send(reply);
    }

    default void beginPending() {}

    default void endPending() {}
  }

  private final class UdpResponder implements Responder {
    private final SocketAddress client;

    UdpResponder(SocketAddress client) {
      this.client = client;
    }

    @Override
    public void send(byte[] reply) throws IOException {
      udp.send(new DatagramPacket(reply, reply.length, client));
    }
  }

  private final class TcpResponder implements Responder {
    private final Socket socket;
    private final OutputStream out;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean readerDone;

    TcpResponder(Socket socket) throws IOException {
      this.socket = socket;
      this.out = socket.getOutputStream();
    }

    @Override
    public synchronized void send(byte[] reply) throws IOException {
      // One write per reply, so concurrent (delayed) replies never interleave their bytes.
      out.write(DnsWire.framed(reply));
      out.flush();
    }

    @Override
    public synchronized void sendWithLengthLie(byte[] reply) throws IOException {
      try {
        out.write(DnsWire.lyingLengthPrefix(reply));
        out.flush();
      } finally {
        close();
      }
    }

    @Override
    public synchronized void flood(byte[] reply) throws IOException {
      // Bursts of frames in one write each: the client's socket stays readable without a pause,
      // however fast it reads, so only its own deadline can end the read loop.
      byte[] frame = DnsWire.framed(reply);
      int frames = Math.max(1, FLOOD_BURST_BYTES / frame.length);
      byte[] burst = new byte[frame.length * frames];
      for (int i = 0; i < frames; i++) {
        System.arraycopy(frame, 0, burst, i * frame.length, frame.length);
      }
      try {
        while (!closed.get() && !socket.isClosed()) {
          out.write(burst);
        }
        out.flush();
      } finally {
        close();
      }
    }

    @Override
    public void beginPending() {
      pending.incrementAndGet();
    }

    @Override
    public void endPending() {
      if (pending.decrementAndGet() == 0 && readerDone) {
        close();
      }
    }

    /** The reader is done: close now, or after the last delayed reply has been sent. */
    void readerFinished() {
      readerDone = true;
      if (pending.get() == 0) {
        close();
      }
    }

    private void close() {
      connections.remove(socket);
      closeQuietly(socket);
    }
  }

  // ---------------------------------------------------------------- helpers

  private List<ActiveFault> activate(List<DnsFault> list) {
    List<ActiveFault> active = new ArrayList<>(list.size());
    for (DnsFault fault : list) {
      active.add(new ActiveFault(fault));
    }
    return List.copyOf(active);
  }

  /** A fault installed on this server, with its remaining {@link DnsFault#times} budget. */
  private static final class ActiveFault {
    final DnsFault fault;
    final AtomicInteger remaining;

    ActiveFault(DnsFault fault) {
      this.fault = Objects.requireNonNull(fault, "fault");
      this.remaining = new AtomicInteger(fault.timesLimit());
    }

    boolean tryConsume() {
      if (fault.timesLimit() == DnsFault.UNLIMITED) {
        return true;
      }
      while (true) {
        int left = remaining.get();
        if (left <= 0) {
          return false;
        }
        if (remaining.compareAndSet(left, left - 1)) {
          return true;
        }
      }
    }
  }

  private ThreadFactory threadFactory(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    boolean numbered = prefix.endsWith("-");
    return runnable -> {
      Thread t = new Thread(runnable, numbered ? prefix + counter.incrementAndGet() : prefix);
      t.setDaemon(true);
      ownThreads.add(t);
      return t;
    };
  }

  private static long remainingMillis(long deadlineNanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static void closeQuietly(Closeable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (IOException e) {
      log.debug("close failed: {}", e.toString());
    }
  }

  // ---------------------------------------------------------------- value types

  /**
   * One query the server received and could parse.
   *
   * @param name the query name as received, absolute with a trailing dot (e.g. {@code
   *     "example.org."}), letter case preserved
   * @param type the query type code (15 for MX; see {@link #typeName()})
   * @param tcp whether it arrived over TCP rather than UDP
   * @param recursionDesired whether the RD flag was set
   * @param edns whether the query carried an OPT record (RFC 6891)
   * @param at when the server received it
   */
  public record ReceivedQuery(
      String name, int type, boolean tcp, boolean recursionDesired, boolean edns, Instant at) {

    /**
     * Checks the components.
     *
     * @param name the query name as received
     * @param type the query type code, 0 to 65535
     * @param tcp whether it arrived over TCP
     * @param recursionDesired whether RD was set
     * @param edns whether the query carried OPT
     * @param at when it was received
     * @throws NullPointerException if {@code name} or {@code at} is null
     * @throws IllegalArgumentException if {@code type} is outside 0 to 65535
     */
    public ReceivedQuery {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(at, "at");
      if (type < 0 || type > 0xFFFF) {
        throw new IllegalArgumentException("type must be between 0 and 65535, got " + type);
      }
    }

    /**
     * Returns the type mnemonic, e.g. {@code "MX"}, or {@code "TYPE65280"} for unknown types.
     *
     * @return the type name
     */
    public String typeName() {
      return Type.string(type);
    }
  }

  // ---------------------------------------------------------------- builder

  /**
   * Configures and starts a {@link LocalDnsZoneServer}. Setters validate eagerly and throw {@link
   * IllegalArgumentException} naming the bad parameter. Not thread-safe; each {@link #start()}
   * starts a new, independent server with the current settings.
   */
  public static final class Builder {
    private final List<Zone> zones = new ArrayList<>();
    private final List<DnsFault> faults = new ArrayList<>();
    private InetAddress bindAddress = defaultBindAddress();
    private int port;
    private int maxUdpPayload = DnsZoneAnswerer.DEFAULT_EDNS_PAYLOAD;
    private boolean recursionAvailable;
    private boolean tcpEnabled = true;
    private Duration tcpIdleTimeout = Duration.ofSeconds(2);

    private Builder() {}

    /**
     * Adds a zone from master-file text (RFC 1035 §5) whose origin is given by its first {@code
     * $ORIGIN} directive or, without one, by the owner of its SOA record. Call it once per zone;
     * each query is answered from the zone with the longest origin enclosing the query name, so a
     * root zone {@code "."} and a child zone {@code "org."} may be served together.
     *
     * @param masterFileText the zone text; it needs one SOA and an NS set at the origin, and no
     *     {@code $INCLUDE}
     * @return this builder
     * @throws IllegalArgumentException if the text does not parse, has no origin, has records
     *     outside the origin, or a zone with the same origin was already added
     */
    public Builder zone(String masterFileText) {
      Objects.requireNonNull(masterFileText, "masterFileText");
      return addZone(DnsZoneAnswerer.parseZone(null, masterFileText));
    }

    /**
     * Adds a zone from master-file text, with relative names taken relative to {@code origin}.
     *
     * @param origin the zone origin, e.g. {@code "example.org"} (a trailing dot is optional) or
     *     {@code "."} for the root zone
     * @param masterFileText the zone text
     * @return this builder
     * @throws IllegalArgumentException as {@link #zone(String)}, or if {@code origin} is not a
     *     domain name
     */
    public Builder zone(String origin, String masterFileText) {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(masterFileText, "masterFileText");
      Name name;
      try {
        name = Name.fromString(origin.trim(), Name.root);
      } catch (TextParseException e) {
        throw new IllegalArgumentException(
            "origin must be a domain name such as example.org, got '" + origin + "'", e);
      }
      return addZone(DnsZoneAnswerer.parseZone(name, masterFileText));
    }

    /**
     * Adds a zone from a master-file text file (UTF-8), such as a DNS recording made with
     * diag-assertj's {@code DnsRecording}: as {@link #zone(String)} with the file's content.
     *
     * @param file the zone file; its origin comes from its first {@code $ORIGIN} or its SOA
     * @return this builder
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException as {@link #zone(String)}, naming the file
     */
    public Builder zoneFile(Path file) {
      Objects.requireNonNull(file, "file");
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read zone file " + file, e);
      }
      try {
        return zone(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("zone file " + file + ": " + e.getMessage(), e);
      }
    }

    private Builder addZone(Zone zone) {
      for (Zone existing : zones) {
        if (existing.getOrigin().equals(zone.getOrigin())) {
          throw new IllegalArgumentException(
              "masterFileText: a zone for " + zone.getOrigin() + " was already added");
        }
      }
      zones.add(zone);
      return this;
    }

    /**
     * Sets the loopback address to listen on; default 127.0.0.1. Any 127.0.0.0/8 address works on
     * Linux without configuration, so several servers can share a port on different addresses (as a
     * fake root hierarchy on 127.0.1.1 to 127.0.1.13 does).
     *
     * @param address a loopback address
     * @return this builder
     * @throws IllegalArgumentException if {@code address} is not a loopback address
     */
    public Builder bindAddress(InetAddress address) {
      Objects.requireNonNull(address, "address");
      if (!address.isLoopbackAddress()) {
        // The test kit never listens where another machine could reach it.
        throw new IllegalArgumentException(
            "bindAddress must be a loopback address such as 127.0.0.1, got "
                + address.getHostAddress());
      }
      this.bindAddress = address;
      return this;
    }

    /**
     * Sets the port for UDP and TCP; default 0, an ephemeral port free for both.
     *
     * @param port 0 to 65535
     * @return this builder
     * @throws IllegalArgumentException if {@code port} is outside 0 to 65535
     */
    public Builder port(int port) {
      if (port < 0 || port > 0xFFFF) {
        throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Caps the UDP reply size for EDNS queries and sets the size the server advertises in its OPT
     * record; default 1232. EDNS queries may receive up to the smaller of the client's advertised
     * size and this cap; queries without EDNS always get at most 512 bytes (RFC 1035 §4.2.1).
     * Larger replies are truncated with TC set.
     *
     * @param bytes 512 to 65535 (RFC 6891 §6.2.5 treats anything below 512 as 512)
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is outside 512 to 65535
     */
    public Builder maxUdpPayload(int bytes) {
      if (bytes < DnsZoneAnswerer.CLASSIC_UDP_PAYLOAD || bytes > 0xFFFF) {
        throw new IllegalArgumentException(
            "maxUdpPayload must be between 512 and 65535, got " + bytes);
      }
      this.maxUdpPayload = bytes;
      return this;
    }

    /**
     * Sets whether replies carry the RA (recursion available) flag; default false, as for an
     * authoritative-only server. The server never recurses either way; set it to imitate a resolver
     * or a misconfigured open server.
     *
     * @param available whether to set RA
     * @return this builder
     */
    public Builder recursionAvailable(boolean available) {
      this.recursionAvailable = available;
      return this;
    }

    /**
     * Sets whether to listen on TCP as well; default true. Without TCP, connections to the port are
     * refused, like a server behind a firewall that only lets UDP through.
     *
     * @param enabled whether to serve TCP
     * @return this builder
     */
    public Builder tcp(boolean enabled) {
      this.tcpEnabled = enabled;
      return this;
    }

    /**
     * Sets how long a TCP connection may sit idle before the server closes it; default 2 seconds.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is zero, negative or over a day
     */
    public Builder tcpIdleTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException(
            "tcpIdleTimeout must be positive and at most a day, got " + timeout);
      }
      this.tcpIdleTimeout = timeout;
      return this;
    }

    /**
     * Adds a fault; faults apply in the order added, first match wins.
     *
     * @param fault the fault
     * @return this builder
     */
    public Builder fault(DnsFault fault) {
      faults.add(Objects.requireNonNull(fault, "fault"));
      return this;
    }

    /**
     * Binds UDP, then TCP on the same port (retrying with a new ephemeral port a few times when TCP
     * finds it taken), and starts serving.
     *
     * @return the running server; close it when done
     * @throws UncheckedIOException if the sockets cannot be bound (e.g. a fixed port in use)
     */
    public LocalDnsZoneServer start() {
      int attempts = port == 0 ? BIND_ATTEMPTS : 1;
      IOException last = null;
      for (int i = 0; i < attempts; i++) {
        DatagramSocket udp = null;
        ServerSocket tcp = null;
        try {
          udp = new DatagramSocket(new InetSocketAddress(bindAddress, port));
          if (tcpEnabled) {
            tcp = new ServerSocket();
            // Lets a restarted server rebind while old connections sit in TIME_WAIT; a port
            // with a live listener still fails, which is what we want.
            tcp.setReuseAddress(true);
            tcp.bind(new InetSocketAddress(bindAddress, udp.getLocalPort()), 50);
          }
          LocalDnsZoneServer server = new LocalDnsZoneServer(this, udp, tcp);
          server.startThreads();
          return server;
        } catch (IOException e) {
          last = e;
          closeQuietly(tcp);
          closeQuietly(udp);
        }
      }
      throw new UncheckedIOException(
          "could not bind UDP"
              + (tcpEnabled ? " and TCP" : "")
              + " on "
              + bindAddress.getHostAddress()
              + ":"
              + port
              + " ("
              + attempts
              + " attempt(s))",
          last);
    }

    private static InetAddress defaultBindAddress() {
      try {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
      } catch (UnknownHostException e) {
        throw new IllegalStateException("a 4-byte address is always valid", e);
      }
    }
  }
}
