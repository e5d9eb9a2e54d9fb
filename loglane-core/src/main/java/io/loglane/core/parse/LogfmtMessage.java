package io.loglane.core.parse;

import io.loglane.core.event.EventFields;
import io.loglane.core.event.PackOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;

/**
 * A message written in logfmt ({@code time=2026-12-05T04:15:49Z level=error msg="db down" took=1.2}),
 * as Go services (logrus, slog's TextHandler, Heroku) log, decoded into its pairs: string values
 * (typed columns convert them; see {@link RecordParser#fields()} of {@code logfmt}), keys in line
 * order. A line is logfmt only when every space-separated token is {@code key=value} (a value may
 * be empty or {@code "quoted"} with {@code \"} and {@code \\} escapes) with a key of printable ASCII
 * without {@code =} or {@code "}: plain text with one {@code a=b} in it is not. Its time is its
 * first {@link EventFields#TIME_KEYS} pair that reads as a time ({@link TimeFormat} defaults).
 *
 * <p>Thread-safety: not thread-safe; one per thread (buffers are reused across messages).
 */
public final class LogfmtMessage implements MessageFields {
    private static final byte[][] TIME_KEYS = EventFields.TIME_KEYS.stream()
            .map(k -> k.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);

    private final PackOutput packed = new PackOutput(512);
    private final MessagePacker packer = MessagePack.newDefaultPacker(packed);
    private final FieldLifter lifter = new FieldLifter();
    private byte[] unescaped = new byte[256];
    private int[] keyStart = new int[16];
    private int[] keyEnd = new int[16];
    private int[] valStart = new int[16];
    private int[] valEnd = new int[16];
    private boolean[] escaped = new boolean[16];
    private int pairs;
    private long timeNanos = -1;

    /** @return true when {@code b[off, off+len)} is a logfmt line; then the fields and time are set */
    public boolean decode(byte[] b, int off, int len) {
        pairs = 0;
        timeNanos = -1;
        if (len > JsonMessage.MAX_BYTES || !scan(b, off, off + len) || pairs == 0) {
            pairs = 0;
            return false;
        }
        try {
            packed.reset();
            packer.clear();
            packer.packMapHeader(pairs);
            for (int i = 0; i < pairs; i++) {
                packer.packRawStringHeader(keyEnd[i] - keyStart[i]);
                packer.writePayload(b, keyStart[i], keyEnd[i] - keyStart[i]);
                int vlen = escaped[i] ? unescape(b, valStart[i], valEnd[i]) : valEnd[i] - valStart[i];
                packer.packRawStringHeader(vlen);
                packer.writePayload(escaped[i] ? unescaped : b, escaped[i] ? 0 : valStart[i], vlen);
                if (timeNanos < 0 && isTimeKey(b, keyStart[i], keyEnd[i])) {
                    timeNanos = escaped[i] ? TimeFormat.of(null).parse(unescaped, 0, vlen)
                            : TimeFormat.of(null).parse(b, valStart[i], valEnd[i] - valStart[i]);
                }
            }
            packer.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a byte array output does not fail
        }
        return true;
    }

    private boolean scan(byte[] b, int p, int e) {
        while (e > p && (b[e - 1] == '\n' || b[e - 1] == '\r' || b[e - 1] == ' ')) {
            e--;
        }
        while (p < e) {
            while (p < e && b[p] == ' ') {
                p++;
            }
            if (p >= e) {
                break;
            }
            int ks = p;
            while (p < e && b[p] > ' ' && b[p] != '=' && b[p] != '"' && b[p] != 0x7f) {
                p++;
            }
            if (p == ks || p >= e || b[p] != '=') {
                return false;
            }
            int ke = p++;
            int vs;
            int ve;
            boolean esc = false;
            if (p < e && b[p] == '"') {
                vs = ++p;
                while (p < e && b[p] != '"') {
                    if (b[p] == '\\') {
                        esc = true;
                        p++;
                    }
                    p++;
                }
                if (p >= e) {
                    return false; // unclosed quote
                }
                ve = p++;
                if (p < e && b[p] != ' ') {
                    return false;
                }
            } else {
                vs = p;
                while (p < e && b[p] != ' ') {
                    if (b[p] == '"' || b[p] == '=') {
                        return false; // "a=b=c" or a stray quote: not logfmt
                    }
                    p++;
                }
                ve = p;
            }
            ensure(pairs);
            keyStart[pairs] = ks;
            keyEnd[pairs] = ke;
            valStart[pairs] = vs;
            valEnd[pairs] = ve;
            escaped[pairs] = esc;
            pairs++;
        }
        return true;
    }

    /** Decodes {@code \"} and {@code \\} (others kept as written) of {@code b[s, e)} into {@link #unescaped}. */
    private int unescape(byte[] b, int s, int e) {
        if (unescaped.length < e - s) {
            unescaped = new byte[Math.max(e - s, unescaped.length * 2)];
        }
        int n = 0;
        for (int i = s; i < e; i++) {
            if (b[i] == '\\' && i + 1 < e && (b[i + 1] == '"' || b[i + 1] == '\\')) {
                i++;
            }
            unescaped[n++] = b[i];
        }
        return n;
    }

    private static boolean isTimeKey(byte[] b, int s, int e) {
        for (byte[] k : TIME_KEYS) {
            if (Arrays.equals(b, s, e, k, 0, k.length)) {
                return true;
            }
        }
        return false;
    }

    private void ensure(int i) {
        if (i == keyStart.length) {
            keyStart = Arrays.copyOf(keyStart, i * 2);
            keyEnd = Arrays.copyOf(keyEnd, i * 2);
            valStart = Arrays.copyOf(valStart, i * 2);
            valEnd = Arrays.copyOf(valEnd, i * 2);
            escaped = Arrays.copyOf(escaped, i * 2);
        }
    }

    @Override
    public byte[] fieldsArray() { return packed.array(); }

    @Override
    public int fieldsLength() { return packed.size(); }

    @Override
    public long timeNanos() { return timeNanos; }

    @Override
    public int lift(byte[] rec, int off, int len) {
        return lifter.lift(packed.array(), packed.size(), rec, off, len);
    }

    @Override
    public byte[] liftedArray() { return lifter.liftedArray(); }
}
