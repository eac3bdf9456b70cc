/**
 * Test support for users: an in-process cluster of nodes on the simulator's virtual time
 * ({@link io.rollcall.testkit.TestCluster}) whose members are seen through the public API.
 *
 * <p>May depend on: the public API {@code io.rollcall}, the simulator, the core packages it needs to
 * drive engines (engine, codec, view), the JDK. Never on the transport.
 */
package io.rollcall.testkit;
