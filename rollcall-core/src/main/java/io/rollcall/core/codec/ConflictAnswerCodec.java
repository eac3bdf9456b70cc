package io.rollcall.core.codec;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.message.SerfMessage;

/**
 * Reads an answer to Serf's {@code _serf_conflict} query as Serf's vote counts it: {@code 06} then
 * the msgpack of Serf's {@code Member}, of which only {@code Addr} and {@code Port} matter (where the
 * answerer holds the name). A nil member counts as an answer that agrees with no one.
 */
public final class ConflictAnswerCodec {
    private ConflictAnswerCodec() {
    }

    /**
     * One member's vote.
     *
     * @param counted whether it counts as an answer at all (Serf skips other types and bad msgpack)
     * @param holder  where the answerer holds the name, or null (a nil member, or no usable address)
     */
    public record Vote(boolean counted, Endpoint holder) {
    }

    /** @return the vote {@code payload} casts */
    public static Vote decode(Bytes payload) {
        byte[] b = payload.toByteArray();
        if (b.length < 1 || b[0] != SerfMessage.TYPE_CONFLICT_RESPONSE) {
            return new Vote(false, null);
        }
        if (b.length == 2 && (b[1] & 0xFF) == 0xc0) {
            return new Vote(true, null);
        }
        try {
            GoMsgpackReader r = new GoMsgpackReader(b, 1, b.length - 1);
            int fields = r.readMapHeader();
            byte[] addr = new byte[0];
            long port = 0;
            for (int i = 0; i < fields; i++) {
                switch (r.readKey()) {
                    case "Addr" -> addr = r.readBytes("Addr");
                    case "Port" -> port = r.readUnsigned("Port", 0xFFFF);
                    default -> r.skipValue();
                }
            }
            try {
                return new Vote(true, Endpoint.of(addr, (int) port));
            } catch (IllegalArgumentException noAddress) {
                return new Vote(true, null);
            }
        } catch (DropException e) {
            return new Vote(false, null);
        }
    }
}
