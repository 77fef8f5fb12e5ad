/**
 * Serialises every mailpath report to JSON ({@code DiagJson}) with jackson-core alone.
 *
 * <p>Reports of the other modules are read through their public accessors by reflection, which
 * needs no {@code requires}: only diag-core's types are named in the code.
 */
module dev.mailpath.diag.json {
  requires transitive dev.mailpath.diag.core;
  requires com.fasterxml.jackson.core;

  exports dev.mailpath.diag.json;
}
