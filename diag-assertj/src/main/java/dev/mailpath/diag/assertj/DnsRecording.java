package dev.mailpath.diag.assertj;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.IpAddressText;
import dev.mailpath.diag.dns.DnsLookup;
import dev.mailpath.diag.dns.DnsQueryReport;
import dev.mailpath.diag.dns.DnsRecord;
import dev.mailpath.diag.dns.MailExchange;
import dev.mailpath.diag.dns.MxReport;
import dev.mailpath.diag.dns.RecordType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What DNS answered, recorded as zone-file text that the test kit's {@code LocalDnsZoneServer}
 * serves again: resolve once against the real DNS, check the file in, and replay it in every build
 * without a network.
 *
 * <pre>{@code
 * MxReport mx = MxResolver.builder().build().resolve("example.org");          // record
 * DnsRecording.builder().add(mx).build()
 *     .writeTo(Path.of("src/test/resources/recordings/example-org.zone"));
 *
 * try (LocalDnsZoneServer dns = LocalDnsZoneServer.builder()                  // replay
 *         .zoneFile(Path.of("src/test/resources/recordings/example-org.zone"))
 *         .start()) {
 *   MxReport again = MxResolver.builder().dns(d -> d.server(dns.address())).build()
 *       .resolve("example.org");   // same exchanges, addresses, findings and outcome
 * }
 * }</pre>
 *
 * <p><b>The format</b> is plain master-file text (RFC 1035 §5, as dnsjava and NSD read it), meant
 * to be read and edited by hand:
 *
 * <pre>
 * ; mailpath DNS recording, format 1
 * ; MX example.org: NOERROR
 * ; MX nosuch.example.org: NXDOMAIN (left out, so it stays NXDOMAIN)
 * $ORIGIN example.org.
 * $TTL 300
 * ; made up so that the zone loads:
 * &#64;          SOA   ns.recording.invalid. hostmaster.recording.invalid. 1 3600 600 86400 300
 * &#64;          NS    ns.recording.invalid.
 * ; recorded:
 * &#64;    3600 MX    10 mx1.example.org.
 * mx1        A     192.0.2.1
 * </pre>
 *
 * <ul>
 *   <li>The origin is the closest name that encloses every recorded name (the root {@code .} when
 *       they share nothing), so one zone serves all of them. The SOA and NS at the origin are made
 *       up, only so that the zone loads; they are not what the real servers hold.
 *   <li>From an {@link MxReport}: its MX records (exchange, preference and TTL), a null MX as
 *       {@code MX 0 .} (also next to other exchanges, when the report found a mixed null MX), and
 *       the A and AAAA records of every exchange, or of the domain itself for an implicit MX.
 *       Address TTLs are not in the report; they get the {@code $TTL} default, 300 seconds.
 *   <li>From a {@link DnsQueryReport}: every record of its answer section (CNAME chains included),
 *       except SOA, NS and DNSSEC records (RRSIG, NSEC, NSEC3), which would turn names into
 *       delegations or claim signatures that cannot verify.
 *   <li>A name that did not exist (NXDOMAIN) is simply absent, so it is NXDOMAIN again. A name that
 *       existed without the data asked for (NOERROR, no answer) is kept as an empty non-terminal,
 *       the owner of a {@value #EXISTS_LABEL} TXT record below it, so it answers NOERROR with no
 *       data again.
 *   <li>When reports disagree, the first record for a name, type and data wins; a CNAME from a
 *       {@code DnsQueryReport} wins over the addresses an {@code MxReport} holds for the same host
 *       (an {@code MxReport} does not keep the CNAME an exchange's addresses came through: add the
 *       {@code DnsQueryReport} of that host's A query to keep it).
 * </ul>
 *
 * <p><b>What cannot be replayed</b>: answers that were not answers. A SERVFAIL, REFUSED or other
 * error rcode, a timeout or a network error leaves no data to serve, so the recording keeps it only
 * as a comment ({@code ; MX broken.example.org: SERVFAIL (not replayable)}); the name is absent and
 * would answer NXDOMAIN. Express it on the replaying server with a fault instead: {@code
 * LocalDnsZoneServer.builder().zoneFile(path).fault(DnsFault.servfail().forName("broken.example.org"))},
 * {@code DnsFault.drop()} for a timeout, {@code DnsFault.refused()} or {@code DnsFault.rcode(n)}
 * for the others. Flags and transport (AA, TC and the TCP retry, EDNS), record order within a set
 * and the server's address are not recorded either: the replaying server answers authoritatively,
 * from its own address.
 *
 * <p>Immutable and thread-safe; equal when the texts are equal.
 */
public final class DnsRecording {

  /** The label under which an empty name gets a placeholder TXT record, keeping it in existence. */
  public static final String EXISTS_LABEL = "_mailpath-exists";

  private static final String HEADER = "; mailpath DNS recording, format 1";
  private static final String MADE_UP_NS = "ns.recording.invalid.";
  private static final String MADE_UP_MAILBOX = "hostmaster.recording.invalid.";
  private static final Set<RecordType> NOT_RECORDED =
      Set.of(
          RecordType.SOA,
          RecordType.NS,
          RecordType.OPT,
          RecordType.RRSIG,
          RecordType.NSEC,
          RecordType.NSEC3);

  private final String origin;
  private final String text;

  private DnsRecording(String origin, String text) {
    this.origin = origin;
    this.text = text;
  }

  /**
   * Starts a recording; add reports to it, then {@link Builder#build()}.
   *
   * @return a new, empty builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the zone's origin: the closest name enclosing every recorded name.
   *
   * @return the origin, absolute with the final dot ({@code example.org.}, or {@code .})
   */
  public String origin() {
    return origin;
  }

  /**
   * Returns the zone text, for {@code LocalDnsZoneServer.builder().zone(text)}.
   *
   * @return master-file text in the format described above
   */
  public String text() {
    return text;
  }

  /**
   * Writes the zone text to a file (UTF-8), creating parent directories.
   *
   * @param file the file, replaced if it exists
   * @throws UncheckedIOException when it cannot be written
   */
  public void writeTo(Path file) {
    requireNonNull(file, "file");
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write DNS recording " + file, e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DnsRecording other && text.equals(other.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  /** Returns the zone text, as {@link #text()}. */
  @Override
  public String toString() {
    return text;
  }

  /**
   * Collects reports for a {@link DnsRecording}. Not thread-safe; reports are recorded in the order
   * added.
   */
  public static final class Builder {
    private final List<String> sources = new ArrayList<>();
    private final Set<String> names = new LinkedHashSet<>();
    private final Set<String> absent = new LinkedHashSet<>();
    private final Set<String> existing = new LinkedHashSet<>();
    private final Map<String, List<Line>> byOwner = new LinkedHashMap<>();
    private final Set<String> seen = new LinkedHashSet<>();

    private Builder() {}

    /**
     * Records what an MX resolution was answered: the MX records, null MX, and the addresses of the
     * exchanges (or of the domain, for an implicit MX), and which names did not exist.
     *
     * @param report the report of {@code MxResolver.resolve}
     * @return this builder
     */
    public Builder add(MxReport report) {
      requireNonNull(report, "report");
      String domain = absolute(report.asciiDomain());
      names.add(domain);
      sources.add("MX " + plain(domain) + ": " + status(report.rcode().orElse("no answer")));
      lookups(report.lookups());
      boolean mixedNull =
          report.findings().stream().map(Finding::code).anyMatch("dns.mx.null-mixed"::equals);
      if (report.nullMx() || mixedNull) {
        add(domain, RecordType.MX, null, "0 .", false);
      }
      for (MailExchange e : report.exchanges()) {
        String host = absolute(e.host());
        names.add(host);
        if (!report.implicitMx()) {
          add(domain, RecordType.MX, e.ttl().toSeconds(), e.preference() + " " + host, false);
        }
        for (InetAddress a : e.addresses()) {
          RecordType type = a instanceof Inet4Address ? RecordType.A : RecordType.AAAA;
          add(host, type, null, IpAddressText.format(a), true);
        }
      }
      return this;
    }

    /**
     * Records the answer section of one query (CNAME chains included; SOA, NS and DNSSEC records
     * left out), or that its name did not exist.
     *
     * @param report the report of {@code DnsQuery.ask}
     * @return this builder
     */
    public Builder add(DnsQueryReport report) {
      requireNonNull(report, "report");
      String name = absolute(report.name());
      names.add(name);
      sources.add(report.type() + " " + plain(name) + ": " + status(report.rcode()));
      lookup(name, report.rcode());
      for (DnsRecord r : report.answer()) {
        if (NOT_RECORDED.contains(r.type())) {
          continue;
        }
        String owner = absolute(r.name());
        names.add(owner);
        existing.add(owner);
        add(owner, r.type(), r.ttl().toSeconds(), r.data(), false);
      }
      return this;
    }

    /**
     * Renders the zone text.
     *
     * @return the recording
     * @throws IllegalStateException when no report was added
     */
    public DnsRecording build() {
      if (sources.isEmpty()) {
        throw new IllegalStateException("add at least one MxReport or DnsQueryReport first");
      }
      String origin = origin();
      Map<String, List<Line>> owners = new LinkedHashMap<>();
      owners.put(origin, new ArrayList<>());
      for (Map.Entry<String, List<Line>> e : byOwner.entrySet()) {
        List<Line> lines = new ArrayList<>();
        boolean cname = e.getValue().stream().anyMatch(l -> l.type == RecordType.CNAME);
        for (Line l : e.getValue()) {
          // A CNAME owns its name alone (RFC 1034 §3.6.2); addresses an MxReport holds for an
          // alias belong to the canonical name, which the query report carries.
          if (!(cname && l.fromMxAddresses)) {
            lines.add(l);
          }
        }
        owners.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).addAll(lines);
      }
      for (String name : existing) {
        if (!owners.containsKey(name) || owners.get(name).isEmpty()) {
          if (!absent.contains(name) && isBelowOrAt(name, origin) && !name.equals(origin)) {
            owners.put(
                EXISTS_LABEL + "." + name,
                List.of(
                    new Line(RecordType.TXT, null, "\"name existed, no data recorded\"", false)));
          }
        }
      }
      int width = 1;
      int ttlWidth = 0;
      for (Map.Entry<String, List<Line>> e : owners.entrySet()) {
        width = Math.max(width, relative(e.getKey(), origin).length());
        for (Line l : e.getValue()) {
          ttlWidth = Math.max(ttlWidth, l.ttl == null ? 0 : String.valueOf(l.ttl).length());
        }
      }
      StringBuilder sb = new StringBuilder(HEADER).append('\n');
      for (String s : sources) {
        sb.append("; ").append(s).append('\n');
      }
      sb.append("$ORIGIN ").append(origin).append('\n');
      sb.append("$TTL 300\n");
      sb.append("; made up so that the zone loads:\n");
      String apex = pad("@", width) + "  " + (ttlWidth > 0 ? pad("", ttlWidth) + " " : "");
      sb.append(apex)
          .append("SOA   ")
          .append(MADE_UP_NS)
          .append(' ')
          .append(MADE_UP_MAILBOX)
          .append(" 1 3600 600 86400 300\n");
      sb.append(apex).append("NS    ").append(MADE_UP_NS).append('\n');
      sb.append("; recorded:\n");
      for (Map.Entry<String, List<Line>> e : owners.entrySet()) {
        String owner = pad(relative(e.getKey(), origin), width);
        for (Line l : e.getValue()) {
          sb.append(owner).append("  ");
          if (ttlWidth > 0) {
            sb.append(pad(l.ttl == null ? "" : String.valueOf(l.ttl), ttlWidth)).append(' ');
          }
          if (l.type != RecordType.UNKNOWN) {
            // UNKNOWN data starts with the type's mnemonic or its generic TYPEnnn name.
            sb.append(pad(l.type.name(), 5)).append(' ');
          }
          sb.append(l.data).append('\n');
        }
      }
      return new DnsRecording(origin, sb.toString());
    }

    // ------------------------------------------------------------------ helpers

    private void lookups(List<DnsLookup> lookups) {
      for (DnsLookup l : lookups) {
        String name = absolute(l.name());
        names.add(name);
        lookup(name, l.rcode());
      }
    }

    private void lookup(String name, String rcode) {
      if ("NXDOMAIN".equals(rcode)) {
        absent.add(name);
      } else if ("NOERROR".equals(rcode)) {
        existing.add(name);
      }
    }

    private void add(String owner, RecordType type, Long ttl, String data, boolean fromMx) {
      String key = owner + ' ' + type + ' ' + data;
      if (seen.add(key)) {
        byOwner
            .computeIfAbsent(owner, k -> new ArrayList<>())
            .add(new Line(type, ttl, data, fromMx));
      }
    }

    private String origin() {
      List<String> common = null;
      for (String name : names) {
        List<String> labels = labels(name);
        if (common == null) {
          common = labels;
          continue;
        }
        int n = 0;
        while (n < common.size()
            && n < labels.size()
            && common.get(common.size() - 1 - n).equals(labels.get(labels.size() - 1 - n))) {
          n++;
        }
        common = common.subList(common.size() - n, common.size());
      }
      List<String> labels = new ArrayList<>(common == null ? List.of() : common);
      // The apex must exist and must not be an alias: step up past names that were NXDOMAIN and
      // names that are CNAMEs (a CNAME cannot sit next to the SOA and NS).
      while (!labels.isEmpty()) {
        String candidate = join(labels);
        List<Line> lines = byOwner.getOrDefault(candidate, List.of());
        boolean cname = lines.stream().anyMatch(l -> l.type == RecordType.CNAME);
        if (!absent.contains(candidate) && !cname) {
          break;
        }
        labels.remove(0);
      }
      return join(labels);
    }

    private static List<String> labels(String absoluteName) {
      if (absoluteName.equals(".")) {
        return new ArrayList<>();
      }
      String n = absoluteName.substring(0, absoluteName.length() - 1);
      return new ArrayList<>(List.of(n.split("\\.", -1)));
    }

    private static String join(List<String> labels) {
      return labels.isEmpty() ? "." : String.join(".", labels) + ".";
    }
  }

  /** One record of a name: type, TTL (null for the default) and zone-file data. */
  private record Line(RecordType type, Long ttl, String data, boolean fromMxAddresses) {}

  private static String status(String rcode) {
    return switch (rcode) {
      case "NOERROR" -> "NOERROR";
      case "NXDOMAIN" -> "NXDOMAIN (left out, so it stays NXDOMAIN)";
      default ->
          rcode
              + " (not replayable: add a DnsFault to the LocalDnsZoneServer,"
              + " e.g. DnsFault.servfail().forName(...) or DnsFault.drop())";
    };
  }

  private static String absolute(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n : n + ".";
  }

  private static String plain(String absoluteName) {
    return absoluteName.equals(".") ? "." : absoluteName.substring(0, absoluteName.length() - 1);
  }

  private static boolean isBelowOrAt(String name, String origin) {
    return origin.equals(".") || name.equals(origin) || name.endsWith("." + origin);
  }

  private static String relative(String name, String origin) {
    if (name.equals(origin)) {
      return "@";
    }
    if (origin.equals(".")) {
      return name;
    }
    return name.substring(0, name.length() - origin.length() - 1);
  }

  private static String pad(String s, int width) {
    StringBuilder sb = new StringBuilder(s);
    while (sb.length() < width) {
      sb.append(' ');
    }
    return sb.toString();
  }
}
