package dev.mailpath.diag.dns.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.xbill.DNS.utils.base32;

/**
 * mailpath's own DNSSEC validator (RFC 4033-4035, 5155): it follows the chain of trust from a
 * configured trust anchor down to an answer, with dnsjava's signature primitives, and says which
 * DS, DNSKEY and RRSIG records it checked and why an answer is bogus.
 *
 * <p>The chain is followed bottom-up along the signer names of the RRSIGs (each step must move to a
 * proper ancestor, and the number of zone steps is bounded, so a signature loop ends as bogus). An
 * unsigned answer is insecure only when a signed NSEC or NSEC3 record proves a delegation without
 * DS above it (walking the names from the top); otherwise it is bogus. Denial of existence is
 * checked with NSEC (matching and covering records) and NSEC3 (a matching or covering hash);
 * wildcard and NSEC3 closest-encloser proofs are not checked (the chain says so).
 *
 * <p>A {@link Fetcher} asks the questions; one instance of this class serves any number of
 * validations, each with its own cache and step budget.
 */
public final class DnssecEngine {

  /** Zone steps one validation may take: deep enough for any real name, short for a loop. */
  static final int MAX_ZONE_STEPS = 24;

  /** Signatures tried per RRset, so that a flood of garbage RRSIGs costs bounded work. */
  static final int MAX_SIGS_PER_RRSET = 8;

  /** NSEC3 iterations above which a proof counts as insecure (RFC 9276 §3.2), bounding work. */
  static final int MAX_NSEC3_ITERATIONS = 150;

  /** Asks one question with DO (and CD) set and returns the reply; blocking. */
  @FunctionalInterface
  public interface Fetcher {
    /**
     * Asks the question.
     *
     * @param name the name
     * @param type the type code
     * @return the reply, or a failed reply; never null
     */
    Reply fetch(Name name, int type);
  }

  /**
   * A reply as the validator needs it.
   *
   * @param rcode the response code; -1 when there was no usable reply
   * @param answer the answer section's RRsets with their RRSIGs
   * @param authority the authority section's RRsets with their RRSIGs
   * @param error why there is no usable reply, or null
   */
  public record Reply(int rcode, List<RRset> answer, List<RRset> authority, String error) {
    /** Copies the lists. */
    public Reply {
      answer = List.copyOf(answer);
      authority = List.copyOf(authority);
    }

    /**
     * A failed question.
     *
     * @param error why
     * @return the reply
     */
    public static Reply failed(String error) {
      return new Reply(-1, List.of(), List.of(), error);
    }
  }

  /** The verdict of one validation. */
  public enum Status {
    /** A chain of signatures leads from the trust anchor to the answer (or its denial). */
    SECURE,
    /** A signed delegation without DS proves that the answer is not signed, legitimately. */
    INSECURE,
    /** The answer should be signed and the signatures or the chain do not hold. */
    BOGUS,
    /** A question failed (timeout, SERVFAIL, the deadline): no verdict. */
    INDETERMINATE
  }

  /**
   * The result of one validation.
   *
   * @param status the verdict
   * @param reason why it is bogus, insecure or indeterminate; empty text when secure
   * @param chain what was checked, step by step
   * @param records the answer records (without RRSIGs)
   */
  public record Verdict(Status status, String reason, List<String> chain, List<Record> records) {
    /** Copies the lists. */
    public Verdict {
      chain = List.copyOf(chain);
      records = List.copyOf(records);
    }
  }

  private final List<Record> anchors;

  /**
   * Creates an engine with trust anchors.
   *
   * @param anchors DS or DNSKEY records (zone-signing keys of a zone the caller trusts)
   */
  public DnssecEngine(List<Record> anchors) {
    this.anchors = List.copyOf(anchors);
  }

  /**
   * Validates the answer to one question.
   *
   * @param fetcher asks the questions
   * @param name the name
   * @param type the type code
   * @param now the time signatures must be valid at
   * @return the verdict
   */
  public Verdict validate(Fetcher fetcher, Name name, int type, Instant now) {
    Run run = new Run(fetcher, now);
    List<Record> records = new ArrayList<>();
    Result r;
    try {
      r = run.validate(name, type, records);
    } catch (Stop s) {
      r = s.result;
    }
    return new Verdict(r.status, r.reason, run.chain, records);
  }

  /** A step's result. */
  private record Result(Status status, String reason, List<DNSKEYRecord> keys) {
    static final Result SECURE = new Result(Status.SECURE, "", List.of());

    static Result bogus(String reason) {
      return new Result(Status.BOGUS, reason, List.of());
    }

    static Result insecure(String reason) {
      return new Result(Status.INSECURE, reason, List.of());
    }

    static Result indeterminate(String reason) {
      return new Result(Status.INDETERMINATE, reason, List.of());
    }
  }

  /** Ends a validation early (a failed question, a loop). */
  private static final class Stop extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Result result;

    Stop(Result result) {
      super(result.reason, null, false, false);
      this.result = result;
    }
  }

  /** The state of one validation. */
  private final class Run {
    final Fetcher fetcher;
    final Instant now;
    final List<String> chain = new ArrayList<>();
    final Map<String, Reply> replies = new HashMap<>();
    final Map<Name, Result> zoneKeys = new HashMap<>();
    final Set<Name> inProgress = new HashSet<>();
    int zoneSteps;

    Run(Fetcher fetcher, Instant now) {
      this.fetcher = fetcher;
      this.now = now;
    }

    Reply ask(Name name, int type) {
      String key = name.toString().toLowerCase(java.util.Locale.ROOT) + "/" + type;
      Reply r = replies.get(key);
      if (r == null) {
        r = fetcher.fetch(name, type);
        replies.put(key, r);
      }
      if (r.error() != null) {
        throw new Stop(
            Result.indeterminate(
                "no usable answer for " + name + " " + Type.string(type) + ": " + r.error()));
      }
      if (r.rcode() != Rcode.NOERROR && r.rcode() != Rcode.NXDOMAIN) {
        throw new Stop(
            Result.indeterminate(
                "the server answered "
                    + Rcode.string(r.rcode())
                    + " for "
                    + name
                    + " "
                    + Type.string(type)));
      }
      return r;
    }

    Result validate(Name name, int type, List<Record> records) {
      Reply r = ask(name, type);
      RRset answer = find(r.answer(), name, type);
      if (answer == null) {
        answer = find(r.answer(), name, Type.CNAME);
        if (answer != null) {
          chain.add(name + " is an alias (CNAME); the alias record is validated, not its target");
        }
      }
      if (answer != null) {
        records.addAll(answer.rrs());
        if (answer.sigs().isEmpty()) {
          return unsignedBelow(
              name, "the answer " + describe(answer) + " has no RRSIG (missing signature)");
        }
        return verifySigned(answer, null);
      }
      return validateDenial(name, type, r);
    }

    /** Checks a negative answer (NODATA or NXDOMAIN). */
    Result validateDenial(Name name, int type, Reply r) {
      boolean nx = r.rcode() == Rcode.NXDOMAIN;
      String what = nx ? "NXDOMAIN for " + name : "no " + Type.string(type) + " at " + name;
      List<RRset> proofs = new ArrayList<>();
      for (RRset s : r.authority()) {
        if (s.getType() == Type.NSEC || s.getType() == Type.NSEC3) {
          proofs.add(s);
        }
      }
      boolean signed = r.authority().stream().anyMatch(s -> !s.sigs().isEmpty());
      if (!signed) {
        return unsignedBelow(name, "the denial (" + what + ") is not signed");
      }
      if (proofs.isEmpty()) {
        return unsignedBelow(name, "the denial (" + what + ") carries no NSEC or NSEC3 record");
      }
      for (RRset p : proofs) {
        Result v = verifySigned(p, null);
        if (v.status != Status.SECURE) {
          return v;
        }
      }
      for (RRset p : proofs) {
        for (Record rec : p.rrs()) {
          if (rec instanceof NSECRecord nsec) {
            if (!nx && nsec.getName().equals(name)) {
              if (nsec.hasType(type) || nsec.hasType(Type.CNAME)) {
                return Result.bogus(
                    "the NSEC record of "
                        + name
                        + " lists "
                        + Type.string(type)
                        + ", yet none came");
              }
              chain.add("NSEC " + name + " proves that " + Type.string(type) + " does not exist");
              return Result.SECURE;
            }
            if (nx && covers(nsec.getName(), nsec.getNext(), name)) {
              chain.add(
                  "NSEC "
                      + nsec.getName()
                      + " -> "
                      + nsec.getNext()
                      + " proves that "
                      + name
                      + " does not exist (wildcard proof not checked)");
              return Result.SECURE;
            }
          } else if (rec instanceof NSEC3Record n3) {
            Result n = nsec3(n3, name, type, nx);
            if (n != null) {
              return n;
            }
          }
        }
      }
      return Result.bogus("the NSEC/NSEC3 records do not prove the denial (" + what + ")");
    }

    Result nsec3(NSEC3Record n3, Name name, int type, boolean nx) {
      byte[] hash;
      try {
        hash = n3.hashName(name);
      } catch (java.security.NoSuchAlgorithmException | RuntimeException e) {
        return null;
      }
      byte[] owner;
      try {
        owner =
            new base32(base32.Alphabet.BASE32HEX, false, false)
                .fromString(n3.getName().getLabelString(0));
      } catch (RuntimeException e) {
        return null;
      }
      if (owner == null) {
        return null;
      }
      if (!nx && Arrays.equals(owner, hash)) {
        if (n3.hasType(type) || n3.hasType(Type.CNAME)) {
          return Result.bogus("the NSEC3 record of " + name + " lists " + Type.string(type));
        }
        chain.add(
            "NSEC3 " + n3.getName() + " proves that " + Type.string(type) + " does not exist");
        return Result.SECURE;
      }
      if (nx && coversHash(owner, n3.getNext(), hash)) {
        chain.add(
            "NSEC3 "
                + n3.getName()
                + " covers the hash of "
                + name
                + " (closest-encloser proof not checked)");
        return Result.SECURE;
      }
      return null;
    }

    /**
     * An unsigned answer (or denial) at {@code name}: insecure when a signed delegation without DS
     * lies above it, else bogus.
     */
    Result unsignedBelow(Name name, String bogusReason) {
      int labels = name.labels();
      for (int keep = 2; keep <= labels; keep++) {
        Name ancestor = new Name(name, labels - keep);
        Result r = dsOrProof(ancestor);
        if (r.status == Status.INSECURE || r.status == Status.BOGUS) {
          return r.status == Status.INSECURE
              ? Result.insecure(r.reason + "; so " + name + " is not signed, legitimately")
              : r;
        }
      }
      return Result.bogus(bogusReason);
    }

    /**
     * Asks the DS of a name: SECURE when a validated DS exists or the name is no cut, INSECURE when
     * a validated NSEC/NSEC3 proves a delegation without DS, BOGUS when the proof fails.
     */
    Result dsOrProof(Name name) {
      Reply r = ask(name, Type.DS);
      RRset ds = find(r.answer(), name, Type.DS);
      if (ds != null) {
        Result v = verifySigned(ds, name);
        return v.status == Status.SECURE ? Result.SECURE : v;
      }
      for (RRset s : r.authority()) {
        for (Record rec : s.rrs()) {
          boolean delegationWithoutDs = false;
          if (rec instanceof NSECRecord nsec && nsec.getName().equals(name)) {
            delegationWithoutDs =
                nsec.hasType(Type.NS) && !nsec.hasType(Type.DS) && !nsec.hasType(Type.SOA);
          } else if (rec instanceof NSEC3Record n3) {
            Result m = nsec3(n3, name, Type.DS, false);
            delegationWithoutDs =
                m != null
                    && m.status == Status.SECURE
                    && n3.hasType(Type.NS)
                    && !n3.hasType(Type.SOA);
            if (m != null && m.status == Status.SECURE) {
              chain.remove(chain.size() - 1);
            }
          }
          if (delegationWithoutDs) {
            Result v = verifySigned(s, null);
            if (v.status != Status.SECURE) {
              return v;
            }
            return Result.insecure(
                Type.string(rec.getType())
                    + " "
                    + rec.getName()
                    + " proves a delegation of "
                    + name
                    + " without DS (an insecure delegation)");
          }
        }
      }
      return Result.SECURE;
    }

    /**
     * Verifies an RRset's signatures with the keys of its signer zone.
     *
     * @param set the RRset with its RRSIGs
     * @param properAncestorOf when not null, the signer must be a proper ancestor of this name (DS
     *     records are signed by the parent)
     */
    Result verifySigned(RRset set, Name properAncestorOf) {
      List<String> failures = new ArrayList<>();
      int tried = 0;
      for (RRSIGRecord sig : set.sigs()) {
        if (++tried > MAX_SIGS_PER_RRSET) {
          failures.add("more than " + MAX_SIGS_PER_RRSET + " RRSIGs; the rest were not tried");
          break;
        }
        Name signer = sig.getSigner();
        if (!set.getName().subdomain(signer)
            || (properAncestorOf != null && signer.equals(properAncestorOf))) {
          failures.add(
              "RRSIG of " + describe(set) + " names signer " + signer + ", which cannot sign it");
          continue;
        }
        Result keys = zoneKeys(signer);
        if (keys.status != Status.SECURE) {
          return keys;
        }
        boolean keyFound = false;
        for (DNSKEYRecord key : keys.keys) {
          if (key.getFootprint() != sig.getFootprint()
              || key.getAlgorithm() != sig.getAlgorithm()) {
            continue;
          }
          keyFound = true;
          String v = verify(set, sig, key);
          if (v == null) {
            chain.add(
                "RRSIG "
                    + describe(set)
                    + " by "
                    + signer
                    + " key "
                    + key.getFootprint()
                    + " alg "
                    + key.getAlgorithm()
                    + ": valid until "
                    + sig.getExpire());
            return Result.SECURE;
          }
          failures.add(v);
        }
        if (!keyFound) {
          failures.add(
              "RRSIG of "
                  + describe(set)
                  + " names key "
                  + sig.getFootprint()
                  + " alg "
                  + sig.getAlgorithm()
                  + ", which "
                  + signer
                  + " does not publish");
        }
      }
      if (failures.isEmpty()) {
        failures.add(describe(set) + " has no RRSIG (missing signature)");
      }
      return Result.bogus(String.join("; ", failures));
    }

    /** Returns null when the signature verifies, else why not. */
    String verify(RRset set, RRSIGRecord sig, DNSKEYRecord key) {
      try {
        DNSSEC.verify(set, sig, key, now);
        return null;
      } catch (DNSSEC.SignatureExpiredException e) {
        return "RRSIG of "
            + describe(set)
            + " expired at "
            + sig.getExpire()
            + " (expired signature)";
      } catch (DNSSEC.SignatureNotYetValidException e) {
        return "RRSIG of "
            + describe(set)
            + " is valid only from "
            + sig.getTimeSigned()
            + " (signature not yet valid)";
      } catch (DNSSEC.DNSSECException | RuntimeException e) {
        return "RRSIG of "
            + describe(set)
            + " by key "
            + key.getFootprint()
            + " does not verify (bad signature: "
            + e.getMessage()
            + ")";
      }
    }

    /** The validated DNSKEYs of a zone. */
    Result zoneKeys(Name zone) {
      Result cached = zoneKeys.get(zone);
      if (cached != null) {
        return cached;
      }
      if (!inProgress.add(zone)) {
        throw new Stop(Result.bogus("validation loop: the chain of " + zone + " leads back to it"));
      }
      if (++zoneSteps > MAX_ZONE_STEPS) {
        throw new Stop(
            Result.bogus("the chain of trust is longer than " + MAX_ZONE_STEPS + " zone steps"));
      }
      Result r = computeZoneKeys(zone);
      inProgress.remove(zone);
      zoneKeys.put(zone, r);
      return r;
    }

    Result computeZoneKeys(Name zone) {
      List<Record> trusted = new ArrayList<>();
      String source;
      for (Record a : anchors) {
        if (a.getName().equals(zone)) {
          trusted.add(a);
        }
      }
      if (!trusted.isEmpty()) {
        source = "trust anchor";
      } else {
        if (zone.labels() <= 1) {
          return Result.bogus("no trust anchor for " + zone);
        }
        Reply d = ask(zone, Type.DS);
        RRset ds = find(d.answer(), zone, Type.DS);
        if (ds == null) {
          Result proof = dsOrProof(zone);
          if (proof.status == Status.INSECURE) {
            return proof;
          }
          if (proof.status == Status.BOGUS) {
            return proof;
          }
          return Result.bogus(
              zone + " signs records but its parent has no DS for it (no DS, no chain of trust)");
        }
        if (ds.sigs().isEmpty()) {
          return unsignedBelow(zone, "the DS RRset of " + zone + " has no RRSIG");
        }
        Result v = verifySigned(ds, zone);
        if (v.status != Status.SECURE) {
          return v;
        }
        trusted.addAll(ds.rrs());
        source = "DS";
      }
      Reply k = ask(zone, Type.DNSKEY);
      RRset keys = find(k.answer(), zone, Type.DNSKEY);
      if (keys == null) {
        return Result.bogus("no DNSKEY RRset for " + zone + " (its " + source + " names keys)");
      }
      List<DNSKEYRecord> matching = new ArrayList<>();
      boolean anySupported = false;
      for (Record t : trusted) {
        if (t instanceof DSRecord ds && supportedDigest(ds.getDigestID())) {
          anySupported = true;
        } else if (t instanceof DNSKEYRecord) {
          anySupported = true;
        }
      }
      if (!anySupported) {
        return Result.insecure(
            "every " + source + " of " + zone + " uses a digest type this validator does not know");
      }
      for (Record rec : keys.rrs()) {
        if (!(rec instanceof DNSKEYRecord key) || (key.getFlags() & 0x0100) == 0) {
          continue;
        }
        for (Record t : trusted) {
          if (matches(zone, t, key)) {
            matching.add(key);
            break;
          }
        }
      }
      if (matching.isEmpty()) {
        StringBuilder tags = new StringBuilder();
        for (Record t : trusted) {
          if (t instanceof DSRecord ds) {
            tags.append(tags.length() == 0 ? "" : ", ").append(ds.getFootprint());
          } else if (t instanceof DNSKEYRecord key) {
            tags.append(tags.length() == 0 ? "" : ", ").append(key.getFootprint());
          }
        }
        return Result.bogus(
            "no DNSKEY of "
                + zone
                + " matches its "
                + source
                + " (key tags "
                + tags
                + ") (no DS match)");
      }
      List<String> failures = new ArrayList<>();
      int tried = 0;
      for (RRSIGRecord sig : keys.sigs()) {
        if (!sig.getSigner().equals(zone)) {
          continue;
        }
        if (++tried > MAX_SIGS_PER_RRSET) {
          break;
        }
        for (DNSKEYRecord key : matching) {
          if (key.getFootprint() != sig.getFootprint()
              || key.getAlgorithm() != sig.getAlgorithm()) {
            continue;
          }
          String v = verify(keys, sig, key);
          if (v == null) {
            chain.add(
                "DNSKEY "
                    + zone
                    + " key "
                    + key.getFootprint()
                    + " alg "
                    + key.getAlgorithm()
                    + " matches the "
                    + source
                    + " and signs the DNSKEY RRset (valid until "
                    + sig.getExpire()
                    + ")");
            List<DNSKEYRecord> zoneKeyList = new ArrayList<>();
            for (Record rec : keys.rrs()) {
              if (rec instanceof DNSKEYRecord dk && (dk.getFlags() & 0x0100) != 0) {
                zoneKeyList.add(dk);
              }
            }
            return new Result(Status.SECURE, "", zoneKeyList);
          }
          failures.add(v);
        }
      }
      if (failures.isEmpty()) {
        failures.add(
            "the DNSKEY RRset of "
                + zone
                + " is not signed by a key that matches its "
                + source
                + " (missing RRSIG)");
      }
      return Result.bogus(String.join("; ", failures));
    }
  }

  static boolean supportedDigest(int id) {
    return id == DSRecord.SHA1_DIGEST_ID
        || id == DSRecord.SHA256_DIGEST_ID
        || id == DSRecord.SHA384_DIGEST_ID;
  }

  static boolean matches(Name zone, Record trusted, DNSKEYRecord key) {
    if (trusted instanceof DNSKEYRecord anchorKey) {
      return anchorKey.getAlgorithm() == key.getAlgorithm()
          && Arrays.equals(anchorKey.getKey(), key.getKey())
          && anchorKey.getFlags() == key.getFlags();
    }
    if (trusted instanceof DSRecord ds) {
      if (ds.getFootprint() != key.getFootprint()
          || ds.getAlgorithm() != key.getAlgorithm()
          || !supportedDigest(ds.getDigestID())) {
        return false;
      }
      try {
        DSRecord computed = new DSRecord(zone, DClass.IN, 0, ds.getDigestID(), key);
        return Arrays.equals(computed.getDigest(), ds.getDigest());
      } catch (RuntimeException e) {
        return false;
      }
    }
    return false;
  }

  static RRset find(List<RRset> sets, Name name, int type) {
    for (RRset s : sets) {
      if (s.getType() == type && s.getName().equals(name) && s.size() > 0) {
        return s;
      }
    }
    return null;
  }

  static String describe(RRset set) {
    return Type.string(set.getType()) + " " + set.getName();
  }

  /**
   * Whether {@code name} falls strictly between an NSEC's owner and next name (canonical order).
   */
  static boolean covers(Name owner, Name next, Name name) {
    int a = owner.compareTo(name);
    int b = name.compareTo(next);
    if (owner.compareTo(next) < 0) {
      return a < 0 && b < 0;
    }
    // The last NSEC of the zone points back to the apex.
    return a < 0 && name.subdomain(next);
  }

  static boolean coversHash(byte[] owner, byte[] next, byte[] hash) {
    int a = Arrays.compareUnsigned(owner, hash);
    int b = Arrays.compareUnsigned(hash, next);
    if (Arrays.compareUnsigned(owner, next) < 0) {
      return a < 0 && b < 0;
    }
    return a < 0 || b < 0;
  }
}
