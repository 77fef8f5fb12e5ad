package dev.mailpath.diag.dns;

/** Zones shared by the resolver tests; every address in them is on loopback. */
final class TestZones {
  private TestZones() {}

  static String example() {
    StringBuilder big = new StringBuilder();
    for (int i = 1; i <= 60; i++) {
      big.append(String.format("big      MX %d mail-exchange-number-%02d%n", i, i));
      big.append(String.format("mail-exchange-number-%02d A 127.0.3.%d%n", i, i));
    }
    return """
        $ORIGIN example.org.
        $TTL 300
        @          SOA  ns1 hostmaster 1 3600 600 86400 300
        @          NS   ns1
        ns1        A    127.0.0.1
        @          MX   10 mx1
        @          MX   20 mx2
        @          MX   20 mx3
        mx1        A    127.0.2.1
        mx1        AAAA ::1
        mx2        A    127.0.2.2
        mx3        A    127.0.2.3
        nullmx     MX   0 .
        mixed      MX   0 .
        mixed      MX   10 mx1
        implicit   A    127.0.2.10
        nomail     TXT  "no mail here"
        cnametarget MX  10 alias
        alias      CNAME mx1
        dangling   MX   10 nohost
        literal    MX   10 127.0.2.1.
        literal2   MX   10 127.0.2.1
        dup        MX   10 mx1
        dup        MX   20 mx1
        aliasdomain CNAME @
        mailhost   A    127.0.0.1
        wrong      A    127.0.0.99
        chain1     CNAME chain2
        chain2     CNAME mx2
        """
        + big;
  }

  static String reverse() {
    return """
        $ORIGIN 0.0.127.in-addr.arpa.
        $TTL 300
        @   SOA ns1.example.org. hostmaster.example.org. 1 3600 600 86400 300
        @   NS  ns1.example.org.
        1   PTR mailhost.example.org.
        2   PTR wrong.example.org.
        """;
  }

  static String idn() {
    return """
        $ORIGIN xn--bcher-kva.example.
        $TTL 300
        @   SOA ns1 hostmaster 1 3600 600 86400 300
        @   NS  ns1
        ns1 A   127.0.0.1
        @   MX  5 mx
        mx  A   127.0.2.5
        """;
  }
}
