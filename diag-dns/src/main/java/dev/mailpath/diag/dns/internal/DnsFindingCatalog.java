package dev.mailpath.diag.dns.internal;

import dev.mailpath.diag.core.FindingCatalog;
import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.dns.DnsFinding;
import java.util.List;

/** Registers {@link DnsFinding} with the {@link FindingCatalog}. */
public final class DnsFindingCatalog implements FindingCatalog.Provider {
  /** Creates the provider (called by {@link java.util.ServiceLoader}). */
  public DnsFindingCatalog() {}

  @Override
  public List<FindingCode> codes() {
    return List.of(DnsFinding.values());
  }
}
