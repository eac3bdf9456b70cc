package io.rollcall.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EndpointTest {
    @Test
    void parsesIpv4WithAndWithoutPort() {
        assertThat(Endpoint.parse("127.0.0.1:8000", 7946).toString()).isEqualTo("127.0.0.1:8000");
        assertThat(Endpoint.parse("10.1.2.3", 7946).toString()).isEqualTo("10.1.2.3:7946");
    }

    @Test
    void parsesIpv6InBracketsAndBare() {
        assertThat(Endpoint.parse("[::1]:8000", 7946).toString()).isEqualTo("[0:0:0:0:0:0:0:1]:8000");
        assertThat(Endpoint.parse("::1", 7946).port()).isEqualTo(7946);
        assertThat(Endpoint.parse("[::1]", 7946).port()).isEqualTo(7946);
    }

    @Test
    void rejectsHostNamesAndBadPortsWithOneLineReasons() {
        assertThatThrownBy(() -> Endpoint.parse("example.com:80", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> Endpoint.parse("127.0.0.1:99999", 1)).hasMessageContaining("bad port");
        assertThatThrownBy(() -> Endpoint.parse("127.0.0.1:x", 1)).hasMessageContaining("bad port");
        assertThatThrownBy(() -> Endpoint.parse("256.0.0.1", 1)).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> Endpoint.parse("[::1", 1)).hasMessageContaining("unclosed");
        assertThatThrownBy(() -> Endpoint.of(new byte[5], 1)).hasMessageContaining("4 or 16 bytes");
    }

    @Test
    void roundTripsRawAddressBytes() {
        Endpoint e = Endpoint.of(new byte[] {127, 0, 0, 9}, 1234);
        assertThat(Endpoint.of(e.addressBytes(), e.port())).isEqualTo(e);
    }
}
