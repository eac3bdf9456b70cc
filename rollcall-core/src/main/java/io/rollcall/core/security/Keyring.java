package io.rollcall.core.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The gossip keys of one node, as memberlist keeps them: a primary key that encrypts everything sent,
 * and any number of further keys that are only tried on receipt (primary first), so a cluster can
 * roll to a new key without a gap: install it everywhere, use it everywhere, then remove the old one.
 *
 * <p>Thread-safe: the transport encrypts and decrypts from several threads while an operator may
 * change keys. Readers take an immutable {@link Listing} without locking; changes are serialised and
 * publish a new listing, so an operation sees the keys before or after a change, never half of one.
 */
public final class Keyring {

    /**
     * The keys at one moment.
     *
     * @param primary the key that encrypts
     * @param keys    every installed key, primary first, then in installation order
     */
    public record Listing(GossipKey primary, List<GossipKey> keys) {
        /** Copies the list and checks that it starts with the primary key. */
        public Listing {
            Objects.requireNonNull(primary, "primary");
            keys = List.copyOf(keys);
            if (keys.isEmpty() || !keys.get(0).equals(primary)) {
                throw new IllegalArgumentException("the key list must start with the primary key");
            }
        }
    }

    private final Object writeLock = new Object();
    private volatile Listing current;

    /**
     * @param primary the key to encrypt with
     * @param others  further keys to accept on receipt
     */
    public Keyring(GossipKey primary, GossipKey... others) {
        Objects.requireNonNull(primary, "primary");
        List<GossipKey> keys = new ArrayList<>();
        keys.add(primary);
        for (GossipKey k : others) {
            Objects.requireNonNull(k, "key");
            if (!keys.contains(k)) {
                keys.add(k);
            }
        }
        this.current = new Listing(primary, keys);
    }

    /**
     * Makes a key available for decryption. Installing a key twice changes nothing, as in memberlist.
     *
     * @param key the key
     * @return true if it was not installed before
     */
    public boolean install(GossipKey key) {
        Objects.requireNonNull(key, "key");
        synchronized (writeLock) {
            Listing now = current;
            if (now.keys().contains(key)) {
                return false;
            }
            List<GossipKey> keys = new ArrayList<>(now.keys());
            keys.add(key);
            current = new Listing(now.primary(), keys);
            return true;
        }
    }

    /**
     * Makes an installed key the primary: from now on everything is encrypted with it. Every peer
     * should have installed it first, or they cannot read what we send.
     *
     * @param key an installed key
     * @throws IllegalArgumentException if the key is not installed
     */
    public void use(GossipKey key) {
        Objects.requireNonNull(key, "key");
        synchronized (writeLock) {
            Listing now = current;
            if (!now.keys().contains(key)) {
                throw new IllegalArgumentException("cannot use " + key + ": it is not installed");
            }
            List<GossipKey> keys = new ArrayList<>(now.keys().size());
            keys.add(key);
            for (GossipKey k : now.keys()) {
                if (!k.equals(key)) {
                    keys.add(k);
                }
            }
            current = new Listing(key, keys);
        }
    }

    /**
     * Stops accepting a key. Removing a key that is not installed changes nothing, as in memberlist.
     *
     * @param key a key other than the primary
     * @return true if it was installed
     * @throws IllegalArgumentException if it is the primary key
     */
    public boolean remove(GossipKey key) {
        Objects.requireNonNull(key, "key");
        synchronized (writeLock) {
            Listing now = current;
            if (now.primary().equals(key)) {
                throw new IllegalArgumentException("cannot remove " + key + ": it is the primary key; use another first");
            }
            List<GossipKey> keys = new ArrayList<>(now.keys());
            if (!keys.remove(key)) {
                return false;
            }
            current = new Listing(now.primary(), keys);
            return true;
        }
    }

    /** @return the keys and the primary at this moment */
    public Listing list() {
        return current;
    }

    /** @return the key that encrypts */
    public GossipKey primary() {
        return current.primary();
    }

    /** @return the number of installed keys, the primary included */
    public int size() {
        return current.keys().size();
    }

    /** @return the key count and the primary's fingerprint, never a key */
    @Override
    public String toString() {
        Listing now = current;
        return "Keyring[" + now.keys().size() + " keys, primary " + now.primary() + "]";
    }
}
