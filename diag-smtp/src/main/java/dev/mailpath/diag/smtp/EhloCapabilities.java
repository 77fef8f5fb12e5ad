package dev.mailpath.diag.smtp;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The service extensions a server advertised in its EHLO reply (RFC 5321 §4.1.1.1): the greeting
 * domain, then one keyword with optional parameters per line.
 *
 * <p>Typed accessors cover the extensions a diagnosis cares about (SIZE, PIPELINING, STARTTLS,
 * AUTH, 8BITMIME, SMTPUTF8, ENHANCEDSTATUSCODES, CHUNKING, DSN); {@link #keywords()} keeps every
 * keyword as sent. Keywords are compared case-insensitively and stored upper case. The obsolete
 * {@code AUTH=LOGIN PLAIN} form some old servers send is read as {@code AUTH}. Immutable.
 */
public final class EhloCapabilities {
  private static final java.util.regex.Pattern DIGITS =
      java.util.regex.Pattern.compile("\\d{1,18}");

  private final String domain;
  private final Map<String, List<String>> keywords;

  private EhloCapabilities(String domain, Map<String, List<String>> keywords) {
    this.domain = domain;
    this.keywords = Collections.unmodifiableMap(keywords);
  }

  /**
   * Parses the lines of a positive EHLO reply.
   *
   * @param reply the reply to EHLO
   * @return the capabilities; an empty set for a reply with only the greeting line
   */
  public static EhloCapabilities parse(SmtpReply reply) {
    return parse(reply.lines());
  }

  /**
   * Parses EHLO reply line texts (without codes).
   *
   * @param lines the greeting line, then one keyword line each
   * @return the capabilities
   */
  public static EhloCapabilities parse(List<String> lines) {
    requireNonNull(lines, "lines");
    String domain = lines.isEmpty() ? "" : firstWord(lines.get(0));
    Map<String, List<String>> map = new LinkedHashMap<>();
    // The AUTH parameters merged so far, for a constant-time duplicate check: a reply of n
    // AUTH= lines costs O(n), not O(n^2) (issue 16 item 15: every parser linear).
    Set<String> authSeen = new HashSet<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      List<String> params = words(line);
      String keyword = params.remove(0).toUpperCase(Locale.ROOT);
      if (keyword.startsWith("AUTH=")) {
        // Pre-RFC 4954 servers (and Outlook-compatible ones) advertise "AUTH=LOGIN PLAIN".
        params.add(0, keyword.substring(5));
        keyword = "AUTH";
        List<String> existing = map.get("AUTH");
        if (existing != null) {
          for (String p : params) {
            if (authSeen.add(p)) {
              existing.add(p);
            }
          }
          continue;
        }
      }
      if (map.putIfAbsent(keyword, params) == null && keyword.equals("AUTH")) {
        authSeen.addAll(params);
      }
    }
    Map<String, List<String>> frozen = new LinkedHashMap<>();
    map.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
    return new EhloCapabilities(domain, frozen);
  }

  /**
   * Returns capabilities with nothing advertised, as after HELO.
   *
   * @return the empty set
   */
  public static EhloCapabilities none() {
    return new EhloCapabilities("", Map.of());
  }

  /**
   * Splits a stripped, non-empty line at runs of spaces and tabs (a hand-written loop: a regular
   * expression split per EHLO line was a visible share of a transaction's CPU).
   */
  private static List<String> words(String line) {
    List<String> out = new ArrayList<>(4);
    int n = line.length();
    int i = 0;
    while (i < n) {
      while (i < n && isBlank(line.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !isBlank(line.charAt(i))) {
        i++;
      }
      if (i > start) {
        out.add(line.substring(start, i));
      }
    }
    return out;
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  private static String firstWord(String line) {
    String s = line.strip();
    int sp = s.indexOf(' ');
    return sp < 0 ? s : s.substring(0, sp);
  }

  /**
   * Returns the domain the server named in the first EHLO line.
   *
   * @return the greeting domain, possibly empty
   */
  public String domain() {
    return domain;
  }

  /**
   * Returns every advertised keyword (upper case) with its parameters, in the order sent.
   *
   * @return unmodifiable map
   */
  public Map<String, List<String>> keywords() {
    return keywords;
  }

  /**
   * Tells whether a keyword was advertised.
   *
   * @param keyword for example {@code "STARTTLS"}; any case
   * @return {@code true} when advertised
   */
  public boolean has(String keyword) {
    return keywords.containsKey(keyword.toUpperCase(Locale.ROOT));
  }

  /**
   * Returns the message size limit from SIZE (RFC 1870).
   *
   * @return the limit in octets; empty when SIZE is absent, has no number, or the number is not a
   *     valid non-negative count ({@link #sizeInvalid()} tells); 0 means "no fixed limit"
   */
  public OptionalLong sizeLimit() {
    List<String> p = keywords.get("SIZE");
    if (p == null || p.isEmpty()) {
      return OptionalLong.empty();
    }
    String v = p.get(0);
    if (!DIGITS.matcher(v).matches()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Long.parseLong(v));
  }

  /**
   * Tells whether SIZE was advertised with a parameter that is not a valid count (negative, not a
   * number, or beyond 18 digits): a sign of a broken or hostile server.
   *
   * @return {@code true} when the SIZE parameter could not be read
   */
  public boolean sizeInvalid() {
    List<String> p = keywords.get("SIZE");
    return p != null && !p.isEmpty() && sizeLimit().isEmpty();
  }

  /**
   * Returns the raw SIZE parameter.
   *
   * @return the parameter as sent, when there was one
   */
  public Optional<String> sizeParameter() {
    List<String> p = keywords.get("SIZE");
    return p == null || p.isEmpty() ? Optional.empty() : Optional.of(p.get(0));
  }

  /**
   * Tells whether PIPELINING (RFC 2920) was advertised.
   *
   * @return {@code true} when advertised
   */
  public boolean pipelining() {
    return has("PIPELINING");
  }

  /**
   * Tells whether STARTTLS (RFC 3207) was advertised.
   *
   * @return {@code true} when advertised
   */
  public boolean startTls() {
    return has("STARTTLS");
  }

  /**
   * Returns the AUTH mechanisms (RFC 4954), upper case, in the order advertised.
   *
   * @return the mechanisms; empty when AUTH was not advertised
   */
  public List<String> authMechanisms() {
    List<String> p = keywords.get("AUTH");
    if (p == null) {
      return List.of();
    }
    // A list scan for the usual handful, a set for a long (hostile) list: linear either way.
    List<String> out = new ArrayList<>(p.size());
    Set<String> seen = p.size() > 16 ? new HashSet<>() : null;
    for (String s : p) {
      String u = s.toUpperCase(Locale.ROOT);
      if (seen != null ? seen.add(u) : !out.contains(u)) {
        out.add(u);
      }
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * Tells whether 8BITMIME (RFC 6152) was advertised.
   *
   * @return {@code true} when advertised
   */
  public boolean eightBitMime() {
    return has("8BITMIME");
  }

  /**
   * Tells whether SMTPUTF8 (RFC 6531) was advertised.
   *
   * @return {@code true} when advertised
   */
  public boolean smtpUtf8() {
    return has("SMTPUTF8");
  }

  /**
   * Tells whether ENHANCEDSTATUSCODES (RFC 2034) was advertised.
   *
   * @return {@code true} when advertised
   */
  public boolean enhancedStatusCodes() {
    return has("ENHANCEDSTATUSCODES");
  }

  /**
   * Tells whether CHUNKING (RFC 3030, BDAT) was advertised.
   *
   * @return {@code true} when advertised
   */
  public boolean chunking() {
    return has("CHUNKING");
  }

  /**
   * Tells whether DSN (RFC 3461) was advertised.
   *
   * @return {@code true} when advertised
   */
  public boolean dsn() {
    return has("DSN");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EhloCapabilities c
        && c.domain.equals(domain)
        && c.keywords.equals(keywords);
  }

  @Override
  public int hashCode() {
    return domain.hashCode() * 31 + keywords.hashCode();
  }

  /** Returns {@code mx.example.org: SIZE 10240000, PIPELINING, STARTTLS}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(domain.isEmpty() ? "(no domain)" : domain).append(':');
    String sep = " ";
    for (Map.Entry<String, List<String>> e : keywords.entrySet()) {
      sb.append(sep).append(e.getKey());
      for (String p : e.getValue()) {
        sb.append(' ').append(p);
      }
      sep = ", ";
    }
    return sb.toString();
  }
}
