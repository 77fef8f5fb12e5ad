package dev.mailpath.diag.posture;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.dns.DnsLookup;
import java.util.List;
import java.util.Optional;

/**
 * What one list said about one address or domain.
 *
 * <p>{@link Verdict#LISTED} only when the list answered at least one A record in {@code
 * 127.0.0.0/8} that its table (or RFC 5782's default) reads as a listing, and none that is an error
 * or lies outside {@code 127.0.0.0/8}. Error codes ({@code 127.255.255.x}), foreign addresses,
 * garbage, timeouts and SERVFAIL make the result {@link Verdict#INCONCLUSIVE}, never listed.
 *
 * @param list the list asked
 * @param queryName the name asked, such as {@code 2.0.0.127.zen.spamhaus.org}
 * @param verdict listed, not listed or inconclusive
 * @param codes the A records of the answer, dotted IPv4, in answer order without repeats
 * @param meanings what each code means, in the order of {@code codes} (empty when inconclusive for
 *     a reason other than the codes)
 * @param reason the list's TXT text, asked only when listed; empty when it gave none
 * @param inconclusiveReason why there is no verdict, when {@code verdict} is INCONCLUSIVE
 * @param queries the DNS queries made for this list
 */
public record DnsblResult(
    DnsblList list,
    String queryName,
    Verdict verdict,
    List<String> codes,
    List<DnsblList.Code> meanings,
    Optional<String> reason,
    Optional<String> inconclusiveReason,
    List<DnsLookup> queries) {

  /** What the list said. */
  public enum Verdict {
    /** The list lists the address or domain. */
    LISTED,
    /** The name does not exist in the list (NXDOMAIN), or it has no A record. */
    NOT_LISTED,
    /** No usable answer: an error code, an answer outside 127/8, garbage, timeout or SERVFAIL. */
    INCONCLUSIVE
  }

  /**
   * Checks the components and copies the lists.
   *
   * @param list the list asked
   * @param queryName the name asked
   * @param verdict the verdict
   * @param codes the answer codes
   * @param meanings their meanings
   * @param reason the TXT reason
   * @param inconclusiveReason why inconclusive
   * @param queries the queries made
   */
  public DnsblResult {
    requireNonNull(list, "list");
    requireNonNull(queryName, "queryName");
    requireNonNull(verdict, "verdict");
    codes = List.copyOf(codes);
    meanings = List.copyOf(meanings);
    requireNonNull(reason, "reason");
    requireNonNull(inconclusiveReason, "inconclusiveReason");
    queries = List.copyOf(queries);
  }

  /**
   * Tells whether every listing code is a policy listing (such as Spamhaus PBL).
   *
   * @return true when listed and no code is in category ABUSE
   */
  public boolean policyOnly() {
    return verdict == Verdict.LISTED
        && meanings.stream().noneMatch(m -> m.category() == DnsblList.Category.ABUSE);
  }

  /** Returns a one-line summary: zone, verdict, codes, reason. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(list.zone()).append(": ").append(verdict);
    for (int i = 0; i < codes.size(); i++) {
      sb.append(i == 0 ? " " : ", ").append(codes.get(i));
      if (i < meanings.size()) {
        sb.append(" (").append(meanings.get(i).meaning()).append(')');
      }
    }
    reason.ifPresent(r -> sb.append(" \"").append(r).append('"'));
    inconclusiveReason.ifPresent(r -> sb.append(": ").append(r));
    return sb.toString();
  }
}
