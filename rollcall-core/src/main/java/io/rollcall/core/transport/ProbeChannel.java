package io.rollcall.core.transport;

import io.rollcall.core.Endpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * Sends each probe's datagram from a UDP socket of its own, connected to the target, so that an
 * ICMP port unreachable answering it is seen: the kernel reports such an error only on a connected
 * socket, never on the shared unconnected one that carries the rest of the traffic.
 *
 * <p>The ping names our shared address as its source, so its ack arrives there as usual; a datagram
 * that does arrive on the probe socket (a peer answering the sender's address instead) is passed on
 * as if received on the shared one. The socket is checked, without blocking, at
 * {@link #CHECK_DELAYS_MILLIS} after sending, each check scheduled by the one before, then closed;
 * it is closed at once when the engine says the probe has its outcome ({@link #end}), so a probe
 * acked within a few milliseconds costs one check, not four. At most one is open at a time, since a
 * node runs one probe at a time. Everything here runs on the protocol thread.
 */
final class ProbeChannel implements AutoCloseable {
    /** When the probe socket is read after sending; it is closed after the last. */
    static final long[] CHECK_DELAYS_MILLIS = {5, 50, 200, 600};

    /** Where the outcome goes. */
    interface Sink {
        /** Nothing listens at the target's port: the probe {@code seqNo} cannot be answered. */
        void unreachable(long seqNo);

        /** A datagram arrived on the probe socket. */
        void received(InetSocketAddress from, ByteBuffer datagram);
    }

    private final InetAddress bindIp;
    private final ProtocolLoop loop;
    private final Sink sink;
    private final ByteBuffer buffer;
    private DatagramChannel current;
    private long currentSeqNo;

    ProbeChannel(InetAddress bindIp, ProtocolLoop loop, int maxDatagramBytes, Sink sink) {
        this.bindIp = bindIp;
        this.loop = loop;
        this.sink = sink;
        this.buffer = ByteBuffer.allocate(maxDatagramBytes + 1);
    }

    /**
     * Sends {@code datagram} to {@code to} from a fresh connected socket.
     *
     * @return false if no socket could be opened or the send failed at once; the caller then sends
     *         the datagram the ordinary way
     */
    boolean send(long seqNo, Endpoint to, byte[] datagram) {
        close();
        DatagramChannel ch = null;
        try {
            boolean v6 = to.ip() instanceof java.net.Inet6Address;
            if (v6 != (bindIp instanceof java.net.Inet6Address) && !bindIp.isAnyLocalAddress()) {
                return false;
            }
            ch = DatagramChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            // The same local address as the shared socket, so that address filters and logs at the
            // target see the node's own address.
            ch.bind(new InetSocketAddress(bindIp.isAnyLocalAddress() ? null : bindIp, 0));
            ch.connect(to.toSocketAddress());
            ch.configureBlocking(false);
            ch.write(ByteBuffer.wrap(datagram));
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            return false;
        }
        current = ch;
        currentSeqNo = seqNo;
        scheduleCheck(ch, seqNo, 0);
        return true;
    }

    /** The engine has the outcome of probe {@code seqNo}: its socket has nothing more to tell. */
    void end(long seqNo) {
        if (current != null && currentSeqNo == seqNo) {
            close();
        }
    }

    private void scheduleCheck(DatagramChannel ch, long seqNo, int index) {
        long delay = CHECK_DELAYS_MILLIS[index] - (index == 0 ? 0 : CHECK_DELAYS_MILLIS[index - 1]);
        loop.schedule(delay, () -> check(ch, seqNo, index));
    }

    private void check(DatagramChannel ch, long seqNo, int index) {
        if (ch != current) {
            return; // superseded by the next probe, or closed
        }
        try {
            while (true) {
                buffer.clear();
                InetSocketAddress from = (InetSocketAddress) ch.receive(buffer);
                if (from == null) {
                    break;
                }
                buffer.flip();
                sink.received(from, buffer);
            }
        } catch (PortUnreachableException e) {
            close();
            sink.unreachable(seqNo);
            return;
        } catch (IOException e) {
            close();
            return;
        }
        if (index == CHECK_DELAYS_MILLIS.length - 1) {
            close();
        } else {
            scheduleCheck(ch, seqNo, index + 1);
        }
    }

    @Override
    public void close() {
        closeQuietly(current);
        current = null;
    }

    private static void closeQuietly(DatagramChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to do: the socket is gone either way
            }
        }
    }
}
