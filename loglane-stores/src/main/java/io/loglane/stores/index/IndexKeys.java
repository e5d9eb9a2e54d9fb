package io.loglane.stores.index;

import io.loglane.core.config.ConfigKey;
import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.Retention;
import io.loglane.core.config.StoreKeys;
import io.loglane.core.config.ValueType;
import java.time.Duration;
import java.util.List;

/**
 * The keys of the {@code index:} section and the index's lane key {@code lanes.<name>.index_retention}, declared by the index store type: their bounds, defaults
 * and reference docs. The loader validates them; {@link IndexSettings#from} reads them.
 *
 * <p>Thread-safety: immutable.
 */
public final class IndexKeys implements StoreKeys {
    /** The one instance. */
    public static final IndexKeys INSTANCE = new IndexKeys();

    /** The name lanes list in {@code to:}, and the section. */
    public static final String NAME = "index";

    private static final String P = NAME + ".";

    private static final List<ConfigKey> KEYS = List.of(
            new ConfigKey(P + "dir", ValueType.PATH, null, "Index root; defaults to <server.data_dir>/index."),
            new ConfigKey(P + "refresh_interval", ValueType.POSITIVE_DURATION, "500ms",
                    "How often new documents become searchable (near-real-time reopen); at most 1s keeps search within a second of the ack."),
            new ConfigKey(P + "commit_interval", ValueType.POSITIVE_DURATION, "10s",
                    "How often a lane's index commits (fsync) and its delivery checkpoint moves; a crash replays at most this much from the stream."),
            new ConfigKey(P + "ram_buffer", ValueType.POSITIVE_SIZE, "128MiB",
                    "Indexing buffer of each open day index of a lane, before Lucene flushes a segment (commits flush it too); at most 1/8 of the JVM heap. Bigger means fewer merges."),
            new ConfigKey(P + "maintenance_interval", ValueType.POSITIVE_DURATION, "1m", "How often each lane's index applies retention (whole days, by age then size)."));

    private static final ConfigKey INDEX_RETENTION = new ConfigKey("lanes.<name>.index_retention", ValueType.DURATION, "0",
            "How long the index keeps a lane's events, when shorter than retention.age (0 = retention.age): older days are dropped and "
                    + "older events not indexed at all (counted in loglane_index_skipped_total); search reads that range from the archive.");

    private IndexKeys() {}

    /**
     * The retention the index applies to {@code lane}: the lane's, with its age shortened to
     * {@code index_retention} when that is set and shorter.
     */
    public static Retention retention(LaneSpec lane) {
        Duration index = lane.storeOption("index_retention");
        Retention r = lane.retention();
        if (index == null || !index.isPositive()) {
            return r;
        }
        boolean laneForever = r.maxAge() == null || !r.maxAge().isPositive();
        return laneForever || index.compareTo(r.maxAge()) < 0 ? new Retention(index, r.maxBytes()) : r;
    }

    @Override public String name() { return NAME; }

    @Override public List<ConfigKey> keys() { return KEYS; }

    @Override public List<ConfigKey> laneKeys() { return List.of(INDEX_RETENTION); }
}
