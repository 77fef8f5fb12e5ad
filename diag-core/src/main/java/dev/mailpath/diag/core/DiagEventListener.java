package dev.mailpath.diag.core;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Receives events as a diagnosis runs, for metrics and progress display; every method is empty by
 * default, so listeners override only what they need.
 *
 * <p>Listeners must be fast and must not throw; a listener that throws is a bug in the listener,
 * and the exception propagates. Most users never need one: timings and transcripts are in the
 * reports.
 */
public abstract class DiagEventListener {

  /** A listener that ignores every event. */
  public static final DiagEventListener NONE = new DiagEventListener() {};

  /** Creates a listener. */
  protected DiagEventListener() {}

  /** Creates a listener for each diagnosis, so that per-call state needs no synchronisation. */
  @FunctionalInterface
  public interface Factory {
    /**
     * Creates the listener for one diagnosis.
     *
     * @param what what is diagnosed, for example {@code mx example.org}
     * @return the listener
     */
    DiagEventListener create(String what);
  }

  /**
   * Called before a DNS query is sent.
   *
   * @param server the server asked
   * @param name the query name
   * @param type the record type, for example {@code MX}
   */
  public void dnsQueryStart(InetSocketAddress server, String name, String type) {}

  /**
   * Called when a DNS query ended, answered or not.
   *
   * @param server the server asked
   * @param name the query name
   * @param type the record type
   * @param rcode the response code name, or {@code TIMEOUT} and the like when none came
   * @param elapsed how long it took
   */
  public void dnsQueryEnd(
      InetSocketAddress server, String name, String type, String rcode, Duration elapsed) {}

  /**
   * Called before a connection is opened.
   *
   * @param address where to
   */
  public void connectStart(InetSocketAddress address) {}

  /**
   * Called when a connection attempt ended.
   *
   * @param address where to
   * @param error {@code null} on success, else what went wrong
   * @param elapsed how long it took
   */
  public void connectEnd(InetSocketAddress address, String error, Duration elapsed) {}

  /**
   * Called before a protocol command is sent (secrets already redacted).
   *
   * @param command the command line as recorded in the transcript
   */
  public void commandStart(String command) {}

  /**
   * Called when the reply to a command arrived or did not.
   *
   * @param command the command line as recorded
   * @param reply the reply's first line, or {@code null} when none came
   * @param elapsed how long it took
   */
  public void commandEnd(String command, String reply, Duration elapsed) {}

  /**
   * Called when a TLS handshake ended.
   *
   * @param protocol negotiated protocol, or {@code null} on failure
   * @param error {@code null} on success, else what went wrong
   * @param elapsed how long it took
   */
  public void tlsEnd(String protocol, String error, Duration elapsed) {}

  /**
   * Called when a diagnosis step produced a finding.
   *
   * @param finding the finding
   */
  public void finding(Finding finding) {}
}
