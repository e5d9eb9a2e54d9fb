package io.loglane.stream.testkit;

import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.core.ingest.Source;
import io.loglane.core.ingest.SourceLedger;
import io.loglane.stream.AppendRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;

/** Generated test data: record blocks with recognisable, compressible content. */
public final class Fixtures {
    private Fixtures() {}

    /** {@code n} records whose bodies say which batch and record they are. */
    public static RecordBlock block(int n, long batchNo) {
        RecordBlockBuilder b = new RecordBlockBuilder();
        for (int i = 0; i < n; i++) {
            byte[] rec = ("{\"batch\":" + batchNo + ",\"i\":" + i + ",\"msg\":\"GET /api/v1/items?id=" + (batchNo * 1000 + i)
                    + " HTTP/1.1 200 512\"}").getBytes(StandardCharsets.UTF_8);
            byte[] meta = i % 3 == 0 ? new byte[] {(byte) 0x80} : null;
            b.add(1_700_000_000_000_000_000L + batchNo * 1_000_000L + i, rec, 0, rec.length, meta, 0, meta == null ? 0 : meta.length);
        }
        return b.build();
    }

    public static AppendRequest request(int n, long batchNo) {
        return new AppendRequest("app.access", block(n, batchNo), 1_700_000_000_000_000_000L + batchNo, null, null);
    }

    /** The source of the requests with every field ({@link #request(int, long, long, String)}). */
    public static final Source SOURCE = new Source("forward", "10.0.0.7");
    private static final SourceLedger LEDGER = new SourceLedger(new SimpleMeterRegistry(), 10);

    /** A request with every field: chunk id, source position, and {@link #SOURCE}. */
    public static AppendRequest request(int n, long batchNo, long receivedAtNanos, String chunkId) {
        return new AppendRequest("app.access", block(n, batchNo), receivedAtNanos, chunkId, ("pos-" + batchNo).getBytes(StandardCharsets.UTF_8),
                LEDGER.tally(SOURCE, "app.access"));
    }
}
