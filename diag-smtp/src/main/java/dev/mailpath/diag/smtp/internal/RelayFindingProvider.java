package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.FindingCatalog;
import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.smtp.RelayFinding;
import java.util.List;

/** Registers {@link RelayFinding} with the {@link FindingCatalog} (META-INF/services). */
public final class RelayFindingProvider implements FindingCatalog.Provider {
  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public RelayFindingProvider() {}

  @Override
  public List<FindingCode> codes() {
    return List.of(RelayFinding.values());
  }
}
