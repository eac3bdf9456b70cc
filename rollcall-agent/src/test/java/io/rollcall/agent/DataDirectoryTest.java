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
}
