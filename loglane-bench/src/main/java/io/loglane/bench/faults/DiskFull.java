package io.loglane.bench.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A full disk, for real: the scenario's data directory lives on a tmpfs of {@code sizeMiB} the
 * harness mounts (so it needs root, and a sandbox that allows mounting); the fault fills it with a
 * file until the kernel answers ENOSPC, holds it full for {@code duration}, then deletes the file.
 * Where mounting is not possible the fault is reported as skipped, never simulated.
 *
 * @param sizeMiB  size of the tmpfs
 * @param duration how long the disk stays full
 */
public record DiskFull(int sizeMiB, Duration duration) implements Fault {
    @Override
    public String name() { return "disk full " + duration.toSeconds() + "s"; }

    @Override
    public String unavailable() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0") ? null : "skipped: needs root (mounts a tmpfs)";
                }
            }
        } catch (IOException e) {
            return "skipped: cannot tell the user id (" + e.getMessage() + ")";
        }
        return "skipped: cannot tell the user id";
    }

    @Override
    public Path dataDir(Path work) throws Exception {
        Path mount = work.resolve("tmpfs");
        Files.createDirectories(mount);
        if (run("mount", "-t", "tmpfs", "-o", "size=" + sizeMiB + "m", "tmpfs", mount.toString()) != 0) {
            throw new IOException("skipped: mounting a tmpfs failed (the sandbox does not allow it)");
        }
        return mount.resolve("data");
    }

    @Override
    public void release(Path work) {
        try {
            run("umount", "-l", work.resolve("tmpfs").toString());
        } catch (IOException | InterruptedException e) {
            // best effort: a lazy unmount of a tmpfs only frees memory
        }
    }

    @Override
    public String inject(ChildNode node, Runnable beforeKill) throws Exception {
        Path filler = node.data().getParent().resolve("filler");
        long written = 0;
        try {
            try (OutputStream out = Files.newOutputStream(filler)) {
                byte[] mib = new byte[1 << 20];
                while (true) {
                    out.write(mib);
                    written += mib.length;
                }
            } catch (IOException full) {
                // ENOSPC: the disk is full now
            }
            Thread.sleep(duration.toMillis());
        } finally {
            Files.deleteIfExists(filler);
        }
        return "filled " + (written >> 20) + " MiB";
    }

    private static int run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
