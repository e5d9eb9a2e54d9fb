package io.loglane.inputs.cloudwatch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.loglane.core.event.PackOutput;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.inputs.tail.Utf8;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;

/**
 * A {@code PutLogEvents} request, read and checked as AWS documents it, and its events as records.
 *
 * <p>Checks, in AWS's terms (each failure an {@code InvalidParameterException}, nothing stored):
 * {@code logGroupName} and {@code logStreamName} given; 1 to {@value #MAX_EVENTS} events; each with
 * a {@code timestamp} (epoch milliseconds) and a non-empty {@code message}; the batch at most
 * {@value #MAX_BATCH_BYTES} bytes counting each message's UTF-8 bytes plus {@value #EVENT_OVERHEAD}
 * per event; events in chronological order; the events inside the accepted window spanning at most
 * 24 hours. Events more than 14 days old or more than 2 hours ahead of the server's clock are not an
 * error: they are skipped and reported ({@code rejectedLogEventsInfo}: {@code tooOldLogEventEndIndex},
 * the last too old, {@code tooNewLogEventStartIndex}, the first too new; sorted events make them a
 * prefix and a suffix). {@code sequenceToken} is accepted and ignored, as AWS now does.
 *
 * <p>A body that is not well-formed UTF-8 is read with each bad byte replaced by U+FFFD
 * ({@link #repairedUtf8}), as CloudWatch does: Docker's {@code awslogs} driver (aws-sdk-go v1)
 * writes a container's bytes into the JSON strings as they are, and refusing the request would
 * lose every event of its batch, the well-formed ones too. The batch limit counts a message after
 * that repair, as the driver does when it batches.
 *
 * <p>Each event becomes a record {@code {"message": <message>, "source": <log stream>, "log_group":
 * <log group>}} at its own timestamp; the router parses and routes the message like any other.
 *
 * <p>Thread-safety: instances are immutable once read; {@link #read} is thread-safe.
 */
final class PutLogEvents {
    static final int MAX_EVENTS = 10_000;
    static final int MAX_BATCH_BYTES = 1_048_576;
    static final int EVENT_OVERHEAD = 26;
    static final long MAX_AGE_MILLIS = 14L * 24 * 3600 * 1000;
    static final long MAX_AHEAD_MILLIS = 2L * 3600 * 1000;
    static final long MAX_SPAN_MILLIS = 24L * 3600 * 1000;
    private static final JsonFactory JSON = new JsonFactory();

    final String group;
    final String stream;
    private final long[] timestamps;
    private final String[] messages;
    /** Index of the last event too old, or -1; of the first too new, or {@code count}. */
    final int tooOldEnd;
    final int tooNewStart;
    /** Whether the body held bytes that are not UTF-8, read as U+FFFD. */
    final boolean repairedUtf8;

    private PutLogEvents(String group, String stream, long[] timestamps, String[] messages, int tooOldEnd, int tooNewStart,
            boolean repairedUtf8) {
        this.repairedUtf8 = repairedUtf8;
        this.group = group;
        this.stream = stream;
        this.timestamps = timestamps;
        this.messages = messages;
        this.tooOldEnd = tooOldEnd;
        this.tooNewStart = tooNewStart;
    }

    /** Reads and checks a request body at server time {@code nowMillis}. */
    static PutLogEvents read(byte[] body, long nowMillis) throws CloudWatchError {
        boolean repaired = Utf8.firstInvalid(body, 0, body.length) >= 0;
        if (repaired) {
            byte[] out = new byte[3 * body.length];
            body = Arrays.copyOf(out, Utf8.repair(body, 0, body.length, out));
        }
        String group = null;
        String stream = null;
        long[] ts = new long[64];
        List<String> msgs = new ArrayList<>();
        long batchBytes = 0;
        try (JsonParser p = JSON.createParser(body)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "logGroupName" -> group = text(p, value, field);
                    case "logStreamName" -> stream = text(p, value, field);
                    case "logEvents" -> {
                        expect(value, JsonToken.START_ARRAY);
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            if (msgs.size() == MAX_EVENTS) {
                                throw CloudWatchError.invalid("1 validation error detected: Value at 'logEvents' failed to satisfy"
                                        + " constraint: Member must have length less than or equal to " + MAX_EVENTS);
                            }
                            Long t = null;
                            String m = null;
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String f = p.currentName();
                                JsonToken v = p.nextToken();
                                if (f.equals("timestamp") && v == JsonToken.VALUE_NUMBER_INT) {
                                    t = p.getLongValue();
                                } else if (f.equals("message")) {
                                    m = text(p, v, "message");
                                } else {
                                    p.skipChildren();
                                }
                            }
                            int i = msgs.size();
                            if (t == null || m == null || m.isEmpty()) {
                                throw CloudWatchError.invalid("log event " + i + ": needs a timestamp (epoch milliseconds) and a non-empty message");
                            }
                            if (i > 0 && t < ts[i - 1]) {
                                throw CloudWatchError.invalid("Log events in a single PutLogEvents request must be in chronological order.");
                            }
                            batchBytes += utf8Length(m) + EVENT_OVERHEAD;
                            if (batchBytes > MAX_BATCH_BYTES) {
                                throw CloudWatchError.invalid("Upload too large: the batch exceeds " + MAX_BATCH_BYTES
                                        + " bytes (the messages' UTF-8 bytes plus " + EVENT_OVERHEAD + " per event)");
                            }
                            if (i == ts.length) {
                                ts = Arrays.copyOf(ts, i * 2);
                            }
                            ts[i] = t;
                            msgs.add(m);
                        }
                        expect(p.currentToken(), JsonToken.END_ARRAY);
                    }
                    default -> p.skipChildren(); // sequenceToken (ignored, as AWS does now), entity, logGroupIdentifier…
                }
            }
            expect(p.currentToken(), JsonToken.END_OBJECT);
        } catch (IOException e) {
            throw new CloudWatchError(CloudWatchRefusal.MALFORMED_JSON, CloudWatchError.SERIALIZATION,
                    "the body is not a PutLogEvents request: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.toString()));
        }
        if (group == null || group.isEmpty() || stream == null || stream.isEmpty()) {
            throw CloudWatchError.invalid("logGroupName and logStreamName are required");
        }
        if (msgs.isEmpty()) {
            throw CloudWatchError.invalid("1 validation error detected: Value at 'logEvents' failed to satisfy constraint:"
                    + " Member must have length greater than or equal to 1");
        }
        int n = msgs.size();
        int tooOldEnd = -1;
        while (tooOldEnd + 1 < n && ts[tooOldEnd + 1] < nowMillis - MAX_AGE_MILLIS) {
            tooOldEnd++;
        }
        int tooNewStart = n;
        while (tooNewStart > tooOldEnd + 1 && ts[tooNewStart - 1] > nowMillis + MAX_AHEAD_MILLIS) {
            tooNewStart--;
        }
        if (tooNewStart > tooOldEnd + 1 && ts[tooNewStart - 1] - ts[tooOldEnd + 1] > MAX_SPAN_MILLIS) {
            throw CloudWatchError.invalid("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");
        }
        return new PutLogEvents(group, stream, ts, msgs.toArray(new String[0]), tooOldEnd, tooNewStart, repaired);
    }

    /** Events in the request. */
    int count() { return messages.length; }

    /** Events within the accepted window: the ones {@link #records} holds. */
    int acceptedCount() { return tooNewStart - tooOldEnd - 1; }

    /** UTF-8 bytes of the messages of events {@code [from, to)}, for the byte counters. */
    long messageBytes(int from, int to) {
        long b = 0;
        for (int i = from; i < to; i++) {
            b += utf8Length(messages[i]);
        }
        return b;
    }

    /** The accepted events as records (see the class comment). */
    RecordBlock records() {
        int from = tooOldEnd + 1;
        PackOutput out = new PackOutput((int) Math.min(MAX_BATCH_BYTES * 2L, messageBytes(from, tooNewStart) + 64L * acceptedCount()));
        int[] ends = new int[acceptedCount()];
        try (MessagePacker pk = MessagePack.newDefaultPacker(out)) {
            byte[] groupUtf8 = group.getBytes(StandardCharsets.UTF_8);
            byte[] streamUtf8 = stream.getBytes(StandardCharsets.UTF_8);
            for (int i = from; i < tooNewStart; i++) {
                pk.packMapHeader(3);
                pk.packString("message").packString(messages[i]);
                pk.packString("source").packRawStringHeader(streamUtf8.length).writePayload(streamUtf8);
                pk.packString("log_group").packRawStringHeader(groupUtf8.length).writePayload(groupUtf8);
                ends[i - from] = (int) pk.getTotalWrittenBytes();
            }
            pk.flush();
        } catch (IOException e) {
            throw new IllegalStateException("packing into memory failed", e);
        }
        RecordBlockBuilder b = new RecordBlockBuilder(out.size() + 16 * ends.length);
        int start = 0;
        for (int k = 0; k < ends.length; k++) {
            b.add(timestamps[from + k] * 1_000_000L, out.array(), start, ends[k] - start);
            start = ends[k];
        }
        return b.build();
    }

    private static String text(JsonParser p, JsonToken value, String field) throws IOException, CloudWatchError {
        if (value != JsonToken.VALUE_STRING) {
            throw CloudWatchError.invalid(field + " must be a string");
        }
        return p.getText();
    }

    private static void expect(JsonToken actual, JsonToken expected) throws CloudWatchError {
        if (actual != expected) {
            throw new CloudWatchError(CloudWatchRefusal.MALFORMED_JSON, CloudWatchError.SERIALIZATION,
                    "the body is not a PutLogEvents request: expected " + expected + ", found " + actual);
        }
    }

    /** UTF-8 length without encoding (an unpaired surrogate counts as the 3 bytes of its replacement). */
    static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2; // 4 bytes for the pair's 2 chars
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }
}
