package dev.mailpath.diag.spark.internal;

import dev.mailpath.diag.core.HostAndPort;
import dev.mailpath.diag.dns.DnsSettings;
import dev.mailpath.diag.dns.MxResolver;
import dev.mailpath.diag.posture.DnsblList;
import dev.mailpath.diag.posture.MailPostureCheck;
import dev.mailpath.diag.smtp.SmtpTimeouts;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The checks of one executor JVM: one {@link MailPostureCheck} (and so one DNS transport, one SMTP
 * client, one set of per-host connection gates and one exchange cache) and one {@link MxResolver}
 * per {@link JobSettings} value, built when the first task of a run needs them and shared by every
 * task thread of the executor. Only the last few runs' checks are kept. Thread-safe.
 */
public final class ExecutorChecks {
  private static final int RUNS_KEPT = 4;

  /** Both clients of one settings value. */
  public record Clients(MailPostureCheck posture, MxResolver mx) {}

  private static final Map<JobSettings, Clients> CLIENTS =
      new LinkedHashMap<>(8, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<JobSettings, Clients> eldest) {
          return size() > RUNS_KEPT;
        }
      };

  private ExecutorChecks() {}

  /**
   * Returns this JVM's clients for the settings, building them on first use.
   *
   * @param settings the job's settings
   * @return the clients
   * @throws IllegalArgumentException when a setting cannot be used here (a malformed certificate)
   */
  public static Clients of(JobSettings settings) {
    synchronized (CLIENTS) {
      Clients c = CLIENTS.get(settings);
      if (c == null) {
        c = build(settings);
        CLIENTS.put(settings, c);
      }
      return c;
    }
  }

  static Clients build(JobSettings s) {
    DnsSettings dns = dns(s);
    MailPostureCheck.Builder b =
        MailPostureCheck.builder()
            .dns(dns)
            .smtpPort(s.smtpPort())
            .policyPort(s.policyPort())
            .dkimSelectors(s.dkimSelectors())
            .dnsblLists(dnsbl(s.dnsblLists()))
            .deadline(s.deadline())
            .maxConnectionsPerHost(s.maxConnectionsPerHost())
            .maxConnectionsPerMinutePerHost(s.maxConnectionsPerMinutePerHost())
            .exchangeCacheSize(s.exchangeCacheSize());
    if (!s.trustAnchors().isEmpty()) {
      b.trustAnchors(s.trustAnchors());
    }
    b.timeouts(SmtpTimeouts.all(s.smtpTimeout()));
    if (!s.trustedCertificates().isEmpty()) {
      X509TrustManager trust = trustManager(s.trustedCertificates());
      b.tls(t -> t.trustManager(trust));
    }
    return new Clients(b.build(), MxResolver.builder().dns(dns).build());
  }

  /**
   * Builds the DNS settings the values describe.
   *
   * @param s the settings
   * @return DNS settings
   */
  public static DnsSettings dns(JobSettings s) {
    List<InetSocketAddress> servers = new ArrayList<>();
    for (String text : s.dnsServers()) {
      HostAndPort hp = HostAndPort.parse(text, 53);
      servers.add(
          new InetSocketAddress(
              hp.address()
                  .orElseThrow(
                      () -> new IllegalArgumentException("DNS server must be an IP: " + text)),
              hp.port()));
    }
    DnsSettings.Builder d =
        DnsSettings.builder()
            .timeout(s.dnsTimeout())
            .retries(s.dnsRetries())
            .tcpOnly(s.dnsTcpOnly())
            .maxInFlightPerServer(s.dnsMaxInFlightPerServer())
            .rateLimit(s.dnsQueriesPerSecondPerServer())
            .deadline(s.dnsDeadline());
    if (!servers.isEmpty()) {
      d.servers(servers);
    }
    return d.build();
  }

  /**
   * Writes blocklists as {@code kind:zone} text.
   *
   * @param lists the lists
   * @return one text per list
   */
  public static List<String> dnsblText(List<DnsblList> lists) {
    List<String> out = new ArrayList<>();
    for (DnsblList l : lists) {
      out.add(l.kind().name().toLowerCase(Locale.ROOT) + ":" + l.zone());
    }
    return out;
  }

  /**
   * Reads blocklists from {@code kind:zone} text.
   *
   * @param texts one text per list
   * @return the lists
   */
  public static List<DnsblList> dnsbl(List<String> texts) {
    List<DnsblList> known =
        List.of(
            DnsblList.SPAMHAUS_ZEN, DnsblList.SPAMHAUS_DBL, DnsblList.SPAMCOP, DnsblList.BARRACUDA);
    List<DnsblList> out = new ArrayList<>();
    for (String text : texts) {
      int colon = text.indexOf(':');
      DnsblList.Kind kind =
          DnsblList.Kind.valueOf(text.substring(0, colon).toUpperCase(Locale.ROOT));
      String zone = text.substring(colon + 1);
      DnsblList list =
          known.stream()
              .filter(k -> k.kind() == kind && k.zone().equals(zone))
              .findFirst()
              .orElseGet(
                  () -> kind == DnsblList.Kind.IP ? DnsblList.ip(zone) : DnsblList.domain(zone));
      out.add(list);
    }
    return out;
  }

  /**
   * Builds a trust manager that trusts exactly the certificates given.
   *
   * @param pems PEM certificates
   * @return the trust manager
   * @throws IllegalArgumentException when a certificate cannot be read
   */
  public static X509TrustManager trustManager(List<String> pems) {
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (String pem : pems) {
        for (Certificate c :
            cf.generateCertificates(
                new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
          ks.setCertificateEntry("trusted-" + i++, c);
        }
      }
      if (i == 0) {
        throw new IllegalArgumentException("trustedCertificates holds no PEM certificate");
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("no X509TrustManager");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalArgumentException("trustedCertificates: " + e.getMessage(), e);
    }
  }

  static Duration backoff(JobSettings s, int retry) {
    return s.retryBackoff().multipliedBy(1L << Math.min(retry - 1, 10));
  }
}
