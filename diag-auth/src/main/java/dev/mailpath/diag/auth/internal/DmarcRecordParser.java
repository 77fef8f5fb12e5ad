package dev.mailpath.diag.auth.internal;

import dev.mailpath.diag.auth.DmarcAlignment;
import dev.mailpath.diag.auth.DmarcFinding;
import dev.mailpath.diag.auth.DmarcPolicy;
import dev.mailpath.diag.auth.DmarcRecord;
import dev.mailpath.diag.auth.DmarcReportUri;
import dev.mailpath.diag.core.Finding;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads DMARC record text (RFC 9989, "General Record Format" and "Formal Definition"). One pass
 * over the text with {@code indexOf}, so the time is linear in its length whatever it holds. Never
 * throws on any input: what it cannot read becomes a finding and the tag's default.
 */
public final class DmarcRecordParser {
  /** Longest tag value quoted in a finding, so a 10,000-character record gives short findings. */
  private static final int QUOTE = 60;

  /** At most this many report URIs per tag are kept (each may cost a DNS query). */
  static final int MAX_URIS = 10;

  private DmarcRecordParser() {}

  /**
   * The outcome of reading one record.
   *
   * @param record the parsed tags
   * @param policyMissing no p tag: read as p=none (RFC 9989, tag p)
   * @param policyInvalid p, sp or np has an invalid value (RFC 9989, policy discovery)
   * @param findings syntax, removed and unknown tags
   */
  public record Parsed(
      DmarcRecord record, boolean policyMissing, boolean policyInvalid, List<Finding> findings) {
    /** Copies the list. */
    public Parsed {
      findings = List.copyOf(findings);
    }

    /**
     * Tells whether a rua tag has at least one syntactically valid URI: then an invalid policy tag
     * is read as p=none instead of making the record unusable (RFC 9989, policy discovery).
     *
     * @return true when some rua URI is valid
     */
    public boolean hasValidRua() {
      return record.aggregateReports().stream().anyMatch(u -> u.domain().isPresent());
    }
  }

  /**
   * Tells whether a TXT text is a DMARC record: its first tag is {@code v=DMARC1}, the value
   * compared case-sensitively (RFC 9989: "v" must be first and match precisely; ABNF {@code
   * dmarc-version = "v" equals %s"DMARC1"}). Other texts are discarded by the tree walk.
   *
   * @param text the joined TXT strings
   * @return true for a DMARC record
   */
  public static boolean isDmarc(String text) {
    int i = skipWsp(text, 0);
    if (i >= text.length() || (text.charAt(i) != 'v' && text.charAt(i) != 'V')) {
      return false;
    }
    i = skipWsp(text, i + 1);
    if (i >= text.length() || text.charAt(i) != '=') {
      return false;
    }
    i = skipWsp(text, i + 1);
    if (!text.startsWith("DMARC1", i)) {
      return false;
    }
    i = skipWsp(text, i + 6);
    return i == text.length() || text.charAt(i) == ';';
  }

  private static int skipWsp(String s, int i) {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  /**
   * Parses a record already known to be a DMARC record ({@link #isDmarc}).
   *
   * @param text the record text
   * @return the tags, flags and findings
   */
  public static Parsed parse(String text) {
    List<Finding> findings = new ArrayList<>();
    Optional<DmarcPolicy> p = Optional.empty();
    Optional<DmarcPolicy> sp = Optional.empty();
    Optional<DmarcPolicy> np = Optional.empty();
    DmarcAlignment adkim = DmarcAlignment.RELAXED;
    DmarcAlignment aspf = DmarcAlignment.RELAXED;
    boolean testing = false;
    DmarcRecord.Psd psd = DmarcRecord.Psd.UNKNOWN;
    List<DmarcReportUri> rua = List.of();
    List<DmarcReportUri> ruf = List.of();
    String fo = "0";
    boolean policySeen = false;
    boolean policyInvalid = false;
    Set<String> seen = new HashSet<>();
    int start = 0;
    boolean first = true;
    while (start <= text.length()) {
      int semi = text.indexOf(';', start);
      int end = semi < 0 ? text.length() : semi;
      String part = text.substring(start, end).strip();
      start = end + 1;
      if (first) {
        first = false; // v=DMARC1, checked by isDmarc
        if (semi < 0) {
          break;
        }
        continue;
      }
      if (part.isEmpty()) {
        if (semi < 0) {
          break;
        }
        continue; // a trailing ";" or ";;" (dmarc-sep)
      }
      int eq = part.indexOf('=');
      String name = eq < 0 ? part : part.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String value = eq < 0 ? "" : part.substring(eq + 1).strip();
      if (eq <= 0 || !name.chars().allMatch(c -> c < 128 && Character.isLetter(c))) {
        findings.add(
            DmarcFinding.SYNTAX.finding("cannot read \"" + quote(part) + "\" as tag=value"));
      } else if (!seen.add(name)) {
        findings.add(
            DmarcFinding.SYNTAX.finding(
                "tag " + name + " appears more than once; the first one is used"));
      } else {
        String v = value.toLowerCase(Locale.ROOT);
        switch (name) {
          case "v" -> findings.add(DmarcFinding.SYNTAX.finding("v= must be the first tag only"));
          case "p" -> {
            policySeen = true;
            p = policy(v);
            if (p.isEmpty()) {
              policyInvalid = true;
              findings.add(invalid(name, value, "none, quarantine or reject"));
            }
          }
          case "sp", "np" -> {
            Optional<DmarcPolicy> pol = policy(v);
            if (pol.isEmpty()) {
              policyInvalid = true;
              findings.add(invalid(name, value, "none, quarantine or reject"));
            } else if (name.equals("sp")) {
              sp = pol;
            } else {
              np = pol;
            }
          }
          case "adkim", "aspf" -> {
            DmarcAlignment a =
                switch (v) {
                  case "r" -> DmarcAlignment.RELAXED;
                  case "s" -> DmarcAlignment.STRICT;
                  default -> null;
                };
            if (a == null) {
              findings.add(invalid(name, value, "r or s; relaxed (r) is used"));
            } else if (name.equals("adkim")) {
              adkim = a;
            } else {
              aspf = a;
            }
          }
          case "t" -> {
            if (v.equals("y") || v.equals("n")) {
              testing = v.equals("y");
            } else {
              findings.add(invalid(name, value, "y or n; n is used"));
            }
          }
          case "psd" -> {
            switch (v) {
              case "y" -> psd = DmarcRecord.Psd.YES;
              case "n" -> psd = DmarcRecord.Psd.NO;
              case "u" -> psd = DmarcRecord.Psd.UNKNOWN;
              default -> findings.add(invalid(name, value, "y, n or u; u is used"));
            }
          }
          case "rua" -> rua = uris(name, value, findings);
          case "ruf" -> ruf = uris(name, value, findings);
          case "fo" -> {
            if (validFo(v)) {
              fo = v;
            } else {
              findings.add(invalid(name, value, "0, 1, d, s or a colon-separated list; 0 is used"));
            }
          }
          case "pct" ->
              findings.add(
                  DmarcFinding.PCT_IGNORED.finding(
                      "pct=" + quote(value) + " is ignored: RFC 9989 removed it"));
          case "rf", "ri" ->
              findings.add(
                  DmarcFinding.REMOVED_TAG.finding(
                      name + "=" + quote(value) + " is ignored: RFC 9989 removed it"));
          default ->
              findings.add(
                  DmarcFinding.UNKNOWN_TAG.finding("unknown tag " + quote(name) + " is ignored"));
        }
      }
      if (semi < 0) {
        break;
      }
    }
    DmarcRecord record = new DmarcRecord(text, p, sp, np, adkim, aspf, testing, psd, rua, ruf, fo);
    return new Parsed(record, !policySeen, policyInvalid, findings);
  }

  private static Optional<DmarcPolicy> policy(String v) {
    return switch (v) {
      case "none" -> Optional.of(DmarcPolicy.NONE);
      case "quarantine" -> Optional.of(DmarcPolicy.QUARANTINE);
      case "reject" -> Optional.of(DmarcPolicy.REJECT);
      default -> Optional.empty();
    };
  }

  private static boolean validFo(String v) {
    if (v.isEmpty()) {
      return false;
    }
    for (String o : v.split(":", -1)) {
      String t = o.strip();
      if (!(t.equals("0") || t.equals("1") || t.equals("d") || t.equals("s"))) {
        return false;
      }
    }
    return true;
  }

  private static Finding invalid(String name, String value, String expected) {
    return DmarcFinding.SYNTAX.finding(
        name + "=" + quote(value) + " is not valid (expected " + expected + ")");
  }

  private static List<DmarcReportUri> uris(String tag, String value, List<Finding> findings) {
    List<DmarcReportUri> out = new ArrayList<>();
    int start = 0;
    while (start <= value.length()) {
      int comma = value.indexOf(',', start);
      int end = comma < 0 ? value.length() : comma;
      String u = value.substring(start, end).strip();
      start = end + 1;
      if (out.size() == MAX_URIS) {
        findings.add(
            DmarcFinding.SYNTAX.finding(
                tag + " lists more than " + MAX_URIS + " URIs; the rest are not checked"));
        break;
      }
      if (!u.isEmpty()) {
        // RFC 7489's "!size" suffix is gone from RFC 9989's grammar; a "!" must be encoded.
        int bang = u.indexOf('!');
        String plain = bang < 0 ? u : u.substring(0, bang);
        Optional<String> domain = uriDomain(plain);
        if (domain.isEmpty()) {
          findings.add(
              DmarcFinding.RUA_INVALID.finding(
                  tag + " destination \"" + quote(u) + "\" is not a valid URI"));
        }
        out.add(new DmarcReportUri(plain, domain, DmarcReportUri.Destination.NOT_CHECKED));
      }
      if (comma < 0) {
        break;
      }
    }
    if (out.isEmpty()) {
      findings.add(DmarcFinding.RUA_INVALID.finding(tag + "= names no destination"));
    }
    return out;
  }

  /** The destination domain: after the last "@" of a mailto: address, or the host of a URI. */
  static Optional<String> uriDomain(String u) {
    if (u.length() > 1024) {
      return Optional.empty();
    }
    URI uri;
    try {
      uri = new URI(u);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    String scheme = uri.getScheme();
    if (scheme == null) {
      return Optional.empty();
    }
    String host;
    if (scheme.equalsIgnoreCase("mailto")) {
      String ssp = uri.getSchemeSpecificPart();
      if (ssp == null) {
        return Optional.empty();
      }
      int q = ssp.indexOf('?');
      String addr = q < 0 ? ssp : ssp.substring(0, q);
      int at = addr.lastIndexOf('@');
      if (at <= 0 || addr.indexOf(',') >= 0) {
        return Optional.empty();
      }
      host = addr.substring(at + 1);
    } else {
      host = uri.getHost();
    }
    if (host == null || host.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          dev.mailpath.diag.core.DomainName.of(host).ascii().toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String quote(String s) {
    return s.length() <= QUOTE ? s : s.substring(0, QUOTE) + "...";
  }
}
