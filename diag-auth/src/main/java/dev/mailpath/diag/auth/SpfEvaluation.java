package dev.mailpath.diag.auth;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.dns.DnsLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One node of an SPF evaluation tree: a domain whose record was evaluated (the checked domain at
 * the root, then one child per {@code include:} or {@code redirect=} followed), with the record
 * text, its result, the term that matched and every DNS query made while evaluating it.
 *
 * @param domain the domain whose record this node evaluated, lower case
 * @param via how it was reached: empty at the root, else the parent's term ({@code
 *     include:_spf.example.net}, {@code redirect=example.org})
 * @param record the SPF record found, if one was
 * @param result this node's result (for {@link SpfCheck#record} analysis: NEUTRAL for a usable
 *     record, since no address was evaluated)
 * @param matchedTerm the term of this record that decided the result, if one did
 * @param lookups the DNS queries made for this node, in order
 * @param children the nodes of the includes and redirect followed, in order
 */
public record SpfEvaluation(
    String domain,
    String via,
    Optional<String> record,
    SpfResult result,
    Optional<String> matchedTerm,
    List<DnsLookup> lookups,
    List<SpfEvaluation> children) {

  /**
   * Checks the components and copies the lists.
   *
   * @param domain the domain
   * @param via how it was reached
   * @param record the record
   * @param result the result
   * @param matchedTerm the matching term
   * @param lookups the queries
   * @param children the child nodes
   */
  public SpfEvaluation {
    requireNonNull(domain, "domain");
    requireNonNull(via, "via");
    requireNonNull(record, "record");
    requireNonNull(result, "result");
    requireNonNull(matchedTerm, "matchedTerm");
    lookups = List.copyOf(lookups);
    children = List.copyOf(children);
  }

  /**
   * Returns every DNS query of this node and its descendants, depth first.
   *
   * @return the queries
   */
  public List<DnsLookup> allLookups() {
    List<DnsLookup> out = new ArrayList<>();
    collect(this, out);
    return List.copyOf(out);
  }

  private static void collect(SpfEvaluation e, List<DnsLookup> out) {
    out.addAll(e.lookups);
    for (SpfEvaluation c : e.children) {
      collect(c, out);
    }
  }

  /**
   * Renders the tree, one node per line, children indented.
   *
   * @return the text
   */
  public String tree() {
    StringBuilder sb = new StringBuilder();
    render(this, 0, sb);
    return sb.toString();
  }

  private static void render(SpfEvaluation e, int depth, StringBuilder sb) {
    sb.append("  ".repeat(depth));
    if (!e.via.isEmpty()) {
      sb.append(e.via).append(" -> ");
    }
    sb.append(e.domain).append(": ").append(e.result);
    e.matchedTerm.ifPresent(t -> sb.append(" (matched ").append(t).append(')'));
    e.record.ifPresent(r -> sb.append("  \"").append(r).append('"'));
    sb.append('\n');
    for (SpfEvaluation c : e.children) {
      render(c, depth + 1, sb);
    }
  }
}
