package io.rollcall.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrRangeTest {
    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void matchesAddressesInsideTheNetworkOnly() throws Exception {
        CidrRange r = CidrRange.parse("10.1.0.0/16");
        assertThat(r.contains(ip("10.1.255.3"))).isTrue();
        assertThat(r.contains(ip("10.2.0.1"))).isFalse();
        assertThat(CidrRange.parse("127.0.0.1").contains(ip("127.0.0.1"))).isTrue();
        assertThat(CidrRange.parse("127.0.0.1").contains(ip("127.0.0.2"))).isFalse();
        assertThat(CidrRange.parse("0.0.0.0/0").contains(ip("192.0.2.7"))).isTrue();
        assertThat(CidrRange.parse("fd00::/8").contains(ip("fd12::1"))).isTrue();
        assertThat(CidrRange.parse("fd00::/8").contains(ip("10.0.0.1"))).isFalse();
        assertThat(CidrRange.parse("10.0.0.0/8").contains(ip("::ffff:10.9.9.9"))).isTrue();
    }

    @Test
    void rejectsWhatIsNotARange() {
        assertThatThrownBy(() -> CidrRange.parse("10.0.0.0/33")).hasMessageContaining("prefix length must be 0..32");
        assertThatThrownBy(() -> CidrRange.parse("example.com/8")).hasMessageContaining("IP literals only");
        assertThatThrownBy(() -> CidrRange.parse("10.0.0.0/x")).hasMessageContaining("bad prefix length");
    }

    @Test
    void aNodeRefusesTrafficFromOutsideItsAllowedNetworks() throws Exception {
        TransportConfig config = TransportConfig.of(io.rollcall.core.Endpoint.parse("127.0.0.1:0", 0))
                .withAllowedSources(java.util.List.of(CidrRange.parse("127.0.60.0/24")));
        assertThat(config.allows(ip("127.0.60.9"))).isTrue();
        assertThat(config.allows(ip("127.0.61.9"))).isFalse();
        assertThat(TransportConfig.of(io.rollcall.core.Endpoint.parse("127.0.0.1:0", 0)).allows(ip("127.0.61.9"))).isTrue();
    }
}
