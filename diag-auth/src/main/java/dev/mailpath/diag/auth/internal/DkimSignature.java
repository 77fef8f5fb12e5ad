package dev.mailpath.diag.auth.internal;

import dev.mailpath.diag.auth.DkimFinding;
import dev.mailpath.diag.auth.DkimResult;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One parsed DKIM-Signature header field (RFC 6376 §3.5, RFC 8463). When {@link #problem()} is
 * present the signature cannot be verified and the problem gives its result; otherwise every field
 * needed for verification is set.
 */
public final class DkimSignature {
  /** A result decided without verifying: a syntax error, a missing tag, an expiry. */
  public record Problem(DkimResult result, DkimFinding code, String reason) {}

  private static final String[] REQUIRED = {"v", "a", "b", "bh", "d", "h", "s"};

  /** The header field. */
  public final DkimHeaderBlock.Field field;

  /** The algorithm text, lower case, empty when absent. */
  public String algorithm = "";

  /** The hash: "sha256" or "sha1". */
  public String hash = "";

  /** The key type: "rsa" or "ed25519". */
  public String keyType = "";

  /** The canonicalization text, header/body. */
  public String canonicalization = "";

  /** Relaxed header canonicalization. */
  public boolean headerRelaxed;

  /** Relaxed body canonicalization. */
  public boolean bodyRelaxed;

  /** The signing domain, lower case. */
  public String domain = "";

  /** The selector. */
  public String selector = "";

  /** The identity. */
  public Optional<String> identity = Optional.empty();

  /** The body length limit. */
  public Optional<Long> bodyLength = Optional.empty();

  /** The signed header field names, as written. */
  public List<String> signedHeaders = List.of();

  /** The signature. */
  public byte[] b = new byte[0];

  /** The body hash. */
  public byte[] bh = new byte[0];

  /** The expiry, seconds since the epoch. */
  public Optional<Long> expires = Optional.empty();

  /** Why it cannot be verified. */
  public Optional<Problem> problem = Optional.empty();

  private DkimSignature(DkimHeaderBlock.Field field) {
    this.field = field;
  }

  /**
   * Returns the DNS name of the key record.
   *
   * @return {@code <selector>._domainkey.<domain>}
   */
  public String keyName() {
    return selector + "._domainkey." + domain;
  }

  /**
   * Parses a DKIM-Signature field.
   *
   * @param field the field
   * @param nowEpochSeconds the verifier's time, for {@code x=}
   * @return the signature, possibly with a problem
   */
  public static DkimSignature parse(DkimHeaderBlock.Field field, long nowEpochSeconds) {
    DkimSignature sig = new DkimSignature(field);
    DkimTagList tags = DkimTagList.parse(field.value());
    // Fill what can be shown even for broken signatures.
    sig.algorithm = tags.get("a").map(a -> a.toLowerCase(Locale.ROOT)).orElse("");
    sig.domain = tags.get("d").map(d -> DkimTagList.stripWs(d).toLowerCase(Locale.ROOT)).orElse("");
    sig.selector = tags.get("s").map(DkimTagList::stripWs).orElse("");
    sig.identity = tags.get("i").map(DkimTagList::stripWs);
    if (tags.error().isPresent()) {
      return sig.fail(DkimResult.PERMERROR, DkimFinding.SYNTAX, tags.error().get());
    }
    Optional<String> v = tags.get("v");
    if (v.isPresent() && !v.get().equals("1")) {
      return sig.fail(
          DkimResult.NEUTRAL,
          DkimFinding.VERSION,
          "unknown version v=" + DkimTagList.clip(v.get()));
    }
    List<String> missing = new ArrayList<>();
    for (String t : REQUIRED) {
      if (tags.get(t).isEmpty()) {
        missing.add(t + "=");
      }
    }
    if (!missing.isEmpty()) {
      return sig.fail(
          DkimResult.PERMERROR,
          DkimFinding.MISSING_TAG,
          "required tag"
              + (missing.size() > 1 ? "s " : " ")
              + String.join(", ", missing)
              + " missing");
    }
    switch (sig.algorithm) {
      case "rsa-sha256" -> {
        sig.keyType = "rsa";
        sig.hash = "sha256";
      }
      case "rsa-sha1" -> {
        sig.keyType = "rsa";
        sig.hash = "sha1";
      }
      case "ed25519-sha256" -> {
        sig.keyType = "ed25519";
        sig.hash = "sha256";
      }
      default -> {
        return sig.fail(
            DkimResult.PERMERROR,
            DkimFinding.ALGORITHM,
            "unknown algorithm a=" + DkimTagList.clip(sig.algorithm));
      }
    }
    String c = DkimTagList.stripWs(tags.get("c").orElse("simple/simple")).toLowerCase(Locale.ROOT);
    int slash = c.indexOf('/');
    String hc = slash < 0 ? c : c.substring(0, slash);
    String bc = slash < 0 ? "simple" : c.substring(slash + 1);
    if (!isCanon(hc) || !isCanon(bc)) {
      return sig.fail(
          DkimResult.PERMERROR,
          DkimFinding.SYNTAX,
          "unknown canonicalization c=" + DkimTagList.clip(c));
    }
    sig.canonicalization = hc + "/" + bc;
    sig.headerRelaxed = hc.equals("relaxed");
    sig.bodyRelaxed = bc.equals("relaxed");
    if (!validDomain(sig.domain)) {
      return sig.fail(
          DkimResult.PERMERROR,
          DkimFinding.SYNTAX,
          "d=" + DkimTagList.clip(sig.domain) + " is not a domain name");
    }
    if (!validDomain(sig.selector.toLowerCase(Locale.ROOT))) {
      return sig.fail(
          DkimResult.PERMERROR,
          DkimFinding.SYNTAX,
          "s=" + DkimTagList.clip(sig.selector) + " is not a valid selector");
    }
    try {
      sig.b = Base64.getDecoder().decode(DkimTagList.stripWs(tags.get("b").get()));
      sig.bh = Base64.getDecoder().decode(DkimTagList.stripWs(tags.get("bh").get()));
    } catch (IllegalArgumentException e) {
      return sig.fail(DkimResult.PERMERROR, DkimFinding.SYNTAX, "b= or bh= is not valid base64");
    }
    if (sig.b.length == 0 || sig.bh.length == 0) {
      return sig.fail(DkimResult.PERMERROR, DkimFinding.SYNTAX, "b= or bh= is empty");
    }
    List<String> h = new ArrayList<>();
    for (String name : tags.get("h").get().split(":", -1)) {
      String n = DkimTagList.stripWs(name);
      if (!n.isEmpty()) {
        h.add(n);
      }
    }
    sig.signedHeaders = List.copyOf(h);
    if (h.stream().noneMatch(n -> n.equalsIgnoreCase("from"))) {
      return sig.fail(
          DkimResult.PERMERROR, DkimFinding.FROM_NOT_SIGNED, "h= does not include From");
    }
    if (sig.identity.isPresent()) {
      String i = sig.identity.get();
      int at = i.lastIndexOf('@');
      String idomain = at < 0 ? "" : i.substring(at + 1).toLowerCase(Locale.ROOT);
      if (at < 0 || !(idomain.equals(sig.domain) || idomain.endsWith("." + sig.domain))) {
        return sig.fail(
            DkimResult.PERMERROR,
            DkimFinding.IDENTITY_MISMATCH,
            "i=" + DkimTagList.clip(i) + " is not within d=" + sig.domain);
      }
    }
    Optional<String> q = tags.get("q");
    if (q.isPresent() && !DkimKey.split(q.get()).contains("dns/txt")) {
      return sig.fail(
          DkimResult.PERMERROR,
          DkimFinding.SYNTAX,
          "q=" + DkimTagList.clip(q.get()) + " does not offer dns/txt");
    }
    Optional<String> l = tags.get("l");
    if (l.isPresent()) {
      Optional<Long> n = number(l.get());
      if (n.isEmpty()) {
        return sig.fail(DkimResult.PERMERROR, DkimFinding.SYNTAX, "l= is not a number");
      }
      sig.bodyLength = n;
    }
    Optional<Long> t = Optional.empty();
    if (tags.get("t").isPresent()) {
      t = number(tags.get("t").get());
      if (t.isEmpty()) {
        return sig.fail(DkimResult.PERMERROR, DkimFinding.SYNTAX, "t= is not a number");
      }
    }
    if (tags.get("x").isPresent()) {
      sig.expires = number(tags.get("x").get());
      if (sig.expires.isEmpty()) {
        return sig.fail(DkimResult.PERMERROR, DkimFinding.SYNTAX, "x= is not a number");
      }
      if (t.isPresent() && sig.expires.get() < t.get()) {
        return sig.fail(DkimResult.PERMERROR, DkimFinding.SYNTAX, "x= is before t=");
      }
      if (sig.expires.get() < nowEpochSeconds) {
        return sig.fail(
            DkimResult.PERMERROR,
            DkimFinding.EXPIRED,
            "the signature expired at " + java.time.Instant.ofEpochSecond(sig.expires.get()));
      }
    }
    return sig;
  }

  private DkimSignature fail(DkimResult result, DkimFinding code, String reason) {
    problem = Optional.of(new Problem(result, code, reason));
    return this;
  }

  private static boolean isCanon(String c) {
    return c.equals("simple") || c.equals("relaxed");
  }

  /** Digits only (RFC 6376: at most 76 digits); larger values saturate at Long.MAX_VALUE. */
  private static Optional<Long> number(String text) {
    String s = DkimTagList.stripWs(text);
    if (s.isEmpty() || s.length() > 76) {
      return Optional.empty();
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return Optional.empty();
      }
    }
    BigInteger v = new BigInteger(s);
    return Optional.of(v.bitLength() < 63 ? v.longValue() : Long.MAX_VALUE);
  }

  /** Letters, digits, hyphens and underscores in dot-separated labels of 1 to 63. */
  static boolean validDomain(String d) {
    if (d.isEmpty() || d.length() > 253) {
      return false;
    }
    int label = 0;
    for (int i = 0; i < d.length(); i++) {
      char c = d.charAt(i);
      if (c == '.') {
        if (label == 0) {
          return false;
        }
        label = 0;
      } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
        if (++label > 63) {
          return false;
        }
      } else {
        return false;
      }
    }
    return label > 0;
  }

  /**
   * Returns the signature field with the {@code b=} value removed (RFC 6376 §3.7): everything
   * between {@code b=} and the next {@code ;} (or the end), other bytes unchanged, final CRLF
   * removed.
   *
   * @param raw the field, name to final CRLF
   * @return the field without its signature value and final CRLF
   */
  public static String withoutB(String raw) {
    String f = raw.endsWith("\r\n") ? raw.substring(0, raw.length() - 2) : raw;
    int colon = f.indexOf(':');
    int pos = colon + 1;
    while (pos <= f.length()) {
      int end = f.indexOf(';', pos);
      if (end < 0) {
        end = f.length();
      }
      int eq = f.indexOf('=', pos);
      if (eq >= 0 && eq < end) {
        int a = pos;
        while (a < eq && DkimTagList.isWs(f.charAt(a))) {
          a++;
        }
        int z = eq;
        while (z > a && DkimTagList.isWs(f.charAt(z - 1))) {
          z--;
        }
        if (z - a == 1 && f.charAt(a) == 'b') {
          return f.substring(0, eq + 1) + f.substring(end);
        }
      }
      pos = end + 1;
    }
    return f;
  }
}
