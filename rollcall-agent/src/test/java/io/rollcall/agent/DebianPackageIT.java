package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package that {@code mvn package} builds, installed into a throwaway root with
 * {@code dpkg-deb -x}; the installed agent is run exactly as the unit's ExecStart says, with absolute
 * paths mapped into that root (127.102.62.0/24). Checked with lintian and systemd-analyze where they exist.
 */
class DebianPackageIT {
    private static final String IP = "127.102.62.1";

    @TempDir
    Path dir;
    @RegisterExtension
    final AgentGroup processes = new AgentGroup();

    private Path unpack() throws IOException, InterruptedException {
        assumeTrue(Installed.has("dpkg-deb"), "dpkg-deb is not installed: the Debian package is not tested here");
        Path root = dir.resolve("root");
        Installed.run(List.of("dpkg-deb", "-x", Installed.built("rollcall_", "_all.deb").toString(), root.toString()));
        return root;
    }

    @Test
    void theControlDataNameTheConffileTheUserAndTheJavaDependency() throws Exception {
        assumeTrue(Installed.has("dpkg-deb"), "dpkg-deb is not installed: the Debian package is not tested here");
        Path deb = Installed.built("rollcall_", "_all.deb");
        Path control = dir.resolve("control");
        Installed.run(List.of("dpkg-deb", "-e", deb.toString(), control.toString()));
        assertThat(control.resolve("conffiles")).content().isEqualToIgnoringNewLines("/etc/rollcall/rollcall.yaml");
        assertThat(control.resolve("postinst")).content().contains("adduser --system --group", "rollcall",
                "chown rollcall:rollcall /var/lib/rollcall");
        for (String script : List.of("postinst", "prerm", "postrm")) {
            Installed.run(List.of("sh", "-n", control.resolve(script).toString()));
            assertThat(Files.isExecutable(control.resolve(script))).as(script).isTrue();
        }
        String depends = Installed.run(List.of("dpkg-deb", "-f", deb.toString(), "Depends"));
        assertThat(depends).contains("adduser", "java17-runtime-headless");
    }

    @Test
    void theInstalledAgentRunsAsItsUnitSaysAndItsStopIsAGracefulLeave() throws Exception {
        Path root = unpack();
        Path launcher = root.resolve("usr/bin/rollcall");
        assertThat(Files.isSymbolicLink(launcher)).isTrue();
        assertThat(Files.readSymbolicLink(launcher).isAbsolute()).as("a relative link works in any root").isFalse();
        assertThat(launcher.toRealPath()).isEqualTo(root.resolve("usr/share/rollcall/rollcall").toRealPath());
        assertThat(root.resolve("usr/share/rollcall/lib/rollcall.jar")).isRegularFile();
        var unit = DeployFiles.unit(Files.readString(root.resolve("lib/systemd/system/rollcall.service"), StandardCharsets.UTF_8));
        assertThat(unit).isEqualTo(DeployFiles.unit());

        // The unit runs as user rollcall with /var/lib/rollcall made by the maintainer scripts and
        // StateDirectory=: here the test makes it, and every absolute path points into the root.
        Path data = root.resolve("var/lib/rollcall");
        Files.createDirectories(data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
        Path config = root.resolve("etc/rollcall/rollcall.yaml");
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(config, StandardCharsets.UTF_8)) {
            int colon = line.indexOf(": /");
            lines.add(!line.startsWith("#") && colon > 0
                    ? line.substring(0, colon + 2) + Installed.mapped(root, line.substring(colon + 2)) : line);
        }
        Files.write(config, lines, StandardCharsets.UTF_8);

        List<String> command = Installed.mapped(root, DeployFiles.execStart(unit));
        Map<String, String> env = new LinkedHashMap<>(DeployFiles.unitEnvironment(unit));
        // What an operator's drop-in would say: a name and addresses of its own.
        env.put("ROLLCALL_NODE", "installed");
        env.put("ROLLCALL_BIND", IP + ":7946");
        env.put("ROLLCALL_HTTP", IP + ":7947");
        Path log = dir.resolve("installed.log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(
                Path.of(Installed.mapped(root, DeployFiles.one(unit, "Service", "WorkingDirectory"))).toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("PATH", Installed.pathWithJava());
        Process installed = processes.own(pb.start());

        AgentProcess.await("the installed agent ready (it has no seed: the first node)", 30_000, () -> ready(IP),
                () -> Installed.read(log));
        AgentProcess peer = processes.start(dir, "peer", "127.102.62.2", List.of("--join", IP + ":7946"));
        AgentProcess.await("peer sees the installed agent alive", 15_000,
                () -> "alive".equals(peer.statuses().get("installed")), () -> String.valueOf(peer.statuses()));
        assertThat(data.resolve("identity.json")).content().contains("\"installed\"");

        // systemctl stop sends KillSignal= to the main process; the launcher has exec'd java.
        assertThat(DeployFiles.one(unit, "Service", "KillSignal")).isEqualTo("SIGTERM");
        Installed.run(List.of("kill", "-TERM", Long.toString(installed.pid())));
        assertThat(installed.waitFor(Agent.STOP_MAX_MILLIS, TimeUnit.MILLISECONDS)).as(Installed.read(log)).isTrue();
        assertThat(installed.exitValue()).as(Installed.read(log)).isZero();
        AgentProcess.await("peer sees the installed agent left", 10_000,
                () -> "left".equals(peer.statuses().get("installed")), () -> String.valueOf(peer.statuses()));
    }

    @Test
    void lintianFindsNoErrorOrWarning() throws Exception {
        assumeTrue(Installed.has("lintian"), "lintian is not installed (apt-get install lintian): package not checked");
        Installed.Result r = Installed.exec(List.of("lintian", "--pedantic", Installed.built("rollcall_", "_all.deb").toString()));
        List<String> tags = r.output().lines().filter(l -> l.matches("^[EWP]: .*")).toList();
        assertThat(tags).as(r.output()).isEmpty();
        assertThat(r.status()).as(r.output()).isZero();
    }

    @Test
    void systemdAcceptsTheInstalledUnit() throws Exception {
        assumeTrue(Installed.has("systemd-analyze"), "systemd-analyze is not installed: the unit is not verified");
        Path hostUnits = Path.of("/lib/systemd/system");
        assumeTrue(Files.isRegularFile(hostUnits.resolve("multi-user.target")),
                "this host has no systemd targets to verify the unit against");
        Path root = unpack();
        // The targets the unit orders itself against, as the host has them.
        try (Stream<Path> targets = Files.list(hostUnits)) {
            for (Path t : targets.filter(p -> p.toString().endsWith(".target") && Files.isRegularFile(p)).toList()) {
                Files.copy(t, root.resolve("lib/systemd/system").resolve(t.getFileName()));
            }
        }
        Installed.Result r = Installed.exec(List.of("systemd-analyze", "verify", "--root=" + root, "rollcall.service"));
        assertThat(r.output()).as("systemd-analyze's complaints").isEmpty();
        assertThat(r.status()).isZero();
    }

    private static boolean ready(String ip) {
        return AgentProcess.status("http://" + ip + ":7947" + HttpApi.READY_PATH) == 200;
    }
}
