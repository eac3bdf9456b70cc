package io.rollcall;

import java.util.List;

/**
 * What a {@link Rollcall#query} gathered before its timeout, as {@code serf query} prints it: the
 * nodes that acknowledged and the answers, each node counted once, in order of arrival.
 *
 * @param acks      nodes that acknowledged (empty if acknowledgements were not asked for)
 * @param responses each answering node's answer
 */
public record QueryResult(List<String> acks, List<Response> responses) {
    /**
     * Copies the lists.
     *
     * @param acks      nodes that acknowledged
     * @param responses each answering node's answer
     */
    public QueryResult {
        acks = List.copyOf(acks);
        responses = List.copyOf(responses);
    }

    /**
     * One node's answer.
     *
     * @param from    the answering node
     * @param payload the answer (do not change it)
     */
    public record Response(String from, byte[] payload) {
        /**
         * Copies the payload.
         *
         * @param from    the answering node
         * @param payload the answer
         */
        public Response {
            payload = payload.clone();
        }

        /** @return a copy of the answer */
        @Override
        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && r.from.equals(from) && java.util.Arrays.equals(r.payload, payload);
        }

        @Override
        public int hashCode() {
            return from.hashCode() * 31 + java.util.Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Response[" + PrintableText.escape(from) + ", " + payload.length + " bytes]";
        }
    }
}
