package io.loglane.app;

import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.delivery.StoreType;
import io.loglane.stores.archive.ArchiveSink;
import io.loglane.stores.archive.ArchiveStorage;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/**
 * {@code to: [archive]}: each lane's {@link ArchiveSink} over the node's one {@link ArchiveStorage}
 * (the SQL engine lists from the same one), with the lane's parser columns, retention and
 * {@code compact} key and the {@code archive.*} settings.
 *
 * <p>Thread-safety: immutable; the storage is thread-safe.
 */
final class ArchiveStoreType implements StoreType {
    static final String NAME = "archive";

    private final ArchiveStorage storage;

    ArchiveStoreType(ArchiveStorage storage) {
        this.storage = storage;
    }

    @Override
    public String name() { return NAME; }

    @Override
    public ArchiveSink sink(LaneSpec lane, LoglaneConfig config, MeterRegistry registry, Clock clock) {
        return new ArchiveSink(lane.name(), LoglaneNode.parser(lane), config.archive(), lane.retention(),
                lane.compact(), registry, clock, storage);
    }
}
