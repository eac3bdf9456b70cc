package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The container image without a container engine: its files laid out under a directory from the
 * distribution archive, as the container file's {@code COPY} lines say. Tests run the image's
 * launcher from there, so the archive, the container file and the manifests are what is tested.
 */
final class ContainerImage {
    private ContainerImage() {
    }

    /**
     * Unpacks the built archive under {@code dir} and copies each {@code COPY SRC DEST} into
     * {@code dir/image}; every directory on the way is made world-readable, so the image's USER
     * (not root) can run it.
     *
     * @return the image's root
     */
    static Path layOut(Path dir) throws IOException, InterruptedException {
        Path unpacked = dir.resolve("dist");
        Files.createDirectories(unpacked);
        Installed.run(List.of("tar", "-xzf", Installed.built("rollcall-", ".tar.gz").toString(), "-C", unpacked.toString()));
        Path context;
        try (var s = Files.list(unpacked)) {
            context = s.findFirst().orElseThrow();
        }
        assertThat(context.resolve("Containerfile")).as("the archive is the build context").isRegularFile();
        Path root = dir.resolve("image");
        for (String copy : DeployFiles.containerfileArguments("COPY")) {
            String[] parts = copy.split("\\s+");
            Path dest = Path.of(Installed.mapped(root, parts[1]));
            Files.createDirectories(dest.getParent());
            Installed.run(List.of("cp", "-a", context.resolve(parts[0]).toString(), dest.toString()));
        }
        openToOthers(root, dir);
        return root;
    }

    /** Makes {@code path} and its parents up to (not above) {@code top} readable and searchable by anyone. */
    static void openToOthers(Path path, Path top) throws IOException {
        for (Path p = path; p != null && p.startsWith(top); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** @return the image's USER as {@code [uid, gid]} */
    static String[] user() {
        return DeployFiles.containerfileArguments("USER").get(0).split(":");
    }
}
