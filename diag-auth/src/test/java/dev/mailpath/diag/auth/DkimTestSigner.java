package dev.mailpath.diag.auth;

import dev.mailpath.diag.auth.internal.DkimCanon;
import dev.mailpath.diag.auth.internal.DkimEngine;
import dev.mailpath.diag.auth.internal.DkimHeaderBlock;
import dev.mailpath.diag.auth.internal.DkimSignature;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Base64;

/**
 * Signs test messages, for the verifier's policy tests (key sizes, t=, x=, l=, i=). It shares the
 * verifier's canonicalization, so it proves nothing about canonicalization itself: the RFC 8463
 * vector and the dkimpy/OpenDKIM comparison in {@code DkimPeersIT} do that.
 */
final class DkimTestSigner {
  private DkimTestSigner() {}

  static KeyPair rsa(int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(bits);
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyPair ed25519() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The p= value: SPKI for RSA, the raw 32 bytes for Ed25519. */
  static String publicKey(KeyPair kp) {
    byte[] spki = kp.getPublic().getEncoded();
    if (kp.getPublic().getAlgorithm().equals("RSA")) {
      return Base64.getEncoder().encodeToString(spki);
    }
    byte[] raw = new byte[32];
    System.arraycopy(spki, spki.length - 32, raw, 0, 32);
    return Base64.getEncoder().encodeToString(raw);
  }

  /** A zone TXT line for a key, split into 200-byte strings. */
  static String txt(String owner, String record) {
    StringBuilder sb = new StringBuilder(owner).append(" TXT (");
    for (int i = 0; i < record.length(); i += 200) {
      sb.append(" \"").append(record, i, Math.min(record.length(), i + 200)).append('"');
    }
    return sb.append(" )\n").toString();
  }

  /**
   * Signs a CRLF message.
   *
   * @param message header, empty line, body
   * @param algorithm a=
   * @param canon c=
   * @param domain d=
   * @param selector s=
   * @param extraTags more tags, e.g. "i=@x.example; x=123;" (may be empty)
   * @param headers h=
   * @param bodyLength l= or -1
   * @param kp the key
   * @return the message with the DKIM-Signature field on top
   */
  static String sign(
      String message,
      String algorithm,
      String canon,
      String domain,
      String selector,
      String extraTags,
      String headers,
      long bodyLength,
      KeyPair kp) {
    try {
      int sep = message.indexOf("\r\n\r\n");
      String body = message.substring(sep + 4);
      boolean bodyRelaxed = canon.endsWith("/relaxed");
      boolean sha1 = algorithm.endsWith("sha1");
      DkimCanon.Body b =
          new DkimCanon.Body(
              bodyRelaxed, MessageDigest.getInstance(sha1 ? "SHA-1" : "SHA-256"), bodyLength);
      byte[] bb = body.getBytes(StandardCharsets.ISO_8859_1);
      b.update(bb, 0, bb.length);
      String bh = Base64.getEncoder().encodeToString(b.finish());
      String field =
          "DKIM-Signature: v=1; a="
              + algorithm
              + "; c="
              + canon
              + "; d="
              + domain
              + "; s="
              + selector
              + ";\r\n "
              + extraTags
              + (bodyLength >= 0 ? " l=" + bodyLength + ";" : "")
              + " h="
              + headers
              + ";\r\n bh="
              + bh
              + ";\r\n b=";
      String unsigned = field + "AAAA\r\n" + message; // b= is emptied for signing anyway
      byte[] raw = unsigned.getBytes(StandardCharsets.ISO_8859_1);
      int end = DkimHeaderBlock.findEnd(raw, 0, raw.length);
      DkimHeaderBlock hb = DkimHeaderBlock.parse(raw, end, true);
      DkimSignature sig = DkimSignature.parse(hb.fields().get(0), 0);
      if (sig.problem.isPresent()) {
        throw new IllegalStateException(sig.problem.get().toString());
      }
      byte[] data = DkimEngine.signedData(hb, sig);
      Signature s;
      if (algorithm.startsWith("ed25519")) {
        s = Signature.getInstance("Ed25519");
        data = MessageDigest.getInstance("SHA-256").digest(data);
      } else {
        s = Signature.getInstance(sha1 ? "SHA1withRSA" : "SHA256withRSA");
      }
      s.initSign(kp.getPrivate());
      s.update(data);
      return field + Base64.getEncoder().encodeToString(s.sign()) + "\r\n" + message;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Signs a header block with a given body hash (for bodies too large to hold), returning the
   * DKIM-Signature field followed by the header block.
   */
  static String signWithBodyHash(
      String headerBlock,
      String bh,
      String algorithm,
      String canon,
      String domain,
      String selector,
      String headers,
      KeyPair kp) {
    try {
      String field =
          "DKIM-Signature: v=1; a="
              + algorithm
              + "; c="
              + canon
              + "; d="
              + domain
              + "; s="
              + selector
              + ";\r\n h="
              + headers
              + "; bh="
              + bh
              + ";\r\n b=";
      byte[] raw = (field + "AAAA\r\n" + headerBlock).getBytes(StandardCharsets.ISO_8859_1);
      int end = DkimHeaderBlock.findEnd(raw, 0, raw.length);
      DkimHeaderBlock hb = DkimHeaderBlock.parse(raw, end, true);
      DkimSignature sig = DkimSignature.parse(hb.fields().get(0), 0);
      byte[] data = DkimEngine.signedData(hb, sig);
      Signature s;
      if (algorithm.startsWith("ed25519")) {
        s = Signature.getInstance("Ed25519");
        data = MessageDigest.getInstance("SHA-256").digest(data);
      } else {
        s = Signature.getInstance("SHA256withRSA");
      }
      s.initSign(kp.getPrivate());
      s.update(data);
      return field + Base64.getEncoder().encodeToString(s.sign()) + "\r\n" + headerBlock;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
