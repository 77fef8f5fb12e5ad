package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One step of a {@link DelegationTrace}: the servers of one zone asked the question, what each
 * said, and the reply followed: a referral one zone cut further down, or the final answer.
 *
 * @param zone the zone whose servers were asked, absolute with the final dot ({@code .} first, then
 *     for example {@code org.}, then {@code example.org.})
 * @param kind what the step led to
 * @param replies every server asked at this step, in the order asked, with its verdict
 * @param referral the referral followed, when {@code kind} is {@link Kind#REFERRAL}
 */
public record TraceStep(
    String zone, Kind kind, List<ServerReply> replies, Optional<Referral> referral) {

  /** What a step led to. */
  public enum Kind {
    /** A referral to the servers of a zone one or more labels further down. */
    REFERRAL,
    /** The authoritative answer: records of the type asked (or a CNAME). */
    ANSWER,
    /** The authoritative "no records of that type" (NOERROR, empty answer; RFC 2308 NODATA). */
    NODATA,
    /** The authoritative "no such name" (NXDOMAIN). */
    NXDOMAIN,
    /** No server of the zone gave a usable reply; the trace stops here. */
    FAILED
  }

  /** How a server's reply was judged. */
  public enum Verdict {
    /** The reply the trace followed. */
    USED,
    /** A good reply, not needed because another server's was used. */
    CONSISTENT,
    /**
     * Lame: the server does not answer authoritatively for the zone (REFUSED, SERVFAIL, an answer
     * from cache, no AA); RFC 8499 §7.
     */
    LAME,
    /** The server referred sideways, upwards or to the zone itself: following it would loop. */
    REFERRAL_LOOP,
    /** No reply (timeout, network error, unreadable reply). */
    UNREACHABLE
  }

  /**
   * One server asked at a step.
   *
   * @param serverName the server's name as the parent listed it ({@code a.root-servers.net.}), or
   *     its address when it has no name
   * @param report the query and reply, with the address actually asked (after any address mapping)
   * @param verdict how the reply was judged
   */
  public record ServerReply(String serverName, DnsQueryReport report, Verdict verdict) {

    /**
     * Validates the components.
     *
     * @param serverName the server's name as the parent listed it ({@code a.root-servers.net.}), or
     *     its address when it has no name
     * @param report the query and reply, with the address actually asked (after any address
     *     mapping)
     * @param verdict how the reply was judged
     */
    public ServerReply {
      requireNonNull(serverName, "serverName");
      requireNonNull(report, "report");
      requireNonNull(verdict, "verdict");
    }
  }

  /**
   * Validates the components and copies the list.
   *
   * @param zone the zone whose servers were asked, absolute with the final dot ({@code .} first,
   *     then for example {@code org.}, then {@code example.org.})
   * @param kind what the step led to
   * @param replies every server asked at this step, in the order asked, with its verdict
   * @param referral the referral followed, when {@code kind} is {@link Kind#REFERRAL}
   */
  public TraceStep {
    requireNonNull(zone, "zone");
    requireNonNull(kind, "kind");
    requireNonNull(referral, "referral");
    replies = List.copyOf(replies);
  }

  /**
   * Returns the reply the trace followed.
   *
   * @return the used reply, or empty when the step failed
   */
  public Optional<ServerReply> used() {
    return replies.stream().filter(r -> r.verdict() == Verdict.USED).findFirst();
  }

  /**
   * Returns the address of the server whose reply was followed.
   *
   * @return the address, or empty when the step failed
   */
  public Optional<InetSocketAddress> server() {
    return used().map(r -> r.report().server());
  }

  /**
   * Returns the round-trip time of the reply followed.
   *
   * @return the round-trip time, or empty when the step failed
   */
  public Optional<Duration> rtt() {
    return used().map(r -> r.report().elapsed());
  }

  /**
   * Returns the servers with a given verdict.
   *
   * @param verdict the verdict
   * @return the matching replies
   */
  public List<ServerReply> replies(Verdict verdict) {
    return replies.stream().filter(r -> r.verdict() == verdict).toList();
  }

  /** Returns {@code org. -> REFERRAL example.org. via 127.0.7.1#53 (1 ms)}. */
  @Override
  public String toString() {
    return zone
        + " -> "
        + kind
        + referral.map(r -> " " + r.zone()).orElse("")
        + server().map(s -> " via " + DnsQueryReport.hostPort(s)).orElse("")
        + rtt().map(d -> " (" + d.toMillis() + " ms)").orElse("");
  }
}
