package io.loglane.core.config;

import java.time.Duration;

/**
 * The Parquet archive ({@code archive:} section).
 *
 * @param dir                 archive root (default {@code <data>/archive})
 * @param flushRows           flush a lane's buffer to Parquet at this many rows
 * @param flushBytes          … or at this many buffered bytes
 * @param flushAge            … or when its oldest buffered row is this old (default 60 s at most)
 * @param compactAfter        compact the small files of an hour partition once the hour has been closed this long
 * @param compactMinFiles     compact only partitions with at least this many files
 * @param maintenanceInterval how often each lane's archive runs compaction and retention
 */
public record ArchiveSettings(
        java.nio.file.Path dir,
        int flushRows,
        long flushBytes,
        Duration flushAge,
        Duration compactAfter,
        int compactMinFiles,
        Duration maintenanceInterval) {}
