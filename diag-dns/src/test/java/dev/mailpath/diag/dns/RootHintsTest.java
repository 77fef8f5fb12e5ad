package dev.mailpath.diag.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mailpath.diag.core.internal.Addresses;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RootHintsTest {
  static final Path DEBIAN_HINTS = Path.of("/usr/share/dns/root.hints");

  @Test
  void iana_listsThirteenRootsAtoM() {
    List<RootServer> roots = RootHints.iana().servers();

    assertThat(roots).hasSize(13);
    assertThat(roots)
        .extracting(RootServer::letter)
        .containsExactly("A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M");
    assertThat(roots)
        .allSatisfy(
            r -> {
              assertThat(r.name()).isEqualTo(r.letter().toLowerCase() + ".root-servers.net.");
              assertThat(r.ipv4()).isPresent();
              assertThat(r.ipv6()).isPresent();
              assertThat(r.port()).isEqualTo(53);
            });
  }

  @Test
  void iana_hasBRootsAddressesFrom2023() {
    RootServer b = RootHints.iana().find("b").orElseThrow();

    assertThat(b.ipv4().map(Addresses::format)).contains("170.247.170.2");
    assertThat(b.ipv6().map(Addresses::format)).contains("2801:1b8:10::b");
  }

  @Test
  void iana_matchesDebianRootHintsFile() throws IOException {
    assumeTrue(Files.isReadable(DEBIAN_HINTS), "dns-root-data is not installed");

    RootHints debian = RootHints.fromHintsFile(Files.readString(DEBIAN_HINTS));

    assertThat(debian.servers()).isEqualTo(RootHints.iana().servers());
  }

  @Test
  void fromHintsFile_readsNamedRootFormat() {
    String text =
        """
        ;       This file holds the information on root name servers
        .                        3600000      NS    A.ROOT-SERVERS.NET.
        A.ROOT-SERVERS.NET.      3600000      A     198.41.0.4
        A.ROOT-SERVERS.NET.      3600000      AAAA  2001:503:ba3e::2:30
        ; FORMERLY NS1.ISI.EDU
        .                        3600000  IN  NS    ns1.private-root.example.
        ns1.private-root.example.  3600000      A     192.0.2.53
        """;

    RootHints h = RootHints.fromHintsFile(text);

    assertThat(h.servers()).extracting(RootServer::letter).containsExactly("A", "B");
    assertThat(h.servers().get(1).name()).isEqualTo("ns1.private-root.example.");
    assertThat(h.servers().get(1).ipv6()).isEmpty();
    assertThat(h.source()).isEqualTo("root hints file");
  }

  @Test
  void fromHintsFile_rejectsUnreadableFilesNamingTheLine() {
    assertThatThrownBy(() -> RootHints.fromHintsFile(". 3600 NS a.root.\na.root. 3600 MX 10 x.\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 2");
    assertThatThrownBy(() -> RootHints.fromHintsFile("; nothing\n")).hasMessageContaining("NS");
    assertThatThrownBy(() -> RootHints.fromHintsFile(". NS a.root.\n"))
        .hasMessageContaining("a.root.");
  }

  @Test
  void of_rejectsEmptyAndDuplicateLists() {
    RootServer a = RootServer.of("A", "a.root.lab", "127.0.1.1", null);

    assertThatThrownBy(() -> RootHints.of(List.of())).hasMessageContaining("servers");
    assertThatThrownBy(() -> RootHints.of(List.of(a, a))).hasMessageContaining("twice");
  }

  @Test
  void withPort_movesEveryServer() {
    RootHints lab = RootHints.iana().withPort(5353);

    assertThat(lab.servers()).allSatisfy(s -> assertThat(s.port()).isEqualTo(5353));
    assertThat(lab.addresses(AddressFamily.IPV4))
        .hasSize(13)
        .allSatisfy(a -> assertThat(a.getPort()).isEqualTo(5353));
    assertThat(lab.addresses(AddressFamily.BOTH)).hasSize(26);
  }

  @Test
  void rootServer_validatesEagerly() {
    assertThatThrownBy(() -> RootServer.of("", "a.root.lab", "127.0.1.1", null))
        .hasMessageContaining("letter");
    assertThatThrownBy(() -> RootServer.of("A", "a.root.lab", null, null))
        .hasMessageContaining("address");
    assertThatThrownBy(() -> RootServer.of("A", "a.root.lab", "::1", null))
        .hasMessageContaining("ipv4");
    assertThatThrownBy(() -> RootServer.of("A", "a.root.lab", "a.root.lab", null))
        .hasMessageContaining("ipv4");
    assertThatThrownBy(() -> RootServer.of("A", "a root", "127.0.1.1", null))
        .hasMessageContaining("space");
    assertThatThrownBy(() -> RootServer.of("A", "a.root.lab", "127.0.1.1", null).withPort(0))
        .hasMessageContaining("port");
  }

  @Test
  void formerRootAddress_knowsBRootsOldAddresses() throws Exception {
    assertThat(RootHints.formerRootAddress(InetAddress.getByName("199.9.14.201"))).contains("B");
    assertThat(RootHints.formerRootAddress(InetAddress.getByName("2001:500:200::b"))).contains("B");
    assertThat(RootHints.formerRootAddress(InetAddress.getByName("170.247.170.2")))
        .isEqualTo(Optional.empty());
  }

  @Test
  void toString_listsServers() {
    assertThat(RootHints.iana().toString())
        .startsWith("; root hints (IANA root hints, root zone 2024041801)")
        .contains("B b.root-servers.net. 170.247.170.2 2801:1b8:10::b");
  }
}
