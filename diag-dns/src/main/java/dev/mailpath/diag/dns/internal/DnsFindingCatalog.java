package dev.mailpath.diag.dns.internal;

import dev.mailpath.diag.core.FindingCatalog;
import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.dns.DnsFinding;
import dev.mailpath.diag.dns.RootFinding;
import java.util.ArrayList;
import java.util.List;

/** Registers {@link DnsFinding} and {@link RootFinding} with the {@link FindingCatalog}. */
public final class DnsFindingCatalog implements FindingCatalog.Provider {
  /** Creates the provider (called by {@link java.util.ServiceLoader}). */
  public DnsFindingCatalog() {}

  @Override
  public List<FindingCode> codes() {
    List<FindingCode> codes = new ArrayList<>(List.of(DnsFinding.values()));
    codes.addAll(List.of(RootFinding.values()));
    return List.copyOf(codes);
  }
}
