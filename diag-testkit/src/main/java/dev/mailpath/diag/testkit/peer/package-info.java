/**
 * Real third-party peers for ring-3 tests ({@code *IT}, run by failsafe): launchers that start
 * servers installed from Debian packages on loopback, and small helpers around their client tools.
 *
 * <ul>
 *   <li>{@link dev.mailpath.diag.testkit.peer.Peers}: finds executables and decides whether a
 *       missing peer skips the test or fails it ({@code -Dpeers.required=true}, which CI sets).
 *   <li>{@link dev.mailpath.diag.testkit.peer.NsdServer}: NLnet Labs' authoritative NSD serving
 *       zone text on one or more loopback addresses.
 *   <li>{@link dev.mailpath.diag.testkit.peer.DigClient}: BIND's {@code dig}, for cross-checking
 *       answers with an independent client.
 * </ul>
 *
 * <p>{@code .ci/install-peers.sh} in the repository installs every package these tests need on a
 * Debian 12 machine. Everything here binds and contacts loopback addresses (127.0.0.0/8, ::1) only,
 * and never ports below 1024 unless the caller asks for them.
 *
 * <p>Nullness: parameters and return values are never {@code null} unless a method says so; passing
 * {@code null} throws {@link NullPointerException} naming the parameter.
 */
package dev.mailpath.diag.testkit.peer;
