package dev.mailpath.diag.dns.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;
import org.xbill.DNS.utils.base32;

/**
 * The NSEC3 records (RFC 5155) of one zone taken from one reply, already verified, and the
 * questions a validator asks of them: which record matches a name's hash, which covers it, and the
 * closest-encloser proof (section 8.3). Hashes go through a {@link Hasher} that caches and budgets
 * them, so that hostile answers cost bounded work: each name is hashed at most once per parameter
 * set, and the walk up from a name takes at most one step per label.
 */
final class Nsec3Proof {

  /** Computes (and caches, and counts) the hash of a name with a record's parameters. */
  @FunctionalInterface
  interface Hasher {
    /**
     * Hashes a name.
     *
     * @param name the name
     * @param params the record whose algorithm, iterations and salt apply
     * @return the hash
     */
    byte[] hash(Name name, NSEC3Record params);
  }

  /**
   * A closest-encloser proof.
   *
   * @param closestEncloser the longest existing ancestor of the name
   * @param nextCloser the name one label longer than the closest encloser, towards the name
   * @param encloserRecord the NSEC3 record matching the closest encloser
   * @param nextCloserCover the NSEC3 record covering the next closer name
   */
  record Encloser(
      Name closestEncloser,
      Name nextCloser,
      NSEC3Record encloserRecord,
      NSEC3Record nextCloserCover) {
    boolean optOut() {
      return (nextCloserCover.getFlags() & NSEC3Record.Flags.OPT_OUT) != 0;
    }
  }

  private static final base32 BASE32HEX = new base32(base32.Alphabet.BASE32HEX, false, false);

  private final Name zone;
  private final List<NSEC3Record> records = new ArrayList<>();
  private final List<byte[]> owners = new ArrayList<>();
  private final Hasher hasher;

  /** Why the last closest-encloser proof failed, for the bogus reason. */
  String problem = "";

  /**
   * Takes the usable records of one zone.
   *
   * @param zone the zone (the NSEC3 owner names are one label below it)
   * @param candidates verified NSEC3 records with hash algorithm 1 and an acceptable iteration
   *     count; records of other zones or with a malformed owner label are left out
   * @param hasher hashes names
   */
  Nsec3Proof(Name zone, List<NSEC3Record> candidates, Hasher hasher) {
    this.zone = zone;
    this.hasher = hasher;
    for (NSEC3Record r : candidates) {
      byte[] owner = ownerHash(r);
      if (owner != null && new Name(r.getName(), 1).equals(zone)) {
        records.add(r);
        owners.add(owner);
      }
    }
  }

  boolean isEmpty() {
    return records.isEmpty();
  }

  Name zone() {
    return zone;
  }

  /** The hash in an NSEC3 owner name's first label, or null when it is not a SHA-1 hash. */
  static byte[] ownerHash(NSEC3Record r) {
    if (r.getName().labels() < 2) {
      return null;
    }
    try {
      byte[] h =
          BASE32HEX.fromString(r.getName().getLabelString(0).toUpperCase(java.util.Locale.ROOT));
      return h != null && h.length == 20 && r.getNext().length == 20 ? h : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The record whose owner is the hash of {@code name}, or null. */
  NSEC3Record matching(Name name) {
    if (!name.subdomain(zone)) {
      return null;
    }
    for (int i = 0; i < records.size(); i++) {
      if (Arrays.equals(owners.get(i), hasher.hash(name, records.get(i)))) {
        return records.get(i);
      }
    }
    return null;
  }

  /** The record whose span covers the hash of {@code name} (strictly between owner and next). */
  NSEC3Record covering(Name name) {
    if (!name.subdomain(zone)) {
      return null;
    }
    for (int i = 0; i < records.size(); i++) {
      NSEC3Record r = records.get(i);
      if (coversHash(owners.get(i), r.getNext(), hasher.hash(name, r))) {
        return r;
      }
    }
    return null;
  }

  /**
   * The closest-encloser proof of a name that does not exist (RFC 5155 section 8.3): the longest
   * ancestor with a matching record, and a record covering the next closer name. Null, with {@link
   * #problem} set, when there is none or it is not acceptable (the name itself matches, or the
   * encloser is a delegation or DNAME the zone has no authority below).
   */
  Encloser closestEncloser(Name name) {
    if (!name.subdomain(zone)) {
      problem = name + " is not in the zone " + zone + " of the NSEC3 records";
      return null;
    }
    Name nextCloser = null;
    for (Name sce = name; ; sce = new Name(sce, 1)) {
      NSEC3Record m = matching(sce);
      if (m != null) {
        if (nextCloser == null) {
          problem = "an NSEC3 record matches " + name + " itself, so it exists";
          return null;
        }
        if ((m.hasType(Type.NS) && !m.hasType(Type.SOA)) || m.hasType(Type.DNAME)) {
          problem =
              "the closest encloser "
                  + sce
                  + " is a delegation or DNAME, so its zone cannot prove what is below it";
          return null;
        }
        NSEC3Record cover = covering(nextCloser);
        if (cover == null) {
          problem =
              "no NSEC3 record covers the next closer name "
                  + nextCloser
                  + " (closest encloser "
                  + sce
                  + ")";
          return null;
        }
        return new Encloser(sce, nextCloser, m, cover);
      }
      if (sce.equals(zone)) {
        problem = "no NSEC3 record matches an ancestor of " + name + " (not even the zone apex)";
        return null;
      }
      nextCloser = sce;
    }
  }

  /** The wildcard name {@code *.name}. */
  static Name wildcard(Name name) {
    try {
      return Name.concatenate(Name.fromConstantString("*"), name);
    } catch (org.xbill.DNS.NameTooLongException e) {
      return null;
    }
  }

  /** Whether the hash falls strictly inside the span from owner to next (wrapping at the end). */
  static boolean coversHash(byte[] owner, byte[] next, byte[] hash) {
    int a = Arrays.compareUnsigned(owner, hash);
    int b = Arrays.compareUnsigned(hash, next);
    if (Arrays.compareUnsigned(owner, next) < 0) {
      return a < 0 && b < 0;
    }
    // The last record of the chain points back to the first (or a chain of one to itself).
    return a < 0 || b < 0;
  }

  /**
   * The NSEC3 hash of a name (RFC 5155 section 5): SHA-1 over the canonical wire form and the salt,
   * then {@code iterations} more times over the digest and the salt.
   */
  static byte[] hash(Name name, byte[] salt, int iterations) {
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-1 in this JVM", e);
    }
    byte[] h = name.toWireCanonical();
    for (int i = 0; i <= iterations; i++) {
      sha1.update(h);
      sha1.update(salt);
      h = sha1.digest();
    }
    return h;
  }

  /** The salt of a record (dnsjava gives null for none). */
  static byte[] salt(NSEC3Record params) {
    byte[] salt = params.getSalt();
    return salt == null ? new byte[0] : salt;
  }

  /** The cache key of a name hashed with a record's parameters. */
  static String cacheKey(Name name, NSEC3Record params) {
    return params.getIterations()
        + "/"
        + HexFormat.of().formatHex(salt(params))
        + "/"
        + HexFormat.of().formatHex(name.toWireCanonical());
  }
}
