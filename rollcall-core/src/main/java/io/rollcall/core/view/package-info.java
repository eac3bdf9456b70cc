/**
 * The public view kept from the engine's events on the protocol thread: members by name, a version,
 * a bounded change history for catching up, and the subscriber channels that deliver changes off the
 * protocol thread (user callbacks never run on it).
 *
 * <p>May depend on: {@code io.rollcall.core} values, {@code core.engine}'s notifications, the public
 * view types of {@code io.rollcall} it builds (a frozen exception to "core never depends on the API",
 * listed in {@code ArchitectureTest}), the JDK.
 */
package io.rollcall.core.view;
