package dev.mailpath.diag.testkit;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagEventListener;
import dev.mailpath.diag.core.Finding;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link DiagEventListener} that records every event, in order, for tests that check what a
 * client did and when: OkHttp's {@code RecordingEventListener} for mailpath.
 *
 * <pre>{@code
 * RecordingEventListener events = new RecordingEventListener();
 * SmtpClient client = SmtpClient.builder().environment(e -> e.eventListener(events)).build();
 * client.run(conversation);
 * assertThat(events.eventNames()).containsSubsequence("connectStart", "connectEnd", "commandStart");
 * events.events();   // ["connectStart 127.0.0.1:2525", "connectEnd 127.0.0.1:2525 -", ...]
 * }</pre>
 *
 * <p>Each event is kept as one line: the method name, then its arguments, with {@code -} for an
 * absent value (no error, no reply); durations are left out so that recorded events compare equal
 * from run to run. {@link #factory()} hands this same listener to every call. Thread-safe.
 */
public final class RecordingEventListener extends DiagEventListener {

  private final List<String> events = new ArrayList<>();
  private final List<Finding> findings = new ArrayList<>();

  /** Creates a listener with nothing recorded. */
  public RecordingEventListener() {}

  /**
   * Returns a factory that gives every call this listener.
   *
   * @return the factory, for {@code DiagEnvironment.Builder.eventListenerFactory}
   */
  public Factory factory() {
    return what -> this;
  }

  /**
   * Returns the events recorded so far, in order, each as {@code name arguments...}.
   *
   * @return a snapshot
   */
  public synchronized List<String> events() {
    return List.copyOf(events);
  }

  /**
   * Returns the names of the events recorded so far, in order ({@code "dnsQueryStart"}, ...).
   *
   * @return a snapshot
   */
  public synchronized List<String> eventNames() {
    return events.stream().map(e -> e.split(" ", 2)[0]).toList();
  }

  /**
   * Returns the findings reported through {@link #finding(Finding)}, in order.
   *
   * @return a snapshot
   */
  public synchronized List<Finding> findings() {
    return List.copyOf(findings);
  }

  /** Forgets everything recorded so far. */
  public synchronized void clear() {
    events.clear();
    findings.clear();
  }

  private synchronized void add(String name, Object... args) {
    StringBuilder sb = new StringBuilder(name);
    for (Object a : args) {
      sb.append(' ').append(a == null ? "-" : a);
    }
    events.add(sb.toString());
  }

  private static String text(InetSocketAddress a) {
    return a == null ? "?" : a.getHostString() + ":" + a.getPort();
  }

  @Override
  public void dnsQueryStart(InetSocketAddress server, String name, String type) {
    add("dnsQueryStart", text(server), name, type);
  }

  @Override
  public void dnsQueryEnd(
      InetSocketAddress server, String name, String type, String rcode, Duration elapsed) {
    add("dnsQueryEnd", text(server), name, type, rcode);
  }

  @Override
  public void connectStart(InetSocketAddress address) {
    add("connectStart", text(address));
  }

  @Override
  public void connectEnd(InetSocketAddress address, String error, Duration elapsed) {
    add("connectEnd", text(address), error);
  }

  @Override
  public void commandStart(String command) {
    add("commandStart", command);
  }

  @Override
  public void commandEnd(String command, String reply, Duration elapsed) {
    add("commandEnd", command, reply);
  }

  @Override
  public void tlsEnd(String protocol, String error, Duration elapsed) {
    add("tlsEnd", protocol, error);
  }

  @Override
  public void finding(Finding finding) {
    requireNonNull(finding, "finding");
    synchronized (this) {
      findings.add(finding);
    }
    add("finding", finding.code());
  }

  @Override
  public synchronized String toString() {
    return "RecordingEventListener" + events;
  }
}
