package dev.mailpath.diag.trace.internal;

import dev.mailpath.diag.core.internal.IpLiterals;
import dev.mailpath.diag.trace.ReceivedHop;
import dev.mailpath.diag.trace.TransportSecurity;
import java.net.InetAddress;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one {@code Received:} field value (RFC 5321 §4.4 {@code Stamp}) leniently: clauses in any
 * order, comments (nested too) attached to the clause they follow, multi-word {@code with} and
 * {@code via} values (Microsoft's {@code with Microsoft SMTP Server}, {@code via Frontend
 * Transport}), and the date after the last {@code ;} that is outside a comment.
 */
public final class ReceivedParser {
  private ReceivedParser() {}

  private static final Set<String> KEYWORDS = Set.of("from", "by", "via", "with", "id", "for");

  // RFC 3848 protocol types, and the forms servers write beside them.
  private static final Set<String> TLS_PROTOCOLS =
      Set.of(
          "esmtps",
          "esmtpsa",
          "lmtps",
          "lmtpsa",
          "utf8smtps",
          "utf8smtpsa",
          "utf8lmtps",
          "utf8lmtpsa",
          "smtps",
          "https");
  private static final Set<String> PLAIN_PROTOCOLS =
      Set.of(
          "smtp",
          "esmtp",
          "esmtpa",
          "lmtp",
          "lmtpa",
          "utf8smtp",
          "utf8smtpa",
          "utf8lmtp",
          "utf8lmtpa",
          "http",
          "microsoft smtp server");
  private static final Set<String> SMTP_FAMILY =
      Set.of("smtp", "esmtp", "esmtpa", "utf8smtp", "utf8smtpa", "microsoft smtp server");
  private static final Set<String> AUTH_PROTOCOLS =
      Set.of(
          "esmtpa",
          "esmtpsa",
          "lmtpa",
          "lmtpsa",
          "utf8smtpa",
          "utf8smtpsa",
          "utf8lmtpa",
          "utf8lmtpsa");

  private static final Pattern TLS_VERSION =
      Pattern.compile("(?i)\\b(TLS\\s?v?1(?:[._][0-3])?|SSLv3)\\b");
  private static final Pattern CIPHER =
      Pattern.compile("(?i)(?:cipher[= ]\\s*|\\btls\\s+)([A-Z0-9][A-Z0-9_-]{6,})");
  private static final Pattern AUTH_COMMENT =
      Pattern.compile(
          "(?i)authenticated sender:|\\bauthenticated (bits|as|user)\\b|\\bauth=pass\\b");
  private static final Pattern BRACKET_IP =
      Pattern.compile("\\[(?:IPv6:)?([0-9A-Fa-f:.]+)(?:%[A-Za-z0-9]+)?\\]");
  private static final Pattern BARE_IPV4 =
      Pattern.compile("(?<![\\w.])(\\d{1,3}(?:\\.\\d{1,3}){3})(?![\\w.])");
  private static final Pattern BARE_IPV6 =
      Pattern.compile(
          "(?<![\\w:.])([0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})(?:%[A-Za-z0-9]+)?(?![\\w:])");
  private static final Pattern HELO =
      Pattern.compile("(?i)(?:\\bhelo=|\\b(?:HELO|EHLO)\\s+)([^\\s()\\[\\]]+)");
  private static final Pattern NAME_BEFORE_BRACKET =
      Pattern.compile("^\\s*([A-Za-z0-9_][A-Za-z0-9_.-]*)\\.?\\s*\\[");

  /** The result: the hop as far as it could be read, and what was wrong with its date. */
  public static final class Result {
    /** The hop, without index and delay. */
    public final ReceivedHop.Builder hop;

    /** The date text was empty (no ";" or nothing after it). */
    public final boolean dateMissing;

    /** The date text was present but unreadable. */
    public final boolean dateUnreadable;

    /** The protocol belongs to the SMTP family (for the no-TLS check). */
    public final boolean smtpFamily;

    Result(
        ReceivedHop.Builder hop, boolean dateMissing, boolean dateUnreadable, boolean smtpFamily) {
      this.hop = hop;
      this.dateMissing = dateMissing;
      this.dateUnreadable = dateUnreadable;
      this.smtpFamily = smtpFamily;
    }
  }

  private enum Kind {
    WORD,
    COMMENT
  }

  private record Token(Kind kind, String text) {}

  /**
   * Parses one unfolded field value.
   *
   * @param raw the value after {@code Received:}
   * @return the hop and date status
   */
  public static Result parse(String raw) {
    String value = raw.strip();
    ReceivedHop.Builder hop = ReceivedHop.builder().raw(value);
    int semi = lastTopLevelSemicolon(value);
    String clauses = semi < 0 ? value : value.substring(0, semi);
    String dateText = semi < 0 ? "" : value.substring(semi + 1).strip();
    boolean dateMissing = dateText.isEmpty() || MailDates.stripComments(dateText).isBlank();
    Optional<OffsetDateTime> date = dateMissing ? Optional.empty() : MailDates.parse(dateText);
    date.ifPresent(hop::date);
    boolean dateUnreadable = !dateMissing && date.isEmpty();

    List<Token> tokens = tokenize(clauses);
    String clause = null; // the keyword whose value comes next or is being read
    boolean valueTaken = false;
    boolean joining = false;
    // Multi-word with/via values grow word by word; the strings are made once at the end, so a
    // field of n words costs O(n), not O(n^2).
    StringBuilder withWords = null;
    StringBuilder viaWords = null;
    List<String> fromComments = new ArrayList<>();
    List<String> extras = new ArrayList<>();
    List<String> allComments = new ArrayList<>();
    String from = null;
    String by = null;
    String id = null;
    String forRcpt = null;
    boolean strayWords = false;
    boolean sawKeyword = false;

    for (Token t : tokens) {
      if (t.kind == Kind.COMMENT) {
        allComments.add(t.text);
        if ("from".equals(clause)) {
          fromComments.add(t.text);
        }
        joining = false;
        continue;
      }
      String lower = t.text.toLowerCase(Locale.ROOT);
      if (KEYWORDS.contains(lower) && (valueTaken || clause == null)) {
        clause = lower;
        sawKeyword = true;
        valueTaken = false;
        joining = false;
        continue;
      }
      if (clause == null) {
        strayWords = true;
        continue;
      }
      if (!valueTaken) {
        valueTaken = true;
        switch (clause) {
          case "from" -> from = t.text;
          case "by" -> by = t.text;
          case "id" -> id = t.text;
          case "for" -> forRcpt = t.text;
          case "with" -> {
            withWords = new StringBuilder(t.text);
            joining = true;
          }
          case "via" -> {
            viaWords = new StringBuilder(t.text);
            joining = true;
          }
          default -> throw new IllegalStateException(clause);
        }
        continue;
      }
      if (joining && clause.equals("with")) {
        withWords.append(' ').append(t.text);
        continue;
      }
      if (joining && clause.equals("via")) {
        viaWords.append(' ').append(t.text);
        continue;
      }
      extras.add(t.text);
    }
    String with = withWords == null ? null : withWords.toString();
    String via = viaWords == null ? null : viaWords.toString();

    boolean parsed =
        from != null || by != null || (!strayWords && !allComments.isEmpty() && !dateMissing);
    if (!sawKeyword && strayWords) {
      parsed = false;
    }
    hop.parsed(parsed);
    allComments.forEach(hop::addComment);
    if (!parsed) {
      return new Result(hop, dateMissing, dateUnreadable, false);
    }

    hop.from(from).by(host(by)).via(via).with(with).id(id).forRecipient(unangle(forRcpt));
    readFromClause(hop, from, fromComments);

    // Transport security: the protocol name first (RFC 3848), then TLS details anywhere.
    String proto = with == null ? null : with.toLowerCase(Locale.ROOT);
    String everything = String.join(" ", allComments) + " " + String.join(" ", extras);
    Matcher v = TLS_VERSION.matcher(everything);
    String tlsVersion = v.find() ? v.group(1) : null;
    Matcher c = CIPHER.matcher(everything);
    String cipher = null;
    while (c.find()) {
      if (!TLS_VERSION.matcher(c.group(1)).matches()) {
        cipher = c.group(1);
        break;
      }
    }
    boolean tlsEvidence =
        tlsVersion != null
            || cipher != null
            || everything.toLowerCase(Locale.ROOT).contains("using tls");
    if ((proto != null && TLS_PROTOCOLS.contains(proto)) || tlsEvidence) {
      hop.security(TransportSecurity.TLS);
      String details =
          (tlsVersion == null ? "" : tlsVersion)
              + (cipher == null ? "" : (tlsVersion == null ? "" : " ") + cipher);
      hop.tlsDetails(details.isEmpty() ? null : details);
    } else if (proto != null && PLAIN_PROTOCOLS.contains(proto)) {
      hop.security(TransportSecurity.PLAINTEXT);
    }
    boolean auth =
        (proto != null && AUTH_PROTOCOLS.contains(proto))
            || AUTH_COMMENT.matcher(everything).find();
    hop.authenticated(auth);
    return new Result(
        hop, dateMissing, dateUnreadable, proto != null && SMTP_FAMILY.contains(proto));
  }

  private static void readFromClause(ReceivedHop.Builder hop, String from, List<String> comments) {
    if (from == null) {
      return;
    }
    String helo = null;
    String rdns = null;
    InetAddress address = null;
    boolean missing = false;
    String fromLiteral = literalAddress(from);
    boolean fromIsLiteral = fromLiteral != null;
    for (String comment : comments) {
      if (helo == null) {
        Matcher h = HELO.matcher(comment);
        if (h.find()) {
          helo = h.group(1);
        }
      }
      if (address == null) {
        address = findAddress(comment);
      }
      if (rdns == null) {
        Matcher n = NAME_BEFORE_BRACKET.matcher(comment);
        if (n.find()) {
          String name = n.group(1);
          if (name.equalsIgnoreCase("unknown")) {
            missing = true;
          } else if (!name.toLowerCase(Locale.ROOT).startsWith("helo")
              && literalAddress(name) == null) {
            rdns = name;
          }
        }
      }
      String lc = comment.toLowerCase(Locale.ROOT);
      if (lc.contains("may be forged") || lc.startsWith("unknown ") || lc.equals("unknown")) {
        missing = true;
      }
    }
    if (address == null && fromIsLiteral) {
      address = toAddress(fromLiteral);
    }
    if (helo != null) {
      // Exim and qmail style: the from word is the verified reverse name (or the address, or
      // "unknown"), and the HELO name sits in the comment.
      if (from.equalsIgnoreCase("unknown")) {
        missing = true;
      } else if (fromIsLiteral) {
        missing = true;
      } else if (rdns == null) {
        rdns = from;
      }
    } else {
      // Postfix, Sendmail, Microsoft style: the from word is the HELO name (which may itself be
      // an address literal such as [192.168.1.23]).
      helo = from;
    }
    hop.heloName(helo).reverseName(host(rdns)).address(address).reverseNameMissing(missing);
  }

  private static InetAddress findAddress(String comment) {
    Matcher b = BRACKET_IP.matcher(comment);
    while (b.find()) {
      InetAddress a = toAddress(b.group(1));
      if (a != null) {
        return a;
      }
    }
    Matcher v4 = BARE_IPV4.matcher(comment);
    if (v4.find()) {
      InetAddress a = toAddress(v4.group(1));
      if (a != null) {
        return a;
      }
    }
    Matcher v6 = BARE_IPV6.matcher(comment);
    while (v6.find()) {
      String s = v6.group(1);
      if (s.contains("::") || s.chars().filter(ch -> ch == ':').count() == 7) {
        InetAddress a = toAddress(s);
        if (a != null) {
          return a;
        }
      }
    }
    return null;
  }

  /** Returns the address text of {@code [1.2.3.4]}, {@code [IPv6:...]} or a bare literal. */
  private static String literalAddress(String word) {
    String w = word;
    if (w.startsWith("[") && w.endsWith("]")) {
      w = w.substring(1, w.length() - 1);
      if (w.regionMatches(true, 0, "IPv6:", 0, 5)) {
        w = w.substring(5);
      }
    }
    return toAddress(w) != null ? w : null;
  }

  /**
   * Converts an address literal without any name service: the text is parsed here ({@link
   * IpLiterals}), never handed to {@code InetAddress.getByName}, which would look up anything it
   * cannot read as a literal (a header's {@code .:1} would become whatever the hosts file says).
   *
   * @param text an IPv4 or IPv6 literal, possibly with a zone suffix ({@code %eth0}, ignored)
   * @return the address, or {@code null} when the text is not a literal
   */
  public static InetAddress toAddress(String text) {
    String s = text;
    int pct = s.indexOf('%');
    if (pct >= 0) {
      s = s.substring(0, pct);
    }
    return IpLiterals.parse(s).orElse(null);
  }

  private static String host(String h) {
    if (h == null) {
      return null;
    }
    String s = h.toLowerCase(Locale.ROOT);
    return s.endsWith(".") && s.length() > 1 ? s.substring(0, s.length() - 1) : s;
  }

  private static String unangle(String s) {
    if (s == null) {
      return null;
    }
    String t = s.strip();
    if (t.startsWith("<")) {
      t = t.substring(1);
    }
    if (t.endsWith(">")) {
      t = t.substring(0, t.length() - 1);
    }
    return t.isEmpty() ? null : t;
  }

  private static int lastTopLevelSemicolon(String s) {
    int depth = 0;
    boolean quoted = false;
    int last = -1;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        i++;
      } else if (c == '"' && depth == 0) {
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        depth++;
      } else if (!quoted && c == ')' && depth > 0) {
        depth--;
      } else if (!quoted && depth == 0 && c == ';') {
        last = i;
      }
    }
    return last;
  }

  private static List<Token> tokenize(String s) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '(') {
        int depth = 0;
        StringBuilder sb = new StringBuilder();
        while (i < n) {
          char d = s.charAt(i);
          if (d == '\\' && i + 1 < n) {
            sb.append(s.charAt(i + 1));
            i += 2;
            continue;
          }
          if (d == '(') {
            if (depth > 0) {
              sb.append(d);
            }
            depth++;
          } else if (d == ')') {
            depth--;
            if (depth == 0) {
              i++;
              break;
            }
            sb.append(d);
          } else {
            sb.append(d);
          }
          i++;
        }
        out.add(new Token(Kind.COMMENT, sb.toString().strip()));
      } else {
        StringBuilder sb = new StringBuilder();
        boolean quoted = false;
        while (i < n) {
          char d = s.charAt(i);
          if (d == '"') {
            quoted = !quoted;
          } else if (!quoted && (Character.isWhitespace(d) || d == '(')) {
            break;
          }
          sb.append(d);
          i++;
        }
        String w = sb.toString();
        // A stray top-level ";" (several dates, or text after the date) is just punctuation.
        if (!w.equals(";")) {
          out.add(new Token(Kind.WORD, w.endsWith(";") ? w.substring(0, w.length() - 1) : w));
        }
      }
    }
    return out;
  }
}
