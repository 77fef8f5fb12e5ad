package dev.mailpath.diag.examples;

/**
 * Zones of the embedded demo lab: a healthy domain and one domain for each kind of MX trouble
 * the field guide talks about. Every address is on loopback, so the demo needs no network.
 */
public final class DemoZones {
  private DemoZones() {}

  /**
   * Returns the demo zone {@code example.com} in master-file format.
   *
   * @return zone text
   */
  public static String exampleCom() {
    return """
        $ORIGIN example.com.
        $TTL 3600
        @            SOA  ns1 hostmaster 2026112801 3600 600 86400 300
        @            NS   ns1
        ns1          A    127.0.0.1
        ; a healthy domain: two exchanges, the lowest preference is tried first
        @            MX   10 mail1
        @            MX   20 mail2
        mail1        A    127.0.0.1
        mail2        A    127.0.0.2
        mail2        AAAA ::1
        ; the domain accepts no mail at all (RFC 7505)
        nomail       MX   0 .
        ; no MX: the domain's own address is used (implicit MX)
        web          A    127.0.0.3
        ; the MX names a host that has no address
        broken       MX   10 gone
        ; the MX points at an alias
        aliased      MX   10 mailalias
        mailalias    CNAME mail1
        """;
  }
}
