package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/**
 * A lane full of undelivered data (its store has not committed: the archive flushes only on
 * request here) on a real node: native HTTP ingest answers 503 {@code backpressure} with
 * {@code Retry-After}, and nothing of the refused request is stored; the Forward input stops
 * reading (no ack) instead of refusing; once the store catches up (a flush commits its
 * checkpoint), the held Forward chunk is acknowledged by itself and HTTP takes requests again,
 * with no restart and no resend.
 */
class FullLanePushBackTest {
    @Test
    void aFullLaneIs503OverHttpStopsForwardReadingAndBothResumeByThemselvesOnceTheStoreCatchesUp(@TempDir Path dir) throws Exception {
        try (TestNode t = TestNode.start(dir, """
                stream:
                  max_lane_size: 64KiB
                  segment_size: 16KiB
                """)) {
            SplittableRandom random = new SplittableRandom(3);
            HttpResponse<String> r = null;
            int accepted = 0;
            for (int i = 0; i < 200; i++) {
                r = t.post("/api/v1/ingest/x.activity", events(random), Map.of());
                if (r.statusCode() != 202) {
                    break;
                }
                accepted++;
            }
            assertThat(accepted).as("the lane took requests until it was full").isPositive();
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(r.body()).contains("\"reason\":\"backpressure\"");
            assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
            long end = t.lane("activity").streamEnd();

            try (Socket forward = new Socket("127.0.0.1", t.node.forwardPort())) {
                MessageUnpacker acks = MessagePack.newDefaultUnpacker(forward.getInputStream());
                forward.getOutputStream().write(InputsFromConfigTest.messageWithChunk("app.activity", "held-1", events(random)));
                forward.setSoTimeout(500);
                assertThatThrownBy(acks::unpackValue).as("no ack while the lane is full: the chunk (as large as the refused requests) is held, not refused")
                        .isInstanceOf(SocketTimeoutException.class);
                assertThat(t.lane("activity").streamEnd()).as("nothing of the refused requests stored").isEqualTo(end);

                t.flush(); // the archive writes what it holds and commits its checkpoint: room again
                forward.setSoTimeout(30_000);
                assertThat(acks.unpackValue().toString()).as("the held chunk, acknowledged by itself").isEqualTo("{\"ack\":\"held-1\"}");
            }
            assertThat(t.post("/api/v1/ingest/x.activity", events(random), Map.of()).statusCode()).isEqualTo(202);
        }
    }

    /** About 4 KiB of events whose messages are random hex, which LZ4 cannot shrink. */
    private static String events(SplittableRandom random) {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 4096) {
            sb.append("{\"message\":\"");
            for (int k = 0; k < 16; k++) {
                sb.append(Long.toHexString(random.nextLong() | Long.MIN_VALUE));
            }
            sb.append("\"}\n");
        }
        return sb.toString();
    }
}
