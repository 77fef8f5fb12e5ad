package dev.mailpath.diag.examples;

/**
 * Zones of the embedded demo lab: a healthy domain and one domain for each kind of MX trouble the
 * field guide talks about. Every address is on loopback, so the demo needs no network.
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
        ns1          A    127.0.7.2
        ; two exchanges: the lowest preference is tried first. In the lab nothing listens on
        ; mail1, so senders fall back to mail2 (whose IPv6 address is not listening either).
        @            MX   10 mail1
        @            MX   20 mail2
        mail1        A    127.0.3.1
        mail2        A    127.0.3.2
        mail2        AAAA ::1
        ; who may send for the domain, and what receivers do with mail that fails (SPF, DMARC)
        @            TXT  "v=spf1 ip4:127.0.3.0/24 -all"
        _dmarc       TXT  "v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@example.com"
        ; MTA-STS in testing mode (its policy host on 127.0.7.3), and where TLS reports go
        _mta-sts     TXT  "v=STSv1; id=2026120801"
        mta-sts      A    127.0.7.3
        _smtp._tls   TXT  "v=TLSRPTv1; rua=mailto:tls-reports@example.com"
        ; reverse-DNS-style names of the lab's other SMTP servers
        legacy       A    127.0.3.3
        submission   A    127.0.3.4
        ; the domain accepts no mail at all (RFC 7505)
        nomail       MX   0 .
        ; no MX: the domain's own address is used (implicit MX)
        web          A    127.0.3.5
        ; the MX names a host that has no address
        broken       MX   10 gone
        ; the MX points at an alias
        aliased      MX   10 mailalias
        mailalias    CNAME mail2
        """;
  }

  /**
   * Returns the reverse zone of the lab's SMTP servers, {@code 3.0.127.in-addr.arpa}: the closed
   * exchange's PTR matches its banner, the open relay's does not resolve back.
   *
   * @return zone text
   */
  public static String reverse() {
    return """
        $ORIGIN 3.0.127.in-addr.arpa.
        $TTL 3600
        @   SOA  ns1.example.com. hostmaster.example.com. 2026112801 3600 600 86400 300
        @   NS   ns1.example.com.
        2   PTR  mail2.example.com.
        3   PTR  old-relay.example.com.
        4   PTR  submission.example.com.
        """;
  }
}
