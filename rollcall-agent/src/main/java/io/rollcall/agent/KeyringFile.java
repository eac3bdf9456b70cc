package io.rollcall.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The gossip keys on disk in Serf's keyring file format (a JSON array of base64 keys, primary
 * first), kept current as keys change, written atomically and readable by its owner only.
 */
final class KeyringFile {
    private final Path path;

    KeyringFile(Path path) {
        this.path = path;
    }

    /** @return the keys, primary first, or null if the file does not exist */
    List<String> read() throws DataDirectory.DataDirectoryException {
        if (!Files.exists(path)) {
            return null;
        }
        Object doc;
        try {
            doc = Json.read(Files.readString(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DataDirectory.DataDirectoryException("cannot read keyring file " + path + ": " + IoProblems.describe(e));
        } catch (IllegalArgumentException e) {
            throw new DataDirectory.DataDirectoryException("keyring file " + path + " is corrupt: it is not valid JSON");
        }
        if (!(doc instanceof List<?> list) || list.isEmpty()) {
            throw new DataDirectory.DataDirectoryException("keyring file " + path + " must hold a non-empty JSON array of base64 keys");
        }
        List<String> keys = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String key) || !isKey(key)) {
                throw new DataDirectory.DataDirectoryException("keyring file " + path + " is corrupt: entry " + (keys.size() + 1)
                        + " is not a base64 AES key of 16, 24 or 32 bytes");
            }
            keys.add(key);
        }
        return keys;
    }

    private static boolean isKey(String text) {
        try {
            int length = java.util.Base64.getDecoder().decode(text).length;
            return length == 16 || length == 24 || length == 32;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    void write(List<String> keys) throws IOException {
        AtomicFile.write(path, Json.write(keys), true);
    }
}
