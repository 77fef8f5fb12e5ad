package dev.mailpath.diag.benchmarks;

import dev.mailpath.diag.posture.MailPostureCheck;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509TrustManager;

/**
 * A {@link PostureLab} in a JVM of its own ({@code PostureLab --serve}), so that the benchmark's
 * JVM holds only the client: its heap, CPU and collections are the check's. The lab's JVM gets 1 GB
 * for signing the zone.
 */
final class PostureLabProcess implements PostureBenchmark.Lab {
  private final PostureLab.Layout layout;
  private final Process process;
  private final BufferedReader out;
  private final PrintWriter in;
  private final Path certFile;
  private final String description;
  private final InetSocketAddress dns;
  private final int smtpPort;
  private final int policyPort;
  private final long nsdPid;
  private final String anchor;
  private final X509TrustManager trust;
  private final String certificatesPem;

  private PostureLabProcess(PostureLab.Layout layout, Process process, Path certFile)
      throws Exception {
    this.layout = layout;
    this.process = process;
    this.certFile = certFile;
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.in =
        new PrintWriter(
            new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
    String line;
    String desc = "";
    while ((line = out.readLine()) != null && !line.startsWith("ready ")) {
      if (line.startsWith("# ")) {
        desc = line.substring(2);
      }
    }
    if (line == null) {
      throw new IllegalStateException("the lab process ended before it was ready");
    }
    String[] f = line.split(" ");
    this.description = desc + "; lab pid " + process.pid();
    this.dns = new InetSocketAddress("127.0.0.1", Integer.parseInt(f[1]));
    this.smtpPort = Integer.parseInt(f[2]);
    this.policyPort = Integer.parseInt(f[3]);
    this.nsdPid = Long.parseLong(f[4]);
    this.anchor = out.readLine();
    Set<X509Certificate> certs = new HashSet<>();
    try (InputStream pem = Files.newInputStream(certFile)) {
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(pem)) {
        certs.add((X509Certificate) c);
      }
    }
    this.trust = new LabCertificates(certs);
    this.certificatesPem = Files.readString(certFile, StandardCharsets.US_ASCII);
  }

  /** The lab's DNS server (NSD). */
  InetSocketAddress dns() {
    return dns;
  }

  /** The port of every SMTP server of the lab. */
  int smtpPort() {
    return smtpPort;
  }

  /** The port of every MTA-STS policy server of the lab. */
  int policyPort() {
    return policyPort;
  }

  /** The trust anchor: the lab root's DS record. */
  String anchor() {
    return anchor;
  }

  /** Every certificate of the lab's servers, PEM, one after the other. */
  String certificatesPem() {
    return certificatesPem;
  }

  /**
   * Starts a lab in a new JVM with this JVM's class path and waits until it serves.
   *
   * @param layout what the zone holds
   * @return the running lab
   * @throws Exception when it cannot start
   */
  static PostureLabProcess start(PostureLab.Layout layout) throws Exception {
    return start(layout, true);
  }

  /**
   * Starts a lab in a new JVM, its {@code lab.} zone signed or not ({@link PostureLab#start(
   * PostureLab.Layout, boolean)}), and waits until it serves.
   *
   * @param layout what the zone holds
   * @param signed whether {@code lab.} is signed
   * @return the running lab
   * @throws Exception when it cannot start
   */
  static PostureLabProcess start(PostureLab.Layout layout, boolean signed) throws Exception {
    Path certFile = Files.createTempFile("posture-lab", ".pem");
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-cp",
                System.getProperty("java.class.path"),
                PostureLab.class.getName(),
                "--serve",
                Integer.toString(layout.domains()),
                Integer.toString(layout.hosts()),
                Integer.toString(layout.mtaStsEvery()),
                certFile.toString()));
    if (!signed) {
      command.add("--unsigned");
    }
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      return new PostureLabProcess(layout, p, certFile);
    } catch (Exception | Error e) {
      p.destroy();
      Files.deleteIfExists(certFile);
      throw e;
    }
  }

  @Override
  public PostureLab.Layout layout() {
    return layout;
  }

  @Override
  public MailPostureCheck.Builder check() {
    return PostureBenchmark.check(dns, trust, anchor, smtpPort, policyPort);
  }

  @Override
  public synchronized int[] connectionCounts() throws IOException {
    in.println("counts");
    String line = out.readLine();
    if (line == null) {
      throw new IOException("the lab process ended");
    }
    return Arrays.stream(line.split(",")).mapToInt(Integer::parseInt).toArray();
  }

  @Override
  public long nsdPid() {
    return nsdPid;
  }

  @Override
  public long labPid() {
    return process.pid();
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    in.close();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroy();
      }
      Files.deleteIfExists(certFile);
    } catch (InterruptedException e) {
      process.destroy();
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // a temp file left behind
    }
  }

  /** Trusts exactly the lab's certificates (each is its own issuer); the JDK checks the name. */
  private static final class LabCertificates implements X509TrustManager {
    private final Set<X509Certificate> certs;

    LabCertificates(Set<X509Certificate> certs) {
      this.certs = Set.copyOf(certs);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("not a client trust manager");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      if (chain.length == 0 || !certs.contains(chain[0])) {
        throw new CertificateException("not a lab certificate");
      }
      chain[0].checkValidity();
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return List.of().toArray(new X509Certificate[0]);
    }
  }
}
