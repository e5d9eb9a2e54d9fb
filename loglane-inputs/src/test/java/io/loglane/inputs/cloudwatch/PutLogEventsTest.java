package io.loglane.inputs.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordCursor;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/** {@code PutLogEvents}' rules as AWS documents them, and the records its events become. */
class PutLogEventsTest {
    private static final long NOW = 1_780_000_000_000L;
    private static final long HOUR = 3_600_000L;

    private static byte[] body(String events) {
        return ("{\"logEvents\":[" + events + "],\"logGroupName\":\"/ecs/shop\",\"logStreamName\":\"web/abc\","
                + "\"sequenceToken\":\"whatever\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static String event(long ts, String message) {
        return "{\"message\":\"" + message + "\",\"timestamp\":" + ts + "}";
    }

    private static CloudWatchError refusal(byte[] body) {
        try {
            PutLogEvents.read(body, NOW);
        } catch (CloudWatchError e) {
            return e;
        }
        throw new AssertionError("accepted");
    }

    @Test
    void eventsBecomeRecordsWithTheirTimeStreamAndGroup() throws Exception {
        PutLogEvents put = PutLogEvents.read(body(event(NOW - 2, "first") + "," + event(NOW - 1, "héllo")), NOW);
        assertThat(put.count()).isEqualTo(2);
        RecordBlock block = put.records();
        RecordCursor c = block.cursor();
        assertThat(c.next()).isTrue();
        assertThat(c.tsNanos()).isEqualTo((NOW - 2) * 1_000_000L);
        assertThat(record(c)).isEqualTo(Map.of("message", "first", "source", "web/abc", "log_group", "/ecs/shop"));
        assertThat(c.next()).isTrue();
        assertThat(record(c)).containsEntry("message", "héllo");
        assertThat(c.next()).isFalse();
    }

    @Test
    void unsortedEventsFailTheWholeRequest() {
        CloudWatchError e = refusal(body(event(NOW, "b") + "," + event(NOW - 1, "a")));
        assertThat(e.type()).isEqualTo("InvalidParameterException");
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("chronological order");
    }

    @Test
    void aBatchSpanningMoreThan24HoursFails() {
        assertThat(refusal(body(event(NOW - 25 * HOUR, "a") + "," + event(NOW, "b"))).getMessage()).contains("24 hours");
        assertThatCode(() -> PutLogEvents.read(body(event(NOW - 24 * HOUR, "a") + "," + event(NOW, "b")), NOW)).doesNotThrowAnyException();
    }

    @Test
    void tooOldAndTooNewEventsAreSkippedAndReportedByIndex() throws Exception {
        String events = event(NOW - 15 * 24 * HOUR, "old0") + "," + event(NOW - 15 * 24 * HOUR + 1, "old1") + ","
                + event(NOW - HOUR, "ok") + "," + event(NOW + 3 * HOUR, "new3");
        // the too-old ones are outside the window, so the 15 days between them and the rest are no span error
        PutLogEvents put = PutLogEvents.read(body(events), NOW);
        assertThat(put.tooOldEnd).isEqualTo(1);
        assertThat(put.tooNewStart).isEqualTo(3);
        assertThat(put.acceptedCount()).isEqualTo(1);
        RecordCursor c = put.records().cursor();
        assertThat(c.next()).isTrue();
        assertThat(record(c)).containsEntry("message", "ok");
        assertThat(c.next()).isFalse();
    }

    @Test
    void theBatchLimitCountsUtf8BytesPlus26PerEvent() throws Exception {
        int events = 4;
        int perMessage = PutLogEvents.MAX_BATCH_BYTES / events - PutLogEvents.EVENT_OVERHEAD;
        String full = "x".repeat(perMessage);
        StringBuilder atLimit = new StringBuilder();
        for (int i = 0; i < events; i++) {
            atLimit.append(i == 0 ? "" : ",").append(event(NOW, full));
        }
        assertThat(PutLogEvents.read(body(atLimit.toString()), NOW).count()).isEqualTo(events);
        String overByOneByte = atLimit.toString().replaceFirst("x", "é"); // é is 2 bytes in UTF-8
        assertThat(refusal(body(overByOneByte)).getMessage()).contains("Upload too large");
    }

    @Test
    void atMost10000Events() throws Exception {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < PutLogEvents.MAX_EVENTS; i++) {
            b.append(i == 0 ? "" : ",").append(event(NOW, "m"));
        }
        assertThat(PutLogEvents.read(body(b.toString()), NOW).count()).isEqualTo(PutLogEvents.MAX_EVENTS);
        assertThat(refusal(body(b.append(",").append(event(NOW, "m")).toString())).getMessage()).contains("10000");
    }

    @Test
    void missingPartsAndBadJsonAreRefused() {
        assertThat(refusal(body("")).getMessage()).contains("greater than or equal to 1");
        assertThat(refusal(body("{\"timestamp\":" + NOW + "}")).getMessage()).contains("non-empty message");
        assertThat(refusal(body(event(NOW, ""))).getMessage()).contains("non-empty message");
        assertThat(refusal(("{\"logEvents\":[" + event(NOW, "m") + "]}").getBytes(StandardCharsets.UTF_8)).getMessage())
                .contains("logGroupName and logStreamName are required");
        CloudWatchError garbage = refusal("{\"logEvents\":[{\"message\":".getBytes(StandardCharsets.UTF_8));
        assertThat(garbage.type()).isEqualTo("SerializationException");
        assertThat(refusal(new byte[] {(byte) 0xff, 0, 1}).type()).as("not JSON, repaired or not").isEqualTo("SerializationException");
    }

    /**
     * Docker's awslogs driver (aws-sdk-go v1) puts a container's bytes into the JSON strings as they
     * are: a body that is not UTF-8 is read with each bad byte as U+FFFD, as CloudWatch does, instead
     * of refusing the whole batch (the driver then drops it, well-formed lines too).
     */
    @Test
    void bytesThatAreNotUtf8AreReadAsReplacementCharactersAndTheBatchIsKept() throws Exception {
        byte[] raw = withBytes(body(event(NOW - 1, "bad @X@ bytes") + "," + event(NOW, "café ok")), (byte) 0xFF, (byte) 0xFE);
        PutLogEvents put = PutLogEvents.read(raw, NOW);
        assertThat(put.repairedUtf8).isTrue();
        assertThat(put.count()).isEqualTo(2);
        RecordCursor c = put.records().cursor();
        assertThat(c.next()).isTrue();
        assertThat(record(c)).containsEntry("message", "bad \uFFFDX\uFFFD bytes");
        assertThat(c.next()).isTrue();
        assertThat(record(c)).containsEntry("message", "café ok");
        assertThat(PutLogEvents.read(body(event(NOW, "café ok")), NOW).repairedUtf8).as("well-formed UTF-8 is left alone").isFalse();
    }

    @Test
    void theBatchLimitCountsARepairedByteAsTheThreeBytesOfItsReplacement() throws Exception {
        // one message of 2 bad bytes and ASCII: exactly at the limit once each bad byte counts 3
        int ascii = PutLogEvents.MAX_BATCH_BYTES - PutLogEvents.EVENT_OVERHEAD - 6;
        byte[] atLimit = withBytes(body(event(NOW, "@@" + "y".repeat(ascii))), (byte) 0xC0, (byte) 0xFF);
        assertThat(PutLogEvents.read(atLimit, NOW).count()).isEqualTo(1);
        byte[] over = withBytes(body(event(NOW, "@@" + "y".repeat(ascii + 1))), (byte) 0xC0, (byte) 0xFF);
        assertThat(refusal(over).getMessage()).contains("Upload too large");
    }

    /** {@code body} with its {@code @} bytes replaced by {@code bad}, in order: raw bytes as Docker's awslogs driver sends them. */
    private static byte[] withBytes(byte[] body, byte... bad) {
        byte[] out = body.clone();
        int k = 0;
        for (int i = 0; i < out.length && k < bad.length; i++) {
            if (out[i] == '@') {
                out[i] = bad[k++];
            }
        }
        assertThat(k).isEqualTo(bad.length);
        return out;
    }

    @Test
    void logGroupsBecomeTags() {
        assertThat(CloudWatchHandler.tagOf("/ecs/shop/access")).isEqualTo("ecs.shop.access");
        assertThat(CloudWatchHandler.tagOf("app#1")).isEqualTo("app.1");
        assertThat(CloudWatchHandler.tagOf("/_")).isEqualTo("cloudwatch");
        assertThat(CloudWatchHandler.tagOf("g".repeat(512))).hasSize(256);
    }

    private static Map<String, Object> record(RecordCursor c) throws Exception {
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(c.array(), c.recordOffset(), c.recordLength())) {
            int n = u.unpackMapHeader();
            Map<String, Object> m = new java.util.HashMap<>();
            for (int i = 0; i < n; i++) {
                m.put(u.unpackString(), u.unpackString());
            }
            return m;
        }
    }
}
