package dev.mailpath.diag.auth.internal.spf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Parses SPF records (RFC 7208 §4.6 and §12's grammar) in one linear pass, without regular
 * expressions, and stops at the first syntax error.
 */
public final class SpfParser {
  private SpfParser() {}

  /**
   * Parses a record that starts with {@code v=spf1}.
   *
   * @param text the record text
   * @return the parsed record, with the first syntax error if there is one
   */
  public static SpfRecord parse(String text) {
    List<SpfTerm> mechanisms = new ArrayList<>();
    SpfTerm redirect = null;
    SpfTerm exp = null;
    int n = text.length();
    int i = 6; // after "v=spf1"
    while (i < n) {
      char c = text.charAt(i);
      if (c == ' ') {
        i++;
        continue;
      }
      int end = text.indexOf(' ', i);
      if (end < 0) {
        end = n;
      }
      String term = text.substring(i, end);
      i = end;
      SpfTerm t;
      try {
        t = term(term);
      } catch (Bad e) {
        return new SpfRecord(text, mechanisms, redirect, exp, Optional.of(e.getMessage()));
      }
      if (t.kind() == SpfTerm.Kind.REDIRECT) {
        if (redirect != null) {
          return failed(text, mechanisms, redirect, exp, "redirect= appears twice");
        }
        redirect = t;
      } else if (t.kind() == SpfTerm.Kind.EXP) {
        if (exp != null) {
          return failed(text, mechanisms, redirect, exp, "exp= appears twice");
        }
        exp = t;
      } else if (t.mechanism()) {
        mechanisms.add(t);
      }
    }
    return new SpfRecord(text, mechanisms, redirect, exp, Optional.empty());
  }

  private static SpfRecord failed(
      String text, List<SpfTerm> mechs, SpfTerm redirect, SpfTerm exp, String why) {
    return new SpfRecord(text, mechs, redirect, exp, Optional.of(why));
  }

  /** A syntax error; cheap (no stack trace). */
  private static final class Bad extends Exception {
    private static final long serialVersionUID = 1L;

    Bad(String message) {
      super(message, null, false, false);
    }
  }

  private static SpfTerm term(String term) throws Bad {
    for (int k = 0; k < term.length(); k++) {
      char ch = term.charAt(k);
      if (ch < 0x21 || ch > 0x7e) {
        throw new Bad(
            "term \""
                + SpfMacro.clip(term)
                + "\" contains "
                + String.format("U+%04X", (int) ch)
                + "; SPF records are printable ASCII");
      }
    }
    // modifier: name "=" ...
    int eq = modifierNameEnd(term);
    if (eq > 0) {
      String name = term.substring(0, eq).toLowerCase(Locale.ROOT);
      String value = term.substring(eq + 1);
      switch (name) {
        case "redirect":
        case "exp":
          {
            String bad = SpfMacro.checkDomainSpec(value);
            if (bad != null) {
              throw new Bad(name + "=" + ": " + bad);
            }
            return new SpfTerm(
                name.equals("redirect") ? SpfTerm.Kind.REDIRECT : SpfTerm.Kind.EXP,
                (char) 0,
                term,
                value,
                null,
                32,
                128);
          }
        default:
          {
            String bad = SpfMacro.check(value, false);
            if (bad != null) {
              throw new Bad("modifier " + name + "=: " + bad);
            }
            return new SpfTerm(SpfTerm.Kind.UNKNOWN_MODIFIER, (char) 0, term, value, null, 32, 128);
          }
      }
    }
    char q = '+';
    int p = 0;
    char first = term.charAt(0);
    if (first == '+' || first == '-' || first == '~' || first == '?') {
      q = first;
      p = 1;
    }
    int nameEnd = p;
    while (nameEnd < term.length() && term.charAt(nameEnd) != ':' && term.charAt(nameEnd) != '/') {
      nameEnd++;
    }
    String name = term.substring(p, nameEnd).toLowerCase(Locale.ROOT);
    String rest = term.substring(nameEnd);
    switch (name) {
      case "all":
        if (!rest.isEmpty()) {
          throw new Bad("\"" + SpfMacro.clip(term) + "\": all takes no argument");
        }
        return new SpfTerm(SpfTerm.Kind.ALL, q, term, null, null, 32, 128);
      case "include":
      case "exists":
        {
          if (!rest.startsWith(":")) {
            throw new Bad("\"" + SpfMacro.clip(term) + "\": " + name + " needs :domain");
          }
          String spec = rest.substring(1);
          String bad = SpfMacro.checkDomainSpec(spec);
          if (bad != null) {
            throw new Bad("\"" + SpfMacro.clip(term) + "\": " + bad);
          }
          return new SpfTerm(
              name.equals("include") ? SpfTerm.Kind.INCLUDE : SpfTerm.Kind.EXISTS,
              q,
              term,
              spec,
              null,
              32,
              128);
        }
      case "a":
      case "mx":
        return domainWithCidr(name.equals("a") ? SpfTerm.Kind.A : SpfTerm.Kind.MX, q, term, rest);
      case "ptr":
        {
          String spec = null;
          if (!rest.isEmpty()) {
            if (!rest.startsWith(":")) {
              throw new Bad("\"" + SpfMacro.clip(term) + "\": ptr takes no prefix length");
            }
            spec = rest.substring(1);
            String bad = SpfMacro.checkDomainSpec(spec);
            if (bad != null) {
              throw new Bad("\"" + SpfMacro.clip(term) + "\": " + bad);
            }
          }
          return new SpfTerm(SpfTerm.Kind.PTR, q, term, spec, null, 32, 128);
        }
      case "ip4":
      case "ip6":
        return ip(name.equals("ip4"), q, term, rest);
      default:
        throw new Bad(
            "unknown mechanism \""
                + SpfMacro.clip(term)
                + "\""
                + (name.equals("redirect") || name.equals("exp")
                    ? " (" + name + " is a modifier: write " + name + "=)"
                    : ""));
    }
  }

  /** Returns the index of '=' when the term starts with a modifier name, else -1. */
  private static int modifierNameEnd(String term) {
    char c0 = term.charAt(0);
    if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z'))) {
      return -1; // "=all", "1up=foo": not a modifier name, so an unknown mechanism
    }
    for (int k = 1; k < term.length(); k++) {
      char c = term.charAt(k);
      if (c == '=') {
        return k;
      }
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_'
              || c == '.';
      if (!ok) {
        return -1;
      }
    }
    return -1;
  }

  private static SpfTerm domainWithCidr(SpfTerm.Kind kind, char q, String term, String rest)
      throws Bad {
    // split a trailing dual-cidr-length ("/24", "//64", "/24//64") off the argument
    int cut = rest.length();
    int cidr4 = 32;
    int cidr6 = 128;
    int dd = rest.lastIndexOf("//");
    if (dd >= 0 && digitsOnly(rest, dd + 2, rest.length())) {
      cidr6 = cidr(term, rest.substring(dd + 2), 128);
      cut = dd;
    }
    int d = rest.lastIndexOf('/', cut - 1);
    if (d >= 0 && (dd < 0 || d != dd + 1) && digitsOnly(rest, d + 1, cut) && d + 1 < cut) {
      cidr4 = cidr(term, rest.substring(d + 1, cut), 32);
      cut = d;
    }
    String head = rest.substring(0, cut);
    String spec = null;
    if (!head.isEmpty()) {
      if (!head.startsWith(":")) {
        throw new Bad("\"" + SpfMacro.clip(term) + "\": malformed prefix length or domain");
      }
      spec = head.substring(1);
      String bad = SpfMacro.checkDomainSpec(spec);
      if (bad != null) {
        throw new Bad("\"" + SpfMacro.clip(term) + "\": " + bad);
      }
    }
    return new SpfTerm(kind, q, term, spec, null, cidr4, cidr6);
  }

  private static boolean digitsOnly(String s, int from, int to) {
    if (from >= to) {
      return false;
    }
    for (int k = from; k < to; k++) {
      if (s.charAt(k) < '0' || s.charAt(k) > '9') {
        return false;
      }
    }
    return true;
  }

  /** A prefix length: no leading zeros, at most {@code max} (RFC 7208 §5.6 and the test suite). */
  private static int cidr(String term, String digits, int max) throws Bad {
    if (digits.length() > 3 || (digits.length() > 1 && digits.charAt(0) == '0')) {
      throw new Bad("\"" + SpfMacro.clip(term) + "\": malformed prefix length /" + digits);
    }
    int v = Integer.parseInt(digits);
    if (v > max) {
      throw new Bad("\"" + SpfMacro.clip(term) + "\": prefix length /" + v + " exceeds " + max);
    }
    return v;
  }

  private static SpfTerm ip(boolean v4, char q, String term, String rest) throws Bad {
    if (!rest.startsWith(":")) {
      throw new Bad("\"" + SpfMacro.clip(term) + "\": " + (v4 ? "ip4" : "ip6") + " needs :address");
    }
    String arg = rest.substring(1);
    int slash = arg.indexOf('/');
    String addr = slash < 0 ? arg : arg.substring(0, slash);
    int len = v4 ? 32 : 128;
    if (slash >= 0) {
      String digits = arg.substring(slash + 1);
      if (!digitsOnly(digits, 0, digits.length())) {
        throw new Bad("\"" + SpfMacro.clip(term) + "\": malformed prefix length");
      }
      len = cidr(term, digits, v4 ? 32 : 128);
    }
    byte[] net = v4 ? SpfIp.parse4(addr) : SpfIp.parse6(addr);
    if (net == null) {
      throw new Bad(
          "\""
              + SpfMacro.clip(term)
              + "\": \""
              + SpfMacro.clip(addr)
              + "\" is not an "
              + (v4 ? "IPv4" : "IPv6")
              + " address");
    }
    return new SpfTerm(
        v4 ? SpfTerm.Kind.IP4 : SpfTerm.Kind.IP6,
        q,
        term,
        null,
        net,
        v4 ? len : 32,
        v4 ? 128 : len);
  }
}
