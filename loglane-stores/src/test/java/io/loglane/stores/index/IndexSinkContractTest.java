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
 * "durable" means what a Lucene commit holds). Record {@code o} is at 23:59:55 + o seconds, so the
 * first batches span two day indices.
 */
class IndexSinkContractTest extends SinkContract {
    static final String LANE = "app";

    static IndexSettings settings(Path dir) {
        return new IndexSettings(dir, Duration.ofMillis(100), Duration.ofMinutes(10), 16L << 20, Duration.ofHours(1));
    }

    @Override
    protected Sink newSink(Path dir, int partition) {
        return new IndexSink(partition, LANE, null, settings(dir), new Retention(Duration.ZERO, 0), new SimpleMeterRegistry(),
                new MutableClock(Instant.parse("2026-03-02T12:00:00Z")));
    }

    @Override
    protected StoredBatch batch(int partition, long baseOffset, int n) {
        // A record's time is a function of its offset, as a redelivered record's is in a real stream.
        String start = Instant.parse("2026-03-01T23:59:55Z").plusSeconds(baseOffset).toString();
        StoredBatch b = TestRecords.lines(baseOffset, n, start, partition == 0 ? "line-" : "p" + partition + "-line-");
        return new StoredBatch(partition, b.baseOffset(), b.tag(), b.receivedAtNanos(), b.records(), b.chunkId(), b.sourcePosition(), b.source());
    }

    @Override
    protected List<Long> storedOffsets(Path dir, int partition) throws Exception {
        return CommittedIndex.offsets(IndexSink.partitionRoot(dir, partition), LANE);
    }
}
