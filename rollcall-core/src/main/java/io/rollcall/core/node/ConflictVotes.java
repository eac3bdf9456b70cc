package io.rollcall.core.node;

/**
 * The outcomes of our name-conflict votes (Serf's {@code _serf_conflict}, asked when another address
 * claims our name).
 *
 * @param won  votes in which a majority of the answers held our name at our address
 * @param lost votes lost: a Serf agent would have shut itself down
 */
public record ConflictVotes(long won, long lost) {
}
