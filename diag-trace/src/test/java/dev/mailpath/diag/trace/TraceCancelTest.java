package dev.mailpath.diag.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.TlsMode;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class TraceCancelTest {

  @Test
  void searchAsync_cancelWhileServerIsSilent_closesTheConnection() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<MailboxSearchReport> f =
          MailboxSearch.builder()
              .server("127.0.0.1", server.getLocalPort())
              .tlsMode(TlsMode.NONE)
              .credentials("bob", "secret")
              .timeout(Duration.ofSeconds(60))
              .build()
              .searchAsync(MessageQuery.byMessageId("x@example.org"));
      try (Socket accepted = server.accept()) {
        // The client waits for a greeting that never comes; cancel must close its socket.
        accepted.setSoTimeout(10_000);
        f.cancel(true);
        InputStream in = accepted.getInputStream();
        int read;
        try {
          read = in.read();
        } catch (java.net.SocketException reset) {
          read = -1; // a reset is a close too
        }
        assertThat(read).isEqualTo(-1);
      }
      assertThat(f).isCancelled();
    }
  }

  @Test
  void investigateAsync_cancelWhileMailboxIsSilent_closesTheConnection() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      MailboxSearch mailbox =
          MailboxSearch.builder()
              .server("127.0.0.1", server.getLocalPort())
              .tlsMode(TlsMode.NONE)
              .credentials("bob", "secret")
              .timeout(Duration.ofSeconds(60))
              .build();
      CompletableFuture<InvestigationReport> f =
          MissingMessageInvestigation.builder()
              .mailbox(mailbox)
              .build()
              .investigateAsync(
                  MessageQuery.builder()
                      .recipient("bob@example.org")
                      .messageId("x@example.org")
                      .build());
      try (Socket accepted = server.accept()) {
        accepted.setSoTimeout(10_000);
        f.cancel(true);
        int read;
        try {
          read = accepted.getInputStream().read();
        } catch (java.net.SocketException reset) {
          read = -1;
        }
        assertThat(read).isEqualTo(-1);
      }
      assertThat(f).isCancelled();
    }
  }

  @Test
  void fetchSourceAsync_cancelWhileServerIsSilent_closesTheConnection() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      MailboxHit hit =
          new MailboxHit(
              "Junk",
              FolderRole.JUNK,
              java.util.OptionalLong.of(1),
              java.util.Set.of(),
              java.util.Optional.empty(),
              java.util.Optional.empty(),
              java.util.List.of(),
              java.util.Optional.empty(),
              ReceivedChain.builder().build().analyzeFields(java.util.List.of()));
      CompletableFuture<MessageSourceReport> f =
          MailboxSearch.builder()
              .server("127.0.0.1", server.getLocalPort())
              .tlsMode(TlsMode.NONE)
              .credentials("bob", "secret")
              .timeout(Duration.ofSeconds(60))
              .build()
              .fetchSourceAsync(hit);
      try (Socket accepted = server.accept()) {
        accepted.setSoTimeout(10_000);
        f.cancel(true);
        int read;
        try {
          read = accepted.getInputStream().read();
        } catch (java.net.SocketException reset) {
          read = -1;
        }
        assertThat(read).isEqualTo(-1);
      }
      assertThat(f).isCancelled();
    }
  }
}
