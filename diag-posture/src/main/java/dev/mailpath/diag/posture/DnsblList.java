package dev.mailpath.diag.posture;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DomainName;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One DNS blocklist (RFC 5782): its zone, whether it lists IP addresses or domain names, and its
 * table of return codes with what each means.
 *
 * <pre>{@code
 * DnsblList mine = DnsblList.ip("bl.example.net")
 *     .withCode("127.0.0.2", "spam source", DnsblList.Category.ABUSE)
 *     .withCode("127.0.0.10", "dynamic range", DnsblList.Category.POLICY);
 * }</pre>
 *
 * <p>A return code that is not in the table is read by RFC 5782's rule: any A record in {@code
 * 127.0.0.0/8} means "listed" (category {@link Category#ABUSE}, meaning "return code not in the
 * list's table"), except {@code 127.255.255.0/24}, which several operators use for errors and which
 * is always read as an error. Answers outside {@code 127.0.0.0/8} are never a listing.
 *
 * <p>The constants ({@link #SPAMHAUS_ZEN}, {@link #SPAMHAUS_DBL}, {@link #SPAMCOP}, {@link
 * #BARRACUDA}) are data only: {@link DnsblCheck} asks no list unless the caller configures it, and
 * using one is subject to its operator's terms. Spamhaus answers {@code 127.255.255.254} to queries
 * that come through a public resolver (8.8.8.8, 1.1.1.1 and the like) and {@code 127.255.255.255}
 * when a source queries too much; its free use is for low-volume, non-commercial users through
 * their own resolver, heavier use needs a Data Query Service key (a different zone name). Barracuda
 * requires a free registration of the resolver's address before it answers. SpamCop has no usage
 * fee. SURBL and URIBL list domains found in message bodies and answer with bit masks ({@code
 * 127.0.0.x}, one bit per sub-list); build them with {@link #domain(String)} and a table of the
 * combinations you care about.
 *
 * <p>Immutable and thread-safe.
 *
 * @param zone the list's zone, such as {@code zen.spamhaus.org}, A-labels, lower case, no final dot
 * @param kind what the list holds
 * @param codes return code (an IPv4 address in dotted form) to its meaning, in insertion order
 */
public record DnsblList(String zone, Kind kind, Map<String, Code> codes) {

  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

  /** What a list holds, and so how its query names are formed. */
  public enum Kind {
    /** IP addresses: reversed IPv4 octets or reversed IPv6 nibbles, then the zone. */
    IP,
    /** Domain names: the domain itself, then the zone (SURBL, Spamhaus DBL, URIBL). */
    DOMAIN
  }

  /** What a return code means for the mail administrator. */
  public enum Category {
    /** Spam, exploited host, botnet, phishing: a listing that gets mail refused. */
    ABUSE,
    /** A policy listing (end-user or dynamic range, such as Spamhaus PBL): not a spam listing. */
    POLICY,
    /** Not a verdict: the list refused or could not answer the query. */
    ERROR
  }

  /**
   * What one return code means.
   *
   * @param meaning a short text, such as {@code "SBL: spam source"}
   * @param category how it counts
   */
  public record Code(String meaning, Category category) {
    /**
     * Checks the components.
     *
     * @param meaning a short text
     * @param category how it counts
     */
    public Code {
      requireNonNull(meaning, "meaning");
      requireNonNull(category, "category");
    }
  }

  /** Spamhaus ZEN ({@code zen.spamhaus.org}): SBL, CSS, XBL, DROP and PBL in one IP list. */
  public static final DnsblList SPAMHAUS_ZEN =
      spamhausErrors(ip("zen.spamhaus.org"))
          .withCode("127.0.0.2", "SBL: Spamhaus Block List, spam source", Category.ABUSE)
          .withCode("127.0.0.3", "CSS: snowshoe spam source", Category.ABUSE)
          .withCode("127.0.0.4", "XBL: exploited host (CBL)", Category.ABUSE)
          .withCode("127.0.0.5", "XBL: exploited host", Category.ABUSE)
          .withCode("127.0.0.6", "XBL: exploited host", Category.ABUSE)
          .withCode("127.0.0.7", "XBL: exploited host", Category.ABUSE)
          .withCode("127.0.0.9", "DROP: hijacked or criminal network", Category.ABUSE)
          .withCode(
              "127.0.0.10", "PBL: end-user range, listed by its ISP (policy)", Category.POLICY)
          .withCode(
              "127.0.0.11", "PBL: end-user range, listed by Spamhaus (policy)", Category.POLICY);

  /** Spamhaus DBL ({@code dbl.spamhaus.org}): a domain list. */
  public static final DnsblList SPAMHAUS_DBL =
      spamhausErrors(domain("dbl.spamhaus.org"))
          .withCode("127.0.1.2", "DBL: spam domain", Category.ABUSE)
          .withCode("127.0.1.4", "DBL: phishing domain", Category.ABUSE)
          .withCode("127.0.1.5", "DBL: malware domain", Category.ABUSE)
          .withCode("127.0.1.6", "DBL: botnet C&C domain", Category.ABUSE)
          .withCode("127.0.1.102", "DBL: abused legitimate domain, spam", Category.ABUSE)
          .withCode("127.0.1.103", "DBL: abused legitimate spammed redirector", Category.ABUSE)
          .withCode("127.0.1.104", "DBL: abused legitimate domain, phishing", Category.ABUSE)
          .withCode("127.0.1.105", "DBL: abused legitimate domain, malware", Category.ABUSE)
          .withCode("127.0.1.106", "DBL: abused legitimate domain, botnet C&C", Category.ABUSE)
          .withCode("127.0.1.255", "IP queries are not allowed on the DBL", Category.ERROR);

  /** SpamCop ({@code bl.spamcop.net}): an IP list of reported spam sources. */
  public static final DnsblList SPAMCOP =
      ip("bl.spamcop.net").withCode("127.0.0.2", "SpamCop: reported spam source", Category.ABUSE);

  /**
   * Barracuda Reputation Block List ({@code b.barracudacentral.org}); answers only registered
   * resolvers.
   */
  public static final DnsblList BARRACUDA =
      ip("b.barracudacentral.org")
          .withCode("127.0.0.2", "Barracuda BRBL: poor reputation", Category.ABUSE);

  /**
   * Checks the components and copies the table.
   *
   * @param zone the zone
   * @param kind what the list holds
   * @param codes the return code table
   * @throws IllegalArgumentException when the zone is not a domain name or a code is not an IPv4
   *     address
   */
  public DnsblList {
    requireNonNull(zone, "zone");
    requireNonNull(kind, "kind");
    requireNonNull(codes, "codes");
    zone = checkZone(zone);
    Map<String, Code> copy = new LinkedHashMap<>();
    codes.forEach(
        (k, v) -> {
          copy.put(checkCode(k), requireNonNull(v, "codes value"));
        });
    codes = Collections.unmodifiableMap(copy);
  }

  /**
   * Returns an IP list with an empty table.
   *
   * @param zone the list's zone, such as {@code bl.example.net}
   * @return the list
   * @throws IllegalArgumentException when the zone is not a domain name
   */
  public static DnsblList ip(String zone) {
    return new DnsblList(zone, Kind.IP, Map.of());
  }

  /**
   * Returns a domain list with an empty table.
   *
   * @param zone the list's zone, such as {@code dbl.example.net}
   * @return the list
   * @throws IllegalArgumentException when the zone is not a domain name
   */
  public static DnsblList domain(String zone) {
    return new DnsblList(zone, Kind.DOMAIN, Map.of());
  }

  /**
   * Returns a copy with one more entry in the return code table (replacing one for the same code).
   *
   * @param code the return code, an IPv4 address such as {@code 127.0.0.2}
   * @param meaning what it means
   * @param category how it counts
   * @return the new list
   * @throws IllegalArgumentException when the code is not an IPv4 address
   */
  public DnsblList withCode(String code, String meaning, Category category) {
    Map<String, Code> m = new LinkedHashMap<>(codes);
    m.put(checkCode(code), new Code(meaning, category));
    return new DnsblList(zone, kind, m);
  }

  /**
   * Reads one return code: the table's entry, else RFC 5782's default for {@code 127.0.0.0/8}.
   *
   * @param code an answer address in dotted IPv4 form
   * @return the meaning; empty when the address is outside {@code 127.0.0.0/8} and not in the table
   *     (never a listing)
   */
  public Optional<Code> meaning(String code) {
    Code c = codes.get(code);
    if (c != null) {
      return Optional.of(c);
    }
    if (code.startsWith("127.255.255.")) {
      return Optional.of(new Code("error code " + code + " of the list", Category.ERROR));
    }
    if (code.startsWith("127.")) {
      return Optional.of(new Code("return code not in the list's table", Category.ABUSE));
    }
    return Optional.empty();
  }

  /** Returns the zone and the kind, such as {@code zen.spamhaus.org (IP)}. */
  @Override
  public String toString() {
    return zone + " (" + kind + ")";
  }

  private static DnsblList spamhausErrors(DnsblList l) {
    return l.withCode(
            "127.255.255.252", "typing error in the list's name (Spamhaus)", Category.ERROR)
        .withCode(
            "127.255.255.254",
            "query refused through a public or anonymous resolver (Spamhaus)",
            Category.ERROR)
        .withCode(
            "127.255.255.255", "query refused: too many queries from this source", Category.ERROR);
  }

  private static String checkZone(String zone) {
    String z = zone.endsWith(".") ? zone.substring(0, zone.length() - 1) : zone;
    try {
      return DomainName.of(z).ascii();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("zone: " + e.getMessage(), e);
    }
  }

  private static String checkCode(String code) {
    requireNonNull(code, "code");
    if (!IPV4.matcher(code).matches()) {
      throw new IllegalArgumentException(
          "code must be an IPv4 address in dotted form such as 127.0.0.2, was '" + code + "'");
    }
    return code;
  }
}
