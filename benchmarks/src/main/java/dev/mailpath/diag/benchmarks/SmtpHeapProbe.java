package dev.mailpath.diag.benchmarks;

import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.core.TranscriptLine;
import dev.mailpath.diag.smtp.SmtpClient;
import dev.mailpath.diag.smtp.SmtpConversation;
import dev.mailpath.diag.smtp.SmtpSession;
import dev.mailpath.diag.smtp.SmtpTimeouts;
import jakarta.mail.Session;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * Heap held per open SMTP session, after the greeting and EHLO: opens K sessions to the server,
 * keeps them, and compares the heap in use after full collections before and after. For mailpath
 * the transcript's share (the lines recorded so far, estimated from their text) is reported
 * separately, since the 64 KiB target is for what a session holds beyond its transcript. The
 * sockets' kernel buffers are not on the heap and not counted, for any client.
 */
final class SmtpHeapProbe {
  private SmtpHeapProbe() {}

  /** Opens one session (connect, greeting, EHLO) and returns it. */
  @FunctionalInterface
  interface Opener {
    AutoCloseable open() throws Exception;
  }

  /** What K open sessions held. */
  record HeapResult(String client, int sessions, long heapBytes, long transcriptBytes) {
    long perSession() {
      return heapBytes / sessions;
    }

    long transcriptPerSession() {
      return transcriptBytes / sessions;
    }

    long beyondTranscriptPerSession() {
      return (heapBytes - transcriptBytes) / sessions;
    }
  }

  /**
   * Estimated heap of a transcript: per line a {@code TranscriptLine} (24 bytes), its {@code
   * Duration} offset (24), its {@code String} (24) with a Latin-1 byte array (16 plus the text,
   * rounded up to 8), and a list slot (4), on a 64-bit JVM with compressed pointers.
   */
  static long transcriptBytes(Transcript t) {
    long sum = 0;
    for (TranscriptLine l : t.lines()) {
      sum += 24 + 24 + 24 + align(16 + l.text().length()) + 4;
    }
    return sum;
  }

  private static long align(long n) {
    return (n + 7) & ~7L;
  }

  /** The client every mailpath session of the probe is opened with. */
  static final SmtpClient CLIENT =
      SmtpClient.builder().timeouts(SmtpTimeouts.all(Duration.ofSeconds(10))).build();

  static SmtpConversation mailpathScript(String host, int port) {
    return SmtpConversation.to(host, port);
  }

  /** mailpath's {@link SmtpSession}, the one that can stay open. */
  static AutoCloseable openMailpath(SmtpConversation script) {
    SmtpSession s = CLIENT.open(script);
    if (!s.ehlo(SmtpMessage.EHLO_NAME).isPositive()) {
      s.close();
      throw new IllegalStateException("EHLO refused: " + s.transcript());
    }
    return s;
  }

  static void printAll(String host, int port, int k) throws Exception {
    System.out.printf(
        Locale.ROOT,
        "heap per open session (connected, greeting and EHLO read), %d sessions each:%n",
        k);
    SmtpConversation script = mailpathScript(host, port);
    Session jakarta = SmtpJakartaClient.session(host, port);
    List<HeapResult> results = new ArrayList<>();
    results.add(
        measure(
            "mailpath",
            k,
            () -> openMailpath(script),
            c -> transcriptBytes(((SmtpSession) c).transcript())));
    results.add(measure("Jakarta Mail", k, () -> SmtpJakartaClient.open(jakarta), c -> 0));
    results.add(
        measure(
            "Commons Net",
            k,
            () -> {
              var c = SmtpCommonsNetClient.open(host, port);
              return () -> {
                c.logout();
                c.disconnect();
              };
            },
            c -> 0));
    System.out.println(
        "| client | sessions | heap per session | transcript share | beyond transcript | target |");
    System.out.println("|---|---:|---:|---:|---:|---|");
    for (HeapResult r : results) {
      boolean mp = r.client().equals("mailpath");
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %s | %s | %s | %s |%n",
          r.client(),
          r.sessions(),
          kib(r.perSession()),
          mp ? kib(r.transcriptPerSession()) : "n/a",
          mp ? kib(r.beyondTranscriptPerSession()) : "n/a",
          mp
              ? (r.beyondTranscriptPerSession() < 64 * 1024 ? "< 64 KiB: met" : ">= 64 KiB: MISSED")
              : "");
    }
  }

  private static String kib(long bytes) {
    return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
  }

  /**
   * Opens {@code k} sessions and returns the heap they hold.
   *
   * @param name the client
   * @param k how many sessions
   * @param opener opens one
   * @param transcript the transcript bytes of one open session (0 when not applicable)
   * @return the result
   * @throws Exception when a session cannot be opened
   */
  static HeapResult measure(
      String name, int k, Opener opener, ToLongFunction<AutoCloseable> transcript)
      throws Exception {
    for (int i = 0; i < 20; i++) {
      opener.open().close(); // classes loaded, caches filled: not part of a session
    }
    long before = usedAfterGc();
    List<AutoCloseable> open = new ArrayList<>(k);
    try {
      for (int i = 0; i < k; i++) {
        open.add(opener.open());
      }
      long after = usedAfterGc();
      long t = 0;
      for (AutoCloseable c : open) {
        t += transcript.applyAsLong(c);
      }
      return new HeapResult(name, k, after - before, t);
    } finally {
      for (AutoCloseable c : open) {
        try {
          c.close();
        } catch (Exception e) {
          // closing only frees the server's slot; the measurement is already taken
        }
      }
    }
  }

  static long usedAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(50); // lets reference processing and cleaners finish between collections
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
