package dev.mailpath.diag.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mailpath.diag.dns.internal.Replies;
import dev.mailpath.diag.dns.internal.ReplyCheck;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Fuzz target for the DNS reply check (Jazzer, {@code @FuzzTest}): arbitrary bytes judged as the
 * reply to one fixed query ({@code example.org. MX}, ID 0x1234). A plain build runs it over its
 * committed seeds in {@code ParsersFuzzTestInputs/replyCheck/}; {@code -Pfuzz} fuzzes it for a set
 * time (docs/robustness.md). Promises: no exception and no hang on any bytes; an answer is only
 * ever an answer to the question asked; what is handed on converts to our types without an
 * exception.
 */
class ParsersFuzzTest {
  static final int ID = 0x1234;
  static final Message QUERY = query();

  static Message query() {
    Message q =
        Message.newQuery(
            Record.newRecord(Name.fromConstantString("example.org."), Type.MX, DClass.IN));
    q.getHeader().setID(ID);
    return q;
  }

  @FuzzTest
  void replyCheck(byte[] input) {
    judge(input);
    if (input.length >= 2) {
      // The fuzzer rarely guesses a 16-bit ID: also judge the bytes as if it had.
      byte[] withId = input.clone();
      withId[0] = (byte) (ID >>> 8);
      withId[1] = (byte) ID;
      judge(withId);
    }
  }

  static void judge(byte[] reply) {
    for (boolean tcp : new boolean[] {false, true}) {
      ReplyCheck.Verdict v = ReplyCheck.check(QUERY, reply, tcp);
      assertThat(v).isNotNull();
      assertThat(v.kind()).isNotNull();
      if (v.detail() != null) {
        assertThat(v.detail().length()).isLessThanOrEqualTo(4 * reply.length + 512);
      }
      ReplyCheck.questionMatches(QUERY, reply);
      if (v.kind() == ReplyCheck.Kind.ANSWER) {
        Message m = v.message();
        assertThat(m).isNotNull();
        // RFC 5452 §9.1, issue 16 item 11: every answer, whatever its RCODE, carries our question.
        assertThat(m.getHeader().getID()).isEqualTo(ID);
        assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(m.getQuestion()).isNotNull();
        assertThat(m.getQuestion().getName()).isEqualTo(QUERY.getQuestion().getName());
        assertThat(m.getQuestion().getType()).isEqualTo(Type.MX);
      }
      if (v.kind() == ReplyCheck.Kind.MALFORMED || v.kind() == ReplyCheck.Kind.GARBLED) {
        assertThat(v.problem()).isNotNull();
      }
      if (v.message() != null) {
        // What the engines do next with a reply: it must convert without an exception.
        Message m = v.message();
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
          List<DnsRecord> records = Replies.section(m, section);
          assertThat(records.size()).isLessThanOrEqualTo(reply.length / 11);
          records.forEach(DnsRecord::toString);
        }
        Replies.flags(m.getHeader());
        Replies.edns(m);
      }
    }
  }
}
