package dev.mailpath.diag.auth;

import java.util.ArrayList;
import java.util.List;

/**
 * Zone text for the DMARC tests: one root zone holding every name, so any other name is NXDOMAIN.
 */
final class DmarcZones {
  private DmarcZones() {}

  /** A TXT record data in presentation form, split into strings of at most 255 characters. */
  static String txt(String text) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < text.length() || i == 0; i += 255) {
      String part = text.substring(i, Math.min(text.length(), i + 255));
      sb.append(sb.length() == 0 ? "" : " ")
          .append('"')
          .append(part.replace("\\", "\\\\").replace("\"", "\\\""))
          .append('"');
    }
    return sb.toString();
  }

  static String rootZone(List<String> records) {
    List<String> lines = new ArrayList<>();
    lines.add("$ORIGIN .");
    lines.add("$TTL 300");
    lines.add(". IN SOA ns.test. hostmaster.test. 1 3600 600 86400 300");
    lines.add(". IN NS ns.test.");
    lines.add("ns.test. IN A 127.0.0.1");
    lines.addAll(records);
    return String.join("\n", lines) + "\n";
  }

  static String dmarc(String domain, String text) {
    return "_dmarc." + domain + ". IN TXT " + txt(text);
  }

  /** The zone of most tests. */
  static String lab() {
    return rootZone(
        List.of(
            // an ordinary organization with an existing subdomain
            dmarc("example.org", "v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@example.org"),
            "example.org. IN A 192.0.2.1",
            "news.example.org. IN A 192.0.2.2",
            "bounces.example.org. IN A 192.0.2.3",
            "mail.example.org. IN A 192.0.2.4",
            // np applies to names that do not exist
            dmarc("np.test", "v=DMARC1; p=quarantine; sp=none; np=reject"),
            "np.test. IN A 192.0.2.5",
            "here.np.test. IN A 192.0.2.6",
            dmarc("nonp.test", "v=DMARC1; p=reject; sp=quarantine"),
            "nonp.test. IN A 192.0.2.7",
            // a public suffix domain that publishes psd=y
            dmarc("bank", "v=DMARC1; p=reject; psd=y"),
            "mail.foo.bank. IN A 192.0.2.8",
            "a.foo.bank. IN A 192.0.2.9",
            // psd=n stops the walk at once
            dmarc("sub.psdn.test", "v=DMARC1; p=none; psd=n"),
            dmarc("psdn.test", "v=DMARC1; p=reject"),
            // strict alignment
            dmarc("strict.test", "v=DMARC1; p=reject; adkim=s; aspf=s"),
            "strict.test. IN A 192.0.2.10",
            // testing
            dmarc("testing.test", "v=DMARC1; p=reject; t=y"),
            // two records at one name; the parent's applies
            dmarc("multi.example.org", "v=DMARC1; p=none"),
            dmarc("multi.example.org", "v=DMARC1; p=quarantine"),
            "multi.example.org. IN A 192.0.2.11",
            // syntax problems
            dmarc("syntax.test", "v=DMARC1; p=bogus; adkim=x; pct=50; rf=afrf; ri=3600; foo=bar"),
            dmarc("syntaxrua.test", "v=DMARC1; p=bogus; rua=mailto:d@syntaxrua.test"),
            dmarc("nop.test", "v=DMARC1; rua=mailto:d@nop.test"),
            "_dmarc.notdmarc.test. IN TXT \"v=spf1 -all\"",
            "_dmarc.notdmarc.test. IN TXT \"v=DMARC10; p=reject\"",
            // external report destinations
            dmarc(
                "reports.test",
                "v=DMARC1; p=none; rua=mailto:a@reports.test,mailto:b@agg.example.net,"
                    + "mailto:c@nobody.example.com; ruf=bare-address@example.net"),
            "reports.test._report._dmarc.agg.example.net. IN TXT \"v=DMARC1\"",
            // a long record (10,000 characters of an unknown tag)
            dmarc("long.test", "v=DMARC1; p=reject; x=" + "a".repeat(10_000)),
            "_dmarc.garbage.test. IN TXT " + txt("=;;x=".repeat(2_000))));
  }
}
