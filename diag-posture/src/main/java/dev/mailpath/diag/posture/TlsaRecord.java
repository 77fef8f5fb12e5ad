package dev.mailpath.diag.posture;

import static java.util.Objects.requireNonNull;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * One TLSA record (RFC 6698 §2): certificate usage, selector, matching type and the certificate
 * association data, as hex. Any values are representable (a record of unknown usage is reported,
 * never refused); {@link #problem()} says why a record is not usable for SMTP (RFC 7672 §3.1).
 *
 * @param usage 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE; others are unknown
 * @param selector 0 the full certificate, 1 its SubjectPublicKeyInfo
 * @param matchingType 0 exact, 1 SHA-256, 2 SHA-512
 * @param data the association data in lower-case hex (empty when the record had none)
 */
public record TlsaRecord(int usage, int selector, int matchingType, String data) {

  /**
   * Checks the ranges (each field is one octet) and normalises the hex.
   *
   * @param usage the usage
   * @param selector the selector
   * @param matchingType the matching type
   * @param data the data as hex
   * @throws IllegalArgumentException when a field is outside 0..255 or the data is not hex
   */
  public TlsaRecord {
    checkOctet(usage, "usage");
    checkOctet(selector, "selector");
    checkOctet(matchingType, "matchingType");
    requireNonNull(data, "data");
    data = data.toLowerCase(Locale.ROOT);
    if (!data.matches("[0-9a-f]*") || data.length() % 2 != 0) {
      throw new IllegalArgumentException("data must be an even number of hex digits: " + data);
    }
  }

  private static void checkOctet(int v, String name) {
    if (v < 0 || v > 255) {
      throw new IllegalArgumentException(name + " must be 0..255: " + v);
    }
  }

  /**
   * Reads a record's presentation form ({@code 3 1 1 0123abcd...}; the hex may be split by spaces).
   *
   * @param presentation the record data
   * @return the record, or empty when the text is not a TLSA record
   */
  public static Optional<TlsaRecord> parse(String presentation) {
    requireNonNull(presentation, "presentation");
    if (presentation.length() > 70_000) {
      return Optional.empty();
    }
    String[] parts = presentation.trim().split("\\s+", 4);
    if (parts.length < 3) {
      return Optional.empty();
    }
    try {
      int u = Integer.parseInt(parts[0]);
      int s = Integer.parseInt(parts[1]);
      int m = Integer.parseInt(parts[2]);
      String hex = parts.length == 4 ? parts[3].replaceAll("\\s+", "") : "";
      return Optional.of(new TlsaRecord(u, s, m, hex));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Returns the association data as bytes.
   *
   * @return a fresh array
   */
  public byte[] dataBytes() {
    return HexFormat.of().parseHex(data);
  }

  /**
   * Tells why SMTP clients cannot use this record, if they cannot.
   *
   * @return empty for a usable record (usage 2 or 3, selector 0 or 1, matching type 0, 1 or 2 with
   *     data of the right length)
   */
  public Optional<String> problem() {
    if (usage == 0 || usage == 1) {
      return Optional.of(
          "usage " + usage + " (PKIX) is not used by SMTP clients (RFC 7672 §3.1.3)");
    }
    if (usage != 2 && usage != 3) {
      return Optional.of("unknown certificate usage " + usage);
    }
    if (selector != 0 && selector != 1) {
      return Optional.of("unknown selector " + selector);
    }
    int len = data.length() / 2;
    return switch (matchingType) {
      case 0 -> len == 0 ? Optional.of("empty association data") : Optional.empty();
      case 1 ->
          len == 32 ? Optional.empty() : Optional.of("SHA-256 data must be 32 bytes, not " + len);
      case 2 ->
          len == 64 ? Optional.empty() : Optional.of("SHA-512 data must be 64 bytes, not " + len);
      default -> Optional.of("unknown matching type " + matchingType);
    };
  }

  /**
   * Tells whether SMTP clients can use this record.
   *
   * @return {@code true} when {@link #problem()} is empty
   */
  public boolean usable() {
    return problem().isEmpty();
  }

  /** Returns the presentation form, {@code 3 1 1 0123...}. */
  @Override
  public String toString() {
    return usage + " " + selector + " " + matchingType + " " + (data.isEmpty() ? "-" : data);
  }
}
