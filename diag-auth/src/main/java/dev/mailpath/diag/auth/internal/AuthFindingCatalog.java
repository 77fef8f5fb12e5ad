package dev.mailpath.diag.auth.internal;

import dev.mailpath.diag.auth.DkimFinding;
import dev.mailpath.diag.auth.DmarcFinding;
import dev.mailpath.diag.auth.SpfFinding;
import dev.mailpath.diag.core.FindingCatalog;
import dev.mailpath.diag.core.FindingCode;
import java.util.ArrayList;
import java.util.List;

/** Registers {@link SpfFinding}, {@link DkimFinding} and {@link DmarcFinding} with the catalog. */
public final class AuthFindingCatalog implements FindingCatalog.Provider {
  /** Creates the provider (called by {@link java.util.ServiceLoader}). */
  public AuthFindingCatalog() {}

  @Override
  public List<FindingCode> codes() {
    List<FindingCode> codes = new ArrayList<>(List.of(SpfFinding.values()));
    codes.addAll(List.of(DkimFinding.values()));
    codes.addAll(List.of(DmarcFinding.values()));
    return List.copyOf(codes);
  }
}
