package io.rollcall.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's state on disk, so a restarted agent is the same node: {@code identity.json} (name and
 * last incarnation), {@code members.json} (members last known, to rejoin without seeds) and
 * {@code tags.json} (tags set at run time). Every write is atomic (write a temporary file, fsync it,
 * rename it over the old one, fsync the directory), so a crash leaves the old file or the new one,
 * never half of one. A file that cannot be read is reported, never silently replaced: replacing the
 * identity would make this machine a different node.
 */
final class DataDirectory {
    /** Most members remembered for rejoining. */
    static final int MAX_REMEMBERED_MEMBERS = 4_096;

    private final Path dir;

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

    /** @return the stored identity, or null if this directory has none yet */
    Identity identity() throws DataDirectoryException {
        Map<?, ?> doc = readMap("identity.json");
        if (doc == null) {
            return null;
        }
        Object name = doc.get("name");
        Object incarnation = doc.get("incarnation");
        if (!(name instanceof String n) || n.isBlank() || !(incarnation instanceof Number inc) || inc.longValue() < 0
                || inc.longValue() >= 0xFFFF_FFFFL) {
            throw corrupt("identity.json", "it lacks a valid name or incarnation");
        }
        return new Identity(n, inc.longValue());
    }

    void saveIdentity(Identity identity) throws DataDirectoryException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", identity.name());
        doc.put("incarnation", identity.incarnation());
        write("identity.json", Json.write(doc));
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
        doc.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
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
            text = Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataDirectoryException("cannot read " + p + ": " + IoProblems.describe(e));
        }
        Object doc;
        try {
            doc = Json.read(text);
        } catch (IllegalArgumentException e) {
            throw corrupt(file, "it is not valid JSON (truncated or damaged)");
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
        Path tmp = dir.resolve(file + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException ignored) {
                // Not every file system lets a directory be synced; the rename itself is still atomic.
            }
        } catch (IOException e) {
            throw new DataDirectoryException("cannot write " + target + ": " + IoProblems.describe(e));
        }
    }
}
