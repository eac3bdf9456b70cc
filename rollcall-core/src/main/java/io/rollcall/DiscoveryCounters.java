package io.rollcall;

/**
 * What a node's seed discovery has done, for monitoring.
 *
 * @param lookups         times a {@link SeedProvider} was asked for addresses
 * @param lookupFailures  of those, times it failed (an unknown DNS name, no DNS server answering); each
 *                        is logged and retried, never fatal to a running node
 * @param joinAttempts    join attempts: start-up joins and their retries, rejoins while alone, and
 *                        refresh joins of addresses no reachable member holds
 * @param joinFailures    of those, attempts that no seed answered
 * @param nameConflicts   name conflicts seen: a name held by a live member and announced at another
 *                        address (ours or another member's), each name and address counted once
 */
public record DiscoveryCounters(long lookups, long lookupFailures, long joinAttempts, long joinFailures, long nameConflicts) {
}
