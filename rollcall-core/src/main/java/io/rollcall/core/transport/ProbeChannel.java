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
 * {@link #CHECK_DELAYS_MILLIS} after sending, then closed; at most one is open at a time, since a
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
        DatagramChannel sent = ch;
        for (int i = 0; i < CHECK_DELAYS_MILLIS.length; i++) {
            boolean last = i == CHECK_DELAYS_MILLIS.length - 1;
            loop.schedule(CHECK_DELAYS_MILLIS[i], () -> check(sent, seqNo, last));
        }
        return true;
    }

    private void check(DatagramChannel ch, long seqNo, boolean last) {
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
        if (last) {
            close();
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
