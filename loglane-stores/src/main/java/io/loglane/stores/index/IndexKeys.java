package io.loglane.stores.index;

import io.loglane.core.config.ConfigKey;
import io.loglane.core.config.StoreKeys;
import io.loglane.core.config.ValueType;
import java.util.List;

/**
 * The keys of the {@code index:} section, declared by the index store type: their bounds, defaults
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

    private IndexKeys() {}

    @Override public String name() { return NAME; }

    @Override public List<ConfigKey> keys() { return KEYS; }
}
