package io.rollcall.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Replaces a file so that a crash leaves the old content or the new, never half of either: write a
 * temporary file beside it, fsync it, rename it over the old one, fsync the directory. A write that
 * fails (a full disk, a read-only file system) removes its temporary file and leaves the old file
 * as it was.
 */
final class AtomicFile {
    private AtomicFile() {
    }

    /**
     * @param target    the file to replace
     * @param content   its new content, written as UTF-8
     * @param ownerOnly create it readable and writable by its owner only, from the first byte (for
     *                  secrets: setting permissions after writing would leave a window)
     * @throws IOException if it cannot be written; {@code target} is then unchanged
     */
    static void write(Path target, String content, boolean ownerOnly) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            FileAttribute<?>[] attributes = new FileAttribute<?>[0];
            Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            if (ownerOnly && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                // Permissions given at creation apply only to a new file.
                Files.deleteIfExists(tmp);
                attributes = new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
                options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }
            try (FileChannel ch = FileChannel.open(tmp, options, attributes)) {
                ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException cannotRemove) {
                // The write's own failure is what the caller reports; the next write replaces it anyway.
            }
            throw e;
        }
        Path dir = target.toAbsolutePath().getParent();
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // Not every file system lets a directory be synced; the rename itself is still atomic.
        }
    }
}
