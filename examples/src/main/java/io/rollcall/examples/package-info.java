/**
 * Small runnable programs showing the public API in use (a membership logger, a shard router,
 * Flow subscription and metrics).
 *
 * <p>May depend on: the public API {@code io.rollcall} and {@code io.rollcall.micrometer} only, as a
 * user's program would.
 */
package io.rollcall.examples;
