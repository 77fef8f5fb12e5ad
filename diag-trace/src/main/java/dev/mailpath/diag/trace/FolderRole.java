package dev.mailpath.diag.trace;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a mailbox folder is for, from its SPECIAL-USE attributes (RFC 6154) or, when the server
 * announces none, from its name ("Junk E-mail", "Deleted Items", "Spam", "Sent Items").
 */
public enum FolderRole {
  /** The Inbox, where new mail arrives. */
  INBOX,
  /** Sent mail ({@code \Sent}). */
  SENT,
  /** Drafts ({@code \Drafts}). */
  DRAFTS,
  /** Spam, Junk E-mail, Bulk Mail ({@code \Junk}). */
  JUNK,
  /** Trash, Deleted Items ({@code \Trash}). */
  TRASH,
  /** An archive ({@code \Archive}). */
  ARCHIVE,
  /** A virtual folder with every message, such as Gmail's All Mail ({@code \All}). */
  ALL,
  /** A virtual folder of flagged messages ({@code \Flagged}). */
  FLAGGED,
  /** Any other folder. */
  OTHER;

  private static final Map<String, FolderRole> SPECIAL_USE =
      Map.of(
          "\\sent", SENT,
          "\\drafts", DRAFTS,
          "\\junk", JUNK,
          "\\trash", TRASH,
          "\\archive", ARCHIVE,
          "\\all", ALL,
          "\\flagged", FLAGGED);

  private static final Map<FolderRole, Set<String>> NAMES =
      Map.of(
          JUNK,
              Set.of("junk", "junk e-mail", "junk email", "junk mail", "spam", "bulk mail", "bulk"),
          TRASH, Set.of("trash", "deleted items", "deleted messages", "deleted", "bin"),
          SENT, Set.of("sent", "sent items", "sent messages", "sent mail"),
          DRAFTS, Set.of("drafts", "draft"),
          ARCHIVE, Set.of("archive", "archives"));

  /**
   * Reads the role from a folder's LIST attributes (RFC 6154 §2), for example {@code
   * [\HasNoChildren, \Junk]}; case does not matter.
   *
   * @param attributes the attributes of the LIST response
   * @return the role, or empty when no special-use attribute is present
   */
  public static Optional<FolderRole> fromSpecialUse(Collection<String> attributes) {
    for (String a : attributes) {
      FolderRole r = SPECIAL_USE.get(a.strip().toLowerCase(Locale.ROOT));
      if (r != null) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /**
   * Guesses the role from a folder's full name, using its last component ({@code INBOX.Junk},
   * {@code [Gmail]/Spam}); {@code INBOX} (any case) is the Inbox (RFC 3501 §5.1).
   *
   * @param fullName the full folder name
   * @param separator the hierarchy separator, or {@code 0} when there is none
   * @return the role, {@link #OTHER} when the name says nothing
   */
  public static FolderRole fromName(String fullName, char separator) {
    if (fullName.equalsIgnoreCase("INBOX")) {
      return INBOX;
    }
    String leaf =
        separator == 0 ? fullName : fullName.substring(fullName.lastIndexOf(separator) + 1);
    String l = leaf.strip().toLowerCase(Locale.ROOT);
    for (Map.Entry<FolderRole, Set<String>> e : NAMES.entrySet()) {
      if (e.getValue().contains(l)) {
        return e.getKey();
      }
    }
    return OTHER;
  }

  /**
   * Decides a folder's role: the Inbox by name, else the SPECIAL-USE attribute, else the name.
   *
   * @param fullName the full folder name
   * @param separator the hierarchy separator, or {@code 0}
   * @param attributes the LIST attributes
   * @return the role
   */
  public static FolderRole of(String fullName, char separator, Collection<String> attributes) {
    if (fullName.equalsIgnoreCase("INBOX")) {
      return INBOX;
    }
    return fromSpecialUse(attributes).orElseGet(() -> fromName(fullName, separator));
  }
}
