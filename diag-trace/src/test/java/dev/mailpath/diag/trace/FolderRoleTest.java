package dev.mailpath.diag.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FolderRoleTest {

  @ParameterizedTest
  @CsvSource({
    "\\Junk, JUNK",
    "\\junk, JUNK",
    "\\Trash, TRASH",
    "\\Sent, SENT",
    "\\Drafts, DRAFTS",
    "\\Archive, ARCHIVE",
    "\\All, ALL",
    "\\Flagged, FLAGGED"
  })
  void fromSpecialUse_rfc6154Attribute_mapsRole(String attribute, FolderRole role) {
    assertThat(FolderRole.fromSpecialUse(List.of("\\HasNoChildren", attribute))).contains(role);
  }

  @Test
  void fromSpecialUse_noSpecialUseAttribute_isEmpty() {
    assertThat(FolderRole.fromSpecialUse(List.of("\\HasNoChildren", "\\Marked", "\\Noinferiors")))
        .isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "INBOX|INBOX",
        "inbox|INBOX",
        "Junk|JUNK",
        "Junk E-mail|JUNK",
        "INBOX.Spam|JUNK",
        "[Gmail]/Spam|JUNK",
        "Bulk Mail|JUNK",
        "Deleted Items|TRASH",
        "INBOX.Trash|TRASH",
        "Deleted Messages|TRASH",
        "Sent Items|SENT",
        "[Gmail]/Sent Mail|SENT",
        "Archive|ARCHIVE",
        "Drafts|DRAFTS",
        "Projects|OTHER",
        "Junk Drawer|OTHER"
      })
  void fromName_commonNames_guessRole(String name, FolderRole role) {
    char sep = name.startsWith("[Gmail]") ? '/' : '.';
    assertThat(FolderRole.fromName(name, sep)).isEqualTo(role);
  }

  @Test
  void of_specialUseWinsOverName() {
    // A Dovecot folder named "Spam" marked \Archive is an archive; a German "Papierkorb" marked
    // \Trash is the trash.
    assertThat(FolderRole.of("Spam", '.', List.of("\\Archive"))).isEqualTo(FolderRole.ARCHIVE);
    assertThat(FolderRole.of("Papierkorb", '.', List.of("\\HasNoChildren", "\\Trash")))
        .isEqualTo(FolderRole.TRASH);
    assertThat(FolderRole.of("INBOX", '.', List.of("\\Junk"))).isEqualTo(FolderRole.INBOX);
    assertThat(FolderRole.of("Papierkorb", '.', List.of())).isEqualTo(FolderRole.OTHER);
  }
}
