package io.rollcall.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's state on disk, so a restarted agent is the same node: {@code identity.json} (name and
 * the highest incarnation it may have used), {@code members.json} (members last known, to rejoin
 * without seeds) and {@code tags.json} (tags set at run time), and {@code agent.lock}, held locked
 * by the one agent using the directory. Every write is atomic (write a temporary file, fsync it,
 * rename it over the old one, fsync the directory), so a crash leaves the old file or the new one,
 * never half of one; a write that fails (disk full, read-only) removes its temporary file and
 * leaves the old file as it was. A file that cannot be read is reported, never silently replaced:
 * replacing the identity would make this machine a different node.
 */
final class DataDirectory {
    /** Most members remembered for rejoining. */
    static final int MAX_REMEMBERED_MEMBERS = 4_096;
    /**
     * Largest data file read. The agent's own files are far smaller ({@link #MAX_REMEMBERED_MEMBERS}
     * entries of at most a few hundred bytes); the room above is for a member list written by hand or
     * by another tool, and the bound keeps reading one within the launcher's 64 MiB heap (the text
     * is held once as bytes and once as a string while it is parsed).
     */
    static final long MAX_DATA_FILE_BYTES = 8L * 1024 * 1024;
    static final String LOCK_FILE = "agent.lock";

    private final Path dir;
    private final Map<String, Object> writeLocks = new java.util.concurrent.ConcurrentHashMap<>();
    private FileChannel lock;

    /** A remembered member. */
    record RememberedMember(String name, String address) {
    }

    /** Name and last incarnation. */
    record Identity(String name, long incarnation) {
    }

    /** The data directory is unusable: one line saying which file and why. */
    static final class DataDirectoryException extends Exception {
        private static final long serialVersionUID = 1L;

        DataDirectoryException(String message) {
            super(message);
        }
    }

    DataDirectory(Path dir) throws DataDirectoryException {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DataDirectoryException("cannot create data directory " + dir + ": " + IoProblems.describe(e));
        }
        if (!Files.isWritable(dir)) {
            throw new DataDirectoryException("data directory " + dir + " is not writable");
        }
    }

    Path path() {
        return dir;
    }

    /**
     * Takes the directory for this process, until it exits: two agents on one directory would run
     * under one name, refute each other for ever and overwrite each other's files. The lock is the
     * operating system's (released however the process ends); the file holds the owner's PID only to
     * name it in the refusal.
     *
     * @throws DataDirectoryException if another process holds it, naming that process
     */
    void lock() throws DataDirectoryException {
        Path p = dir.resolve(LOCK_FILE);
        FileChannel ch = null;
        try {
            ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            java.nio.channels.FileLock held;
            try {
                held = ch.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException sameProcess) {
                held = null;
            }
            if (held == null) {
                String owner = lockOwner(ch);
                ch.close();
                throw new DataDirectoryException("data directory " + dir + " is in use by another agent ("
                        + (owner == null ? "process unknown" : "pid " + owner) + "); stop it or use another --data-dir");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            ch.force(true);
            lock = ch;
        } catch (IOException e) {
            closeQuietly(ch);
            throw new DataDirectoryException("cannot lock data directory " + dir + " (" + p.getFileName() + "): "
                    + IoProblems.describe(e));
        }
    }

    private static String lockOwner(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(32);
        ch.read(b, 0);
        String text = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
        return text.matches("[0-9]{1,19}") ? text : null;
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // Closing is all that is left to do with it.
            }
        }
    }

    /** @return the stored identity, or null if this directory has none yet */
    Identity identity() throws DataDirectoryException {
        Map<?, ?> doc = readMap("identity.json");
        if (doc == null) {
            return null;
        }
        Object name = doc.get("name");
        Object incarnation = doc.get("incarnation");
        // An integer only: 5.5 is no incarnation, and rounding it could put us below what we gossiped.
        if (!(name instanceof String n) || n.isBlank() || !(incarnation instanceof Long inc) || inc < 0
                || inc > 0xFFFF_FFFFL) {
            throw corrupt("identity.json", "it lacks a valid name or incarnation (a whole number from 0 to 4294967295)");
        }
        return new Identity(n, inc);
    }

    void saveIdentity(Identity identity) throws DataDirectoryException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", identity.name());
        doc.put("incarnation", identity.incarnation());
        write("identity.json", Json.write(doc));
    }

    /**
     * Puts the identity back as it was before a start that nobody heard of.
     *
     * @param before the identity read at start, or null if there was none
     */
    void restoreIdentity(Identity before) throws DataDirectoryException {
        if (before != null) {
            saveIdentity(before);
            return;
        }
        try {
            Files.deleteIfExists(dir.resolve("identity.json"));
        } catch (IOException e) {
            throw new DataDirectoryException("cannot remove " + dir.resolve("identity.json") + ": " + IoProblems.describe(e));
        }
    }

    List<RememberedMember> members() throws DataDirectoryException {
        Map<?, ?> doc = readMap("members.json");
        if (doc == null) {
            return List.of();
        }
        if (!(doc.get("members") instanceof List<?> list)) {
            throw corrupt("members.json", "it lacks a members list");
        }
        List<RememberedMember> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> m) || !(m.get("name") instanceof String n) || !(m.get("address") instanceof String a)) {
                throw corrupt("members.json", "an entry lacks a name or address");
            }
            if (out.size() < MAX_REMEMBERED_MEMBERS) {
                out.add(new RememberedMember(n, a));
            }
        }
        return out;
    }

    void saveMembers(List<RememberedMember> members) throws DataDirectoryException {
        List<Object> list = new ArrayList<>();
        for (RememberedMember m : members.subList(0, Math.min(members.size(), MAX_REMEMBERED_MEMBERS))) {
            list.add(Map.of("name", m.name(), "address", m.address()));
        }
        write("members.json", Json.write(Map.of("members", list)));
    }

    Map<String, String> tags() throws DataDirectoryException {
        Map<?, ?> doc = readMap("tags.json");
        if (doc == null) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : doc.entrySet()) {
            // Tags are strings: anything else was not written by us, and turning it into text would
            // publish a tag no one set.
            if (!(e.getValue() instanceof String v)) {
                throw corrupt("tags.json", "tag '" + e.getKey() + "' is not a string");
            }
            out.put(String.valueOf(e.getKey()), v);
        }
        return out;
    }

    void saveTags(Map<String, String> tags) throws DataDirectoryException {
        write("tags.json", Json.write(tags));
    }

    private Map<?, ?> readMap(String file) throws DataDirectoryException {
        Path p = dir.resolve(file);
        if (!Files.exists(p)) {
            return null;
        }
        String text;
        try {
            long size = Files.size(p);
            if (size > MAX_DATA_FILE_BYTES) {
                throw corrupt(file, "it is " + size + " bytes, more than the " + MAX_DATA_FILE_BYTES + " a data file may hold");
            }
            text = Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataDirectoryException("cannot read " + p + ": " + IoProblems.describe(e));
        }
        Object doc;
        try {
            doc = new JsonReader(text, MAX_REMEMBERED_MEMBERS).document();
        } catch (IllegalArgumentException e) {
            throw corrupt(file, "it is not valid JSON (truncated or damaged): " + e.getMessage());
        }
        if (!(doc instanceof Map<?, ?> map)) {
            throw corrupt(file, "it does not hold a JSON object");
        }
        return map;
    }

    private DataDirectoryException corrupt(String file, String why) {
        return new DataDirectoryException("data file " + dir.resolve(file) + " is corrupt: " + why
                + "; it was left untouched (move it away to start with a new identity)");
    }

    private void write(String file, String content) throws DataDirectoryException {
        Path target = dir.resolve(file);
        // One writer per file: two (the snapshot thread and the one stopping the agent, say) would
        // share its temporary file and could rename one's half-written content into place.
        synchronized (writeLocks.computeIfAbsent(file, f -> new Object())) {
            try {
                AtomicFile.write(target, content, false);
            } catch (IOException e) {
                throw new DataDirectoryException("cannot write " + target + ": " + IoProblems.describe(e));
            }
        }
    }
}
