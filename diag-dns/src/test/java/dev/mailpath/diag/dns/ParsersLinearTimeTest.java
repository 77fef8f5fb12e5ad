package dev.mailpath.diag.dns;

import dev.mailpath.diag.dns.internal.ReplyCheck;
import dev.mailpath.diag.testkit.LinearTime;
import java.io.ByteArrayOutputStream;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The DNS reply check takes time linear in the reply's size (checked by doubling it), even for
 * replies built to make a careless parser chase pointers or re-read names. Real replies are at most
 * 64 KiB (the TCP length prefix); the check is fed larger arrays to measure the trend.
 */
class ParsersLinearTimeTest {
  static final int N = 64 * 1024;

  /** Header with our ID, QR set, one question (example.org MX), then {@code body}. */
  static byte[] reply(int ancount, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        new byte[] {
          0x12,
          0x34,
          (byte) 0x81,
          (byte) 0x80,
          0,
          1,
          (byte) (ancount >>> 8),
          (byte) ancount,
          0,
          0,
          0,
          0
        });
    out.writeBytes(new byte[] {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'o', 'r', 'g', 0});
    out.writeBytes(new byte[] {0, 15, 0, 1});
    out.writeBytes(body);
    return out.toByteArray();
  }

  static Runnable checking(byte[] reply) {
    return () -> {
      ReplyCheck.check(ParsersFuzzTest.QUERY, reply, false);
      ReplyCheck.check(ParsersFuzzTest.QUERY, reply, true);
    };
  }

  @Test
  void replyCheck_chainOfBackwardPointers_isLinear() {
    // Each record's owner points to the previous record's owner: names chain back to the question.
    IntFunction<Runnable> work =
        n -> {
          ByteArrayOutputStream body = new ByteArrayOutputStream();
          int count = 0;
          int previous = 12;
          while (body.size() + 20 < n && count < 65535) {
            int offset = 12 + 17 + body.size();
            body.writeBytes(
                new byte[] {
                  1,
                  'a',
                  (byte) (0xC0 | previous >>> 8),
                  (byte) previous,
                  0,
                  15,
                  0,
                  1,
                  0,
                  0,
                  0,
                  60,
                  0,
                  4,
                  0,
                  10,
                  (byte) 0xC0,
                  12
                });
            previous = offset;
            count++;
          }
          return checking(reply(count, body.toByteArray()));
        };
    LinearTime.assertLinear("ReplyCheck on a chain of backward compression pointers", work, N);
  }

  @Test
  void replyCheck_manyRecordsWithLongNames_isLinear() {
    IntFunction<Runnable> work =
        n -> {
          ByteArrayOutputStream body = new ByteArrayOutputStream();
          int count = 0;
          byte[] label = new byte[64];
          label[0] = 63;
          java.util.Arrays.fill(label, 1, 64, (byte) 'x');
          while (body.size() + 300 < n && count < 65535) {
            for (int i = 0; i < 3; i++) {
              body.writeBytes(label);
            }
            body.writeBytes(
                new byte[] {(byte) 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1});
            count++;
          }
          return checking(reply(count, body.toByteArray()));
        };
    LinearTime.assertLinear("ReplyCheck on many records with long names", work, N);
  }
}
