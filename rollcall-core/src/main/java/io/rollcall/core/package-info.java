/**
 * Implementation, not API. This package holds the small values every layer shares: {@link
 * io.rollcall.core.Member}, {@link io.rollcall.core.Endpoint}, {@link io.rollcall.core.Bytes}, {@link
 * io.rollcall.core.MemberState}, the incarnation/state {@link io.rollcall.core.Precedence}, the memory
 * budget, IP-literal parsing, and the rules the public API publishes and delegates to: member names
 * ({@link io.rollcall.core.NodeNameRules}), escaping of peers' text ({@link
 * io.rollcall.core.TextEscaping}) and the address syntax ({@link io.rollcall.core.AddressSyntax}).
 * Its subpackages: {@code message} (the wire messages as records), {@code codec} (bytes to messages and back), {@code engine} (the sans-I/O SWIM/Lifeguard protocol),
 * {@code serf} (Serf's semantics on top of the engine), {@code security} (gossip encryption),
 * {@code transport} (sockets and the protocol thread) and {@code view} (the public view kept from the
 * engine's events).
 *
 * <p>May depend on: the JDK only (no other Rollcall package).
 */
package io.rollcall.core;
