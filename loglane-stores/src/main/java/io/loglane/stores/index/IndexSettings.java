package io.loglane.stores.index;

import io.loglane.core.config.ServerSettings;
import io.loglane.core.config.StoreSpec;
import io.loglane.core.os.BackgroundPriority;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The Lucene index ({@code index:} section), its keys declared by {@link IndexKeys}.
 *
 * @param dir                 index root (default {@code <data>/index})
 * @param refreshInterval     how often the refresh thread reopens searchers (near-real-time)
 * @param commitInterval      how long written documents wait at most for a Lucene commit
 * @param ramBufferBytes      IndexWriter RAM buffer per open day index (the writer takes at most 1/8 of the heap)
 * @param maintenanceInterval how often retention runs
 * @param priority            CPU priority of the refresh thread (the server's {@code background_nice})
 *
 * <p>Thread-safety: immutable.
 */
public record IndexSettings(Path dir, Duration refreshInterval, Duration commitInterval, long ramBufferBytes,
        Duration maintenanceInterval, BackgroundPriority priority) {

    /** Settings whose refresh thread keeps the caller's priority. */
    public IndexSettings(Path dir, Duration refreshInterval, Duration commitInterval, long ramBufferBytes, Duration maintenanceInterval) {
        this(dir, refreshInterval, commitInterval, ramBufferBytes, maintenanceInterval, BackgroundPriority.NONE);
    }

    public IndexSettings {
        if (dir == null || !refreshInterval.isPositive() || !commitInterval.isPositive() || ramBufferBytes <= 0
                || !maintenanceInterval.isPositive()) {
            throw new IllegalArgumentException("bad index settings: dir " + dir + ", refresh " + refreshInterval
                    + ", commit " + commitInterval + ", ram " + ramBufferBytes + ", maintenance " + maintenanceInterval);
        }
    }

    /** The settings of the loader's validated {@code index:} section; no {@code index.dir} means {@code index} under the data directory. */
    public static IndexSettings from(StoreSpec spec, ServerSettings server) {
        Path dir = spec.option("dir");
        return new IndexSettings(dir != null ? dir : server.dataDir().resolve("index"), spec.option("refresh_interval"),
                spec.option("commit_interval"), spec.option("ram_buffer"), spec.option("maintenance_interval"), server.background());
    }
}
