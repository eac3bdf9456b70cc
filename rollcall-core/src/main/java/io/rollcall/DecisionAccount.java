package io.rollcall;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Tells a member's decision records ({@link Rollcall#history(String)}) as text an operator reads:
 * a first line with the member's latest state and why, such as <i>"n5 failed at
 * 2026-12-08T10:02:07.412Z: suspected by n3 at 2026-12-08T10:02:03.100Z; confirmed by n6, n7; timeout
 * 8.0 s, shortened from 48.0 s"</i>, then one line per record, oldest first. Times are UTC.
 */
public final class DecisionAccount {
    private DecisionAccount() {
    }

    /**
     * @param member  the member's name
     * @param history its records, oldest first
     * @return the account: the headline, then one line per record
     */
    public static String explain(String member, List<Decision> history) {
        StringBuilder b = new StringBuilder(headline(member, history));
        for (Decision d : history) {
            b.append('\n').append("  ").append(time(d.at())).append("  ").append(d.summary());
        }
        return b.toString();
    }

    /**
     * @param member  the member's name
     * @param history its records, oldest first
     * @return one line: the member's latest recorded state and why
     */
    public static String headline(String member, List<Decision> history) {
        if (history.isEmpty()) {
            return member + ": no decisions recorded (alive since this node learned of it, or not known here)";
        }
        Decision latest = history.get(history.size() - 1);
        if (latest instanceof Decision.Failed failed) {
            String suspicion = suspicionStory(history, failed.incarnation());
            if (failed.declaredHere()) {
                return member + " failed at " + time(failed.at()) + ": " + suspicion;
            }
            return member + " failed at " + time(failed.at()) + ": " + failed.summary()
                    + (suspicion.isEmpty() ? "" : "; here it was " + suspicion);
        }
        if (latest instanceof Decision.Suspected || latest instanceof Decision.Confirmed) {
            return member + " suspected since " + time(openSuspicionStart(history, latest.incarnation())) + ": "
                    + suspicionStory(history, latest.incarnation());
        }
        if (latest instanceof Decision.Left) {
            return member + " left at " + time(latest.at()) + ": " + latest.summary();
        }
        return member + " alive since " + time(latest.at()) + ": " + latest.summary();
    }

    /** The last suspicion at {@code incarnation}: who raised it on what, who confirmed it, its timeout. */
    private static String suspicionStory(List<Decision> history, long incarnation) {
        Decision.Suspected suspected = null;
        List<Decision.Confirmed> confirmed = new ArrayList<>();
        for (Decision d : history) {
            if (d instanceof Decision.Suspected s && s.incarnation() == incarnation) {
                suspected = s;
                confirmed.clear();
            } else if (d instanceof Decision.Confirmed c && suspected != null && c.incarnation() == incarnation) {
                confirmed.add(c);
            }
        }
        if (suspected == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        switch (suspected.via()) {
            case OUR_PROBE -> b.append("suspected by us at ").append(time(suspected.at())).append(" after ")
                    .append(suspected.probe().describe());
            case STATE_EXCHANGE -> b.append("suspected at ").append(time(suspected.at())).append(" in a state exchange");
            default -> b.append("suspected by ").append(who(suspected.accuser())).append(" at ").append(time(suspected.at()))
                    .append(toldBy(suspected.learnedFrom()));
        }
        Duration timeout = suspected.timeout();
        if (!confirmed.isEmpty()) {
            b.append("; confirmed by ");
            for (int i = 0; i < confirmed.size(); i++) {
                b.append(i == 0 ? "" : ", ").append(confirmed.get(i).via() == Decision.Via.OUR_PROBE ? "us"
                        : who(confirmed.get(i).confirmer()));
            }
            timeout = confirmed.get(confirmed.size() - 1).timeout();
        }
        b.append("; timeout ").append(seconds(timeout));
        if (!timeout.equals(suspected.timeout())) {
            b.append(", shortened from ").append(seconds(suspected.timeout()));
        }
        return b.toString();
    }

    private static Instant openSuspicionStart(List<Decision> history, long incarnation) {
        Instant start = history.get(history.size() - 1).at();
        for (Decision d : history) {
            if (d instanceof Decision.Suspected s && s.incarnation() == incarnation) {
                start = s.at();
            }
        }
        return start;
    }

    static String time(Instant at) {
        return at == null ? "?" : at.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    static String who(String name) {
        return name.isEmpty() ? "an unnamed member" : name;
    }

    static String toldBy(InetSocketAddress from) {
        return from == null ? "" : " (told by " + address(from) + ")";
    }

    static String address(InetSocketAddress a) {
        return new HostAndPort(a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress(),
                a.getPort()).toString();
    }
}
