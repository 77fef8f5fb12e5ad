package dev.mailpath.diag.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.auth.internal.DkimCanon;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** A 50 MB message verified from a stream that generates it, in bounded memory. */
class DkimStreamTest {
  static final long SIZE = 50L * 1024 * 1024;

  /** Generates {@code size} bytes of text lines (bare LF every 70 bytes) without holding them. */
  static InputStream body(long size) {
    return new InputStream() {
      long pos;

      @Override
      public int read() {
        if (pos >= size) {
          return -1;
        }
        return at(pos++);
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (pos >= size) {
          return -1;
        }
        int n = (int) Math.min(len, size - pos);
        for (int i = 0; i < n; i++) {
          b[off + i] = at(pos++);
        }
        return n;
      }

      private byte at(long p) {
        int c = (int) (p % 70);
        return c == 69 ? (byte) '\n' : (byte) ('a' + (p / 70 + c) % 26);
      }
    };
  }

  @Test
  void fiftyMegabyteStream_passes_withoutAllocatingTheMessage() throws Exception {
    KeyPair kp = DkimTestSigner.ed25519();
    // body hash of the generated body, computed by streaming it once
    DkimCanon.Body canon = new DkimCanon.Body(true, MessageDigest.getInstance("SHA-256"), -1);
    byte[] buf = new byte[65536];
    try (InputStream in = body(SIZE)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        canon.update(buf, 0, n);
      }
    }
    String bh = Base64.getEncoder().encodeToString(canon.finish());
    // sign the header block with that bh: the signer never needs the body itself
    String header = "From: big@signer.example\r\nSubject: fifty megabytes\r\n\r\n";
    String signed =
        DkimTestSigner.signWithBodyHash(
            header,
            bh,
            "ed25519-sha256",
            "relaxed/relaxed",
            "signer.example",
            "ed",
            "from:subject",
            kp);
    try (LocalDnsZoneServer zone =
        LocalDnsZoneServer.builder()
            .zone(
                "$ORIGIN signer.example.\n$TTL 300\n@ SOA ns h 1 3600 600 86400 300\n@ NS ns\n"
                    + DkimTestSigner.txt(
                        "ed._domainkey", "v=DKIM1; k=ed25519; p=" + DkimTestSigner.publicKey(kp)))
            .start()) {
      DkimVerifier v =
          DkimVerifier.builder()
              .dns(d -> d.server(zone.address()).timeout(Duration.ofSeconds(2)))
              .build();
      // warm up (class loading, JIT) on a small message
      v.verify(
          new SequenceInputStream(
              new java.io.ByteArrayInputStream(signed.getBytes(StandardCharsets.ISO_8859_1)),
              body(1000)));

      long before = allocatedBytes();
      DkimReport r =
          v.verify(
              new SequenceInputStream(
                  new java.io.ByteArrayInputStream(signed.getBytes(StandardCharsets.ISO_8859_1)),
                  body(SIZE)));
      long allocated = allocatedBytes() - before;

      assertThat(r.signatures())
          .singleElement()
          .satisfies(s -> assertThat(s.result()).as(s.toString()).isEqualTo(DkimResult.PASS));
      // the whole message would be 50 MiB; chunked reading allocates a few hundred KiB
      assertThat(allocated)
          .as("bytes allocated by the verifying thread")
          .isLessThan(4L * 1024 * 1024);
    }
  }

  /**
   * The bytes this thread has allocated so far (HotSpot's com.sun.management.ThreadMXBean), read
   * reflectively because this module does not require the management modules.
   */
  static long allocatedBytes() throws Exception {
    Object bean =
        Class.forName("java.lang.management.ManagementFactory")
            .getMethod("getThreadMXBean")
            .invoke(null);
    return (long)
        Class.forName("com.sun.management.ThreadMXBean")
            .getMethod("getThreadAllocatedBytes", long.class)
            .invoke(bean, Thread.currentThread().getId());
  }
}
