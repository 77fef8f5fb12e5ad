package dev.mailpath.diag.dns.internal;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.xbill.DNS.Message;

/**
 * The result of one query to one server: a validated response, or why there is none.
 *
 * @param status what happened
 * @param server the server asked
 * @param response the validated response; {@code null} unless {@code status == ANSWER}
 * @param tcp whether the response (or the last attempt) came over TCP
 * @param truncatedRetry whether a truncated UDP answer was repeated over TCP
 * @param elapsed time from sending to the end
 * @param error a short description when there is no answer
 * @param ignoredReplies replies dropped because they did not match the query (wrong ID or
 *     question, QR clear)
 */
public record DnsExchange(
    Status status,
    InetSocketAddress server,
    Message response,
    boolean tcp,
    boolean truncatedRetry,
    Duration elapsed,
    String error,
    int ignoredReplies) {

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

  /**
   * Returns the response's rcode, or -1 without a response.
   *
   * @return the rcode
   */
  public int rcode() {
    return response == null ? -1 : response.getRcode();
  }
}
