package dev.mailpath.diag.auth;

import java.util.List;

/**
 * The (ip, MAIL FROM, HELO) triples evaluated against {@link SpfZones}, with the RFC 7208 result
 * (and explanation where the case is about one). Names follow the openspf RFC 7208 test suite where
 * a case comes from it.
 */
final class SpfCases {
  private SpfCases() {}

  /**
   * One case.
   *
   * @param name the case name
   * @param host the client address
   * @param mailFrom MAIL FROM
   * @param helo HELO
   * @param result the expected result
   * @param explanation the expected explanation, or null when not checked; "" for none
   */
  record Case(
      String name,
      String host,
      String mailFrom,
      String helo,
      SpfResult result,
      String explanation) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case c(String name, String host, String mailFrom, String helo, SpfResult r) {
    return new Case(name, host, mailFrom, helo, r, null);
  }

  static Case e(String name, String host, String mailFrom, SpfResult r, String exp) {
    return new Case(name, host, mailFrom, "mail.example.com", r, exp);
  }

  static Case m(String name, String host, String domain, SpfResult r) {
    return new Case(name, host, "foo@" + domain + ".example.com", "mail.example.com", r, null);
  }

  static final SpfResult PASS = SpfResult.PASS;
  static final SpfResult FAIL = SpfResult.FAIL;
  static final SpfResult SOFTFAIL = SpfResult.SOFTFAIL;
  static final SpfResult NEUTRAL = SpfResult.NEUTRAL;
  static final SpfResult NONE = SpfResult.NONE;
  static final SpfResult PERMERROR = SpfResult.PERMERROR;
  static final SpfResult TEMPERROR = SpfResult.TEMPERROR;

  /** Cases that need no DNS fault: served the same by LocalDnsZoneServer and by NSD. */
  static List<Case> all() {
    return List.of(
        // §4.3 initial processing
        c("helo-not-fqdn", "1.2.3.5", "", "A2345678", NONE),
        c("domain-literal", "1.2.3.5", "foo@[1.2.3.5]", "OEMCOMPUTER", NONE),
        c("helo-domain-literal", "1.2.3.5", "", "[1.2.3.5]", NONE),
        c("emptylabel", "1.2.3.5", "lyme.eater@A...example.com", "mail.example.net", NONE),
        c(
            "toolonglabel",
            "1.2.3.5",
            "lyme.eater@A123456789012345678901234567890123456789012345678901234567890123.example.com",
            "mail.example.net",
            NONE),
        e("nolocalpart", "1.2.3.4", "@macro-l.example.com", FAIL, "postmaster in implementation"),
        c("helo-identity", "1.2.3.4", "", "helo-spf.example.com", PASS),
        c("helo-identity-fail", "1.2.3.5", "<>", "helo-spf.example.com", FAIL),
        // §4.5 record selection
        m("nospf", "1.2.3.4", "nospf", NONE),
        m("nxdomain", "1.2.3.4", "no-such-name", NONE),
        m("multitxt2", "1.2.3.4", "multi", PERMERROR),
        m("case-insensitive", "1.2.3.4", "case", SOFTFAIL),
        m("nospace1", "1.2.3.4", "nospace", NONE),
        m("joined-strings", "1.2.3.4", "split", PASS),
        m("empty", "1.2.3.4", "empty", NEUTRAL),
        m("spf10", "1.2.3.4", "spf10", NONE),
        m("other-txt-ignored", "1.2.3.4", "othertxt", PASS),
        // §4.6 record evaluation
        m("detect-errors-anywhere", "1.2.3.4", "detect", PERMERROR),
        m("non-ascii-policy", "1.2.3.4", "raw-utf8", PERMERROR),
        m("non-ascii-mech", "1.2.3.4", "raw-c1-mech", PERMERROR),
        m("non-ascii-result", "1.2.3.4", "raw-c1-all", PERMERROR),
        m("non-ascii-non-spf", "1.2.3.4", "raw-other", FAIL),
        m("control-char-policy", "192.0.2.3", "ctrl-sep", PERMERROR),
        m("two-spaces", "1.2.3.4", "two-sp", FAIL),
        m("trailing-space", "192.0.2.5", "trail-sp", FAIL),
        m("a-null", "1.2.3.5", "a-nul", PERMERROR),
        m("longlabel", "1.2.3.5", "long" + "x".repeat(59), FAIL),
        m("redirect-is-modifier", "1.2.3.4", "redir-mech", PERMERROR),
        m("modifier-charset-good", "1.2.3.4", "mod-good", PASS),
        m("modifier-charset-bad", "1.2.3.4", "mod-bad", PERMERROR),
        m("default-result", "1.2.3.5", "default", NEUTRAL),
        m("redirect-after-mechanisms2", "1.2.3.5", "redir-after", FAIL),
        m("redirect-after-mechanisms1", "1.2.3.4", "redir-all", SOFTFAIL),
        // §5.1 all
        m("all-dot", "1.2.3.4", "all-dot", PERMERROR),
        m("all-arg", "1.2.3.4", "all-arg", PERMERROR),
        m("all-cidr", "1.2.3.4", "all-cidr", PERMERROR),
        m("all-double", "1.2.3.4", "all-double", PASS),
        m("all-neutral", "1.2.3.4", "all-neutral", NEUTRAL),
        // §5.3 a
        m("a-cidr6", "1.2.3.4", "a-cidr6", FAIL),
        m("a-bad-cidr4", "1.2.3.4", "a-bad-cidr4", PERMERROR),
        m("a-bad-cidr6", "1.2.3.4", "a-bad-cidr6", PERMERROR),
        m("a-numeric", "1.2.3.4", "a-numeric", PERMERROR),
        m("a-numeric-toplabel", "1.2.3.4", "a-num-top", PERMERROR),
        m("a-only-toplabel", "1.2.3.4", "a-only-top", PERMERROR),
        m("a-only-toplabel-trailing-dot", "1.2.3.4", "a-only-top-dot", PERMERROR),
        m("a-bad-toplabel", "1.2.3.4", "a-bad-top", PERMERROR),
        m("a-bad-domain", "1.2.3.4", "a-bad-domain", PERMERROR),
        m("a-empty-domain", "1.2.3.4", "a-empty", PERMERROR),
        m("a-colon-domain", "1.2.3.4", "a-colon", PASS),
        m("a-colon-domain-ip4mapped", "::FFFF:1.2.3.4", "a-colon", PASS),
        m("mx-colon-domain", "1.2.3.4", "mx-colon", PASS),
        m("mx-colon-domain-ip4mapped", "::FFFF:1.2.3.4", "mx-colon", PASS),
        m("macro-mania-in-domain", "1.2.3.4", "macro-mania", PASS),
        m("a-multi-ip", "1.2.3.4", "a-multi", PASS),
        m("a-cidr4-0", "1.2.3.4", "a-cidr4-0", PASS),
        m("a-cidr4-0-ip6", "1234::1", "a-cidr4-0", FAIL),
        m("a-cidr6-0-ip6", "1234::1", "a-cidr6-0", PASS),
        m("a-cidr6-0-ip4", "1.2.3.4", "a-cidr6-0", FAIL),
        m("a-cidr6-0-ip4mapped", "::FFFF:1.2.3.4", "a-cidr6-0", FAIL),
        m("a-nxdomain", "1.2.3.4", "a-nx", FAIL),
        m("a-dual-cidr-ip4", "1.2.3.77", "a-dual", PASS),
        m("a-dual-cidr-ip6", "2001:db8:1234::1", "a-dual", PASS),
        m("a-dual-cidr-ip6-outside", "2001:db8:1235::1", "a-dual", FAIL),
        // §5.2 include
        m("include-fail", "1.2.3.4", "inc-fail", SOFTFAIL),
        m("include-softfail", "1.2.3.4", "inc-soft", PASS),
        m("include-neutral", "1.2.3.4", "inc-neutral", FAIL),
        m("include-none", "1.2.3.4", "inc-none", PERMERROR),
        m("include-nxdomain", "1.2.3.4", "inc-nx", PERMERROR),
        m("include-permerror", "1.2.3.4", "inc-perm", PERMERROR),
        m("include-syntax-error", "1.2.3.4", "inc-syntax", PERMERROR),
        m("include-cidr", "1.2.3.4", "inc-cidr", PERMERROR),
        m("include-pass", "1.2.3.5", "inc-pass", PASS),
        // §5.4 mx
        m("mx-nxdomain", "1.2.3.4", "mx-nx", FAIL),
        m("mx-cidr4-0", "1.2.3.4", "mx-cidr4-0", PASS),
        m("mx-implicit", "1.2.3.4", "mx-implicit", NEUTRAL),
        m("mx-multi-ip", "1.2.3.4", "mx-multi", PASS),
        m("mx-null", "1.2.3.4", "mx-null", NEUTRAL),
        m("mx-pass", "1.2.3.4", "mx-pass", PASS),
        m("mx-empty-domain", "1.2.3.4", "mx-empty-domain", PERMERROR),
        m("mx-limit", "1.2.3.5", "mx-limit", PERMERROR),
        // §5.7 exists
        m("exists-pass", "1.2.3.4", "exists-ok", PASS),
        m("exists-implicit", "1.2.3.4", "exists-implicit", PERMERROR),
        m("exists-cidr", "1.2.3.4", "exists-cidr", PERMERROR),
        m("exists-nxdomain", "1.2.3.4", "exists-nx", FAIL),
        m("exists-ip6only", "CAFE:BABE::3", "exists-v6only", FAIL),
        m("cname-aliasing", "192.0.2.27", "alias-inc", FAIL),
        // §5.6 ip4, ip6
        m("cidr4-0", "1.2.3.4", "cidr4-0", PASS),
        m("cidr4-32", "1.2.3.4", "cidr4-32", PASS),
        m("cidr4-33", "1.2.3.4", "cidr4-33", PERMERROR),
        m("cidr4-032", "1.2.3.4", "cidr4-032", PERMERROR),
        m("bad-ip4-port", "1.2.3.4", "ip4-port", PERMERROR),
        m("bad-ip4-short", "1.2.3.4", "ip4-short", PERMERROR),
        m("ip4-dual-cidr", "1.2.3.4", "ip4-dual", PERMERROR),
        m("bare-ip4", "1.2.3.4", "ip4-bare", PERMERROR),
        m("ip4-mapped-ip6", "::FFFF:1.2.3.4", "ip4-mapped", FAIL),
        m("cidr6-0", "DEAF:BABE::CAB:FEE", "cidr6-0", PASS),
        m("cidr6-0-ip4", "1.2.3.4", "cidr6-0", NEUTRAL),
        m("cidr6-33", "CAFE:BABE:8000::", "cidr6-33", PASS),
        m("cidr6-33-ip4", "1.2.3.4", "cidr6-33", NEUTRAL),
        m("ip6-bad1", "1.2.3.4", "ip6-bad", PERMERROR),
        m("cidr6-129", "1.2.3.4", "cidr6-129", PERMERROR),
        m("cidr6-bad", "1.2.3.4", "cidr6-bad", PERMERROR),
        m("bare-ip6", "1.2.3.4", "ip6-bare", PERMERROR),
        // §6 modifiers and exp
        e("redirect-cancels-prior-exp", "1.2.3.4", "foo@exp-redir.example.com", FAIL, "See me."),
        e("redirect-cancels-exp", "1.2.3.4", "foo@exp-redir-default.example.com", FAIL, ""),
        e("include-ignores-exp", "1.2.3.4", "foo@inc-exp.example.com", FAIL, "Correct!"),
        m("exp-twice", "1.2.3.4", "exp-twice", PERMERROR),
        m("redirect-twice", "1.2.3.4", "redir-twice", PERMERROR),
        m("default-modifier-obsolete", "1.2.3.4", "default-mod", NEUTRAL),
        m("unknown-modifier-syntax", "1.2.3.4", "unknown-mod-syntax", PERMERROR),
        m("redirect-none", "1.2.3.4", "redir-none", PERMERROR),
        m("redirect-syntax-error", "1.2.3.4", "redir-syntax", PERMERROR),
        m("exp-syntax-error", "1.2.3.4", "exp-syntax", PERMERROR),
        e("exp-multiple-txt", "1.2.3.4", "foo@exp-multi.example.com", FAIL, ""),
        m("exp-empty-domain", "1.2.3.4", "exp-empty", PERMERROR),
        m("redirect-empty-domain", "1.2.3.4", "redir-empty", PERMERROR),
        m("invalid-modifier", "1.2.3.4", "invalid-mod", PERMERROR),
        m("empty-modifier-name", "1.2.3.4", "empty-mod-name", PERMERROR),
        e("explanation-syntax-error", "1.2.3.4", "foo@exp-bad-text.example.com", FAIL, ""),
        e("exp-no-txt", "1.2.3.4", "foo@exp-nodata.example.com", FAIL, ""),
        e("trailing-dot-exp", "1.2.3.4", "foo@exp-trailing.example.com", FAIL, "This is a test."),
        // §7 macros
        e(
            "dorky-sentinel",
            "1.2.3.4",
            "Macro Error@macro-l.example.com",
            FAIL,
            "Macro Error in implementation"),
        e(
            "upper-macro",
            "192.168.218.42",
            "jack&jill=up@upper.example.com",
            FAIL,
            "http://example.com/why.html?l=jack%26jill%3Dup"),
        e(
            "v-macro-ip4",
            "192.168.218.40",
            "test@v-macro.example.com",
            FAIL,
            "192.168.218.40 is queried as 40.218.168.192.in-addr.arpa"),
        // Upper-case nibbles, as the RFC 7208 test suite's explanation has them (RFC 7208 §7.4's
        // example writes them in lower case; DNS names ignore the case, only exp= text shows it).
        e(
            "v-macro-ip6",
            "CAFE:BABE::1",
            "test@v-macro.example.com",
            FAIL,
            "cafe:babe::1 is queried as "
                + "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.E.B.A.B.E.F.A.C.ip6.arpa"),
        e(
            "exp-txt-macro-char",
            "192.168.218.40",
            "test@exp-c.example.com",
            FAIL,
            "Connections from 192.168.218.40 not authorized."),
        m("exp-only-macro-char", "192.168.218.40", "exp-only-macro", PERMERROR),
        m("invalid-macro-char", "192.168.218.40", "invalid-macro-char", PERMERROR),
        m("undef-macro", "1.2.3.4", "undef-macro", PERMERROR),
        c(
            "macro-reverse-split-on-dash",
            "1.2.3.4",
            "philip-gladstone-test@macro-split.example.com",
            "mail.example.com",
            PASS),
        c(
            "macro-multiple-delimiters",
            "1.2.3.4",
            "foo-bar+zip+quux@multi-delim.example.com",
            "mail.example.com",
            PASS),
        m("invalid-embedded-macro-char", "192.168.218.40", "bad-paren", PERMERROR),
        m("invalid-trailing-macro-char", "192.168.218.40", "bad-pct-dot", PERMERROR),
        c(
            "hello-macro",
            "192.168.218.40",
            "test@hello.example.com",
            "msgbas2x.cos.example.com",
            PASS),
        c(
            "hello-domain-literal",
            "192.168.218.40",
            "test@hello.example.com",
            "[192.168.218.40]",
            FAIL),
        c(
            "invalid-hello-macro",
            "192.168.218.40",
            "test@hello.example.com",
            "JUMPIN' JUPITER",
            FAIL),
        e(
            "p-macro-ip4-valid",
            "192.168.218.41",
            "test@p-macro.example.com",
            FAIL,
            "connect from mx.example.com"),
        e(
            "p-macro-ip4-novalid",
            "192.168.218.40",
            "test@p-macro.example.com",
            FAIL,
            "connect from unknown"),
        e(
            "p-macro-ip6-valid",
            "CAFE:BABE::3",
            "test@p-macro.example.com",
            FAIL,
            "connect from mx.example.com"),
        c("p-macro-multiple", "192.168.218.42", "test@e7.example.com", "mail.example.com", PASS),
        e(
            "domain-name-truncation",
            "192.168.218.40",
            "test@" + SpfZones.LONG_O,
            FAIL,
            "Congratulations!  That was tricky."),
        // §4.6.4 limits
        m("mech-at-limit", "1.2.3.4", "mech-at-limit", PASS),
        m("mech-over-limit", "1.2.3.4", "mech-over-limit", PERMERROR),
        m("include-loop", "1.2.3.4", "include-loop", PERMERROR),
        m("redirect-unused-not-counted", "1.2.3.4", "redirect-unused", PASS),
        m("redirect-loop", "1.2.3.4", "redirect-loop", PERMERROR),
        m("include-at-limit", "1.2.3.4", "include-at-limit", PASS),
        m("include-over-limit", "1.2.3.4", "include-over-limit", PERMERROR),
        m("void-over-limit", "1.2.3.4", "void-over", PERMERROR),
        m("void-at-limit", "1.2.3.4", "void-at", PASS),
        m("exp-void", "1.2.3.4", "exp-void", FAIL),
        m("false-a-limit", "1.2.3.12", "false-a-limit", PASS),
        m("mx-at-limit", "1.2.3.4", "mx-ten", FAIL),
        m("nested-20-includes", "1.2.3.4", "deep0", PERMERROR),
        // §5.5 ptr
        m("ptr-match-implicit", "1.2.3.4", "ptr-ok", PASS),
        m("ptr-nomatch-invalid", "1.2.3.4", "ptr-bad", FAIL),
        m("ptr-match-target", "1.2.3.4", "ptr-target", PASS),
        m("ptr-match-ip6", "CAFE:BABE::1", "ptr-ok", PASS),
        m("ptr-cidr", "1.2.3.4", "ptr-cidr", PERMERROR),
        m("ptr-empty-domain", "1.2.3.4", "ptr-empty", PERMERROR),
        m("ptr-cname-loop", "192.0.2.4", "ptr-loop", NEUTRAL));
  }
}
