/**
 * The public API, the only package the {@code io.rollcall} module exports: {@link io.rollcall.Rollcall}
 * starts a node from a {@link io.rollcall.RollcallConfig}; {@link io.rollcall.Membership} and
 * {@link io.rollcall.MembershipView} are what a user reads, {@link io.rollcall.MembershipListener} and
 * {@link io.rollcall.Subscription} what a user is told. Its public signatures name no type of
 * {@code io.rollcall.core}: the implementation may change without breaking a user.
 *
 * <p>Besides the API it holds, package-private, the built-in {@link io.rollcall.SeedProvider}s
 * ({@code Seeds}: plain addresses, {@code dns+} and {@code dnssrv+} names): they implement the public
 * SPI and nothing in core needs them, so they live beside it rather than behind a second, internal
 * interface that the public one would only adapt. The rules it publishes ({@link io.rollcall.NodeNames},
 * {@link io.rollcall.PrintableText}, {@link io.rollcall.HostAndPort}'s syntax) are implemented once in
 * {@code io.rollcall.core}, which the engine and transport use too, and the public types delegate.
 *
 * <p>May depend on: every {@code io.rollcall.core} package (to assemble a node), the JDK. Nothing in
 * core may depend on it, except the one frozen exception listed in {@code ArchitectureTest}:
 * {@code core.view} building the public view types.
 */
package io.rollcall;
