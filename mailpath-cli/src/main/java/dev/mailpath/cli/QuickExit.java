package dev.mailpath.cli;

/**
 * Ends the process without the wait that JDK 17 adds when a thread sits in native code.
 *
 * <p>At exit, HotSpot's final safepoint waits for every Java thread that is in native code to
 * block, up to 300 ms for user threads ({@code VM_Exit::wait_for_threads_in_native_to_block}: 30
 * waits of 10 ms). The DNS transport's selector thread (a daemon, {@code mailpath-dns-io-...}) sits
 * in {@code epoll_wait} until it has idled for two seconds, so every {@code mailpath mx} paid those
 * 300 ms after printing its report. Interrupting the library's threads first wakes the selector
 * (the thread then returns to Java and blocks at the safepoint at once), and the process ends as
 * soon as its output is written. Only for {@link MailpathCli#main}: the work is done and the output
 * flushed by then, so nothing is lost.
 */
final class QuickExit {
  private QuickExit() {}

  /**
   * Wakes mailpath's own threads and exits.
   *
   * @param code the exit code
   */
  static void exit(int code) {
    System.out.flush();
    System.err.flush();
    Thread[] threads = new Thread[Thread.activeCount() + 8];
    int n = Thread.enumerate(threads);
    Thread self = Thread.currentThread();
    for (int i = 0; i < n; i++) {
      Thread t = threads[i];
      if (t != self && t.isDaemon() && t.getName().startsWith("mailpath-")) {
        t.interrupt();
      }
    }
    System.exit(code);
  }
}
