package dev.mailpath.diag.posture.internal;

import dev.mailpath.diag.core.FindingCatalog;
import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.posture.DaneFinding;
import dev.mailpath.diag.posture.DnsblFinding;
import dev.mailpath.diag.posture.MtaStsFinding;
import dev.mailpath.diag.posture.PostureFinding;
import java.util.ArrayList;
import java.util.List;

/** Registers the posture finding codes with the {@link FindingCatalog}. */
public final class PostureFindingCatalog implements FindingCatalog.Provider {
  /** Creates the provider (called by {@link java.util.ServiceLoader}). */
  public PostureFindingCatalog() {}

  @Override
  public List<FindingCode> codes() {
    List<FindingCode> codes = new ArrayList<>(List.of(MtaStsFinding.values()));
    codes.addAll(List.of(PostureFinding.values()));
    codes.addAll(List.of(DaneFinding.values()));
    codes.addAll(List.of(DnsblFinding.values()));
    return List.copyOf(codes);
  }
}
