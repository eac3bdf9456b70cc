package io.rollcall;

import java.util.ArrayList;
import java.util.List;

/** Records what a subscriber receives and checks that versions never skip or repeat. */
final class RecordingListener implements MembershipListener {
    final List<MembershipView> snapshots = new ArrayList<>();
    final List<MembershipChange> changes = new ArrayList<>();
    final List<String> gaps = new ArrayList<>();
    private long lastVersion = -1;

    @Override
    public synchronized void onSnapshot(MembershipView view, boolean resync) {
        snapshots.add(view);
        lastVersion = view.version();
    }

    @Override
    public synchronized void onChange(MembershipChange change) {
        if (lastVersion >= 0 && change.version() != lastVersion + 1) {
            gaps.add("after version " + lastVersion + " came " + change.version());
        }
        lastVersion = change.version();
        changes.add(change);
    }

    synchronized List<MembershipChange> changes() {
        return List.copyOf(changes);
    }

    synchronized List<MembershipView> snapshots() {
        return List.copyOf(snapshots);
    }

    synchronized List<String> gaps() {
        return List.copyOf(gaps);
    }

    synchronized long lastVersion() {
        return lastVersion;
    }

    synchronized List<ChangeKind> kindsFor(String member) {
        return changes.stream().filter(c -> c.member().name().equals(member)).map(MembershipChange::kind).toList();
    }
}
