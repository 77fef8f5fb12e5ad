package dev.mailpath.diag.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DNS-OARC's {@code dnsperf} (Debian package {@code dnsperf}) as the ceiling: it sends the same 3
 * questions per domain from a query file without composing them (it is a load generator, not a
 * resolver), so it shows what the server and the machine can do at all. It cannot check answers
 * against the key; it counts as verified only when every query was answered NOERROR.
 */
final class DnsperfClient implements BulkClient {
  private static final Pattern COMPLETED = Pattern.compile("Queries completed:\\s+(\\d+)");
  private static final Pattern SENT = Pattern.compile("Queries sent:\\s+(\\d+)");
  private static final Pattern NOERROR = Pattern.compile("NOERROR (\\d+)");
  private static final Pattern RUNTIME = Pattern.compile("Run time \\(s\\):\\s+([0-9.]+)");

  @Override
  public String name() {
    return "dnsperf";
  }

  @Override
  public boolean inProcess() {
    return false;
  }

  @Override
  public boolean available() {
    return Tools.which("dnsperf").isPresent();
  }

  static String version() {
    try {
      return Tools.which("dnsperf").isPresent()
          ? Tools.run(List.of("dnsperf", "-h"), 10)
              .lines()
              .filter(l -> l.startsWith("DNS Performance"))
              .findFirst()
              .orElse("dnsperf")
              .strip()
          : "absent";
    } catch (IOException e) {
      return e.getMessage()
          .lines()
          .filter(l -> l.startsWith("DNS Performance"))
          .findFirst()
          .orElse("dnsperf")
          .strip();
    }
  }

  @Override
  public Outcome run(InetSocketAddress server, List<String> domains, int inFlight)
      throws Exception {
    Path file = Files.createTempFile("mailpath-dnsperf-", ".txt");
    try {
      int n = domains.size();
      Files.write(file, BenchZone.dnsperfQueries(n), StandardCharsets.UTF_8);
      // -q: queries outstanding; two A queries follow each MX in the resolvers, so 200 domains in
      // flight are up to 400 queries. -c 1: one client (one socket), as the resolvers use few.
      String out =
          Tools.run(
              List.of(
                  Tools.which("dnsperf").orElseThrow().toString(),
                  "-s",
                  server.getAddress().getHostAddress(),
                  "-p",
                  Integer.toString(server.getPort()),
                  "-d",
                  file.toString(),
                  "-n",
                  "1",
                  "-c",
                  "1",
                  "-b",
                  "4096", // KB of socket buffer; the default drops replies to bursts
                  "-q",
                  Integer.toString(2 * inFlight),
                  "-t",
                  "2"),
              TimeUnit.MINUTES.toSeconds(10));
      long completed = group(COMPLETED, out);
      long sent = group(SENT, out);
      long noerror = group(NOERROR, out);
      double seconds =
          Double.parseDouble(
              RUNTIME
                  .matcher(out)
                  .results()
                  .findFirst()
                  .orElseThrow(() -> new IOException("no run time in dnsperf output:\n" + out))
                  .group(1));
      boolean allGood = completed == 3L * n && noerror == completed;
      return new Outcome(
          allGood ? n : 0,
          sent,
          (long) (seconds * 1e9),
          allGood
              ? "answers counted (NOERROR), not checked against the key"
              : "dnsperf: " + completed + "/" + sent + " completed, " + noerror + " NOERROR");
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static long group(Pattern p, String text) throws IOException {
    Matcher m = p.matcher(text);
    if (!m.find()) {
      throw new IOException("unexpected dnsperf output:\n" + text);
    }
    return Long.parseLong(m.group(1));
  }
}
