/**
 * Bytes to messages and back, in memberlist's and Serf's formats: msgpack in Go's dialect, compound
 * packets, LZW compression, CRC, labels, encryption framing, stream framing; every limit a peer's bytes
 * can hit is a named {@link io.rollcall.core.codec.CodecLimits} field, and every refusal a counted
 * {@link io.rollcall.core.codec.DecodeDropReason}.
 *
 * <p>May depend on: {@code io.rollcall.core} values, {@code core.message}, msgpack-core, the JDK
 * ({@code core.security} implements this package's {@link io.rollcall.core.codec.PacketCipher}, not the
 * other way round). Knows no engine state, no transport, no Serf semantics and
 * no public API type (checked by {@code ArchitectureTest}).
 */
package io.rollcall.core.codec;
