package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.FindingCatalog;
import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.smtp.SmtpFinding;
import java.util.List;

/** Registers {@link SmtpFinding} with the {@link FindingCatalog} (META-INF/services). */
public final class SmtpFindingProvider implements FindingCatalog.Provider {
  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public SmtpFindingProvider() {}

  @Override
  public List<FindingCode> codes() {
    return List.of(SmtpFinding.values());
  }
}
