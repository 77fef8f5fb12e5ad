package dev.mailpath.diag.testkit;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.HostAndPort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A loopback SMTP server that either replays a recorded session or records one, so that a test is
 * written once and runs against the real server only when a recording is made: WireMock's
 * record/playback for SMTP.
 *
 * <pre>{@code
 * TestCertificates.ServerCertificate cert = TestCertificates.selfSigned("mx.example.org");
 * try (SmtpReplayServer mx = recording
 *     ? SmtpReplayServer.record(HostAndPort.of("mx.example.org", 25), cert)
 *     : SmtpReplayServer.replay(SmtpReplay.read(file), cert)) {
 *   SmtpReport r = client.run(SmtpConversation.to(mx.host(), mx.port())...);
 *   if (mx.recording()) mx.recordings().get(0).writeTo(file);
 *   else assertThat(mx.divergences()).isEmpty();
 * }
 * }</pre>
 *
 * <p>Replaying, it is a {@link ScriptedSmtpServer} playing the {@link SmtpReplay}: the client must
 * send what the recording says; the first line that differs gets {@code 554 5.5.0} and a closed
 * connection and appears in {@link #divergences()}. Recording, it is a proxy to the real server
 * that records every line passing through; at STARTTLS it ends TLS on both sides (towards the
 * client with {@link #certificate()}, towards the server accepting any certificate, since it
 * records rather than checks), so lines inside TLS are recorded too, and AUTH payloads are recorded
 * as {@code [redacted]}. In both modes the client sees {@link #certificate()} during TLS, so the
 * test configures its trust the same way for both. Binds 127.0.0.1 on an ephemeral port. The JUnit
 * 5 annotation {@code @Replay} chooses the mode from a system property. Thread-safe.
 */
public final class SmtpReplayServer implements AutoCloseable {

  private final ScriptedSmtpServer replaying;
  private final RecordingSmtpProxy recordingProxy;
  private final TestCertificates.ServerCertificate certificate;

  private SmtpReplayServer(
      ScriptedSmtpServer replaying,
      RecordingSmtpProxy recordingProxy,
      TestCertificates.ServerCertificate certificate) {
    this.replaying = replaying;
    this.recordingProxy = recordingProxy;
    this.certificate = certificate;
  }

  /**
   * Starts a server replaying a recording.
   *
   * @param replay the recording
   * @param certificate the certificate for the recording's TLS section, if it has one
   * @return the running server
   */
  public static SmtpReplayServer replay(
      SmtpReplay replay, TestCertificates.ServerCertificate certificate) {
    requireNonNull(replay, "replay");
    requireNonNull(certificate, "certificate");
    return new SmtpReplayServer(
        ScriptedSmtpServer.builder().replay(replay, certificate.serverContext()).start(),
        null,
        certificate);
  }

  /**
   * Starts a recording proxy in front of a real server. Nothing is connected until a client
   * connects; each client connection opens one connection to {@code target}.
   *
   * @param target the real server
   * @param certificate what the proxy shows the client at STARTTLS
   * @return the running proxy
   * @throws UncheckedIOException when it cannot bind
   */
  public static SmtpReplayServer record(
      HostAndPort target, TestCertificates.ServerCertificate certificate) {
    requireNonNull(target, "target");
    requireNonNull(certificate, "certificate");
    try {
      return new SmtpReplayServer(
          null, new RecordingSmtpProxy(target, certificate.serverContext()), certificate);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Tells whether this server records (a proxy to a real server) rather than replays.
   *
   * @return {@code true} when recording
   */
  public boolean recording() {
    return recordingProxy != null;
  }

  /**
   * Returns the address to connect to.
   *
   * @return always {@code 127.0.0.1}
   */
  public String host() {
    return "127.0.0.1";
  }

  /**
   * Returns the port to connect to.
   *
   * @return the ephemeral port
   */
  public int port() {
    return address().getPort();
  }

  /**
   * Returns the socket address to connect to.
   *
   * @return 127.0.0.1 and the port
   */
  public InetSocketAddress address() {
    return recordingProxy != null ? recordingProxy.address() : replaying.address();
  }

  /**
   * Returns the certificate the client sees at STARTTLS, in both modes; trust it with {@code
   * certificate().trustManager()}.
   *
   * @return the throwaway certificate
   */
  public TestCertificates.ServerCertificate certificate() {
    return certificate;
  }

  /**
   * Returns what was recorded so far, one replay per client connection, in order.
   *
   * @return the recordings; empty when replaying or before any connection
   */
  public List<SmtpReplay> recordings() {
    return recordingProxy != null ? recordingProxy.recordings() : List.of();
  }

  /**
   * Returns where clients left the replayed recording (see {@link
   * ScriptedSmtpServer#divergences()}).
   *
   * @return the divergences; always empty when recording
   */
  public List<SmtpReplay.Divergence> divergences() {
    return replaying != null ? replaying.divergences() : List.of();
  }

  /**
   * Returns the command lines received while replaying and not yet taken (see {@link
   * ScriptedSmtpServer#commands()}).
   *
   * @return the commands; empty when recording
   */
  public List<String> commands() {
    return replaying != null ? replaying.commands() : List.of();
  }

  /** Stops accepting and closes every connection. */
  @Override
  public void close() {
    if (replaying != null) {
      replaying.close();
    } else {
      recordingProxy.close();
    }
  }

  @Override
  public String toString() {
    return "SmtpReplayServer{"
        + (recording() ? "recording" : "replaying")
        + " on 127.0.0.1:"
        + port()
        + "}";
  }
}
