package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.FindingCatalog;
import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.smtp.DeliveryFinding;
import java.util.List;

/** Registers {@link DeliveryFinding} with the {@link FindingCatalog} (META-INF/services). */
public final class DeliveryPathFindingProvider implements FindingCatalog.Provider {
  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public DeliveryPathFindingProvider() {}

  @Override
  public List<FindingCode> codes() {
    return List.of(DeliveryFinding.values());
  }
}
