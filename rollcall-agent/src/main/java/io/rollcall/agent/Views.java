package io.rollcall.agent;

import io.rollcall.ClusterMember;
import io.rollcall.MembershipChange;
import io.rollcall.NetworkCoordinate;
import io.rollcall.RoundTrip;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The JSON shapes of members, views and changes, shared by the HTTP API and the command line. */
final class Views {
    private Views() {
    }

    static String address(InetSocketAddress a) {
        String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** A size in MiB with one decimal, the way the library's limit messages print one ("40.0 MiB"). */
    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    /** RFC 3339, UTC, milliseconds. */
    static String time(Instant t) {
        return UtcTime.iso(t.toEpochMilli());
    }

    /**
     * The member with its probe round-trip times ({@code rtt}) and network coordinate
     * ({@code coordinate}, or null), as {@code /v1/members} shows it.
     */
    static Map<String, Object> member(ClusterMember m, ProbeFacts facts) {
        Map<String, Object> out = member(m);
        Map<String, Object> rtt = new LinkedHashMap<>();
        rtt.put("direct", roundTrip(facts.roundTrips().direct().get(m.name())));
        rtt.put("indirect", roundTrip(facts.roundTrips().indirect().get(m.name())));
        out.put("rtt", rtt);
        out.put("coordinate", coordinate(facts.coordinates().get(m.name())));
        return out;
    }

    /** @return {@code {vec, error, adjustment, height}} in seconds, as Serf's Coordinate has them, or null */
    static Map<String, Object> coordinate(NetworkCoordinate c) {
        if (c == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("vec", c.vector());
        out.put("error", c.error());
        out.put("adjustment", c.adjustment());
        out.put("height", c.height());
        return out;
    }

    /** @return {@code {last_ms, smoothed_ms, samples}}, in milliseconds to the microsecond, or null */
    private static Map<String, Object> roundTrip(RoundTrip r) {
        if (r == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("last_ms", millis(r.last()));
        out.put("smoothed_ms", millis(r.smoothed()));
        out.put("samples", r.samples());
        return out;
    }

    private static double millis(java.time.Duration d) {
        return d.toNanos() / 1_000 / 1_000.0;
    }

    static Map<String, Object> member(ClusterMember m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", m.name());
        out.put("address", address(m.address()));
        out.put("status", m.status().name().toLowerCase(Locale.ROOT));
        out.put("since", time(m.since()));
        out.put("incarnation", m.incarnation());
        out.put("tags", new TreeMap<>(m.metadata()));
        return out;
    }

    static List<Object> members(List<ClusterMember> members) {
        List<Object> out = new ArrayList<>();
        for (ClusterMember m : members) {
            out.add(member(m));
        }
        return out;
    }

    /**
     * Writes {@code {"version": V, "members": [...]}} member by member, so that an answer the size of
     * the member table never exists in memory at once (the shape the command line reads).
     */
    static void writeView(Appendable out, long version, List<ClusterMember> members, ProbeFacts facts)
            throws IOException {
        out.append("{\"version\":").append(Long.toString(version)).append(",\"members\":[");
        for (int i = 0; i < members.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            Json.write(out, member(members.get(i), facts));
        }
        out.append("]}");
    }

    static Map<String, Object> change(MembershipChange c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", c.version());
        out.put("time", time(c.time()));
        out.put("type", c.kind().name().toLowerCase(Locale.ROOT));
        out.put("member", member(c.member()));
        return out;
    }
}
