/**
 * JMH microbenchmarks of the codec and the engine (built with the project, never run by
 * {@code mvn verify}).
 *
 * <p>May depend on: the core packages they measure (values, message, codec, engine), JMH, the JDK.
 */
package io.rollcall.bench;
