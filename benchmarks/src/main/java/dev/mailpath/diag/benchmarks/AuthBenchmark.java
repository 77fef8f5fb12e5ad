package dev.mailpath.diag.benchmarks;

import dev.mailpath.diag.auth.DkimReport;
import dev.mailpath.diag.auth.DkimResult;
import dev.mailpath.diag.auth.DkimVerifier;
import dev.mailpath.diag.auth.SpfCheck;
import dev.mailpath.diag.auth.SpfReport;
import dev.mailpath.diag.auth.SpfResult;
import dev.mailpath.diag.testkit.peer.NsdServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SPF and DKIM side by side with the tools their users run today: pyspf and dkimpy (Debian's {@code
 * python3-spf} and {@code python3-dkim}), on the same zone served by a real NSD on loopback, in one
 * run.
 *
 * <ul>
 *   <li><b>DKIM</b>: {@code --messages} messages (default 1,000) of {@code --size} bytes (default
 *       100 KiB), each signed by dkimpy with an RSA-2048 key made by {@code opendkim-genkey}
 *       (rsa-sha256, relaxed/relaxed). Every verifier fetches the key from NSD for every message
 *       and must say PASS for all of them.
 *   <li><b>SPF</b>: {@code --checks} checks (default 2,000) of a record that uses all 10 DNS
 *       lookups (9 includes and an {@code a:}), 11 queries per check, PASS on the last term.
 * </ul>
 *
 * <p>Peers are tuned as their users would run them: each Python peer runs in one process and in a
 * {@code multiprocessing} pool of 2 and 4 processes (CPU-bound Python does not scale with threads);
 * the table reports each peer's best setting as the ratio's base. mailpath runs on one thread and
 * on 2 threads (DKIM), and with 1 and 32 checks in flight (SPF). Rounds are interleaved; medians
 * are shown. Interpreter start-up, pool start-up and message loading are not timed on either side.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.mailpath.diag.benchmarks.AuthBenchmark \
 *      --messages 1000 --size 102400 --checks 2000 --rounds 3
 * </pre>
 *
 * <p>A benchmark, not a test: nothing here asserts timings.
 */
public final class AuthBenchmark {
  private AuthBenchmark() {}

  static final String ORIGIN = "auth.bench";
  static final String SELECTOR = "bench";
  static final String SENDER_IP = "127.0.0.10";

  /** Set once the first check that did not pass has been printed. */
  static final java.util.concurrent.atomic.AtomicBoolean FIRST_FAILURE =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** The Python side: signs messages, and times dkimpy and pyspf; prints one JSON line. */
  static final String SCRIPT =
      """
      import json, multiprocessing, os, sys, time
      import dns.resolver
      import dkim, spf
      def use_server(port):
          r = dns.resolver.Resolver(configure=False)
          r.nameservers = ['127.0.0.1']
          r.port = int(port)
          r.timeout = 2
          r.lifetime = 5
          r.cache = None
          dns.resolver.default_resolver = r
      def sign(key, outdir, files):
          k = open(key, 'rb').read()
          for f in files:
              m = open(f, 'rb').read()
              sig = dkim.sign(m, b'%(sel)s', b'%(origin)s', k, canonicalize=(b'relaxed', b'relaxed'),
                              include_headers=[b'from', b'to', b'subject', b'date', b'message-id'])
              open(os.path.join(outdir, os.path.basename(f)), 'wb').write(sig + m)
      def dkim_chunk(files):
          ok = 0
          for f in files:
              if dkim.verify(open(f, 'rb').read()):
                  ok += 1
          return ok
      def spf_chunk(args):
          n, ip, sender, helo = args
          ok = 0
          for _ in range(n):
              res = spf.check2(i=ip, s=sender, h=helo)
              if res[0] == 'pass':
                  ok += 1
          return ok
      def timed(fn, chunks, procs, port):
          if procs == 1:
              t0 = time.perf_counter_ns()
              ok = sum(fn(c) for c in chunks)
              return ok, time.perf_counter_ns() - t0
          with multiprocessing.Pool(procs, initializer=use_server, initargs=(port,)) as pool:
              pool.map(abs, range(procs * 4))   # workers up before the clock starts
              t0 = time.perf_counter_ns()
              ok = sum(pool.map(fn, chunks))
              return ok, time.perf_counter_ns() - t0
      if __name__ == '__main__':
          mode = sys.argv[1]
          if mode == 'sign':
              key, indir, outdir = sys.argv[2:5]
              sign(key, outdir, sorted(os.path.join(indir, f) for f in os.listdir(indir)))
              print(json.dumps({'signed': len(os.listdir(outdir))}))
              sys.exit(0)
          port, procs = sys.argv[2], int(sys.argv[3])
          use_server(port)
          if mode == 'dkim':
              files = sorted(os.path.join(sys.argv[4], f) for f in os.listdir(sys.argv[4]))
              chunks = [files[i::procs * 4] for i in range(procs * 4)] if procs > 1 else [files]
              ok, nanos = timed(dkim_chunk, chunks, procs, port)
              print(json.dumps({'ok': ok, 'total': len(files), 'nanos': nanos}))
          else:
              n, ip, sender, helo = int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7]
              parts = procs * 4 if procs > 1 else 1
              chunks = [(n // parts + (1 if i < n % parts else 0), ip, sender, helo)
                        for i in range(parts)]
              ok, nanos = timed(spf_chunk, chunks, procs, port)
              print(json.dumps({'ok': ok, 'total': n, 'nanos': nanos}))
      """
          .replace("%(sel)s", SELECTOR)
          .replace("%(origin)s", ORIGIN);

  private static final Pattern RESULT =
      Pattern.compile("\\{\"ok\": (\\d+), \"total\": (\\d+), \"nanos\": (\\d+)}");

  /** Settings from the command line. */
  record Settings(int messages, int size, int checks, int rounds, String python) {
    static Settings parse(String[] args) {
      int messages = 1000;
      int size = 100 * 1024;
      int checks = 2000;
      int rounds = 3;
      String python = "/usr/bin/python3";
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--messages" -> messages = Integer.parseInt(args[++i]);
          case "--size" -> size = Integer.parseInt(args[++i]);
          case "--checks" -> checks = Integer.parseInt(args[++i]);
          case "--rounds" -> rounds = Integer.parseInt(args[++i]);
          case "--python" -> python = args[++i];
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      return new Settings(messages, size, checks, rounds, python);
    }
  }

  /** One timed run: how many passed of how many, in how long. */
  record Run(int ok, int total, long nanos) {
    double rate() {
      return total * 1e9 / nanos;
    }
  }

  /**
   * Runs the benchmark.
   *
   * @param args options, see the class comment
   * @throws Exception when a peer is missing or fails
   */
  public static void main(String[] args) throws Exception {
    Settings s = Settings.parse(args);
    Map<String, List<Run>> runs = run(s);
    print(s, runs);
  }

  static Map<String, List<Run>> run(Settings s) throws Exception {
    Path work = Files.createTempDirectory("mailpath-auth-bench");
    try {
      Path script = work.resolve("peer.py");
      Files.writeString(script, SCRIPT);
      String keyRecord = makeKey(work);
      Path unsigned = Files.createDirectories(work.resolve("unsigned"));
      Path signed = Files.createDirectories(work.resolve("signed"));
      writeMessages(unsigned, s.messages(), s.size());
      System.out.printf(Locale.ROOT, "signing %,d messages with dkimpy...%n", s.messages());
      Tools.run(
          List.of(
              s.python(),
              script.toString(),
              "sign",
              work.resolve(SELECTOR + ".private").toString(),
              unsigned.toString(),
              signed.toString()),
          600);
      List<byte[]> messages = new ArrayList<>();
      try (var files = Files.list(signed)) {
        for (Path p : files.sorted().toList()) {
          messages.add(Files.readAllBytes(p));
        }
      }
      try (NsdServer nsd =
          NsdServer.builder()
              .zone(ORIGIN, zoneText(keyRecord))
              .serverOption("receive-buffer-size", "4194304")
              .start()) {
        InetSocketAddress server = nsd.address();
        DkimVerifier dkim =
            DkimVerifier.builder()
                .dns(d -> d.server(server).timeout(Duration.ofSeconds(2)))
                .build();
        SpfCheck spf =
            SpfCheck.builder().dns(d -> d.server(server).timeout(Duration.ofSeconds(2))).build();
        InetAddress ip = InetAddress.getByName(SENDER_IP);
        String sender = "bench@spf10." + ORIGIN;
        String helo = "mta.spf10." + ORIGIN;
        // JIT warm-up, untimed.
        verifyDkim(dkim, messages.subList(0, Math.min(200, messages.size())), 1);
        checkSpf(spf, ip, sender, helo, Math.min(500, s.checks()), 32);

        Map<String, List<Run>> runs = new LinkedHashMap<>();
        for (int round = 1; round <= s.rounds(); round++) {
          System.out.printf(Locale.ROOT, "round %d of %d%n", round, s.rounds());
          add(runs, "dkim mailpath 1 thread", verifyDkim(dkim, messages, 1));
          add(runs, "dkim mailpath 2 threads", verifyDkim(dkim, messages, 2));
          for (int procs : new int[] {1, 2, 4}) {
            add(
                runs,
                "dkim dkimpy " + procs + " proc",
                python(s, script, "dkim", nsd.port(), procs, signed.toString()));
          }
          add(runs, "spf mailpath 1 in flight", checkSpf(spf, ip, sender, helo, s.checks(), 1));
          add(runs, "spf mailpath 32 in flight", checkSpf(spf, ip, sender, helo, s.checks(), 32));
          for (int procs : new int[] {1, 2, 4}) {
            add(
                runs,
                "spf pyspf " + procs + " proc",
                python(
                    s,
                    script,
                    "spf",
                    nsd.port(),
                    procs,
                    String.valueOf(s.checks()),
                    SENDER_IP,
                    sender,
                    helo));
          }
        }
        return runs;
      }
    } finally {
      Tools.deleteRecursively(work);
    }
  }

  private static void add(Map<String, List<Run>> runs, String name, Run run) {
    System.out.printf(
        Locale.ROOT,
        "  %-28s %,10.1f /s  (%d of %d passed)%n",
        name,
        run.rate(),
        run.ok(),
        run.total());
    runs.computeIfAbsent(name, k -> new ArrayList<>()).add(run);
  }

  static Run verifyDkim(DkimVerifier dkim, List<byte[]> messages, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      AtomicInteger ok = new AtomicInteger();
      long t0 = System.nanoTime();
      List<Future<?>> parts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t;
        parts.add(
            pool.submit(
                () -> {
                  for (int i = first; i < messages.size(); i += threads) {
                    DkimReport r = dkim.verify(messages.get(i));
                    if (r.result() == DkimResult.PASS) {
                      ok.incrementAndGet();
                    } else if (FIRST_FAILURE.compareAndSet(false, true)) {
                      System.err.println("first DKIM verification that did not pass: " + r);
                    }
                  }
                }));
      }
      for (Future<?> f : parts) {
        f.get();
      }
      return new Run(ok.get(), messages.size(), System.nanoTime() - t0);
    } finally {
      pool.shutdownNow();
    }
  }

  static Run checkSpf(SpfCheck spf, InetAddress ip, String sender, String helo, int n, int inFlight)
      throws Exception {
    Semaphore slots = new Semaphore(inFlight);
    AtomicInteger ok = new AtomicInteger();
    List<CompletableFuture<SpfReport>> all = new ArrayList<>(n);
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      slots.acquire();
      // Count in the stage that is awaited, so no callback runs after the count is read.
      CompletableFuture<SpfReport> f =
          spf.checkAsync(ip, sender, helo)
              .whenComplete(
                  (r, e) -> {
                    if (r != null && r.result() == SpfResult.PASS) {
                      ok.incrementAndGet();
                    } else if (FIRST_FAILURE.compareAndSet(false, true)) {
                      System.err.println(
                          "first SPF check that did not pass: " + (r != null ? r : e));
                    }
                    slots.release();
                  });
      all.add(f);
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    return new Run(ok.get(), n, System.nanoTime() - t0);
  }

  private static Run python(
      Settings s, Path script, String mode, int port, int procs, String... rest)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(s.python());
    cmd.add(script.toString());
    cmd.add(mode);
    cmd.add(String.valueOf(port));
    cmd.add(String.valueOf(procs));
    Collections.addAll(cmd, rest);
    String out = Tools.run(cmd, 3600);
    Matcher m = RESULT.matcher(out);
    if (!m.find()) {
      throw new IOException("unexpected output from " + cmd + ":\n" + out);
    }
    return new Run(
        Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Long.parseLong(m.group(3)));
  }

  /** Makes an RSA-2048 key with opendkim-genkey; returns the key's {@code p=} value. */
  static String makeKey(Path dir) throws IOException {
    Tools.run(
        List.of(
            Tools.which("opendkim-genkey").orElseThrow().toString(),
            "-b",
            "2048",
            "-s",
            SELECTOR,
            "-d",
            ORIGIN,
            "-D",
            dir.toString()),
        120);
    String txt = Files.readString(dir.resolve(SELECTOR + ".txt"));
    StringBuilder joined = new StringBuilder();
    Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(txt);
    while (m.find()) {
      joined.append(m.group(1));
    }
    Matcher p = Pattern.compile("p=([A-Za-z0-9+/=]+)").matcher(joined);
    if (!p.find()) {
      throw new IOException("no p= in opendkim-genkey's record: " + txt);
    }
    return p.group(1);
  }

  /** The zone: the DKIM key, and an SPF record that spends all 10 lookups before it passes. */
  static String zoneText(String publicKey) {
    StringBuilder z = new StringBuilder();
    z.append("$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 86400 300\n@ IN NS ns1\n");
    z.append("ns1 IN A 127.0.0.1\n");
    String key = "v=DKIM1; k=rsa; p=" + publicKey;
    z.append(SELECTOR).append("._domainkey IN TXT");
    for (int i = 0; i < key.length(); i += 200) {
      z.append(" \"").append(key, i, Math.min(key.length(), i + 200)).append('"');
    }
    z.append('\n');
    StringBuilder spf = new StringBuilder("v=spf1");
    for (int i = 1; i <= 9; i++) {
      spf.append(" include:inc").append(i).append(".spf10.").append(ORIGIN);
      z.append("inc")
          .append(i)
          .append(".spf10 IN TXT \"v=spf1 ip4:192.0.2.")
          .append(i)
          .append(" -all\"\n");
    }
    spf.append(" a:last.spf10.").append(ORIGIN).append(" -all");
    z.append("spf10 IN TXT");
    for (int i = 0; i < spf.length(); i += 200) {
      z.append(" \"").append(spf, i, Math.min(spf.length(), i + 200)).append('"');
    }
    z.append('\n');
    z.append("last.spf10 IN A ").append(SENDER_IP).append('\n');
    return z.toString();
  }

  /** Writes n messages of about {@code size} bytes, CRLF line ends, each with its own body. */
  static void writeMessages(Path dir, int n, int size) throws IOException {
    Random random = new Random(42);
    String alphabet = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,;";
    for (int i = 0; i < n; i++) {
      StringBuilder m = new StringBuilder(size + 512);
      m.append("From: Bench <bench@").append(ORIGIN).append(">\r\n");
      m.append("To: someone@example.test\r\n");
      m.append("Subject: benchmark message ").append(i).append("\r\n");
      m.append("Date: Mon, 07 Dec 2026 20:00:00 +0000\r\n");
      m.append("Message-ID: <").append(i).append(".bench@").append(ORIGIN).append(">\r\n\r\n");
      while (m.length() < size) {
        for (int c = 0; c < 76; c++) {
          m.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        m.append("\r\n");
      }
      Files.write(
          dir.resolve(String.format(Locale.ROOT, "m%05d.eml", i)),
          m.toString().getBytes(StandardCharsets.US_ASCII));
    }
  }

  private static void print(Settings s, Map<String, List<Run>> runs) {
    System.out.printf(
        Locale.ROOT,
        "%nmedians of %d rounds (DKIM: %,d messages of %,d bytes; SPF: %,d checks, 11 queries"
            + " each)%n",
        s.rounds(),
        s.messages(),
        s.size(),
        s.checks());
    Map<String, Double> medians = new LinkedHashMap<>();
    for (var e : runs.entrySet()) {
      List<Double> rates = e.getValue().stream().map(Run::rate).sorted().toList();
      medians.put(e.getKey(), rates.get(rates.size() / 2));
    }
    for (String kind : List.of("dkim", "spf")) {
      double bestPeer =
          medians.entrySet().stream()
              .filter(e -> e.getKey().startsWith(kind + " ") && !e.getKey().contains("mailpath"))
              .mapToDouble(Map.Entry::getValue)
              .max()
              .orElse(Double.NaN);
      for (var e : medians.entrySet()) {
        if (e.getKey().startsWith(kind + " ")) {
          System.out.printf(
              Locale.ROOT,
              "| %-28s | %,10.1f /s | %5.2fx best peer |%n",
              e.getKey(),
              e.getValue(),
              e.getValue() / bestPeer);
        }
      }
    }
  }
}
