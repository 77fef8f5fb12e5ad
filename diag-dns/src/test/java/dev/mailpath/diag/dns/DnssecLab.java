package dev.mailpath.diag.dns;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mailpath.diag.dns.internal.DnssecEngine;
import dev.mailpath.diag.testkit.DnssecTestSigner;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSEC3PARAMRecord;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.utils.base32;

/**
 * A signed lab under a lab root, made with keys the test makes: {@code .} (the anchor), {@code
 * test.} (signed, DS in the root), {@code example.test.} (signed, DS in {@code test.}), {@code
 * insecure.test.} (unsigned, delegated without DS), {@code expired.test.} (every signature expired
 * a day ago), {@code bad.test.} (signed, and the test chooses what goes wrong), and three zones
 * signed with NSEC3: {@code nsec3.test.} (salt and 5 iterations; {@code unsigned.nsec3.test.}
 * delegated without DS), {@code optout.test.} (opt-out; {@code child.optout.test.} unsigned and
 * left out of the chain) and {@code iterations.test.} ({@link #HIGH_ITERATIONS} iterations). {@link
 * #fetcher()} answers like an authoritative server holding every zone (DS from the parent side),
 * with RRSIGs, NSEC or NSEC3 proofs and wildcard expansion.
 */
public final class DnssecLab {
  public final DnssecTestSigner root = DnssecTestSigner.create(".");
  public final DnssecTestSigner test = DnssecTestSigner.create("test.");
  public final DnssecTestSigner example = DnssecTestSigner.create("example.test.");
  public final DnssecTestSigner bad = DnssecTestSigner.create("bad.test.");
  public final DnssecTestSigner expired = DnssecTestSigner.create("expired.test.");
  public final DnssecTestSigner nsec3 = DnssecTestSigner.create("nsec3.test.");
  public final DnssecTestSigner optout = DnssecTestSigner.create("optout.test.");
  public final DnssecTestSigner iterations = DnssecTestSigner.create("iterations.test.");
  public final DnssecTestSigner forged = DnssecTestSigner.create("forged.test.");

  /** NSEC3 iterations of iterations.test.: above the limit of Unbound and mailpath (150). */
  public static final int HIGH_ITERATIONS = 200;

  /** Zone texts by origin; tests may edit them before serving. */
  public final Map<String, String> zones = new LinkedHashMap<>();

  /** Questions asked of {@link #fetcher()}. */
  public final AtomicInteger questions = new AtomicInteger();

  /** Builds the lab with every zone validly signed; {@code bad.test.} with the given text. */
  public DnssecLab() {
    this(null);
  }

  /**
   * Builds the lab.
   *
   * @param badZoneSigned the signed text of bad.test. (null: validly signed)
   */
  public DnssecLab(String badZoneSigned) {
    zones.put(
        ".",
        root.sign(soa(".") + "test. NS ns.test.\n" + "ns.test. A 127.0.0.1\n" + test.ds() + "\n"));
    zones.put(
        "test.",
        test.sign(
            soa("test.")
                + "ns A 127.0.0.1\n"
                + "example NS ns.example\n"
                + "ns.example A 127.0.0.1\n"
                + example.ds()
                + "\n"
                + "insecure NS ns.insecure\n"
                + "ns.insecure A 127.0.0.1\n"
                + "bad NS ns.bad\n"
                + "ns.bad A 127.0.0.1\n"
                + bad.ds()
                + "\n"
                + "expired NS ns.expired\n"
                + "ns.expired A 127.0.0.1\n"
                + expired.ds()
                + "\n"
                + "nsec3 NS ns.nsec3\n"
                + "ns.nsec3 A 127.0.0.1\n"
                + nsec3.ds()
                + "\n"
                + "optout NS ns.optout\n"
                + "ns.optout A 127.0.0.1\n"
                + optout.ds()
                + "\n"
                + "iterations NS ns.iterations\n"
                + "ns.iterations A 127.0.0.1\n"
                + iterations.ds()
                + "\n"
                + "forged NS ns.forged\n"
                + "ns.forged A 127.0.0.1\n"
                + forged.ds()
                + "\n"));
    zones.put("example.test.", example.sign(exampleText()));
    zones.put(
        "insecure.test.",
        soa("insecure.test.") + "ns A 127.0.0.1\nwww A 192.0.2.20\nmx MX 10 www\n");
    zones.put("nsec3.test.", nsec3.signNsec3(nsec3Text(), "aabbccdd", 5, false));
    zones.put(
        "unsigned.nsec3.test.", soa("unsigned.nsec3.test.") + "ns A 127.0.0.1\nwww A 192.0.2.51\n");
    zones.put(
        "optout.test.",
        optout.signNsec3(
            soa("optout.test.")
                + "ns A 127.0.0.1\n"
                + "www A 192.0.2.60\n"
                + "child NS ns.child\n"
                + "ns.child A 127.0.0.1\n",
            "-",
            0,
            true));
    zones.put(
        "child.optout.test.", soa("child.optout.test.") + "ns A 127.0.0.1\nwww A 192.0.2.61\n");
    zones.put(
        "iterations.test.",
        iterations.signNsec3(
            soa("iterations.test.") + "ns A 127.0.0.1\nwww A 192.0.2.70\n",
            "01",
            HIGH_ITERATIONS,
            false));
    zones.put(
        "forged.test.",
        forgeNsec3Next(
            forged.signNsec3(
                soa("forged.test.") + "ns A 127.0.0.1\nwww A 192.0.2.80\n", "-", 0, false)));
    zones.put("bad.test.", badZoneSigned != null ? badZoneSigned : bad.sign(badText()));
    Instant now = Instant.now();
    zones.put(
        "expired.test.",
        expired.sign(
            soa("expired.test.") + "ns A 127.0.0.1\nwww A 192.0.2.40\n",
            now.minusSeconds(30L * 86400),
            // three days ago: Unbound forgives a signature up to a day past its expiry
            // (val-sig-skew-max), so one day ago sat on the edge and passed on some runs
            now.minusSeconds(3L * 86400)));
  }

  /**
   * Changes the next hashed owner name of every NSEC3 record after signing (the last base32hex
   * digit), so that each NSEC3 signature fails while the chain keeps its order.
   *
   * @param signed a zone signed with NSEC3
   * @return the forged zone
   */
  public static String forgeNsec3Next(String signed) {
    StringBuilder out = new StringBuilder();
    for (String line : signed.split("\n")) {
      String[] f = line.split("\\s+");
      int at = java.util.Arrays.asList(f).indexOf("NSEC3");
      if (at > 0 && f.length > at + 5) {
        String next = f[at + 5];
        char last = next.charAt(next.length() - 1);
        f[at + 5] = next.substring(0, next.length() - 1) + (last == '0' ? '1' : '0');
        line = String.join(" ", f);
      }
      out.append(line).append('\n');
    }
    return out.toString();
  }

  /** The unsigned text of bad.test. */
  public static String badText() {
    return soa("bad.test.") + "ns A 127.0.0.1\nwww A 192.0.2.30\n";
  }

  /** The unsigned text of example.test. */
  public static String exampleText() {
    return soa("example.test.")
        + "ns A 127.0.0.1\n"
        + "www A 192.0.2.10\n"
        + "mx1 A 192.0.2.11\n"
        + "@ MX 10 mx1\n"
        + "_25._tcp.mx1 TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
        + "*.wild A 192.0.2.12\n";
  }

  /**
   * The unsigned text of nsec3.test. (signed with NSEC3, salt aabbccdd, 5 iterations): an MX, a
   * wildcard, an empty non-terminal ({@code ent}) and {@code unsigned}, delegated without DS.
   */
  public static String nsec3Text() {
    return soa("nsec3.test.")
        + "ns A 127.0.0.1\n"
        + "www A 192.0.2.50\n"
        + "@ MX 10 www\n"
        + "*.wild A 192.0.2.52\n"
        + "deep.ent TXT \"below an empty non-terminal\"\n"
        + "unsigned NS ns.unsigned\n"
        + "ns.unsigned A 127.0.0.1\n";
  }

  /**
   * The SOA and NS of a zone.
   *
   * @param origin the origin
   * @return zone text
   */
  public static String soa(String origin) {
    String o = origin.equals(".") ? "" : origin;
    return "$ORIGIN "
        + origin
        + "\n$TTL 300\n@ SOA ns."
        + (o.isEmpty() ? "test." : o)
        + " hostmaster."
        + (o.isEmpty() ? "test." : o)
        + " 1 3600 600 86400 300\n@ NS ns."
        + (o.isEmpty() ? "test." : o)
        + "\n";
  }

  /** The trust anchor: the lab root's DS. */
  public List<String> anchors() {
    return List.of(root.ds());
  }

  /** The trust anchor as records for the engine. */
  public List<Record> anchorRecords() {
    return parse(".", root.ds());
  }

  /**
   * Answers like an authoritative server for every zone of the lab: the answer with its RRSIGs, a
   * wildcard expanded with the proof that no closer name exists, or a denial with the SOA and the
   * NSEC or NSEC3 records that prove it (RFC 4035 section 3.1.3, RFC 5155 section 7.2).
   */
  public DnssecEngine.Fetcher fetcher() {
    Map<Name, Zone> parsed = new LinkedHashMap<>();
    for (Map.Entry<String, String> z : zones.entrySet()) {
      Name origin = name(z.getKey());
      parsed.put(origin, new Zone(origin, parse(z.getKey(), z.getValue())));
    }
    return (qname, type) -> {
      questions.incrementAndGet();
      Zone zone = null;
      for (Zone z : parsed.values()) {
        if (!qname.subdomain(z.origin) || (type == Type.DS && qname.equals(z.origin))) {
          continue;
        }
        if (zone == null || z.origin.labels() > zone.origin.labels()) {
          zone = z;
        }
      }
      return zone.answer(qname, type);
    };
  }

  /** One zone's records and how an authoritative server answers from them. */
  private static final class Zone {
    final Name origin;
    final List<Record> records;
    final NSEC3PARAMRecord params;

    Zone(Name origin, List<Record> records) {
      this.origin = origin;
      this.records = records;
      NSEC3PARAMRecord p = null;
      for (Record r : records) {
        if (r instanceof NSEC3PARAMRecord n && r.getName().equals(origin)) {
          p = n;
        }
      }
      this.params = p;
    }

    DnssecEngine.Reply answer(Name qname, int type) {
      Message m = new Message();
      boolean exists = exists(qname);
      if (exists) {
        addSet(m, Section.ANSWER, qname, type, qname);
        if (m.getSection(Section.ANSWER).isEmpty()) {
          addSet(m, Section.ANSWER, qname, Type.CNAME, qname);
        }
        if (m.getSection(Section.ANSWER).isEmpty()) {
          addSoa(m);
          if (params == null) {
            NSECRecord at = nsecAt(qname);
            addProof(m, at != null ? at : nsecCovering(qname));
          } else {
            NSEC3Record match = nsec3Matching(qname);
            if (match != null) {
              addProof(m, match);
            } else {
              closestEncloserProof(m, qname);
            }
          }
        }
        return reply(Rcode.NOERROR, m);
      }
      Name ce = closestEncloser(qname);
      Name wc = wildcard(ce);
      boolean wildcard = exists(wc);
      if (wildcard) {
        addSet(m, Section.ANSWER, wc, type, qname);
        if (m.getSection(Section.ANSWER).isEmpty()) {
          addSoa(m);
          if (params == null) {
            addProof(m, nsecCovering(qname));
            addProof(m, nsecAt(wc));
          } else {
            closestEncloserProof(m, qname);
            addProof(m, nsec3Matching(wc));
          }
        } else if (params == null) {
          addProof(m, nsecCovering(qname));
        } else {
          addProof(m, nsec3Covering(nextCloser(qname, ce)));
        }
        return reply(Rcode.NOERROR, m);
      }
      addSoa(m);
      if (params == null) {
        addProof(m, nsecCovering(qname));
        addProof(m, nsecCovering(wc));
      } else {
        closestEncloserProof(m, qname);
        addProof(m, nsec3Covering(wc));
      }
      return reply(Rcode.NXDOMAIN, m);
    }

    private static DnssecEngine.Reply reply(int rcode, Message m) {
      return new DnssecEngine.Reply(
          rcode, m.getSectionRRsets(Section.ANSWER), m.getSectionRRsets(Section.AUTHORITY), null);
    }

    /** Whether a name holds records or lies above one (an empty non-terminal). */
    boolean exists(Name name) {
      for (Record r : records) {
        if (r.getName().subdomain(name) && !(r instanceof NSEC3Record)) {
          return true;
        }
      }
      return false;
    }

    Name closestEncloser(Name qname) {
      Name n = qname;
      while (!exists(n) && !n.equals(origin)) {
        n = new Name(n, 1);
      }
      return n;
    }

    static Name nextCloser(Name qname, Name ce) {
      return new Name(qname, qname.labels() - ce.labels() - 1);
    }

    static Name wildcard(Name ce) {
      try {
        return Name.concatenate(Name.fromConstantString("*"), ce);
      } catch (org.xbill.DNS.NameTooLongException e) {
        throw new IllegalArgumentException(e);
      }
    }

    /** Adds an RRset at {@code owner} (with RRSIGs) under the name {@code as}. */
    void addSet(Message m, int section, Name owner, int type, Name as) {
      for (Record r : records) {
        int t = r instanceof RRSIGRecord s ? s.getTypeCovered() : r.getType();
        if (r.getName().equals(owner) && t == type) {
          m.addRecord(owner.equals(as) ? r : r.withName(as), section);
        }
      }
    }

    void addSoa(Message m) {
      addSet(m, Section.AUTHORITY, origin, Type.SOA, origin);
    }

    void addProof(Message m, Record proof) {
      if (proof != null) {
        addSet(m, Section.AUTHORITY, proof.getName(), proof.getType(), proof.getName());
      }
    }

    NSECRecord nsecAt(Name name) {
      for (Record r : records) {
        if (r instanceof NSECRecord n && n.getName().equals(name)) {
          return n;
        }
      }
      return null;
    }

    NSECRecord nsecCovering(Name name) {
      for (Record r : records) {
        if (r instanceof NSECRecord n && covers(n, name)) {
          return n;
        }
      }
      return null;
    }

    void closestEncloserProof(Message m, Name qname) {
      Name ce = new Name(qname, 1);
      while (nsec3Matching(ce) == null && !ce.equals(origin)) {
        ce = new Name(ce, 1);
      }
      addProof(m, nsec3Matching(ce));
      addProof(m, nsec3Covering(nextCloser(qname, ce)));
    }

    byte[] hash(Name name) {
      try {
        return params.hashName(name);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    NSEC3Record nsec3Matching(Name name) {
      String label = BASE32HEX.toString(hash(name));
      for (Record r : records) {
        if (r instanceof NSEC3Record n && n.getName().getLabelString(0).equalsIgnoreCase(label)) {
          return n;
        }
      }
      return null;
    }

    NSEC3Record nsec3Covering(Name name) {
      byte[] h = hash(name);
      for (Record r : records) {
        if (r instanceof NSEC3Record n) {
          byte[] owner = BASE32HEX.fromString(n.getName().getLabelString(0).toUpperCase());
          int a = Arrays.compareUnsigned(owner, h);
          int b = Arrays.compareUnsigned(h, n.getNext());
          boolean last = Arrays.compareUnsigned(owner, n.getNext()) >= 0;
          if (last ? a < 0 || b < 0 : a < 0 && b < 0) {
            return n;
          }
        }
      }
      return null;
    }
  }

  private static final base32 BASE32HEX = new base32(base32.Alphabet.BASE32HEX, false, false);

  private static boolean covers(NSECRecord n, Name name) {
    Name owner = n.getName();
    Name next = n.getNext();
    if (owner.compareTo(next) < 0) {
      return owner.compareTo(name) < 0 && name.compareTo(next) < 0;
    }
    return owner.compareTo(name) < 0;
  }

  /**
   * Parses zone text.
   *
   * @param origin the origin
   * @param text the text
   * @return the records
   */
  public static List<Record> parse(String origin, String text) {
    List<Record> out = new ArrayList<>();
    try (Master m = new Master(new ByteArrayInputStream(text.getBytes(UTF_8)), name(origin), 300)) {
      Record r;
      while ((r = m.nextRecord()) != null) {
        out.add(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * Parses a name.
   *
   * @param text the name
   * @return the name
   */
  public static Name name(String text) {
    try {
      return Name.fromString(text.endsWith(".") ? text : text + ".");
    } catch (org.xbill.DNS.TextParseException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Now, for the engine. */
  public static Instant now() {
    return Instant.now();
  }
}
