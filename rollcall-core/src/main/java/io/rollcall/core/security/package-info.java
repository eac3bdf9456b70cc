/**
 * Gossip encryption as memberlist does it: AES-GCM keys, the keyring (one primary key encrypts, every
 * installed key may decrypt) and the packet cipher over them.
 *
 * <p>May depend on: {@code core.codec}'s cipher contract ({@link io.rollcall.core.codec.PacketCipher}), the JDK's crypto. Never on the engine, the
 * transport or the public API.
 */
package io.rollcall.core.security;
