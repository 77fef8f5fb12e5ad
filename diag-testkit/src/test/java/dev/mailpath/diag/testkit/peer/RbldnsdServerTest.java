package dev.mailpath.diag.testkit.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RbldnsdServerTest {

  @Test
  void builder_rejectsBadInput_beforeStarting() {
    assertThatThrownBy(() -> RbldnsdServer.builder().zone("bl.test", "nosuchset", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("type");
    assertThatThrownBy(() -> RbldnsdServer.builder().zone("bl:test", "ip4set", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
    assertThatThrownBy(() -> RbldnsdServer.builder().bindAddress("192.0.2.1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loopback");
    assertThatThrownBy(() -> RbldnsdServer.builder().startTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RbldnsdServer.builder().start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("zone");
  }

  @Test
  void start_servesTheDatasets_andCloseStopsItAndCleansUp() {
    RbldnsdServer.requireInstalled();
    DigClient dig = DigClient.require();
    RbldnsdServer bl =
        RbldnsdServer.builder()
            .zone("bl.test", "ip4set", ":127.0.0.2:Listed $\n127.0.0.2\n192.0.2.10\n")
            .zone("dbl.test", "dnset", ":127.0.1.2:Domain $\nspam.example\n")
            .start();
    Path dir = bl.directory();
    try {
      assertThat(bl.address().getAddress().isLoopbackAddress()).isTrue();
      assertThat(bl.running()).isTrue();
      assertThat(dig.query(bl.address(), "10.2.0.192.bl.test", "A")).containsExactly("127.0.0.2");
      assertThat(dig.query(bl.address(), "10.2.0.192.bl.test", "TXT"))
          .containsExactly("\"Listed 192.0.2.10\"");
      assertThat(dig.query(bl.address(), "11.2.0.192.bl.test", "A")).isEmpty();
      assertThat(dig.query(bl.address(), "spam.example.dbl.test", "A"))
          .isEqualTo(List.of("127.0.1.2"));
    } finally {
      bl.close();
    }
    assertThat(bl.running()).isFalse();
    assertThat(Files.exists(dir)).isFalse();
    assertThat(bl.logText()).contains("rbldnsd");
  }
}
