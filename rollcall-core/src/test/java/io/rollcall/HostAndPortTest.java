package io.rollcall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one address syntax, as the agent's flags, its HTTP API and RollcallConfig all parse it. */
class HostAndPortTest {
    @Test
    void everyFormParses() {
        assertThat(HostAndPort.parse("10.0.0.1:7000", 7946)).isEqualTo(new HostAndPort("10.0.0.1", 7000));
        assertThat(HostAndPort.parse(" 10.0.0.1 ", 7946)).isEqualTo(new HostAndPort("10.0.0.1", 7946));
        assertThat(HostAndPort.parse("[fd00::1]:7000", 7946)).isEqualTo(new HostAndPort("fd00::1", 7000));
        assertThat(HostAndPort.parse("[fd00::1]", 7946)).isEqualTo(new HostAndPort("fd00::1", 7946));
        assertThat(HostAndPort.parse("fd00::1", 7946)).isEqualTo(new HostAndPort("fd00::1", 7946));
        assertThat(HostAndPort.parse("seed.example.com", 7946)).isEqualTo(new HostAndPort("seed.example.com", 7946));
        assertThat(HostAndPort.parse("rollcall-0.rollcall.default.svc.cluster.local.:1", 7946).port()).isEqualTo(1);
        assertThat(HostAndPort.parse("[fd00::1]:7000", 0).toString()).isEqualTo("[fd00::1]:7000");
        assertThat(HostAndPort.parse("10.0.0.1", 0).isIpLiteral()).isTrue();
        assertThat(HostAndPort.parse("seed", 0).isIpLiteral()).isFalse();
    }

    @Test
    void badInputGetsAOneLineReason() {
        for (String bad : List.of("", " ", "host:", "host:x", "host:70000", "[fd00::1", "[fd00::1]x", "[host]:1", ":7946",
                "fd00::1:7946:x:", "bad host", "a..b", "a/b:1", "x".repeat(254), "l" + "a".repeat(63) + ".com")) {
            assertThatThrownBy(() -> HostAndPort.parse(bad, 7946)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void theCoreEndpointParserAcceptsTheSameLiteralsAndRefusesNames() {
        assertThat(io.rollcall.core.Endpoint.parse("[::1]:5", 7946).port()).isEqualTo(5);
        assertThat(io.rollcall.core.Endpoint.parse("127.0.0.1", 7946).port()).isEqualTo(7946);
        assertThatThrownBy(() -> io.rollcall.core.Endpoint.parse("localhost:5", 7946)).hasMessageContaining("not an IP address");
    }

    @Test
    void seedProvidersAreChosenByPrefixAndCheckedAtOnce() throws Exception {
        assertThat(SeedProvider.parse("127.0.0.1:9").addresses()).containsExactly(new InetSocketAddress("127.0.0.1", 9));
        assertThat(SeedProvider.parse("dns+seed.example.com:7946").toString()).isEqualTo("dns+seed.example.com:7946");
        assertThat(SeedProvider.parse("dnssrv+_rollcall._tcp.example.com").toString()).isEqualTo("dnssrv+_rollcall._tcp.example.com");
        for (String bad : List.of("dns+seed.example.com", "dns+10.0.0.1:7946", "dns+:7946", "dnssrv+", "dnssrv+example.com",
                "dnssrv+_x.example.com", "dnssrv+_a._b.bad name")) {
            assertThatThrownBy(() -> SeedProvider.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void aPlainHostNameStandsForEveryAddressItResolvesTo() throws Exception {
        // localhost resolves through /etc/hosts: every record, not only the first.
        List<InetAddress> all = List.of(InetAddress.getAllByName("localhost"));
        assertThat(SeedProvider.parse("localhost:7000").addresses())
                .containsExactlyElementsOf(all.stream().map(a -> new InetSocketAddress(a, 7000)).toList());
    }

    @Test
    void anUnknownNameIsAnIoExceptionNamingIt() {
        assertThatThrownBy(() -> SeedProvider.parse("no-such-host.invalid").addresses())
                .isInstanceOf(java.net.UnknownHostException.class).hasMessageContaining("no-such-host.invalid");
    }
}
