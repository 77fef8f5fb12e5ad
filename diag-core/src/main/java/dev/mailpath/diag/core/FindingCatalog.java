package dev.mailpath.diag.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Lists every {@link FindingCode} of the mailpath modules on the class path.
 *
 * <p>Each module registers its code enum through the {@link Provider} service interface ({@code
 * META-INF/services/dev.mailpath.diag.core.FindingCatalog$Provider}). Tools use the catalog to
 * explain a code they received in JSON, and the build uses it to check that every code is
 * documented in {@code docs/findings.md}.
 *
 * <pre>{@code
 * FindingCatalog.lookup("dns.mx.null").ifPresent(c -> System.out.println(c.explanation()));
 * }</pre>
 */
public final class FindingCatalog {

  /** A module's list of finding codes, found with {@link ServiceLoader}. */
  public interface Provider {
    /**
     * Returns the codes this module can emit.
     *
     * @return the codes
     */
    List<FindingCode> codes();
  }

  private FindingCatalog() {}

  /**
   * Returns every code registered on the class path, sorted by id.
   *
   * @return the codes; ids are unique
   * @throws IllegalStateException when two modules register the same id (a bug)
   */
  public static List<FindingCode> all() {
    Map<String, FindingCode> byId = new HashMap<>();
    for (Provider p : ServiceLoader.load(Provider.class, FindingCatalog.class.getClassLoader())) {
      for (FindingCode c : p.codes()) {
        FindingCode previous = byId.putIfAbsent(c.id(), c);
        if (previous != null && previous != c) {
          throw new IllegalStateException("finding code registered twice: " + c.id());
        }
      }
    }
    List<FindingCode> list = new ArrayList<>(byId.values());
    list.sort(Comparator.comparing(FindingCode::id));
    return List.copyOf(list);
  }

  /**
   * Finds the code with the given id.
   *
   * @param id a dotted code such as {@code dns.nxdomain}
   * @return the code, or empty when no module on the class path defines it
   */
  public static Optional<FindingCode> lookup(String id) {
    return all().stream().filter(c -> c.id().equals(id)).findFirst();
  }
}
