package io.rollcall.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.Member;
import io.rollcall.core.MemberState;
import io.rollcall.core.VersionVector;
import org.junit.jupiter.api.Test;

class ConflictAnswerCodecTest {
    @Test
    void readsWhereTheAnswererHoldsTheNameFromSerfsMember() {
        Endpoint at = Endpoint.of(new byte[] {10, 0, 0, 7}, 7946);
        Member m = new Member("x", at, Bytes.EMPTY, 3, MemberState.ALIVE, 0, VersionVector.ROLLCALL);
        assertThat(ConflictAnswerCodec.decode(Bytes.of(SerfQueryCodec.encodeConflictResponse(m))))
                .isEqualTo(new ConflictAnswerCodec.Vote(true, at));
    }

    @Test
    void aNilMemberIsAnAnswerForNoOneAndOtherBytesAreNoAnswer() {
        assertThat(ConflictAnswerCodec.decode(Bytes.of(new byte[] {6, (byte) 0xc0}))).isEqualTo(new ConflictAnswerCodec.Vote(true, null));
        assertThat(ConflictAnswerCodec.decode(Bytes.of(new byte[] {5, (byte) 0x80})).counted()).isFalse();
        assertThat(ConflictAnswerCodec.decode(Bytes.of(new byte[] {6, (byte) 0xc1})).counted()).isFalse();
        assertThat(ConflictAnswerCodec.decode(Bytes.EMPTY).counted()).isFalse();
        // A member without an address counts, but agrees with no one.
        assertThat(ConflictAnswerCodec.decode(Bytes.of(new byte[] {6, (byte) 0x80}))).isEqualTo(new ConflictAnswerCodec.Vote(true, null));
    }
}
