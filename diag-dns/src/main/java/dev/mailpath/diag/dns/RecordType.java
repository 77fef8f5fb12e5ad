package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The DNS record types this library names, with their IANA type codes: what {@link DnsQuery} asks
 * for and what {@link DnsRecord#type()} reports.
 *
 * <pre>{@code
 * RecordType.MX.code();           // 15
 * RecordType.of("aaaa");          // AAAA
 * RecordType.fromCode(257);       // Optional[CAA]
 * }</pre>
 *
 * <p>Records of a type not listed here are reported as {@link #UNKNOWN}; their {@link
 * DnsRecord#data()} then starts with the type's mnemonic ({@code HIP ...}) or, for a type nobody
 * names, the generic form of RFC 3597 ({@code TYPE65280 \# 4 0a000001}), so nothing a server sent
 * is lost. Immutable and thread-safe, like every enum.
 */
public enum RecordType {
  /** IPv4 address (RFC 1035). */
  A(1),
  /** Authoritative name server (RFC 1035). */
  NS(2),
  /** Alias to a canonical name (RFC 1035). */
  CNAME(5),
  /** Start of authority: the zone's serial and timers (RFC 1035). */
  SOA(6),
  /** Domain name pointer, used for reverse DNS (RFC 1035). */
  PTR(12),
  /** Host information; also the minimal answer to ANY (RFC 8482). */
  HINFO(13),
  /** Mail exchange (RFC 1035, RFC 5321 §5.1). */
  MX(15),
  /** Text strings: SPF, DKIM, DMARC and verification tokens (RFC 1035). */
  TXT(16),
  /** Responsible person (RFC 1183). */
  RP(17),
  /** IPv6 address (RFC 3596). */
  AAAA(28),
  /** Location (RFC 1876). */
  LOC(29),
  /** Service location (RFC 2782). */
  SRV(33),
  /** Naming authority pointer (RFC 3403). */
  NAPTR(35),
  /** Certificate (RFC 4398). */
  CERT(37),
  /** Redirection of a subtree (RFC 6672). */
  DNAME(39),
  /** EDNS pseudo-record (RFC 6891); never asked for, shown only in a query report's EDNS part. */
  OPT(41),
  /** Delegation signer (RFC 4034). */
  DS(43),
  /** SSH key fingerprint (RFC 4255). */
  SSHFP(44),
  /** IPsec key (RFC 4025). */
  IPSECKEY(45),
  /** DNSSEC signature (RFC 4034). */
  RRSIG(46),
  /** Next secure record (RFC 4034). */
  NSEC(47),
  /** DNSSEC public key (RFC 4034). */
  DNSKEY(48),
  /** DHCP identifier (RFC 4701). */
  DHCID(49),
  /** Hashed next secure record (RFC 5155). */
  NSEC3(50),
  /** NSEC3 parameters (RFC 5155). */
  NSEC3PARAM(51),
  /** TLS certificate association, for DANE on SMTP (RFC 6698, RFC 7672). */
  TLSA(52),
  /** S/MIME certificate association (RFC 8162). */
  SMIMEA(53),
  /** Child DS (RFC 7344). */
  CDS(59),
  /** Child DNSKEY (RFC 7344). */
  CDNSKEY(60),
  /** OpenPGP key (RFC 7929). */
  OPENPGPKEY(61),
  /** Child-to-parent synchronisation (RFC 7477). */
  CSYNC(62),
  /** Zone message digest; the root zone carries one (RFC 8976). */
  ZONEMD(63),
  /** Service binding (RFC 9460). */
  SVCB(64),
  /** HTTPS service binding (RFC 9460). */
  HTTPS(65),
  /** Obsolete SPF type; SPF lives in TXT records (RFC 7208 §3.1). */
  SPF(99),
  /** Incremental zone transfer (RFC 1995); not supported by {@link DnsQuery}. */
  IXFR(251),
  /** Zone transfer (RFC 5936); not supported by {@link DnsQuery}. */
  AXFR(252),
  /** Any type; servers may answer minimally (RFC 8482). */
  ANY(255),
  /** Uniform resource identifier (RFC 7553). */
  URI(256),
  /** Certification authority authorization (RFC 8659). */
  CAA(257),
  /**
   * A record of a type this enum does not list; not a wire code ({@link #code()} is -1) and never
   * asked for.
   */
  UNKNOWN(-1);

  private static final Map<Integer, RecordType> BY_CODE = new HashMap<>();

  static {
    for (RecordType t : values()) {
      if (t.code >= 0) {
        BY_CODE.put(t.code, t);
      }
    }
  }

  private final int code;

  RecordType(int code) {
    this.code = code;
  }

  /**
   * Returns the IANA type code, for example 15 for {@link #MX}.
   *
   * @return the code, 0 to 65535, or -1 for {@link #UNKNOWN}
   */
  public int code() {
    return code;
  }

  /**
   * Finds the type with a given code.
   *
   * @param code a type code from the wire
   * @return the type, or empty when this enum does not list it
   */
  public static Optional<RecordType> fromCode(int code) {
    return Optional.ofNullable(BY_CODE.get(code));
  }

  /**
   * Parses a mnemonic such as {@code MX} or {@code aaaa} (case-insensitive), or the generic form
   * {@code TYPE15} of a listed type.
   *
   * @param mnemonic the type name
   * @return the type
   * @throws IllegalArgumentException when the name is not a listed type (the message lists the
   *     accepted form)
   */
  public static RecordType of(String mnemonic) {
    requireNonNull(mnemonic, "mnemonic");
    String upper = mnemonic.trim().toUpperCase(Locale.ROOT);
    if (upper.startsWith("TYPE")
        && upper.length() > 4
        && upper.substring(4).chars().allMatch(Character::isDigit)
        && upper.length() <= 9) {
      int code = Integer.parseInt(upper.substring(4));
      return fromCode(code)
          .orElseThrow(
              () -> new IllegalArgumentException("type must be a listed record type: " + mnemonic));
    }
    if (!upper.equals("UNKNOWN")) {
      for (RecordType t : values()) {
        if (t.name().equals(upper)) {
          return t;
        }
      }
    }
    throw new IllegalArgumentException(
        "type must be a record type mnemonic such as MX, A, AAAA, NS, SOA or TXT: \""
            + mnemonic
            + "\"");
  }

  /**
   * Tells whether a {@link DnsQuery} may ask for this type: every listed type except {@link #OPT},
   * the zone transfers {@link #AXFR} and {@link #IXFR}, and {@link #UNKNOWN}.
   *
   * @return {@code true} when the type can be a question
   */
  public boolean askable() {
    return this != OPT && this != AXFR && this != IXFR && this != UNKNOWN;
  }
}
