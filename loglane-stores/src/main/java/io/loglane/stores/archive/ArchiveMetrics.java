package io.loglane.stores.archive;

/**
 * The archive's own Micrometer meter names, kept beside the archive rather than in core (which
 * holds only the names every stage shares, {@link io.loglane.core.telemetry.MetricNames}, whose tag
 * keys these use). Dashboards and alerts rely on them: extend, do not rename.
 *
 * <p>Thread-safety: constants only.
 */
public final class ArchiveMetrics {
    private ArchiveMetrics() {}

    /** Counter {lane}: Parquet flushes. */
    public static final String FLUSHES = "loglane.archive.flushes";
    /** Counter {lane}: Parquet files written (including compaction output). */
    public static final String FILES = "loglane.archive.files.written";
    /** Counter {lane}: compactions done. */
    public static final String COMPACTIONS = "loglane.archive.compactions";
    /** Counter {lane, reason}: archive hour partitions deleted by retention (reason age or size). */
    public static final String PARTITIONS_DELETED = "loglane.archive.partitions.deleted";
    /** Counter {lane}: archive maintenance passes (compaction, retention) that failed; tried again at the next interval. */
    public static final String MAINTENANCE_FAILURES = "loglane.archive.maintenance.failures";
}
