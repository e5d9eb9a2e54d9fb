package io.loglane.stream.local;

import io.loglane.stream.io.ChannelOpener;
import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.stream.testkit.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentTest {
    @TempDir Path dir;

    @Test
    void appendedBatchesScanBackInOrderAndTheIndexFindsThem() throws Exception {
        long[] positions = new long[30];
        try (Segment s = Segment.create(dir, 100, 1, ChannelOpener.DEFAULT)) {
            for (int i = 0; i < 30; i++) {
                EncodedBatch b = BatchCodec.encode(Fixtures.request(10, i), true);
                BatchCodec.setBaseOffset(b.bytes(), s.nextOffset());
                positions[i] = s.append(b);
            }
            assertThat(s.nextOffset()).isEqualTo(400);
            assertThat(s.floorPosition(100 + 10 * 17 + 3)).isEqualTo(positions[17]);
            BatchScanner scan = new BatchScanner(s.channel(), 0, s.size(), true);
            long expected = 100;
            for (int i = 0; i < 30; i++) {
                BatchScanner.Step step = scan.next();
                assertThat(step).isInstanceOf(BatchScanner.Batch.class);
                assertThat(((BatchScanner.Batch) step).header().baseOffset()).isEqualTo(expected);
                expected += 10;
            }
            assertThat(scan.next()).isInstanceOf(BatchScanner.End.class);
            s.seal();
            String[] problem = new String[1];
            SegmentIndex.Loaded loaded = SegmentIndex.load(s.indexFile(), 100, s.size(), 1, problem);
            assertThat(loaded).isNotNull();
            assertThat(loaded.nextOffset()).isEqualTo(400);
            assertThat(loaded.index().floorPosition(10 * 29)).isEqualTo((int) positions[29]);
            assertThat(SegmentIndex.load(s.indexFile(), 100, s.size() + 1, 1, problem)).isNull();
            assertThat(problem[0]).contains("stale");
        }
    }
}
