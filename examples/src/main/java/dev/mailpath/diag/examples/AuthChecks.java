package dev.mailpath.diag.examples;

import dev.mailpath.diag.auth.DkimVerifier;
import dev.mailpath.diag.auth.DmarcCheck;
import dev.mailpath.diag.auth.SpfCheck;
import dev.mailpath.diag.dns.DnsSettings;
import dev.mailpath.diag.testkit.DkimTestSigner;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import dev.mailpath.diag.trace.MessageAuthentication;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * "Is my sending domain set up right?" and "why did it go to Junk?", as a program that runs without
 * a network.
 *
 * <p>It serves two zones on an embedded DNS server: {@code example.org}, a company that sends its
 * newsletter through a provider, and {@code mailer.example.net}, the provider. The provider signs
 * with its own domain ({@code d=mailer.example.net}) and uses its own bounce address, so SPF and
 * DKIM pass but neither aligns with {@code From: example.org}, whose DMARC policy says quarantine:
 * the newsletter lands in Junk. The same message signed with {@code d=example.org} passes.
 *
 * <pre>
 * AuthChecks        # set-up checks of example.org, then the two messages
 * </pre>
 */
public final class AuthChecks {
  private AuthChecks() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    run(System.out);
  }

  /**
   * Runs the example, printing to {@code out}.
   *
   * @param out where to print
   */
  public static void run(PrintStream out) {
    DkimTestSigner provider = DkimTestSigner.rsa("mailer.example.net", "mk1");
    DkimTestSigner own = DkimTestSigner.rsa("example.org", "s2026");
    try (LocalDnsZoneServer dns =
        LocalDnsZoneServer.builder()
            .zone(root())
            .zone(exampleOrg(own))
            .zone(provider(provider))
            .start()) {
      DnsSettings settings =
          DnsSettings.builder().server(dns.address()).timeout(Duration.ofSeconds(2)).build();
      out.println("Embedded zones example.org and mailer.example.net on " + dns.address());

      out.println("\n== Is example.org set up to send? ==\n");
      out.println(SpfCheck.builder().dns(settings).build().record("example.org"));
      out.println(DkimVerifier.builder().dns(settings).build().key("s2026", "example.org"));
      out.println(DmarcCheck.builder().dns(settings).build().record("example.org"));

      MessageAuthentication auth =
          MessageAuthentication.builder().dns(settings).trustedAuthservId("mx.example.com").build();
      String newsletter =
          "From: Example News <news@example.org>\r\n"
              + "To: reader@example.com\r\n"
              + "Subject: December news\r\n"
              + "Date: Mon, 07 Dec 2026 09:00:00 +0000\r\n"
              + "Message-ID: <news-2026-12@example.org>\r\n"
              + "\r\n"
              + "Our news of the month.\r\n";
      // What the receiving server (mx.example.com) wrote on top when the message arrived.
      String received =
          "Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=mailer.example.net;"
              + " dkim=pass header.d=mailer.example.net; dmarc=%s header.from=example.org\r\n"
              + "Received-SPF: pass client-ip=127.0.0.25; helo=out1.mailer.example.net;"
              + " envelope-from=\"bounce-42@mailer.example.net\";\r\n";
      byte[] body = newsletter.getBytes(StandardCharsets.UTF_8);

      out.println("\n== Why did the newsletter go to Junk? ==\n");
      out.println(auth.verify(arrived(received.formatted("fail"), provider.sign(body))));

      out.println("\n== The same newsletter signed with d=example.org ==\n");
      out.println(auth.verify(arrived(received.formatted("pass"), own.sign(body))));
    }
  }

  private static byte[] arrived(String traceFields, byte[] signed) {
    byte[] top = traceFields.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[top.length + signed.length];
    System.arraycopy(top, 0, out, 0, top.length);
    System.arraycopy(signed, 0, out, top.length, signed.length);
    return out;
  }

  static String root() {
    return """
        $ORIGIN .
        $TTL 300
        @ IN SOA ns1.example.org. hostmaster.example.org. 1 3600 600 86400 300
        @ IN NS ns1.example.org.
        """;
  }

  static String exampleOrg(DkimTestSigner own) {
    return """
        $ORIGIN example.org.
        $TTL 300
        @ IN SOA ns1 hostmaster 1 3600 600 86400 300
        @ IN NS ns1
        ns1 IN A 127.0.0.1
        @ IN TXT "v=spf1 mx include:_spf.mailer.example.net ~all"
        @ IN MX 10 mx1
        mx1 IN A 127.0.0.24
        _dmarc IN TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.org"
        """
        + own.zoneRecord()
        + "\n";
  }

  static String provider(DkimTestSigner provider) {
    return """
        $ORIGIN mailer.example.net.
        $TTL 300
        @ IN SOA ns1 hostmaster 1 3600 600 86400 300
        @ IN NS ns1
        ns1 IN A 127.0.0.1
        @ IN TXT "v=spf1 ip4:127.0.0.25 -all"
        _spf IN TXT "v=spf1 ip4:127.0.0.25 -all"
        """
        + provider.zoneRecord()
        + "\n";
  }
}
