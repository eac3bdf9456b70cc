package io.rollcall.core.serf;

import io.rollcall.core.Bytes;
import io.rollcall.core.codec.CoordinateCodec;
import io.rollcall.core.codec.DecodeDropReason;
import io.rollcall.core.coordinate.Coordinate;
import io.rollcall.core.coordinate.VivaldiClient;
import io.rollcall.core.coordinate.VivaldiConfig;
import io.rollcall.core.engine.MembershipEvent;
import io.rollcall.core.engine.Notification;
import io.rollcall.core.engine.PingDelegate;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Serf's network coordinates, as its ping delegate keeps them: every UDP ack we send carries our
 * coordinate, and every direct ack to our own probe that carries a peer's coordinate updates our
 * Vivaldi client with the measured round trip and caches the peer's coordinate, so the round trip
 * between any two members can be estimated. An empty payload is ignored silently, as Serf does; a
 * payload that cannot be used is a counted drop ({@link #drops()}). A member's coordinate is
 * forgotten when the member is removed from the table.
 *
 * <p>Runs on the protocol thread: the engine calls it as its {@link PingDelegate}, and it must see
 * the engine's notifications ({@link #accept}) on that same thread.
 */
public final class SerfCoordinates implements PingDelegate, Consumer<Notification> {
    /** Most peers' coordinates cached, one per member; a coordinate from one more is a counted drop. */
    public static final int MAX_CACHED_COORDINATES = 65_536;

    private final String selfName;
    private final VivaldiClient client;
    private final Map<String, Coordinate> cache = new HashMap<>();
    private final Map<String, Long> drops = new TreeMap<>();
    private Bytes ourPayload;
    private long updates;

    /**
     * @param selfName our member name, under which our own coordinate is listed
     * @param random   for the Vivaldi client's one random choice
     */
    public SerfCoordinates(String selfName, RandomGenerator random) {
        this.selfName = selfName;
        this.client = new VivaldiClient(VivaldiConfig.SERF, random);
        this.ourPayload = CoordinateCodec.encode(client.coordinate());
    }

    @Override
    public Bytes ackPayload() {
        return ourPayload;
    }

    @Override
    public void pingCompleted(String member, long rttMicros, Bytes payload) {
        if (payload.isEmpty()) {
            return;
        }
        CoordinateCodec.Decoded decoded = CoordinateCodec.decode(payload);
        if (decoded.coordinate() == null) {
            drop(decoded.drop().reason() == DecodeDropReason.UNKNOWN_TYPE ? "unsupported_version" : "undecodable");
            return;
        }
        if (!cache.containsKey(member) && cache.size() >= MAX_CACHED_COORDINATES) {
            drop("cache_full");
            return;
        }
        Optional<VivaldiClient.Rejection> rejected = client.update(member, decoded.coordinate(), rttMicros * 1_000L);
        if (rejected.isPresent()) {
            drop(rejected.get().name().toLowerCase(Locale.ROOT));
            return;
        }
        updates++;
        cache.put(member, decoded.coordinate());
        ourPayload = CoordinateCodec.encode(client.coordinate());
    }

    @Override
    public void accept(Notification notification) {
        if (notification instanceof MembershipEvent.Removed removed) {
            cache.remove(removed.member().name());
            client.forget(removed.member().name());
        }
    }

    /** @return our own coordinate now */
    public Coordinate own() {
        return client.coordinate();
    }

    /**
     * @param member a member name; our own gives our coordinate
     * @return the member's last coordinate, if one of its acks carried a usable one
     */
    public Optional<Coordinate> of(String member) {
        return member.equals(selfName) ? Optional.of(client.coordinate()) : Optional.ofNullable(cache.get(member));
    }

    /** @return every member's coordinate we hold, ours included, by name */
    public Map<String, Coordinate> all() {
        Map<String, Coordinate> all = new HashMap<>(cache);
        all.put(selfName, client.coordinate());
        return all;
    }

    /** @return observations used to update our coordinate */
    public long updates() {
        return updates;
    }

    /** @return how many times our coordinate went invalid and was reset */
    public long resets() {
        return client.resets();
    }

    /**
     * @return refused payloads by reason: unsupported_version, undecodable, dimensionality,
     *         invalid_coordinate, rtt_out_of_range, too_many_peers, cache_full
     */
    public Map<String, Long> drops() {
        return Map.copyOf(drops);
    }

    private void drop(String reason) {
        drops.merge(reason, 1L, Long::sum);
    }
}
