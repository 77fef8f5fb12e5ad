package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.internal.IpLiterals;
import java.net.InetAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Checks a certificate against a host name or address the way RFC 6125 §6 describes: DNS subject
 * alternative names (one leading wildcard label at most), IP SANs for addresses, and the subject CN
 * only when there are no DNS SANs.
 */
public final class HostnameMatcher {
  private HostnameMatcher() {}

  /**
   * Lists the DNS and IP subject alternative names.
   *
   * @param cert the certificate
   * @return names such as {@code DNS:mail.example.org} and {@code IP:127.0.0.1}
   */
  public static List<String> subjectAltNames(X509Certificate cert) {
    List<String> out = new ArrayList<>();
    for (List<?> san : sans(cert)) {
      int type = (Integer) san.get(0);
      if (type == 2) {
        out.add("DNS:" + san.get(1));
      } else if (type == 7) {
        out.add("IP:" + san.get(1));
      }
    }
    return out;
  }

  private static Collection<List<?>> sans(X509Certificate cert) {
    try {
      Collection<List<?>> c = cert.getSubjectAlternativeNames();
      return c == null ? List.of() : c;
    } catch (CertificateParsingException e) {
      return List.of();
    }
  }

  /**
   * Tells whether the certificate is valid for the name or address.
   *
   * @param cert the leaf certificate
   * @param expected a host name or an IP literal
   * @return {@code true} when it matches
   */
  public static boolean matches(X509Certificate cert, String expected) {
    Optional<InetAddress> ip = IpLiterals.parse(expected);
    String host = normalize(expected);
    boolean anyDns = false;
    for (List<?> san : sans(cert)) {
      int type = (Integer) san.get(0);
      String value = String.valueOf(san.get(1));
      if (type == 2) {
        anyDns = true;
        if (ip.isEmpty() && dnsMatch(normalize(value), host)) {
          return true;
        }
      } else if (type == 7 && ip.isPresent()) {
        Optional<InetAddress> sanIp = IpLiterals.parse(value);
        if (sanIp.isPresent() && sanIp.get().equals(ip.get())) {
          return true;
        }
      }
    }
    if (ip.isEmpty() && !anyDns) {
      // RFC 6125 §6.4.4: the CN is only a fallback when there is no DNS-ID at all.
      String cn = commonName(cert);
      return cn != null && dnsMatch(normalize(cn), host);
    }
    return false;
  }

  private static String commonName(X509Certificate cert) {
    try {
      LdapName dn = new LdapName(cert.getSubjectX500Principal().getName());
      for (Rdn rdn : dn.getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return String.valueOf(rdn.getValue());
        }
      }
    } catch (InvalidNameException e) {
      return null;
    }
    return null;
  }

  private static String normalize(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  private static boolean dnsMatch(String pattern, String host) {
    if (pattern.startsWith("*.")) {
      int dot = host.indexOf('.');
      // The wildcard covers exactly one label, and never a bare public suffix like "*.com".
      return dot > 0
          && pattern.indexOf('.', 2) > 0
          && host.substring(dot + 1).equals(pattern.substring(2));
    }
    return pattern.equals(host);
  }
}
