package io.rollcall.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Helpers for tests that run what {@code mvn package} built: the Debian package and the distribution archive. */
final class Installed {
    /** The module's target directory (where the jar, the archive and the package are). */
    static final Path TARGET = AgentProcess.JAR.toAbsolutePath().getParent();

    private Installed() {
    }

    /** @return the one file in target/ whose name starts and ends so */
    static Path built(String prefix, String suffix) throws IOException {
        try (var s = Files.list(TARGET)) {
            List<Path> found = s.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && p.getFileName().toString().endsWith(suffix)).toList();
            if (found.size() != 1) {
                throw new IOException("expected one " + prefix + "*" + suffix + " in " + TARGET + " (run mvn package), found " + found);
            }
            return found.get(0);
        }
    }

    /** Runs a short command; fails with its output unless it exits 0. */
    static String run(List<String> command) throws IOException, InterruptedException {
        Result r = exec(command);
        if (r.status() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + r.status() + ": " + r.output());
        }
        return r.output();
    }

    record Result(int status, String output) {
    }

    static Result exec(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish");
        }
        return new Result(p.exitValue(), out);
    }

    /** @return whether {@code tool} is on the PATH */
    static boolean has(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** @return the absolute path mapped into {@code root}; other words unchanged */
    static String mapped(Path root, String word) {
        return word.startsWith("/") ? root.resolve(word.substring(1)).toString() : word;
    }

    static List<String> mapped(Path root, List<String> words) {
        List<String> out = new ArrayList<>();
        for (String w : words) {
            out.add(mapped(root, w));
        }
        return out;
    }

    /** @return a process's log so far, for failure messages ("" if none yet) */
    static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** PATH with this JVM's java first, as a host with the package's Java dependency installed has it. */
    static String pathWithJava() {
        return Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    }
}
