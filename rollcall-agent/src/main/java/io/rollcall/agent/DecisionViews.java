package io.rollcall.agent;

import io.rollcall.Decision;
import io.rollcall.DecisionAccount;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The JSON shape of decision records: {@code /v1/members/NAME/history}, the {@code decision} event, {@code rollcall why}. */
final class DecisionViews {
    private DecisionViews() {
    }

    /** {@code {"member", "account", "records": [...]}}: the account is {@link DecisionAccount}'s text. */
    static Map<String, Object> history(String member, List<Decision> records) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("member", member);
        out.put("account", DecisionAccount.explain(member, records));
        List<Object> list = new ArrayList<>(records.size());
        for (Decision d : records) {
            list.add(decision(d));
        }
        out.put("records", list);
        return out;
    }

    /** The SSE {@code decision} event's data: the member and the record. */
    static Map<String, Object> event(String member, Decision d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("member", member);
        out.put("record", decision(d));
        return out;
    }

    static Map<String, Object> decision(Decision d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", d.getClass().getSimpleName().toLowerCase(Locale.ROOT));
        out.put("at", Views.time(d.at()));
        out.put("incarnation", d.incarnation());
        out.put("via", d.via().name().toLowerCase(Locale.ROOT));
        out.put("learned_from", d.learnedFrom() == null ? null : Views.address(d.learnedFrom()));
        out.put("summary", d.summary());
        if (d instanceof Decision.Suspected s) {
            out.put("accuser", s.accuser());
            out.put("probe", probe(s.probe()));
            out.put("timeout_ms", s.timeout().toMillis());
            out.put("min_timeout_ms", s.minTimeout().toMillis());
            out.put("expected_confirmations", s.expectedConfirmations());
        } else if (d instanceof Decision.Confirmed c) {
            out.put("confirmer", c.confirmer());
            out.put("probe", probe(c.probe()));
            out.put("confirmations", c.confirmations());
            out.put("expected_confirmations", c.expectedConfirmations());
            out.put("timeout_ms", c.timeout().toMillis());
            out.put("previous_timeout_ms", c.previousTimeout().toMillis());
        } else if (d instanceof Decision.Failed f) {
            out.put("declared_by", f.declaredBy());
            out.put("declared_here", f.declaredHere());
            out.put("suspected_at", f.suspectedAt() == null ? null : Views.time(f.suspectedAt()));
            out.put("confirmations", f.confirmations());
            out.put("timeout_ms", f.timeout().toMillis());
        } else if (d instanceof Decision.Refuted r) {
            out.put("suspected_for_ms", r.suspectedFor().toMillis());
        } else if (d instanceof Decision.Rejoined j) {
            out.put("address", Views.address(j.address()));
            out.put("was_left", j.wasLeft());
        }
        return out;
    }

    private static Map<String, Object> probe(Decision.ProbeEvidence p) {
        if (p == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("started_at", Views.time(p.startedAt()));
        out.put("direct", p.direct().name().toLowerCase(Locale.ROOT));
        List<Object> helpers = new ArrayList<>();
        for (Decision.Helper h : p.helpers()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("name", h.name());
            one.put("address", Views.address(h.address()));
            one.put("answer", h.answer().name().toLowerCase(Locale.ROOT));
            helpers.add(one);
        }
        out.put("helpers", helpers);
        out.put("tcp_fallback_tried", p.tcpFallbackTried());
        out.put("health_score", p.healthScore());
        out.put("probe_deadline_ms", p.probeDeadline().toMillis());
        return out;
    }
}
