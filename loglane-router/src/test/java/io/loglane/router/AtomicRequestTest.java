package io.loglane.router;

import static io.loglane.router.Records.block;
import static io.loglane.router.Records.rec;
import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.config.ConfigSource;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.IngestResult;
import io.loglane.core.ingest.Source;
import io.loglane.stream.StoredBatch;
import io.loglane.stream.StreamReader;
import io.loglane.stream.embedded.EmbeddedStreams;
import io.loglane.stream.journal.AtomicAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router over the real embedded stream (disk, sync and memory lanes of the bundled
 * configuration, the request journal): a request spanning lanes goes through the journal and is
 * stored whole; when one of its lanes has failed, it is still acknowledged whole, and the failed
 * lane's part is stored by the next start, the other lanes' parts not twice.
 */
class AtomicRequestTest {
    static final String ACCESS = RouterTest.ACCESS;
    @TempDir Path dir;

    private LoglaneConfig config() throws Exception {
        return RouterTest.LOADER.load(new ConfigSource(RouterTest.BUNDLED.toString(), Files.readString(RouterTest.BUNDLED)));
    }

    /** The node's stream in {@code dir}, started (recovered, the journal's owed parts appended). */
    private EmbeddedStreams stream(LoglaneConfig config) throws Exception {
        EmbeddedStreams stream = new EmbeddedStreams(dir, config.lanes(), config.stream(), new SimpleMeterRegistry(), Clock.systemUTC());
        stream.start();
        return stream;
    }

    private static Router router(LoglaneConfig config, EmbeddedStreams stream) {
        Router router = new Router(config, stream, new SimpleMeterRegistry(), Clock.systemUTC());
        router.start();
        return router;
    }

    private static IngestRequest request(RecordBlock records) {
        return new IngestRequest(new Source("http", "127.0.0.1"), "app", records, null, System.currentTimeMillis() * 1_000_000L, null);
    }

    private static List<StoredBatch> read(EmbeddedStreams stream, String lane) throws Exception {
        List<StoredBatch> out = new ArrayList<>();
        try (StreamReader r = stream.lane(lane).reader(0)) {
            StoredBatch b;
            while ((b = r.poll(Duration.ofMillis(50))) != null) {
                out.add(b);
            }
        }
        return out;
    }

    private long journalFiles() throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve(AtomicAppender.DIRECTORY))) {
            return s.count();
        }
    }

    @Test
    void aRequestSpanningThreeLanesIsJournaledAndStoredWholeWithOneChunkIdPerPart() throws Exception {
        LoglaneConfig config = config();
        try (EmbeddedStreams stream = stream(config)) {
            Router router = router(config, stream);
            IngestResult r = router.submit(request(block(rec("log", ACCESS), rec("log_type", "audit"), rec("log", "other")))).get(10, TimeUnit.SECONDS);
            assertThat(r).isEqualTo(new IngestResult(3, 0));
            List<String> chunks = new ArrayList<>();
            for (String lane : List.of("access", "audit", "default")) {
                List<StoredBatch> batches = read(stream, lane);
                assertThat(batches).as(lane).hasSize(1);
                chunks.add(batches.getFirst().chunkId());
            }
            assertThat(chunks.getFirst()).startsWith("journal:");
            assertThat(chunks).as("one id for the request, de-duplicated by each lane").containsOnly(chunks.getFirst());

            IngestResult single = router.submit(request(block(rec("log", ACCESS)))).get(10, TimeUnit.SECONDS);
            assertThat(single.accepted()).isEqualTo(1);
            assertThat(read(stream, "access").get(1).chunkId()).as("a one-lane request never touches the journal").isNull();
        }
        assertThat(journalFiles()).as("nothing owed: a clean close leaves no journal file").isZero();
    }

    @Test
    void aLaneThatFailedGetsItsPartFromTheJournalAtTheNextStartAndNoOtherPartIsStoredTwice() throws Exception {
        LoglaneConfig config = config();
        try (EmbeddedStreams stream = stream(config)) {
            Router router = router(config, stream);
            stream.lane("audit").close(); // a failed lane: it refuses every append until a restart
            IngestResult r = router.submit(request(block(rec("log", ACCESS), rec("log_type", "audit"), rec("log", "other")))).get(10, TimeUnit.SECONDS);
            assertThat(r).as("journaled before any lane got a part: stored whole").isEqualTo(new IngestResult(3, 0));
            assertThat(stream.deferredParts()).isEqualTo(1);
            assertThat(read(stream, "access")).hasSize(1);
        }
        assertThat(journalFiles()).as("the owed part stays journaled").isEqualTo(1);
        try (EmbeddedStreams stream = stream(config)) {
            assertThat(read(stream, "audit")).as("stored by the start, before any consumer reads").hasSize(1);
            assertThat(read(stream, "access")).hasSize(1);
            assertThat(read(stream, "default")).hasSize(1);
            assertThat(stream.deferredParts()).isZero();
        }
    }
}
