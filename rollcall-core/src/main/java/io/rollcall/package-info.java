/**
 * The public API, the only package the {@code io.rollcall} module exports: {@link io.rollcall.Rollcall}
 * starts a node from a {@link io.rollcall.RollcallConfig}; {@link io.rollcall.Membership} and
 * {@link io.rollcall.MembershipView} are what a user reads, {@link io.rollcall.MembershipListener} and
 * {@link io.rollcall.Subscription} what a user is told. Its public signatures name no type of
 * {@code io.rollcall.core}: the implementation may change without breaking a user.
 *
 * <p>May depend on: every {@code io.rollcall.core} package (to assemble a node), the JDK. Nothing in
 * core may depend on it, except the frozen exceptions listed in {@code ArchitectureTest}
 * ({@code core.view} building the public view types; the name rules of {@link io.rollcall.NodeNames}
 * and {@link io.rollcall.PrintableText}).
 */
package io.rollcall;
