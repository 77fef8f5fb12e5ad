package dev.mailpath.diag.testkit;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Signs test messages with DKIM (RFC 6376; rsa-sha256, and ed25519-sha256 of RFC 8463), so that a
 * test of a mail platform or of a verifier has signed mail without an external signer, and
 * publishes the matching key record for a {@link LocalDnsZoneServer} zone.
 *
 * <pre>{@code
 * DkimTestSigner signer = DkimTestSigner.rsa("example.org", "s1");      // a fresh 2048-bit key
 * String zoneLine = signer.zoneRecord();        // s1._domainkey IN TXT "v=DKIM1; k=rsa; p=..." ...
 * byte[] signed = signer.sign(message);         // DKIM-Signature: v=1; a=rsa-sha256; ... + message
 * }</pre>
 *
 * <p>It is an independent implementation written for tests (relaxed or simple canonicalization, the
 * header fields named, no {@code l=}); its output is checked against dkimpy's verifier. Not meant
 * for production signing: the private key is kept in memory as given.
 *
 * <p>Immutable and thread-safe.
 */
public final class DkimTestSigner {
  private static final List<String> DEFAULT_HEADERS =
      List.of("from", "to", "subject", "date", "message-id");

  private final String domain;
  private final String selector;
  private final KeyPair keys;
  private final boolean ed25519;
  private final boolean relaxedHeader;
  private final boolean relaxedBody;
  private final List<String> headers;
  private final Instant timestamp;

  private DkimTestSigner(
      String domain,
      String selector,
      KeyPair keys,
      boolean ed25519,
      boolean relaxedHeader,
      boolean relaxedBody,
      List<String> headers,
      Instant timestamp) {
    this.domain = domain;
    this.selector = selector;
    this.keys = keys;
    this.ed25519 = ed25519;
    this.relaxedHeader = relaxedHeader;
    this.relaxedBody = relaxedBody;
    this.headers = List.copyOf(headers);
    this.timestamp = timestamp;
  }

  /**
   * A signer with a fresh RSA-2048 key, rsa-sha256, relaxed/relaxed, signing From, To, Subject,
   * Date and Message-ID.
   *
   * @param domain the signing domain ({@code d=})
   * @param selector the selector ({@code s=})
   * @return the signer
   */
  public static DkimTestSigner rsa(String domain, String selector) {
    return new DkimTestSigner(
        domain, selector, generate("RSA", 2048), false, true, true, DEFAULT_HEADERS, null);
  }

  /**
   * A signer with a fresh Ed25519 key, ed25519-sha256 (RFC 8463), relaxed/relaxed.
   *
   * @param domain the signing domain
   * @param selector the selector
   * @return the signer
   */
  public static DkimTestSigner ed25519(String domain, String selector) {
    return new DkimTestSigner(
        domain, selector, generate("Ed25519", 0), true, true, true, DEFAULT_HEADERS, null);
  }

  /**
   * Returns a signer like this one with another canonicalization.
   *
   * @param canonicalization {@code relaxed/relaxed}, {@code simple/simple}, {@code relaxed/simple}
   *     or {@code simple/relaxed}
   * @return the new signer (same key)
   * @throws IllegalArgumentException for any other value
   */
  public DkimTestSigner canonicalization(String canonicalization) {
    String[] parts = canonicalization.toLowerCase(Locale.ROOT).split("/", -1);
    if (parts.length != 2 || !isCanon(parts[0]) || !isCanon(parts[1])) {
      throw new IllegalArgumentException(
          "canonicalization must be header/body with simple or relaxed: " + canonicalization);
    }
    return new DkimTestSigner(
        domain,
        selector,
        keys,
        ed25519,
        parts[0].equals("relaxed"),
        parts[1].equals("relaxed"),
        headers,
        timestamp);
  }

  /**
   * Returns a signer like this one that signs these header fields (in this order; a name given
   * twice signs two instances, bottom-up, and an absent one is over-signed as RFC 6376 §5.4.2
   * allows).
   *
   * @param names the field names; must include {@code from}
   * @return the new signer
   * @throws IllegalArgumentException when {@code from} is missing
   */
  public DkimTestSigner headers(String... names) {
    List<String> list = new ArrayList<>();
    for (String n : names) {
      list.add(requireNonNull(n, "name").toLowerCase(Locale.ROOT));
    }
    if (!list.contains("from")) {
      throw new IllegalArgumentException("a DKIM signature must sign From (RFC 6376 §5.4)");
    }
    return new DkimTestSigner(
        domain, selector, keys, ed25519, relaxedHeader, relaxedBody, list, timestamp);
  }

  /**
   * Returns a signer like this one that writes {@code t=} with this time.
   *
   * @param signedAt the signature timestamp
   * @return the new signer
   */
  public DkimTestSigner timestamp(Instant signedAt) {
    return new DkimTestSigner(
        domain,
        selector,
        keys,
        ed25519,
        relaxedHeader,
        relaxedBody,
        headers,
        requireNonNull(signedAt, "signedAt"));
  }

  /**
   * Returns the key record's text: {@code v=DKIM1; k=rsa; p=<base64>}.
   *
   * @return the TXT record's content
   */
  public String keyRecord() {
    return "v=DKIM1; k=" + (ed25519 ? "ed25519" : "rsa") + "; p=" + publicKeyBase64();
  }

  /**
   * Returns a master-file line publishing the key at {@code selector._domainkey}, relative to the
   * signing domain's zone, with the text split into strings of at most 200 characters.
   *
   * @return for example {@code s1._domainkey IN TXT "v=DKIM1; k=rsa; p=MIIB..." "...AB"}
   */
  public String zoneRecord() {
    String text = keyRecord();
    StringBuilder sb = new StringBuilder(selector).append("._domainkey IN TXT");
    for (int i = 0; i < text.length(); i += 200) {
      sb.append(" \"").append(text, i, Math.min(text.length(), i + 200)).append('"');
    }
    return sb.toString();
  }

  /**
   * Returns the public key.
   *
   * @return the key
   */
  public PublicKey publicKey() {
    return keys.getPublic();
  }

  /**
   * Signs a message: returns it with a {@code DKIM-Signature} field on top. Line ends in the result
   * are those of the input; the signature is computed over the CRLF form.
   *
   * @param message the message (CRLF or LF line ends)
   * @return the signed message
   * @throws IllegalArgumentException when the message has no header/body separator
   */
  public byte[] sign(byte[] message) {
    byte[] crlf = toCrlf(message);
    int split = indexOf(crlf, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    if (split < 0) {
      throw new IllegalArgumentException("the message has no empty line after its header");
    }
    byte[] header = Arrays.copyOfRange(crlf, 0, split + 2);
    byte[] body = Arrays.copyOfRange(crlf, split + 4, crlf.length);
    List<String[]> fields = fields(new String(header, StandardCharsets.ISO_8859_1));

    String bh = Base64.getEncoder().encodeToString(sha256(canonicalBody(body)));
    StringBuilder tags = new StringBuilder();
    tags.append("v=1; a=").append(ed25519 ? "ed25519-sha256" : "rsa-sha256");
    tags.append("; c=").append(relaxedHeader ? "relaxed" : "simple").append('/');
    tags.append(relaxedBody ? "relaxed" : "simple");
    tags.append("; d=").append(domain).append("; s=").append(selector);
    if (timestamp != null) {
      tags.append("; t=").append(timestamp.getEpochSecond());
    }
    tags.append(";\r\n\th=").append(String.join(":", headers));
    tags.append("; bh=").append(bh).append(";\r\n\tb=");
    String unsignedField = "DKIM-Signature: " + tags;

    ByteArrayOutputStream hashed = new ByteArrayOutputStream();
    Map<String, Integer> used = new HashMap<>();
    for (String name : headers) {
      int seen = used.merge(name, 1, Integer::sum);
      String[] f = nthFromBottom(fields, name, seen);
      if (f != null) {
        hashed.writeBytes(canonicalHeader(f[0], f[1]).getBytes(StandardCharsets.ISO_8859_1));
        hashed.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
    }
    String sigField = canonicalHeader("DKIM-Signature", unsignedField.substring(15));
    hashed.writeBytes(sigField.getBytes(StandardCharsets.ISO_8859_1));

    byte[] b = signBytes(hashed.toByteArray());
    String b64 = Base64.getEncoder().encodeToString(b);
    StringBuilder folded = new StringBuilder();
    for (int i = 0; i < b64.length(); i += 64) {
      folded.append(i == 0 ? "" : "\r\n\t ").append(b64, i, Math.min(b64.length(), i + 64));
    }
    String field = unsignedField + folded + "\r\n";
    boolean lf = !new String(message, StandardCharsets.ISO_8859_1).contains("\r\n");
    byte[] top = (lf ? field.replace("\r\n", "\n") : field).getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[top.length + message.length];
    System.arraycopy(top, 0, out, 0, top.length);
    System.arraycopy(message, 0, out, top.length, message.length);
    return out;
  }

  /** Returns {@code DkimTestSigner[d=example.org s=s1 rsa-sha256 relaxed/relaxed]}. */
  @Override
  public String toString() {
    return "DkimTestSigner[d="
        + domain
        + " s="
        + selector
        + " "
        + (ed25519 ? "ed25519-sha256" : "rsa-sha256")
        + " "
        + (relaxedHeader ? "relaxed" : "simple")
        + "/"
        + (relaxedBody ? "relaxed" : "simple")
        + "]";
  }

  // ------------------------------------------------------------------ the algorithm

  private String publicKeyBase64() {
    byte[] encoded = keys.getPublic().getEncoded();
    if (ed25519) {
      // RFC 8463 §4.2: p= is the raw 32-byte key, the tail of the X.509 SubjectPublicKeyInfo.
      encoded = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
    }
    return Base64.getEncoder().encodeToString(encoded);
  }

  private byte[] signBytes(byte[] data) {
    try {
      PrivateKey key = keys.getPrivate();
      Signature s;
      if (ed25519) {
        // RFC 8463 §3: Ed25519 signs the SHA-256 hash of the canonical header data.
        s = Signature.getInstance("Ed25519");
        s.initSign(key);
        s.update(sha256(data));
      } else {
        s = Signature.getInstance("SHA256withRSA");
        s.initSign(key);
        s.update(data);
      }
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing failed", e);
    }
  }

  private byte[] canonicalBody(byte[] body) {
    String text = new String(body, StandardCharsets.ISO_8859_1);
    List<String> lines = new ArrayList<>(Arrays.asList(text.split("\r\n", -1)));
    if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1); // the text after the last CRLF
    }
    if (relaxedBody) {
      lines.replaceAll(l -> stripTrailing(l.replaceAll("[ \t]+", " ")));
    }
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1); // RFC 6376 §3.4.3/§3.4.4: no empty lines at the end
    }
    if (lines.isEmpty()) {
      // simple: an empty body is one CRLF; relaxed: an empty body stays empty (§3.4.3, §3.4.4)
      return relaxedBody ? new byte[0] : "\r\n".getBytes(StandardCharsets.US_ASCII);
    }
    return (String.join("\r\n", lines) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
  }

  private String canonicalHeader(String name, String value) {
    if (!relaxedHeader) {
      return name + ":" + value;
    }
    String v = value.replace("\r\n", "").replaceAll("[ \t]+", " ").strip();
    return name.toLowerCase(Locale.ROOT).strip() + ":" + v;
  }

  private static String stripTrailing(String s) {
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
      end--;
    }
    return s.substring(0, end);
  }

  /** The header fields as {name, raw value after the colon (with folding CRLFs)}, top first. */
  private static List<String[]> fields(String header) {
    List<String[]> out = new ArrayList<>();
    StringBuilder current = null;
    for (String line : header.split("\r\n")) {
      if (line.isEmpty()) {
        continue;
      }
      if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
        current.append("\r\n").append(line);
      } else {
        if (current != null) {
          out.add(split(current.toString()));
        }
        current = new StringBuilder(line);
      }
    }
    if (current != null) {
      out.add(split(current.toString()));
    }
    return out;
  }

  private static String[] split(String field) {
    int colon = field.indexOf(':');
    return colon < 0
        ? new String[] {field, ""}
        : new String[] {field.substring(0, colon), field.substring(colon + 1)};
  }

  /** The {@code n}th field of that name counted from the bottom, or null. */
  private static String[] nthFromBottom(List<String[]> fields, String name, int n) {
    int seen = 0;
    for (int i = fields.size() - 1; i >= 0; i--) {
      if (fields.get(i)[0].strip().equalsIgnoreCase(name) && ++seen == n) {
        return fields.get(i);
      }
    }
    return null;
  }

  private static byte[] toCrlf(byte[] message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 64);
    for (int i = 0; i < message.length; i++) {
      byte c = message[i];
      if (c == '\n' && (i == 0 || message[i - 1] != '\r')) {
        out.write('\r');
      }
      out.write(c);
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] data, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= data.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (data[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean isCanon(String s) {
    return s.equals("simple") || s.equals("relaxed");
  }

  private static KeyPair generate(String algorithm, int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      if (bits > 0) {
        g.initialize(bits);
      }
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a " + algorithm + " key", e);
    }
  }
}
