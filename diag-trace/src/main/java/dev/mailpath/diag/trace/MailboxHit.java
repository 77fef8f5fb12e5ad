package dev.mailpath.diag.trace;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A message found by {@link MailboxSearch}: where it is, its flags and arrival time, and its {@code
 * Received:} chain (read from the headers alone; the body is never fetched).
 *
 * @param folder the full folder name
 * @param role the folder's role
 * @param uid the message's IMAP UID in the folder, when known
 * @param flags the IMAP flags, for example {@code \Seen}, {@code \Deleted}, {@code \Flagged}, and
 *     keywords such as {@code $Junk}
 * @param internalDate when the server stored the message (IMAP INTERNALDATE)
 * @param messageId the Message-ID with angle brackets
 * @param from the From addresses
 * @param subject the subject
 * @param receivedChain the analysis of the message's Received and Authentication-Results fields
 */
public record MailboxHit(
    String folder,
    FolderRole role,
    OptionalLong uid,
    Set<String> flags,
    Optional<Instant> internalDate,
    Optional<String> messageId,
    List<String> from,
    Optional<String> subject,
    ReceivedChainReport receivedChain) {

  /**
   * Validates the components and copies the collections.
   *
   * @param folder the full folder name
   * @param role the folder's role
   * @param uid the message's IMAP UID in the folder, when known
   * @param flags the IMAP flags, for example {@code \Seen}, {@code \Deleted}, {@code \Flagged}, and
   *     keywords such as {@code $Junk}
   * @param internalDate when the server stored the message (IMAP INTERNALDATE)
   * @param messageId the Message-ID with angle brackets
   * @param from the From addresses
   * @param subject the subject
   * @param receivedChain the analysis of the message's Received and Authentication-Results fields
   */
  public MailboxHit {
    requireNonNull(folder, "folder");
    requireNonNull(role, "role");
    requireNonNull(uid, "uid");
    requireNonNull(internalDate, "internalDate");
    requireNonNull(messageId, "messageId");
    requireNonNull(subject, "subject");
    requireNonNull(receivedChain, "receivedChain");
    flags = Set.copyOf(flags);
    from = List.copyOf(from);
  }

  /**
   * Tells whether the message is marked deleted (awaiting expunge).
   *
   * @return {@code true} when {@code \Deleted} is set
   */
  public boolean deleted() {
    return flags.contains("\\Deleted");
  }

  /**
   * Tells whether the message was read.
   *
   * @return {@code true} when {@code \Seen} is set
   */
  public boolean seen() {
    return flags.contains("\\Seen");
  }

  /** Returns {@code folder [role] uid=N date flags <id> from "subject"}. */
  @Override
  public String toString() {
    StringBuilder sb =
        new StringBuilder(folder)
            .append(" [")
            .append(role.name().toLowerCase(java.util.Locale.ROOT))
            .append(']');
    uid.ifPresent(u -> sb.append(" uid=").append(u));
    internalDate.ifPresent(d -> sb.append(' ').append(d));
    if (!flags.isEmpty()) {
      sb.append(' ').append(String.join(" ", new java.util.TreeSet<>(flags)));
    }
    messageId.ifPresent(m -> sb.append(' ').append(m));
    if (!from.isEmpty()) {
      sb.append(" from ").append(String.join(", ", from));
    }
    subject.ifPresent(s -> sb.append(" \"").append(s).append('"'));
    return sb.toString();
  }
}
