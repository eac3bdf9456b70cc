package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyringFileTest {
    private static final String KEY = "T9jncgl9mbLus+baTTa7q7nPSUrXwbDi2dhbtqir37s=";
    @TempDir
    Path dir;

    @Test
    void theKeyringIsWrittenForItsOwnerOnlyAndReadBack() throws Exception {
        Path file = dir.resolve("keyring.json");
        // A temporary file left by an earlier crash, readable by anyone: not reused as it is.
        Files.writeString(dir.resolve("keyring.json.tmp"), "stale");
        Files.setPosixFilePermissions(dir.resolve("keyring.json.tmp"), PosixFilePermissions.fromString("rw-r--r--"));
        new KeyringFile(file).write(List.of(KEY));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(new KeyringFile(file).read()).containsExactly(KEY);
        assertThat(dir.resolve("keyring.json.tmp")).doesNotExist();
    }

    @Test
    void aWriteThatFailsLeavesNoTemporaryFileWithTheKeysInIt() throws Exception {
        Path file = dir.resolve("keyring.json");
        Files.createDirectories(file.resolve("in-the-way"));
        assertThatThrownBy(() -> new KeyringFile(file).write(List.of(KEY))).isInstanceOf(IOException.class);
        assertThat(dir.resolve("keyring.json.tmp")).doesNotExist();
    }
}
