package io.loglane.stores.index;

/**
 * The index's own Micrometer meter names (tag keys from {@link io.loglane.core.telemetry.MetricNames}).
 * Dashboards rely on them: extend, do not rename.
 *
 * <p>Thread-safety: constants only.
 */
public final class IndexMetrics {
    private IndexMetrics() {}

    /** Counter {lane}: Lucene commits. */
    public static final String COMMITS = "loglane.index.commits";
    /** Counter {lane}: documents indexed (a redelivered document counts again). */
    public static final String DOCUMENTS = "loglane.index.documents";
    /**
     * Counter {lane, reason}: records not indexed; reason {@code past_retention}: their event-time
     * day is already past the index's retention (it would drop them at once; the archive keeps them).
     */
    public static final String SKIPPED = "loglane.index.skipped";
    /** Counter {lane, reason}: day indices deleted by retention (reason age or size). */
    public static final String DAYS_DELETED = "loglane.index.days.deleted";
}
