/**
 * The wire's messages as immutable records: memberlist's sealed {@link io.rollcall.core.message.Message}
 * family ({@code Ping}, {@code Ack}, {@code Suspect}, {@code PushPull}, ...) and Serf's {@link
 * io.rollcall.core.message.SerfMessage} family carried inside memberlist user messages, with their type
 * bytes and wire sizes. No behaviour beyond validating their own fields.
 *
 * <p>May depend on: {@code io.rollcall.core} values, the JDK. Nothing else: the codec, the engine and
 * Serf's semantics all depend on this package, not the other way round.
 */
package io.rollcall.core.message;
