package io.rollcall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 18, defect 7: a join completes at the first seed that answers and keeps trying with backoff. */
class JoinRetryTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private Rollcall node(RollcallConfig.Builder b) throws IOException {
        Rollcall r = Rollcall.start(b.build());
        open.add(r);
        return r;
    }

    private static RollcallConfig.Builder local(String name) {
        return RollcallConfig.builder(name).bind("127.0.0.1:0").profile(Profile.LOCAL);
    }

    @Test
    void aSilentSeedDoesNotHoldTheJoinForItsWholeTcpTimeout() throws Exception {
        // A listener that never accepts: connections complete in the kernel's backlog and get no answer.
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        open.add(silent);
        Rollcall seed = node(local("seed"));
        Rollcall joiner = node(local("joiner").tcpTimeout(Duration.ofMinutes(10)));
        InetSocketAddress silentSeed = new InetSocketAddress("127.0.0.1", silent.getLocalPort());
        // Bounded far below the ten-minute TCP timeout the silent seed would have cost before.
        int joined = joiner.join(List.of(silentSeed, seed.address())).get(60, TimeUnit.SECONDS);
        assertThat(joined).isEqualTo(1);
        assertThat(joiner.view().member("seed")).isPresent();
    }

    /**
     * A join makes one state exchange per seed: the background loop that rejoins a node left alone
     * waits while a join is trying, instead of exchanging with the same seed at the same moment (a
     * Serf agent holding our name started two conflict votes then, and could lose one: issue 20).
     */
    @Test
    void aJoinExchangesStateWithItsSeedOnceNotAlsoFromTheBackgroundLoop() throws Exception {
        Rollcall seed = node(local("seed"));
        Rollcall joiner = node(local("joiner"));
        assertThat(joiner.join(List.of(seed.address())).get(30, TimeUnit.SECONDS)).isEqualTo(1);
        // The background loop's first turn comes right after the join started; give it time to show.
        Thread.sleep(500);
        assertThat(joiner.discoveryCounters().joinAttempts()).isEqualTo(1);
    }

    @Test
    void aStartUpJoinKeepsTryingUntilTheSeedComesUp() throws Exception {
        int port = freePort();
        Rollcall joiner = node(local("joiner").seed("127.0.0.1:" + port).joinRetryTimeout(Duration.ofSeconds(60))
                .joinBackoff(Duration.ofMillis(100), Duration.ofMillis(400)));
        var join = joiner.join();
        Thread.sleep(1_000);
        assertThat(join).isNotDone();
        node(local("seed").bind("127.0.0.1:" + port));
        assertThat(join.get(60, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(joiner.discoveryCounters().joinFailures()).isPositive();
    }

    @Test
    void aJoinThatFailedIsRetriedInTheBackgroundWhileTheNodeIsAlone() throws Exception {
        int port = freePort();
        Rollcall joiner = node(local("joiner").seed("127.0.0.1:" + port).joinBackoff(Duration.ofMillis(100), Duration.ofMillis(400)));
        assertThatThrownBy(() -> joiner.join().get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(JoinException.class);
        node(local("seed").bind("127.0.0.1:" + port));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (joiner.view().member("seed").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(joiner.view().member("seed")).as("rejoined in the background").isPresent();
    }

    @Test
    void providersAreAskedAgainAtEveryAttemptAndTheirFailuresAreCountedRetries() throws Exception {
        Rollcall seed = node(local("seed"));
        AtomicInteger asked = new AtomicInteger();
        SeedProvider flaky = () -> {
            if (asked.incrementAndGet() < 3) {
                throw new java.net.UnknownHostException("seeds.example: not yet");
            }
            return List.of(seed.address());
        };
        Rollcall joiner = node(local("joiner").seedProvider(flaky).joinRetryTimeout(Duration.ofSeconds(60))
                .joinBackoff(Duration.ofMillis(50), Duration.ofMillis(50)));
        assertThat(joiner.join().get(60, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(asked.get()).isGreaterThanOrEqualTo(3);
        assertThat(joiner.discoveryCounters().lookupFailures()).isEqualTo(2);
    }

    @Test
    void anUnresolvableSeedFailsTheJoinWithAMessageNamingIt() {
        assertThatThrownBy(() -> node(local("joiner").seed("dns+no-such-name.invalid:7946")).join().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(JoinException.class).cause().hasMessageContaining("dns+no-such-name.invalid:7946");
    }

    @Test
    void ownAddressAndOtherFamilyAreLeftOut() throws Exception {
        Rollcall seed = node(local("seed"));
        Rollcall joiner = node(local("joiner"));
        SeedProvider mixed = () -> List.of(joiner.address(), new InetSocketAddress("::1", seed.address().getPort()), seed.address());
        assertThat(joiner.join(List.of(mixed), Duration.ZERO).get(30, TimeUnit.SECONDS)).isEqualTo(1);
        SeedProvider onlyUs = () -> List.of(joiner.address(), new InetSocketAddress("::1", 9));
        assertThatThrownBy(() -> joiner.join(List.of(onlyUs), Duration.ZERO).get(30, TimeUnit.SECONDS))
                .cause().hasMessageContaining("no address of this node's family");
    }

    @Test
    void badRetrySettingsAreRefused() {
        assertThatThrownBy(() -> local("x").joinRetryTimeout(Duration.ofSeconds(-1)).build()).hasMessageContaining("joinRetryTimeout");
        assertThatThrownBy(() -> local("x").joinBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build()).hasMessageContaining("backoff");
        assertThatThrownBy(() -> local("x").seedRefreshInterval(Duration.ZERO).build()).hasMessageContaining("seedRefreshInterval");
    }

    private static int freePort() throws IOException {
        while (true) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket udp = new DatagramSocket(tcp.getLocalPort(), InetAddress.getLoopbackAddress())) {
                return udp.getLocalPort();
            } catch (IOException taken) {
                // The UDP port was in use: try another.
            }
        }
    }
}
