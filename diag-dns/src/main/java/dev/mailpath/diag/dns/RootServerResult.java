package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one root server address said over one transport: the reply to the question (a referral, an
 * answer or an error) and the root zone's SOA serial from a second query, with the server's
 * identity (NSID) when it offers one.
 *
 * @param root the root server, as the hints list it
 * @param address the address asked (one of the root's addresses, with the hints' port)
 * @param tcp {@code true} when asked over TCP, {@code false} for UDP
 * @param response the reply to the question
 * @param soaResponse the reply to the second query ({@code . SOA}), when one was needed: a referral
 *     carries no root SOA, a negative answer does
 */
public record RootServerResult(
    RootServer root,
    InetSocketAddress address,
    boolean tcp,
    DnsQueryReport response,
    Optional<DnsQueryReport> soaResponse) {

  /**
   * Validates the components.
   *
   * @param root the root server, as the hints list it
   * @param address the address asked (one of the root's addresses, with the hints' port)
   * @param tcp {@code true} when asked over TCP, {@code false} for UDP
   * @param response the reply to the question
   * @param soaResponse the reply to the second query ({@code . SOA}), when one was needed: a
   *     referral carries no root SOA, a negative answer does
   */
  public RootServerResult {
    requireNonNull(root, "root");
    requireNonNull(address, "address");
    requireNonNull(response, "response");
    requireNonNull(soaResponse, "soaResponse");
  }

  /**
   * Returns the root's letter.
   *
   * @return for example {@code B}
   */
  public String letter() {
    return root.letter();
  }

  /**
   * Tells whether the address is IPv6.
   *
   * @return {@code true} for IPv6
   */
  public boolean ipv6() {
    return address.getAddress() instanceof Inet6Address;
  }

  /**
   * Tells whether the root replied to the question.
   *
   * @return {@code true} when a matching reply arrived
   */
  public boolean answered() {
    return response.answered();
  }

  /**
   * Returns the round-trip time of the question (the last attempt's).
   *
   * @return the round-trip time
   */
  public Duration rtt() {
    return response.elapsed();
  }

  /**
   * Returns the response code, or the failure ({@code TIMEOUT}, {@code NETWORK_ERROR}, ...).
   *
   * @return the rcode name
   */
  public String rcode() {
    return response.rcode();
  }

  /**
   * Returns the header flags of the reply.
   *
   * @return the flags; empty without a reply
   */
  public Set<DnsFlag> flags() {
    return response.flags();
  }

  /**
   * Returns the referral, the normal reply of a root for a name below a top-level domain.
   *
   * @return the referral, or empty
   */
  public Optional<Referral> referral() {
    return response.referral();
  }

  /**
   * Returns the answer section (records a root holds itself: the root zone's own data, or DS
   * records of a TLD).
   *
   * @return the answer records
   */
  public List<DnsRecord> answer() {
    return response.answer();
  }

  /**
   * Returns the root zone's SOA serial as this root serves it: from a negative reply's authority
   * section, or from the separate {@code . SOA} query.
   *
   * @return the serial, or empty when neither reply carried the root SOA
   */
  public Optional<Long> soaSerial() {
    Optional<Long> own = rootSerial(response);
    if (own.isPresent()) {
      return own;
    }
    return soaResponse.flatMap(RootServerResult::rootSerial);
  }

  private static Optional<Long> rootSerial(DnsQueryReport r) {
    for (List<DnsRecord> section : List.of(r.answer(), r.authority())) {
      for (DnsRecord rec : section) {
        if (rec.type() == RecordType.SOA && rec.name().equals(".")) {
          return rec.soaSerial();
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Returns the server's identity from NSID (RFC 5001): the anycast instance that answered.
   *
   * @return the identity, or empty when not offered
   */
  public Optional<String> identity() {
    Optional<String> n = response.nsid();
    return n.isPresent() ? n : soaResponse.flatMap(DnsQueryReport::nsid);
  }

  /**
   * Returns why the root gave no reply.
   *
   * @return the error, or empty when it replied
   */
  public Optional<String> error() {
    return response.answered()
        ? Optional.empty()
        : Optional.of(response.rcode() + response.error().map(e -> ": " + e).orElse(""));
  }

  /** Returns {@code B 170.247.170.2#53 udp 12ms NOERROR referral org. ...}. */
  @Override
  public String toString() {
    return letter()
        + " "
        + DnsQueryReport.hostPort(address)
        + (tcp ? " tcp " : " udp ")
        + rtt().toMillis()
        + "ms "
        + rcode()
        + referral().map(r -> " referral " + r).orElse("")
        + soaSerial().map(s -> " serial " + s).orElse("");
  }
}
