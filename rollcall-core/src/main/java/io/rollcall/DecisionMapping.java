package io.rollcall;

import io.rollcall.core.Endpoint;
import io.rollcall.core.engine.DecisionRecord;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The engine's decision records as the public {@link Decision}s: wall milliseconds to instants, endpoints to socket addresses. */
final class DecisionMapping {
    private DecisionMapping() {
    }

    static List<Decision> all(List<DecisionRecord> records) {
        List<Decision> out = new ArrayList<>(records.size());
        for (DecisionRecord r : records) {
            out.add(of(r));
        }
        return List.copyOf(out);
    }

    static Decision of(DecisionRecord record) {
        Instant at = Instant.ofEpochMilli(record.atMillis());
        Decision.Via via = Decision.Via.valueOf(record.via().name());
        InetSocketAddress from = address(record.learnedFrom());
        if (record instanceof DecisionRecord.Suspected s) {
            return new Decision.Suspected(at, s.incarnation(), via, s.accuser(), from, evidence(s.probe()),
                    Duration.ofMillis(s.timeoutMillis()), Duration.ofMillis(s.minTimeoutMillis()), s.expectedConfirmations());
        }
        if (record instanceof DecisionRecord.Confirmed c) {
            return new Decision.Confirmed(at, c.incarnation(), via, c.confirmer(), from, evidence(c.probe()),
                    c.confirmations(), c.expectedConfirmations(), Duration.ofMillis(c.timeoutMillis()),
                    Duration.ofMillis(c.previousTimeoutMillis()));
        }
        if (record instanceof DecisionRecord.Failed f) {
            return new Decision.Failed(at, f.incarnation(), via, f.declaredBy(), from,
                    f.suspectedAtMillis() < 0 ? null : Instant.ofEpochMilli(f.suspectedAtMillis()), f.confirmations(),
                    Duration.ofMillis(f.timeoutMillis()));
        }
        if (record instanceof DecisionRecord.Refuted r) {
            return new Decision.Refuted(at, r.incarnation(), via, from, Duration.ofMillis(r.suspectedFor()));
        }
        if (record instanceof DecisionRecord.Left l) {
            return new Decision.Left(at, l.incarnation(), via, from);
        }
        DecisionRecord.Rejoined j = (DecisionRecord.Rejoined) record;
        return new Decision.Rejoined(at, j.incarnation(), via, from, address(j.address()), j.wasLeft());
    }

    private static Decision.ProbeEvidence evidence(DecisionRecord.ProbeEvidence p) {
        if (p == null) {
            return null;
        }
        List<Decision.Helper> helpers = new ArrayList<>(p.helpers().size());
        for (DecisionRecord.Helper h : p.helpers()) {
            helpers.add(new Decision.Helper(h.name(), address(h.address()), Decision.HelperAnswer.valueOf(h.answer().name())));
        }
        return new Decision.ProbeEvidence(Instant.ofEpochMilli(p.startedAtMillis()),
                Decision.DirectResult.valueOf(p.direct().name()), helpers, p.tcpFallbackTried(), p.healthScore(),
                Duration.ofMillis(p.probeDeadlineMillis()));
    }

    private static InetSocketAddress address(Endpoint e) {
        return e == null ? null : e.toSocketAddress();
    }
}
