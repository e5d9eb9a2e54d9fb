package io.loglane.stores.archive;

import io.loglane.core.config.ServerSettings;
import io.loglane.core.config.StoreSpec;
import io.loglane.core.os.BackgroundPriority;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The Parquet archive ({@code archive:} section), its keys declared by {@link ArchiveKeys}.
 *
 * @param dir                 archive root (default {@code <data>/archive})
 * @param flushRows           flush a lane's buffer to Parquet at this many rows
 * @param flushBytes          … or at this many buffered bytes
 * @param flushAge            … or when its oldest buffered row is this old (default 60 s at most)
 * @param compactAfter        compact the small files of an hour partition once the hour has been closed this long
 * @param compactMinFiles     compact only partitions with at least this many files
 * @param maintenanceInterval how often each lane's archive runs compaction and retention
 * @param priority            CPU priority of the conversion and maintenance threads (the server's {@code background_nice})
 *
 * <p>Thread-safety: immutable.
 */
public record ArchiveSettings(
        Path dir,
        int flushRows,
        long flushBytes,
        Duration flushAge,
        Duration compactAfter,
        int compactMinFiles,
        Duration maintenanceInterval,
        BackgroundPriority priority) {

    /** Settings whose threads keep the caller's priority. */
    public ArchiveSettings(Path dir, int flushRows, long flushBytes, Duration flushAge, Duration compactAfter, int compactMinFiles,
            Duration maintenanceInterval) {
        this(dir, flushRows, flushBytes, flushAge, compactAfter, compactMinFiles, maintenanceInterval, BackgroundPriority.NONE);
    }

    /**
     * The settings of the loader's validated {@code archive:} section; {@code archive.dir} unset
     * means {@code archive} under the server's data directory.
     */
    public static ArchiveSettings from(StoreSpec spec, ServerSettings server) {
        Path dir = spec.option("dir");
        return new ArchiveSettings(dir != null ? dir : server.dataDir().resolve("archive"),
                spec.option("flush_rows"), spec.option("flush_size"), spec.option("flush_age"),
                spec.option("compact_after"), spec.option("compact_min_files"), spec.option("maintenance_interval"),
                server.background());
    }
}
