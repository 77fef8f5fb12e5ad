package dev.mailpath.diag.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Master;
import org.xbill.DNS.NSEC3PARAMRecord;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.utils.base32;

/**
 * Signs zone text for DNSSEC tests with a key the test makes (one ECDSA P-256 combined signing key
 * per zone, algorithm 13): DNSKEY, an NSEC chain and an RRSIG for every authoritative RRset, like
 * {@code ldns-signzone} does, so that a lab of root, TLD and child zones can be served by NSD (or
 * read by a test) and validated from the lab root's key.
 *
 * <pre>{@code
 * DnssecTestSigner root = DnssecTestSigner.create(".");
 * DnssecTestSigner test = DnssecTestSigner.create("test.");
 * String rootZone = root.sign(rootText + test.ds() + "\n");   // the child's DS goes into the parent
 * String anchor = root.ds();                                    // ". 3600 IN DS 1234 13 2 ..."
 * }</pre>
 *
 * <p>Signatures are valid from one day ago to 30 days ahead unless {@link #sign(String, Instant,
 * Instant)} says otherwise (an expired signature is a test case). Names below a delegation (glue)
 * are neither signed nor in the NSEC chain; at a delegation only DS and NSEC are signed. {@link
 * #signNsec3(String, String, int, boolean)} makes an NSEC3 chain instead (salt, iterations and
 * opt-out chosen by the test). Not for production: no key rollover, no incremental signing.
 * Thread-safe.
 */
public final class DnssecTestSigner {
  private final Name origin;
  private final KeyPair keys;
  private final DNSKEYRecord dnskey;

  private DnssecTestSigner(Name origin, KeyPair keys, DNSKEYRecord dnskey) {
    this.origin = origin;
    this.keys = keys;
    this.dnskey = dnskey;
  }

  /**
   * Makes a new key for a zone.
   *
   * @param zone the zone's origin, such as {@code example.test.} or {@code .}
   * @return a signer holding the new key
   */
  public static DnssecTestSigner create(String zone) {
    Name origin = name(zone);
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair kp = g.generateKeyPair();
      DNSKEYRecord key =
          new DNSKEYRecord(
              origin,
              DClass.IN,
              3600,
              0x0101,
              DNSKEYRecord.Protocol.DNSSEC,
              DNSSEC.Algorithm.ECDSAP256SHA256,
              kp.getPublic());
      return new DnssecTestSigner(origin, kp, key);
    } catch (GeneralSecurityException | DNSSEC.DNSSECException e) {
      throw new IllegalStateException("cannot make an ECDSA P-256 key", e);
    }
  }

  /**
   * Returns the zone's DNSKEY record.
   *
   * @return zone-file text, one line
   */
  public String dnskey() {
    return dnskey.toString();
  }

  /**
   * Returns the key tag.
   *
   * @return the tag
   */
  public int keyTag() {
    return dnskey.getFootprint();
  }

  /**
   * Returns the DS record (SHA-256) of the key: put it into the parent zone, or use it as a trust
   * anchor.
   *
   * @return zone-file text, one line
   */
  public String ds() {
    return new DSRecord(origin, DClass.IN, 3600, DSRecord.SHA256_DIGEST_ID, dnskey).toString();
  }

  /**
   * Signs zone text with signatures valid from a day ago to 30 days ahead.
   *
   * @param zoneText the zone in master-file form (with SOA and NS; relative names are relative to
   *     the origin)
   * @return the signed zone as master-file text, one record a line, absolute names
   */
  public String sign(String zoneText) {
    Instant now = Instant.now();
    return sign(zoneText, now.minusSeconds(86_400), now.plusSeconds(30L * 86_400));
  }

  /**
   * Signs zone text with a given validity period.
   *
   * @param zoneText the zone in master-file form
   * @param inception when the signatures start to be valid
   * @param expiration when they expire
   * @return the signed zone as master-file text
   */
  public String sign(String zoneText, Instant inception, Instant expiration) {
    return sign(zoneText, inception, expiration, null, false);
  }

  /**
   * Signs zone text with an NSEC3 chain (RFC 5155, hash algorithm 1, SHA-1) instead of NSEC, with
   * signatures valid from a day ago to 30 days ahead: every authoritative name and every empty
   * non-terminal gets an NSEC3 record, and the apex gets an NSEC3PARAM record.
   *
   * @param zoneText the zone in master-file form (with SOA and NS)
   * @param saltHex the salt in hex, or {@code "-"} or the empty string for none (RFC 9276 advises
   *     none)
   * @param iterations the additional hash iterations, 0 to 65535 (RFC 9276 advises 0; validators
   *     treat large counts as insecure, which is a test case)
   * @param optOut whether to set the opt-out flag on every NSEC3 record and leave delegations
   *     without DS out of the chain (RFC 5155 section 6)
   * @return the signed zone as master-file text, one record a line, absolute names
   * @throws IllegalArgumentException if the salt is not hex of at most 255 bytes or iterations is
   *     out of range
   */
  public String signNsec3(String zoneText, String saltHex, int iterations, boolean optOut) {
    Instant now = Instant.now();
    return signNsec3(
        zoneText,
        saltHex,
        iterations,
        optOut,
        now.minusSeconds(86_400),
        now.plusSeconds(30L * 86_400));
  }

  /**
   * Signs zone text with an NSEC3 chain and a given validity period; see {@link #signNsec3(String,
   * String, int, boolean)}.
   *
   * @param zoneText the zone in master-file form
   * @param saltHex the salt in hex, or {@code "-"} or the empty string for none
   * @param iterations the additional hash iterations, 0 to 65535
   * @param optOut whether to set the opt-out flag and leave delegations without DS out of the chain
   * @param inception when the signatures start to be valid
   * @param expiration when they expire
   * @return the signed zone as master-file text
   * @throws IllegalArgumentException if the salt is not hex of at most 255 bytes or iterations is
   *     out of range
   */
  public String signNsec3(
      String zoneText,
      String saltHex,
      int iterations,
      boolean optOut,
      Instant inception,
      Instant expiration) {
    requireNonNull(saltHex, "saltHex");
    if (iterations < 0 || iterations > 65_535) {
      throw new IllegalArgumentException("iterations must be 0 to 65535: " + iterations);
    }
    byte[] salt;
    if (saltHex.isEmpty() || saltHex.equals("-")) {
      salt = new byte[0];
    } else {
      try {
        salt = HexFormat.of().parseHex(saltHex);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("saltHex is not hex: " + saltHex, e);
      }
      if (salt.length > 255) {
        throw new IllegalArgumentException("saltHex is longer than 255 bytes");
      }
    }
    return sign(
        zoneText,
        inception,
        expiration,
        new NSEC3PARAMRecord(origin, DClass.IN, 0, NSEC3Record.SHA1_DIGEST_ID, 0, iterations, salt),
        optOut);
  }

  private String sign(
      String zoneText,
      Instant inception,
      Instant expiration,
      NSEC3PARAMRecord nsec3,
      boolean optOut) {
    requireNonNull(zoneText, "zoneText");
    requireNonNull(inception, "inception");
    requireNonNull(expiration, "expiration");
    Map<Name, Map<Integer, RRset>> byName = new TreeMap<>();
    List<Record> parsed = new ArrayList<>();
    try (Master m = new Master(new ByteArrayInputStream(zoneText.getBytes(UTF_8)), origin, 3600)) {
      Record r;
      while ((r = m.nextRecord()) != null) {
        parsed.add(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    parsed.add(dnskey);
    long minimum = 300;
    if (nsec3 != null) {
      parsed.add(
          new NSEC3PARAMRecord(
              origin,
              DClass.IN,
              minimum,
              nsec3.getHashAlgorithm(),
              0,
              nsec3.getIterations(),
              nsec3.getSalt()));
    }
    for (Record r : parsed) {
      if (!r.getName().subdomain(origin)) {
        throw new IllegalArgumentException("zoneText has a record outside " + origin + ": " + r);
      }
      byName
          .computeIfAbsent(r.getName(), k -> new LinkedHashMap<>())
          .computeIfAbsent(r.getType(), k -> new RRset())
          .addRR(r);
    }
    TreeSet<Name> cuts = new TreeSet<>();
    for (Map.Entry<Name, Map<Integer, RRset>> e : byName.entrySet()) {
      if (!e.getKey().equals(origin) && e.getValue().containsKey(Type.NS)) {
        cuts.add(e.getKey());
      }
    }
    List<Name> owners = new ArrayList<>();
    for (Name n : byName.keySet()) {
      if (!belowCut(n, cuts)) {
        owners.add(n);
      }
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < owners.size(); i++) {
      Name n = owners.get(i);
      Map<Integer, RRset> sets = byName.get(n);
      boolean cut = cuts.contains(n);
      for (RRset set : sets.values()) {
        for (Record r : set.rrs()) {
          out.append(r).append('\n');
        }
        if (!cut || set.getType() == Type.DS) {
          out.append(sig(set, inception, expiration)).append('\n');
        }
      }
      if (nsec3 == null) {
        TreeSet<Integer> types = new TreeSet<>(sets.keySet());
        types.add(Type.NSEC);
        types.add(Type.RRSIG);
        Name next = owners.get((i + 1) % owners.size());
        NSECRecord nsec =
            new NSECRecord(n, DClass.IN, minimum, next, types.stream().mapToInt(x -> x).toArray());
        out.append(nsec).append('\n');
        out.append(sig(new RRset(nsec), inception, expiration)).append('\n');
      }
    }
    if (nsec3 != null) {
      for (Record r : nsec3Chain(byName, owners, cuts, nsec3, optOut, minimum)) {
        out.append(r).append('\n');
        out.append(sig(new RRset(r), inception, expiration)).append('\n');
      }
    }
    for (Map.Entry<Name, Map<Integer, RRset>> e : byName.entrySet()) {
      if (belowCut(e.getKey(), cuts)) {
        for (RRset set : e.getValue().values()) {
          for (Record r : set.rrs()) {
            out.append(r).append('\n');
          }
        }
      }
    }
    return out.toString();
  }

  /** The NSEC3 records of a zone, in hash order (RFC 5155 section 7.1). */
  private List<NSEC3Record> nsec3Chain(
      Map<Name, Map<Integer, RRset>> byName,
      List<Name> owners,
      TreeSet<Name> cuts,
      NSEC3PARAMRecord params,
      boolean optOut,
      long ttl) {
    // Every authoritative name and every empty non-terminal between it and the apex; with opt-out,
    // delegations without DS stay out.
    TreeMap<String, Name> byHash = new TreeMap<>();
    Map<String, byte[]> hashes = new LinkedHashMap<>();
    for (Name n : owners) {
      boolean insecureCut = cuts.contains(n) && !byName.get(n).containsKey(Type.DS);
      if (optOut && insecureCut) {
        continue;
      }
      for (Name a = n; a.subdomain(origin); a = new Name(a, 1)) {
        String h = hashHex(params, a, hashes);
        if (byHash.putIfAbsent(h, a) != null || a.equals(origin)) {
          break;
        }
      }
    }
    List<String> order = new ArrayList<>(byHash.keySet());
    List<NSEC3Record> out = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      Name n = byHash.get(order.get(i));
      Map<Integer, RRset> sets = byName.getOrDefault(n, Map.of());
      TreeSet<Integer> types = new TreeSet<>(sets.keySet());
      boolean cut = cuts.contains(n);
      if (!types.isEmpty() && (!cut || types.contains(Type.DS))) {
        types.add(Type.RRSIG);
      }
      String ownerLabel = base32hex(hashes.get(order.get(i)));
      Name owner;
      try {
        owner = Name.concatenate(Name.fromString(ownerLabel, null), origin);
      } catch (TextParseException | NameTooLongException e) {
        throw new IllegalStateException("cannot name the NSEC3 record of " + n, e);
      }
      byte[] next = hashes.get(order.get((i + 1) % order.size()));
      out.add(
          new NSEC3Record(
              owner,
              DClass.IN,
              ttl,
              params.getHashAlgorithm(),
              optOut ? NSEC3Record.Flags.OPT_OUT : 0,
              params.getIterations(),
              params.getSalt(),
              next,
              types.stream().mapToInt(x -> x).toArray()));
    }
    return out;
  }

  private static String hashHex(NSEC3PARAMRecord params, Name name, Map<String, byte[]> hashes) {
    byte[] h;
    try {
      h = params.hashName(name);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-1 in this JVM", e);
    }
    String hex = HexFormat.of().formatHex(h);
    hashes.put(hex, h);
    return hex;
  }

  private static String base32hex(byte[] hash) {
    return new base32(base32.Alphabet.BASE32HEX, false, true).toString(hash);
  }

  private RRSIGRecord sig(RRset set, Instant inception, Instant expiration) {
    try {
      return DNSSEC.sign(set, dnskey, keys.getPrivate(), inception, expiration);
    } catch (DNSSEC.DNSSECException e) {
      throw new IllegalStateException("cannot sign " + set.getName(), e);
    }
  }

  private static boolean belowCut(Name n, TreeSet<Name> cuts) {
    for (Name c : cuts) {
      if (!n.equals(c) && n.subdomain(c)) {
        return true;
      }
    }
    return false;
  }

  private static Name name(String zone) {
    requireNonNull(zone, "zone");
    try {
      return Name.fromString(zone.endsWith(".") ? zone : zone + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException("zone is not a domain name: " + zone, e);
    }
  }

  @Override
  public String toString() {
    return "DnssecTestSigner[" + origin + ", key " + keyTag() + "]";
  }
}
