package io.rollcall.core.security;

import io.rollcall.core.Eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.MemberState;
import io.rollcall.core.codec.CodecConfig;
import io.rollcall.core.codec.DecodeDropReason;
import io.rollcall.core.codec.DecodeResult;
import io.rollcall.core.codec.PacketCodec;
import io.rollcall.core.codec.SerfTags;
import io.rollcall.core.codec.StreamCodec;
import io.rollcall.core.engine.EngineConfig;
import io.rollcall.core.engine.JoinCompleted;
import io.rollcall.core.engine.MembershipEvent;
import io.rollcall.core.engine.Notification;
import io.rollcall.core.message.Ack;
import io.rollcall.core.message.Ping;
import io.rollcall.core.serf.SerfAgent;
import io.rollcall.core.node.LiveNode;
import io.rollcall.core.transport.TransportConfig;
import io.rollcall.core.transport.TransportCounters;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gossip encryption against real {@code serf agent -encrypt} processes (Debian's serf 0.9.4, memberlist
 * 0.2.2) on loopback: one cluster in both directions with a shared key, refusal of wrong and missing
 * keys, and the plaintext-to-encrypted migration. Every agent is killed by PID after each test, and
 * every agent's log is checked: the only protocol errors allowed are the refusals a test provokes on
 * purpose, and each test says which.
 */
class EncryptedInteropTest {
    private static final EngineConfig LAN = EngineConfig.lan();
    private static final long CONVERGE_MILLIS = 30_000;
    private static final long JOIN_SECONDS = 15;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<DecodeDropReason> ENCRYPTION_DROPS = Set.of(DecodeDropReason.DECRYPTION_FAILED,
            DecodeDropReason.NOT_ENCRYPTED, DecodeDropReason.ENCRYPTED_NO_KEY);

    /** What memberlist 0.2.2 logs when a stream carries another key's ciphertext. */
    private static final Pattern SERF_WRONG_KEY = Pattern.compile(
            "\\[ERR\\] memberlist: failed to receive: No installed keys could decrypt the message from=");
    /** What memberlist 0.2.2 logs when a stream is plaintext while encryption is configured. */
    private static final Pattern SERF_PLAINTEXT = Pattern.compile(
            "\\[ERR\\] memberlist: failed to receive: Encryption is configured but remote state is not encrypted from=");

    @TempDir
    Path dir;
    private final List<SerfAgent> agents = new ArrayList<>();
    private final List<LiveNode> nodes = new ArrayList<>();
    private final List<Notification> events = new CopyOnWriteArrayList<>();
    /**
     * Encryption trouble serf logs outside {@link SerfAgent#PROTOCOL_ERROR}: undecryptable datagrams,
     * and the warning memberlist gives when UDP probes fail while TCP works (as it would if only our
     * datagrams were unreadable).
     */
    private static final Pattern SERF_ENCRYPTION_TROUBLE = Pattern.compile("(?i)(decrypt|encrypt|was able to connect)");
    /** Protocol errors a test provokes on purpose; every other one fails the test. */
    private final List<Pattern> expectedSerfErrors = new ArrayList<>();

    @BeforeAll
    static void requireSerf() {
        boolean installed = SerfAgent.installed();
        if (!installed && System.getenv("CI") != null) {
            throw new AssertionError("serf is not installed: .ci/run must install Debian's serf package");
        }
        Assumptions.assumeTrue(installed, "serf is not installed (apt-get install -y serf); skipping interop tests");
    }

    @AfterEach
    void stopEverything() {
        for (LiveNode n : nodes) {
            n.close();
        }
        List<String> unexpected = new ArrayList<>();
        for (SerfAgent a : agents) {
            a.kill();
            List<String> suspicious = new ArrayList<>(a.protocolErrors());
            a.logText().lines().filter(l -> (l.contains("[ERR]") || l.contains("[WARN]"))
                    && SERF_ENCRYPTION_TROUBLE.matcher(l).find() && !suspicious.contains(l)).forEach(suspicious::add);
            for (String line : suspicious) {
                if (expectedSerfErrors.stream().noneMatch(p -> p.matcher(line).find())) {
                    unexpected.add(a.name() + ": " + line);
                }
            }
        }
        assertThat(unexpected).as("serf logged protocol errors no test provoked on purpose").isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    private SerfAgent serf(String name, String ip, String join, String... extra) throws IOException {
        SerfAgent a = SerfAgent.start(dir, name, ip, join, Map.of(), extra);
        agents.add(a);
        return a;
    }

    private LiveNode rollcall(String name, String ip, int port, CodecConfig codec) throws IOException {
        LiveNode n = LiveNode.start(new LiveNode.Spec(name, SerfTags.encode(Map.of()), 1, LAN,
                TransportConfig.of(Endpoint.parse(ip, port)).withCodec(codec), true, events::add));
        nodes.add(n);
        return n;
    }

    private static CodecConfig encrypted(GossipKey key) {
        return CodecConfig.DEFAULT.withCipher(new GossipCipher(new Keyring(key)));
    }

    /** A key as the real tool makes it, so parsing is checked against serf's own format. */
    private static GossipKey serfKeygen() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("serf", "keygen").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("serf keygen: " + out).isZero();
        GossipKey key = GossipKey.parseBase64(out);
        assertThat(key.length()).isEqualTo(GossipKey.AES_256_BYTES);
        return key;
    }

    private static JoinCompleted join(LiveNode n, Endpoint seed) throws Exception {
        return n.join(List.of(seed)).get(JOIN_SECONDS, TimeUnit.SECONDS);
    }

    private static void await(String what, long millis, BooleanSupplier condition, Supplier<String> seen) {
        Eventually.await(what, millis, condition, seen);
    }

    private static boolean rollcallSees(LiveNode n, String member, MemberState state) {
        return n.call(e -> e.member(member)).join().map(m -> m.state() == state).orElse(false);
    }

    private static boolean rollcallSeesAllAlive(LiveNode n, Set<String> names) {
        return names.stream().allMatch(m -> rollcallSees(n, m, MemberState.ALIVE));
    }

    private static boolean serfSeesAllAlive(SerfAgent a, Set<String> names) {
        try {
            Map<String, String[]> members = a.members();
            return names.stream().allMatch(m -> members.containsKey(m) && members.get(m)[0].equals("alive"));
        } catch (IOException e) {
            return false;
        }
    }

    private String everyView() {
        List<String> views = new ArrayList<>();
        for (SerfAgent a : agents) {
            if (a.isAlive()) {
                try {
                    views.add(a.name() + "=" + a.members().entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()[0])
                            .collect(Collectors.joining(",")));
                } catch (IOException e) {
                    views.add(a.name() + "=" + e.getMessage());
                }
            }
        }
        for (LiveNode n : nodes) {
            try {
                views.add(n.name() + "=" + n.call(e -> e.members()).join().stream().map(m -> m.name() + ":" + m.state())
                        .collect(Collectors.joining(",")) + " drops=" + encryptionDrops(n.network().transportCounters()));
            } catch (java.util.concurrent.CompletionException stopped) {
                views.add(n.name() + "=stopped");
            }
        }
        return String.join(" | ", views);
    }

    private static Map<DecodeDropReason, Long> encryptionDrops(TransportCounters counters) {
        return counters.decodeDrops().entrySet().stream().filter(e -> ENCRYPTION_DROPS.contains(e.getKey()) && e.getValue() > 0)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** Drops of every reason: a healthy cluster has none, and a node sending the wrong framing shows up here. */
    private static long allDrops(LiveNode n) {
        return n.network().transportCounters().decodeDrops().values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Waits until each node has received {@code count} more datagrams than it had before, so that
     * probes and gossip, not only the joins' streams, have crossed the network in the current setup.
     */
    private void awaitDatagrams(List<LiveNode> among, int count) {
        Map<LiveNode, Long> before = among.stream().collect(Collectors.toMap(n -> n, n -> n.network().transportCounters().packetsIn()));
        await(count + " more datagrams at each of " + among.stream().map(LiveNode::name).toList(), CONVERGE_MILLIS,
                () -> among.stream().allMatch(n -> n.network().transportCounters().packetsIn() >= before.get(n) + count), this::everyView);
    }

    private static long matchingLines(SerfAgent a, Pattern p) {
        return a.logText().lines().filter(l -> p.matcher(l).find()).count();
    }

    // ------------------------------------------------------------------ tests

    @Test
    void rollcallAndEncryptedSerfFormOneClusterInBothDirections() throws Exception {
        GossipKey key = serfKeygen();
        SerfAgent s1 = serf("s1", "127.0.21.1", null, "-encrypt=" + key.toBase64());
        assertThat(s1.logText()).contains("Encrypted: true");
        LiveNode r1 = rollcall("r1", "127.0.21.11", 0, encrypted(key));
        JoinCompleted joined = join(r1, s1.endpoint());
        assertThat(joined.succeeded()).as("r1 joins s1: " + joined.failures()).isEqualTo(1);

        // serf joins Rollcall: the agent exits at start if its -join fails.
        SerfAgent s2 = serf("s2", "127.0.21.2", r1.address().toString(), "-encrypt=" + key.toBase64());
        LiveNode r2 = rollcall("r2", "127.0.21.12", 0, encrypted(key));
        assertThat(join(r2, s2.endpoint()).succeeded()).isEqualTo(1);

        Set<String> all = Set.of("s1", "s2", "r1", "r2");
        await("all four alive on every node", CONVERGE_MILLIS, () -> serfSeesAllAlive(s1, all) && serfSeesAllAlive(s2, all)
                && rollcallSeesAllAlive(r1, all) && rollcallSeesAllAlive(r2, all), this::everyView);

        awaitDatagrams(List.of(r1, r2), 10);
        for (LiveNode n : List.of(r1, r2)) {
            assertThat(n.network().transportCounters().decodeDrops()).as(n.name() + " refused nothing: serf encrypts as we decrypt")
                    .allSatisfy((reason, count) -> assertThat(count).as(reason.name()).isZero());
        }
        assertThat(r1.network().transportCounters().streamsIn()).as("s2's join was an encrypted stream to r1").isPositive();
        assertThat(matchingLines(s1, SERF_WRONG_KEY) + matchingLines(s2, SERF_WRONG_KEY)).isZero();
    }

    @Test
    void aWrongKeyOrNoKeyCannotJoinAndStaysInvisible() throws Exception {
        expectedSerfErrors.add(SERF_WRONG_KEY);
        expectedSerfErrors.add(SERF_PLAINTEXT);
        GossipKey key = GossipKey.generate(32, RANDOM);
        SerfAgent s1 = serf("s1", "127.0.22.1", null, "-encrypt=" + key.toBase64());
        LiveNode good = rollcall("good", "127.0.22.10", 0, encrypted(key));
        assertThat(join(good, s1.endpoint()).succeeded()).isEqualTo(1);

        LiveNode wrong = rollcall("wrong", "127.0.22.11", 0, encrypted(GossipKey.generate(32, RANDOM)));
        JoinCompleted wrongJoin = join(wrong, s1.endpoint());
        assertThat(wrongJoin.succeeded()).isZero();
        // serf answers in its own key, which we cannot read either.
        assertThat(wrongJoin.failures()).singleElement().asString().contains(s1.address())
                .contains("no installed gossip key decrypts the answer").contains("install the cluster's current key");

        LiveNode keyless = rollcall("keyless", "127.0.22.12", 0, CodecConfig.DEFAULT);
        JoinCompleted keylessJoin = join(keyless, s1.endpoint());
        assertThat(keylessJoin.succeeded()).isZero();
        assertThat(keylessJoin.failures()).singleElement().asString()
                .contains("encrypts its gossip and this node has no key");

        // Right key but still sending plaintext (migration mode): serf refuses, and we can read why.
        LiveNode lenient = rollcall("lenient", "127.0.22.13", 0,
                encrypted(key).withVerifyOutgoing(false).withVerifyIncoming(false));
        JoinCompleted lenientJoin = join(lenient, s1.endpoint());
        assertThat(lenientJoin.succeeded()).isZero();
        assertThat(lenientJoin.failures()).singleElement().asString()
                .contains("peer refused: Encryption is configured but remote state is not encrypted");

        // serf joining them fails too, and they count what they refused.
        assertThat(s1.joinCommand(wrong.address().toString())).contains("Error joining");
        assertThat(s1.joinCommand(keyless.address().toString())).contains("Error joining");
        assertThat(wrong.network().transportCounters().decodeDrops().get(DecodeDropReason.DECRYPTION_FAILED))
                .as("s1's push/pull and error reply, both in a key 'wrong' lacks").isGreaterThanOrEqualTo(2);
        assertThat(keyless.network().transportCounters().decodeDrops().get(DecodeDropReason.ENCRYPTED_NO_KEY)).isGreaterThanOrEqualTo(2);

        await("s1 and good see each other alive", CONVERGE_MILLIS,
                () -> serfSeesAllAlive(s1, Set.of("s1", "good")) && rollcallSeesAllAlive(good, Set.of("s1", "good")),
                this::everyView);
        assertThat(s1.members().keySet()).as("serf members").containsExactlyInAnyOrder("s1", "good");
        assertThat(good.call(e -> e.members()).join()).extracting(m -> m.name()).containsExactlyInAnyOrder("s1", "good");
        for (LiveNode outsider : List.of(wrong, keyless, lenient)) {
            assertThat(outsider.call(e -> e.members()).join()).as(outsider.name() + " learned nobody")
                    .extracting(m -> m.name()).containsExactly(outsider.name());
        }
        assertThat(matchingLines(s1, SERF_WRONG_KEY)).as("serf logged the wrong key's stream").isPositive();
        assertThat(matchingLines(s1, SERF_PLAINTEXT)).as("serf logged the plaintext streams").isGreaterThanOrEqualTo(2);
        assertThat(allDrops(good)).as("good: " + good.network().transportCounters().decodeDrops()).isZero();
    }

    /**
     * memberlist's migration, Rollcall-only (serf has no switch for it): three plaintext nodes are
     * restarted one at a time into each phase in turn. After every restart the cluster must be whole
     * again; nobody may ever declare anybody failed or refuse anybody's traffic; and at the end a node
     * without the key cannot join.
     */
    @Test
    void aRollingMigrationFromPlaintextToEncryptionNeverSplitsTheCluster() throws Exception {
        GossipKey key = GossipKey.generate(32, RANDOM);
        List<String> names = List.of("m1", "m2", "m3");
        List<String> ips = List.of("127.0.23.1", "127.0.23.2", "127.0.23.3");
        Set<String> all = Set.copyOf(names);
        List<LiveNode> running = new ArrayList<>();
        List<LiveNode> everyInstance = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            LiveNode n = rollcall(names.get(i), ips.get(i), 0, CodecConfig.DEFAULT);
            running.add(n);
            everyInstance.add(n);
            if (i > 0) {
                assertThat(join(n, running.get(0).address()).succeeded()).isEqualTo(1);
            }
        }
        await("plaintext cluster whole", CONVERGE_MILLIS,
                () -> running.stream().allMatch(n -> rollcallSeesAllAlive(n, all)), this::everyView);

        List<CodecConfig> phases = List.of(
                encrypted(key).withVerifyIncoming(false).withVerifyOutgoing(false),
                encrypted(key).withVerifyIncoming(false).withVerifyOutgoing(true),
                encrypted(key));
        for (int phase = 0; phase < phases.size(); phase++) {
            for (int i = 0; i < names.size(); i++) {
                LiveNode old = running.get(i);
                int port = old.network().boundAddress().port();
                old.close();
                nodes.remove(old);
                LiveNode restarted = rollcall(names.get(i), ips.get(i), port, phases.get(phase));
                running.set(i, restarted);
                everyInstance.add(restarted);
                LiveNode seed = running.get((i + 1) % names.size());
                JoinCompleted rejoin = join(restarted, seed.address());
                assertThat(rejoin.succeeded()).as("phase " + phase + ": " + names.get(i) + " rejoins: " + rejoin.failures())
                        .isEqualTo(1);
                String step = "phase " + phase + " after restarting " + names.get(i);
                await(step + ": cluster whole", CONVERGE_MILLIS,
                        () -> running.stream().allMatch(n -> rollcallSeesAllAlive(n, all)), this::everyView);
                awaitDatagrams(running, 3);
                for (LiveNode n : everyInstance) {
                    assertThat(allDrops(n)).as(step + ": " + n.name() + " refused traffic: " + n.network().transportCounters().decodeDrops())
                            .isZero();
                }
            }
        }
        assertThat(events).as("nobody was ever declared failed").noneMatch(e -> e instanceof MembershipEvent.Failed);

        LiveNode keyless = rollcall("keyless", "127.0.23.9", 0, CodecConfig.DEFAULT);
        JoinCompleted refused = join(keyless, running.get(0).address());
        assertThat(refused.succeeded()).as("the migrated cluster is encrypted only").isZero();
        assertThat(running.get(0).network().transportCounters().decodeDrops().get(DecodeDropReason.NOT_ENCRYPTED)).isPositive();
    }

    /**
     * serf cannot take part in the migration (it has no verify switches), but Rollcall nodes in the
     * intermediate phases interoperate with serf on either side of serf's own switch: with the key
     * installed but plaintext sent, with a plaintext agent; sending encrypted, with an encrypted agent.
     */
    @Test
    void rollcallNodesMidMigrationInteroperateWithSerfOnEitherSide() throws Exception {
        GossipKey key = GossipKey.generate(32, RANDOM);
        SerfAgent plain = serf("p1", "127.0.24.1", null);
        LiveNode keyInstalled = rollcall("k1", "127.0.24.11", 0,
                encrypted(key).withVerifyIncoming(false).withVerifyOutgoing(false));
        assertThat(join(keyInstalled, plain.endpoint()).succeeded()).isEqualTo(1);
        await("plaintext serf and a keyed, plaintext-sending node", CONVERGE_MILLIS,
                () -> serfSeesAllAlive(plain, Set.of("p1", "k1")) && rollcallSeesAllAlive(keyInstalled, Set.of("p1", "k1")),
                this::everyView);

        LiveNode sendingEncrypted = rollcall("e1", "127.0.24.12", 0,
                encrypted(key).withVerifyIncoming(false).withVerifyOutgoing(true));
        SerfAgent encryptedSerf = serf("x1", "127.0.24.2", sendingEncrypted.address().toString(), "-encrypt=" + key.toBase64());
        await("encrypted serf joined a node sending encrypted but accepting plaintext", CONVERGE_MILLIS,
                () -> serfSeesAllAlive(encryptedSerf, Set.of("x1", "e1")) && rollcallSeesAllAlive(sendingEncrypted, Set.of("x1", "e1")),
                this::everyView);
        awaitDatagrams(List.of(keyInstalled, sendingEncrypted), 5);
        for (LiveNode n : List.of(keyInstalled, sendingEncrypted)) {
            assertThat(allDrops(n)).as(n.name() + ": " + n.network().transportCounters().decodeDrops()).isZero();
        }
    }
    /**
     * Byte level, without the transport: serf accepts memberlist's version 0 (padded) ciphertext over
     * UDP and TCP, and its version 1 replies decrypt with the unlabelled associated data rules (none
     * for datagrams, the {@code 0a | length} header for streams).
     */
    @Test
    void serfAcceptsVersionZeroAndItsRepliesDecrypt() throws Exception {
        GossipKey key = GossipKey.generate(32, RANDOM);
        SerfAgent s1 = serf("s1", "127.0.25.1", null, "-encrypt=" + key.toBase64());
        CodecConfig v0 = CodecConfig.DEFAULT.withCipher(MemberlistCrypto.version0Sender(key));
        PacketCodec packets = new PacketCodec(v0);
        StreamCodec streams = new StreamCodec(v0);
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.25.11", 0))) {
            udp.setSoTimeout((int) TimeUnit.SECONDS.toMillis(JOIN_SECONDS));
            Endpoint me = new Endpoint(udp.getLocalAddress(), udp.getLocalPort());
            byte[] ping = packets.encode(List.of(new Ping(4242, "s1", me, "raw")), false);
            assertThat(ping[0]).as("version 0 on the wire").isZero();
            udp.send(new DatagramPacket(ping, ping.length, s1.endpoint().toSocketAddress()));
            DatagramPacket reply = new DatagramPacket(new byte[65_536], 65_536);
            udp.receive(reply);
            byte[] wire = Arrays.copyOf(reply.getData(), reply.getLength());
            assertThat(wire[0]).as("serf sends version 1").isEqualTo((byte) 1);
            DecodeResult decoded = packets.decode(wire);
            assertThat(decoded.drops()).isEmpty();
            assertThat(decoded.messages()).filteredOn(m -> m instanceof Ack).extracting(m -> ((Ack) m).seqNo()).containsExactly(4242L);
        }
        try (Socket tcp = new Socket()) {
            tcp.bind(new InetSocketAddress("127.0.25.11", 0));
            tcp.connect(s1.endpoint().toSocketAddress());
            tcp.setSoTimeout((int) TimeUnit.SECONDS.toMillis(JOIN_SECONDS));
            byte[] ping = streams.encode(new Ping(4343, "s1", null, "raw"));
            assertThat(ping[5]).as("version 0 after the 0a | length header").isZero();
            tcp.getOutputStream().write(ping);
            tcp.getOutputStream().flush();
            DecodeResult reply = streams.read(new BufferedInputStream(tcp.getInputStream()));
            assertThat(reply).isEqualTo(DecodeResult.of(new Ack(4343, Bytes.EMPTY)));
        }
    }
}
