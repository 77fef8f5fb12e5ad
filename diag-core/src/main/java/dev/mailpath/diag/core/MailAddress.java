package dev.mailpath.diag.core;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.internal.IpLiterals;
import dev.mailpath.diag.core.internal.Printable;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A mailbox address as SMTP carries it in {@code MAIL FROM} and {@code RCPT TO} (RFC 5321 §4.1.2
 * {@code Mailbox}): a local part, {@code @}, and a domain or an address literal. The one parser of
 * mail addresses in mailpath: every entry point that takes an address takes it through here, so the
 * same input gets the same answer everywhere.
 *
 * <pre>{@code
 * MailAddress.of("alice@example.org");                   // strict: exactly a mailbox
 * MailAddress.of("\"john smith\"@example.org");          // quoted local part
 * MailAddress.of("postmaster@[192.0.2.1]");              // address literal
 * MailAddress.of("jürgen@bücher.example");               // SMTPUTF8 local part, IDN domain
 * MailAddress a = MailAddress.parse(" Bob <bob@example.org> ");
 * a.toString();        // "bob@example.org"
 * a.corrections();     // [removed surrounding white space, removed display name "Bob" and angle brackets]
 * }</pre>
 *
 * <p><b>Rules.</b> The local part is a dot-string of RFC 5321 atoms (RFC 6531 adds non-ASCII
 * characters, which make {@link #requiresSmtpUtf8()} true) or a quoted string, at most 64 octets.
 * The domain goes through {@link DomainName} (IDN labels become A-labels); an address literal is
 * {@code [IPv4]} or {@code [IPv6:...]}. The whole address is at most 254 octets (the 256-octet path
 * less its angle brackets). {@link #of} takes nothing else; {@link #parse} also takes the forms
 * people paste (a display name with angle brackets, angle brackets alone, surrounding white space)
 * and lists in {@link #corrections()} what it removed.
 *
 * <p>Immutable. Equal when local part (case-sensitive, RFC 5321 §2.4) and domain (case-insensitive)
 * are equal; corrections do not count.
 */
public final class MailAddress {
  private static final int MAX_LOCAL = 64;
  private static final int MAX_ADDRESS = 254;
  private static final String SPECIAL_ATEXT = "!#$%&'*+-/=?^_`{|}~";

  private final String localPart;
  private final String domain;
  private final DomainName domainName;
  private final InetAddress literal;
  private final boolean smtpUtf8;
  private final List<String> corrections;

  private MailAddress(
      String localPart,
      String domain,
      DomainName domainName,
      InetAddress literal,
      boolean smtpUtf8,
      List<String> corrections) {
    this.localPart = localPart;
    this.domain = domain;
    this.domainName = domainName;
    this.literal = literal;
    this.smtpUtf8 = smtpUtf8;
    this.corrections = List.copyOf(corrections);
  }

  /**
   * Checks a mailbox address exactly as given.
   *
   * @param address for example {@code alice@example.org}
   * @return the checked address
   * @throws IllegalArgumentException naming the problem (no {@code @}, an empty or over-long local
   *     part, a character not allowed, a malformed domain, white space, a display name: use {@link
   *     #parse} for pasted text)
   * @throws NullPointerException when {@code address} is null
   */
  public static MailAddress of(String address) {
    requireNonNull(address, "address");
    return strict(address, address, List.of());
  }

  /**
   * Reads a mailbox address leniently: surrounding white space, a display name with angle brackets
   * ({@code Bob <bob@example.org>}) and angle brackets alone are removed, and {@link
   * #corrections()} says what was. What is left must be a valid address.
   *
   * @param text the text
   * @return the checked address with its corrections
   * @throws IllegalArgumentException naming the problem with what is left
   * @throws NullPointerException when {@code text} is null
   */
  public static MailAddress parse(String text) {
    requireNonNull(text, "text");
    List<String> corrections = new ArrayList<>();
    String s = text.strip();
    if (!s.equals(text)) {
      corrections.add("removed surrounding white space");
    }
    int open = lastOpeningBracket(s);
    if (s.endsWith(">") && open >= 0) {
      String display = s.substring(0, open).strip();
      String inside = s.substring(open + 1, s.length() - 1);
      s = inside.strip();
      if (!s.equals(inside)) {
        corrections.add("removed white space inside the angle brackets");
      }
      if (display.isEmpty()) {
        corrections.add("removed angle brackets");
      } else {
        corrections.add(
            "removed display name \"" + Printable.escape(display) + "\" and angle brackets");
      }
    }
    return strict(s, text, corrections);
  }

  /**
   * Returns the index of the last '<' outside quoted strings, or -1: a quoted display name or a
   * quoted local part may hold '<' ({@code "a<b"@example.org}), which opens nothing.
   */
  private static int lastOpeningBracket(String s) {
    boolean quoted = false;
    int open = -1;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && quoted) {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == '<' && !quoted) {
        open = i;
      }
    }
    return open;
  }

  private static MailAddress strict(String s, String given, List<String> corrections) {
    if (s.isEmpty()) {
      throw bad(given, "is empty");
    }
    int at = s.lastIndexOf('@');
    if (at < 0) {
      throw bad(given, "has no '@'");
    }
    String local = s.substring(0, at);
    String domainText = s.substring(at + 1);
    if (local.isEmpty()) {
      throw bad(given, "has an empty local part before '@'");
    }
    if (domainText.isEmpty()) {
      throw bad(given, "has no domain after '@'");
    }
    boolean utf8 = checkLocal(local, given);
    String domain;
    DomainName name = null;
    InetAddress literal = null;
    if (domainText.startsWith("[")) {
      literal = addressLiteral(domainText, given);
      // The tag is case-insensitive on input (RFC 5321 §4.1.3 via RFC 5234 strings) and written in
      // its usual spelling; the family comes from the tag, never from the address class.
      domain =
          isIpv6Tagged(domainText)
              ? "[IPv6:" + IpAddressText.format(literal) + "]"
              : "[" + IpAddressText.format(literal) + "]";
    } else {
      try {
        name = DomainName.of(domainText);
      } catch (IllegalArgumentException e) {
        throw bad(given, "has a bad domain: " + e.getMessage());
      }
      domain = name.ascii();
    }
    int octets = local.getBytes(StandardCharsets.UTF_8).length + 1 + domain.length();
    if (octets > MAX_ADDRESS) {
      throw bad(given, "is " + octets + " octets; at most " + MAX_ADDRESS + " are allowed");
    }
    return new MailAddress(local, domain, name, literal, utf8, corrections);
  }

  /** Checks a local part; returns whether it needs SMTPUTF8. */
  private static boolean checkLocal(String local, String given) {
    int octets = local.getBytes(StandardCharsets.UTF_8).length;
    if (octets > MAX_LOCAL) {
      throw bad(given, "has a local part of " + octets + " octets; at most 64 are allowed");
    }
    boolean utf8 = false;
    if (local.startsWith("\"")) {
      if (local.length() < 2 || !local.endsWith("\"")) {
        throw bad(given, "has a quoted local part without its closing '\"'");
      }
      for (int i = 1; i < local.length() - 1; i++) {
        char c = local.charAt(i);
        if (c == '\\') {
          i++;
          if (i >= local.length() - 1 || local.charAt(i) < 32 || local.charAt(i) > 126) {
            throw bad(given, "has a backslash in its quoted local part that escapes nothing");
          }
        } else if (c == '"') {
          throw bad(given, "has an unescaped '\"' inside its quoted local part");
        } else if (c >= 0x80) {
          utf8 = true;
        } else if (c < 32 || c == 127) {
          throw bad(given, "has " + describe(c) + " in its quoted local part at index " + i);
        }
      }
      return utf8;
    }
    if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
      throw bad(given, "has a local part with a leading, trailing or doubled '.'; quote it");
    }
    for (int i = 0; i < local.length(); i++) {
      char c = local.charAt(i);
      if (c >= 0x80
          && !Character.isISOControl(c)
          && !Character.isWhitespace(c)
          && !Character.isSpaceChar(c)) {
        utf8 = true;
      } else if (!(isAlnum(c) || c == '.' || SPECIAL_ATEXT.indexOf(c) >= 0)) {
        throw bad(
            given,
            "has "
                + describe(c)
                + " in its local part at index "
                + i
                + (c == ' ' || c == '<' || c == '>'
                    ? " (paste forms such as \"Name <a@b>\": use parse)"
                    : ""));
      }
    }
    return utf8;
  }

  private static InetAddress addressLiteral(String text, String given) {
    if (!text.endsWith("]")) {
      throw bad(given, "has an address literal without its closing ']'");
    }
    String inside = text.substring(1, text.length() - 1);
    Optional<? extends InetAddress> a;
    if (isIpv6Tagged(text)) {
      a = IpLiterals.parseIpv6(inside.substring(5));
    } else {
      a = IpLiterals.parseIpv4(inside);
    }
    return a.<InetAddress>map(x -> x)
        .orElseThrow(
            () ->
                bad(
                    given,
                    "has an address literal that is neither [IPv4] nor [IPv6:...] (RFC 5321 §4.1.3)"));
  }

  private static boolean isIpv6Tagged(String bracketed) {
    return bracketed.regionMatches(true, 1, "IPv6:", 0, 5);
  }

  private static boolean isAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static String describe(char c) {
    if (c == ' ') {
      return "a space";
    }
    if (c == '\r') {
      return "CR (U+000D)";
    }
    if (c == '\n') {
      return "LF (U+000A)";
    }
    if (Character.isSpaceChar(c) || Character.isWhitespace(c)) {
      return String.format("white space U+%04X", (int) c);
    }
    if (c < 32 || c == 127) {
      return String.format("control character U+%04X", (int) c);
    }
    return "'" + c + "'";
  }

  private static IllegalArgumentException bad(String given, String problem) {
    String shown = given.length() > 300 ? given.substring(0, 297) + "..." : given;
    return new IllegalArgumentException(
        "mail address \"" + Printable.escape(shown) + "\" " + problem);
  }

  /**
   * Returns the local part as given (quotes kept for a quoted local part).
   *
   * @return the local part
   */
  public String localPart() {
    return localPart;
  }

  /**
   * Returns the domain as it goes on the wire: A-labels, lower case, or the address literal in
   * brackets ({@code [192.0.2.1]}, {@code [IPv6:2001:db8::1]}).
   *
   * @return the domain
   */
  public String domain() {
    return domain;
  }

  /**
   * Returns the domain name, unless the address uses an address literal.
   *
   * @return the domain name, or empty for an address literal
   */
  public Optional<DomainName> domainName() {
    return Optional.ofNullable(domainName);
  }

  /**
   * Returns the address of an address-literal domain.
   *
   * @return the address, or empty when the domain is a name
   */
  public Optional<InetAddress> addressLiteral() {
    return Optional.ofNullable(literal);
  }

  /**
   * Tells whether the local part has non-ASCII characters, so that the server must offer SMTPUTF8
   * (RFC 6531) for the address to be sent.
   *
   * @return {@code true} for an internationalised local part
   */
  public boolean requiresSmtpUtf8() {
    return smtpUtf8;
  }

  /**
   * Returns what {@link #parse} removed to read the address; empty for {@link #of}.
   *
   * @return the corrections, in order
   */
  public List<String> corrections() {
    return corrections;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MailAddress m && m.localPart.equals(localPart) && m.domain.equals(domain);
  }

  @Override
  public int hashCode() {
    return Objects.hash(localPart, domain);
  }

  /**
   * Returns {@code local@domain} as it goes inside {@code <...>} on the wire.
   *
   * @return the address
   */
  @Override
  public String toString() {
    return localPart + "@" + domain;
  }
}
