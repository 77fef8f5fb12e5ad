package dev.mailpath.diag.dns.internal;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.xbill.DNS.Message;

/**
 * The result of one query to one server: a validated response, or why there is none.
 *
 * <p>The first eight components are the original shape (and its constructor is kept); the rest say
 * what a hostile or broken server did, so that reports can name it with its own finding code
 * instead of a plain timeout.
 *
 * @param status what happened
 * @param server the server asked
 * @param response the validated response; {@code null} unless {@code status == ANSWER}
 * @param tcp whether the response (or the last attempt) came over TCP
 * @param truncatedRetry whether a truncated UDP answer was repeated over TCP
 * @param elapsed time from sending to the end
 * @param error a short description when there is no answer
 * @param ignoredReplies replies dropped because they did not match the query (wrong ID or question,
 *     QR clear); when returned by {@link QueryEngine}, summed over all attempts
 * @param problem what was wrong with the replies that ended a failed exchange; {@link Problem#NONE}
 *     for answers and plain timeouts
 * @param ignoredReason why the first ignored reply was ignored, or {@code null} when none was
 * @param oversizeUdp whether the answer came over UDP larger than the query allowed (512 bytes
 *     without EDNS, else the advertised payload) without the TC flag
 * @param responseSize the size of the response on the wire, in bytes; 0 without a response
 */
public record DnsExchange(
    Status status,
    InetSocketAddress server,
    Message response,
    boolean tcp,
    boolean truncatedRetry,
    Duration elapsed,
    String error,
    int ignoredReplies,
    Problem problem,
    String ignoredReason,
    boolean oversizeUdp,
    int responseSize) {

  /** What happened to a query. */
  public enum Status {
    /** A validated response arrived. */
    ANSWER,
    /** No valid response within the timeout. */
    TIMEOUT,
    /** A socket error (port unreachable, connection refused or reset). */
    NETWORK_ERROR,
    /** The reply could not be parsed. */
    MALFORMED
  }

  /** What a broken or hostile server did, for failures that deserve their own finding code. */
  public enum Problem {
    /** Nothing beyond the status. */
    NONE,
    /** A name's compression pointer did not point to earlier data (RFC 1035 §4.1.4). */
    COMPRESSION_LOOP,
    /** The header's record counts promised more records than the message holds. */
    COUNT_MISMATCH,
    /** The reply could not be read for another reason. */
    UNPARSEABLE,
    /** The UDP answer was truncated and the TCP retry failed (RFC 7766 §5). */
    TCP_FALLBACK_FAILED,
    /** A TCP length prefix (RFC 1035 §4.2.2) promised more bytes than the server sent. */
    TCP_LENGTH_MISMATCH
  }

  /**
   * Fills in defaults for nulls.
   *
   * @param status what happened
   * @param server the server asked
   * @param response the validated response; {@code null} unless {@code status == ANSWER}
   * @param tcp whether the response (or the last attempt) came over TCP
   * @param truncatedRetry whether a truncated UDP answer was repeated over TCP
   * @param elapsed time from sending to the end
   * @param error a short description when there is no answer
   * @param ignoredReplies replies dropped because they did not match the query (wrong ID or
   *     question, QR clear); when returned by {@link QueryEngine}, summed over all attempts
   * @param problem what was wrong with the replies that ended a failed exchange; {@link
   *     Problem#NONE} for answers and plain timeouts
   * @param ignoredReason why the first ignored reply was ignored, or {@code null} when none was
   * @param oversizeUdp whether the answer came over UDP larger than the query allowed (512 bytes
   *     without EDNS, else the advertised payload) without the TC flag
   * @param responseSize the size of the response on the wire, in bytes; 0 without a response
   */
  public DnsExchange {
    problem = problem == null ? Problem.NONE : problem;
  }

  /**
   * Creates an exchange in the original eight-component shape, with no problem noted.
   *
   * @param status what happened
   * @param server the server asked
   * @param response the validated response, or {@code null}
   * @param tcp whether TCP was used
   * @param truncatedRetry whether a truncated UDP answer was repeated over TCP
   * @param elapsed time from sending to the end
   * @param error a short description when there is no answer
   * @param ignoredReplies replies dropped because they did not match the query
   */
  public DnsExchange(
      Status status,
      InetSocketAddress server,
      Message response,
      boolean tcp,
      boolean truncatedRetry,
      Duration elapsed,
      String error,
      int ignoredReplies) {
    this(
        status,
        server,
        response,
        tcp,
        truncatedRetry,
        elapsed,
        error,
        ignoredReplies,
        Problem.NONE,
        null,
        false,
        0);
  }

  /**
   * Returns the response's rcode, or -1 without a response.
   *
   * @return the rcode
   */
  public int rcode() {
    return response == null ? -1 : response.getRcode();
  }

  /**
   * Returns a copy with other ignored-reply figures, as {@link QueryEngine} reports them summed
   * over all attempts of one question.
   *
   * @param count the number of ignored replies
   * @param reason why the first was ignored, or {@code null}
   * @return the copy
   */
  public DnsExchange withIgnored(int count, String reason) {
    return new DnsExchange(
        status,
        server,
        response,
        tcp,
        truncatedRetry,
        elapsed,
        error,
        count,
        problem,
        reason,
        oversizeUdp,
        responseSize);
  }
}
