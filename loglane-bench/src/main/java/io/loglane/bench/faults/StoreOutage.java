package io.loglane.bench.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Stores failing for a while, without root and without a hook in loglane: each store's directory
 * under the data directory ({@code archive}, {@code index}) is renamed aside and a regular file
 * put in its place, so every path the store opens, creates or renames under it fails with an I/O
 * error (ENOTDIR), as a dead mount would; files it already holds open keep working, as on a real
 * filesystem. After {@code duration} the file goes and the directory comes back.
 *
 * @param stores   directory names under the data directory
 * @param duration how long the stores fail
 */
public record StoreOutage(List<String> stores, Duration duration) implements Fault {
    @Override
    public String name() { return String.join("+", stores) + " down " + duration.toSeconds() + "s"; }

    @Override
    public String inject(ChildNode node, Runnable beforeKill) throws Exception {
        List<Path> moved = new ArrayList<>();
        try {
            for (String store : stores) {
                Path dir = node.data().resolve(store);
                Path aside = node.data().resolve(store + ".outage");
                Files.move(dir, aside);
                moved.add(dir);
                Files.writeString(dir, "not a directory: the fault harness's store outage\n");
            }
            Thread.sleep(duration.toMillis());
        } finally {
            for (Path dir : moved) {
                Files.deleteIfExists(dir);
                Files.move(dir.resolveSibling(dir.getFileName() + ".outage"), dir);
            }
        }
        return "";
    }
}
