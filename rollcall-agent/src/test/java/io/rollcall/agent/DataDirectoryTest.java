package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void identityMembersAndTagsSurviveARestart() throws Exception {
        DataDirectory d = new DataDirectory(dir);
        assertThat(d.identity()).isNull();
        d.saveIdentity(new DataDirectory.Identity("web-1", 7));
        d.saveMembers(List.of(new DataDirectory.RememberedMember("web-2", "127.0.0.2:7946")));
        d.saveTags(Map.of("role", "web"));
        DataDirectory again = new DataDirectory(dir);
        assertThat(again.identity()).isEqualTo(new DataDirectory.Identity("web-1", 7));
        assertThat(again.members()).containsExactly(new DataDirectory.RememberedMember("web-2", "127.0.0.2:7946"));
        assertThat(again.tags()).containsEntry("role", "web");
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }

    @Test
    void aTruncatedOrDamagedFileIsReportedAndLeftAlone() throws Exception {
        DataDirectory d = new DataDirectory(dir);
        d.saveIdentity(new DataDirectory.Identity("web-1", 7));
        Path identity = dir.resolve("identity.json");
        String full = Files.readString(identity);
        Files.writeString(identity, full.substring(0, full.length() / 2));
        assertThatThrownBy(d::identity).isInstanceOf(DataDirectory.DataDirectoryException.class)
                .hasMessageContaining("identity.json is corrupt").hasMessageContaining("left untouched");
        assertThat(Files.readString(identity)).isEqualTo(full.substring(0, full.length() / 2));
        Files.writeString(identity, "{\"name\": \"x\"}");
        assertThatThrownBy(d::identity).hasMessageContaining("valid name or incarnation");
        Files.writeString(dir.resolve("members.json"), "[1, 2]");
        assertThatThrownBy(d::members).hasMessageContaining("members.json is corrupt");
    }

    @Test
    void anIncarnationThatIsNotAWholeNumberIsCorrupt() throws Exception {
        DataDirectory d = new DataDirectory(dir);
        for (String bad : List.of("5.5", "1e3", "-1", "4294967296", "\"7\"")) {
            Files.writeString(dir.resolve("identity.json"), "{\"name\": \"web-1\", \"incarnation\": " + bad + "}");
            assertThatThrownBy(d::identity).as(bad).hasMessageContaining("identity.json is corrupt");
        }
        Files.writeString(dir.resolve("identity.json"), "{\"name\": \"web-1\", \"incarnation\": 4294967295}");
        assertThat(d.identity()).isEqualTo(new DataDirectory.Identity("web-1", 4294967295L));
    }

    @Test
    void aWriteThatFailsLeavesTheOldFileAndNoTemporaryFile() throws Exception {
        DataDirectory d = new DataDirectory(dir);
        d.saveTags(Map.of("role", "web"));
        String before = Files.readString(dir.resolve("tags.json"));
        // Every write to /dev/full fails with ENOSPC: a full disk.
        Files.createSymbolicLink(dir.resolve("tags.json.tmp"), Path.of("/dev/full"));
        assertThatThrownBy(() -> d.saveTags(Map.of("role", "db"))).isInstanceOf(DataDirectory.DataDirectoryException.class)
                .hasMessage("cannot write " + dir.resolve("tags.json") + ": No space left on device");
        assertThat(Files.readString(dir.resolve("tags.json"))).isEqualTo(before);
        assertThat(Files.exists(dir.resolve("tags.json.tmp"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        // A rename that fails (a directory in the way) also takes its temporary file with it.
        Files.createDirectories(dir.resolve("members.json").resolve("in-the-way"));
        assertThatThrownBy(() -> d.saveMembers(List.of())).isInstanceOf(DataDirectory.DataDirectoryException.class);
        assertThat(dir.resolve("members.json.tmp")).doesNotExist();
    }

    @Test
    void theLockIsExclusiveAndNamesItsHolder() throws Exception {
        DataDirectory first = new DataDirectory(dir);
        first.lock();
        assertThat(Files.readString(dir.resolve(DataDirectory.LOCK_FILE)).strip())
                .isEqualTo(Long.toString(ProcessHandle.current().pid()));
        DataDirectory second = new DataDirectory(dir);
        assertThatThrownBy(second::lock).isInstanceOf(DataDirectory.DataDirectoryException.class)
                .hasMessage("data directory " + dir + " is in use by another agent (pid " + ProcessHandle.current().pid()
                        + "); stop it or use another --data-dir");
    }

    @Test
    void aLongValidMemberListIsReadUpToTheLimitAndACorruptOneIsRefused() throws Exception {
        StringBuilder sb = new StringBuilder("{\"members\": [");
        for (int i = 0; i < 100_000; i++) {
            sb.append(i == 0 ? "" : ",\n").append("{\"name\": \"member-").append(i).append("\", \"address\": \"10.1.")
                    .append(i / 250 % 250).append('.').append(i % 250).append(":7946\"}");
        }
        String text = sb.append("]}").toString();
        assertThat(text.length()).isGreaterThan(5_000_000);
        Files.writeString(dir.resolve("members.json"), text);
        DataDirectory d = new DataDirectory(dir);
        List<DataDirectory.RememberedMember> members = d.members();
        assertThat(members).hasSize(DataDirectory.MAX_REMEMBERED_MEMBERS)
                .startsWith(new DataDirectory.RememberedMember("member-0", "10.1.0.0:7946"));
        Files.writeString(dir.resolve("members.json"), text.substring(0, text.length() - 3));
        assertThatThrownBy(d::members).hasMessageContaining("members.json is corrupt").hasMessageContaining("not valid JSON");
        Files.write(dir.resolve("members.json"), new byte[(int) DataDirectory.MAX_DATA_FILE_BYTES + 1]);
        assertThatThrownBy(d::members).hasMessageContaining("members.json is corrupt")
                .hasMessageContaining("more than the " + DataDirectory.MAX_DATA_FILE_BYTES);
    }

    @Test
    void aTagThatIsNotAStringIsCorrupt() throws Exception {
        DataDirectory d = new DataDirectory(dir);
        Files.writeString(dir.resolve("tags.json"), "{\"role\": \"web\", \"rack\": {\"row\": 4}}");
        assertThatThrownBy(d::tags).hasMessageContaining("tags.json is corrupt").hasMessageContaining("tag 'rack' is not a string");
    }
}
