/**
 * The result model every mailpath module shares: {@link dev.mailpath.diag.core.Finding} with its
 * stable {@link dev.mailpath.diag.core.FindingCode}, {@link dev.mailpath.diag.core.Severity} and
 * {@link dev.mailpath.diag.core.Outcome}, the swaks-style {@link
 * dev.mailpath.diag.core.Transcript}, {@link dev.mailpath.diag.core.Timings}, and the seams in
 * {@link dev.mailpath.diag.core.DiagEnvironment}.
 *
 * <p>Nullness: parameters and return values are never {@code null} unless a method says so; passing
 * {@code null} throws {@link NullPointerException} naming the parameter.
 */
package dev.mailpath.diag.core;
