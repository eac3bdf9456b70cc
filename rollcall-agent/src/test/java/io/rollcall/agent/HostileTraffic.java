package io.rollcall.agent;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.MemberState;
import io.rollcall.core.VersionVector;
import io.rollcall.core.codec.CodecConfig;
import io.rollcall.core.codec.PacketCodec;
import io.rollcall.core.codec.SerfTags;
import io.rollcall.core.codec.StreamCodec;
import io.rollcall.core.message.Ack;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.Dead;
import io.rollcall.core.message.ErrorResponse;
import io.rollcall.core.message.IndirectPing;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.Nack;
import io.rollcall.core.message.Ping;
import io.rollcall.core.message.PushNodeState;
import io.rollcall.core.message.PushPull;
import io.rollcall.core.message.Suspect;
import io.rollcall.core.message.UserData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * What an unauthenticated host sends at an agent: the attack classes of issue 15 and seeded mutations
 * of every message type. Shared by {@link HostileAgentIT} (which asserts) and {@link HostileCost} (which
 * measures); nothing here asserts, and everything is built from a seed.
 */
final class HostileTraffic {
    static final StreamCodec PLAIN_STREAMS = new StreamCodec(CodecConfig.DEFAULT.withCompression(false));
    static final StreamCodec COMPRESSED_STREAMS = new StreamCodec(CodecConfig.DEFAULT);
    static final PacketCodec PLAIN_PACKETS = new PacketCodec(CodecConfig.DEFAULT.withCompression(false));
    static final PacketCodec COMPRESSED_PACKETS = new PacketCodec(CodecConfig.DEFAULT);
    static final long MAX_INCARNATION = 0xFFFF_FFFFL;
    /** Names the wire allows but a terminal, a log line or a handler's tab-separated stdin must not get raw. */
    static final List<String> HOSTILE_NAMES = List.of("evil\nforged-line", "tab\tin\tname", "esc\u001b[31mred\u001b[0m",
            "bell\u0007", "", "a".repeat(5_000), "del\u007f", "c1\u009b31m", "nul\u0000byte", "bidi\u202eevil");
    /** Marker in a name whose two bytes are replaced on the wire by an invalid UTF-8 sequence. */
    static final String INVALID_UTF8_MARKER = "\u00a7\u00a7";

    private final SplittableRandom random;

    HostileTraffic(long seed) {
        this.random = new SplittableRandom(seed);
    }

    static Endpoint endpoint(String ip, int port) {
        try {
            return Endpoint.of(InetAddress.getByName(ip).getAddress(), port);
        } catch (IOException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }

    /** A fake member address: 127.250.x.y, where nothing listens. */
    static Endpoint fakeAddress(int i) {
        return Endpoint.of(new byte[] {127, (byte) 250, (byte) (i >>> 8), (byte) i}, 7946);
    }

    /** Serf tags of exactly {@code bytes} encoded bytes (from 8). */
    static Bytes metaOfSize(int bytes) {
        Bytes small = SerfTags.encode(Map.of("k", ""));
        String pad = "x".repeat(bytes - small.length());
        Bytes meta = SerfTags.encode(Map.of("k", pad));
        for (int n = pad.length(); meta.length() > bytes && n > 0; n--) {
            meta = SerfTags.encode(Map.of("k", "x".repeat(n - 1)));
        }
        return meta;
    }

    // ---- decompression bombs

    /**
     * One compress frame (type 9, LZW) holding a user message of {@code bytes} zeros: a datagram or a
     * whole stream. LZW on zeros compresses about 1,300 to 1, so 30 MB fit in about 23 KB.
     */
    static byte[] lzwBomb(int bytes) {
        return COMPRESSED_STREAMS.encode(new UserData(Bytes.of(new byte[bytes])));
    }

    // ---- push/pull

    /** A push/pull listing {@code entries} fake alive members named {@code prefix + i}, each with {@code metaBytes} of tags. */
    static byte[] pushPull(String prefix, int entries, int metaBytes) {
        Bytes meta = metaOfSize(metaBytes);
        List<PushNodeState> nodes = new ArrayList<>(entries);
        for (int i = 0; i < entries; i++) {
            nodes.add(new PushNodeState(prefix + i, fakeAddress(i), meta, 1, MemberState.ALIVE, VersionVector.ROLLCALL));
        }
        return PLAIN_STREAMS.encode(new PushPull(false, nodes, Bytes.EMPTY));
    }

    /** A push/pull whose header claims {@code nodes} entries and {@code userStateBytes} of user state, then nothing. */
    static byte[] pushPullHeaderOnly(long nodes, long userStateBytes) {
        // 6 = pushPullMsg; msgpack map {Join: false, Nodes: n, UserStateLen: u}
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(6);
        out.write(0x83);
        text(out, "Join");
        out.write(0xc2);
        text(out, "Nodes");
        uint32(out, nodes);
        text(out, "UserStateLen");
        uint32(out, userStateBytes);
        return out.toByteArray();
    }

    private static void text(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(0xa0 | b.length);
        out.write(b, 0, b.length);
    }

    private static void uint32(ByteArrayOutputStream out, long v) {
        out.write(0xce);
        for (int shift = 24; shift >= 0; shift -= 8) {
            out.write((int) (v >>> shift));
        }
    }

    /** Compress frames nested {@code depth} deep around a ping. */
    static byte[] nestedCompression(int depth) {
        byte[] inner = PLAIN_PACKETS.encode(List.of(new Ping(1, "x", endpoint("127.250.0.1", 7946), "x")), false);
        for (int i = 0; i < depth; i++) {
            inner = compressFrame(inner);
        }
        return inner;
    }

    /** type 9 + {Algo: 0, Buf: LZW(payload)}, the LZW written as literal codes only (no compression at all). */
    static byte[] compressFrame(byte[] payload) {
        byte[] lzw = lzwLiterals(payload);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(9);
        out.write(0x82);
        text(out, "Algo");
        out.write(0);
        text(out, "Buf");
        out.write(0xc6);
        for (int shift = 24; shift >= 0; shift -= 8) {
            out.write(lzw.length >>> shift);
        }
        out.write(lzw, 0, lzw.length);
        return out.toByteArray();
    }

    /**
     * Go's LZW (LSB first, 8-bit literals) with only literal codes: a clear code every 200 codes keeps
     * the code width at 9 bits, as the reader's table never grows past 511 entries.
     */
    private static byte[] lzwLiterals(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long bits = 0;
        int nBits = 0;
        int sinceClear = 0;
        int[] codes = new int[data.length + data.length / 200 + 3];
        int n = 0;
        codes[n++] = 256;
        for (byte b : data) {
            if (sinceClear == 200) {
                codes[n++] = 256;
                sinceClear = 0;
            }
            codes[n++] = b & 0xff;
            sinceClear++;
        }
        codes[n++] = 257;
        for (int i = 0; i < n; i++) {
            bits |= (long) codes[i] << nBits;
            nBits += 9;
            while (nBits >= 8) {
                out.write((int) (bits & 0xff));
                bits >>>= 8;
                nBits -= 8;
            }
        }
        if (nBits > 0) {
            out.write((int) (bits & 0xff));
        }
        return out.toByteArray();
    }

    // ---- names and incarnations

    /** An alive about a member named {@code name}, from a fake address; the marker becomes invalid UTF-8. */
    static byte[] aliveNamed(String name, int i) {
        byte[] packet = PLAIN_PACKETS.encode(List.of(new Alive(1, name, fakeAddress(40_000 + i), SerfTags.encode(Map.of()),
                VersionVector.ROLLCALL)), false);
        return invalidUtf8(packet);
    }

    /** A push/pull whose entries carry the hostile names. */
    static byte[] pushPullNamed(List<String> names) {
        List<PushNodeState> nodes = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            nodes.add(new PushNodeState(names.get(i), fakeAddress(41_000 + i), SerfTags.encode(Map.of()), 1,
                    MemberState.ALIVE, VersionVector.ROLLCALL));
        }
        return invalidUtf8(PLAIN_STREAMS.encode(new PushPull(false, nodes, Bytes.EMPTY)));
    }

    private static byte[] invalidUtf8(byte[] wire) {
        byte[] marker = INVALID_UTF8_MARKER.getBytes(StandardCharsets.UTF_8); // c2 a7 c2 a7
        for (int i = 0; i + marker.length <= wire.length; i++) {
            if (Arrays.equals(wire, i, i + marker.length, marker, 0, marker.length)) {
                wire[i] = (byte) 0xc3;
                wire[i + 1] = 0x28;
                wire[i + 2] = (byte) 0xff;
                wire[i + 3] = (byte) 0xfe;
            }
        }
        return wire;
    }

    static byte[] suspect(long incarnation, String node) {
        return PLAIN_PACKETS.encode(List.of(new Suspect(incarnation, node, "attacker")), false);
    }

    static byte[] dead(long incarnation, String node) {
        return PLAIN_PACKETS.encode(List.of(new Dead(incarnation, node, "attacker")), false);
    }

    // ---- mutations of every message type

    /** A valid message of a random type (every datagram type), about strangers or {@code target} (pings only). */
    Message anyPacketMessage(String target) {
        String stranger = "x" + random.nextInt(64);
        Endpoint addr = fakeAddress(50_000 + random.nextInt(64));
        long inc = random.nextInt(1_000);
        return switch (random.nextInt(9)) {
            case 0 -> new Ping(random.nextLong(1L << 32), target, addr, stranger);
            case 1 -> new IndirectPing(random.nextLong(1L << 32), addr, stranger, random.nextBoolean(), addr, stranger);
            case 2 -> new Ack(random.nextLong(1L << 32), Bytes.of(bytes(random.nextInt(16))));
            case 3 -> new Nack(random.nextLong(1L << 32));
            case 4 -> new Suspect(inc, stranger, "attacker");
            case 5 -> new Dead(inc, stranger, "attacker");
            case 6 -> new UserData(Bytes.of(bytes(random.nextInt(64))));
            default -> new Alive(inc, stranger, addr, random.nextInt(4) == 0 ? Bytes.of(bytes(random.nextInt(700)))
                    : SerfTags.encode(Map.of("role", "r" + random.nextInt(9))), VersionVector.ROLLCALL);
        };
    }

    /** A valid datagram of one to a few messages, maybe compressed, maybe with a CRC. */
    byte[] anyDatagram(String target) {
        int n = random.nextInt(4) == 0 ? 2 + random.nextInt(6) : 1;
        List<Message> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ms.add(anyPacketMessage(target));
        }
        PacketCodec codec = random.nextBoolean() ? PLAIN_PACKETS : COMPRESSED_PACKETS;
        return codec.encode(ms, random.nextBoolean());
    }

    /** A valid stream: ping, ack, user message, error response or a small push/pull, maybe compressed. */
    byte[] anyStream(String target) {
        StreamCodec codec = random.nextBoolean() ? PLAIN_STREAMS : COMPRESSED_STREAMS;
        Message m = switch (random.nextInt(5)) {
            case 0 -> new Ping(random.nextLong(1L << 32), target, fakeAddress(1), "x1");
            case 1 -> new Ack(random.nextLong(1L << 32), Bytes.EMPTY);
            case 2 -> new UserData(Bytes.of(bytes(random.nextInt(256))));
            case 3 -> new ErrorResponse("e".repeat(random.nextInt(64)));
            default -> {
                List<PushNodeState> nodes = new ArrayList<>();
                for (int i = random.nextInt(8); i > 0; i--) {
                    nodes.add(new PushNodeState("x" + random.nextInt(64), fakeAddress(50_000 + random.nextInt(64)),
                            SerfTags.encode(Map.of()), random.nextInt(100), MemberState.values()[random.nextInt(4)],
                            VersionVector.ROLLCALL));
                }
                yield new PushPull(random.nextBoolean(), nodes, Bytes.of(bytes(random.nextInt(32))));
            }
        };
        return codec.encode(m);
    }

    private static final int[] INTERESTING = {0x00, 0x01, 0x06, 0x07, 0x09, 0x0a, 0x0c, 0x7f, 0x80, 0x8f, 0x9f, 0xbf,
        0xc0, 0xc1, 0xc4, 0xc6, 0xcc, 0xce, 0xcf, 0xd3, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xf4, 0xff};

    /** Byte flips, interesting bytes, truncation, insertion, duplication, random bytes. */
    byte[] mutate(byte[] valid) {
        byte[] b = valid.clone();
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds && b.length > 0; r++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(7)) {
                case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> b[at] = (byte) INTERESTING[random.nextInt(INTERESTING.length)];
                case 2 -> b = Arrays.copyOf(b, at);
                case 3 -> {
                    byte[] ins = bytes(1 + random.nextInt(8));
                    byte[] out = new byte[b.length + ins.length];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(ins, 0, out, at, ins.length);
                    System.arraycopy(b, at, out, at + ins.length, b.length - at);
                    b = out;
                }
                case 4 -> {
                    byte[] out = Arrays.copyOf(b, b.length + (b.length - at));
                    System.arraycopy(b, at, out, b.length, b.length - at);
                    b = out;
                }
                case 5 -> b[at] = (byte) random.nextInt(256);
                default -> b = bytes(1 + random.nextInt(64));
            }
        }
        return b.length == 0 ? new byte[] {(byte) random.nextInt(256)} : b;
    }

    /** The first byte of a datagram or stream that claims a label, encryption or another frame. */
    byte[] reframe(byte[] payload) {
        int pick = random.nextInt(4);
        byte[] head = switch (pick) {
            case 0 -> new byte[] {(byte) 0xf4, 4, 'e', 'v', 'i', 'l'};
            case 1 -> new byte[] {0x0a, 0, 0, 0, (byte) random.nextInt(256)};
            case 2 -> new byte[] {0x0c, 1, 2, 3, 4};
            default -> new byte[0];
        };
        byte[] out = Arrays.copyOf(head, head.length + payload.length);
        System.arraycopy(payload, 0, out, head.length, payload.length);
        return out;
    }

    byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    // ---- sending

    /** Sends each datagram from {@code source} to {@code target}, at most {@code perSecond} a second. */
    static void sendDatagrams(String source, InetSocketAddress target, List<byte[]> datagrams, int perSecond)
            throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(source, 0))) {
            long start = System.nanoTime();
            for (int i = 0; i < datagrams.size(); i++) {
                byte[] d = datagrams.get(i);
                s.send(new DatagramPacket(d, d.length, target));
                long due = start + (long) (i + 1) * 1_000_000_000L / perSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    AgentProcess.sleep(wait / 1_000_000);
                }
            }
        }
    }

    /**
     * Connects from {@code source}, writes the bytes, half-closes and reads the answer until the peer
     * closes or {@code readMillis} pass.
     *
     * @return how many bytes came back, or -1 if the connection failed
     */
    static long sendStream(String source, InetSocketAddress target, byte[] data, int readMillis) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(source, 0));
            s.connect(target, 2_000);
            s.setSoTimeout(readMillis);
            OutputStream out = s.getOutputStream();
            out.write(data);
            out.flush();
            s.shutdownOutput();
            long n = 0;
            byte[] sink = new byte[65_536];
            InputStream in = s.getInputStream();
            try {
                for (int r; (r = in.read(sink)) >= 0; ) {
                    n += r;
                }
            } catch (IOException timeoutOrReset) {
                // The answer, as far as it went.
            }
            return n;
        } catch (IOException e) {
            return -1;
        }
    }

    interface Task {
        long run(int i) throws Exception;
    }

    /** Runs {@code task(0..n-1)} on {@code n} threads at once and waits for all (two minutes at most). */
    static void concurrently(int n, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Long>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                fs.add(pool.submit(() -> task.run(k)));
            }
            for (Future<Long> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Slow connections: each writes {@code prefix} one byte a second and then a byte a second forever,
     * and is reopened as soon as the other side closes it (an attacker keeps its slots).
     */
    static final class Trickle implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicInteger reopened = new AtomicInteger();
        private final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();

        Trickle(InetSocketAddress to, int connections, IntFunction<String> source, byte[] prefix) {
            // One thread drives a share of the connections, so 256 connections cost a few threads.
            int perThread = 32;
            for (int t = 0; t * perThread < connections; t++) {
                int first = t * perThread;
                int last = Math.min(connections, first + perThread);
                Thread th = new Thread(() -> drive(to, first, last, source, prefix), "trickle-" + t);
                th.setDaemon(true);
                threads.add(th);
                th.start();
            }
        }

        private void drive(InetSocketAddress to, int first, int last, IntFunction<String> source,
                           byte[] prefix) {
            Socket[] sockets = new Socket[last - first];
            int[] sent = new int[sockets.length];
            while (running.get()) {
                for (int i = 0; i < sockets.length && running.get(); i++) {
                    try {
                        if (sockets[i] == null) {
                            Socket s = new Socket();
                            s.bind(new InetSocketAddress(source.apply(first + i), 0));
                            s.connect(to, 1_000);
                            sockets[i] = s;
                            sent[i] = 0;
                        }
                        OutputStream out = sockets[i].getOutputStream();
                        out.write(sent[i] < prefix.length ? prefix[sent[i]] : 'a');
                        out.flush();
                        sent[i]++;
                        bytes.incrementAndGet();
                    } catch (IOException closedByTheAgent) {
                        close(sockets[i]);
                        sockets[i] = null;
                        reopened.incrementAndGet();
                    }
                }
                AgentProcess.sleep(1_000);
            }
            for (Socket s : sockets) {
                close(s);
            }
        }

        private static void close(Socket s) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing
                }
            }
        }

        /** @return bytes written so far, over all connections */
        long bytesSent() {
            return bytes.get();
        }

        /** Waits until every connection has had time to open and send its first bytes. */
        void letThemOpen() {
            AgentProcess.sleep(2_000);
        }

        @Override
        public void close() {
            running.set(false);
            for (Thread t : threads) {
                try {
                    t.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            System.out.println("hostile: slow connections reopened after the agent closed them: " + reopened.get());
        }
    }
}
