package dev.mailpath.diag.benchmarks;

/**
 * One contestant of {@link SmtpBenchmark}: runs a number of full transactions (connect, greeting,
 * EHLO, MAIL, RCPT, DATA of {@link SmtpMessage}, QUIT) against an SMTP server with a number of
 * sessions at once, and counts those that ended with a 250 after the final dot.
 */
interface SmtpClient {

  /** What one run did. */
  record Outcome(int attempted, int verified, long nanos, String note) {
    double seconds() {
      return nanos / 1e9;
    }

    double transactionsPerSecond() {
      return verified / seconds();
    }
  }

  /** The name in the table. */
  String name();

  /** Whether the client can run here (an external tool is installed). */
  boolean available();

  /** Whether the client runs inside this JVM (and so needs a JIT warm-up first). */
  boolean inProcess();

  /**
   * Runs the transactions; each is a new connection, as a diagnosis is.
   *
   * @param host the server's loopback address
   * @param port the server's port
   * @param transactions how many transactions
   * @param sessions how many sessions at once (1: one after the other)
   * @return what happened, timed from the first connect to the last QUIT
   * @throws Exception when the client cannot run at all
   */
  Outcome run(String host, int port, int transactions, int sessions) throws Exception;
}
