package dev.mailpath.diag.testkit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.xbill.DNS.Address;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Describes one misbehaviour that a {@link LocalDnsZoneServer} applies to matching queries.
 *
 * <p>A fault is an immutable value: the static factories create it, and the restriction methods
 * ({@link #forName(String)}, {@link #forType(String)}, {@link #onlyUdp()}, {@link #onlyTcp()},
 * {@link #times(int)}) each return a new, narrower fault. Several faults may be installed on one
 * server; for every query the server applies the <em>first</em> installed fault that matches it,
 * and only that one. A fault limited with {@link #times(int)} stops matching once it has been
 * applied that many times (the count lives in the server, so the same value may be installed on
 * several servers or re-installed with {@link LocalDnsZoneServer#setFaults(java.util.List)} to
 * start counting again).
 *
 * <pre>{@code
 * DnsFault flaky = DnsFault.servfail().forName("broken.example.org").forType("MX").times(2);
 * DnsFault slow = DnsFault.delay(Duration.ofMillis(300)).onlyUdp();
 * }</pre>
 *
 * <p>Some faults only make sense on one transport and match only there whatever the restriction
 * methods say: {@link #truncate()} and {@link #oversizeUdpWithoutTc()} apply to UDP queries, {@link
 * #tcpLengthLie()} to TCP queries. Queries that cannot be parsed never match a fault.
 *
 * <p>Instances are immutable and thread-safe. Factories and restriction methods throw {@link
 * NullPointerException} or {@link IllegalArgumentException} (naming the parameter) for bad input.
 */
public final class DnsFault {

  /** What the server does instead of (or to) its normal reply. */
  enum Kind {
    DELAY("delay"),
    DROP("drop"),
    RCODE("rcode"),
    TRUNCATE("truncate"),
    NOT_AUTHORITATIVE("notAuthoritative"),
    WRONG_ID("wrongId"),
    ECHO_QUERY("echoQuery"),
    WRONG_QUESTION("wrongQuestion"),
    OVERSIZE_UDP_WITHOUT_TC("oversizeUdpWithoutTc"),
    OUT_OF_BAILIWICK_ADDITIONAL("outOfBailiwickAdditional"),
    LYING_RECORD_COUNTS("lyingRecordCounts"),
    COMPRESSION_LOOP("compressionLoop"),
    TCP_LENGTH_LIE("tcpLengthLie"),
    TCP_FLOOD("tcpFlood"),
    WRONG_CLASS("wrongClass"),
    NXDOMAIN_WITHOUT_QUESTION("nxdomainWithoutQuestion"),
    RAW_REPLY("rawReply");

    private final String factoryName;

    Kind(String factoryName) {
      this.factoryName = factoryName;
    }
  }

  /** Which transport a fault matches. */
  enum Transport {
    ANY,
    UDP,
    TCP
  }

  /** {@link #times} value meaning "every matching query". */
  static final int UNLIMITED = -1;

  /** {@link #type} value meaning "every query type". */
  static final int ANY_TYPE = -1;

  private final Kind kind;
  private final Duration delay;
  private final int rcode;
  private final Name extraName;
  private final InetAddress extraAddress;
  private final UnaryOperator<byte[]> rawReply;
  private final Name name;
  private final int type;
  private final Transport transport;
  private final int times;

  private DnsFault(
      Kind kind,
      Duration delay,
      int rcode,
      Name extraName,
      InetAddress extraAddress,
      UnaryOperator<byte[]> rawReply,
      Name name,
      int type,
      Transport transport,
      int times) {
    this.kind = kind;
    this.delay = delay;
    this.rcode = rcode;
    this.extraName = extraName;
    this.extraAddress = extraAddress;
    this.rawReply = rawReply;
    this.name = name;
    this.type = type;
    this.transport = transport;
    this.times = times;
  }

  private static DnsFault of(Kind kind) {
    return new DnsFault(kind, null, 0, null, null, null, null, ANY_TYPE, Transport.ANY, UNLIMITED);
  }

  private DnsFault with(Name newName, int newType, Transport newTransport, int newTimes) {
    return new DnsFault(
        kind,
        delay,
        rcode,
        extraName,
        extraAddress,
        rawReply,
        newName,
        newType,
        newTransport,
        newTimes);
  }

  // ---------------------------------------------------------------- factories

  /**
   * Returns a fault that sends the normal reply after {@code delay}.
   *
   * <p>The delay is scheduled, so a delayed reply never holds up other queries on the same server
   * (nor, over TCP, later queries on the same connection: RFC 7766 §6.2.1.1 allows out-of-order
   * replies).
   *
   * @param delay how long to wait before replying; zero or positive
   * @return the fault
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  public static DnsFault delay(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, got " + delay);
    }
    return new DnsFault(
        Kind.DELAY, delay, 0, null, null, null, null, ANY_TYPE, Transport.ANY, UNLIMITED);
  }

  /**
   * Returns a fault that sends no reply at all, so the client runs into its timeout.
   *
   * @return the fault
   */
  public static DnsFault drop() {
    return of(Kind.DROP);
  }

  /**
   * Returns a fault that answers with RCODE SERVFAIL (2) and empty answer, authority and additional
   * sections (apart from OPT for EDNS queries), as a server with a broken zone does.
   *
   * @return the fault
   */
  public static DnsFault servfail() {
    return rcode(Rcode.SERVFAIL);
  }

  /**
   * Returns a fault that answers with RCODE REFUSED (5), as a server that will not serve this
   * client does.
   *
   * @return the fault
   */
  public static DnsFault refused() {
    return rcode(Rcode.REFUSED);
  }

  /**
   * Returns a fault that answers with the given RCODE and no records, for codes that have no
   * factory of their own (FORMERR 1, NXDOMAIN 3 without SOA, NOTIMP 4, or an extended RCODE such as
   * BADVERS 16, which is carried in the OPT record of EDNS replies per RFC 6891 §6.1.3).
   *
   * <p>Codes above 15 need the upper bits in OPT, so only EDNS queries see them whole; a query
   * without EDNS receives the low four bits in the header.
   *
   * @param rcode the response code, 0 to 4095
   * @return the fault
   * @throws IllegalArgumentException if {@code rcode} is outside 0 to 4095
   */
  public static DnsFault rcode(int rcode) {
    if (rcode < 0 || rcode > 0xFFF) {
      throw new IllegalArgumentException("rcode must be between 0 and 4095, got " + rcode);
    }
    return new DnsFault(
        Kind.RCODE, null, rcode, null, null, null, null, ANY_TYPE, Transport.ANY, UNLIMITED);
  }

  /**
   * Returns a fault that answers UDP queries with TC set and empty answer, authority and additional
   * sections (apart from OPT), whatever the size of the real answer; TCP queries get the full
   * answer.
   *
   * <p>This forces a client to retry over TCP (RFC 1035 §4.2.1, RFC 7766 §5). The fault only ever
   * matches UDP queries, so a {@link #times(int)} budget is not used up by the TCP retry.
   *
   * @return the fault
   */
  public static DnsFault truncate() {
    return of(Kind.TRUNCATE);
  }

  /**
   * Returns a fault that sends the normal reply with the AA (authoritative answer) flag cleared, as
   * a lame or caching server would.
   *
   * @return the fault
   */
  public static DnsFault notAuthoritative() {
    return of(Kind.NOT_AUTHORITATIVE);
  }

  /**
   * Returns a fault that sends the normal reply with a different message ID (the query's ID plus
   * one, modulo 65536). RFC 5452 §4.3 requires resolvers to discard such replies.
   *
   * @return the fault
   */
  public static DnsFault wrongId() {
    return of(Kind.WRONG_ID);
  }

  /**
   * Returns a fault that sends the query's own bytes back unchanged, so the "reply" has QR clear
   * and no answers. Some resolvers (dnsjava among them) take that for an empty answer.
   *
   * @return the fault
   */
  public static DnsFault echoQuery() {
    return of(Kind.ECHO_QUERY);
  }

  /**
   * Returns a fault that sends the normal reply with its question and answer owner names replaced
   * by {@code wrong-question.invalid.}. RFC 5452 §9.1 requires resolvers to check the question
   * section.
   *
   * @return the fault
   */
  public static DnsFault wrongQuestion() {
    return of(Kind.WRONG_QUESTION);
  }

  /**
   * Returns a fault that sends the full answer over UDP whatever its size, ignoring the payload
   * limit (512 bytes without EDNS, RFC 1035 §4.2.1; the advertised size with EDNS, RFC 6891 §6.2.5)
   * and leaving TC clear. Only UDP queries match.
   *
   * @return the fault
   */
  public static DnsFault oversizeUdpWithoutTc() {
    return of(Kind.OVERSIZE_UDP_WITHOUT_TC);
  }

  /**
   * Returns a fault that adds an address record for an unrelated name to the additional section of
   * the normal reply: the classic cache-poisoning attempt that RFC 2181 §5.4.1 tells resolvers to
   * ignore.
   *
   * @param name the owner name of the extra record, e.g. {@code "www.victim.example"}
   * @param address an IPv4 or IPv6 address literal (never looked up); an A record is added for
   *     IPv4, an AAAA record for IPv6
   * @return the fault
   * @throws IllegalArgumentException if {@code name} is not a valid domain name or {@code address}
   *     is not an IP address literal
   */
  public static DnsFault outOfBailiwickAdditional(String name, String address) {
    Name owner = parseName(name, "name");
    Objects.requireNonNull(address, "address");
    InetAddress parsed;
    try {
      // Address.getByAddress only parses literals; it never consults a resolver.
      parsed = Address.getByAddress(address.trim());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "address must be an IPv4 or IPv6 literal such as 192.0.2.1, got '" + address + "'", e);
    }
    return new DnsFault(
        Kind.OUT_OF_BAILIWICK_ADDITIONAL,
        null,
        0,
        owner,
        parsed,
        null,
        null,
        ANY_TYPE,
        Transport.ANY,
        UNLIMITED);
  }

  /**
   * Returns a fault that sends the normal reply with an answer count (ANCOUNT) three larger than
   * the number of answer records present, so a parser reading by the header runs off the end.
   *
   * @return the fault
   */
  public static DnsFault lyingRecordCounts() {
    return of(Kind.LYING_RECORD_COUNTS);
  }

  /**
   * Returns a fault that sends a reply whose single answer record's owner name is a compression
   * pointer (RFC 1035 §4.1.4) to itself. A parser without a loop guard never terminates.
   *
   * @return the fault
   */
  public static DnsFault compressionLoop() {
    return of(Kind.COMPRESSION_LOOP);
  }

  /**
   * Returns a fault that, over TCP, sends a length prefix (RFC 1035 §4.2.2) larger than the reply
   * that follows and then closes the connection, so the client sees a short read. Only TCP queries
   * match.
   *
   * @return the fault
   */
  public static DnsFault tcpLengthLie() {
    return of(Kind.TCP_LENGTH_LIE);
  }

  /**
   * Returns a fault that sets TC on its UDP reply, so the client asks again over TCP (as {@link
   * #truncate()} does), and then answers the TCP query with an endless stream of well-formed frames
   * carrying a wrong message ID (the query's ID plus one): a server that pins a client which reads
   * "until the reply with my ID arrives" without watching its own deadline.
   *
   * <p>The stream goes on as fast as the client reads until the client closes the connection or the
   * server is closed; it occupies one of the server's TCP worker threads meanwhile, and no other
   * query on that connection is answered. Every reply a client sees must be dropped (RFC 5452
   * §4.3), so a correct client ends the query at its timeout or deadline with a finding. With
   * {@link #onlyTcp()} the UDP step is left out (for clients that ask over TCP alone).
   *
   * @return the fault
   */
  public static DnsFault tcpFlood() {
    return of(Kind.TCP_FLOOD);
  }

  /**
   * Returns a fault that sends the normal reply with every answer record rewritten to class CH
   * (CHAOS, 3), keeping its owner name, type, TTL and data. The question stays class IN, so only a
   * client that checks the class of each record (RFC 1035 §3.2.4; data of another class is not an
   * answer to an IN question) refuses them; one that matches by type alone takes CHAOS data as MX
   * hosts and addresses.
   *
   * @return the fault
   */
  public static DnsFault wrongClass() {
    return of(Kind.WRONG_CLASS);
  }

  /**
   * Returns a fault that replies with a bare 12-byte DNS header: the query's ID, QR set, RCODE 3
   * (NXDOMAIN) and every section count zero, so there is no question section. Anyone who can see
   * the ID can forge it; a client must require the question in every reply, whatever its RCODE (RFC
   * 5452 §9.1), and drop this one instead of concluding that the name does not exist.
   *
   * @return the fault
   */
  public static DnsFault nxdomainWithoutQuestion() {
    return of(Kind.NXDOMAIN_WITHOUT_QUESTION);
  }

  /**
   * Returns a fault that passes the wire bytes of the would-be reply through {@code transformer}
   * and sends what it returns; a general hook for misbehaviour that has no factory.
   *
   * <p>The transformer receives a fresh copy of the reply (after UDP truncation, before TCP
   * framing) and may modify and return it or return a new array; returning {@code null} sends no
   * reply. It runs on a server thread and must be thread-safe and quick; an exception it throws is
   * logged and no reply is sent.
   *
   * @param transformer maps the reply bytes to the bytes to send
   * @return the fault
   */
  public static DnsFault rawReply(UnaryOperator<byte[]> transformer) {
    Objects.requireNonNull(transformer, "transformer");
    return new DnsFault(
        Kind.RAW_REPLY, null, 0, null, null, transformer, null, ANY_TYPE, Transport.ANY, UNLIMITED);
  }

  // ---------------------------------------------------------------- restrictions

  /**
   * Returns a copy of this fault that matches only queries for {@code name} (compared
   * case-insensitively, as DNS names are; a trailing dot is optional).
   *
   * @param name the query name, e.g. {@code "broken.example.org"}
   * @return the restricted fault
   * @throws IllegalArgumentException if {@code name} is not a valid domain name
   */
  public DnsFault forName(String name) {
    return with(parseName(name, "name"), type, transport, times);
  }

  /**
   * Returns a copy of this fault that matches only queries for the given type.
   *
   * @param type a type mnemonic such as {@code "MX"} or {@code "AAAA"} (case-insensitive), or the
   *     generic form {@code "TYPE65"}
   * @return the restricted fault
   * @throws IllegalArgumentException if {@code type} is not a known type
   */
  public DnsFault forType(String type) {
    Objects.requireNonNull(type, "type");
    int code = Type.value(type.trim(), true);
    if (code < 0) {
      throw new IllegalArgumentException(
          "type must be a DNS type mnemonic such as MX or A, got '" + type + "'");
    }
    return forType(code);
  }

  /**
   * Returns a copy of this fault that matches only queries for the given numeric type.
   *
   * @param type the type code, 0 to 65535 (15 is MX)
   * @return the restricted fault
   * @throws IllegalArgumentException if {@code type} is outside 0 to 65535
   */
  public DnsFault forType(int type) {
    if (type < 0 || type > 0xFFFF) {
      throw new IllegalArgumentException("type must be between 0 and 65535, got " + type);
    }
    return with(name, type, transport, times);
  }

  /**
   * Returns a copy of this fault that matches only queries received over UDP.
   *
   * @return the restricted fault
   * @throws IllegalStateException if this fault only ever applies to TCP ({@link #tcpLengthLie()})
   */
  public DnsFault onlyUdp() {
    if (kind == Kind.TCP_LENGTH_LIE) {
      throw new IllegalStateException(
          "tcpLengthLie() only applies to TCP; onlyUdp() never matches");
    }
    return with(name, type, Transport.UDP, times);
  }

  /**
   * Returns a copy of this fault that matches only queries received over TCP.
   *
   * @return the restricted fault
   * @throws IllegalStateException if this fault only ever applies to UDP ({@link #truncate()},
   *     {@link #oversizeUdpWithoutTc()})
   */
  public DnsFault onlyTcp() {
    if (kind == Kind.TRUNCATE || kind == Kind.OVERSIZE_UDP_WITHOUT_TC) {
      throw new IllegalStateException(
          kind.factoryName + "() only applies to UDP; onlyTcp() never matches");
    }
    return with(name, type, Transport.TCP, times);
  }

  /**
   * Returns a copy of this fault that applies to the first {@code count} matching queries only;
   * later queries fall through to the next matching fault or get the normal reply.
   *
   * @param count how many queries to affect, at least 1
   * @return the restricted fault
   * @throws IllegalArgumentException if {@code count} is less than 1
   */
  public DnsFault times(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, got " + count);
    }
    return with(name, type, transport, count);
  }

  // ---------------------------------------------------------------- package-private view

  Kind kind() {
    return kind;
  }

  Duration delayDuration() {
    return delay;
  }

  int rcodeValue() {
    return rcode;
  }

  Name extraName() {
    return extraName;
  }

  InetAddress extraAddress() {
    return extraAddress;
  }

  UnaryOperator<byte[]> rawReplyTransformer() {
    return rawReply;
  }

  /** Returns the configured budget, or {@link #UNLIMITED}. */
  int timesLimit() {
    return times;
  }

  /** Returns whether this fault applies to a query, ignoring the {@link #times} budget. */
  boolean matches(Name queryName, int queryType, boolean tcp) {
    if (name != null && !name.equals(queryName)) {
      return false;
    }
    if (type != ANY_TYPE && type != queryType) {
      return false;
    }
    Transport effective = effectiveTransport();
    return effective == Transport.ANY || (effective == Transport.TCP) == tcp;
  }

  private Transport effectiveTransport() {
    switch (kind) {
      case TRUNCATE:
      case OVERSIZE_UDP_WITHOUT_TC:
        return Transport.UDP;
      case TCP_LENGTH_LIE:
        return Transport.TCP;
      default:
        return transport;
    }
  }

  private static Name parseName(String name, String parameter) {
    Objects.requireNonNull(name, parameter);
    String trimmed = name.trim();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException(parameter + " must not be blank");
    }
    try {
      return Name.fromString(trimmed, Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException(
          parameter
              + " must be a domain name such as mx1.example.org, got '"
              + name
              + "': "
              + e.getMessage(),
          e);
    }
  }

  // ---------------------------------------------------------------- value semantics

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof DnsFault)) {
      return false;
    }
    DnsFault other = (DnsFault) o;
    return kind == other.kind
        && rcode == other.rcode
        && type == other.type
        && times == other.times
        && transport == other.transport
        && Objects.equals(delay, other.delay)
        && Objects.equals(extraName, other.extraName)
        && Objects.equals(extraAddress, other.extraAddress)
        && rawReply == other.rawReply
        && Objects.equals(name, other.name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        kind,
        delay,
        rcode,
        extraName,
        extraAddress,
        System.identityHashCode(rawReply),
        name,
        type,
        transport,
        times);
  }

  /**
   * Returns the fault the way it would be written in Java, e.g. {@code
   * DnsFault.servfail().forName("broken.example.org.").times(2)}.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("DnsFault.");
    switch (kind) {
      case DELAY:
        sb.append("delay(").append(delay).append(')');
        break;
      case RCODE:
        if (rcode == Rcode.SERVFAIL) {
          sb.append("servfail()");
        } else if (rcode == Rcode.REFUSED) {
          sb.append("refused()");
        } else {
          sb.append("rcode(")
              .append(rcode)
              .append(") /* ")
              .append(Rcode.string(rcode))
              .append(" */");
        }
        break;
      case OUT_OF_BAILIWICK_ADDITIONAL:
        sb.append("outOfBailiwickAdditional(\"")
            .append(extraName)
            .append("\", \"")
            .append(extraAddress.getHostAddress())
            .append("\")");
        break;
      default:
        sb.append(kind.factoryName).append("()");
        break;
    }
    if (name != null) {
      sb.append(".forName(\"").append(name).append("\")");
    }
    if (type != ANY_TYPE) {
      sb.append(".forType(\"").append(Type.string(type)).append("\")");
    }
    if (transport == Transport.UDP) {
      sb.append(".onlyUdp()");
    } else if (transport == Transport.TCP) {
      sb.append(".onlyTcp()");
    }
    if (times != UNLIMITED) {
      sb.append(".times(").append(times).append(')');
    }
    return sb.toString();
  }
}
