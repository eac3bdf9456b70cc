package io.rollcall.agent;

import io.rollcall.NetworkCoordinate;
import io.rollcall.ProbeRoundTrips;
import java.util.Map;

/**
 * What this node's probes taught it about every member, as the HTTP API shows it beside each member:
 * measured round trips and network coordinates, taken together so one reading serves a whole answer.
 *
 * @param roundTrips  the probes' round-trip times
 * @param coordinates members' network coordinates by name (empty when Serf semantics are off)
 */
record ProbeFacts(ProbeRoundTrips roundTrips, Map<String, NetworkCoordinate> coordinates) {
}
