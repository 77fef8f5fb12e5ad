package dev.mailpath.diag.auth;

import java.util.List;

/**
 * Test zones for SPF: cases drawn from the facts of the openspf RFC 7208 test suite (renamed so
 * that every case has its own names) plus limits, loops and void lookups. Served by {@code
 * LocalDnsZoneServer} in unit tests and by NSD in {@code SpfPyspfIT}.
 */
final class SpfZones {
  private SpfZones() {}

  static final String LONG_O = "somewhat.long.exp.example.com";

  static String example() {
    String longName = (LONG_O + ".").repeat(8) + "example.com.";
    return String.join(
        "\n",
        "$ORIGIN example.com.",
        "$TTL 300",
        "@ SOA ns.example.com. admin.example.com. 1 3600 600 86400 300",
        "@ NS ns.example.com.",
        "ns A 127.0.0.1",
        "mail A 1.2.3.4",
        "mxhost A 1.2.3.5",
        // record selection (§4.5)
        "nospf TXT \"some other text\"",
        "multi TXT \"v=spf1 -all\"",
        "multi TXT \"V=sPf1 +all\"",
        "case TXT \"v=SpF1 ~all\"",
        "nospace TXT \"v=spf1\" \"mx\"",
        "split TXT \"v=spf1 \" \"ip4:1.2.3.4 -all\"",
        "empty TXT \"v=spf1\"",
        "spf10 TXT \"v=spf10\"",
        "othertxt TXT \"google-site-verification=abc\"",
        "othertxt TXT \"v=spf1 ip4:1.2.3.4 -all\"",
        // record evaluation (§4.6)
        "detect TXT \"v=spf1 ip4:1.2.3.4 -all moo\"",
        // §3.1: a record is 7-bit ASCII; bytes above 0x7f (UTF-8 here) anywhere in it are an error
        "raw-utf8 TXT \"v=spf1 a:\\239\\187\\191junk.example.com -all\"",
        "raw-c1-mech TXT \"v=spf1 \\194\\128a:mail.example.com -all\"",
        "raw-c1-all TXT \"v=spf1 a:mail.example.com \\194\\150all\"",
        // ... but a TXT record that is not SPF may hold anything
        "raw-other TXT \"v=spf1 -all\"",
        "raw-other TXT \"\\194\\150\"",
        // §4.6.1: terms are separated by one or more spaces, and only by spaces; §4.5 allows
        // spaces at the end
        "ctrl-sep TXT \"v=spf1 a:ctrl-sep.example.com\\013ptr -all\"",
        "ctrl-sep A 192.0.2.3",
        "two-sp TXT \"v=spf1 a  -all\"",
        "trail-sp TXT \"v=spf1 a -all \"",
        "a-nul TXT \"v=spf1 a:foo.example.com\\000\"",
        // §4.3: a label of 63 characters is still a domain name
        "long" + "x".repeat(59) + " TXT \"v=spf1 -all\"",
        "redir-mech TXT \"v=spf1 ip4:1.2.3.4 redirect:fail.example.com\"",
        "mod-good TXT \"v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all\"",
        "mod-bad TXT \"v=spf1 moo.cow/far_out=man:dog/cat ip4:1.2.3.4 -all\"",
        "default TXT \"v=spf1 ip4:1.2.3.4\"",
        "redir-after TXT \"v=spf1 ip4:1.2.3.4 redirect=fail.example.com\"",
        "fail TXT \"v=spf1 -all\"",
        "pass TXT \"v=spf1 +all\"",
        "redir-all TXT \"v=spf1 redirect=redir-all.example.com ~all\"",
        // all (§5.1)
        "all-dot TXT \"v=spf1 -all.\"",
        "all-arg TXT \"v=spf1 -all:foobar\"",
        "all-cidr TXT \"v=spf1 -all/8\"",
        "all-double TXT \"v=spf1 all -all\"",
        "all-neutral TXT \"v=spf1 ?all\"",
        // a (§5.3)
        "a-cidr6 TXT \"v=spf1 a//33 -all\"",
        "a-bad-cidr4 TXT \"v=spf1 a/33 -all\"",
        "a-bad-cidr6 TXT \"v=spf1 a//129 -all\"",
        "a-numeric TXT \"v=spf1 a:111.222.33.44\"",
        "a-num-top TXT \"v=spf1 a:abc.123\"",
        "a-only-top TXT \"v=spf1 a:museum\"",
        "a-only-top-dot TXT \"v=spf1 a:museum.\"",
        // §7.1: a domain-spec may hold any visible character but %
        "a-colon TXT \"v=spf1 a:foo:bar/baz.example.com\"",
        "mx-colon TXT \"v=spf1 mx:foo:bar/baz.example.com\"",
        "foo:bar/baz A 1.2.3.4",
        "foo:bar/baz MX 0 foo:bar/baz.example.com.",
        // %% %_ %- give % space %20: a name with a space and percent signs
        "macro-mania TXT \"v=spf1 a:macro%%percent%_%_space%-url-space.example.com -all\"",
        "macro\\%percent\\032\\032space\\%20url-space A 1.2.3.4",
        "a-bad-top TXT \"v=spf1 a:example.-com\"",
        "a-bad-domain TXT \"v=spf1 a:example.com:8080\"",
        "a-empty TXT \"v=spf1 a:\"",
        "a-multi TXT \"v=spf1 a:multi-a.example.com/24\"",
        "multi-a A 1.1.1.1",
        "multi-a A 1.2.3.5",
        "a-cidr4-0 TXT \"v=spf1 a/0 -all\"",
        "a-cidr4-0 A 1.1.1.1",
        "a-cidr4-0 AAAA 1234::2",
        "a-cidr6-0 TXT \"v=spf1 a//0 -all\"",
        "a-cidr6-0 AAAA 1234::1",
        "a-nx TXT \"v=spf1 a/0 -all\"",
        "a-dual TXT \"v=spf1 a/24//64 -all\"",
        "a-dual A 1.2.3.5",
        "a-dual AAAA 2001:db8:1234::dead:beef",
        // include (§5.2)
        "inc-fail TXT \"v=spf1 include:ip5.example.com ~all\"",
        "ip5 TXT \"v=spf1 ip4:1.2.3.5 -all\"",
        "inc-soft TXT \"v=spf1 include:ip6x.example.com all\"",
        "ip6x TXT \"v=spf1 ip4:1.2.3.6 ~all\"",
        "inc-neutral TXT \"v=spf1 include:ip7.example.com -all\"",
        "ip7 TXT \"v=spf1 ip4:1.2.3.7 ?all\"",
        "inc-none TXT \"v=spf1 include:erehwon.example.com -all\"",
        "erehwon TXT \"v=spfl am not an SPF record\"",
        "inc-perm TXT \"v=spf1 include:detect.example.com -all\"",
        "inc-syntax TXT \"v=spf1 include +all\"",
        "inc-cidr TXT \"v=spf1 include:ip5.example.com/24 -all\"",
        "inc-pass TXT \"v=spf1 include:ip5.example.com -all\"",
        "inc-temp TXT \"v=spf1 include:servfail.example.com -all\"",
        "inc-nx TXT \"v=spf1 include:nowhere.example.com -all\"",
        // mx (§5.4)
        "mx-nx TXT \"v=spf1 mx/0 -all\"",
        "mx-nx MX 0 mx-nx-host.example.com.",
        "mx-cidr4-0 TXT \"v=spf1 mx/0 -all\"",
        "mx-cidr4-0 MX 0 mx-cidr4-0.example.com.",
        "mx-cidr4-0 A 1.1.1.1",
        "mx-implicit TXT \"v=spf1 mx\"",
        "mx-implicit A 1.2.3.4",
        "mx-multi TXT \"v=spf1 mx:foo-mx.example.com/24\"",
        "foo-mx MX 0 foo1.example.com.",
        "foo1 A 1.1.1.1",
        "foo1 A 1.2.3.5",
        "mx-null TXT \"v=spf1 mx\"",
        "mx-null MX 0 .",
        "mx-pass TXT \"v=spf1 mx -all\"",
        "mx-pass MX 10 mail.example.com.",
        "mx-empty-domain TXT \"v=spf1 mx: -all\"",
        "mx-limit TXT \"v=spf1 mx\"",
        mxLines("mx-limit", 11),
        "mx-ten TXT \"v=spf1 mx -all\"",
        mxLines("mx-ten", 10),
        mxHosts(11),
        // exists (§5.7)
        "exists-ok TXT \"v=spf1 exists:mail.example.com -all\"",
        "exists-implicit TXT \"v=spf1 exists\"",
        "exists-cidr TXT \"v=spf1 exists:mail.example.com/24\"",
        "exists-nx TXT \"v=spf1 exists:nothing.example.com -all\"",
        // ip4 / ip6 (§5.6)
        "cidr4-0 TXT \"v=spf1 ip4:1.1.1.1/0 -all\"",
        "cidr4-32 TXT \"v=spf1 ip4:1.2.3.4/32 -all\"",
        "cidr4-33 TXT \"v=spf1 ip4:1.2.3.4/33 -all\"",
        "cidr4-032 TXT \"v=spf1 ip4:1.2.3.4/032 -all\"",
        "ip4-port TXT \"v=spf1 ip4:1.2.3.4:8080\"",
        "ip4-short TXT \"v=spf1 ip4:1.2.3\"",
        "ip4-dual TXT \"v=spf1 ip4:1.2.3.4//32\"",
        "ip4-bare TXT \"v=spf1 ip4\"",
        "ip4-mapped TXT \"v=spf1 -ip4:1.2.3.4 ip6:::FFFF:1.2.3.4\"",
        "cidr6-0 TXT \"v=spf1 ip6:::1.1.1.1/0\"",
        "cidr6-33 TXT \"v=spf1 ip6:CAFE:BABE:8000::/33\"",
        "ip6-bad TXT \"v=spf1 ip6::CAFE::BABE\"",
        "cidr6-129 TXT \"v=spf1 ip6:::1.1.1.1/129\"",
        "cidr6-bad TXT \"v=spf1 ip6:::1.1.1.1//33\"",
        "ip6-bare TXT \"v=spf1 -all ip6\"",
        // modifiers and exp (§6)
        "exp-redir TXT \"v=spf1 exp=exp1.example.com redirect=fail-exp.example.com\"",
        "fail-exp TXT \"v=spf1 -all exp=exp2.example.com\"",
        "exp1 TXT \"No-see-um\"",
        "exp2 TXT \"See me.\"",
        "exp-redir-default TXT \"v=spf1 exp=exp1.example.com redirect=fail.example.com\"",
        "inc-exp TXT \"v=spf1 include:fail-exp.example.com -all exp=exp3.example.com\"",
        "exp3 TXT \"Correct!\"",
        "exp-twice TXT \"v=spf1 exp=exp1.example.com -all exp=exp2.example.com\"",
        "redir-twice TXT \"v=spf1 redirect=fail.example.com -all redirect=fail.example.com\"",
        "default-mod TXT \"v=spf1 default=pass\"",
        "unknown-mod-syntax TXT \"v=spf1 -all foo=%abc\"",
        "redir-none TXT \"v=spf1 redirect=erehwon.example.com\"",
        "redir-syntax TXT \"v=spf1 redirect=-all ?all\"",
        "exp-syntax TXT \"v=spf1 exp=-all\"",
        "exp-multi TXT \"v=spf1 -all exp=e11msg.example.com\"",
        "e11msg TXT \"Answer a fool according to his folly.\"",
        "e11msg TXT \"Do not answer a fool according to his folly.\"",
        "exp-empty TXT \"v=spf1 exp= -all\"",
        "redir-empty TXT \"v=spf1 ?all redirect=\"",
        "invalid-mod TXT \"v=spf1 1up=foo\"",
        "empty-mod-name TXT \"v=spf1 =all\"",
        "exp-bad-text TXT \"v=spf1 exp=e13msg.example.com -all\"",
        "e13msg TXT \"The %{x}-files.\"",
        "exp-nodata TXT \"v=spf1 exp=mail.example.com -all\"",
        "exp-trailing TXT \"v=spf1 exp=msg.example.com. -all\"",
        "msg TXT \"This is a test.\"",
        // macros (§7)
        "macro-l TXT \"v=spf1 -all exp=exp-l.example.com\"",
        "exp-l TXT \"%{l} in implementation\"",
        "upper TXT \"v=spf1 -all exp=msg8.%{D2}\"",
        "msg8 TXT \"http://example.com/why.html?l=%{L}\"",
        "v-macro TXT \"v=spf1 -all exp=e4msg.example.com\"",
        "e4msg TXT \"%{c} is queried as %{ir}.%{v}.arpa\"",
        "exp-c TXT \"v=spf1 -all exp=%{ir}.example.com\"",
        "40.218.168.192 TXT \"Connections from %{c} not authorized.\"",
        "exp-only-macro TXT \"v=spf1 -all exp=%{r}.example.com\"",
        "invalid-macro-char TXT \"v=spf1 -exists:%(ir).sbl.example.com ?all\"",
        "undef-macro TXT \"v=spf1 a:%{a}.example.com -all\"",
        "macro-split TXT \"v=spf1 exists:%{i}.%{l2r-}.user.%{d2}\"",
        "1.2.3.4.gladstone.philip.user A 127.0.0.2",
        // several delimiters in one transformer (§7.3): foo-bar+zip+quux gives bar.foo
        "multi-delim TXT \"v=spf1 exists:%{l2r+-}.user.%{d2}\"",
        "bar.foo.user A 127.0.0.2",
        // '%' must be followed by '{', '%', '_' or '-' (§7.1)
        "bad-paren TXT \"v=spf1 exists:foo%(ir).sbl.example.com ?all\"",
        "bad-pct-dot TXT \"v=spf1 exists:foo%.sbl.example.com ?all\"",
        // an exp= target that does not exist is not a void lookup (§4.6.4 counts mechanisms)
        "exp-void TXT \"v=spf1 a:void-one.example.com a:void-two.example.com"
            + " exp=void-three.example.com -all\"",
        // exists asks for A records only, whatever the client's address family (§5.7)
        "exists-v6only TXT \"v=spf1 exists:a-cidr6-0.example.com -all\"",
        // the same policy reached through two names, one of them a CNAME, is one record each time
        "alias-inc TXT \"v=spf1 include:alias-a.example.com include:alias-b.example.com -all\"",
        "alias-a TXT \"unrelated text\"",
        "alias-a TXT \"v=spf1 ip4:192.0.2.225 -all\"",
        "alias-a TXT \"more unrelated text\"",
        "alias-b CNAME alias-a",
        // a PTR name whose A lookup runs into a CNAME loop is not validated (§5.5)
        "ptr-loop TXT \"v=spf1 ptr\"",
        "ptr-loop-host CNAME cname-self",
        "cname-self CNAME cname-self",
        "hello TXT \"v=spf1 a:%{H} -all\"",
        "msgbas2x.cos A 192.168.218.40",
        "p-macro TXT \"v=spf1 -all exp=e6msg.example.com\"",
        "e6msg TXT \"connect from %{p}\"",
        "mx A 192.168.218.41",
        "mx A 192.168.218.42",
        "mx AAAA CAFE:BABE::2",
        "mx AAAA CAFE:BABE::3",
        "e7 TXT \"v=spf1 exists:%{p}.should.example.com ~exists:%{p}.ok.example.com\"",
        "mx.e7 A 192.168.218.42",
        "mx.e7.example.com.should A 127.0.0.2",
        "mx.example.com.ok A 127.0.0.2",
        "somewhat.long.exp TXT \"v=spf1 -all exp=foobar.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.example.com\"",
        longName + " TXT \"Congratulations!  That was tricky.\"",
        "helo-spf TXT \"v=spf1 ip4:1.2.3.4 -all\"",
        // limits (§4.6.4)
        "mech-at-limit TXT \"v=spf1 a mx a mx a mx a mx a ptr ip4:1.2.3.4 -all\"",
        "mech-at-limit A 1.2.3.5",
        "mech-at-limit MX 10 mxhost.example.com.",
        "mech-over-limit TXT \"v=spf1 a mx a mx a mx a mx a ptr a ip4:1.2.3.4 -all\"",
        "mech-over-limit A 1.2.3.5",
        "mech-over-limit MX 10 mxhost.example.com.",
        "redirect-unused TXT \"v=spf1 a mx a mx a mx a mx a mx ip4:1.2.3.4 redirect=fail.example.com\"",
        "redirect-unused A 1.2.3.5",
        "redirect-unused MX 10 mxhost.example.com.",
        "include-loop TXT \"v=spf1 include:loop-b.example.com\"",
        "loop-b TXT \"v=spf1 include:include-loop.example.com\"",
        "redirect-loop TXT \"v=spf1 ip4:1.1.1.1 redirect=redirect-loop.example.com\"",
        "include-at-limit TXT \"v=spf1 a include:inc.example.com ip4:1.2.3.4 mx -all\"",
        "include-at-limit A 1.2.3.5",
        "include-over-limit TXT \"v=spf1 a include:inc.example.com a ip4:1.2.3.4 -all\"",
        "include-over-limit A 1.2.3.5",
        "inc TXT \"v=spf1 a a a a a a a a\"",
        "inc A 1.2.3.5",
        "void-over TXT \"v=spf1 a:nx1.example.com a:nx2.example.com a:nx3.example.com ip4:1.2.3.4 -all\"",
        "void-at TXT \"v=spf1 a:nx1.example.com a:nx2.example.com ip4:1.2.3.4 -all\"",
        "false-a-limit TXT \"v=spf1 a -all\"",
        aLines("false-a-limit", 12),
        // ptr (§5.5)
        "ptr-ok TXT \"v=spf1 ptr -all\"",
        "ptr-ok A 1.2.3.4",
        "ptr-ok AAAA CAFE:BABE::1",
        "ptr-bad TXT \"v=spf1 ptr -all\"",
        "ptr-target TXT \"v=spf1 ptr:example.com -all\"",
        "ptr-cidr TXT \"v=spf1 ptr/0 -all\"",
        "ptr-empty TXT \"v=spf1 ptr:\"",
        // risky set-ups for record()
        "risky TXT \"v=spf1 ptr ?all\"",
        "setup TXT \"v=spf1 include:ip5.example.com include:erehwon.example.com mx a:nx1.example.com ~all\"",
        "setup MX 10 mail.example.com.",
        "deep0 TXT \"v=spf1 include:deep1.example.com -all\"",
        deepLines(),
        "");
  }

  private static String mxLines(String owner, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(owner).append(" MX ").append(i).append(" mx").append(i).append(".example.com.\n");
    }
    return sb.toString().strip();
  }

  private static String mxHosts(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append("mx").append(i).append(" A 1.2.3.5\n");
    }
    return sb.toString().strip();
  }

  private static String aLines(String owner, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      sb.append(owner).append(" A 1.2.3.").append(i).append('\n');
    }
    return sb.toString().strip();
  }

  /** 20 nested includes: deep1 → deep2 → ... → deep20 (which passes 1.2.3.4). */
  private static String deepLines() {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i < 20; i++) {
      sb.append("deep")
          .append(i)
          .append(" TXT \"v=spf1 include:deep")
          .append(i + 1)
          .append(".example.com -all\"\n");
    }
    sb.append("deep20 TXT \"v=spf1 ip4:1.2.3.4 -all\"");
    return sb.toString();
  }

  static String reverse4() {
    return String.join(
        "\n",
        "$ORIGIN in-addr.arpa.",
        "$TTL 300",
        "@ SOA ns.example.com. admin.example.com. 1 3600 600 86400 300",
        "@ NS ns.example.com.",
        "4.3.2.1 PTR ptr-ok.example.com.",
        "4.3.2.1 PTR ptr-bad.example.com.",
        "4.3.2.1 PTR mail.example.com.",
        "40.218.168.192 PTR mx.example.com.",
        "41.218.168.192 PTR mx.example.com.",
        "42.218.168.192 PTR mx.example.com.",
        "42.218.168.192 PTR mx.e7.example.com.",
        "4.2.0.192 PTR ptr-loop-host.example.com.",
        "");
  }

  static String reverse6() {
    String zeros = "0.".repeat(22);
    return String.join(
        "\n",
        "$ORIGIN e.b.a.b.e.f.a.c.ip6.arpa.",
        "$TTL 300",
        "@ SOA ns.example.com. admin.example.com. 1 3600 600 86400 300",
        "@ NS ns.example.com.",
        "1." + zeros + "0 PTR ptr-ok.example.com.",
        "3." + zeros + "0 PTR mx.example.com.",
        "");
  }

  /** An empty root zone, so that a name outside the other zones is NXDOMAIN. */
  static String root() {
    return String.join(
        "\n",
        "$ORIGIN .",
        "$TTL 300",
        "@ SOA ns.example.com. admin.example.com. 1 3600 600 86400 300",
        "@ NS ns.example.com.",
        "");
  }

  /** All zones: origin and text. */
  static List<String[]> all() {
    return List.of(
        new String[] {"example.com", example()},
        new String[] {"in-addr.arpa", reverse4()},
        new String[] {"e.b.a.b.e.f.a.c.ip6.arpa", reverse6()});
  }
}
