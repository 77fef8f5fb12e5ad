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

/**
 * mailpath's own DNSSEC validator (RFC 4033-4035, 5155): it follows the chain of trust from a
 * configured trust anchor down to an answer, with dnsjava's signature primitives, and says which
 * DS, DNSKEY and RRSIG records it checked and why an answer is bogus.
 *
 * <p>The chain is followed bottom-up along the signer names of the RRSIGs (each step must move to a
 * proper ancestor, and the number of zone steps is bounded, so a signature loop ends as bogus). An
 * unsigned answer is insecure only when a signed NSEC or NSEC3 record proves a delegation without
 * DS above it (walking the names from the top), or an NSEC3 opt-out span covers the delegation;
 * otherwise it is bogus. Denial of existence is checked with NSEC (matching and covering records,
 * empty non-terminals, the wildcard of the closest encloser) and NSEC3 (RFC 5155 section 8:
 * closest-encloser proofs, NXDOMAIN, NODATA, DS NODATA with opt-out, wildcard NODATA); an answer
 * expanded from a wildcard must come with the proof that no closer name exists. NSEC3 records with
 * more than {@link #MAX_NSEC3_ITERATIONS} iterations or an unknown hash algorithm make the answer
 * insecure rather than costing unbounded work; hashes are cached and counted per validation.
 *
 * <p>A {@link Fetcher} asks the questions; one instance of this class serves any number of
 * validations, each with its own cache and step budget.
 */
public final class DnssecEngine {

  /** Zone steps one validation may take: deep enough for any real name, short for a loop. */
  static final int MAX_ZONE_STEPS = 24;

  /** Signatures tried per RRset, so that a flood of garbage RRSIGs costs bounded work. */
  static final int MAX_SIGS_PER_RRSET = 8;

  /**
   * NSEC3 iterations above which a proof counts as insecure, bounding work: RFC 9276 section 3.2
   * lets validators treat any count above 0 as insecure and notes that 150 was the common limit;
   * Unbound's default ({@code val-nsec3-keysize-iterations "1024 150 2048 150 4096 150"}) is 150
   * for every key size, and so is this, so both give the same verdict. The price RFC 9276 accepts:
   * in such a zone a denial, and an unsigned answer (whose DS walk meets the uncomputed NSEC3
   * records), count as insecure rather than bogus.
   */
  static final int MAX_NSEC3_ITERATIONS = 150;

  /** NSEC and NSEC3 record sets verified per reply (a real proof needs at most three or four). */
  static final int MAX_PROOF_RRSETS = 8;

  /** NSEC records, and NSEC3 records, considered per reply. */
  static final int MAX_PROOF_RECORDS = 16;

  /**
   * Distinct NSEC3 hashes one validation computes (each name once per parameter set; a real
   * validation needs one per label of the names it proves).
   */
  static final int MAX_NSEC3_HASHES = 512;

  /** Zones whose validated keys one engine remembers across validations. */
  static final int KEY_CACHE_SIZE = 1024;

  /** The longest a validated key set is remembered, whatever its TTL. */
  static final long MAX_KEY_CACHE_SECONDS = 3600;

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
   * A zone's keys proven secure by an earlier validation, usable from the latest signature
   * inception until the earliest of the signatures' expiry and the TTLs (at most {@link
   * #MAX_KEY_CACHE_SECONDS}): what a validating resolver keeps in its key cache. Checking a DNSKEY
   * chain from the root costs one signature verification per zone (1.6 ms of CPU for P-256 on JDK
   * 17); without this, every validation under one zone paid it again.
   */
  private record CachedKeys(Result result, Instant from, Instant until) {}

  private final Map<Name, CachedKeys> keyCache =
      new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Name, CachedKeys> eldest) {
          return size() > KEY_CACHE_SIZE;
        }
      };

  private Result cachedKeys(Name zone, Instant now) {
    synchronized (keyCache) {
      CachedKeys c = keyCache.get(zone);
      if (c == null) {
        return null;
      }
      if (now.isBefore(c.from()) || !now.isBefore(c.until())) {
        keyCache.remove(zone);
        return null;
      }
      return c.result();
    }
  }

  private void rememberKeys(Name zone, Result keys, Instant from, Instant until) {
    synchronized (keyCache) {
      keyCache.put(zone, new CachedKeys(keys, from, until));
    }
  }

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
    final Map<String, byte[]> hashes = new HashMap<>();
    int zoneSteps;

    /** The signature that verified last, set by {@link #verifySigned}. */
    RRSIGRecord lastSig;

    /** Why the last denial proof failed, for the bogus reason. */
    String problem = "";

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
        Result v = verifySigned(answer, null);
        return v.status == Status.SECURE ? wildcardAnswer(name, lastSig, r) : v;
      }
      return validateDenial(name, type, r);
    }

    /** Checks a negative answer (NODATA or NXDOMAIN). */
    Result validateDenial(Name name, int type, Reply r) {
      boolean nx = r.rcode() == Rcode.NXDOMAIN;
      String what = nx ? "NXDOMAIN for " + name : "no " + Type.string(type) + " at " + name;
      boolean signed = r.authority().stream().anyMatch(s -> !s.sigs().isEmpty());
      if (!signed) {
        return unsignedBelow(name, "the denial (" + what + ") is not signed");
      }
      Proofs p = proofs(r);
      if (!p.any) {
        return unsignedBelow(name, "the denial (" + what + ") carries no NSEC or NSEC3 record");
      }
      if (p.failure != null) {
        return p.failure;
      }
      problem = "";
      if (!p.nsec.isEmpty()) {
        Result n = nx ? nsecNxdomain(name, p.nsec) : nsecNodata(name, type, p.nsec);
        if (n != null) {
          return n;
        }
      }
      Nsec3Evidence e = nsec3For(p, name);
      if (e != null) {
        if (e.insecure() != null) {
          return Result.insecure(e.insecure());
        }
        Result n = nx ? nsec3Nxdomain(name, e.proof()) : nsec3Nodata(name, type, e.proof());
        if (n != null) {
          return n;
        }
      }
      return Result.bogus(
          "the NSEC/NSEC3 records do not prove the denial ("
              + what
              + ")"
              + (problem.isEmpty() ? "" : ": " + problem));
    }

    /**
     * An answer signed by a signature whose labels count is lower than the owner name's was
     * expanded from a wildcard (RFC 4035 section 5.3.4, RFC 5155 section 8.8): the reply must prove
     * that no closer name exists.
     */
    Result wildcardAnswer(Name name, RRSIGRecord sig, Reply r) {
      int own = name.labels() - 1 - (name.isWild() ? 1 : 0);
      if (sig.getLabels() >= own) {
        return Result.SECURE;
      }
      Name ce = new Name(name, name.labels() - 1 - sig.getLabels());
      Name nextCloser = new Name(name, name.labels() - 2 - sig.getLabels());
      chain.add(
          name
              + " was expanded from the wildcard *."
              + ce
              + " (RRSIG labels "
              + sig.getLabels()
              + ")");
      Proofs p = proofs(r);
      if (p.failure != null) {
        return p.failure;
      }
      for (NSECRecord n : p.nsec) {
        if (covers(n.getName(), n.getNext(), name)
            && !ancestorDelegation(n, name)
            && !n.getNext().subdomain(name)
            && nsecEncloser(n, name).equals(ce)) {
          chain.add(
              "NSEC "
                  + n.getName()
                  + " -> "
                  + n.getNext()
                  + " proves that "
                  + name
                  + " does not exist, so the wildcard applies");
          return Result.SECURE;
        }
      }
      Nsec3Evidence e = nsec3For(p, name);
      if (e != null) {
        if (e.insecure() != null) {
          return Result.insecure(e.insecure());
        }
        NSEC3Record cover = e.proof().covering(nextCloser);
        if (cover != null) {
          chain.add(
              "NSEC3 "
                  + cover.getName()
                  + " covers the next closer name "
                  + nextCloser
                  + ", so "
                  + name
                  + " does not exist and the wildcard applies");
          return Result.SECURE;
        }
      }
      return Result.bogus(
          "the answer "
              + name
              + " was expanded from the wildcard *."
              + ce
              + ", but no NSEC or NSEC3 record proves that no closer name exists (missing wildcard"
              + " proof)");
    }

    /** NODATA from NSEC records: a matching record, an empty non-terminal, or a wildcard. */
    Result nsecNodata(Name name, int type, List<NSECRecord> list) {
      String t = Type.string(type);
      for (NSECRecord n : list) {
        if (!n.getName().equals(name)) {
          continue;
        }
        boolean otherSide =
            type == Type.DS
                ? n.hasType(Type.SOA) && name.labels() > 1
                : n.hasType(Type.NS) && !n.hasType(Type.SOA);
        if (otherSide) {
          problem = "the NSEC record of " + name + " comes from the other side of a zone cut";
          continue;
        }
        if (n.hasType(type) || n.hasType(Type.CNAME)) {
          return Result.bogus(
              "the NSEC record of " + name + " lists " + t + " (or CNAME), yet none came");
        }
        chain.add("NSEC " + name + " proves that " + t + " does not exist");
        return Result.SECURE;
      }
      for (NSECRecord n : list) {
        if (covers(n.getName(), n.getNext(), name)
            && n.getNext().subdomain(name)
            && !n.getNext().equals(name)) {
          chain.add(
              "NSEC "
                  + n.getName()
                  + " -> "
                  + n.getNext()
                  + " proves that "
                  + name
                  + " is an empty non-terminal, without "
                  + t);
          return Result.SECURE;
        }
      }
      for (NSECRecord n : list) {
        if (!covers(n.getName(), n.getNext(), name) || ancestorDelegation(n, name)) {
          continue;
        }
        Name wc = Nsec3Proof.wildcard(nsecEncloser(n, name));
        for (NSECRecord w : list) {
          if (w.getName().equals(wc) && !w.hasType(type) && !w.hasType(Type.CNAME)) {
            chain.add(
                "NSEC "
                    + n.getName()
                    + " -> "
                    + n.getNext()
                    + " proves that "
                    + name
                    + " does not exist, and NSEC "
                    + wc
                    + " that the wildcard has no "
                    + t);
            return Result.SECURE;
          }
        }
      }
      if (problem.isEmpty()) {
        problem = "no NSEC record matches " + name + " or proves a wildcard without " + t;
      }
      return null;
    }

    /** NXDOMAIN from NSEC records: the name and the wildcard of its closest encloser covered. */
    Result nsecNxdomain(Name name, List<NSECRecord> list) {
      NSECRecord cover = null;
      for (NSECRecord n : list) {
        if (covers(n.getName(), n.getNext(), name)
            && !ancestorDelegation(n, name)
            && !n.getNext().subdomain(name)) {
          cover = n;
          break;
        }
      }
      if (cover == null) {
        problem = "no NSEC record covers " + name;
        return null;
      }
      Name ce = nsecEncloser(cover, name);
      Name wc = Nsec3Proof.wildcard(ce);
      for (NSECRecord n : list) {
        if (n.getName().equals(wc)) {
          return Result.bogus(
              "NSEC "
                  + wc
                  + " shows that the wildcard exists, so "
                  + name
                  + " would be synthesized from it, not NXDOMAIN");
        }
      }
      for (NSECRecord n : list) {
        if (wc != null && covers(n.getName(), n.getNext(), wc)) {
          chain.add(
              "NSEC "
                  + cover.getName()
                  + " -> "
                  + cover.getNext()
                  + " proves that "
                  + name
                  + " does not exist, and NSEC "
                  + n.getName()
                  + " -> "
                  + n.getNext()
                  + " that no wildcard "
                  + wc
                  + " exists");
          return Result.SECURE;
        }
      }
      problem = "no NSEC record proves that the wildcard " + wc + " does not exist";
      return null;
    }

    /** NODATA from NSEC3 records (RFC 5155 sections 8.5, 8.6 and 8.7). */
    Result nsec3Nodata(Name name, int type, Nsec3Proof z) {
      String t = Type.string(type);
      NSEC3Record m = z.matching(name);
      if (m != null) {
        if (type == Type.DS && z.zone().equals(name) && name.labels() > 1) {
          problem = "the NSEC3 record of " + name + " comes from the child zone's apex";
          return null;
        }
        if (type != Type.DS && m.hasType(Type.NS) && !m.hasType(Type.SOA)) {
          problem = "the NSEC3 record of " + name + " comes from the parent side of a delegation";
          return null;
        }
        if (m.hasType(type) || m.hasType(Type.CNAME)) {
          return Result.bogus(
              "the NSEC3 record of " + name + " lists " + t + " (or CNAME), yet none came");
        }
        chain.add(
            "NSEC3 "
                + m.getName()
                + " matches "
                + name
                + " and proves that "
                + t
                + " does not exist");
        return Result.SECURE;
      }
      Nsec3Proof.Encloser ce = z.closestEncloser(name);
      if (ce == null) {
        problem = z.problem;
        return null;
      }
      if (type == Type.DS) {
        if (ce.optOut()) {
          chain.add(describeEncloser(ce));
          return Result.insecure(
              "NSEC3 "
                  + ce.nextCloserCover().getName()
                  + " has the opt-out flag and covers "
                  + ce.nextCloser()
                  + ": "
                  + name
                  + " may be an unsigned delegation (opt-out, RFC 5155 section 8.6)");
        }
        problem =
            "no NSEC3 record matches "
                + name
                + " and the one covering the next closer name has no opt-out flag";
        return null;
      }
      Name wc = Nsec3Proof.wildcard(ce.closestEncloser());
      NSEC3Record w = wc == null ? null : z.matching(wc);
      if (w == null) {
        problem = "no NSEC3 record matches " + name + " or the wildcard " + wc;
        return null;
      }
      if (w.hasType(type) || w.hasType(Type.CNAME)) {
        return Result.bogus(
            "the NSEC3 record of the wildcard " + wc + " lists " + t + ", yet none came");
      }
      chain.add(
          describeEncloser(ce)
              + "; NSEC3 "
              + w.getName()
              + " proves that the wildcard "
              + wc
              + " has no "
              + t);
      return Result.SECURE;
    }

    /** NXDOMAIN from NSEC3 records (RFC 5155 section 8.4). */
    Result nsec3Nxdomain(Name name, Nsec3Proof z) {
      Nsec3Proof.Encloser ce = z.closestEncloser(name);
      if (ce == null) {
        problem = z.problem;
        return null;
      }
      Name wc = Nsec3Proof.wildcard(ce.closestEncloser());
      if (wc != null && z.matching(wc) != null) {
        return Result.bogus(
            "an NSEC3 record shows that the wildcard "
                + wc
                + " exists, so "
                + name
                + " would be synthesized from it, not NXDOMAIN");
      }
      NSEC3Record wcCover = wc == null ? null : z.covering(wc);
      if (wcCover == null) {
        problem = "no NSEC3 record proves that the wildcard " + wc + " does not exist";
        return null;
      }
      chain.add(
          describeEncloser(ce) + "; NSEC3 " + wcCover.getName() + " covers the wildcard " + wc);
      if (ce.optOut()) {
        return Result.insecure(
            "NSEC3 "
                + ce.nextCloserCover().getName()
                + " has the opt-out flag: "
                + name
                + " may be an unsigned delegation, so its non-existence is not proven (RFC 5155"
                + " section 9.2)");
      }
      chain.add("so " + name + " does not exist");
      return Result.SECURE;
    }

    String describeEncloser(Nsec3Proof.Encloser ce) {
      return "NSEC3 "
          + ce.encloserRecord().getName()
          + " matches the closest encloser "
          + ce.closestEncloser()
          + " and NSEC3 "
          + ce.nextCloserCover().getName()
          + " covers the next closer name "
          + ce.nextCloser();
    }

    /** The signed NSEC and NSEC3 records of a reply's authority section, each set verified. */
    Proofs proofs(Reply r) {
      Proofs p = new Proofs();
      int sets = 0;
      int nsec3Records = 0;
      for (RRset s : r.authority()) {
        if (s.getType() != Type.NSEC && s.getType() != Type.NSEC3) {
          continue;
        }
        p.any = true;
        if (++sets > MAX_PROOF_RRSETS) {
          chain.add(
              "more than "
                  + MAX_PROOF_RRSETS
                  + " NSEC/NSEC3 record sets in one reply; the rest were ignored");
          break;
        }
        Result v = verifySigned(s, null);
        if (v.status != Status.SECURE) {
          p.failure = v;
          return p;
        }
        Name signer = lastSig.getSigner();
        for (Record rec : s.rrs()) {
          if (rec instanceof NSECRecord n) {
            if (p.nsec.size() < MAX_PROOF_RECORDS) {
              p.nsec.add(n);
            }
          } else if (rec instanceof NSEC3Record n3
              && n3.getName().labels() > 1
              && new Name(n3.getName(), 1).equals(signer)
              && nsec3Records++ < MAX_PROOF_RECORDS) {
            p.nsec3.add(n3);
          }
        }
      }
      return p;
    }

    /**
     * The NSEC3 records of the deepest zone that holds {@code name}: the proof, or why they make
     * the answer insecure (an unknown hash algorithm, RFC 5155 section 8.1; more iterations than
     * {@link #MAX_NSEC3_ITERATIONS}, RFC 9276 section 3.2), or null when there are none.
     */
    Nsec3Evidence nsec3For(Proofs p, Name name) {
      Name zone = null;
      for (NSEC3Record n3 : p.nsec3) {
        Name z = new Name(n3.getName(), 1);
        if (name.subdomain(z) && (zone == null || z.labels() > zone.labels())) {
          zone = z;
        }
      }
      if (zone == null) {
        return null;
      }
      List<NSEC3Record> usable = new ArrayList<>();
      for (NSEC3Record n3 : p.nsec3) {
        if (!new Name(n3.getName(), 1).equals(zone)
            || n3.getHashAlgorithm() != NSEC3Record.Digest.SHA1) {
          continue;
        }
        if (n3.getIterations() > MAX_NSEC3_ITERATIONS) {
          chain.add("NSEC3 " + n3.getName() + " uses " + n3.getIterations() + " hash iterations");
          return new Nsec3Evidence(
              null,
              "the NSEC3 records of "
                  + zone
                  + " use "
                  + n3.getIterations()
                  + " hash iterations, more than the "
                  + MAX_NSEC3_ITERATIONS
                  + " this validator computes (RFC 9276 section 3.2), so the answer is treated as"
                  + " insecure");
        }
        usable.add(n3);
      }
      if (usable.isEmpty()) {
        return new Nsec3Evidence(
            null,
            "the NSEC3 records of "
                + zone
                + " use only hash algorithms this validator does not know (RFC 5155 section 8.1),"
                + " so the answer is treated as insecure");
      }
      return new Nsec3Evidence(new Nsec3Proof(zone, usable, this::hash), null);
    }

    /** An NSEC3 hash, cached per validation and counted against {@link #MAX_NSEC3_HASHES}. */
    byte[] hash(Name name, NSEC3Record params) {
      String key = Nsec3Proof.cacheKey(name, params);
      byte[] h = hashes.get(key);
      if (h == null) {
        if (hashes.size() >= MAX_NSEC3_HASHES) {
          throw new Stop(
              Result.bogus(
                  "more than "
                      + MAX_NSEC3_HASHES
                      + " NSEC3 hashes in one validation; the proofs were not checked to the end"));
        }
        h = Nsec3Proof.hash(name, Nsec3Proof.salt(params), params.getIterations());
        hashes.put(key, h);
      }
      return h;
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
     * a validated NSEC/NSEC3 proves a delegation without DS (or an NSEC3 opt-out span covers it, or
     * the parent's NSEC3 records are ones this validator does not compute), BOGUS when a proof
     * fails.
     */
    Result dsOrProof(Name name) {
      Reply r = ask(name, Type.DS);
      RRset ds = find(r.answer(), name, Type.DS);
      if (ds != null) {
        Result v = verifySigned(ds, name);
        return v.status == Status.SECURE ? Result.SECURE : v;
      }
      Proofs p = proofs(r);
      if (!p.any) {
        return Result.SECURE;
      }
      if (p.failure != null) {
        return p.failure;
      }
      for (NSECRecord nsec : p.nsec) {
        if (nsec.getName().equals(name)
            && nsec.hasType(Type.NS)
            && !nsec.hasType(Type.DS)
            && !nsec.hasType(Type.SOA)) {
          return Result.insecure(
              "NSEC "
                  + nsec.getName()
                  + " proves a delegation of "
                  + name
                  + " without DS (an insecure delegation)");
        }
      }
      Nsec3Evidence e = nsec3For(p, name);
      if (e == null || (e.proof() != null && e.proof().zone().equals(name))) {
        return Result.SECURE;
      }
      if (e.insecure() != null) {
        return Result.insecure(e.insecure());
      }
      NSEC3Record m = e.proof().matching(name);
      if (m != null) {
        if (m.hasType(Type.NS) && !m.hasType(Type.DS) && !m.hasType(Type.SOA)) {
          return Result.insecure(
              "NSEC3 "
                  + m.getName()
                  + " proves a delegation of "
                  + name
                  + " without DS (an insecure delegation)");
        }
        return Result.SECURE;
      }
      Nsec3Proof.Encloser ce = e.proof().closestEncloser(name);
      if (ce != null && ce.optOut()) {
        chain.add(describeEncloser(ce));
        return Result.insecure(
            "NSEC3 "
                + ce.nextCloserCover().getName()
                + " has the opt-out flag and covers "
                + ce.nextCloser()
                + ": "
                + name
                + " may be a delegation without DS (an insecure delegation, RFC 5155 section 6)");
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
            lastSig = sig;
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
      Result remembered = cachedKeys(zone, now);
      if (remembered != null) {
        chain.add("DNSKEY " + zone + ": keys proven secure by an earlier validation (key cache)");
        zoneKeys.put(zone, remembered);
        return remembered;
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
      long dsTtl = Long.MAX_VALUE;
      RRSIGRecord dsSig = null;
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
        dsTtl = ds.getTTL();
        dsSig = lastSig;
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
            Result secure = new Result(Status.SECURE, "", zoneKeyList);
            long ttl = Math.min(Math.min(keys.getTTL(), dsTtl), MAX_KEY_CACHE_SECONDS);
            Instant until = now.plusSeconds(Math.max(0, ttl));
            Instant from = sig.getTimeSigned();
            if (sig.getExpire().isBefore(until)) {
              until = sig.getExpire();
            }
            if (dsSig != null) {
              until = dsSig.getExpire().isBefore(until) ? dsSig.getExpire() : until;
              from = dsSig.getTimeSigned().isAfter(from) ? dsSig.getTimeSigned() : from;
            }
            rememberKeys(zone, secure, from, until);
            return secure;
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

  /** Whether an NSEC record at a proper ancestor is a delegation or DNAME (no proof below it). */
  static boolean ancestorDelegation(NSECRecord n, Name name) {
    return !n.getName().equals(name)
        && name.subdomain(n.getName())
        && ((n.hasType(Type.NS) && !n.hasType(Type.SOA)) || n.hasType(Type.DNAME));
  }

  /** The closest encloser an NSEC covering {@code name} shows: the longer common ancestor. */
  static Name nsecEncloser(NSECRecord n, Name name) {
    Name a = commonAncestor(name, n.getName());
    Name b = commonAncestor(name, n.getNext());
    return a.labels() >= b.labels() ? a : b;
  }

  static Name commonAncestor(Name a, Name b) {
    int max = Math.min(a.labels(), b.labels());
    int k = 1;
    while (k < max && new Name(a, a.labels() - k - 1).equals(new Name(b, b.labels() - k - 1))) {
      k++;
    }
    return new Name(a, a.labels() - k);
  }

  /** The verified NSEC and NSEC3 records of one reply. */
  private static final class Proofs {
    final List<NSECRecord> nsec = new ArrayList<>();
    final List<NSEC3Record> nsec3 = new ArrayList<>();
    boolean any;
    Result failure;
  }

  /** NSEC3 records that prove something, or why they make the answer insecure. */
  private record Nsec3Evidence(Nsec3Proof proof, String insecure) {}
}
