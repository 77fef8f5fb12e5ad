package dev.mailpath.diag.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MxLookupTest {

  @Test
  void main_noArguments_printsNslookupViewOfDemoZone() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    MxLookup.run(new String[0], new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);

    assertThat(out)
        .contains("> set type=mx")
        .contains("example.com\tMX preference = 10, mail exchanger = mail1.example.com")
        .contains("example.com\tMX preference = 20, mail exchanger = mail2.example.com")
        .contains("mail2.example.com\tAAAA IPv6 address = ::1")
        .contains("dns.mx.null")
        .contains("dns.mx.implicit")
        .contains("dns.mx.dangling")
        .contains("dns.mx.cname-target");
    assertThat(out.indexOf("mail1.example.com")).isLessThan(out.indexOf("mail2.example.com"));
  }
}
