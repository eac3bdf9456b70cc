package io.rollcall.core.engine;

import io.rollcall.core.Endpoint;
import io.rollcall.core.Member;
import io.rollcall.core.MemberState;
import io.rollcall.core.NodeNameRules;
import io.rollcall.core.Precedence;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.Dead;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.Suspect;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * SWIM's gossip rules: how an alive, suspect or dead claim about a member, from a datagram or a
 * peer's state list, changes what we hold ({@link Precedence} decides; docs/MODEL.md, sections 1
 * and 2). A claim that wins is applied to the table and gossiped on; one that loses to what we hold
 * is answered with what we hold (a correction, bounded per gossip round); an accusation of
 * ourselves is handed to {@link Suspicions} to refute; a member new to us must be admitted by
 * {@link MemberTableRules}; a name claimed at a second address is a {@link NameConflict}, reported
 * once.
 */
final class GossipRules extends EnginePart {
    /** Most name conflicts remembered as already reported (each is reported once). */
    static final int MAX_REPORTED_CONFLICTS = 256;
    /** Most stale-claim corrections sent per gossip interval. */
    static final int MAX_CORRECTIONS_PER_GOSSIP_INTERVAL = 16;

    /** What the gossip rules need of the rest of the engine. */
    interface Hooks {
        /** @return whether the engine is running (only a running node refutes) */
        boolean running();

        /** A packet that may have carried queued gossip went out (our leave waits for its announcement). */
        void gossipSent();

        /** A claim showed our own name alive at {@code address}, not ours. */
        void ourNameClaimedAt(Endpoint address);
    }

    private final Dissemination dissemination;
    private final Suspicions suspicions;
    private final MemberTableRules tableRules;
    private final DecisionRecords records;
    private final Hooks hooks;
    private final Set<String> reportedConflicts = new LinkedHashSet<>();
    private int correctionsThisRound;

    GossipRules(EngineContext context, Dissemination dissemination, Suspicions suspicions, MemberTableRules tableRules,
                DecisionRecords records, Hooks hooks) {
        super(context);
        this.dissemination = dissemination;
        this.suspicions = suspicions;
        this.tableRules = tableRules;
        this.records = records;
        this.hooks = hooks;
    }

    /** A new gossip round: the corrections' budget is renewed. */
    void newRound() {
        correctionsThisRound = 0;
    }

    /** @param source where the claim came from: for its record, and to correct a stale sender */
    void onAlive(Alive alive, ClaimSource source) {
        onAlive(alive, source, false);
    }

    /**
     * @param fromItself true if the member itself made the claim, in the reply to a stream we opened
     *                   to its address: exempt from {@link IncarnationRule#MAX_INCARNATION_JUMP}
     */
    void onAlive(Alive alive, ClaimSource source, boolean fromItself) {
        Endpoint sender = source.correctable();
        if (!NodeNameRules.isValid(alive.node())) {
            counters.drop(DropReason.INVALID_NAME);
            return;
        }
        if (alive.versions() == null || !alive.versions().isUsable()) {
            counters.drop(DropReason.INVALID_VERSIONS);
            return;
        }
        if (alive.meta().length() > config.metaMaxBytes()) {
            counters.drop(DropReason.META_TOO_LARGE);
            return;
        }
        if (alive.node().equals(self.name)) {
            onAliveAboutSelf(alive);
            return;
        }
        long now = clock.nowMillis();
        MemberEntry entry = table.get(alive.node());
        // The exception holds only for the member we know at that address: a name reclaimed from another
        // address is judged like any claim.
        boolean itself = fromItself && entry != null && entry.address.equals(alive.address());
        if (entry != null && !itself && suspicions.jumpsTooFar(entry, alive.incarnation())) {
            return;
        }
        if (entry == null) {
            if (!tableRules.admit(alive)) {
                return;
            }
            entry = new MemberEntry(alive.node(), alive.address(), alive.meta(), alive.versions(), alive.incarnation(),
                    MemberState.ALIVE, now);
            tableRules.add(entry);
            dissemination.gossip(alive.node(), alive);
            out.notify(new MembershipEvent.Joined(entry.snapshot()));
            return;
        }
        boolean addressChanged = !entry.address.equals(alive.address());
        if (addressChanged) {
            boolean reclaimable = entry.state == MemberState.LEFT
                    || (entry.state == MemberState.DEAD && config.reclaimDeadNames());
            if (!reclaimable) {
                counters.drop(DropReason.ADDRESS_CONFLICT);
                reportConflict(new NameConflict(alive.node(), entry.address, alive.address(), false));
                return;
            }
        } else if (!Precedence.supersedes(alive.incarnation(), MemberState.ALIVE, entry.incarnation, entry.state)) {
            correctIfStale(entry, alive.incarnation(), MemberState.ALIVE, sender);
            return;
        }
        Member before = entry.snapshot();
        MemberState previous = entry.state;
        long suspectedFor = now - entry.stateSinceMillis;
        suspicions.end(entry);
        entry.incarnation = alive.incarnation();
        entry.address = alive.address();
        if (!tableRules.makeRoom(MemberFootprint.bytes(alive.node(), alive.meta()) + entry.decisionBytes - entry.footprintBytes, entry)) {
            counters.drop(DropReason.TABLE_FULL);
            return;
        }
        table.setMeta(entry, alive.meta());
        entry.versions = alive.versions();
        table.setState(entry, MemberState.ALIVE, now);
        dissemination.gossip(alive.node(), alive);
        Member after = entry.snapshot();
        boolean dataChanged = addressChanged || !before.meta().equals(after.meta())
                || !before.versions().equals(after.versions());
        if (previous == MemberState.DEAD || previous == MemberState.LEFT) {
            out.notify(new MembershipEvent.Joined(after));
            records.record(entry, new DecisionRecord.Rejoined(clock.wallMillis(), entry.incarnation, source.via(),
                    source.from(), entry.address, previous == MemberState.LEFT));
        } else {
            if (previous == MemberState.SUSPECT) {
                out.notify(new MembershipEvent.Recovered(after));
                records.record(entry, new DecisionRecord.Refuted(clock.wallMillis(), entry.incarnation, source.via(),
                        source.from(), suspectedFor));
            }
            if (dataChanged) {
                out.notify(new MembershipEvent.Updated(after, before));
            }
        }
    }

    private void onAliveAboutSelf(Alive alive) {
        if (!hooks.running()) {
            return;
        }
        if (suspicions.jumpsTooFar(self, alive.incarnation())) {
            // Hostile before anything else: not even reported as a name conflict.
            return;
        }
        if (!alive.address().equals(self.address)) {
            // Another process holds our name (or a live-looking earlier life at another address). Refuting
            // would start an incarnation war that the other side's members never let us win, since they
            // reject our address; memberlist ignores the claim and reports it, and so do we.
            counters.drop(DropReason.ADDRESS_CONFLICT);
            hooks.ourNameClaimedAt(alive.address());
            reportConflict(new NameConflict(self.name, self.address, alive.address(), true));
            return;
        }
        if (alive.incarnation() < self.incarnation) {
            return;
        }
        boolean echo = alive.incarnation() == self.incarnation && alive.address().equals(self.address)
                && alive.meta().equals(self.meta);
        if (!echo) {
            // Someone announces us with data or an incarnation we did not send (an earlier life of ours, or
            // another process using our name): outrank it.
            suspicions.refute(alive.incarnation());
        }
    }

    void onSuspect(Suspect suspect, ClaimSource source) {
        Endpoint sender = source.correctable();
        MemberEntry entry = accused(suspect.node(), suspect.from(), suspect.incarnation());
        if (entry == null) {
            return;
        }
        if (entry == self) {
            accusedUs(suspect.incarnation(), MemberState.SUSPECT, sender);
            return;
        }
        if (entry.state == MemberState.SUSPECT && suspect.incarnation() == entry.incarnation) {
            Suspicion open = suspicions.of(entry);
            long before = open == null ? 0 : open.timeoutMillis();
            if (suspicions.confirm(entry, suspect.from())) {
                dissemination.gossip(entry.name, suspect);
                records.record(entry, new DecisionRecord.Confirmed(clock.wallMillis(), entry.incarnation, source.via(),
                        suspect.from(), source.from(), source.probe(), open.confirmations(),
                        open.expectedConfirmations(), open.timeoutMillis(), before));
            }
            return;
        }
        if (!Precedence.supersedes(suspect.incarnation(), MemberState.SUSPECT, entry.incarnation, entry.state)) {
            correctIfStale(entry, suspect.incarnation(), MemberState.SUSPECT, sender);
            return;
        }
        MemberState previous = entry.state;
        suspicions.end(entry);
        entry.incarnation = suspect.incarnation();
        table.setState(entry, MemberState.SUSPECT, clock.nowMillis());
        Suspicion opened = suspicions.start(entry, suspect.from());
        dissemination.gossip(entry.name, suspect);
        records.record(entry, new DecisionRecord.Suspected(clock.wallMillis(), entry.incarnation, source.via(),
                suspect.from(), source.from(), source.probe(), opened.timeoutMillis(), opened.minMillis(),
                opened.expectedConfirmations()));
        if (previous != MemberState.SUSPECT) {
            out.notify(new MembershipEvent.Suspected(entry.snapshot()));
        }
    }

    void onDead(Dead dead, ClaimSource source) {
        Endpoint sender = source.correctable();
        MemberEntry entry = accused(dead.node(), dead.from(), dead.incarnation());
        if (entry == null) {
            return;
        }
        if (entry == self) {
            accusedUs(dead.incarnation(), dead.isLeave() ? MemberState.LEFT : MemberState.DEAD, sender);
            return;
        }
        MemberState next = dead.isLeave() ? MemberState.LEFT : MemberState.DEAD;
        if (!Precedence.supersedes(dead.incarnation(), next, entry.incarnation, entry.state)) {
            correctIfStale(entry, dead.incarnation(), next, sender);
            return;
        }
        MemberState previous = entry.state;
        suspicions.end(entry);
        entry.incarnation = dead.incarnation();
        table.setState(entry, next, clock.nowMillis());
        dissemination.gossip(entry.name, dead);
        if (previous != next) {
            out.notify(next == MemberState.LEFT ? new MembershipEvent.Left(entry.snapshot())
                    : new MembershipEvent.Failed(entry.snapshot()));
            records.record(entry, decision(entry, next, dead, source));
        }
    }

    /** @return the record of a member's death or departure */
    private DecisionRecord decision(MemberEntry entry, MemberState next, Dead dead, ClaimSource source) {
        long wall = clock.wallMillis();
        if (next == MemberState.LEFT) {
            return new DecisionRecord.Left(wall, entry.incarnation, source.via(), source.from());
        }
        Suspicions.Verdict verdict = source.verdict();
        if (verdict == null) {
            return new DecisionRecord.Failed(wall, entry.incarnation, source.via(), dead.from(), source.from(), -1, 0, 0);
        }
        long suspectedAtWall = wall - (clock.nowMillis() - verdict.suspectedAtMillis());
        return new DecisionRecord.Failed(wall, entry.incarnation, source.via(), dead.from(), null, suspectedAtWall,
                verdict.confirmations(), verdict.timeoutMillis());
    }

    /**
     * @return the member an accusation is about, or null if we do not know it, if its names break
     *         the rule or if its incarnation jumps too far (both counted)
     */
    private MemberEntry accused(String node, String accuser, long incarnation) {
        if (!namesAreValid(node, accuser)) {
            return null;
        }
        MemberEntry entry = table.get(node);
        if (entry == null || suspicions.jumpsTooFar(entry, incarnation)) {
            return null;
        }
        return entry;
    }

    /**
     * An accusation of ourselves, while running: one about our current incarnation or later is
     * refuted; one about an earlier incarnation means the sender missed our refutation, and is
     * corrected.
     */
    private void accusedUs(long incarnation, MemberState claimed, Endpoint sender) {
        if (!hooks.running()) {
            return;
        }
        if (incarnation >= self.incarnation) {
            suspicions.refute(incarnation);
        } else {
            correctIfStale(self, incarnation, claimed, sender);
        }
    }

    /**
     * @return true if an accusation's names follow the rule; false, counted, if not. An empty accuser
     *         is allowed: it is what an accuser that does not say who it is sends.
     */
    private boolean namesAreValid(String node, String accuser) {
        if (NodeNameRules.isValid(node) && (accuser.isEmpty() || NodeNameRules.isValid(accuser))) {
            return true;
        }
        counters.drop(DropReason.INVALID_NAME);
        return false;
    }

    /**
     * A peer gossiped a claim that ours strictly outranks: it missed news (a refutation, a death, a
     * departure). Tell it directly rather than leave it to anti-entropy, which can take minutes in a
     * large cluster; a node that missed a departure would otherwise go on to declare the leaver
     * failed. Bounded per gossip interval, so a very stale peer cannot make us flood.
     */
    private void correctIfStale(MemberEntry entry, long claimIncarnation, MemberState claimState, Endpoint sender) {
        if (sender == null || correctionsThisRound >= MAX_CORRECTIONS_PER_GOSSIP_INTERVAL
                || !Precedence.supersedes(entry.incarnation, entry.state, claimIncarnation, claimState)) {
            return;
        }
        correctionsThisRound++;
        counters.correctionsSent++;
        sendWithPiggyback(sender, List.of(claimOf(entry)));
    }

    /** @return the gossip message that states what we hold about {@code entry} */
    private Message claimOf(MemberEntry entry) {
        return switch (entry.state) {
            case ALIVE -> new Alive(entry.incarnation, entry.name, entry.address, entry.meta, entry.versions);
            case SUSPECT -> new Suspect(entry.incarnation, entry.name, self.name);
            case DEAD -> new Dead(entry.incarnation, entry.name, self.name);
            case LEFT -> new Dead(entry.incarnation, entry.name, entry.name);
        };
    }

    /** Sends {@code parts} in one datagram, filling the rest of the packet budget with queued gossip. */
    private void sendWithPiggyback(Endpoint to, List<Message> parts) {
        out.sendPacket(to, dissemination.withPiggyback(parts));
        hooks.gossipSent();
    }

    /** Publishes a name conflict, once per name and claimant (the most recent {@link #MAX_REPORTED_CONFLICTS}). */
    private void reportConflict(NameConflict conflict) {
        String key = conflict.name() + "@" + conflict.claimant();
        if (reportedConflicts.contains(key)) {
            return;
        }
        if (reportedConflicts.size() >= MAX_REPORTED_CONFLICTS) {
            var oldest = reportedConflicts.iterator();
            oldest.next();
            oldest.remove();
        }
        reportedConflicts.add(key);
        out.notify(conflict);
    }
}
