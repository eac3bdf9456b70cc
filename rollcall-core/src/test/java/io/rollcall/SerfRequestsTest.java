package io.rollcall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollcall.core.Bytes;
import io.rollcall.core.codec.SerfQueryCodec;
import io.rollcall.core.message.SerfMessage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SerfRequestsTest {

    @Test
    void filtersAreTheNodeFilterThenOneTagFilterPerTagInTagOrder() {
        QueryOptions options = QueryOptions.DEFAULT.withNodes(List.of("n1")).withTags(Map.of("zone", "eu-.*", "role", "web"));

        assertThat(SerfRequests.filters(options)).containsExactly(
                Bytes.of(SerfQueryCodec.encodeNodeFilter(List.of("n1"))),
                Bytes.of(SerfQueryCodec.encodeTagFilter("role", "web")),
                Bytes.of(SerfQueryCodec.encodeTagFilter("zone", "eu-.*")));
        assertThat(SerfRequests.filters(QueryOptions.DEFAULT)).isEmpty();
    }

    @Test
    void aTagExpressionNoNodeWouldEvaluateIsRefusedNamingTheTag() {
        assertThatThrownBy(() -> SerfRequests.filters(QueryOptions.DEFAULT.withTags(Map.of("role", "(web"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("tag filter role: not a regular expression");
    }

    @Test
    void keyAnswersAreTalliedOncePerMemberIgnoringAcknowledgements() {
        Bytes ok = Bytes.of(SerfQueryCodec.encodeKeyResponse(new SerfMessage.KeyResponse(true, "", List.of("k1", "k2"), "k1")));
        Bytes refused = Bytes.of(SerfQueryCodec.encodeKeyResponse(new SerfMessage.KeyResponse(false, "no such key", List.of(), "")));
        List<SerfMessage.QueryResponse> answers = List.of(
                new SerfMessage.QueryResponse(1, 7, "n1", SerfMessage.QUERY_FLAG_ACK, Bytes.EMPTY),
                new SerfMessage.QueryResponse(1, 7, "n1", 0, ok),
                new SerfMessage.QueryResponse(1, 7, "n1", 0, refused),
                new SerfMessage.QueryResponse(1, 7, "n2", 0, refused),
                new SerfMessage.QueryResponse(1, 7, "n3", 0, Bytes.of(new byte[] {1, 2})));

        KeyOperation op = SerfRequests.keyOperation(4, answers);

        assertThat(op).isEqualTo(new KeyOperation(4, 3, Map.of("n2", "no such key", "n3", "unreadable answer"),
                Map.of("k1", 1, "k2", 1), Map.of("k1", 1)));
    }
}
