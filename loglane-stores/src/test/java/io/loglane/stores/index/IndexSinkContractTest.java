package io.loglane.stores.index;

import io.loglane.core.config.Retention;
import io.loglane.delivery.Sink;
import io.loglane.delivery.testkit.SinkContract;
import io.loglane.stores.archive.MutableClock;
import io.loglane.stores.archive.TestRecords;
import io.loglane.stream.StoredBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The {@link Sink} contract suite against the Lucene index, read back from the last commits (so
 * "durable" means what a Lucene commit holds). Batches start at 23:59:55, so most of them span two
 * day indices.
 */
class IndexSinkContractTest extends SinkContract {
    static final String LANE = "app";

    static IndexSettings settings(Path dir) {
        return new IndexSettings(dir, Duration.ofMillis(100), Duration.ofMinutes(10), 16L << 20, Duration.ofHours(1));
    }

    @Override
    protected Sink newSink(Path dir) {
        return new IndexSink(LANE, null, settings(dir), new Retention(Duration.ZERO, 0), new SimpleMeterRegistry(),
                new MutableClock(Instant.parse("2026-03-02T12:00:00Z")));
    }

    @Override
    protected StoredBatch batch(long baseOffset, int n) {
        return TestRecords.lines(baseOffset, n, "2026-03-01T23:59:55Z");
    }

    @Override
    protected List<Long> storedOffsets(Path dir) throws Exception {
        return CommittedIndex.offsets(dir, LANE);
    }
}
