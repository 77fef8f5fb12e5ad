package dev.mailpath.diag.benchmarks;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The benchmark's zone and its answer key: {@code n} domains {@code d<i>.bench.test}, each with two
 * MX records ({@code 10 mx1.d<i>}, {@code 20 mx2.d<i>}) and one A record per exchange, at addresses
 * derived from {@code i}, so every client's answers can be checked without storing them. Per domain
 * a client asks three questions: the MX, then the A of each exchange.
 */
public final class BenchZone {
  /** The zone's origin. */
  public static final String ORIGIN = "bench.test.";

  private BenchZone() {}

  /**
   * Returns the zone text for {@code n} domains.
   *
   * @param n how many domains
   * @return an RFC 1035 master file with $ORIGIN bench.test.
   */
  public static String zoneText(int n) {
    StringBuilder sb = new StringBuilder(64 + n * 120);
    sb.append("$ORIGIN bench.test.\n$TTL 3600\n")
        .append("@ SOA ns1 hostmaster 1 3600 600 86400 300\n")
        .append("@ NS ns1\nns1 A 127.0.0.1\n");
    for (int i = 0; i < n; i++) {
      sb.append('d').append(i).append(" MX 10 mx1.d").append(i).append('\n');
      sb.append('d').append(i).append(" MX 20 mx2.d").append(i).append('\n');
      sb.append("mx1.d").append(i).append(" A ").append(address(i, 1)).append('\n');
      sb.append("mx2.d").append(i).append(" A ").append(address(i, 2)).append('\n');
    }
    return sb.toString();
  }

  /**
   * Returns the domains {@code d0.bench.test} to {@code d<n-1>.bench.test}, generated on demand so
   * that a list of 100,000 costs no memory.
   *
   * @param n how many
   * @return a lazy list
   */
  public static List<String> domains(int n) {
    return domains(0, n);
  }

  /**
   * Returns the domains {@code d<from>.bench.test} to {@code d<from+n-1>.bench.test}, generated on
   * demand.
   *
   * @param from the first index
   * @param n how many
   * @return a lazy list
   */
  public static List<String> domains(int from, int n) {
    return new AbstractList<>() {
      @Override
      public String get(int i) {
        Objects.checkIndex(i, n);
        return domain(from + i);
      }

      @Override
      public int size() {
        return n;
      }
    };
  }

  /**
   * Returns the name of domain {@code i}.
   *
   * @param i the index
   * @return {@code d<i>.bench.test}
   */
  public static String domain(int i) {
    return "d" + i + ".bench.test";
  }

  /**
   * Returns the A record of exchange {@code mx} (1 or 2) of domain {@code i}: 10.x.y.z for mx1,
   * 11.x.y.z for mx2, where x.y.z is {@code i} in base 256.
   *
   * @param i the domain index
   * @param mx 1 or 2
   * @return the dotted address
   */
  public static String address(int i, int mx) {
    return (9 + mx) + "." + ((i >> 16) & 255) + "." + ((i >> 8) & 255) + "." + (i & 255);
  }

  /** One exchange as a client saw it. */
  public record Seen(int preference, String host, List<String> addresses) {}

  /**
   * Checks a client's answer for a domain against the key: exactly the two exchanges with their
   * preferences, each with exactly its one address.
   *
   * @param domain the domain asked (case and final dot ignored)
   * @param exchanges what the client found, in any order
   * @return {@code true} when it matches
   */
  public static boolean verify(String domain, List<Seen> exchanges) {
    int i = index(domain);
    if (i < 0 || exchanges.size() != 2) {
      return false;
    }
    boolean one = false;
    boolean two = false;
    for (Seen s : exchanges) {
      String host = strip(s.host());
      for (int mx = 1; mx <= 2; mx++) {
        if (host.equals("mx" + mx + ".d" + i + ".bench.test")
            && s.preference() == 10 * mx
            && s.addresses().equals(List.of(address(i, mx)))) {
          if (mx == 1) {
            one = true;
          } else {
            two = true;
          }
        }
      }
    }
    return one && two;
  }

  /** Returns the index in {@code d<i>.bench.test}, or -1. */
  static int index(String domain) {
    String d = strip(domain);
    if (!d.startsWith("d") || !d.endsWith(".bench.test")) {
      return -1;
    }
    try {
      return Integer.parseInt(d.substring(1, d.length() - ".bench.test".length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String strip(String name) {
    String s = name.toLowerCase(Locale.ROOT);
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  /**
   * Returns the dnsperf query file lines for {@code n} domains: the MX and both A questions.
   *
   * @param n how many domains
   * @return lines such as {@code d0.bench.test MX}
   */
  public static List<String> dnsperfQueries(int n) {
    List<String> lines = new ArrayList<>(n * 3);
    for (int i = 0; i < n; i++) {
      lines.add(domain(i) + " MX");
      lines.add("mx1." + domain(i) + " A");
      lines.add("mx2." + domain(i) + " A");
    }
    return lines;
  }
}
