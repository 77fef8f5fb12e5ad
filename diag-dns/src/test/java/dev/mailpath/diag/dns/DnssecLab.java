package dev.mailpath.diag.dns;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mailpath.diag.dns.internal.DnssecEngine;
import dev.mailpath.diag.testkit.DnssecTestSigner;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A signed lab under a lab root, made with keys the test makes: {@code .} (the anchor), {@code
 * test.} (signed, DS in the root), {@code example.test.} (signed, DS in {@code test.}), {@code
 * insecure.test.} (unsigned, delegated without DS), {@code expired.test.} (every signature expired
 * a day ago) and {@code bad.test.} (signed, and the test chooses what goes wrong). {@link
 * #fetcher()} answers like an authoritative server holding every zone (DS from the parent side),
 * with RRSIGs and NSEC proofs.
 */
public final class DnssecLab {
  public final DnssecTestSigner root = DnssecTestSigner.create(".");
  public final DnssecTestSigner test = DnssecTestSigner.create("test.");
  public final DnssecTestSigner example = DnssecTestSigner.create("example.test.");
  public final DnssecTestSigner bad = DnssecTestSigner.create("bad.test.");
  public final DnssecTestSigner expired = DnssecTestSigner.create("expired.test.");

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
                + "\n"));
    zones.put("example.test.", example.sign(exampleText()));
    zones.put(
        "insecure.test.",
        soa("insecure.test.") + "ns A 127.0.0.1\nwww A 192.0.2.20\nmx MX 10 www\n");
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
        + "_25._tcp.mx1 TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n";
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

  /** Answers like an authoritative server for every zone of the lab. */
  public DnssecEngine.Fetcher fetcher() {
    Map<Name, List<Record>> parsed = new LinkedHashMap<>();
    for (Map.Entry<String, String> z : zones.entrySet()) {
      parsed.put(name(z.getKey()), parse(z.getKey(), z.getValue()));
    }
    return (qname, type) -> {
      questions.incrementAndGet();
      Name zone = null;
      for (Name origin : parsed.keySet()) {
        if (!qname.subdomain(origin) || (type == Type.DS && qname.equals(origin))) {
          continue;
        }
        if (zone == null || origin.labels() > zone.labels()) {
          zone = origin;
        }
      }
      List<Record> records = parsed.get(zone);
      Message m = new Message();
      boolean exists = false;
      for (Record r : records) {
        if (r.getName().equals(qname)) {
          exists = true;
          int t = r instanceof RRSIGRecord s ? s.getTypeCovered() : r.getType();
          if (t == type) {
            m.addRecord(r, Section.ANSWER);
          }
        }
      }
      if (m.getSection(Section.ANSWER).isEmpty()) {
        NSECRecord proof = null;
        for (Record r : records) {
          if (r instanceof NSECRecord n) {
            if (exists ? n.getName().equals(qname) : covers(n, qname)) {
              proof = n;
            }
          }
        }
        for (Record r : records) {
          boolean soa =
              r.getName().equals(zone)
                  && (r.getType() == Type.SOA
                      || (r instanceof RRSIGRecord s && s.getTypeCovered() == Type.SOA));
          boolean nsec =
              proof != null
                  && r.getName().equals(proof.getName())
                  && (r.getType() == Type.NSEC
                      || (r instanceof RRSIGRecord s && s.getTypeCovered() == Type.NSEC));
          if (soa || nsec) {
            m.addRecord(r, Section.AUTHORITY);
          }
        }
      }
      int rcode = exists || hasBelow(records, qname) ? Rcode.NOERROR : Rcode.NXDOMAIN;
      return new DnssecEngine.Reply(
          rcode, m.getSectionRRsets(Section.ANSWER), m.getSectionRRsets(Section.AUTHORITY), null);
    };
  }

  private static boolean hasBelow(List<Record> records, Name name) {
    for (Record r : records) {
      if (r.getName().subdomain(name)) {
        return true;
      }
    }
    return false;
  }

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
