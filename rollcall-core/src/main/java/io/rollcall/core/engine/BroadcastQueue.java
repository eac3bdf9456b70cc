package io.rollcall.core.engine;

import io.rollcall.core.message.Message;
import io.rollcall.core.message.WireSizes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Gossip updates waiting to be piggybacked or sent in gossip rounds. The least-sent update goes
 * first (newest first among equals), so fresh news spreads fastest; each update is sent a limited
 * number of times; a newer update about a member replaces the queued older one.
 */
final class BroadcastQueue {

    /** A queued update. Identity matters: the engine watches its own leave announcement. */
    static final class Item {
        final String key;
        final Message message;
        final int size;
        final long order;
        int transmits;

        Item(String key, Message message, long order) {
            this.key = key;
            this.message = message;
            this.size = WireSizes.of(message);
            this.order = order;
        }
    }

    private static final int SMALLEST_MESSAGE_BYTES = 8;
    /** The item, its tree and map nodes and the message record around the encoded bytes {@code size} counts. */
    static final int ITEM_OVERHEAD_BYTES = 128;

    private final TreeSet<Item> queue = new TreeSet<>((a, b) -> {
        if (a.transmits != b.transmits) {
            return Integer.compare(a.transmits, b.transmits);
        }
        return Long.compare(b.order, a.order);
    });
    private final Map<String, Item> byKey = new HashMap<>();
    private final int maxItems;
    private final long maxBytes;
    private long bytes;
    private long nextOrder;
    private long droppedForSpace;

    BroadcastQueue(int maxItems, long maxBytes) {
        this.maxItems = maxItems;
        this.maxBytes = maxBytes;
    }

    /**
     * Queues an update, replacing any queued update with the same key.
     *
     * @param key     what the update is about (a member name)
     * @param message the update
     * @return the queued item
     */
    Item enqueue(String key, Message message) {
        Item old = byKey.remove(key);
        if (old != null) {
            queue.remove(old);
            bytes -= cost(old);
        }
        Item item = new Item(key, message, nextOrder++);
        byKey.put(key, item);
        queue.add(item);
        bytes += cost(item);
        while (queue.size() > maxItems || (bytes > maxBytes && queue.size() > 1)) {
            // The most-sent update has done the most of its work already; it goes first.
            Item victim = queue.pollLast();
            byKey.remove(victim.key);
            bytes -= cost(victim);
            droppedForSpace++;
        }
        return item;
    }

    /**
     * Takes updates that fit in {@code budgetBytes}, counting each as sent once more.
     *
     * @param budgetBytes     bytes available, each part costing its size plus a compound length prefix
     * @param maxParts        most updates to take
     * @param retransmitLimit updates sent this many times are retired
     * @return the updates, least-sent first
     */
    List<Message> take(int budgetBytes, int maxParts, int retransmitLimit) {
        if (queue.isEmpty() || maxParts <= 0) {
            return List.of();
        }
        List<Item> taken = new ArrayList<>();
        int remaining = budgetBytes;
        Iterator<Item> it = queue.iterator();
        while (it.hasNext() && taken.size() < maxParts && remaining >= SMALLEST_MESSAGE_BYTES) {
            Item item = it.next();
            int cost = item.size + WireSizes.COMPOUND_PART_OVERHEAD_BYTES;
            if (cost <= remaining) {
                remaining -= cost;
                taken.add(item);
                it.remove();
            }
        }
        List<Message> out = new ArrayList<>(taken.size());
        for (Item item : taken) {
            out.add(item.message);
            item.transmits++;
            if (item.transmits >= retransmitLimit) {
                byKey.remove(item.key);
                bytes -= cost(item);
            } else {
                queue.add(item);
            }
        }
        return out;
    }

    /**
     * @param item an item returned by {@link #enqueue}
     * @return true while it is still waiting to be sent more times
     */
    boolean isQueued(Item item) {
        return byKey.get(item.key) == item;
    }

    int size() {
        return queue.size();
    }

    /** @return the bytes the queued updates are accounted at */
    long bytes() {
        return bytes;
    }

    private static long cost(Item item) {
        return (long) item.size + ITEM_OVERHEAD_BYTES;
    }

    long droppedForSpace() {
        return droppedForSpace;
    }
}
