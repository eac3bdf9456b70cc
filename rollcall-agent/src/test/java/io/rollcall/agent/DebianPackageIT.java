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
    private static final String REAL_IP = "127.102.62.11";

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

    /**
     * A private mount namespace in which the package is installed over the host's real paths:
     * its /usr and /etc are overlays of the package on the host's (writes to /etc land in the test's
     * directory), /var/lib and /run are empty tmpfs. So the maintainer scripts and ExecStart run
     * unchanged, with nothing mapped, and the host is left as it was.
     */
    private Path installScript(Path root, Path control, String then) throws IOException {
        Path script = dir.resolve("install.sh");
        Files.createDirectories(dir.resolve("etc-upper"));
        Files.createDirectories(dir.resolve("etc-work"));
        Files.writeString(script, String.join("\n",
                "set -e",
                "mount -t overlay overlay -o lowerdir=" + root.resolve("usr") + ":/usr /usr",
                "mount -t overlay overlay -o lowerdir=" + root.resolve("etc") + ":/etc,upperdir=" + dir.resolve("etc-upper")
                        + ",workdir=" + dir.resolve("etc-work") + " /etc",
                "mount -t tmpfs tmpfs /var/lib",
                "mount -t tmpfs tmpfs /run",
                "echo 'rollcall-test: installed'",
                // configure twice: an upgrade runs it again over the first install
                control.resolve("postinst") + " configure",
                control.resolve("postinst") + " configure",
                then, ""));
        return script;
    }

    private Path control() throws IOException, InterruptedException {
        Path control = dir.resolve("control");
        Installed.run(List.of("dpkg-deb", "-e", Installed.built("rollcall_", "_all.deb").toString(), control.toString()));
        return control;
    }

    private static void assumePrivateMounts() throws IOException, InterruptedException {
        assumeTrue(Installed.has("unshare") && Installed.has("setpriv") && Installed.has("adduser")
                        && Installed.exec(List.of("unshare", "--mount", "--propagation", "private", "true")).status() == 0,
                "no private mount namespace here (needs root, unshare, setpriv, adduser): the maintainer scripts are not run");
    }

    private static void assumeInstalled(Installed.Result r) {
        assumeTrue(r.output().contains("rollcall-test: installed"),
                "cannot mount overlays in a private mount namespace here: " + r.output().strip());
    }

    @Test
    void theMaintainerScriptsMakeTheUserAndTheDataDirectoryAndPurgeRemovesTheData() throws Exception {
        assumePrivateMounts();
        Path root = unpack();
        Path control = control();
        Path script = installScript(root, control, String.join("\n",
                "getent passwd rollcall",
                "stat -c 'data %U:%G %a' /var/lib/rollcall",
                "touch /var/lib/rollcall/identity.json",
                control.resolve("prerm") + " remove",
                control.resolve("postrm") + " remove",
                "test -e /var/lib/rollcall/identity.json && echo 'kept on remove'",
                control.resolve("postrm") + " purge",
                "test ! -e /var/lib/rollcall && echo 'gone on purge'"));
        Installed.Result r = Installed.exec(List.of("unshare", "--mount", "--propagation", "private", "sh", script.toString()));
        assumeInstalled(r);
        assertThat(r.status()).as(r.output()).isZero();
        assertThat(r.output()).containsPattern("(?m)^rollcall:x:\\d+:\\d+::/var/lib/rollcall:/usr/sbin/nologin$")
                .contains("data rollcall:rollcall 750", "kept on remove", "gone on purge");
        assertThat(Files.readString(dir.resolve("etc-upper/passwd"), StandardCharsets.UTF_8)).contains("rollcall:x:");
    }

    @Test
    void installedOverTheRealPathsTheAgentRunsAsItsUnitSaysAsTheRollcallUser() throws Exception {
        assumePrivateMounts();
        Path root = unpack();
        var unit = DeployFiles.unit(Files.readString(root.resolve("lib/systemd/system/rollcall.service"), StandardCharsets.UTF_8));
        String user = DeployFiles.one(unit, "Service", "User");
        String group = DeployFiles.one(unit, "Service", "Group");
        Path script = installScript(root, control(), "cd " + DeployFiles.one(unit, "Service", "WorkingDirectory")
                + "\nexec setpriv --reuid=" + user + " --regid=" + group + " --init-groups -- "
                + DeployFiles.one(unit, "Service", "ExecStart"));
        Map<String, String> env = new LinkedHashMap<>(DeployFiles.unitEnvironment(unit));
        env.put("ROLLCALL_NODE", "unit");
        env.put("ROLLCALL_BIND", REAL_IP + ":7946");
        env.put("ROLLCALL_HTTP", REAL_IP + ":7947");
        Path log = dir.resolve("unit.log");
        // unshare, sh, setpriv, the launcher: each execs the next, so this PID ends as the JVM's.
        ProcessBuilder pb = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", script.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("PATH", Installed.pathWithJava());
        Process agent = processes.own(pb.start());
        AgentProcess.await("the agent ready, or its start failed", 30_000,
                () -> ready(REAL_IP) || !agent.isAlive(), () -> Installed.read(log));
        assumeInstalled(new Installed.Result(0, Installed.read(log)));
        assertThat(ready(REAL_IP)).as(Installed.read(log)).isTrue();

        Path proc = Path.of("/proc", Long.toString(agent.pid()));
        assertThat(Files.readString(proc.resolve("comm")).strip()).isEqualTo("java");
        String uid = Files.readString(proc.resolve("status"), StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow().split("\\s+")[1];
        assertThat(uid).as("runs as the rollcall user, not root").isNotEqualTo("0");
        AgentProcess peer = processes.start(dir, "peer", "127.102.62.12", List.of("--join", REAL_IP + ":7946"));
        AgentProcess.await("peer sees the unit's agent alive", 15_000,
                () -> "alive".equals(peer.statuses().get("unit")), () -> String.valueOf(peer.statuses()));
        // The agent's own view of its files: /var/lib/rollcall as its mount namespace has it.
        Path identity = proc.resolve("root/var/lib/rollcall/identity.json");
        assertThat(identity).content().contains("\"unit\"");
        assertThat(Files.getAttribute(identity, "unix:uid").toString()).isEqualTo(uid);

        Installed.run(List.of("kill", "-" + DeployFiles.one(unit, "Service", "KillSignal").replace("SIG", ""),
                Long.toString(agent.pid())));
        assertThat(agent.waitFor(Agent.STOP_MAX_MILLIS, TimeUnit.MILLISECONDS)).as(Installed.read(log)).isTrue();
        assertThat(agent.exitValue()).as(Installed.read(log)).isZero();
        AgentProcess.await("peer sees the unit's agent left", 10_000,
                () -> "left".equals(peer.statuses().get("unit")), () -> String.valueOf(peer.statuses()));
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
