package io.loglane.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Docker daemon driven through the {@code docker} command line, for the tests that run Docker's own
 * logging drivers: whether one answers, a tiny local image (no registry is reachable here), and
 * {@code docker} commands bounded in time.
 *
 * <p>The image is a static busybox ({@value #BUSYBOX}, Debian's {@code busybox-static}) in an empty
 * file system, imported with {@code docker import}: {@link #IMAGE}.
 *
 * <p>Thread-safety: stateless apart from the immutable root directory; commands may run from any thread.
 */
final class DockerEngine {
    /** The image the tests run: {@code sh} and the applets they use, nothing else. */
    static final String IMAGE = "loglane-it-busybox:1";
    static final String BUSYBOX = "/bin/busybox";
    private static final List<String> APPLETS = List.of("sh", "echo", "printf", "head", "tr", "sleep", "cat", "seq");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);

    /** Exit code and output of a {@code docker} command. */
    record Result(int exitCode, String out, String err) {
        boolean ok() { return exitCode == 0; }
    }

    /** What Docker says of itself: its version and where it keeps containers ({@code DockerRootDir}). */
    private final String version;
    private final Path rootDir;

    private DockerEngine(String version, Path rootDir) {
        this.version = version;
        this.rootDir = rootDir;
    }

    /**
     * The daemon the {@code docker} command reaches with {@link #IMAGE} ready to run, or the reason
     * why there is none (no CLI, no daemon, no static busybox to build the image from), for a JUnit
     * assumption.
     */
    static Object connect(Path scratch) throws InterruptedException {
        Result info;
        try {
            info = docker("version", "--format", "{{.Server.Version}}");
        } catch (IOException e) {
            return "no docker command: " + e.getMessage();
        }
        if (!info.ok()) {
            return "no Docker daemon answers: " + info.err().strip();
        }
        try {
            Result root = docker("info", "--format", "{{.DockerRootDir}}");
            DockerEngine engine = new DockerEngine(info.out().strip(), Path.of(root.out().strip()));
            String why = engine.ensureImage(scratch);
            return why == null ? engine : why;
        } catch (IOException e) {
            return "docker failed: " + e.getMessage();
        }
    }

    /** The server's version, as {@code docker version} reports it. */
    String version() { return version; }

    /** Where the daemon keeps its containers: {@code <root>/containers/<id>/<id>-json.log}. */
    Path containersDir() { return rootDir.resolve("containers"); }

    /** Imports {@link #IMAGE} unless the daemon has it; null when it runs, else why not. */
    private String ensureImage(Path scratch) throws IOException, InterruptedException {
        if (!docker("image", "inspect", IMAGE).ok()) {
            if (!Files.isExecutable(Path.of(BUSYBOX))) {
                return "no " + BUSYBOX + " to build the test image from (Debian's busybox-static; .ci/run installs it)";
            }
            Path fs = Files.createDirectories(scratch.resolve("image-root/bin"));
            Files.copy(Path.of(BUSYBOX), fs.resolve("busybox"));
            for (String applet : APPLETS) {
                Files.createSymbolicLink(fs.resolve(applet), Path.of("busybox"));
            }
            Path tar = scratch.resolve("image.tar");
            Process p = new ProcessBuilder("tar", "-C", fs.getParent().toString(), "-cf", tar.toString(), ".")
                    .redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return "tar could not pack the test image: " + new String(p.getInputStream().readAllBytes());
            }
            Result imported = docker("import", tar.toString(), IMAGE);
            if (!imported.ok()) {
                return "docker import failed: " + imported.err().strip();
            }
        }
        Result hello = docker("run", "--rm", "--network", "none", IMAGE, "echo", "hello");
        if (!hello.ok() || !hello.out().strip().equals("hello")) {
            return "the test image does not run (" + BUSYBOX + " must be statically linked: Debian's busybox-static): "
                    + hello.err().strip();
        }
        return null;
    }

    /** Runs {@code docker <args>} to completion, at most 90 s (then it is killed and this throws). */
    static Result docker(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("docker", ".out");
        Path err = Files.createTempFile("docker", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not finish in " + COMMAND_TIMEOUT + ": " + text(err));
            }
            return new Result(p.exitValue(), text(out), text(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** A container's output as text; bytes that are not UTF-8 (a test writes some) read as U+FFFD. */
    private static String text(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    /** {@code docker rm -f} of the named containers; what is already gone is ignored. */
    static void remove(List<String> names) throws IOException, InterruptedException {
        if (!names.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("rm", "-f"));
            args.addAll(names);
            docker(args.toArray(String[]::new));
        }
    }
}
