package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.Finding;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * The seam through which a conversation turns a host name into addresses and an address into its
 * reverse DNS names. IP literals never reach it. The production implementation uses diag-dns with
 * the caller's DNS servers, never the JDK's system lookup.
 */
public interface HostResolver {

  /**
   * The addresses of a host, and findings from the lookup.
   *
   * @param addresses the addresses, in the order to try
   * @param findings what the lookup found (NXDOMAIN, timeouts...)
   */
  record Resolution(List<InetAddress> addresses, List<Finding> findings) {
    /**
     * Copies the lists.
     *
     * @param addresses the addresses, in the order to try
     * @param findings what the lookup found (NXDOMAIN, timeouts...)
     */
    public Resolution {
      addresses = List.copyOf(addresses);
      findings = List.copyOf(findings);
    }
  }

  /**
   * The reverse DNS of an address.
   *
   * @param names PTR names, lower case, without trailing dot
   * @param confirmedNames the PTR names that resolve back to the address (FCrDNS)
   * @param findings what the lookup found
   */
  record Reverse(List<String> names, List<String> confirmedNames, List<Finding> findings) {
    /**
     * Copies the lists.
     *
     * @param names PTR names, lower case, without trailing dot
     * @param confirmedNames the PTR names that resolve back to the address (FCrDNS)
     * @param findings what the lookup found
     */
    public Reverse {
      names = List.copyOf(names);
      confirmedNames = List.copyOf(confirmedNames);
      findings = List.copyOf(findings);
    }
  }

  /**
   * Resolves a host name (never a literal) to addresses.
   *
   * @param host the host name
   * @return the addresses, empty with findings when it could not be resolved
   */
  Resolution resolve(String host);

  /**
   * Looks up the reverse DNS of an address.
   *
   * @param address the address
   * @return the PTR names, or empty when this resolver cannot do reverse lookups
   */
  Optional<Reverse> reverse(InetAddress address);
}
