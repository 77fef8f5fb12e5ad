package dev.mailpath.diag.testkit.junit5;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A lab as an {@link ExtensionContext.Store} value: the store owns it and closes it when its
 * context ends (as {@link AutoCloseable} on JUnit 5.13 and later, as {@code CloseableResource}
 * before), then runs {@code onClose}.
 */
@SuppressWarnings("deprecation") // CloseableResource: what JUnit before 5.13 closes
final class LabHolder implements ExtensionContext.Store.CloseableResource, AutoCloseable {
  static final String REPORT_KEY = "mailLab";

  private final String label;
  private final MailLab lab;
  private final Runnable onClose;

  LabHolder(String label, MailLab lab, Runnable onClose) {
    this.label = label;
    this.lab = lab;
    this.onClose = onClose;
  }

  MailLab lab() {
    return lab;
  }

  /**
   * Publishes the lab's activity as a report entry of {@code context}, and prints it to the test's
   * standard error: a plain Surefire run shows no report entries, but it does show (and keeps in
   * its XML report) what a failed test printed.
   */
  void publish(ExtensionContext context) {
    String key = label == null ? REPORT_KEY : REPORT_KEY + "." + label;
    String activity;
    try {
      activity = lab.activity();
    } catch (RuntimeException e) {
      // A report entry must never hide the test's own failure.
      activity = lab + " (activity unavailable: " + e + ")";
    }
    context.publishReportEntry(key, activity);
    System.err.println(
        "["
            + key
            + "] activity of the mail lab used by failed test "
            + context.getDisplayName()
            + ":"
            + System.lineSeparator()
            + activity);
  }

  @Override
  public void close() {
    try {
      lab.close();
    } finally {
      onClose.run();
    }
  }

  /** The labs started in one extension context, closed in reverse order when it ends. */
  static final class Group implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final List<LabHolder> holders = new ArrayList<>();

    synchronized void add(LabHolder holder) {
      holders.add(holder);
    }

    synchronized List<LabHolder> holders() {
      return List.copyOf(holders);
    }

    @Override
    public void close() {
      List<LabHolder> all = holders();
      RuntimeException first = null;
      for (int i = all.size() - 1; i >= 0; i--) {
        try {
          all.get(i).close();
        } catch (RuntimeException e) {
          if (first == null) {
            first = e;
          } else {
            first.addSuppressed(e);
          }
        }
      }
      if (first != null) {
        throw first;
      }
    }
  }
}
