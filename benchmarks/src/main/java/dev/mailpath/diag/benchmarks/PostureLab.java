package dev.mailpath.diag.benchmarks;

import dev.mailpath.diag.dns.DnssecStatus;
import dev.mailpath.diag.posture.AddressPosture;
import dev.mailpath.diag.posture.DaneExchangeResult;
import dev.mailpath.diag.posture.DaneReport;
import dev.mailpath.diag.posture.ExchangePosture;
import dev.mailpath.diag.posture.MailPostureCheck;
import dev.mailpath.diag.posture.MailPostureReport;
import dev.mailpath.diag.posture.PostureFinding;
import dev.mailpath.diag.testkit.DnssecTestSigner;
import dev.mailpath.diag.testkit.MtaStsPolicyServer;
import dev.mailpath.diag.testkit.PolicySmtpServer;
import dev.mailpath.diag.testkit.TestCertificates;
import dev.mailpath.diag.testkit.peer.NsdServer;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import javax.net.ssl.X509TrustManager;

/**
 * The posture benchmark's lab, all on loopback: a real NSD serving a DNSSEC-signed lab root and a
 * signed {@code lab.} zone with N domains {@code d<i>.lab} plus {@code full.lab}; the domains' mail
 * goes to a small set of shared exchange hosts {@code mx<k>.lab} on {@code 127.0.1.<k+1>} (a
 * STARTTLS server each, all on one port), every fourth of them also on {@code ::1} (one more server
 * there); MTA-STS policy hosts on {@code 127.0.2.x} and up.
 *
 * <p>Every domain has an MX record, SPF, DMARC and TLS-RPT; every third a DKIM key under {@code
 * _domainkey}; every {@code mtaStsEvery}-th an MTA-STS record and a policy host of its own. Four of
 * five exchange hosts publish a matching DANE-EE TLSA record; the fifth has none (securely denied).
 * {@code full.lab} has all of it, an exchange of its own with IPv6 and DANE.
 */
final class PostureLab implements PostureBenchmark.Lab {
  static final String FULL = "full.lab";
  static final String FULL_EXCHANGE = "mx.full.lab";
  static final String FULL_EXCHANGE_ADDRESS = "127.0.1.250";

  /** RFC 8463's example Ed25519 key: only the existence of {@code _domainkey} is checked. */
  static final String DKIM_RECORD =
      "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

  /**
   * What the zone holds.
   *
   * @param domains how many domains {@code d<i>.lab}
   * @param hosts how many shared exchange hosts (1..200)
   * @param mtaStsEvery every how many domains one has MTA-STS
   */
  record Layout(int domains, int hosts, int mtaStsEvery) {
    Layout {
      if (domains < 1 || hosts < 1 || hosts > 200 || mtaStsEvery < 1) {
        throw new IllegalArgumentException("domains >= 1, hosts 1..200, mtaStsEvery >= 1");
      }
    }

    int host(int i) {
      return i % hosts;
    }

    boolean dkim(int i) {
      return i % 3 == 0;
    }

    boolean mtaSts(int i) {
      return i % mtaStsEvery == 0;
    }

    /** Policy servers for the numbered domains; {@code full.lab}'s is one more. */
    int policyServers() {
      return (domains + mtaStsEvery - 1) / mtaStsEvery;
    }

    /** Exchange hosts that serve at least one domain. */
    int usedHosts() {
      return Math.min(hosts, domains);
    }

    /** Used exchange hosts that have an AAAA record. */
    int usedIpv6Hosts() {
      return (int) IntStream.range(0, usedHosts()).filter(Layout::ipv6).count();
    }

    static boolean ipv6(int k) {
      return k % 4 == 0;
    }

    static boolean tlsa(int k) {
      return k % 5 != 4;
    }

    static String exchange(int k) {
      return "mx" + k + ".lab";
    }

    static String ipv4(int k) {
      return "127.0.1." + (k + 1);
    }

    static String domain(int i) {
      return "d" + i + ".lab";
    }

    static String policyAddress(int j) {
      return "127.0." + (2 + j / 250) + "." + (1 + j % 250);
    }

    /** The numbered domains, generated as they are read. */
    Iterable<String> names() {
      return () ->
          new Iterator<>() {
            int next;

            @Override
            public boolean hasNext() {
              return next < domains;
            }

            @Override
            public String next() {
              if (!hasNext()) {
                throw new java.util.NoSuchElementException();
              }
              return domain(next++);
            }
          };
    }

    /**
     * Tells what is wrong with a report, against what the zone holds.
     *
     * @param r a report of {@code full.lab} or a numbered domain
     * @return null when the report is complete and right; else the first problem
     */
    String problem(MailPostureReport r) {
      String d = r.domain();
      boolean full = d.equals(FULL);
      int i = full ? -1 : Integer.parseInt(d.substring(1, d.indexOf('.')));
      int k = full ? -1 : host(i);
      boolean v6 = full || Layout.ipv6(k);
      boolean tlsa = full || Layout.tlsa(k);
      boolean sts = full || mtaSts(i);
      boolean dkim = full || dkim(i);
      String host = full ? FULL_EXCHANGE : Layout.exchange(k);
      String ip = full ? FULL_EXCHANGE_ADDRESS : Layout.ipv4(k);
      if (r.incomplete()) {
        return d + ": incomplete";
      }
      if (r.exchanges().size() != 1 || !r.exchanges().get(0).host().equals(host)) {
        return d + ": exchanges " + r.exchanges();
      }
      ExchangePosture x = r.exchanges().get(0);
      List<String> want = v6 ? List.of(ip, "::1") : List.of(ip);
      if (!x.addresses().stream().map(AddressPosture::address).toList().equals(want)) {
        return d + ": addresses " + x.addresses();
      }
      for (AddressPosture a : x.addresses()) {
        if (!a.tlsEstablished() || !a.tls().orElseThrow().verified()) {
          return d + ": no verified STARTTLS at " + a;
        }
      }
      if (x.addressStatus() != DnssecStatus.SECURE) {
        return d + ": exchange address records " + x.addressStatus();
      }
      DaneReport dane = r.dane().orElse(null);
      if (dane == null || dane.mxStatus() != DnssecStatus.SECURE || dane.exchanges().size() != 1) {
        return d + ": DNSSEC/DANE " + dane;
      }
      DaneExchangeResult de = dane.exchanges().get(0);
      if (de.daneApplies() != tlsa || (tlsa && de.matched().isEmpty())) {
        return d + ": DANE " + de;
      }
      if (r.spf().flatMap(s -> s.record()).isEmpty()
          || r.dmarc().flatMap(m -> m.record()).isEmpty()
          || r.tlsRpt().flatMap(t -> t.record()).isEmpty()) {
        return d + ": SPF, DMARC or TLS-RPT record missing";
      }
      if (r.mtaSts().isEmpty() || r.mtaSts().get().policy().isPresent() != sts) {
        return d + ": MTA-STS " + r.mtaSts();
      }
      if (r.hasFinding(PostureFinding.DKIM_NOT_FOUND) == dkim) {
        return d + ": DKIM " + (dkim ? "not found" : "found");
      }
      if (r.score().isEmpty()) {
        return d + ": no score";
      }
      return null;
    }
  }

  final Layout layout;
  final boolean signed;
  final DnssecTestSigner root = DnssecTestSigner.create(".");
  final TestCertificates.ServerCertificate cert;
  final List<PolicySmtpServer> smtp = new ArrayList<>();
  final List<MtaStsPolicyServer> policies = new ArrayList<>();
  PolicySmtpServer smtp6;
  PolicySmtpServer fullSmtp;
  NsdServer nsd;
  X509TrustManager trust;
  int smtpPort;
  int policyPort;
  long signingNanos;
  int zoneLines;

  private PostureLab(Layout layout, boolean signed) {
    this.layout = layout;
    this.signed = signed;
    String[] names = new String[layout.hosts() + 1];
    for (int k = 0; k < layout.hosts(); k++) {
      names[k] = Layout.exchange(k);
    }
    names[layout.hosts()] = FULL_EXCHANGE;
    this.cert = TestCertificates.selfSigned(names);
  }

  /**
   * Starts every server of the lab.
   *
   * @param layout what the zone holds
   * @return the running lab; close it to stop everything
   * @throws Exception when a server cannot start
   */
  static PostureLab start(Layout layout) throws Exception {
    return start(layout, true);
  }

  /**
   * Starts every server of the lab, with the {@code lab.} zone signed or not. Unsigned, the root
   * (tiny, always signed) delegates {@code lab.} without a DS record, so a validating client proves
   * {@code lab.} insecure: every MX and address is {@code INSECURE} and DANE does not apply. That
   * skips signing, which takes minutes for 100,000 domains with the testkit's signer.
   *
   * @param layout what the zone holds
   * @param signed whether {@code lab.} is signed (and its DS is in the root)
   * @return the running lab; close it to stop everything
   * @throws Exception when a server cannot start
   */
  static PostureLab start(Layout layout, boolean signed) throws Exception {
    PostureLab lab = new PostureLab(layout, signed);
    try {
      lab.startServers();
      return lab;
    } catch (Exception | Error e) {
      lab.close();
      throw e;
    }
  }

  private PolicySmtpServer smtpServer(String host, String address, int port) throws Exception {
    return PolicySmtpServer.builder()
        .hostname(host)
        .localDomain("lab")
        .startTls(cert.serverContext())
        .bindAddress(InetAddress.getByName(address))
        .port(port)
        .start();
  }

  private void startServers() throws Exception {
    for (int k = 0; k < layout.hosts(); k++) {
      PolicySmtpServer s = smtpServer(Layout.exchange(k), Layout.ipv4(k), smtpPort);
      smtpPort = s.port();
      smtp.add(s);
    }
    fullSmtp = smtpServer(FULL_EXCHANGE, FULL_EXCHANGE_ADDRESS, smtpPort);
    smtp6 = smtpServer("mx-v6.lab", "::1", smtpPort);

    Map<X509Certificate, X509TrustManager> trusted = new HashMap<>();
    trusted.put(cert.certificate(), cert.trustManager());
    for (int j = 0; j <= layout.policyServers(); j++) {
      boolean full = j == layout.policyServers();
      int i = j * layout.mtaStsEvery();
      String domain = full ? FULL : Layout.domain(i);
      String mx = full ? FULL_EXCHANGE : Layout.exchange(layout.host(i));
      MtaStsPolicyServer p =
          MtaStsPolicyServer.builder()
              .domain(domain)
              .policy("version: STSv1\nmode: enforce\nmx: " + mx + "\nmax_age: 86400\n")
              .bindAddress(InetAddress.getByName(Layout.policyAddress(j)))
              .port(policyPort)
              .start();
      policyPort = p.port();
      policies.add(p);
      trusted.put(p.certificate().certificate(), p.trustManager());
    }
    trust = new ByCertificate(trusted);

    long t0 = System.nanoTime();
    DnssecTestSigner labKey = DnssecTestSigner.create("lab.");
    String rootZone =
        root.sign(
            "$ORIGIN .\n$TTL 300\n@ SOA ns.lab. h.lab. 1 3600 600 86400 300\n@ NS ns.lab.\n"
                + "lab. NS ns.lab.\nns.lab. A 127.0.0.1\n"
                + (signed ? labKey.ds() : "")
                + "\n");
    String labZone = signed ? labKey.sign(labZoneText()) : labZoneText();
    signingNanos = System.nanoTime() - t0;
    zoneLines = (int) labZone.lines().count();
    nsd =
        NsdServer.builder()
            .zone(".", rootZone)
            .zone("lab.", labZone)
            .serverOption("receive-buffer-size", "4194304")
            .serverOption("send-buffer-size", "4194304")
            .startTimeout(Duration.ofMinutes(5))
            .start();
  }

  /** The unsigned {@code lab.} zone. */
  String labZoneText() throws Exception {
    String tlsa = "3 1 1 " + spkiSha256(cert.certificate());
    StringBuilder z = new StringBuilder(256 * layout.domains() + 4096);
    z.append("$ORIGIN lab.\n$TTL 300\n@ SOA ns h 1 3600 600 86400 300\n@ NS ns\nns A 127.0.0.1\n");
    for (int k = 0; k < layout.hosts(); k++) {
      String x = "mx" + k;
      z.append(x).append(" A ").append(Layout.ipv4(k)).append('\n');
      if (Layout.ipv6(k)) {
        z.append(x).append(" AAAA ::1\n");
      }
      if (Layout.tlsa(k)) {
        z.append("_25._tcp.").append(x).append(" TLSA ").append(tlsa).append('\n');
      }
    }
    z.append("mx.full A ").append(FULL_EXCHANGE_ADDRESS).append("\nmx.full AAAA ::1\n");
    z.append("_25._tcp.mx.full TLSA ").append(tlsa).append('\n');
    domain(z, "full", "mx.full", FULL_EXCHANGE_ADDRESS, true, layout.policyServers());
    for (int i = 0; i < layout.domains(); i++) {
      int k = layout.host(i);
      domain(
          z,
          "d" + i,
          "mx" + k,
          Layout.ipv4(k),
          layout.dkim(i),
          layout.mtaSts(i) ? i / layout.mtaStsEvery() : -1);
    }
    return z.toString();
  }

  private static void domain(
      StringBuilder z, String d, String mx, String ip, boolean dkim, int policy) {
    z.append(d).append(" MX 10 ").append(mx).append('\n');
    z.append(d).append(" TXT \"v=spf1 ip4:").append(ip).append(" -all\"\n");
    z.append("_dmarc.")
        .append(d)
        .append(" TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@")
        .append(d)
        .append(".lab\"\n");
    z.append("_smtp._tls.")
        .append(d)
        .append(" TXT \"v=TLSRPTv1; rua=mailto:tls@")
        .append(d)
        .append(".lab\"\n");
    if (dkim) {
      z.append("s1._domainkey.").append(d).append(" TXT \"").append(DKIM_RECORD).append("\"\n");
    }
    if (policy >= 0) {
      z.append("_mta-sts.").append(d).append(" TXT \"v=STSv1; id=20261208\"\n");
      z.append("mta-sts.")
          .append(d)
          .append(" A ")
          .append(Layout.policyAddress(policy))
          .append('\n');
    }
  }

  static String spkiSha256(X509Certificate c) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(c.getPublicKey().getEncoded()));
  }

  @Override
  public PostureLab.Layout layout() {
    return layout;
  }

  @Override
  public MailPostureCheck.Builder check() {
    return PostureBenchmark.check(nsd.address(), trust, root.ds(), smtpPort, policyPort);
  }

  @Override
  public long nsdPid() {
    return nsd.pid();
  }

  @Override
  public long labPid() {
    return -1;
  }

  @Override
  public String describe() {
    return String.format(
        Locale.ROOT,
        "%d exchange hosts on port %d (+ ::1), %d MTA-STS policy hosts, %s; zone %,d lines %s"
            + " in %.1f s",
        layout.hosts(),
        smtpPort,
        policies.size(),
        nsd,
        zoneLines,
        signed ? "signed" : "unsigned (lab. insecure), made",
        signingNanos / 1e9);
  }

  /** Every certificate of the lab's servers, PEM, one after the other. */
  String certificatesPem() {
    StringBuilder b = new StringBuilder(cert.certificatePem());
    policies.forEach(p -> b.append(p.certificate().certificatePem()));
    return b.toString();
  }

  /**
   * Serves a lab for a benchmark in another process, so that the measured JVM holds only the
   * client: {@code --serve DOMAINS HOSTS MTA_STS_EVERY CERT_FILE [--unsigned]}. Writes the lab's
   * certificates to CERT_FILE, prints {@code ready DNS_PORT SMTP_PORT POLICY_PORT NSD_PID} and the
   * trust anchor on the next line, then answers each {@code counts} line on stdin with the
   * connection counts (comma-separated); stops when stdin closes.
   *
   * @param args see above
   * @throws Exception when the lab cannot start
   */
  public static void main(String[] args) throws Exception {
    boolean unsigned = args.length == 6 && args[5].equals("--unsigned");
    if (args.length != (unsigned ? 6 : 5) || !args[0].equals("--serve")) {
      throw new IllegalArgumentException(
          "--serve DOMAINS HOSTS MTA_STS_EVERY CERT_FILE [--unsigned]");
    }
    Layout layout =
        new Layout(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
    try (PostureLab lab = start(layout, !unsigned)) {
      java.nio.file.Files.writeString(java.nio.file.Path.of(args[4]), lab.certificatesPem());
      System.out.println("# " + lab.describe());
      System.out.println(
          "ready "
              + lab.nsd.address().getPort()
              + " "
              + lab.smtpPort
              + " "
              + lab.policyPort
              + " "
              + lab.nsd.pid());
      System.out.println(lab.root.ds());
      System.out.flush();
      java.io.BufferedReader in =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        if (line.strip().equals("counts")) {
          System.out.println(
              java.util.Arrays.stream(lab.connectionCounts())
                  .mapToObj(Integer::toString)
                  .collect(java.util.stream.Collectors.joining(",")));
          System.out.flush();
        }
      }
    }
  }

  @Override
  public int[] connectionCounts() {
    int[] c = new int[smtp.size() + 3];
    for (int k = 0; k < smtp.size(); k++) {
      c[k] = smtp.get(k).connectionCount();
    }
    c[smtp.size()] = fullSmtp.connectionCount();
    c[smtp.size() + 1] = smtp6.connectionCount();
    c[smtp.size() + 2] = policies.stream().mapToInt(p -> p.requests().size()).sum();
    return c;
  }

  @Override
  public void close() {
    List<AutoCloseable> all = new ArrayList<>();
    all.add(nsd);
    all.addAll(policies);
    all.addAll(smtp);
    all.add(fullSmtp);
    all.add(smtp6);
    for (AutoCloseable c : all) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // best effort
      }
    }
  }

  /** Trusts each lab certificate by the trust manager made for it. */
  private static final class ByCertificate implements X509TrustManager {
    private final Map<X509Certificate, X509TrustManager> byLeaf;

    ByCertificate(Map<X509Certificate, X509TrustManager> byLeaf) {
      this.byLeaf = Map.copyOf(byLeaf);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("not a client trust manager");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      X509TrustManager m = chain.length == 0 ? null : byLeaf.get(chain[0]);
      if (m == null) {
        throw new CertificateException("not a lab certificate");
      }
      m.checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
