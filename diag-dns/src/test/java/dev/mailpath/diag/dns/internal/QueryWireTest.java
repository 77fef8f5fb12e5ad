package dev.mailpath.diag.dns.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class QueryWireTest {

  private static Message query(String name, int type, int id, boolean rd, OPTRecord opt)
      throws Exception {
    Message m = new Message(id);
    m.getHeader().setOpcode(Opcode.QUERY);
    if (rd) {
      m.getHeader().setFlag(Flags.RD);
    }
    m.addRecord(Record.newRecord(Name.fromString(name), type, DClass.IN), Section.QUESTION);
    if (opt != null) {
      m.addRecord(opt, Section.ADDITIONAL);
    }
    return m;
  }

  @Test
  void encode_plainQueries_sameBytesAsDnsjava() throws Exception {
    List<String> names =
        List.of(
            ".",
            "example.org.",
            "MiXeD.Case.Example.",
            "d11999.bench.test.",
            "a\\.b.example.",
            "x".repeat(63) + "." + "y".repeat(63) + ".example.");
    int[] types = {Type.MX, Type.A, Type.AAAA, Type.TXT, Type.DNSKEY, Type.ANY, 65280};
    List<OPTRecord> opts =
        java.util.Arrays.asList(
            null,
            new OPTRecord(1232, 0, 0),
            new OPTRecord(4096, 0, 0, ExtendedFlags.DO),
            new OPTRecord(512, 1, 1, 0x7fff));
    int id = 0;
    for (String n : names) {
      for (int t : types) {
        for (OPTRecord opt : opts) {
          for (boolean rd : new boolean[] {false, true}) {
            id = (id * 31 + 7) & 0xffff;
            Message m = query(n, t, id, rd, opt);
            assertThat(QueryWire.encode(m))
                .as("%s %d %s rd=%s", n, t, opt, rd)
                .isEqualTo(m.toWire());
          }
        }
      }
    }
  }

  @Test
  void encode_queriesItDoesNotHandle_fallBackToDnsjava() throws Exception {
    Message withOption =
        query(
            "example.org.",
            Type.A,
            4711,
            true,
            new OPTRecord(
                1232,
                0,
                0,
                0,
                new ClientSubnetOption(24, java.net.InetAddress.getByName("192.0.2.0"))));
    Message twoQuestions = query("example.org.", Type.A, 1, false, null);
    twoQuestions.addRecord(
        Record.newRecord(Name.fromString("example.net."), Type.MX, DClass.IN), Section.QUESTION);
    Message withAnswer = query("example.org.", Type.A, 2, false, null);
    withAnswer.addRecord(
        new ARecord(
            Name.fromString("example.org."),
            DClass.IN,
            60,
            java.net.InetAddress.getByName("192.0.2.1")),
        Section.ANSWER);

    for (Message m : List.of(withOption, twoQuestions, withAnswer)) {
      assertThat(QueryWire.encode(m)).isEqualTo(m.toWire());
    }
  }
}
