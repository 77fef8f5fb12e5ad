package dev.mailpath.diag.trace;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.ReportText;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The full source of one message found by {@link MailboxSearch}, as {@link
 * MailboxSearch#fetchSource(MailboxHit)} fetched it: the bytes as stored (for {@link
 * MessageAuthentication#verify(byte[])}), or the findings that say why they could not be fetched
 * (connection, login, the message gone, larger than the limit).
 *
 * @param server the mailbox, {@code imap://user@host:port} (never the password)
 * @param folder the folder of the message
 * @param uid the message's UID in the folder, when the hit had one
 * @param fetched whether the source was fetched; when false, {@link #source()} is empty and the
 *     findings say why
 * @param source the message as stored (a copy is kept and handed out); empty when not fetched
 * @param size the size the server announced (IMAP {@code RFC822.SIZE}), when it was asked
 * @param findings what went wrong
 * @param startedAt when the fetch started
 * @param elapsed how long it took
 */
public record MessageSourceReport(
    String server,
    String folder,
    OptionalLong uid,
    boolean fetched,
    byte[] source,
    OptionalLong size,
    List<Finding> findings,
    Instant startedAt,
    Duration elapsed)
    implements DiagnosticReport {

  /**
   * Checks the components and copies the source and the findings.
   *
   * @param server the mailbox
   * @param folder the folder
   * @param uid the UID
   * @param fetched whether the source was fetched
   * @param source the message bytes
   * @param size the announced size
   * @param findings the findings
   * @param startedAt the start
   * @param elapsed the duration
   */
  public MessageSourceReport {
    requireNonNull(server, "server");
    requireNonNull(folder, "folder");
    requireNonNull(uid, "uid");
    source = requireNonNull(source, "source").clone();
    requireNonNull(size, "size");
    findings = List.copyOf(findings);
    requireNonNull(startedAt, "startedAt");
    requireNonNull(elapsed, "elapsed");
  }

  /**
   * Returns a copy of the message as stored.
   *
   * @return the bytes; empty when not fetched
   */
  @Override
  public byte[] source() {
    return source.clone();
  }

  @Override
  public Outcome outcome() {
    return fetched ? Outcome.fromFindings(findings) : Outcome.INCONCLUSIVE;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MessageSourceReport r
        && server.equals(r.server)
        && folder.equals(r.folder)
        && uid.equals(r.uid)
        && fetched == r.fetched
        && Arrays.equals(source, r.source)
        && size.equals(r.size)
        && findings.equals(r.findings)
        && startedAt.equals(r.startedAt)
        && elapsed.equals(r.elapsed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(server, folder, uid, fetched, Arrays.hashCode(source), findings);
  }

  /** Returns where the message is, its size and the findings; never the message itself. */
  @Override
  public String toString() {
    String what =
        folder
            + (uid.isPresent() ? " uid=" + uid.getAsLong() : "")
            + (fetched ? ": " + source.length + " bytes fetched" : ": not fetched")
            + (size.isPresent() ? " (size " + size.getAsLong() + ")" : "");
    return ReportText.of("Message source from " + server).body(what).render(this, elapsed);
  }
}
