package dev.mailpath.diag.trace.internal;

import dev.mailpath.diag.core.FindingCatalog;
import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.trace.TraceFinding;
import java.util.List;

/** Registers {@link TraceFinding} with the {@link FindingCatalog}. */
public final class TraceFindingCatalog implements FindingCatalog.Provider {
  /** Creates the provider (called by {@link java.util.ServiceLoader}). */
  public TraceFindingCatalog() {}

  @Override
  public List<FindingCode> codes() {
    return List.of(TraceFinding.values());
  }
}
