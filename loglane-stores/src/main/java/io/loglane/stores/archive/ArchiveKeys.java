package io.loglane.stores.archive;

import io.loglane.core.config.ConfigKey;
import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.StoreKeys;
import io.loglane.core.config.ValueType;
import java.util.List;

/**
 * The keys of the {@code archive:} section and the archive's lane key {@code lanes.<name>.compact},
 * declared by the archive store type: their bounds, defaults and reference docs. The loader
 * validates them; {@link ArchiveSettings#from} and {@link #compact} read them.
 *
 * <p>Thread-safety: immutable.
 */
public final class ArchiveKeys implements StoreKeys {
    /** The one instance. */
    public static final ArchiveKeys INSTANCE = new ArchiveKeys();

    /** The name lanes list in {@code to:}, and the section. */
    public static final String NAME = "archive";

    private static final String P = NAME + ".";

    private static final List<ConfigKey> KEYS = List.of(
            new ConfigKey(P + "dir", ValueType.PATH, null, "Archive root; defaults to <server.data_dir>/archive."),
            new ConfigKey(P + "flush_rows", ValueType.COUNT, "500000", "Flush a lane's buffer to Parquet at this many rows."),
            new ConfigKey(P + "flush_size", ValueType.POSITIVE_SIZE, "128MiB", "… or at this many buffered bytes."),
            new ConfigKey(P + "flush_age", ValueType.POSITIVE_DURATION, "30s", "… or when the oldest buffered row is this old."),
            new ConfigKey(P + "compact_after", ValueType.POSITIVE_DURATION, "10m", "Compact an hour partition's small files once the hour has been closed this long."),
            new ConfigKey(P + "compact_min_files", ValueType.COUNT, "4", "Compact only partitions with at least this many files."),
            new ConfigKey(P + "maintenance_interval", ValueType.POSITIVE_DURATION, "30s", "How often each lane's archive runs compaction and retention (age and size)."));

    private static final ConfigKey COMPACT = new ConfigKey("lanes.<name>.compact", ValueType.BOOLEAN, "true",
            "Merge the archive's small files of closed hours; false keeps every file exactly as flushed (audit).");

    private ArchiveKeys() {}

    @Override public String name() { return NAME; }

    @Override public List<ConfigKey> keys() { return KEYS; }

    @Override public List<ConfigKey> laneKeys() { return List.of(COMPACT); }

    /** Whether the archive compacts {@code lane}: its {@code compact} key, else the key's default. */
    public static boolean compact(LaneSpec lane) {
        Boolean v = lane.storeOption("compact");
        return v != null ? v : (Boolean) COMPACT.defaultValue();
    }
}
