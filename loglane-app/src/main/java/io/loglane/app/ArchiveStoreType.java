package io.loglane.app;

import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.core.config.StoreKeys;
import io.loglane.delivery.StoreType;
import io.loglane.stores.archive.ArchiveKeys;
import io.loglane.stores.archive.ArchiveSettings;
import io.loglane.stores.archive.ArchiveSink;
import io.loglane.stores.archive.ArchiveStorage;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/**
 * {@code to: [archive]}: each lane's {@link ArchiveSink} over the node's one {@link ArchiveStorage}
 * (the SQL engine lists from the same one), with the lane's parser columns, retention and
 * {@code compact} key and the {@code archive.*} settings ({@link ArchiveKeys} declares them).
 *
 * <p>Thread-safety: immutable; the storage is thread-safe.
 */
final class ArchiveStoreType implements StoreType {
    private final ArchiveStorage storage;

    ArchiveStoreType(ArchiveStorage storage) {
        this.storage = storage;
    }

    @Override
    public StoreKeys keys() { return ArchiveKeys.INSTANCE; }

    /** The {@code archive:} section of {@code config}. */
    static ArchiveSettings settings(LoglaneConfig config) {
        return ArchiveSettings.from(config.store(ArchiveKeys.NAME), config.server());
    }

    @Override
    public ArchiveSink sink(LaneSpec lane, LoglaneConfig config, MeterRegistry registry, Clock clock) {
        return new ArchiveSink(ArchiveSink.STORE, io.loglane.stream.Partitions.SINGLE, lane.name(), LoglaneNode.parser(config, lane),
                settings(config), lane.retention(), ArchiveKeys.compact(lane), lane.auditChain(), registry, clock, storage);
    }
}
