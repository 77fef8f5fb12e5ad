package dev.mailpath.diag.auth.internal;

import dev.mailpath.diag.auth.DkimFinding;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A parsed DKIM key record (RFC 6376 §3.6.1, RFC 8463 §4). Either {@link #problem()} is empty and
 * {@link #key()} holds the public key, or the problem says why the record cannot be used.
 *
 * @param text the record text
 * @param keyType the {@code k=} value, lower case ({@code rsa} when absent)
 * @param hashes the {@code h=} list, lower case; empty when any hash is allowed
 * @param services the {@code s=} list, lower case ({@code *} when absent)
 * @param testing whether {@code t=} has the {@code y} flag
 * @param strict whether {@code t=} has the {@code s} flag
 * @param key the public key, when it parsed
 * @param bits the RSA modulus size, 256 for Ed25519, 0 when unknown
 * @param problem the finding code and reason that make the record unusable
 */
public record DkimKey(
    String text,
    String keyType,
    List<String> hashes,
    List<String> services,
    boolean testing,
    boolean strict,
    Optional<PublicKey> key,
    int bits,
    Optional<Problem> problem) {

  /** The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), before the 32 key bytes. */
  private static final byte[] ED25519_SPKI_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  /** Copies the lists. */
  public DkimKey {
    hashes = List.copyOf(hashes);
    services = List.copyOf(services);
  }

  /**
   * Why a record cannot be used.
   *
   * @param code the finding code
   * @param reason a sentence
   */
  public record Problem(DkimFinding code, String reason) {}

  /**
   * Parses a key record.
   *
   * @param text the TXT record's text, strings joined
   * @return the parsed key
   */
  public static DkimKey parse(String text) {
    DkimTagList tags = DkimTagList.parse(text);
    String k = tags.get("k").orElse("rsa").toLowerCase(Locale.ROOT);
    List<String> h = split(tags.get("h").orElse(""));
    List<String> s = tags.get("s").map(DkimKey::split).orElse(List.of("*"));
    List<String> t = split(tags.get("t").orElse(""));
    boolean testing = t.contains("y");
    boolean strict = t.contains("s");
    if (tags.error().isPresent()) {
      return fail(text, k, h, s, testing, strict, DkimFinding.KEY_SYNTAX, tags.error().get());
    }
    Optional<String> v = tags.get("v");
    if (v.isPresent()) {
      if (!tags.tags().keySet().iterator().next().equals("v")) {
        return fail(
            text, k, h, s, testing, strict, DkimFinding.KEY_SYNTAX, "v= is not the first tag");
      }
      if (!v.get().equals("DKIM1")) {
        return fail(
            text,
            k,
            h,
            s,
            testing,
            strict,
            DkimFinding.KEY_SYNTAX,
            "v=" + DkimTagList.clip(v.get()) + " is not DKIM1");
      }
    }
    Optional<String> p = tags.get("p");
    if (p.isEmpty()) {
      return fail(text, k, h, s, testing, strict, DkimFinding.KEY_SYNTAX, "the p= tag is missing");
    }
    String b64 = DkimTagList.stripWs(p.get());
    if (b64.isEmpty()) {
      return fail(
          text, k, h, s, testing, strict, DkimFinding.KEY_REVOKED, "the key is revoked (empty p=)");
    }
    if (!s.contains("*") && !s.contains("email")) {
      return fail(
          text,
          k,
          h,
          s,
          testing,
          strict,
          DkimFinding.KEY_SERVICE,
          "the key's service types s=" + String.join(":", s) + " exclude email");
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      return fail(text, k, h, s, testing, strict, DkimFinding.KEY_SYNTAX, "p= is not valid base64");
    }
    try {
      if (k.equals("rsa")) {
        PublicKey key = rsa(der);
        int bits = ((RSAPublicKey) key).getModulus().bitLength();
        return new DkimKey(
            text, k, h, s, testing, strict, Optional.of(key), bits, Optional.empty());
      }
      if (k.equals("ed25519")) {
        if (der.length != 32) {
          return fail(
              text,
              k,
              h,
              s,
              testing,
              strict,
              DkimFinding.KEY_SYNTAX,
              "an Ed25519 p= must be 32 bytes, not " + der.length);
        }
        byte[] spki = new byte[ED25519_SPKI_PREFIX.length + 32];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(der, 0, spki, ED25519_SPKI_PREFIX.length, 32);
        PublicKey key =
            KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        return new DkimKey(text, k, h, s, testing, strict, Optional.of(key), 256, Optional.empty());
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      return fail(
          text,
          k,
          h,
          s,
          testing,
          strict,
          DkimFinding.KEY_SYNTAX,
          "p= is not a valid " + k + " public key");
    }
    return fail(
        text,
        k,
        h,
        s,
        testing,
        strict,
        DkimFinding.KEY_SYNTAX,
        "unknown key type k=" + DkimTagList.clip(k));
  }

  /**
   * Reads an RSA public key as SubjectPublicKeyInfo (what RFC 6376 specifies) or, failing that, as
   * a bare PKCS#1 RSAPublicKey (which some signers publish).
   */
  private static PublicKey rsa(byte[] der) throws GeneralSecurityException {
    KeyFactory kf = KeyFactory.getInstance("RSA");
    try {
      return kf.generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      // SEQUENCE { SEQUENCE { rsaEncryption OID, NULL }, BIT STRING { 0, pkcs1 } }
      byte[] algId = {
        0x30,
        0x0d,
        0x06,
        0x09,
        0x2a,
        (byte) 0x86,
        0x48,
        (byte) 0x86,
        (byte) 0xf7,
        0x0d,
        0x01,
        0x01,
        0x01,
        0x05,
        0x00
      };
      byte[] bitString = tlv(0x03, concat(new byte[] {0}, der));
      return kf.generatePublic(new X509EncodedKeySpec(tlv(0x30, concat(algId, bitString))));
    }
  }

  private static byte[] tlv(int tag, byte[] content) {
    int n = content.length;
    byte[] len;
    if (n < 0x80) {
      len = new byte[] {(byte) n};
    } else if (n < 0x100) {
      len = new byte[] {(byte) 0x81, (byte) n};
    } else if (n < 0x10000) {
      len = new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    } else {
      len = new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }
    return concat(new byte[] {(byte) tag}, concat(len, content));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static DkimKey fail(
      String text,
      String k,
      List<String> h,
      List<String> s,
      boolean testing,
      boolean strict,
      DkimFinding code,
      String reason) {
    return new DkimKey(
        text,
        k,
        h,
        s,
        testing,
        strict,
        Optional.empty(),
        0,
        Optional.of(new Problem(code, reason)));
  }

  /**
   * Splits a colon-separated list, trimming whitespace and lower-casing.
   *
   * @param value the value
   * @return the items, empty ones left out
   */
  static List<String> split(String value) {
    List<String> out = new ArrayList<>();
    for (String part : value.split(":", -1)) {
      String item = DkimTagList.stripWs(part).toLowerCase(Locale.ROOT);
      if (!item.isEmpty()) {
        out.add(item);
      }
    }
    return out;
  }
}
