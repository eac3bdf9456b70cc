package io.rollcall.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Endpoint;
import org.junit.jupiter.api.Test;

class AddressesTest {
    @Test
    void aConfiguredAdvertiseAddressWinsAndTakesTheBoundPortWhenItHasNone() {
        Endpoint bound = Endpoint.parse("127.0.0.5:4000", 0);
        assertThat(Addresses.advertise(Endpoint.parse("10.0.0.9:7000", 0), bound)).isEqualTo(Endpoint.parse("10.0.0.9:7000", 0));
        assertThat(Addresses.advertise(Endpoint.parse("10.0.0.9", 0), bound)).isEqualTo(Endpoint.parse("10.0.0.9:4000", 0));
    }

    @Test
    void aSpecificBindAddressIsAdvertisedAsIs() {
        Endpoint bound = Endpoint.parse("127.0.0.5:4000", 0);
        assertThat(Addresses.advertise(null, bound)).isEqualTo(bound);
    }

    @Test
    void aWildcardBindIsNeverAdvertised() {
        Endpoint advertised = Addresses.advertise(null, Endpoint.parse("0.0.0.0:4000", 0));
        assertThat(advertised.ip().isAnyLocalAddress()).isFalse();
        assertThat(advertised.port()).isEqualTo(4000);
        assertThat(advertised.ip().getAddress()).hasSize(4);
    }
}
