package dev.mailpath.diag.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
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
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

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
 * are neither signed nor in the NSEC chain; at a delegation only DS and NSEC are signed. Not for
 * production: no key rollover, no NSEC3, no incremental signing. Thread-safe.
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
    requireNonNull(zoneText, "zoneText");
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
    long minimum = 300;
    for (int i = 0; i < owners.size(); i++) {
      Name n = owners.get(i);
      Map<Integer, RRset> sets = byName.get(n);
      boolean cut = cuts.contains(n);
      TreeSet<Integer> types = new TreeSet<>(sets.keySet());
      types.add(Type.NSEC);
      types.add(Type.RRSIG);
      Name next = owners.get((i + 1) % owners.size());
      NSECRecord nsec =
          new NSECRecord(n, DClass.IN, minimum, next, types.stream().mapToInt(x -> x).toArray());
      RRset nsecSet = new RRset(nsec);
      for (RRset set : sets.values()) {
        for (Record r : set.rrs()) {
          out.append(r).append('\n');
        }
        if (!cut || set.getType() == Type.DS) {
          out.append(sig(set, inception, expiration)).append('\n');
        }
      }
      out.append(nsec).append('\n');
      out.append(sig(nsecSet, inception, expiration)).append('\n');
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
