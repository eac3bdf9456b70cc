/**
 * The assembly of a live node: {@link io.rollcall.core.node.LiveNode} puts together the engine, the
 * UDP/TCP driver, Serf's semantics and the listeners, and turns the engine's command outcomes into
 * futures. The public {@code io.rollcall.Rollcall} builds one from its configuration; core's own
 * network tests start one directly.
 *
 * <p>May depend on: every other {@code io.rollcall.core} package, the JDK's concurrency. Only the
 * public package depends on it.
 */
package io.rollcall.core.node;
