package dev.mailpath.diag.trace;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One folder of a searched mailbox: its name, role, how the role was known, and how many messages
 * it holds and matched.
 *
 * @param name the full folder name, for example {@code INBOX} or {@code INBOX.Junk}
 * @param role what the folder is for
 * @param specialUse {@code true} when the role came from a SPECIAL-USE attribute (RFC 6154), {@code
 *     false} when it was guessed from the name
 * @param attributes the LIST attributes as the server sent them
 * @param messages how many messages the folder holds ({@code EXISTS}), or -1 when it was not opened
 * @param candidates how many messages the server-side search returned, or -1 when not searched
 * @param error why the folder could not be searched, when it could not
 */
public record MailboxFolder(
    String name,
    FolderRole role,
    boolean specialUse,
    List<String> attributes,
    int messages,
    int candidates,
    Optional<String> error) {

  /**
   * Validates the components and copies the list.
   *
   * @param name the full folder name, for example {@code INBOX} or {@code INBOX.Junk}
   * @param role what the folder is for
   * @param specialUse {@code true} when the role came from a SPECIAL-USE attribute (RFC 6154),
   *     {@code false} when it was guessed from the name
   * @param attributes the LIST attributes as the server sent them
   * @param messages how many messages the folder holds ({@code EXISTS}), or -1 when it was not
   *     opened
   * @param candidates how many messages the server-side search returned, or -1 when not searched
   * @param error why the folder could not be searched, when it could not
   */
  public MailboxFolder {
    requireNonNull(name, "name");
    requireNonNull(role, "role");
    requireNonNull(error, "error");
    attributes = List.copyOf(attributes);
  }

  /** Returns {@code name (role[, special-use], N messages)}. */
  @Override
  public String toString() {
    return name
        + " ("
        + role.name().toLowerCase(java.util.Locale.ROOT)
        + (specialUse ? " by SPECIAL-USE" : "")
        + (messages >= 0 ? ", " + messages + " messages" : "")
        + (error.map(e -> ", not searched: " + e).orElse(""))
        + ")";
  }
}
